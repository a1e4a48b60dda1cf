// The admin console in a real browser: headless Chromium (Debian's /usr/bin/chromium)
// driven by playwright-core. Signs in as an administrator through the login page, then
// walks every console page: the active-users chart (its bars' and its table's numbers
// read back for the Python test to compare with GET /active-users), the activity table
// with a filter, lockouts with Unlock, users with Disable and Enable, and clients;
// axe-core (WCAG 2 A and AA rules) on every page, a screenshot admin-*.png of each.
// Prints one JSON object of what it saw (no cookie values, no passwords).
//   node admin.mjs BASE_URL USERNAME PASSWORD LOCKED_USER VICTIM_USER SHOT_DIR
import { axe, clickAndWait, walk } from './lib/walk.mjs';

const [base, username, password, locked, victim, shotDir] = process.argv.slice(2);
const admin = base + '/authsvc/admin';

async function visit(page, out, name, url) {
  const resp = await page.goto(url);
  out.status[name] = resp.status();
  out.axe[name] = await axe(page);
  await page.screenshot({ path: shotDir + '/admin-' + name + '.png', fullPage: true });
}

await walk(async (context, page, out) => {
  out.status = {};
  await page.goto(admin);
  out.loginUrl = page.url();
  await page.fill('#username', username);
  await page.fill('#password', password);
  await clickAndWait(page, '#sign-in');
  out.afterLoginUrl = page.url();
  out.status.overview = 200;
  out.axe.overview = await axe(page);
  await page.screenshot({ path: shotDir + '/admin-overview.png', fullPage: true });

  await visit(page, out, 'active-users',
              admin + '/active-users?range=daily&from=2025-01-01&to=2025-02-28');
  out.bars = await page.evaluate(() => Object.fromEntries(
    [...document.querySelectorAll('svg.chart rect[data-count]')].map((r) => [
      r.dataset.bucket + '|' + r.dataset.type, Number(r.dataset.count)])));
  out.table = await page.evaluate(() => {
    const t = {};
    for (const row of document.querySelectorAll('#active-users tbody tr')) {
      for (const cell of row.querySelectorAll('td[data-type]')) {
        if (Number(cell.textContent)) {
          t[row.dataset.bucket + '|' + cell.dataset.type] = Number(cell.textContent);
        }
      }
    }
    return t;
  });
  out.chartName = await page.evaluate(() => document.querySelector('svg.chart title').textContent);

  await visit(page, out, 'activity', admin + '/activity');
  await page.fill('#user', 'alice');
  await page.fill('#type', 'ACCESS');
  await page.fill('#from', '2025-01-01');
  await page.fill('#to', '2025-01-31');
  await clickAndWait(page, 'form.filter button[type=submit]');
  out.activityUrl = page.url().replace(base, '');
  out.activityRows = await page.locator('#activity tbody tr').count();
  out.axe['activity-filtered'] = await axe(page);
  await page.screenshot({ path: shotDir + '/admin-activity-filtered.png', fullPage: true });

  await visit(page, out, 'lockouts', admin + '/lockouts');
  out.lockedListed = await page.locator(`button[aria-label="Unlock ${locked}"]`).count();
  await clickAndWait(page, `button[aria-label="Unlock ${locked}"]`);
  out.unlockNotice = (await page.textContent('#notice')).trim();
  out.unlocked = out.lockedListed === 1
    && await page.locator(`button[aria-label="Unlock ${locked}"]`).count() === 0;
  out.axe['lockouts-unlocked'] = await axe(page);

  await visit(page, out, 'users', admin + '/users?username=' + encodeURIComponent(victim));
  await clickAndWait(page, `button[aria-label="Disable ${victim}"]`);
  out.disableNotice = (await page.textContent('#notice')).trim();
  out.disabled = await page.locator(`button[aria-label="Enable ${victim}"]`).count() === 1;
  out.axe['users-disabled'] = await axe(page);
  await page.screenshot({ path: shotDir + '/admin-users-disabled.png', fullPage: true });
  await clickAndWait(page, `button[aria-label="Enable ${victim}"]`);
  out.enabled = await page.locator(`button[aria-label="Disable ${victim}"]`).count() === 1;

  await visit(page, out, 'clients', admin + '/clients');
  out.clients = await page.locator('#clients tbody tr').count();
  out.cookies = (await context.cookies()).map(({ value, ...attrs }) => attrs);
});
