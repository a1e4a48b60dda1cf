// The account page (<portal>/account) in a real browser: headless Chromium driven by
// playwright-core. Signs in, lists the sessions with a second browser signed in and ends
// it, refuses a wrong current password then changes the password, enrols an
// authenticator app (the key read from the page, the code computed here) and confirms
// it; axe-core (WCAG 2 A and AA) on every state, screenshots account-*.png. Prints one
// JSON object of what it saw (no passwords, keys or codes).
//   node account.mjs BASE_URL USERNAME PASSWORD NEW_PASSWORD SHOT_DIR
import { axe, clickAndWait, focused, freshTotp, walk } from './lib/walk.mjs';

const [base, username, password, newPassword, shotDir] = process.argv.slice(2);

async function signIn(page, pass) {
  await page.goto(base + '/authsvc/account');
  await page.fill('#username', username);
  await page.fill('#password', pass);
  return clickAndWait(page, '#sign-in');
}

const text = async (page, sel) => (await page.textContent(sel)).trim();

await walk(async (context, page, out) => {
  let resp = await signIn(page, password);
  out.accountStatus = resp.status();
  out.accountUrl = page.url();
  out.title = await text(page, 'h1');
  out.axe.account = await axe(page);
  await page.screenshot({ path: shotDir + '/account-page.png', fullPage: true });

  // a second browser of the same user, listed and then ended from the first
  const other = await context.browser().newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, password);
  await page.goto(base + '/authsvc/account');
  out.sessionsBefore = await page.locator('#sessions tbody tr').count();
  out.axe.sessions = await axe(page);
  await page.screenshot({ path: shotDir + '/account-sessions.png', fullPage: true });
  resp = await clickAndWait(page, 'tr.session:not(.current) button');
  out.endedStatus = resp.status();
  out.ended = await text(page, '#account-message');
  out.sessionsAfter = await page.locator('#sessions tbody tr').count();
  out.axe.ended = await axe(page);
  await otherPage.goto(base + '/authsvc/account');
  out.otherSignedOut = otherPage.url().includes('/authsvc/login');
  await other.close();

  // password: a wrong current one, then the change
  await page.fill('#old-password', 'not-' + password);
  await page.fill('#new-password', newPassword);
  await page.fill('#new-password-again', newPassword);
  resp = await clickAndWait(page, '#change-password');
  out.wrongStatus = resp.status();
  out.wrongAlert = await text(page, '[role=alert]');
  out.wrongFocus = await focused(page);
  out.axe.wrong = await axe(page);
  await page.fill('#old-password', password);
  await page.fill('#new-password', newPassword);
  await page.fill('#new-password-again', newPassword);
  resp = await clickAndWait(page, '#change-password');
  out.changedStatus = resp.status();
  out.changed = await text(page, '#account-message');
  out.axe.changed = await axe(page);

  // authenticator: enrol, read the key, confirm with a code
  resp = await clickAndWait(page, '#enrol-totp');
  out.enrolStatus = resp.status();
  out.enrolFocus = await focused(page);
  out.qrLoaded = await page.evaluate(() => {
    const img = document.getElementById('totp-qr');
    return img.complete && img.naturalWidth > 0;
  });
  const secret = await text(page, '#totp-secret');
  out.axe.enrol = await axe(page);
  await page.screenshot({ path: shotDir + '/account-enrol.png', fullPage: true });
  await page.fill('#totp-code', await freshTotp(page, secret));
  resp = await clickAndWait(page, '#confirm-totp');
  out.confirmedStatus = resp.status();
  out.confirmed = await text(page, '#account-message');
  out.axe.confirmed = await axe(page);
  await page.screenshot({ path: shotDir + '/account-confirmed.png', fullPage: true });
});
