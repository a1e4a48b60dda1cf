"""Login activity through a real httpd, on SQLite and PostgreSQL: recording (ACCESS,
RELOGIN, LOGOUT, FAILED), GET /login-activity, /login-activity/count,
/login-activity/{id} and /active-users/{range}. Security rows: T-56 (filter SQL
injection), T-57 (filter DoS), T-58 (tenant isolation), T-69 (IP from the connection).

Rows are seeded with SQL (ids "seed-...") over days, ISO weeks and months across the
2024/2025 year boundary, in tenants t1 and t2; the provisioned users log in for real."""
import json
import time
import urllib.parse

import pytest

from harness.accounts import provisioned
from harness.client import assert_envelope, assert_json_headers

UA = "activity-test/1.0 (+integration)"


# ---- fixtures ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def accounts(backend):
    with provisioned(backend) as acc:
        admin = backend.admin()
        admin.run("role", "add", "--tenant", "t2", "--name", "auditor",
                  "--permission", "ViewLoginActivity").check()
        admin.run("role", "add", "--tenant", "t1", "--name", "viewer").check()
        for name, tenant, role in (("frank", "t2", "auditor"), ("gina", "t1", "viewer")):
            admin.run("user", "add", "--username", name, "--tenant", tenant, "--role", role,
                      "--client", "web", "--password-stdin",
                      input="pw-%s-activity\n" % name).check()
        acc.ids = {u: i for i, u in backend.query("SELECT id, username FROM users")}
        seed(backend, acc)
        yield acc


@pytest.fixture(scope="module")
def httpd_extra_config(accounts):
    return accounts.httpd_config()


def login(client, accounts, username, password=None):
    body = {"client_id": "web", "client_secret": accounts.client_secrets["web"],
            "username": username,
            "password": password or (accounts.users[username].password
                                     if username in accounts.users
                                     else "pw-%s-activity" % username)}
    return client.post_json("/auth/login-token", body, headers={"User-Agent": UA})


@pytest.fixture(scope="module")
def tokens(client, accounts):
    out = {}
    for name in ("alice", "frank", "gina"):
        r = login(client, accounts, name)
        assert r.status == 200, r
        out[name] = r.json
    return out


def get(client, token, path, params=None):
    if params:
        path += "?" + urllib.parse.urlencode(params)
    return client.get(path, headers={"Authorization": "Bearer " + token})


def qjson(value):
    return json.dumps(value, separators=(",", ":"))


# ---- seeded rows ---------------------------------------------------------------------

def ms(iso):
    from datetime import datetime
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


def seed_rows(acc):
    t1, t2 = acc.tenant_ids["t1"], acc.tenant_ids["t2"]
    alice, bob = acc.users["alice"].id, acc.users["bob"].id
    rows = [
        # id, actor, tenant, time, type, device, ip
        ("seed-a01", alice, t1, "2024-12-29T23:59:59Z", "ACCESS", "Agent/1", "10.0.0.1"),
        ("seed-a02", alice, t1, "2024-12-30T10:00:00Z", "ACCESS", "agent/2", "10.0.0.2"),
        ("seed-a03", alice, t1, "2024-12-30T11:00:00Z", "ACCESS", "AGENT/3", "10.0.0.3"),
        ("seed-a04", bob, t1, "2024-12-31T09:00:00Z", "RELOGIN", "curl/8", "10.0.0.4"),
        ("seed-a05", bob, t1, "2025-01-01T00:00:00Z", "ACCESS", None, "10.0.0.5"),
        ("seed-a06", alice, t1, "2025-01-06T08:00:00Z", "LOGOUT", "50%_off", None),
        ("seed-a07", alice, t1, "2025-02-15T12:00:00Z", "FAILED", "x*y?[z]", "10.0.0.7"),
        ("seed-a08", bob, t1, "2024-11-30T23:00:00Z", "ACCESS", "Agent/8", "10.0.0.8"),
    ]
    for i in range(30):
        rows.append(("seed-b%02d" % i, alice if i % 3 else bob, t1,
                     "2024-10-%02dT%02d:00:00Z" % (1 + i % 28, i % 24), "ACCESS",
                     "Bulk/%d" % i, "10.1.0.%d" % i))
    for i in range(20):
        rows.append(("seed-t2-%02d" % i, "t2-actor-%d" % (i % 4), t2,
                     "2024-12-%02dT12:00:00Z" % (20 + i % 11), "ACCESS", "T2/%d" % i,
                     "10.2.0.%d" % i))
    return rows


def sql_text(v):
    return "NULL" if v is None else "'%s'" % v.replace("'", "''")


def seed(db, acc):
    acc.seed = seed_rows(acc)
    values = ", ".join(
        "(%s, %s, %s, %d, %s, %s, %s, %s, 'web')" % (
            sql_text(i), sql_text(a), sql_text(t), ms(when), sql_text('{"seed":true}'),
            sql_text(typ), sql_text(dev), sql_text(ip))
        for i, a, t, when, typ, dev, ip in acc.seed)
    db.query("INSERT INTO login_activity (id, actor, tenant_id, login_time, token_payload, "
             "login_type, device_info, ip_address, client_id) VALUES " + values)


def t1_seed(acc):
    return [r for r in acc.seed if r[2] == acc.tenant_ids["t1"]]


SEEDED = {"id": {"like": "seed-%"}}


def ids_of(resp):
    assert resp.status == 200, resp
    assert_json_headers(resp)
    assert isinstance(resp.json, list), resp
    return [row["id"] for row in resp.json]


# ---- access --------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/login-activity", "/login-activity/count",
                                  "/login-activity/seed-a01",
                                  "/active-users/daily?startDate=2025-01-01&endDate=2025-01-02"])
def test_routes_need_a_token_and_the_permission(client, tokens, path):
    r = client.get(path)
    assert_envelope(r, 401)
    assert r.header("WWW-Authenticate") == 'Bearer error="invalid_token"', r
    r = client.get(path, headers={"Authorization": "Bearer " + tokens["gina"]["accessToken"]})
    assert_envelope(r, 403, "NotAllowedAccess")


# ---- recording -----------------------------------------------------------------------

def test_login_refresh_logout_and_failure_are_recorded(client, accounts, backend):
    dave = accounts.users["dave"]
    r = login(client, accounts, "dave")
    assert r.status == 200, r
    pair = r.json
    r = client.post_json("/auth/token-refresh", {"refreshToken": pair["refreshToken"]},
                         headers={"Authorization": "Bearer " + pair["accessToken"],
                                  "User-Agent": UA})
    assert r.status == 200, r
    pair = r.json
    r = client.post_json("/logout", {"refreshToken": pair["refreshToken"]},
                         headers={"Authorization": "Bearer " + pair["accessToken"],
                                  "User-Agent": UA})
    assert r.status == 200, r
    assert login(client, accounts, "dave", password="wrong-password").status == 401
    rows = backend.query("SELECT login_type, tenant_id, device_info, ip_address, client_id, "
                         "token_payload FROM login_activity WHERE actor = '%s' "
                         "ORDER BY login_time, login_type" % dave.id)
    types = [row[0] for row in rows]
    assert sorted(types) == ["ACCESS", "FAILED", "LOGOUT", "RELOGIN"], rows
    for typ, tenant, device, ip, client_id, payload in rows:
        assert tenant == accounts.tenant_ids["t1"], rows
        assert ip == "127.0.0.1", rows           # T-69: from the connection
        assert client_id == "web"
        if typ != "FAILED":
            assert device == UA, rows
        if typ in ("ACCESS", "RELOGIN"):
            claims = json.loads(payload)
            assert claims["id"] == dave.id
            assert not {"password", "client_secret", "refreshToken"} & set(claims)
            assert dave.password not in payload


# ---- find ----------------------------------------------------------------------------

def test_find_orders_pages_and_selects_fields(client, accounts, tokens):
    token = tokens["alice"]["accessToken"]
    expected = sorted(t1_seed(accounts), key=lambda r: (-ms(r[3]), r[0]))
    r = get(client, token, "/login-activity",
            {"filter": qjson({"where": SEEDED, "order": "loginTime DESC", "limit": 5,
                              "skip": 2})})
    assert ids_of(r) == [row[0] for row in expected[2:7]]
    row = r.json[0]
    assert set(row) == {"id", "actor", "tenantId", "loginTime", "tokenPayload", "loginType",
                        "deviceInfo", "ipAddress"}
    assert row["loginTime"].endswith("Z") and "T" in row["loginTime"]
    r = get(client, token, "/login-activity",
            {"filter": qjson({"where": SEEDED, "fields": {"id": True, "loginType": True},
                              "order": ["loginType ASC", "id DESC"], "limit": 3})})
    assert r.status == 200, r
    want = sorted(t1_seed(accounts), key=lambda r: r[0], reverse=True)
    want = sorted(want, key=lambda r: r[4])[:3]
    assert r.json == [{"id": w[0], "loginType": w[4]} for w in want]
    r = get(client, token, "/login-activity",
            {"filter": qjson({"where": {"id": "seed-a05"}, "fields": ["deviceInfo", "id"]})})
    assert r.json == [{"id": "seed-a05", "deviceInfo": None}], r


def test_find_in_bracket_form(client, accounts, tokens):
    token = tokens["alice"]["accessToken"]
    params = [("filter[where][loginType]", "RELOGIN"), ("filter[where][id][like]", "seed-%"),
              ("filter[fields][0]", "id"), ("filter[limit]", "10")]
    r = get(client, token, "/login-activity", params)
    assert r.json == [{"id": "seed-a04"}], r
    params = [("filter[where][id][inq][0]", "seed-a01"), ("filter[where][id][inq][1]", "seed-a07"),
              ("filter[order]", "id DESC")]
    assert ids_of(get(client, token, "/login-activity", params)) == ["seed-a07", "seed-a01"]


@pytest.mark.parametrize("where,expected", [
    ({"deviceInfo": {"like": "Agent/%"}}, ["seed-a01", "seed-a08"]),
    ({"deviceInfo": {"ilike": "agent/%"}}, ["seed-a01", "seed-a02", "seed-a03", "seed-a08"]),
    ({"and": [{"deviceInfo": {"nlike": "Agent%"}}, {"deviceInfo": {"nlike": "Bulk%"}}]},
     ["seed-a02", "seed-a03", "seed-a04", "seed-a06", "seed-a07"]),
    ({"deviceInfo": {"nilike": "%a%"}, "id": {"like": "seed-a%"}},
     ["seed-a04", "seed-a06", "seed-a07"]),
    ({"deviceInfo": {"like": "50\\%\\_off"}}, ["seed-a06"]),
    ({"deviceInfo": {"like": "x*y?[z]"}}, ["seed-a07"]),
    ({"deviceInfo": {"like": "x_y%"}}, ["seed-a07"]),
    ({"deviceInfo": None, "id": {"like": "seed-a%"}}, ["seed-a05"]),
    ({"ipAddress": {"neq": None}, "loginType": {"inq": ["LOGOUT", "FAILED"]}}, ["seed-a07"]),
    ({"loginType": {"nin": ["ACCESS"]}, "id": {"like": "seed-a%"}},
     ["seed-a04", "seed-a06", "seed-a07"]),
    ({"loginTime": {"between": ["2024-12-30T00:00:00Z", "2025-01-01T00:00:00Z"]}},
     ["seed-a02", "seed-a03", "seed-a04", "seed-a05"]),
    ({"loginTime": {"gt": "2025-01-01", "lte": 1739620800000}}, ["seed-a06", "seed-a07"]),
    ({"or": [{"actor": "nobody"}, {"and": [{"ipAddress": {"gte": "10.0.0.7"}},
                                           {"ipAddress": {"lt": "10.0.0.8"}}]}]}, ["seed-a07"]),
    ({"actor": "x' OR '1'='1"}, []),                                          # T-56
    ({"actor": {"inq": ["a", "b') OR 1=1--"]}}, []),                          # T-56
])
def test_find_operators(client, tokens, where, expected):
    r = get(client, tokens["alice"]["accessToken"], "/login-activity",
            {"filter": qjson({"where": where, "order": "id", "limit": 100})})
    got = [i for i in ids_of(r) if i.startswith("seed-")]
    assert got == expected, r


def test_count_uses_where(client, accounts, tokens):
    token = tokens["alice"]["accessToken"]
    r = get(client, token, "/login-activity/count", {"where": qjson(SEEDED)})
    assert r.status == 200 and r.json == {"count": len(t1_seed(accounts))}, r
    r = get(client, token, "/login-activity/count", [("where[loginType]", "RELOGIN"),
                                                     ("where[id][like]", "seed%")])
    assert r.json == {"count": 1}, r


def test_find_by_id_is_tenant_scoped(client, tokens):
    r = get(client, tokens["alice"]["accessToken"], "/login-activity/seed-a04")
    assert r.status == 200 and r.json["id"] == "seed-a04" and r.json["loginType"] == "RELOGIN", r
    r = get(client, tokens["alice"]["accessToken"], "/login-activity/seed-a04",
            {"filter": qjson({"fields": ["id"]})})
    assert r.json == {"id": "seed-a04"}, r
    assert_envelope(get(client, tokens["alice"]["accessToken"], "/login-activity/seed-t2-01"),
                    404, "ENTITY_NOT_FOUND")
    assert_envelope(get(client, tokens["frank"]["accessToken"], "/login-activity/seed-a04"),
                    404, "ENTITY_NOT_FOUND")
    assert get(client, tokens["frank"]["accessToken"], "/login-activity/seed-t2-01").status == 200


# ---- T-58 tenant isolation -----------------------------------------------------------

def test_t58_no_filter_reaches_another_tenant(client, accounts, tokens):
    t2 = accounts.tenant_ids["t2"]
    token = tokens["alice"]["accessToken"]
    for where in ({"tenantId": t2}, {"or": [{"tenantId": t2}, {"id": {"neq": ""}}]},
                  {"or": [{"tenantId": {"neq": "x"}}, {"tenantId": None}]}):
        r = get(client, token, "/login-activity", {"filter": qjson({"where": where})})
        assert r.status == 200, r
        assert all(row["tenantId"] == accounts.tenant_ids["t1"] for row in r.json), r
        c = get(client, token, "/login-activity/count", {"where": qjson(where)})
        assert c.status == 200 and c.json["count"] == len(r.json), c
    r = get(client, tokens["frank"]["accessToken"], "/login-activity/count",
            {"where": qjson(SEEDED)})
    assert r.json == {"count": 20}, r


# ---- T-56 / T-57 bad filters ---------------------------------------------------------

BAD_FILTERS = [
    {"where": {"loginTime\" = 1 OR 1=1--": 1}},
    {"order": "loginTime; DROP TABLE login_activity"},
    {"order": "(SELECT 1)"},
    {"fields": {"id) FROM users--": True}},
    {"where": {"actor": {"regexp": "^a"}}},
    {"where": {"$where": "1"}},
    {"where": {"and": [{"actor": "a"}] * 101}},
    {"where": {"actor": {"inq": ["x"] * 101}}},
    {"skip": 10 ** 12},
    {"where": {"deviceInfo": {"like": "%" * 50}}},
    {"where": {"deviceInfo": {"like": "abc\\"}}},
    {"where": {"loginTime": {"gt": "yesterday"}}},
    {"where": {"loginTime": {"like": "2024%"}}},
    {"where": {"actor": 5}},
    {"include": ["user"]},
    {"limit": -1},
]


@pytest.mark.parametrize("bad", BAD_FILTERS, ids=[str(i) for i in range(len(BAD_FILTERS))])
def test_t56_t57_bad_filters_answer_400(client, backend, tokens, bad):
    before = backend.query("SELECT COUNT(*) FROM login_activity")
    t0 = time.monotonic()
    r = get(client, tokens["alice"]["accessToken"], "/login-activity", {"filter": qjson(bad)})
    assert time.monotonic() - t0 <= 2.0
    err = assert_envelope(r, 400)
    assert err["message"] and len(err["message"]) < 300
    assert backend.query("SELECT COUNT(*) FROM login_activity") == before


def test_t57_deep_huge_and_large_filters(client, tokens):
    token = tokens["alice"]["accessToken"]
    t0 = time.monotonic()
    for depth in (9, 40, 10000):   # over our limit, over the JSON limit, over the URL limit
        text = '{"where":' + '{"and":[' * depth + '{"actor":"a"}' + ']}' * depth + '}'
        r = client.get("/login-activity?filter=" + urllib.parse.quote(text),
                       headers={"Authorization": "Bearer " + token})
        if depth < 10000:
            assert_envelope(r, 400)
        else:
            # a request line of some 270 KB: httpd's LimitRequestLine (8190) answers first
            assert r.status == 414, r.status
    # an 8 KiB+ filter: httpd's LimitRequestLine (8190) answers 414 before the module
    r = get(client, token, "/login-activity",
            {"filter": qjson({"where": {"deviceInfo": "x" * 8300}})})
    assert r.status == 414, r.status
    # three inq lists of 100 values: each at the list limit (100), 300 bound values under
    # the filter's 512, the text under 8 KiB: a valid filter, answered (no row matches)
    r = get(client, token, "/login-activity", {"filter": qjson({"where": {"and": [
        {"deviceInfo": {"inq": ["v%d" % i for i in range(100)]}}] * 3}})})
    assert r.status == 200 and r.json == [], r
    r = get(client, token, "/login-activity", {"filter": qjson({"limit": 10 ** 9})})
    assert r.status == 200 and len(r.json) <= 1000, r   # documented: capped at 1000
    assert time.monotonic() - t0 <= 4.0


# ---- active users --------------------------------------------------------------------

def active(client, token, rng, start, end, flt=None):
    params = {"startDate": start, "endDate": end}
    if flt is not None:
        params["filter"] = qjson(flt)
    return get(client, token, "/active-users/" + rng, params)


def actors(report, bucket, typ):
    return sorted(e["actor"] for e in report.get(bucket, {}).get(typ, []))


def test_active_users_daily_weekly_monthly_across_the_year(client, accounts, tokens):
    token = tokens["alice"]["accessToken"]
    alice, bob = accounts.users["alice"].id, accounts.users["bob"].id
    r = active(client, token, "daily", "2024-12-29", "2025-01-06")
    assert r.status == 200, r
    assert set(r.json) == {"2024-12-29", "2024-12-30", "2024-12-31", "2025-01-01",
                           "2025-01-06"}, r
    assert actors(r.json, "2024-12-30", "ACCESS") == [alice]          # one row per actor
    entry = r.json["2024-12-30"]["ACCESS"][0]
    assert entry["userName"] == "alice" and entry["loginTime"] == "2024-12-30T10:00:00.000Z"
    assert actors(r.json, "2025-01-06", "LOGOUT") == [alice]
    r = active(client, token, "weekly", "2024-12-29T00:00:00Z", "2025-01-06T23:59:59Z")
    assert set(r.json) == {"2024-W52", "2025-W01", "2025-W02"}, r
    assert actors(r.json, "2025-W01", "ACCESS") == sorted([alice, bob])
    assert actors(r.json, "2025-W01", "RELOGIN") == [bob]
    r = active(client, token, "monthly", "2024-11-01", "2025-02-28")
    assert set(r.json) == {"2024-11", "2024-12", "2025-01", "2025-02"}, r
    assert actors(r.json, "2025-02", "FAILED") == [alice]


def test_active_users_filter_by_actor_and_name(client, accounts, tokens):
    token = tokens["alice"]["accessToken"]
    alice, bob = accounts.users["alice"].id, accounts.users["bob"].id
    flt = {"inclusion": True, "userIdentity": "actorId", "userIdentifier": [bob]}
    r = active(client, token, "monthly", "2024-12-01", "2025-01-31", flt)
    assert {e["actor"] for b in r.json.values() for rows in b.values() for e in rows} == {bob}
    flt = {"inclusion": False, "userIdentity": "userName", "userIdentifier": ["BOB"]}
    r = active(client, token, "monthly", "2024-12-01", "2025-01-31", flt)
    assert {e["actor"] for b in r.json.values() for rows in b.values() for e in rows} == {alice}


@pytest.mark.parametrize("path", [
    "/active-users/hourly?startDate=2025-01-01&endDate=2025-01-02",
    "/active-users/daily?startDate=2025-01-02&endDate=2025-01-01",
    "/active-users/daily?startDate=yesterday&endDate=2025-01-01",
    "/active-users/daily?startDate=2020-01-01&endDate=2025-01-01",
    "/active-users/daily?endDate=2025-01-01",
    "/active-users/daily?startDate=2025-01-01&endDate=2025-01-02&filter=%7B%22x%22%3A1%7D",
])
def test_active_users_bad_requests(client, tokens, path):
    r = client.get(path, headers={"Authorization": "Bearer " + tokens["alice"]["accessToken"]})
    assert_envelope(r, 400)


def test_active_users_is_tenant_scoped(client, accounts, tokens):
    r = active(client, tokens["frank"]["accessToken"], "monthly", "2024-01-01", "2025-12-31")
    assert r.status == 200, r
    assert set(r.json) == {"2024-12"}, r
    assert {e["tenantId"] for rows in r.json["2024-12"].values() for e in rows} == {
        accounts.tenant_ids["t2"]}


# ---- property test: random filters -------------------------------------------------

FUZZ_COUNT = 10000
FUZZ_THREADS = 4
JUNK = ["x' OR '1'='1", "') OR 1=1--", "%", "_", "\\", "*", "[", "\u00e9\u4e2d", "", "NULL",
        "1; DROP TABLE login_activity", "loginTime DESC", 2 ** 63, -1, 1.5, True, None, [], {}]


def _fuzz_condition(rng, acc, depth=0):
    alice, bob = acc.users["alice"].id, acc.users["bob"].id
    r = rng.random()
    if depth < 3 and r < 0.15:
        return {rng.choice(["and", "or"]): [_fuzz_condition(rng, acc, depth + 1)
                                            for _ in range(rng.randint(1, 3))]}
    choices = [
        lambda: {"actor": rng.choice([alice, bob])},
        lambda: {"actor": {"inq": rng.sample([alice, bob, "nobody"], rng.randint(1, 3))}},
        lambda: {"loginType": {rng.choice(["eq", "neq"]): rng.choice(
            ["ACCESS", "RELOGIN", "LOGOUT", "FAILED"])}},
        lambda: {"loginType": {"nin": ["LOGOUT"]}},
        lambda: {"loginTime": {rng.choice(["gt", "gte", "lt", "lte"]): "2024-%02d-%02dT00:00:00Z"
                               % (rng.randint(10, 12), rng.randint(1, 28))}},
        lambda: {"loginTime": {"between": [ms("2024-10-01T00:00:00Z"),
                                           ms("2025-%02d-01T00:00:00Z" % rng.randint(1, 3))]}},
        lambda: {"deviceInfo": {rng.choice(["like", "ilike", "nlike", "nilike"]):
                                rng.choice(["%a%", "Bulk%", "agent/_", "%/%", "%1%"])}},
        lambda: {"ipAddress": {"like": "10.%"}},
        lambda: {"deviceInfo": None} if rng.random() < 0.5 else {"ipAddress": {"neq": None}},
        lambda: {"id": {"like": "seed-%"}},
        lambda: {"tenantId": acc.tenant_ids["t2"]},
    ]
    return rng.choice(choices)()


def _fuzz_junk(rng):
    """Something wrong: an unknown key, operator or type, or injection text."""
    key = rng.choice(["actor", "loginTime", "tenantId", "nope", "$where", "id) --", "and"])
    op = rng.choice(["eq", "like", "inq", "between", "regexp", "gt", "nin", "exists", "or"])
    return {"where": {key: {op: rng.choice(JUNK)}} if rng.random() < 0.7 else rng.choice(JUNK),
            rng.choice(["order", "fields", "limit", "skip", "include"]): rng.choice(JUNK)}


def fuzz_filter(rng, acc):
    if rng.random() < 0.2:
        return _fuzz_junk(rng)
    flt = {"where": _fuzz_condition(rng, acc)}
    if rng.random() < 0.3:
        flt["order"] = rng.choice(["loginTime DESC", "actor ASC", ["loginType", "id DESC"],
                                   "deviceInfo, ipAddress DESC"])
    if rng.random() < 0.3:
        flt["limit"] = rng.randint(1, 50)
    if rng.random() < 0.2:
        flt["skip"] = rng.randint(0, 5)
    if rng.random() < 0.2:
        flt["fields"] = rng.choice([["id", "tenantId"], {"tenantId": True, "actor": True},
                                    {"deviceInfo": False}])
    return flt


def _fuzz_worker(port, token, t1, filters, out):
    import http.client
    conn = None
    for flt in filters:
        path = "/login-activity?" + urllib.parse.urlencode({"filter": qjson(flt)})
        for _attempt in range(2):
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", path, headers={"Authorization": "Bearer " + token})
                resp = conn.getresponse()
                body = resp.read()
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
                break
            except (http.client.HTTPException, OSError):
                conn = None
        else:
            out.append(("no answer", flt))
            continue
        if resp.status >= 500:
            out.append(("status %d" % resp.status, flt))
        elif resp.status == 200:
            rows = json.loads(body)
            if any(row.get("tenantId", t1) != t1 for row in rows):
                out.append(("another tenant's row", flt))
            out.append(("rows" if rows else "empty", None))
        else:
            out.append(("refused", None))


def test_random_filters_never_fail_nor_leak(server, accounts, tokens):
    import os
    import random
    import threading
    seed = int(os.environ.get("AUTHSVC_FUZZ_SEED", "20250105"))
    rng = random.Random(seed)
    filters = [fuzz_filter(rng, accounts) for _ in range(FUZZ_COUNT)]
    results = [[] for _ in range(FUZZ_THREADS)]
    t0 = time.monotonic()
    threads = [threading.Thread(target=_fuzz_worker, args=(
        server.port, tokens["alice"]["accessToken"], accounts.tenant_ids["t1"],
        filters[i::FUZZ_THREADS], results[i])) for i in range(FUZZ_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    outcomes = [o for part in results for o in part]
    bad = [o for o in outcomes if o[0] not in ("rows", "empty", "refused")]
    assert not bad, "seed %d: %r" % (seed, bad[:5])
    with_rows = sum(1 for o in outcomes if o[0] == "rows")
    print("random filters: %d in %.1f s, %d with rows, %d empty, %d refused (seed %d)" % (
        len(outcomes), elapsed, with_rows, sum(1 for o in outcomes if o[0] == "empty"),
        sum(1 for o in outcomes if o[0] == "refused"), seed))
    assert len(outcomes) == FUZZ_COUNT
    assert with_rows >= FUZZ_COUNT // 2, (with_rows, seed)


# ---- authsvc-admin activity ----------------------------------------------------------

def test_admin_activity_prints_recent_rows_and_daily_active_users(backend, accounts, server):
    out = backend.admin().run("activity", "--days", "3660", "--limit", "3").check().stdout
    recent, _, daily = out.partition("\n\nDAY\tACTIVE_USERS\n")
    lines = recent.splitlines()
    assert lines[0] == "TIME\tTYPE\tACTOR\tTENANT\tIP\tCLIENT" and len(lines) == 4, out
    days = dict(line.split("\t") for line in daily.splitlines())
    assert days["2024-12-31"] == "1" and days["2024-12-30"] == "2", out   # every tenant
    assert "seed" not in out and '"seed":true' not in out      # no token payloads
    r = backend.admin().run("activity", "--days", "0")
    assert r.returncode == 2, r
