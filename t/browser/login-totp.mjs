// The sign-in page's second factor in a real browser: headless Chromium (Debian's
// /usr/bin/chromium) driven by playwright-core. Signs in with a password, then with a TOTP
// code computed here from the secret (RFC 6238, SHA-1, 6 digits, 30 s), checking the
// password, code and error pages with axe-core (WCAG 2 A and AA rules), and prints one
// JSON object of what it saw (no cookie values, no codes).
//   node login-totp.mjs BASE_URL USERNAME PASSWORD TOTP_SECRET SHOT_DIR
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const [base, username, password, secret, shotDir] = process.argv.slice(2);

function base32(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of s.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

function totp(key, t) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(t / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const off = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(off) & 0x7fffffff) % 1000000).padStart(6, '0');
}

// axe-core is evaluated through the DevTools protocol, which the pages' CSP (no inline
// script) does not govern; the pages themselves stay as served.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
                               'utf8');

async function axe(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  return result.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target) }));
}

const out = { steps: [], consoleErrors: [], axe: {} };
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') out.consoleErrors.push(m.text()); });
  const focused = () => page.evaluate(() => document.activeElement && document.activeElement.id);

  let resp = await page.goto(base + '/site/index.html');
  out.loginUrl = page.url();
  out.loginStatus = resp.status();
  out.loginFocus = await focused();
  // the module's stylesheet applies (no inline style): main is at most 26rem wide
  out.bodyMaxWidth = await page.evaluate(() => getComputedStyle(document.body).maxWidth);
  out.axe.login = await axe(page);

  await page.fill('#username', username);
  await page.fill('#password', password);
  resp = (await Promise.all([page.waitForNavigation(), page.click('#sign-in')]))[0];
  out.stepStatus = resp.status();
  out.stepTitle = await page.textContent('h1');
  out.stepHint = (await page.textContent('#otp-hint')).trim();
  out.stepFocus = await focused();
  out.stepLabel = await page.evaluate(() => document.querySelector('label[for=otp]').textContent);
  await page.screenshot({ path: shotDir + '/login-totp-step.png', fullPage: true });
  out.axe.step = await axe(page);

  await page.fill('#otp', '000000' === totp(base32(secret), Date.now() / 1000) ? '111111' : '000000');
  resp = (await Promise.all([page.waitForNavigation(), page.click('#verify')]))[0];
  out.wrongStatus = resp.status();
  out.wrongAlert = (await page.textContent('[role=alert]')).trim();
  out.wrongFocus = await focused();
  await page.screenshot({ path: shotDir + '/login-totp-wrong.png', fullPage: true });
  out.axe.wrong = await axe(page);

  let t = Date.now() / 1000;
  if (30 - (t % 30) < 4) { await page.waitForTimeout((30 - (t % 30) + 0.3) * 1000); t = Date.now() / 1000; }
  await page.fill('#otp', totp(base32(secret), t));
  resp = (await Promise.all([page.waitForNavigation(), page.click('#verify')]))[0];
  out.afterUrl = page.url();
  out.afterStatus = resp.status();
  out.afterBody = (await page.textContent('body')).trim();
  await page.screenshot({ path: shotDir + '/login-totp-done.png', fullPage: true });
  out.cookies = (await context.cookies()).map(({ value, ...attrs }) => attrs);
} catch (e) {
  out.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
