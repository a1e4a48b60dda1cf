// Forgot password -> mail -> reset -> sign-in, in a real browser (t/browser/lib/walk.mjs):
// the link "Forgot password?" of the sign-in page, the request, then the reset link the
// Python test read from the harness's SMTP sink and wrote to LINK_FILE (a path of this
// server), the new password twice (first a mismatch), and signing in with it.
//   node login-reset.mjs BASE_URL USERNAME NEW_PASSWORD LINK_FILE SHOT_DIR
import { clickAndWait, record, waitForFile, walk } from './lib/walk.mjs';

const [base, username, newPassword, linkFile, shotDir] = process.argv.slice(2);

await walk(async (context, page, out) => {
  await page.goto(base + '/site/index.html');
  let resp = await clickAndWait(page, '#forgot');
  await record(page, resp, out, 'forgot', shotDir);
  await page.fill('#username', username);
  resp = await clickAndWait(page, '#send-link');
  await record(page, resp, out, 'forgot-sent', shotDir);
  resp = await page.goto(base + await waitForFile(linkFile));
  await record(page, resp, out, 'reset', shotDir);
  await page.fill('#password', newPassword);
  await page.fill('#confirm', newPassword + 'x');
  resp = await clickAndWait(page, '#save');
  await record(page, resp, out, 'reset-mismatch', shotDir);
  await page.fill('#password', newPassword);
  await page.fill('#confirm', newPassword);
  resp = await clickAndWait(page, '#save');
  await record(page, resp, out, 'reset-done', shotDir);
  resp = await clickAndWait(page, '#sign-in');
  out.signInUrl = page.url();
  await page.fill('#username', username);
  await page.fill('#password', newPassword);
  await clickAndWait(page, '#sign-in');
  out.afterUrl = page.url(); // the return address of the mailed link: /
  resp = await page.goto(base + '/site/index.html'); // signed in: no sign-in page
  out.siteUrl = page.url();
  out.siteBody = (await page.textContent('body')).trim();
});
