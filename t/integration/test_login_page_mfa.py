"""The gateway's sign-in pages (issue 18) through a real httpd, on SQLite and PostgreSQL,
with a cookie-jar client over plain HTTP: the second step for users who owe a second
factor (an authenticator's TOTP code computed here as test_otp.py does, or a code
mailed to the harness's SMTP sink, with "send a new code"), wrong codes counted and the
pending sign-in ended at the limit, the pending state single-use and bound to the
browser, the amr the browser session records, the username kept after an error with the
error announced, every refusal logged, a Content-Security-Policy without 'unsafe-inline'
(the stylesheet a file of the module, with an ETag), and "forgot password": the request
page (the same answer whatever the username), the mailed link opening the reset page,
the new password, then signing in with it; and a sign-up invite accepted on
<portal>/signup."""
import http.client
import os
import re
import shutil
import urllib.parse

import pytest

from harness import browser as browser_walk
from harness import util
from harness.accounts import provisioned
from harness.httpd import gateway_site_config
from harness.mailbox import sink  # noqa: F401 (a fixture)
from harness.mailbox import address, mailed_code, mailed_path
from harness.smtp_sink import SmtpSink
from harness.portal import docroot, httpd_modules, signin_secret  # noqa: F401
from test_otp import enrol, safe_now, totp
from test_tokens import Api

MFA_USERS = ["pg-totp", "pg-lock", "pg-bind", "pg-mail", "pg-resend", "pg-walk"]
RETURN = "/site/index.html"


@pytest.fixture(scope="module")
def accounts(backend):
    with provisioned(backend, MFA_USERS + ["pg-plain", "pg-reset"]) as acc:
        for name in MFA_USERS:
            backend.admin().run("user", "mfa", "--username", name, "--required", "yes").check()
        with signin_secret(acc):
            yield acc


PAGE_HTML = """<!DOCTYPE html>
<html lang="{{lang}}"><head><meta charset="utf-8"><title>{{title}} - Example Corp</title>
<link rel="stylesheet" href="{{stylesheet}}"></head>
<body><header>EXAMPLE-CORP-FRAME {{unknown}}</header><main><h1>{{title}}</h1>
{{body}}</main></body></html>
"""
SITE_CSS = "body{font-family:serif;max-width:26rem;margin:3rem auto}\n/* SITE-STYLESHEET */\n"


@pytest.fixture(scope="module")
def templates():
    """AuthsvcPagesTemplates: a frame and a stylesheet of the site's own."""
    root = util.make_docroot({"page.html": PAGE_HTML, "authsvc.css": SITE_CSS})
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def httpd_port():
    return util.free_port()


@pytest.fixture(scope="module")
def httpd_extra_config(accounts, sink, httpd_port, templates):
    return accounts.httpd_config() + [
        'AuthsvcPagesTemplates "%s"' % templates,
        # no AuthsvcResetPasswordLink / AuthsvcSignUpLink: with an AuthsvcGatewayClient the
        # mailed links open this host's own pages, <issuer>/authsvc/reset and /signup
        "AuthsvcSignUp t2 member web",
        'AuthsvcGatewayClient web "%s"' % accounts.secret_path,
        "AuthsvcMailServer smtp://127.0.0.1:%d" % sink.port,
        "AuthsvcMailStartTLS Off",
        "AuthsvcMailFrom noreply@example.test",
        'AuthsvcMailTemplates "%s/conf/templates"' % util.REPO,
        'AuthsvcMailProductName "Example Portal"',
        "AuthsvcMailLimit 100 100000 900",
        'AuthsvcTotpIssuer "Example Corp"']


@pytest.fixture(scope="module")
def httpd_tail_config(docroot):
    return gateway_site_config(docroot) + [
        "<Location /site>", "    AuthsvcGatewayMode browser", "</Location>"]


@pytest.fixture(scope="module")
def api(client, accounts):
    return Api(client, accounts)


class Resp:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body
        self.text = body.decode("utf-8", "replace")

    def header(self, name):
        return self.headers.get(name)

    def __repr__(self):
        return "<%d %r %r>" % (self.status, dict(self.headers), self.text[:600])


class Browser:
    """A plain-HTTP client with a cookie jar (name -> value), no redirects followed."""

    def __init__(self, port):
        self.port = port
        self.jar = {}

    def request(self, method, path, form=None, headers=None):
        h = dict(headers or {})
        if self.jar:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.jar.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            h["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        resp = Resp(r.status, r.headers, r.read())
        conn.close()
        for c in r.headers.get_all("Set-Cookie") or []:
            name, value = c.split(";", 1)[0].split("=", 1)
            if value and "Max-Age=0" not in c:
                self.jar[name] = value
            else:
                self.jar.pop(name, None)
        return resp

    def open(self, ret=RETURN):
        r = self.request("GET", "/authsvc/login?return=" + urllib.parse.quote(ret, safe=""))
        assert r.status == 200, r
        self.csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', r.text).group(1)
        return r

    def post(self, **fields):
        form = {"csrf": self.csrf, "return": RETURN}
        form.update(fields)
        return self.request("POST", "/authsvc/login", form=form)

    def password(self, accounts, username, password=None):
        self.open()
        return self.post(username=username,
                         password=password or accounts.users[username].password)


@pytest.fixture
def browser(server):
    return Browser(server.port)


def is_code_step(r):
    return r.status == 200 and 'name="otp"' in r.text and 'name="step" value="otp"' in r.text


def session_amr(backend, user_id):
    rows = backend.query("SELECT amr FROM gateway_sessions WHERE user_id = '%s'" % user_id)
    return [row[0] for row in rows]


def signed_in(browser, r):
    assert r.status == 303 and r.header("Location") == RETURN, r
    assert "authsvc-session" in browser.jar, browser.jar
    site = browser.request("GET", RETURN)
    assert site.status == 200 and "PROTECTED-CONTENT" in site.text, site


# ---- TOTP ------------------------------------------------------------------------------

def test_totp_sign_in(api, accounts, backend, browser, sink, tmp_path):
    _, secret = enrol(api, tmp_path, "pg-totp")
    r = browser.password(accounts, "pg-totp")
    assert is_code_step(r), r
    assert "authenticator app" in r.text and 'id="resend"' not in r.text, r
    assert "authsvc-mfa" in browser.jar and "authsvc-session" not in browser.jar
    assert re.search(r'id="otp"[^>]*autocomplete="one-time-code"[^>]*autofocus', r.text)
    assert sink.to(address("pg-totp")) == []  # nothing mailed to authenticator users
    r = browser.post(step="otp", otp=totp(secret, safe_now()))
    signed_in(browser, r)
    assert "authsvc-mfa" not in browser.jar  # cleared
    assert session_amr(backend, accounts.users["pg-totp"].id) == ["pwd otp mfa"]


def test_plain_password_sign_in_records_pwd(accounts, backend, browser):
    r = browser.password(accounts, "pg-plain")
    signed_in(browser, r)
    assert session_amr(backend, accounts.users["pg-plain"].id) == ["pwd"]


def test_wrong_codes_are_counted_and_end_the_pending_sign_in(api, accounts, browser, server,
                                                             tmp_path):
    _, secret = enrol(api, tmp_path, "pg-lock")
    assert is_code_step(browser.password(accounts, "pg-lock"))
    t = safe_now()
    right = totp(secret, t)
    wrong = "%06d" % ((int(right) + 1) % 1000000)
    for n in range(4):
        r = browser.post(step="otp", otp=wrong)
        assert r.status == 401 and is_code_step(
            Resp(200, r.headers, r.body)), (n, r)
        assert 'role="alert"' in r.text and 'aria-invalid="true"' in r.text, r
    r = browser.post(step="otp", otp=wrong)  # the fifth: the pending sign-in ends
    assert r.status == 401 and 'name="password"' in r.text, r
    assert "Too many wrong codes" in r.text, r
    assert "authsvc-mfa" not in browser.jar
    # the right code does not revive it, even with the old cookie
    r = browser.post(step="otp", otp=right)
    assert r.status == 401 and "authsvc-session" not in browser.jar, r
    log = server.log_text()
    assert "authsvc2955" in log and "too-many-wrong-codes" in log, log[-2000:]
    assert right not in log and wrong not in log


def test_pending_sign_in_is_bound_to_the_browser_and_single_use(api, accounts, browser,
                                                                server, tmp_path):
    _, secret = enrol(api, tmp_path, "pg-bind")
    assert is_code_step(browser.password(accounts, "pg-bind"))
    pending = dict(browser.jar)
    # another browser: its own CSRF cookie and token, no pending cookie
    other = Browser(server.port)
    other.open()
    t = safe_now()
    r = other.post(step="otp", otp=totp(secret, t))
    assert r.status == 401 and 'name="password"' in r.text, r
    assert "authsvc-session" not in other.jar
    # another browser with the right code but the first browser's CSRF token: refused
    other.csrf = browser.csrf
    r = other.post(step="otp", otp=totp(secret, t))
    assert r.status == 400 and "authsvc-session" not in other.jar, r
    # the browser itself signs in ...
    signed_in(browser, browser.post(step="otp", otp=totp(secret, t)))
    # ... and its pending cookie, replayed with the next step's code (within the +-1 step
    # window, unused), is spent
    replay = Browser(server.port)
    replay.jar = {k: v for k, v in pending.items()}
    replay.csrf = browser.csrf
    r = replay.post(step="otp", otp=totp(secret, t + 30))
    assert r.status == 401 and "authsvc-session" not in replay.jar, r
    assert "expired" in r.text


# ---- e-mailed codes --------------------------------------------------------------------

def test_mailed_code_sign_in(accounts, backend, browser, sink):
    r = browser.password(accounts, "pg-mail")
    assert is_code_step(r) and 'id="resend"' in r.text, r
    otp = mailed_code(sink, "pg-mail", 1)
    r = browser.post(step="otp", otp=otp)
    signed_in(browser, r)
    assert session_amr(backend, accounts.users["pg-mail"].id) == ["pwd otp mfa"]


def test_mailed_code_resend(accounts, browser, sink):
    assert is_code_step(browser.password(accounts, "pg-resend"))
    first = mailed_code(sink, "pg-resend", 1)
    r = browser.post(step="resend")
    assert is_code_step(r) and "A new code has been sent" in r.text, r
    second = mailed_code(sink, "pg-resend", 2)
    if first != second:  # the newer code ends the older (a wrong attempt, counted)
        r = browser.post(step="otp", otp=first)
        assert r.status == 401 and is_code_step(Resp(200, r.headers, r.body)), r
    signed_in(browser, browser.post(step="otp", otp=second))


# ---- the password step -----------------------------------------------------------------

def test_username_kept_and_error_announced(accounts, browser, server):
    r = browser.password(accounts, "pg-plain", password="wrong-password")
    assert r.status == 401, r
    assert 'value="pg-plain"' in r.text, r
    assert re.search(r'<p class="error" role="alert" id="login-error">', r.text), r
    assert re.search(r'id="password"[^>]*autofocus aria-invalid="true" '
                     r'aria-describedby="login-error"', r.text), r
    assert not re.search(r'id="username"[^>]*autofocus', r.text), r
    # a username with markup comes back escaped
    r = browser.post(username='<b x="1">&', password="wrong-password")
    assert r.status == 401 and 'value="&lt;b x=&quot;1&quot;&gt;&amp;"' in r.text, r
    assert '<b x="1">' not in r.text
    # an empty username: the error is on the username field
    r = browser.post(username="", password="x")
    assert r.status == 401 and re.search(r'id="username"[^>]*autofocus aria-invalid', r.text)
    assert "authsvc2001" in server.log_text()  # the bad password, as the API logs it


def test_inactive_user_refusal_is_logged(accounts, backend, browser, server):
    from harness.accounts import add_users
    add_users(backend, accounts, ["pg-off"], status="inactive")
    r = browser.password(accounts, "pg-off")
    assert r.status in (401, 403) and 'value="pg-off"' in r.text, r
    assert re.search(r"authsvc2956.*reason=user-inactive", server.log_text()), \
        server.log_text()[-2000:]


# ---- no inline style or script ---------------------------------------------------------

def test_csp_without_unsafe_inline_and_stylesheet_cached(browser):
    r = browser.open()
    csp = r.header("Content-Security-Policy")
    assert csp and "unsafe-inline" not in csp and "style-src 'self'" in csp, csp
    assert "<style" not in r.text and "<script" not in r.text and " style=" not in r.text
    m = re.search(r'<link rel="stylesheet" href="([^"]+)"', r.text)
    assert m and m.group(1) == "/authsvc/static/authsvc.css", r.text
    css = browser.request("GET", m.group(1))
    assert css.status == 200 and css.header("Content-Type").startswith("text/css"), css
    assert "max-age=" in css.header("Cache-Control") and css.header("ETag"), css
    again = browser.request("GET", m.group(1), headers={"If-None-Match": css.header("ETag")})
    assert again.status == 304 and again.body == b"", again
    assert browser.request("POST", m.group(1), form={}).status == 405


# ---- forgot / reset password -----------------------------------------------------------

def test_forgot_mail_reset_then_sign_in(accounts, browser, server, sink):
    page = browser.open()
    m = re.search(r'<a id="forgot" href="([^"]+)">Forgot password\?</a>', page.text)
    assert m, page.text
    r = browser.request("GET", m.group(1).replace("&amp;", "&"))
    assert r.status == 200 and 'id="forgot-form"' in r.text, r
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', r.text).group(1)
    known = browser.request("POST", "/authsvc/forgot",
                            form={"csrf": csrf, "return": RETURN, "username": "pg-reset"})
    unknown = browser.request("POST", "/authsvc/forgot",
                              form={"csrf": csrf, "return": RETURN, "username": "nobody-x"})
    assert known.status == unknown.status == 200 and known.body == unknown.body, (known, unknown)
    assert browser.request("POST", "/authsvc/forgot",  # CSRF protected like every form
                           form={"csrf": "0" * 64, "return": RETURN,
                                 "username": "pg-reset"}).status == 400
    path = mailed_path(sink, address("pg-reset"), "/authsvc/reset?token=")
    assert [u for u in SmtpSink.links(sink.wait_for(address("pg-reset")))
            if u.startswith(server.issuer + "/authsvc/reset?token=")], server.issuer
    r = browser.request("GET", path)
    assert r.status == 200 and 'id="reset-form"' in r.text, r
    token = re.search(r'name="token" value="([^"]+)"', r.text).group(1)
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', r.text).group(1)

    def reset(password, confirm):
        return browser.request("POST", "/authsvc/reset", form={
            "csrf": csrf, "return": "/", "token": token, "password": password,
            "confirm": confirm})

    new = "Fresh-Passw0rd-%s" % csrf[:8]
    r = reset(new, new + "x")
    assert r.status == 400 and 'role="alert"' in r.text and "differ" in r.text, r
    r = reset("a", "a")  # the server's policy
    assert r.status == 400 and 'role="alert"' in r.text, r
    r = reset(new, new)
    assert r.status == 200 and "Your password has been changed" in r.text, r
    assert browser.request("GET", path).status == 410  # used
    assert browser.password(accounts, "pg-reset").status == 401  # the old password
    signed_in(browser, browser.password(accounts, "pg-reset", password=new))
    assert new not in server.log_text() and token not in server.log_text()


# ---- sign-up invite --------------------------------------------------------------------

def test_invite_then_sign_up_then_sign_in(api, backend, browser, server, sink):
    email = "invited-%s@example.org" % backend.kind
    r = api.c.post_json("/auth/sign-up/create-token", {"email": email, "data": {}})
    assert r.status == 204, r
    path = mailed_path(sink, email, "/authsvc/signup?token=")
    assert [u for u in SmtpSink.links(sink.wait_for(email))
            if u.startswith(server.issuer + "/authsvc/signup?token=")], server.issuer
    r = browser.request("GET", path)
    assert r.status == 200 and 'id="signup-form"' in r.text, r
    assert 'value="%s"' % email in r.text and "readonly" in r.text, r
    for name in ("email", "firstName", "lastName", "password", "confirm"):
        assert '<label for="%s">' % name in r.text and 'id="%s"' % name in r.text
    token = re.search(r'name="token" value="([^"]+)"', r.text).group(1)
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', r.text).group(1)
    form = {"csrf": csrf, "return": "/", "token": token, "email": "someone@else.example",
            "firstName": "Ina <Vited>", "lastName": "Person"}
    password = "Invite-Passw0rd-%s" % csrf[:8]
    r = browser.request("POST", "/authsvc/signup", form=dict(form, password=password,
                                                                confirm="other"))
    assert r.status == 400 and "differ" in r.text and 'value="Ina &lt;Vited&gt;"' in r.text, r
    r = browser.request("POST", "/authsvc/signup", form=dict(form, password=password,
                                                                confirm=password))
    assert r.status == 200 and "Your account is ready" in r.text and email in r.text, r
    assert browser.request("GET", path).status == 410  # the invite is used
    r = browser.request("POST", "/authsvc/signup", form=dict(form, password=password,
                                                                confirm=password))
    assert r.status == 410, r
    # the invited address (not the one posted) is the username
    browser.open()
    signed_in(browser, browser.post(username=email, password=password))
    assert password not in server.log_text() and token not in server.log_text()


# ---- a real browser --------------------------------------------------------------------

def test_chromium_sign_in_with_totp(api, accounts, backend, server, tmp_path):
    _, secret = enrol(api, tmp_path, "pg-walk")
    shots = browser_walk.shots_dir(backend.kind)
    out = browser_walk.run_walk("login-totp.mjs", [
        "http://127.0.0.1:%d" % server.port, "pg-walk", accounts.users["pg-walk"].password,
        secret, shots])
    assert out["loginStatus"] == 200 and out["loginFocus"] == "username", out
    assert out["bodyMaxWidth"] == "416px", out  # the stylesheet applied (26rem)
    assert out["stepStatus"] == 200 and out["stepFocus"] == "otp", out
    assert "authenticator app" in out["stepHint"] and out["stepLabel"], out
    assert out["wrongStatus"] == 401 and "not right" in out["wrongAlert"], out
    assert out["wrongFocus"] == "otp", out
    assert out["afterUrl"].endswith(RETURN) and "PROTECTED-CONTENT" in out["afterBody"], out
    assert not [e for e in out["consoleErrors"] if "Content Security Policy" in e], out
    # axe-core, WCAG 2.1 A and AA: the password page, the code step, the code error
    assert browser_walk.assert_accessible(out) == {"login", "step", "wrong"}
    assert session_amr(backend, accounts.users["pg-walk"].id) == ["pwd otp mfa"]
    for name in ("login-totp-step.png", "login-totp-wrong.png", "login-totp-done.png"):
        assert os.path.getsize(os.path.join(shots, name)) > 1000


# ---- languages and templates -----------------------------------------------------------

def test_texts_follow_accept_language(browser):
    r = browser.request("GET", "/authsvc/login", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert r.status == 200 and '<html lang="de">' in r.text, r
    assert "<h1>Anmelden</h1>" in r.text and ">Benutzername</label>" in r.text, r
    assert "Passwort vergessen?" in r.text and "Vary" in r.headers and \
        "Accept-Language" in r.header("Vary"), r
    browser.csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', r.text).group(1)
    r = browser.request("POST", "/authsvc/login", headers={"Accept-Language": "de"}, form={
        "csrf": browser.csrf, "return": RETURN, "username": "pg-plain", "password": "wrong"})
    assert r.status == 401 and "Benutzername oder Passwort ist falsch." in r.text, r
    # UTF-8 texts stay whole (not one character reference per byte)
    r = browser.request("GET", "/authsvc/forgot", headers={"Accept-Language": "de"})
    assert r.status == 200 and "Zur\u00fcck zur Anmeldung" in r.text and "&#195;" not in r.text, r
    # English when German is less welcome, or nothing is said
    for accept in ("en-GB,en;q=0.9,de;q=0.8", "fr", None, "de;q=0"):
        r = browser.request("GET", "/authsvc/login",
                            headers={"Accept-Language": accept} if accept else {})
        assert '<html lang="en">' in r.text and "<h1>Sign in</h1>" in r.text, (accept, r)


def test_templates_replace_frame_and_stylesheet(browser):
    r = browser.open()
    assert "EXAMPLE-CORP-FRAME" in r.text and "<title>Sign in - Example Corp</title>" in r.text
    assert "{{unknown}}" in r.text and "{{body}}" not in r.text, r.text  # unknown ones stay
    assert 'id="login-form"' in r.text
    css = browser.request("GET", "/authsvc/static/authsvc.css")
    assert css.status == 200 and "SITE-STYLESHEET" in css.text, css


# ---- AuthsvcPagesTemplates mistakes ----------------------------------------------------

@pytest.mark.parametrize("files,needle", [
    ({}, "has neither page.html nor authsvc.css"),
    ({"page.html": "<!DOCTYPE html><title>{{title}}</title>"}, "has no {{body}}"),
    ({"page.html": "x" * (64 * 1024 + 1) + "{{body}}"}, "is not a file of at most 65536 bytes"),
])
def test_bad_templates_refused_by_configtest(backend, accounts, files, needle):
    from harness.httpd import HttpdServer
    if backend.kind != "sqlite":  # the check reads files only: one database is enough
        pytest.skip("configuration only")
    root = util.make_docroot(files) if files else util.make_tempdir("authsvc-pages-")
    srv = HttpdServer(backend, "pages-configtest", accounts.httpd_config() + [
        'AuthsvcPagesTemplates "%s"' % root])
    try:
        rc, out = srv.configtest()
    finally:
        srv.cleanup()
        shutil.rmtree(root, ignore_errors=True)
    assert rc != 0 and "AuthsvcPagesTemplates" in out and needle in out, out
