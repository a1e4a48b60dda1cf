"""The administration API (issue 18): GET /admin/users, /admin/lockouts, /admin/clients
and POST /admin/users/{id}/disable|enable|unlock through a real httpd, on SQLite and
PostgreSQL. ManageUsers is enforced by the route table's gate (401 without a token, 403
without the permission); every list and action is limited to the caller's tenant;
disable revokes the user's tokens at once; unlock clears a lock made by wrong passwords;
bad ids and parameters answer 4xx JSON."""
import urllib.parse

import pytest

from harness.accounts import provisioned

USERS = ["ua-admin", "ua-viewer", "ua-victim", "ua-locked", "ua-enable"]
LOCK_LIMIT = 3


@pytest.fixture(scope="module")
def accounts(backend):
    with provisioned(backend, USERS) as acc:
        admin = backend.admin()
        admin.run("role", "add", "--tenant", "t1", "--name", "useradmin",
                  "--permission", "ManageUsers", "--permission", "ViewLoginActivity").check()
        admin.run("role", "add", "--tenant", "t2", "--name", "t2admin",
                  "--permission", "ManageUsers").check()
        admin.run("user", "add", "--username", "ua-t2admin", "--tenant", "t2", "--role",
                  "t2admin", "--client", "web", "--password-stdin",
                  input="pw-ua-t2admin-x1\n").check()
        backend.query("UPDATE user_tenants SET role_id = (SELECT id FROM roles WHERE "
                        "name = 'useradmin') WHERE user_id = (SELECT id FROM users WHERE "
                        "username = 'ua-admin')")
        acc.ids = {u: i for i, u in backend.query("SELECT id, username FROM users")}
        yield acc


@pytest.fixture(scope="module")
def httpd_extra_config(accounts):
    return accounts.httpd_config(["AuthsvcAccountLockout %d 600 900" % LOCK_LIMIT,
                                  "AuthsvcIpLoginLimit 100000 300"])


def login(client, accounts, username, password=None):
    pw = password or (accounts.users[username].password if username in accounts.users
                      else "pw-%s-x1" % username)
    return client.post_json("/auth/login-token", {
        "client_id": "web", "client_secret": accounts.client_secrets["web"],
        "username": username, "password": pw})


def token(client, accounts, username):
    r = login(client, accounts, username)
    assert r.status == 200, r
    return r.json["accessToken"]


def call(client, tok, method, path, params=None):
    if params:
        path += "?" + urllib.parse.urlencode(params)
    headers = {"Authorization": "Bearer " + tok} if tok else {}
    return client.request(method, path, headers=headers)


@pytest.fixture(scope="module")
def admin_token(client, accounts):
    return token(client, accounts, "ua-admin")


def user_row(rows, name):
    found = [u for u in rows if u["username"] == name]
    assert len(found) == 1, rows
    return found[0]


# ---- the gate -----------------------------------------------------------------------------

@pytest.mark.parametrize("method,path", [
    ("GET", "/admin/users"), ("GET", "/admin/lockouts"), ("GET", "/admin/clients"),
    ("POST", "/admin/users/x/disable"), ("POST", "/admin/users/x/enable"),
    ("POST", "/admin/users/x/unlock")])
def test_permission_is_enforced(client, accounts, method, path):
    r = call(client, None, method, path)
    assert r.status == 401, r
    viewer = token(client, accounts, "ua-viewer")  # role admin: ViewLoginActivity only
    r = call(client, viewer, method, path)
    assert r.status == 403, r
    assert r.json["error"]["statusCode"] == 403, r


def test_routes_are_in_the_openapi_document(client):
    doc = client.get("/openapi.json").json
    for path, method in (("/admin/users", "get"), ("/admin/users/{id}/disable", "post"),
                         ("/admin/users/{id}/enable", "post"),
                         ("/admin/users/{id}/unlock", "post"), ("/admin/lockouts", "get"),
                         ("/admin/clients", "get")):
        assert method in doc["paths"][path], path
        assert doc["paths"][path][method]["tags"] == ["AdminController"]


# ---- lists ----------------------------------------------------------------------------------

def test_users_list_is_the_tenants_with_filters(client, accounts, admin_token):
    r = call(client, admin_token, "GET", "/admin/users")
    assert r.status == 200, r
    names = [u["username"] for u in r.json]
    assert names == sorted(names, key=str.lower)
    assert {"alice", "bob", "carol", "ua-admin", "ua-victim"} <= set(names)
    assert "ua-t2admin" not in names  # another tenant's
    carol = user_row(r.json, "carol")
    assert carol["status"] == "inactive" and carol["id"] == accounts.ids["carol"]
    assert set(carol) == {"id", "username", "email", "status", "failures", "locked",
                          "lockedUntil"}
    r = call(client, admin_token, "GET", "/admin/users", {"username": "UA-", "limit": "2"})
    assert r.status == 200 and [u["username"] for u in r.json] == ["ua-admin", "ua-enable"]
    r = call(client, admin_token, "GET", "/admin/users",
             {"username": "ua-", "limit": "2", "offset": "2"})
    assert [u["username"] for u in r.json] == ["ua-locked", "ua-victim"], r
    r = call(client, admin_token, "GET", "/admin/users", {"status": "inactive"})
    assert [u["username"] for u in r.json] == ["carol"], r
    r = call(client, admin_token, "GET", "/admin/users", {"username": "%"})
    assert r.status == 200 and r.json == [], r  # a literal prefix, no LIKE pattern


@pytest.mark.parametrize("params", [{"status": "sleeping"}, {"locked": "yes"},
                                    {"limit": "0"}, {"limit": "201"}, {"offset": "-1"},
                                    {"limit": "x"}])
def test_bad_list_parameters_are_400(client, admin_token, params):
    r = call(client, admin_token, "GET", "/admin/users", params)
    assert r.status == 400, r
    assert r.json["error"]["statusCode"] == 400


def test_clients_list(client, admin_token):
    r = call(client, admin_token, "GET", "/admin/clients")
    assert r.status == 200, r
    by_id = {c["clientId"]: c for c in r.json}
    assert {"web", "other"} <= set(by_id)
    assert by_id["web"] == {"clientId": "web", "type": "confidential", "oidc": False}


# ---- actions -------------------------------------------------------------------------------

def test_disable_revokes_tokens_and_enable_lets_in_again(client, accounts, admin_token):
    victim = login(client, accounts, "ua-victim").json
    me = call(client, victim["accessToken"], "GET", "/auth/me")
    assert me.status == 200, me
    uid = accounts.ids["ua-victim"]
    r = call(client, admin_token, "POST", "/admin/users/%s/disable" % uid)
    assert r.status == 200 and r.json == {"id": uid, "changed": 1}, r
    assert call(client, victim["accessToken"], "GET", "/auth/me").status == 401
    refreshed = client.post_json("/auth/token-refresh",
                                 {"refreshToken": victim["refreshToken"]},
                                 headers={"Authorization": "Bearer " + victim["accessToken"]})
    assert refreshed.status in (401, 403), refreshed
    assert login(client, accounts, "ua-victim").status in (401, 403)
    rows = call(client, admin_token, "GET", "/admin/users", {"username": "ua-victim"}).json
    assert rows[0]["status"] == "inactive"
    r = call(client, admin_token, "POST", "/admin/users/%s/enable" % uid)
    assert r.status == 200 and r.json == {"id": uid, "changed": 1}, r
    assert login(client, accounts, "ua-victim").status == 200
    r = call(client, admin_token, "POST", "/admin/users/%s/enable" % uid)
    assert r.status == 200 and r.json["changed"] == 0, r


def test_unlock_clears_a_lock_made_by_wrong_passwords(client, accounts, admin_token):
    for _ in range(LOCK_LIMIT):
        assert login(client, accounts, "ua-locked", "wrong-password").status == 401
    assert login(client, accounts, "ua-locked").status in (401, 429)  # locked
    locks = call(client, admin_token, "GET", "/admin/lockouts")
    assert locks.status == 200, locks
    mine = [a for a in locks.json["accounts"] if a["username"] == "ua-locked"]
    assert mine and mine[0]["locked"] is True and mine[0]["failures"] >= LOCK_LIMIT, locks
    assert mine[0]["userId"] == accounts.ids["ua-locked"]
    assert isinstance(locks.json["addresses"], list)
    row = call(client, admin_token, "GET", "/admin/users", {"locked": "true"}).json
    assert [u["username"] for u in row] == ["ua-locked"], row
    r = call(client, admin_token, "POST", "/admin/users/%s/unlock" % accounts.ids["ua-locked"])
    assert r.status == 200 and r.json["cleared"] >= 1, r
    assert login(client, accounts, "ua-locked").status == 200
    after = call(client, admin_token, "GET", "/admin/lockouts").json
    assert not [a for a in after["accounts"] if a["username"] == "ua-locked"], after


@pytest.mark.parametrize("action", ["disable", "enable", "unlock"])
def test_bad_or_foreign_ids_are_4xx_json(client, accounts, admin_token, action):
    for uid, status in (("no-such-user", 404), ("bad%20id", 400), ("x" * 65, 400),
                        (accounts.ids["ua-t2admin"], 404)):  # not of the caller's tenant
        r = call(client, admin_token, "POST", "/admin/users/%s/%s" % (uid, action))
        assert r.status == status, (uid, r)
        assert r.json["error"]["statusCode"] == status
    # the other tenant's admin cannot touch t1's users either
    other = token(client, accounts, "ua-t2admin")
    r = call(client, other, "POST", "/admin/users/%s/%s" % (accounts.ids["bob"], action))
    assert r.status == 404, r


def test_an_action_changes_the_callers_tenant_only(client, accounts, admin_token, backend):
    """alice is a member of t1 and t2: t2's admin disables her t2 membership only."""
    other = token(client, accounts, "ua-t2admin")
    alice = accounts.ids["alice"]
    r = call(client, other, "POST", "/admin/users/%s/disable" % alice)
    assert r.status == 200 and r.json["changed"] == 1, r
    rows = {k: int(v) for k, v in backend.query(
        "SELECT t.tenant_key, ut.status FROM user_tenants ut JOIN tenants t "
        "ON t.id = ut.tenant_id WHERE ut.user_id = '%s'" % alice)}
    assert rows == {"t1": 1, "t2": 2}, rows
    assert call(client, other, "POST", "/admin/users/%s/enable" % alice).json["changed"] == 1
