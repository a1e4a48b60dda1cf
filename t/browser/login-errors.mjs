// The sign-in page's error states and its German texts, in a real browser
// (t/browser/lib/walk.mjs): a wrong password (the username kept, the error announced and
// the password field focused), a form whose CSRF cookie is gone (the "expired" page), and
// the page and its error with Accept-Language: de.
//   node login-errors.mjs BASE_URL USERNAME SHOT_DIR
import { clickAndWait, record, walk } from './lib/walk.mjs';

const [base, username, shotDir] = process.argv.slice(2);

async function wrongPassword(page, out, name) {
  await page.fill('#username', username);
  await page.fill('#password', 'not-the-password');
  const resp = await clickAndWait(page, '#sign-in');
  out.keptUsername = await page.inputValue('#username');
  await record(page, resp, out, name, shotDir);
}

await walk(async (context, page, out) => {
  let resp = await page.goto(base + '/site/index.html');
  await record(page, resp, out, 'page', shotDir);
  await wrongPassword(page, out, 'wrong-password');

  await context.clearCookies(); // the CSRF cookie expired with the browser session
  await page.fill('#password', 'not-the-password');
  resp = await clickAndWait(page, '#sign-in');
  await record(page, resp, out, 'expired', shotDir);

  await page.setExtraHTTPHeaders({ 'Accept-Language': 'de-DE,de;q=0.9' });
  resp = await page.goto(base + '/site/index.html');
  out.deLabels = await page.evaluate(
    () => [...document.querySelectorAll('label')].map((l) => l.textContent.trim()));
  await record(page, resp, out, 'de', shotDir);
  await wrongPassword(page, out, 'de-wrong-password');
});
