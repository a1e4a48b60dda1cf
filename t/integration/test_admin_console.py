"""The admin console under <portal>/admin (issue 18) through a real httpd, on SQLite and
PostgreSQL, with a cookie-jar client: not signed in -> 303 to the login page, signed in
without the page's permission -> 403; every page no-store, without script, in English
and German; a POST with a wrong CSRF token changes nothing; unlock and disable/enable
through the pages; the chart's numbers (SVG bars and table) equal GET /active-users for
the same range; the activity table's filter. And the browser walk (t/browser/admin.mjs):
headless Chromium through every page with axe-core, screenshots admin-*.png."""
import re
import urllib.parse
from datetime import datetime, timezone

import pytest

from harness import browser as browser_walk
from harness.accounts import provisioned
from harness.httpd import gateway_site_config
from harness.portal import docroot, httpd_modules, signin_secret  # noqa: F401
from test_login_page_mfa import Browser

USERS = ["uc-admin", "uc-plain", "uc-victim", "uc-locked", "uc-walk", "uc-walk-lock"]
LOCK_LIMIT = 3
PAGES = ["", "/active-users", "/activity", "/lockouts", "/users", "/clients"]


def ms(iso):
    return int(datetime.fromisoformat(iso).replace(tzinfo=timezone.utc).timestamp() * 1000)


# Seeded logins of tenant t1 (actor, time, type), across days, ISO weeks and months.
SEED = [("alice", "2025-01-01T08:00:00", "ACCESS"), ("bob", "2025-01-01T09:00:00", "ACCESS"),
        ("alice", "2025-01-01T10:00:00", "RELOGIN"), ("alice", "2025-01-02T08:00:00", "ACCESS"),
        ("carol", "2025-01-06T08:00:00", "ACCESS"), ("dave", "2025-01-06T09:00:00", "RELOGIN"),
        ("bob", "2025-02-03T12:00:00", "ACCESS"), ("erin", "2025-02-03T13:00:00", "LOGOUT")]


@pytest.fixture(scope="module")
def accounts(backend):
    with provisioned(backend, USERS) as acc:
        admin = backend.admin()
        admin.run("role", "add", "--tenant", "t1", "--name", "console",
                  "--permission", "ManageUsers", "--permission", "ViewLoginActivity").check()
        admin.run("role", "add", "--tenant", "t1", "--name", "nobody").check()
        for name, role in (("uc-admin", "console"), ("uc-walk", "console"),
                           ("uc-plain", "nobody")):
            backend.query("UPDATE user_tenants SET role_id = (SELECT id FROM roles WHERE "
                          "name = '%s') WHERE user_id = (SELECT id FROM users WHERE "
                          "username = '%s')" % (role, name))
        acc.ids = {u: i for i, u in backend.query("SELECT id, username FROM users")}
        t1 = acc.tenant_ids["t1"]
        backend.query("INSERT INTO login_activity (id, actor, tenant_id, login_time, "
                      "token_payload, login_type, device_info, ip_address, client_id) VALUES "
                      + ", ".join("('cseed-%d', '%s', '%s', %d, NULL, '%s', 'seed', "
                                  "'192.0.2.%d', 'web')" % (i, acc.ids[a], t1, ms(w), typ, i)
                                  for i, (a, w, typ) in enumerate(SEED)))
        with signin_secret(acc):
            yield acc


@pytest.fixture(scope="module")
def httpd_extra_config(accounts):
    return accounts.httpd_config(["AuthsvcAccountLockout %d 600 900" % LOCK_LIMIT,
                                  "AuthsvcIpLoginLimit 100000 300"]) + [
        'AuthsvcGatewayClient web "%s"' % accounts.secret_path]


@pytest.fixture(scope="module")
def httpd_tail_config(docroot):
    return gateway_site_config(docroot) + [
        "<Location /site>", "    AuthsvcGatewayMode browser", "</Location>"]


def signed_in(server, accounts, name):
    b = Browser(server.port)
    b.open("/authsvc/admin")
    r = b.post(username=name, password=accounts.users[name].password)
    assert r.status == 303, r
    assert "authsvc-session" in b.jar
    return b


@pytest.fixture(scope="module")
def admin(server, accounts):
    return signed_in(server, accounts, "uc-admin")


def api_token(client, accounts, name):
    r = client.post_json("/auth/login-token", {
        "client_id": "web", "client_secret": accounts.client_secrets["web"],
        "username": name, "password": accounts.users[name].password})
    assert r.status == 200, r
    return r.json["accessToken"]


def csrf_of(page):
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)


def status_of(backend, accounts, name):
    return int(backend.query("SELECT status FROM user_tenants WHERE user_id = '%s'"
                             % accounts.ids[name])[0][0])


# ---- gates -------------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_not_signed_in_goes_to_the_login_page(server, page):
    r = Browser(server.port).request("GET", "/authsvc/admin" + page)
    assert r.status == 303, r
    loc = urllib.parse.urlsplit(r.header("Location"))
    assert loc.path == "/authsvc/login", r
    assert urllib.parse.parse_qs(loc.query)["return"] == ["/authsvc/admin" + page], r


def test_pages_need_their_permission(server, accounts):
    plain = signed_in(server, accounts, "uc-plain")
    for page in PAGES:
        r = plain.request("GET", "/authsvc/admin" + page)
        assert r.status == 403, (page, r)
        assert 'role="status"' in r.text
    viewer = signed_in(server, accounts, "alice")  # ViewLoginActivity only
    for page, status in (("", 200), ("/active-users", 200), ("/activity", 200),
                         ("/users", 403), ("/lockouts", 403), ("/clients", 403)):
        assert viewer.request("GET", "/authsvc/admin" + page).status == status, page
    r = viewer.request("POST", "/authsvc/admin/users",
                       form={"csrf": viewer.jar.get("authsvc-csrf", ""), "id": "x",
                             "action": "disable"})
    assert r.status == 403, r


def test_unknown_page_and_method(admin):
    assert admin.request("GET", "/authsvc/admin/nothing").status == 404
    r = admin.request("DELETE", "/authsvc/admin/users")
    assert r.status == 405, r
    assert admin.request("POST", "/authsvc/admin/clients", form={}).status == 405


@pytest.mark.parametrize("page", PAGES)
def test_pages_are_no_store_without_script_and_translated(admin, page):
    r = admin.request("GET", "/authsvc/admin" + page)
    assert r.status == 200, r
    assert r.header("Cache-Control") == "no-store"
    csp = r.header("Content-Security-Policy")
    assert "unsafe-inline" not in csp and "script-src" not in csp, csp
    assert re.search(r"<script|\sonclick=|\sstyle=", r.text) is None
    assert 'aria-label="Administration"' in r.text
    de = admin.request("GET", "/authsvc/admin" + page, headers={"Accept-Language": "de"})
    assert de.status == 200 and 'lang="de"' in de.text and "Verwaltung" in de.text, de
    css = admin.request("GET", "/authsvc/admin/static/admin.css")
    assert css.status == 200 and "max-age" in css.header("Cache-Control")


# ---- actions -----------------------------------------------------------------------------

def test_wrong_csrf_changes_nothing(admin, accounts, backend):
    before = status_of(backend, accounts, "uc-victim")
    for token in ("", "0" * 64, None):
        form = {"id": accounts.ids["uc-victim"], "action": "disable"}
        if token is not None:
            form["csrf"] = token
        r = admin.request("POST", "/authsvc/admin/users", form=form)
        assert r.status == 403, r
        assert 'role="status"' in r.text
    assert status_of(backend, accounts, "uc-victim") == before == 1


def test_disable_and_enable_through_the_page(admin, accounts, backend, client):
    victim_token = api_token(client, accounts, "uc-victim")
    page = admin.request("GET", "/authsvc/admin/users?username=uc-v")
    assert page.status == 200 and "uc-victim" in page.text, page
    assert "ends every session" in page.text  # the confirmation text
    uid = accounts.ids["uc-victim"]
    r = admin.request("POST", "/authsvc/admin/users",
                      form={"csrf": csrf_of(page), "id": uid, "action": "disable"})
    assert r.status == 200 and 'role="status" id="notice"' in r.text, r
    assert status_of(backend, accounts, "uc-victim") == 2
    me = client.get("/auth/me", headers={"Authorization": "Bearer " + victim_token})
    assert me.status == 401, me  # its tokens are revoked
    r = admin.request("POST", "/authsvc/admin/users",
                      form={"csrf": csrf_of(page), "id": uid, "action": "enable"})
    assert r.status == 200, r
    assert status_of(backend, accounts, "uc-victim") == 1
    r = admin.request("POST", "/authsvc/admin/users",
                      form={"csrf": csrf_of(page), "id": "no-such-user", "action": "enable"})
    assert r.status == 404 and 'role="alert"' in r.text, r
    r = admin.request("POST", "/authsvc/admin/users",
                      form={"csrf": csrf_of(page), "id": uid, "action": "delete"})
    assert r.status == 400, r


def test_unlock_through_the_page(admin, accounts, client):
    def login(password):
        return client.post_json("/auth/login-token", {
            "client_id": "web", "client_secret": accounts.client_secrets["web"],
            "username": "uc-locked", "password": password})
    for _ in range(LOCK_LIMIT):
        assert login("wrong-password").status == 401
    assert login(accounts.users["uc-locked"].password).status in (401, 429)
    page = admin.request("GET", "/authsvc/admin/lockouts")
    assert page.status == 200 and "uc-locked" in page.text, page
    assert 'aria-label="Unlock uc-locked"' in page.text
    r = admin.request("POST", "/authsvc/admin/lockouts",
                      form={"csrf": csrf_of(page), "id": accounts.ids["uc-locked"],
                            "action": "unlock"})
    assert r.status == 200 and "The user is unlocked." in r.text, r
    assert "uc-locked" not in r.text.split('id="notice"')[1]
    assert login(accounts.users["uc-locked"].password).status == 200


# ---- reports -------------------------------------------------------------------------------

def chart_numbers(text):
    """{(bucket, type): count} from the SVG's bars, and the same from the table."""
    bars = {(b, t): int(n) for b, t, n in re.findall(
        r'<rect [^>]*data-bucket="([^"]+)" data-type="([^"]+)" data-count="(\d+)"', text)}
    table = {}
    for bucket, cells in re.findall(r'<tr data-bucket="([^"]+)">(.*?)</tr>', text):
        for typ, n in re.findall(r'<td class="n" data-type="([^"]+)">(\d+)</td>', cells):
            if int(n):
                table[(bucket, typ)] = int(n)
    return bars, table


@pytest.mark.parametrize("rng", ["daily", "weekly", "monthly"])
def test_chart_numbers_equal_the_api(admin, accounts, client, rng):
    q = {"range": rng, "from": "2025-01-01", "to": "2025-02-28"}
    page = admin.request("GET", "/authsvc/admin/active-users?" + urllib.parse.urlencode(q))
    assert page.status == 200, page
    assert 'role="img"' in page.text and "<caption>" in page.text
    bars, table = chart_numbers(page.text)
    api = client.get("/active-users/%s?startDate=2025-01-01&endDate=2025-02-28" % rng,
                     headers={"Authorization": "Bearer " + api_token(client, accounts,
                                                                     "uc-admin")})
    assert api.status == 200, api
    expected = {(b, t): len(users) for b, types in api.json.items()
                for t, users in types.items()}
    assert expected and bars == expected == table, (bars, table, expected)
    if rng == "daily":
        assert expected[("2025-01-01", "ACCESS")] == 2


def test_chart_refuses_bad_dates(admin):
    r = admin.request("GET", "/authsvc/admin/active-users?from=2025-13-01&to=2025-01-01")
    assert r.status == 400 and 'role="alert"' in r.text and 'aria-invalid="true"' in r.text
    r = admin.request("GET", "/authsvc/admin/active-users?from=2025-02-01&to=2025-01-01")
    assert r.status == 400, r


def test_activity_table_filters(admin):
    r = admin.request("GET", "/authsvc/admin/activity?user=alice&type=ACCESS"
                             "&from=2025-01-01&to=2025-01-31")
    assert r.status == 200, r
    assert 'data-total="2"' in r.text, r
    body = r.text.split('<tbody>')[1].split('</tbody>')[0]
    assert body.count("<tr>") == 2 and "RELOGIN" not in body and "bob" not in body
    assert "2025-01-02 08:00 UTC" in body
    r = admin.request("GET", "/authsvc/admin/activity?user=nobody-here")
    assert r.status == 200 and 'data-total="0"' in r.text
    r = admin.request("GET", "/authsvc/admin/activity?from=yesterday")
    assert r.status == 400 and 'role="alert"' in r.text


# ---- the browser walk ---------------------------------------------------------------------

def test_browser_walk(server, accounts, backend, client):
    lock = accounts.users["uc-walk-lock"]
    for _ in range(LOCK_LIMIT):
        client.post_json("/auth/login-token", {
            "client_id": "web", "client_secret": accounts.client_secrets["web"],
            "username": "uc-walk-lock", "password": "wrong"})
    shots = browser_walk.shots_dir(backend.kind)
    out = browser_walk.run_walk("admin.mjs", [
        "http://127.0.0.1:%d" % server.port, "uc-walk", accounts.users["uc-walk"].password,
        "uc-walk-lock", "uc-victim", shots], timeout=180)
    browser_walk.assert_accessible(out)
    assert {"overview", "active-users", "activity", "lockouts", "users", "clients"} <= set(
        out["axe"])
    api = client.get("/active-users/daily?startDate=2025-01-01&endDate=2025-02-28",
                     headers={"Authorization": "Bearer " + api_token(client, accounts,
                                                                     "uc-admin")})
    expected = {"%s|%s" % (b, t): len(u) for b, ts in api.json.items() for t, u in ts.items()}
    assert out["bars"] == expected == out["table"], out
    assert out["activityRows"] == 2, out
    assert out["unlocked"] and out["disabled"] and out["enabled"], out
    client_login = client.post_json("/auth/login-token", {
        "client_id": "web", "client_secret": accounts.client_secrets["web"],
        "username": "uc-walk-lock", "password": lock.password})
    assert client_login.status == 200, client_login
    assert status_of(backend, accounts, "uc-victim") == 1
