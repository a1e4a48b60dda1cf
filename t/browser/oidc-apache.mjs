// A real relying party in a real browser: headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core) opens a page that mod_auth_openidc protects on another vhost
// (app.example.org, mapped to 127.0.0.1), signs in on the provider's login page (with
// the second factor when a TOTP secret is given), sees the page, signs in again without
// a form once the relying party forgot its own session (the provider's session is
// reused), logs out through mod_auth_openidc, and is asked to sign in again. Prints one
// JSON object of what it saw; no cookie value, password or code is printed.
//   node oidc-apache.mjs RP_BASE USERNAME PASSWORD SHOT_DIR [TOTP_SECRET_BASE32]
import { createHmac } from 'node:crypto';
import { chromium } from 'playwright-core';

const [rpBase, username, password, shotDir, totpSecret] = process.argv.slice(2);
const rpHost = new URL(rpBase).hostname;
const out = {};

// RFC 6238 TOTP (SHA-1, 6 digits, 30 s) of a base32 secret: what an authenticator shows.
function totp(secret, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(n).padStart(6, '0');
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run',
         `--host-resolver-rules=MAP ${rpHost} 127.0.0.1`],
});
try {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  out.console = [];
  page.on('console', (m) => { if (m.type() === 'error') out.console.push(m.text()); });
  page.on('response', (r) => { if (r.status() >= 400) out.console.push(`${r.status()} ${r.url()}`); });
  const body = async () => (await page.textContent('body')).trim();
  const shot = (name) => page.screenshot({ path: `${shotDir}/${name}.png`, fullPage: true });

  let resp = await page.goto(rpBase + '/private/page?from=test');
  out.loginUrl = page.url();
  out.loginStatus = resp.status();
  out.loginHasForm = await page.isVisible('#login-form');
  await shot('oidc-login-page');

  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('#sign-in')]);
  if (totpSecret) {
    out.secondStepUrl = page.url();
    out.secondStepText = await body();
    await shot('oidc-second-step');
    out.secondStepHasField = await page.isVisible('#otp-form input[autocomplete="one-time-code"]');
    await page.fill('#otp-form input[autocomplete="one-time-code"]', totp(totpSecret));
    await Promise.all([page.waitForNavigation(), page.click('#otp-form button[type="submit"]')]);
  }
  await page.waitForURL((u) => u.hostname === rpHost && u.pathname === '/private/page',
                        { timeout: 30000 }).catch(() => {});
  out.afterLoginUrl = page.url();
  out.afterLoginBody = await body();
  await shot('oidc-private-page');

  // The relying party forgets its session: the provider's browser session signs the
  // user in again without the form.
  await context.clearCookies({ domain: rpHost });
  resp = await page.goto(rpBase + '/private/page?again=1');
  out.againUrl = page.url();
  out.againBody = await body();

  const back = rpBase + '/';
  resp = await page.goto(rpBase + '/private/redirect_uri?logout=' + encodeURIComponent(back));
  out.logoutUrl = page.url();
  out.logoutStatus = resp.status();
  out.logoutBody = await body();
  await shot('oidc-logged-out');

  resp = await page.goto(rpBase + '/private/page?after=logout');
  out.afterLogoutUrl = page.url();
  out.afterLogoutHasForm = await page.isVisible('#login-form');
  out.afterLogoutBody = await body();
  await shot('oidc-after-logout');
} catch (e) {
  out.error = String((e && e.stack) || e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
