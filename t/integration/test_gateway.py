"""The gateway, bearer mode: `AuthType authsvc` in front of a static site and of a
ProxyPass to a backend that echoes the headers it receives, on SQLite and PostgreSQL.
Security rows (gateway parts): T-01, T-10, T-28, T-39, T-60, T-61, T-62.

Tokens come from the service's own API on the same httpd (harness.accounts provisions
the signing key, tenants, clients and users); forged tokens are signed here with the
openssl command line, so nothing of the module checks itself."""
import base64
import json
import os
import shutil
import subprocess
import time

import pytest

from harness import util
from harness.client import HttpClient, assert_envelope
from harness.echo import headers_named

PROXY_MODULES = [("proxy_module", "mod_proxy.so"), ("proxy_http_module", "mod_proxy_http.so")]
SHMCB = [("socache_shmcb_module", "mod_socache_shmcb.so"), ("authz_user_module", "mod_authz_user.so")]
IDENTITY = ("X-Authsvc-User", "X-Authsvc-User-Id", "X-Authsvc-Email", "X-Authsvc-Tenant",
            "X-Authsvc-Role", "X-Authsvc-Permissions")


# ---- fixtures ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def docroot():
    root = util.make_docroot({"site/index.html": "PROTECTED-CONTENT site\n",
                              "site/admin/index.html": "PROTECTED-CONTENT admin\n",
                              "site/public/index.html": "PUBLIC-CONTENT\n",
                              "admin/index.html": "PROTECTED-CONTENT top admin\n"})
    yield root
    shutil.rmtree(root, ignore_errors=True)


def gateway_sections(accounts, echo, docroot, issuer_placeholder="ISSUER"):
    t2 = accounts.tenant_ids["t2"]
    return [
        'DocumentRoot "%s"' % docroot,
        '<Directory "%s">' % docroot,
        "    Require all granted",
        "</Directory>",
        "ProxyPass /app http://127.0.0.1:%d/app" % echo.port,
        "ProxyPass /open http://127.0.0.1:%d/open" % echo.port,
        "<Location /site>", "    SetHandler none", "    AuthType authsvc",
        "    Require valid-user", "</Location>",
        "<Location /site/admin>", "    Require authsvc-permission ViewLoginActivity",
        "</Location>",
        "<Location /site/public>", "    AuthType None", "    Require all granted",
        "</Location>",
        "<Location /admin>", "    SetHandler none", "    AuthType authsvc",
        "    Require authsvc-role admin", "</Location>",
        "<Location /app>", "    SetHandler none", "    AuthType authsvc",
        "    Require valid-user", "</Location>",
        "<Location /app/role-admin>", "    Require authsvc-role admin", "</Location>",
        "<Location /app/role-member>", "    Require authsvc-role member", "</Location>",
        "<Location /app/tenant-t2>", "    Require authsvc-tenant %s" % t2, "</Location>",
        "<Location /app/perm-any>",
        "    Require authsvc-permission NoSuchPermission ViewLoginActivity", "</Location>",
        "<Location /app/any>", "    <RequireAny>", "        Require authsvc-role nobody",
        "        Require authsvc-claim email alice@example.org", "    </RequireAny>",
        "</Location>",
        "<Location /app/all>", "    <RequireAll>", "        Require authsvc-role admin",
        "        Require authsvc-permission NoSuchPermission", "    </RequireAll>",
        "</Location>",
        "<Location /app/web-only>", "    AuthsvcGatewayAudience web", "</Location>",
        "<Location /app/other-iss>", "    AuthsvcGatewayIssuer %s/" % issuer_placeholder,
        "</Location>",
        "<Location /app/by-email>", "    AuthsvcGatewayUserClaim email", "</Location>",
        "<Location /open>", "    SetHandler none", "</Location>",
    ]


@pytest.fixture(scope="module")
def httpd_extra_config(accounts):
    return accounts.httpd_config()


@pytest.fixture(scope="module")
def httpd_modules():
    return PROXY_MODULES + SHMCB, []


@pytest.fixture(scope="module")
def httpd_tail_config(accounts, echo, docroot):
    # The issuer of another server: http://127.0.0.1:1 never matches ours.
    return gateway_sections(accounts, echo, docroot, "http://127.0.0.1:1")


@pytest.fixture(scope="module")
def gw(client, accounts, server):
    return Gateway(client, accounts, server)


# ---- helpers -----------------------------------------------------------------------

def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64u_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def bearer(token):
    return {"Authorization": "Bearer " + token}


class Gateway:
    def __init__(self, client, accounts, server):
        self.c = client
        self.acc = accounts
        self.server = server

    def session(self, username, client_id=None):
        user = self.acc.users[username]
        client_id = client_id or user.clients[0]
        r = self.c.post_json("/auth/login-token", {
            "client_id": client_id, "client_secret": self.acc.client_secrets[client_id],
            "username": username, "password": user.password})
        assert r.status == 200, r
        return r.json

    def token(self, username="alice", **kw):
        return self.session(username, **kw)["accessToken"]

    def get(self, path, token=None, headers=None, client=None):
        h = dict(headers or {})
        if token:
            h.update(bearer(token))
        return (client or self.c).get(path, headers=h)

    def claims(self, token):
        return json.loads(b64u_decode(token.split(".")[1]))

    def forge(self, token, header=None, signed=True, **changes):
        """token's claims with changes (None deletes), signed with our key by openssl."""
        head = json.loads(b64u_decode(token.split(".")[0]))
        head.update(header or {})
        claims = self.claims(token)
        for k, v in changes.items():
            if v is None:
                claims.pop(k, None)
            else:
                claims[k] = v
        signing_input = b64u(json.dumps(head).encode()) + "." + b64u(json.dumps(claims).encode())
        if not signed:
            return signing_input + "."
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.acc.key_path],
                             input=signing_input.encode(), stdout=subprocess.PIPE,
                             check=True).stdout
        return signing_input + "." + b64u(sig)


def assert_gateway_401(resp):
    err = assert_envelope(resp, 401)
    www = resp.header("WWW-Authenticate") or ""
    assert www.startswith("Bearer") and 'error="invalid_token"' in www, resp
    assert b"CONTENT" not in resp.body, resp
    return err


def assert_403(resp):
    err = assert_envelope(resp, 403, "NotAllowedAccess")
    assert resp.header("WWW-Authenticate") is None, resp
    assert b"CONTENT" not in resp.body, resp
    return err


# ---- no token, bad tokens ------------------------------------------------------------

@pytest.mark.parametrize("path", ["/site/index.html", "/site/admin/index.html", "/app/x", "/admin/index.html"])
def test_no_token_is_401_json_on_static_and_proxied_paths(gw, path):
    assert_gateway_401(gw.get(path, headers={"Accept": "text/html"}))


def test_unprotected_paths_stay_open(gw):
    r = gw.get("/site/public/index.html")
    assert r.status == 200 and r.body == b"PUBLIC-CONTENT\n", r
    r = gw.get("/open/x")
    assert r.status == 200 and r.json["content"] == "BACKEND-CONTENT", r


def test_t39_query_access_token_is_ignored(gw):
    token = gw.token()
    assert_gateway_401(gw.get("/app/x?access_token=" + token))
    assert_gateway_401(gw.get("/site/?access_token=" + token))


def test_t01_alg_none_is_refused(gw):
    token = gw.token()
    assert_gateway_401(gw.get("/app/x", gw.forge(token, header={"alg": "none"}, signed=False)))
    assert_gateway_401(gw.get("/app/x", gw.forge(token, header={"alg": "none"})))


def test_tampered_token_misses_the_cache_and_is_refused(gw):
    token = gw.token()
    assert gw.get("/app/x", token).status == 200  # now cached
    head, payload, sig = token.split(".")
    flipped = payload[:10] + ("B" if payload[10] != "B" else "C") + payload[11:]
    assert_gateway_401(gw.get("/app/x", ".".join([head, flipped, sig])))
    sig2 = sig[:20] + ("B" if sig[20] != "B" else "C") + sig[21:]
    assert_gateway_401(gw.get("/app/x", ".".join([head, payload, sig2])))


def test_expired_token_is_refused(gw):
    token = gw.token()
    now = int(time.time())
    err = assert_gateway_401(gw.get("/app/x", gw.forge(token, exp=now - 3600, iat=now - 4000)))
    assert err["code"] == "TokenExpired"


def test_t10_wrong_issuer_and_trailing_slash_are_refused(gw):
    token = gw.token()
    iss = gw.claims(token)["iss"]
    assert_gateway_401(gw.get("/app/x", gw.forge(token, iss=iss + "/")))
    assert_gateway_401(gw.get("/app/x", gw.forge(token, iss="http://evil.example")))
    # a location that expects another issuer refuses ours
    assert_gateway_401(gw.get("/app/other-iss/x", token))


def test_t10_audience_allow_list(gw):
    assert gw.get("/app/web-only/x", gw.token("alice")).status == 200
    other = gw.token("bob")  # bob logs in through the client "other"
    assert gw.get("/app/x", other).status == 200
    assert_gateway_401(gw.get("/app/web-only/x", other))
    assert_gateway_401(gw.get("/app/web-only/x", gw.forge(gw.token("alice"), aud="other")))


def test_malformed_authorization_headers_are_refused(gw):
    token = gw.token()
    for value in ("Basic " + token, "Bearer", "Bearer  " + token, "Bearer " + token + " x",
                  "Bearer " + token + ", Bearer " + token, "bearer" + token):
        assert_gateway_401(gw.get("/app/x", headers={"Authorization": value}))


# ---- valid tokens and identity ----------------------------------------------------------

def test_valid_token_reaches_static_site(gw):
    r = gw.get("/site/index.html", gw.token())
    assert r.status == 200 and r.body == b"PROTECTED-CONTENT site\n", r


def test_valid_token_passes_identity_to_backend(gw, accounts):
    token = gw.token("alice")
    r = gw.get("/app/who", token)
    assert r.status == 200, r
    alice = accounts.users["alice"]
    got = {name: headers_named(r.json, name) for name in IDENTITY}
    assert got["X-Authsvc-User"] == ["alice"], r.json
    assert got["X-Authsvc-User-Id"] == [alice.id], r.json
    assert got["X-Authsvc-Email"] == ["alice@example.org"], r.json
    assert got["X-Authsvc-Tenant"] == [accounts.tenant_ids["t1"]], r.json
    assert got["X-Authsvc-Role"] == ["admin"], r.json
    assert got["X-Authsvc-Permissions"] == ["ViewLoginActivity"], r.json


def test_user_claim_is_configurable(gw):
    r = gw.get("/app/by-email/who", gw.token("alice"))
    assert r.status == 200, r
    assert headers_named(r.json, "X-Authsvc-User") == ["alice@example.org"], r.json


SPOOFED = {"X-Authsvc-User": "mallory", "X_Authsvc_User": "mallory",
           "x-authsvc-role": "root", "X-AUTHSVC-PERMISSIONS": "Everything",
           "X-Authsvc-Whatever": "spoof", "X_AUTHSVC_TENANT": "evil", "Remote-User": "mallory"}


def test_t60_spoofed_identity_headers_never_reach_the_backend(gw):
    r = gw.get("/app/who", gw.token("alice"), headers=SPOOFED)
    assert r.status == 200, r
    values = [v for k, v in r.json["headers"]]
    for bad in ("mallory", "root", "Everything", "spoof", "evil"):
        assert bad not in values, r.json
    assert headers_named(r.json, "X-Authsvc-User") == ["alice"], r.json


def test_t60_spoofed_headers_are_stripped_on_unprotected_locations_too(gw):
    r = gw.get("/open/who", headers=SPOOFED)
    assert r.status == 200, r
    names = [k.lower().replace("_", "-") for k, v in r.json["headers"]]
    assert not [n for n in names if n.startswith("x-authsvc-")], r.json


def test_t60_spoofed_headers_without_token_get_401(gw):
    assert_gateway_401(gw.get("/app/who", headers=SPOOFED))


# ---- Require ---------------------------------------------------------------------------

def test_require_rules_allow(gw):
    token = gw.token("alice")
    for path in ("/app/role-admin/x", "/app/perm-any/x", "/app/any/x", "/site/admin/index.html",
                 "/admin/index.html"):
        r = gw.get(path, token)
        assert r.status == 200, r


def test_require_rules_deny_with_403(gw):
    token = gw.token("alice")
    for path in ("/app/role-member/x", "/app/tenant-t2/x", "/app/all/x"):
        assert_403(gw.get(path, token))


def test_require_tenant_follows_the_token(gw, accounts):
    session = gw.session("alice")
    r = gw.c.post_json("/auth/switch-token", {"refreshToken": session["refreshToken"],
                                              "tenantId": accounts.tenant_ids["t2"]},
                       headers=bearer(session["accessToken"]))
    assert r.status == 200, r
    t2_token = r.json["accessToken"]
    assert gw.get("/app/tenant-t2/x", t2_token).status == 200
    assert gw.get("/app/role-member/x", t2_token).status == 200
    assert_403(gw.get("/app/role-admin/x", t2_token))


def test_403_for_permission_missing_on_static_site(gw):
    token = gw.forge(gw.token("alice"), permissions=[])
    assert_403(gw.get("/site/admin/index.html", token))
    assert gw.get("/site/index.html", token).status == 200


# ---- path tricks -------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/ADMIN/index.html", "//admin/index.html",
                                  "/%61dmin/index.html", "/site/public/..%2f..%2fadmin/index.html",
                                  "/admin;x/index.html", "/admin%00/index.html",
                                  "/admin/./index.html", "/site/public/../../admin/index.html",
                                  "/%2fadmin/index.html", "/site/public/%2e%2e/admin/index.html",
                                  "/admin/index.html/", "/admin//index.html"])
def test_t61_path_tricks_never_show_protected_content(gw, path):
    r = gw.get(path)
    assert r.status in (400, 401, 403, 404), r
    assert b"PROTECTED-CONTENT" not in r.body, r


# ---- revocation (same node) -------------------------------------------------------------

def test_t28_logout_is_refused_at_once_on_the_same_node(gw):
    s = gw.session("alice")
    assert gw.get("/app/x", s["accessToken"]).status == 200  # verified and cached
    r = gw.c.post_json("/logout", {"refreshToken": s["refreshToken"]},
                       headers=bearer(s["accessToken"]))
    assert r.status == 200, r
    err = assert_gateway_401(gw.get("/app/x", s["accessToken"]))
    assert err["code"] == "TokenRevoked"
    assert_gateway_401(gw.get("/site/index.html", s["accessToken"]))


def test_t28_refresh_retires_the_old_access_token_at_once(gw):
    s = gw.session("alice")
    assert gw.get("/app/x", s["accessToken"]).status == 200
    r = gw.c.post_json("/auth/token-refresh", {"refreshToken": s["refreshToken"]},
                       headers=bearer(s["accessToken"]))
    assert r.status == 200, r
    assert_gateway_401(gw.get("/app/x", s["accessToken"]))
    assert gw.get("/app/x", r.json["accessToken"]).status == 200


def test_repeated_requests_with_one_token_stay_fast_and_correct(gw):
    token = gw.token()
    start = time.monotonic()
    for _ in range(50):
        assert gw.get("/app/x", token).status == 200
    assert time.monotonic() - start < 20


# ---- T-62: module order -----------------------------------------------------------------

def test_t62_proxy_loaded_after_authsvc_still_protects(accounts, echo, docroot, httpd_factory):
    srv = httpd_factory("order", accounts.httpd_config(), modules_before=SHMCB,
                        modules_after=PROXY_MODULES,
                        tail_config=gateway_sections(accounts, echo, docroot, "http://127.0.0.1:1"))
    c = HttpClient("127.0.0.1", srv.port)
    for headers in ({}, {"PAOS": 'ver="urn:liberty:paos:2003-08"', "Accept": "application/vnd.paos+xml"},
                    {"X-Forwarded-User": "alice", "Remote-User": "alice"}):
        assert_gateway_401(c.get("/app/x", headers=headers))
    r = c.get("/app/who", headers=bearer(Gateway(c, accounts, srv).token()))
    assert r.status == 200 and headers_named(r.json, "X-Authsvc-User") == ["alice"], r


def test_tokens_never_reach_the_error_log(gw, server):
    token = gw.token()
    gw.get("/app/x", token)
    gw.get("/app/x?access_token=" + token)
    gw.get("/app/x", gw.forge(token, iss="http://evil.example"))
    assert token not in server.log_text()


def shipped_log_format():
    fmts = set()
    conf_dir = os.path.join(util.REPO, "conf", "examples")
    for name in sorted(os.listdir(conf_dir)):
        with open(os.path.join(conf_dir, name)) as f:
            for line in f:
                if line.startswith("LogFormat") and line.rstrip().endswith("authsvc_noquery"):
                    fmts.add(line.strip()[len("LogFormat "):-len(" authsvc_noquery")])
    assert len(fmts) == 1, fmts
    return fmts.pop()


def test_t39_shipped_log_format_keeps_tokens_out_of_the_access_log(accounts, httpd_factory):
    fmt = shipped_log_format()
    for bad in ("%r", "%q", "%{Authorization}i", "%{Cookie}i"):
        assert bad not in fmt, fmt
    srv = httpd_factory("logformat", accounts.httpd_config(),
                        modules_before=PROXY_MODULES + SHMCB,
                        tail_config=["LogFormat %s authsvc_noquery" % fmt,
                                     'CustomLog "logs/noquery.log" authsvc_noquery',
                                     "<Location /gw>", "    SetHandler none",
                                     "    AuthType authsvc", "    Require valid-user",
                                     "</Location>"])
    c = HttpClient("127.0.0.1", srv.port)
    token = Gateway(c, accounts, srv).token()
    assert_gateway_401(c.get("/gw/x?access_token=" + token))
    assert c.get("/gw/x?code=secret-code-123", headers=bearer(token)).status == 404
    deadline = time.monotonic() + 10  # httpd logs after the answer has left
    while True:
        with open(os.path.join(srv.dir, "logs", "noquery.log")) as f:
            text = f.read()
        if text.count("/gw/x") >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert text.count("/gw/x") == 2 and token not in text and "secret-code-123" not in text, text
