// Invite -> sign-up -> sign-in, in a real browser (t/browser/lib/walk.mjs): the invite's
// link (a path of this server, read by the Python test from the harness's SMTP sink), the
// sign-up form (first with passwords that differ), then signing in as the invited address.
//   node login-signup.mjs BASE_URL INVITE_PATH PASSWORD SHOT_DIR
import { clickAndWait, record, walk } from './lib/walk.mjs';

const [base, invitePath, password, shotDir] = process.argv.slice(2);

await walk(async (context, page, out) => {
  let resp = await page.goto(base + invitePath);
  out.email = await page.inputValue('#email');
  await record(page, resp, out, 'signup', shotDir);
  await page.fill('#firstName', 'Ina');
  await page.fill('#lastName', 'Vited');
  await page.fill('#password', password);
  await page.fill('#confirm', password + 'x');
  resp = await clickAndWait(page, '#create');
  await record(page, resp, out, 'signup-mismatch', shotDir);
  out.keptFirstName = await page.inputValue('#firstName');
  await page.fill('#password', password);
  await page.fill('#confirm', password);
  resp = await clickAndWait(page, '#create');
  await record(page, resp, out, 'signup-done', shotDir);
  resp = await clickAndWait(page, '#sign-in');
  await page.goto(base + '/site/index.html');
  await page.fill('#username', out.email);
  await page.fill('#password', password);
  resp = await clickAndWait(page, '#sign-in');
  out.afterStatus = resp.status();
  out.afterUrl = page.url();
  out.afterBody = (await page.textContent('body')).trim();
});
