// The gateway's browser mode in a real browser: headless Chromium (Debian's
// /usr/bin/chromium) driven by playwright-core. Prints one JSON object of what it saw;
// cookie values are never printed.
//   node gateway-login.mjs BASE_URL USERNAME PASSWORD SHOT_DIR WAIT_SECONDS
import { chromium } from 'playwright-core';

const [base, username, password, shotDir, waitSeconds] = process.argv.slice(2);
const out = { steps: [] };
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  const text = async () => (await page.textContent('body')).trim();

  let resp = await page.goto(base + '/site/index.html?from=test');
  out.loginUrl = page.url();
  out.loginStatus = resp.status();
  out.loginHasForm = await page.isVisible('#login-form');
  await page.screenshot({ path: shotDir + '/login-page.png', fullPage: true });

  await page.fill('#username', username);
  await page.fill('#password', 'not-the-password');
  await Promise.all([page.waitForNavigation(), page.click('#sign-in')]);
  out.errorText = (await page.textContent('#login-error')).trim();
  await page.screenshot({ path: shotDir + '/login-error.png', fullPage: true });

  await page.fill('#username', username);
  await page.fill('#password', password);
  resp = (await Promise.all([page.waitForNavigation(), page.click('#sign-in')]))[0];
  out.afterLoginUrl = page.url();
  out.afterLoginStatus = resp.status();
  out.afterLoginBody = await text();
  out.cookies = (await context.cookies()).map(({ value, ...attrs }) => attrs);

  await page.waitForTimeout(Number(waitSeconds) * 1000);
  resp = await page.reload();
  out.reloadStatus = resp.status();
  out.reloadBody = await text();

  resp = await page.goto(base + '/authsvc/logout');
  out.logoutStatus = resp.status();
  out.logoutBody = await text();

  resp = await page.goto(base + '/site/index.html');
  out.afterLogoutUrl = page.url();
  out.afterLogoutBody = await text();
} catch (e) {
  out.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
