// Sign-in with a code mailed to the user, in a real browser (t/browser/lib/walk.mjs): the
// password, the code step, then the code the Python test read from the harness's SMTP
// sink and wrote to CODE_FILE while this walk waited.
//   node login-mail.mjs BASE_URL USERNAME PASSWORD CODE_FILE SHOT_DIR
import { clickAndWait, record, waitForFile, walk } from './lib/walk.mjs';

const [base, username, password, codeFile, shotDir] = process.argv.slice(2);

await walk(async (context, page, out) => {
  let resp = await page.goto(base + '/site/index.html');
  await record(page, resp, out, 'mail-password', shotDir);
  await page.fill('#username', username);
  await page.fill('#password', password);
  resp = await clickAndWait(page, '#sign-in');
  out.stepHint = (await page.textContent('#otp-hint')).trim();
  out.resend = (await page.$('#resend')) !== null;
  await record(page, resp, out, 'mail-code', shotDir);
  await page.fill('#otp', await waitForFile(codeFile));
  resp = await clickAndWait(page, '#verify');
  out.afterUrl = page.url();
  out.afterStatus = resp.status();
  out.afterBody = (await page.textContent('body')).trim();
});
