// What the browser walks share: headless Chromium (Debian's /usr/bin/chromium) driven by
// playwright-core, axe-core run on a page (WCAG 2.1 A and AA rules), TOTP codes computed
// from a base32 secret (RFC 6238: SHA-1, 6 digits, 30 s), screenshots, and the one JSON
// line a walk prints for its Python test (t/integration/harness/browser.py).
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

export function base32(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of s.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

export function totp(secret, t = Date.now() / 1000) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(t / 30)));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const off = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(off) & 0x7fffffff) % 1000000).padStart(6, '0');
}

// A code that stays valid for the next few seconds: waits past a step boundary that is
// less than 4 s away.
export async function freshTotp(page, secret) {
  const t = Date.now() / 1000;
  if (30 - (t % 30) < 4) await page.waitForTimeout((30 - (t % 30) + 0.3) * 1000);
  return totp(secret);
}

// axe-core is evaluated through the DevTools protocol, which the pages' CSP (no inline
// script) does not govern; the pages themselves stay as served.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
                               'utf8');

// The page's WCAG 2.1 A/AA violations: [{id, impact, nodes}], [] when none.
export async function axe(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  return result.violations.map((v) => ({ id: v.id, impact: v.impact,
                                          nodes: v.nodes.map((n) => n.target) }));
}

export async function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

// Follows the navigation a click starts; the response of the page it lands on.
export async function clickAndWait(page, selector) {
  return (await Promise.all([page.waitForNavigation(), page.click(selector)]))[0];
}

// The id of the focused element (null when none).
export function focused(page) {
  return page.evaluate(() => document.activeElement && document.activeElement.id);
}

// Runs body(context, page, out) in a fresh browser; out collects what the walk saw
// (never cookie values, passwords or codes) and is printed as one JSON line, with
// out.error set when the walk threw and out.consoleErrors the page's console errors.
export async function walk(body) {
  const out = { consoleErrors: [], axe: {} };
  const browser = await launch();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') out.consoleErrors.push(m.text()); });
    await body(context, page, out);
  } catch (e) {
    out.error = String(e && e.stack || e);
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(out));
}

// What the Python side writes to PATH while the walk runs (a mailed code or link read
// from the harness's SMTP sink), trimmed, once the file exists; throws after timeoutMs.
// The test writes the file whole (a rename), so a partial value is never read.
export async function waitForFile(path, timeoutMs = 20000) {
  const { existsSync } = await import('node:fs');
  for (const end = Date.now() + timeoutMs; Date.now() < end;) {
    if (existsSync(path)) return readFileSync(path, 'utf8').trim();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no ' + path + ' after ' + timeoutMs + ' ms');
}

// A page's state for the Python test: status, title, the alert or status text (no values
// of fields), the focused element; axe-core's violations under out.axe[name] and a
// screenshot login-NAME.png in shotDir.
export async function record(page, resp, out, name, shotDir) {
  const text = async (sel) => ((await page.$(sel)) ? (await page.textContent(sel)).trim() : null);
  out[name] = { status: resp ? resp.status() : null, url: page.url(), title: await text('h1'),
                alert: await text('[role=alert]'), notice: await text('[role=status]'),
                lang: await page.evaluate(() => document.documentElement.lang),
                focus: await focused(page) };
  await page.screenshot({ path: shotDir + '/login-' + name + '.png', fullPage: true });
  out.axe[name] = await axe(page);
}
