// The sign-in page's social buttons in a real browser (t/browser/lib/walk.mjs): the
// buttons' accessible names (English and German), then "Sign in with <LABEL>" through the
// local OpenID provider's login and consent pages (t/peers/op-peer.mjs: #login-form,
// #consent-form) back to the protected page, signed in.
//   node login-social.mjs BASE_URL LABEL USERNAME PASSWORD SHOT_DIR
import { clickAndWait, record, walk } from './lib/walk.mjs';

const [base, label, username, password, shotDir] = process.argv.slice(2);

const names = (page) => page.evaluate(
  () => [...document.querySelectorAll('#social-form button')].map((b) => b.textContent.trim()));

await walk(async (context, page, out) => {
  await page.setExtraHTTPHeaders({ 'Accept-Language': 'de' });
  let resp = await page.goto(base + '/site/index.html');
  out.deButtons = await names(page);
  await record(page, resp, out, 'social-de', shotDir);
  await page.setExtraHTTPHeaders({ 'Accept-Language': 'en' });
  resp = await page.goto(base + '/site/index.html');
  out.buttons = await names(page);
  await record(page, resp, out, 'social', shotDir);

  await Promise.all([page.waitForNavigation(),
                     page.getByRole('button', { name: 'Sign in with ' + label }).click()]);
  out.providerUrl = page.url();
  await page.fill('#username', username);
  await page.fill('#password', password);
  await clickAndWait(page, '#kc-login');
  if (await page.$('#consent-form')) await clickAndWait(page, '#allow');
  await page.waitForURL(/\/site\/index\.html$/, { timeout: 15000 });
  out.afterUrl = page.url();
  out.afterBody = (await page.textContent('body')).trim();
  out.cookies = (await context.cookies()).map((c) => c.name);
});
