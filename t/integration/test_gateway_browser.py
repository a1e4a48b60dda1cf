"""The gateway's browser mode over HTTPS (a mod_ssl vhost with a self-signed
certificate made by the openssl command line): the login page, server-side sessions,
cookies, return URLs, silent refresh and logout, first with a plain HTTPS client, then
with a real browser (headless Chromium driven by playwright-core). Security rows:
T-10 (cookie of one vhost on another), T-31, T-32, T-63, T-65."""
import base64
import http.client
import json
import os
import re
import shutil
import ssl
import subprocess
import time
import urllib.parse

import pytest

from harness import util
from harness.accounts import add_users
from harness.client import raw_exchange
from harness.echo import headers_named

MODULES = [("ssl_module", "mod_ssl.so"), ("socache_shmcb_module", "mod_socache_shmcb.so"),
           ("proxy_module", "mod_proxy.so"), ("proxy_http_module", "mod_proxy_http.so"),
           ("authz_user_module", "mod_authz_user.so")]
ACCESS_TTL = 5        # seconds: the web client's access tokens, so silent refresh shows
ALLOWED_ORIGIN = "https://app.example"
BROWSER_DIR = os.path.join(util.REPO, "t", "browser")
SHOTS = os.path.join(util.ARTIFACTS, "browser")


@pytest.fixture(scope="module")
def accounts(accounts, backend):
    """conftest's accounts, plus a short access-token lifetime, the web client's secret
    in a file and a self-signed TLS certificate."""
    workdir = util.make_tempdir("authsvc-tls-%s-" % backend.kind)
    acc = accounts
    backend.query("UPDATE auth_clients SET access_token_ttl = %d WHERE client_id = 'web'"
                  % ACCESS_TTL)
    secret = os.path.join(workdir, "web.secret")
    with open(secret, "w") as f:
        f.write(acc.client_secrets["web"] + "\n")
    acc.secret_path = secret
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", os.path.join(workdir, "tls.key"),
                    "-out", os.path.join(workdir, "tls.crt")],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    acc.tls_dir = workdir
    try:
        yield acc
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def docroot():
    root = util.make_tempdir("authsvc-docroot-")
    os.makedirs(os.path.join(root, "site"))
    with open(os.path.join(root, "site", "index.html"), "w") as f:
        f.write("<!DOCTYPE html><title>Legacy</title><p>PROTECTED-CONTENT site</p>\n")
    os.chmod(os.path.join(root, "site"), 0o755)
    os.chmod(os.path.join(root, "site", "index.html"), 0o644)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def tls_port():
    return util.free_port()


@pytest.fixture(scope="module")
def httpd_extra_config(accounts, docroot):
    return accounts.httpd_config() + [
        "AuthsvcTokenLeeway 0",
        'DocumentRoot "%s"' % docroot,
        '<Directory "%s">' % docroot, "    Require all granted", "</Directory>"]


@pytest.fixture(scope="module")
def httpd_modules():
    return MODULES, []


@pytest.fixture(scope="module")
def httpd_tail_config(accounts, echo, tls_port):
    return [
        # vhost B: the plain-HTTP main server, browser mode too
        "<Location /site>", "    SetHandler none", "    AuthType authsvc",
        "    AuthsvcGatewayMode browser", "    Require valid-user", "</Location>",
        "Listen 127.0.0.1:%d" % tls_port,
        "<VirtualHost 127.0.0.1:%d>" % tls_port,
        "    ServerName 127.0.0.1",
        "    SSLEngine on",
        '    SSLCertificateFile "%s/tls.crt"' % accounts.tls_dir,
        '    SSLCertificateKeyFile "%s/tls.key"' % accounts.tls_dir,
        '    AuthsvcGatewayClient web "%s"' % accounts.secret_path,
        "    AuthsvcGatewayReturnOrigin %s" % ALLOWED_ORIGIN,
        "    ProxyPass /app http://127.0.0.1:%d/app" % echo.port,
        "    <Location />", "        SetHandler none", "    </Location>",
        "    <Location /site>", "        AuthType authsvc", "        AuthsvcGatewayMode browser",
        "        Require valid-user", "    </Location>",
        "    <Location /app>", "        AuthType authsvc", "        AuthsvcGatewayMode both",
        "        Require valid-user", "    </Location>",
        "</VirtualHost>"]


class Resp:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name):
        return self.headers.get(name)

    def cookies(self):
        return self.headers.get_all("Set-Cookie") or []

    def __repr__(self):
        return "<%d %r %r>" % (self.status, dict(self.headers), self.body[:300])


class Browser:
    """A tiny HTTPS client with a cookie jar (name -> value), no redirects followed."""

    def __init__(self, port, source=None):
        self.port = port
        self.jar = {}
        self.source = source  # the local address to connect from (127.x.y.z)

    def request(self, method, path, headers=None, form=None, port=None, https=True):
        h = dict(headers or {})
        if self.jar:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.jar.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            h["Content-Type"] = "application/x-www-form-urlencoded"
        source = (self.source, 0) if self.source else None
        if https:
            conn = http.client.HTTPSConnection("127.0.0.1", port or self.port, timeout=15,
                                               context=ssl._create_unverified_context(),
                                               source_address=source)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15,
                                              source_address=source)
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        resp = Resp(r.status, r.headers, r.read())
        conn.close()
        for c in resp.cookies():
            name, value = c.split(";", 1)[0].split("=", 1)
            if value:
                self.jar[name] = value
            else:
                self.jar.pop(name, None)
        return resp

    def login_page(self, ret="/site/index.html"):
        r = self.request("GET", "/authsvc/login?return=" + urllib.parse.quote(ret, safe=""))
        m = re.search(rb'name="csrf" value="([0-9a-f]+)"', r.body)
        return r, (m.group(1).decode() if m else None)

    def login(self, accounts, username="alice", password=None, ret="/site/index.html",
              remember=False):
        _, csrf = self.login_page(ret)
        form = {"csrf": csrf, "return": ret, "username": username,
                "password": password or accounts.users[username].password}
        if remember:
            form["remember"] = "1"
        return self.request("POST", "/authsvc/login", form=form)


@pytest.fixture
def browser(server, tls_port):
    return Browser(tls_port)


def cookie_attrs(set_cookie):
    parts = [p.strip() for p in set_cookie.split(";")]
    name, value = parts[0].split("=", 1)
    return name, value, {p.split("=", 1)[0].lower(): (p.split("=", 1) + [""])[1] for p in parts[1:]}


# ---- plain HTTPS client ---------------------------------------------------------------

def test_t63_unauthenticated_page_redirects_to_login_without_content(browser):
    r = browser.request("GET", "/site/index.html?x=1", headers={"Accept": "text/html"})
    assert r.status == 303, r
    assert urllib.parse.unquote(r.header("Location")) == \
        "/authsvc/login?return=/site/index.html?x=1", r
    assert b"PROTECTED-CONTENT" not in r.body, r


def test_absolute_form_request_target_returns_to_the_path(server, browser, tls_port):
    """Issue 14: a request line with an absolute URL (RFC 9112 3.2.2) gets a login
    redirect whose return is the path and query only, escaped as the client sent them,
    and the login page accepts it (a return of http://host/... would be refused)."""
    target = "http://127.0.0.1:%d/site/index.html?x=1&y=a%%2Fb" % server.port
    answers = raw_exchange("127.0.0.1", server.port, (
        "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAccept: text/html\r\n"
        "Connection: close\r\n\r\n" % (target, server.port)).encode())
    assert [a[0] for a in answers] == [303], answers
    assert urllib.parse.unquote(answers[0][1]["location"]) == \
        "/authsvc/login?return=/site/index.html?x=1&y=a%2Fb", answers
    assert b"PROTECTED-CONTENT" not in answers[0][2], answers
    # Over HTTPS on the vhost with the login page: the redirect leads to a sign-in form.
    r = browser.request("GET", "https://127.0.0.1:%d/site/index.html?x=1" % tls_port,
                        headers={"Accept": "text/html"})
    assert r.status == 303, r
    assert urllib.parse.unquote(r.header("Location")) == \
        "/authsvc/login?return=/site/index.html?x=1", r
    page = browser.request("GET", r.header("Location"))
    assert page.status == 200 and b'name="csrf"' in page.body, page
    assert b'value="/site/index.html?x=1"' in page.body, page


@pytest.mark.parametrize("headers", [{"Accept": "application/json"},
                                     {"X-Requested-With": "XMLHttpRequest"},
                                     {"Sec-Fetch-Mode": "cors"}])
def test_api_requests_get_401_json_never_a_redirect(browser, headers):
    r = browser.request("GET", "/app/x", headers=headers)
    assert r.status == 401 and r.header("Location") is None, r
    assert r.header("Content-Type") == "application/json; charset=utf-8", r
    assert 'error="invalid_token"' in (r.header("WWW-Authenticate") or ""), r
    assert json.loads(r.body)["error"]["statusCode"] == 401


def test_login_page_is_a_plain_accessible_form(browser):
    r, csrf = browser.login_page()
    assert r.status == 200 and r.header("Content-Type") == "text/html; charset=utf-8", r
    assert csrf and len(csrf) == 64, r
    for needle in (b'<html lang="en">', b'<label for="username">', b'<label for="password">',
                   b'autocomplete="current-password"', b'id="remember"', b'<main>'):
        assert needle in r.body, needle
    assert r.header("Cache-Control") == "no-store", r
    assert r.header("X-Frame-Options") == "DENY", r
    assert "frame-ancestors 'none'" in r.header("Content-Security-Policy"), r
    name, _, attrs = cookie_attrs(r.cookies()[0])
    assert name == "__Host-authsvc-csrf" and attrs["samesite"] == "Strict", r


def test_t65_session_cookie_attributes(browser, accounts):
    r = browser.login(accounts)
    assert r.status == 303 and r.header("Location") == "/site/index.html", r
    sessions = [c for c in r.cookies() if c.startswith("__Host-authsvc-session=")]
    assert len(sessions) == 1, r.cookies()
    name, value, attrs = cookie_attrs(sessions[0])
    assert re.fullmatch(r"[0-9a-f]{64}", value), sessions
    assert attrs.get("path") == "/" and "secure" in attrs and "httponly" in attrs, attrs
    assert attrs.get("samesite") == "Lax" and "domain" not in attrs, attrs
    assert "max-age" not in attrs and "expires" not in attrs, attrs  # not "remember me"


def test_remember_me_makes_a_persistent_cookie(browser, accounts):
    r = browser.login(accounts, remember=True)
    session = [c for c in r.cookies() if c.startswith("__Host-authsvc-session=")][0]
    assert int(cookie_attrs(session)[2]["max-age"]) > 86400, session


def test_session_opens_static_and_proxied_pages_with_identity(browser, accounts):
    browser.login(accounts)
    r = browser.request("GET", "/site/index.html")
    assert r.status == 200 and b"PROTECTED-CONTENT" in r.body, r
    r = browser.request("GET", "/app/who", headers={"X-Authsvc-User": "mallory"})
    assert r.status == 200, r
    echo = json.loads(r.body)
    assert headers_named(echo, "X-Authsvc-User") == ["alice"], echo


def test_wrong_password_shows_an_error_on_the_page(browser, accounts):
    r = browser.login(accounts, password="wrong-password")
    assert r.status == 401 and b'role="alert"' in r.body, r
    assert b"Invalid username or password" in r.body, r
    assert not [c for c in r.cookies() if "authsvc-session=" in c and "Max-Age=0" not in c]


def test_login_without_the_csrf_cookie_is_refused(browser, accounts):
    _, csrf = browser.login_page()
    browser.jar.clear()
    r = browser.request("POST", "/authsvc/login", form={
        "csrf": csrf, "return": "/", "username": "alice",
        "password": accounts.users["alice"].password})
    assert r.status == 400 and r.header("Location") is None, r
    assert not [c for c in r.cookies() if "authsvc-session=" in c]


BAD_RETURNS = ["//evil.example", "///evil.example", "/\\evil.example", "%2f%5cevil.example",
               "/%09/evil.example", "https:%5c%5cevil.example", "http:evil.example",
               "https://app.example\\.evil.example", "https://app.example@evil.example",
               "https://evil.example#@app.example", "javascript:alert(1)",
               "data:text/html,<script>alert(1)</script>", "/%0d%0aSet-Cookie:x=y",
               "https://app.example.evil/cb", "http://app.example/cb", "https://app.example:444/cb",
               "HTTPS://APP.EXAMPLE/cb", "https://app.example/cb/../x/\\y"]


@pytest.mark.parametrize("ret", BAD_RETURNS)
def test_t31_t32_return_urls_outside_the_allow_list_are_refused(browser, accounts, ret):
    r, _ = browser.login_page(ret)
    assert r.status == 400 and r.header("Location") is None, r
    r = browser.login(accounts, ret=ret)
    assert r.status == 400 and r.header("Location") is None, r
    assert "x=y" not in "".join(r.cookies())


def test_t32_allowed_origin_and_paths_are_accepted(browser, accounts):
    for ret in ("https://app.example/cb?x=1", "/app/who?a=b"):
        r = browser.login(accounts, ret=ret)
        assert r.status == 303 and r.header("Location") == ret, r


def test_t10_session_cookie_of_one_vhost_is_refused_on_another(browser, accounts, server):
    browser.login(accounts)
    sid = browser.jar["__Host-authsvc-session"]
    other = Browser(None)
    other.jar["authsvc-session"] = sid
    r = other.request("GET", "/site/index.html", port=server.port, https=False,
                      headers={"Accept": "text/html"})
    assert r.status == 303 and b"PROTECTED-CONTENT" not in r.body, r


def test_logout_ends_the_session_and_its_tokens(browser, accounts, backend):
    browser.login(accounts)
    assert browser.request("GET", "/site/index.html").status == 200
    sid = browser.jar["__Host-authsvc-session"]
    before = int(backend.query("SELECT COUNT(*) FROM revoked_tokens")[0][0])
    r = browser.request("GET", "/authsvc/logout")
    assert r.status == 200 and b"signed out" in r.body, r
    assert int(backend.query("SELECT COUNT(*) FROM revoked_tokens")[0][0]) > before
    replay = Browser(browser.port)
    replay.jar["__Host-authsvc-session"] = sid
    r = replay.request("GET", "/site/index.html", headers={"Accept": "text/html"})
    assert r.status == 303, r


# ---- the device cookie: a browser that signed in before passes the account's lock -------

DEVICE_COOKIE = "__Host-authsvc-device"
DEVICE_RE = r"1\.([A-Za-z0-9_-]+)\.(\d+)\.([0-9a-f]{32})\.[A-Za-z0-9_-]{43}"


@pytest.fixture(scope="module")
def device_owner(server, backend, accounts):
    """A user of its own, added once httpd runs."""
    return add_users(backend, accounts, ["device-owner"])[0]


def lock_account(backend, username):
    """The account-wide lock an attack from elsewhere leaves, for an hour."""
    now = int(time.time() * 1000)
    backend.query("INSERT INTO login_attempts (scope, subject, failures, window_start, "
                  "locked_until) VALUES ('account', '%s', 5, %d, %d)"
                  % (username, now, now + 3600 * 1000))


def test_login_sets_a_signed_device_cookie(tls_port, accounts, device_owner):
    b = Browser(tls_port, source="127.0.7.1")
    r = b.login(accounts, "device-owner")
    assert r.status == 303, r
    devices = [c for c in r.cookies() if c.startswith(DEVICE_COOKIE + "=")]
    assert len(devices) == 1, r.cookies()
    _, value, attrs = cookie_attrs(devices[0])
    m = re.fullmatch(DEVICE_RE, value)
    assert m, value
    user_id = base64.urlsafe_b64decode(m.group(1) + "=" * (-len(m.group(1)) % 4)).decode()
    assert user_id == device_owner.id and abs(int(m.group(2)) - time.time()) < 60, value
    assert attrs.get("path") == "/" and "secure" in attrs and "httponly" in attrs, attrs
    assert attrs.get("samesite") == "Lax" and "domain" not in attrs, attrs
    assert attrs.get("max-age") == str(30 * 86400), attrs
    # signing in again from that browser keeps its device id
    r = b.login(accounts, "device-owner")
    again = [c for c in r.cookies() if c.startswith(DEVICE_COOKIE + "=")]
    assert again and re.fullmatch(DEVICE_RE, cookie_attrs(again[0])[1]).group(3) == m.group(3)


def test_device_cookie_lets_its_user_in_while_the_account_is_locked(tls_port, accounts, backend,
                                                                     device_owner):
    known = Browser(tls_port, source="127.0.7.2")
    assert known.login(accounts, "device-owner").status == 303
    other = Browser(tls_port, source="127.0.7.3")
    assert other.login(accounts, "alice").status == 303
    lock_account(backend, "device-owner")
    try:
        # the same browser from an address never used before: in, by its device cookie
        known.source = "127.0.7.4"
        r = known.login(accounts, "device-owner")
        assert r.status == 303 and r.header("Location") == "/site/index.html", r
        # no cookie, a forged cookie, another user's cookie: the lock holds
        fresh = Browser(tls_port, source="127.0.7.5")
        forged = Browser(tls_port, source="127.0.7.6")
        value = known.jar[DEVICE_COOKIE]
        forged.jar[DEVICE_COOKIE] = value[:2] + ("A" if value[2] != "A" else "B") + value[3:]
        other.source = "127.0.7.7"
        for b in (fresh, forged, other):
            r = b.login(accounts, "device-owner")
            assert r.status == 401 and b"Invalid username or password" in r.body, r
    finally:
        backend.query("DELETE FROM login_attempts WHERE subject = 'device-owner'")


# ---- a real browser ----------------------------------------------------------------------

def relogins(backend):
    return int(backend.query("SELECT COUNT(*) FROM login_activity WHERE login_type = 'RELOGIN'")[0][0])


def test_chromium_login_silent_refresh_and_logout(server, tls_port, accounts, backend):
    if not os.path.isdir(os.path.join(BROWSER_DIR, "node_modules", "playwright-core")):
        pytest.fail("playwright-core missing: (cd t/browser && npm ci) -- scripts/test does it")
    shots = os.path.join(SHOTS, backend.kind)
    os.makedirs(shots, exist_ok=True)
    before = relogins(backend)
    run = subprocess.run(["node", os.path.join(BROWSER_DIR, "gateway-login.mjs"),
                          "https://127.0.0.1:%d" % tls_port, "alice",
                          accounts.users["alice"].password, shots, str(ACCESS_TTL + 2)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=110)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert "error" not in out, out
    assert urllib.parse.unquote(out["loginUrl"]).endswith(
        "/authsvc/login?return=/site/index.html?from=test"), out
    assert out["loginStatus"] == 200 and out["loginHasForm"], out
    assert "Invalid username or password" in out["errorText"], out
    assert out["afterLoginUrl"].endswith("/site/index.html?from=test"), out
    assert "PROTECTED-CONTENT" in out["afterLoginBody"], out
    session = [c for c in out["cookies"] if c["name"] == "__Host-authsvc-session"]
    assert session and session[0]["secure"] and session[0]["httpOnly"], out["cookies"]
    assert session[0]["sameSite"] == "Lax" and session[0]["path"] == "/", out["cookies"]
    # reloaded after the access token expired: the session refreshed it silently
    assert out["reloadStatus"] == 200 and "PROTECTED-CONTENT" in out["reloadBody"], out
    assert relogins(backend) > before
    assert out["logoutStatus"] == 200 and "signed out" in out["logoutBody"], out
    assert "/authsvc/login?return=" in out["afterLogoutUrl"], out
    assert "PROTECTED-CONTENT" not in out["afterLogoutBody"], out
    for name in ("login-page.png", "login-error.png"):
        assert os.path.getsize(os.path.join(shots, name)) > 1000
