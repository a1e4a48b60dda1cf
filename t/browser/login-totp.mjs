// The sign-in page's second factor in a real browser: headless Chromium (Debian's
// /usr/bin/chromium) driven by playwright-core. Signs in with a password, then with a TOTP
// code computed here from the secret (RFC 6238, SHA-1, 6 digits, 30 s), checking the
// password, code and error pages with axe-core (WCAG 2 A and AA rules), and prints one
// JSON object of what it saw (no cookie values, no codes).
//   node login-totp.mjs BASE_URL USERNAME PASSWORD TOTP_SECRET SHOT_DIR
import { axe, clickAndWait, focused, freshTotp, totp, walk } from './lib/walk.mjs';

const [base, username, password, secret, shotDir] = process.argv.slice(2);

await walk(async (context, page, out) => {
  let resp = await page.goto(base + '/site/index.html');
  out.loginUrl = page.url();
  out.loginStatus = resp.status();
  out.loginFocus = await focused(page);
  // the module's stylesheet applies (no inline style): main is at most 26rem wide
  out.bodyMaxWidth = await page.evaluate(() => getComputedStyle(document.body).maxWidth);
  out.axe.login = await axe(page);

  await page.fill('#username', username);
  await page.fill('#password', password);
  resp = await clickAndWait(page, '#sign-in');
  out.stepStatus = resp.status();
  out.stepTitle = await page.textContent('h1');
  out.stepHint = (await page.textContent('#otp-hint')).trim();
  out.stepFocus = await focused(page);
  out.stepLabel = await page.evaluate(() => document.querySelector('label[for=otp]').textContent);
  await page.screenshot({ path: shotDir + '/login-totp-step.png', fullPage: true });
  out.axe.step = await axe(page);

  await page.fill('#otp', '000000' === totp(secret) ? '111111' : '000000');
  resp = await clickAndWait(page, '#verify');
  out.wrongStatus = resp.status();
  out.wrongAlert = (await page.textContent('[role=alert]')).trim();
  out.wrongFocus = await focused(page);
  await page.screenshot({ path: shotDir + '/login-totp-wrong.png', fullPage: true });
  out.axe.wrong = await axe(page);

  await page.fill('#otp', await freshTotp(page, secret));
  resp = await clickAndWait(page, '#verify');
  out.afterUrl = page.url();
  out.afterStatus = resp.status();
  out.afterBody = (await page.textContent('body')).trim();
  await page.screenshot({ path: shotDir + '/login-totp-done.png', fullPage: true });
  out.cookies = (await context.cookies()).map(({ value, ...attrs }) => attrs);
});
