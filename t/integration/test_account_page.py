"""The account page of the gateway's portal (issue 18, <portal>/account) through a real
httpd, on SQLite and PostgreSQL, with cookie-jar clients over plain HTTP: signed-in
only; CSRF on every form; changing the password (the old one checked and counted as a
failed login, the policy, the other sessions ended, this one kept); an authenticator
enrolled with its QR code served to this session only and confirmed with a code
computed here, then asked for at sign-in, and removed with the password; the user's
browser sessions with device and address, one or all others ended (their next request
goes to the login page), never another user's; German texts; and a walk in Chromium
(t/browser/account.mjs) with axe-core on every state."""
import hashlib
import html
import os
import re
import subprocess

import pytest

from harness import browser as browser_walk
from harness.accounts import provisioned
from harness.httpd import gateway_site_config
from harness.portal import docroot, httpd_modules, signin_secret  # noqa: F401
from test_login_page_mfa import RETURN, Browser, is_code_step
from test_otp import safe_now, totp

USERS = ["acc-pass", "acc-totp", "acc-sess", "acc-other", "acc-csrf", "acc-de", "acc-walk"]
ACCOUNT = "/authsvc/account"
CHROME = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/120.0.0.0 Safari/537.36")
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"
NEW_PASSWORD = "Correct-Horse-Battery-%d" % os.getpid()


@pytest.fixture(scope="module")
def accounts(backend):
    with provisioned(backend, USERS) as acc:
        with signin_secret(acc):
            yield acc


@pytest.fixture(scope="module")
def httpd_extra_config(accounts):
    return accounts.httpd_config() + [
        'AuthsvcGatewayClient web "%s"' % accounts.secret_path,
        'AuthsvcTotpIssuer "Example Corp"']


@pytest.fixture(scope="module")
def httpd_tail_config(docroot):
    return gateway_site_config(docroot) + [
        "<Location /site>", "    AuthsvcGatewayMode browser", "</Location>"]


class Account(Browser):
    """A browser with a User-Agent that signs in and uses the account page."""

    def __init__(self, port, agent=CHROME):
        super().__init__(port)
        self.agent = agent

    def request(self, method, path, form=None, headers=None):
        h = {"User-Agent": self.agent} if self.agent else {}
        h.update(headers or {})
        return super().request(method, path, form=form, headers=h)

    def sign_in(self, accounts, name, password=None):
        r = self.password(accounts, name, password)
        assert r.status == 303 and r.header("Location") == RETURN, r
        return self

    def page(self, **headers):
        r = self.request("GET", ACCOUNT, headers=headers)
        assert r.status == 200, r
        self.csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', r.text).group(1)
        return r

    def act(self, action, **fields):
        form = {"csrf": self.csrf, "action": action}
        form.update(fields)
        return self.request("POST", ACCOUNT, form=form)

    def signed_out(self):
        r = self.request("GET", ACCOUNT)
        return r.status == 303 and r.header("Location").startswith("/authsvc/login")


def user_id(accounts, name):
    return accounts.users[name].id


def failures(backend, name):
    rows = backend.query("SELECT failures FROM login_attempts WHERE scope = 'account' "
                         "AND subject = '%s'" % name)
    return max([int(r[0]) for r in rows] or [0])


def session_handle(browser):
    """The handle the page names a browser's session by (account_sessions.c)."""
    id_hash = hashlib.sha256(browser.jar["authsvc-session"].encode()).hexdigest()
    return hashlib.sha256(("account-session:" + id_hash).encode()).hexdigest()


def alert(r):
    m = re.search(r'<p class="error" role="alert" id="account-error">([^<]*)</p>', r.text)
    return m and m.group(1)


def notice(r):
    m = re.search(r'<p class="notice" role="status" id="account-message">([^<]*)</p>', r.text)
    return m and m.group(1)


# ---- signed-in only, CSRF ------------------------------------------------------------------

def test_not_signed_in_goes_to_the_login_page(server):
    b = Account(server.port)
    for method in ("GET", "POST"):
        r = b.request(method, ACCOUNT, form={"action": "sessions-end"} if method == "POST"
                      else None)
        assert r.status == 303, r
        assert r.header("Location").lower() == "/authsvc/login?return=%2fauthsvc%2faccount", r
        assert r.header("Cache-Control") == "no-store"
    r = b.request("GET", ACCOUNT + "/qr.png")
    assert r.status == 404 and r.header("Cache-Control") == "no-store", r
    assert b.request("GET", ACCOUNT + "/nothing").status == 404
    assert b.request("PUT", ACCOUNT).status == 405


def test_profile_and_headers(accounts, server):
    b = Account(server.port).sign_in(accounts, "acc-csrf")
    r = b.page()
    assert r.header("Cache-Control") == "no-store", r
    csp = r.header("Content-Security-Policy")
    assert "unsafe-inline" not in csp and "script-src" not in csp, csp
    assert "<script" not in r.text and " style=" not in r.text
    assert re.search(r'<dd id="profile-username">acc-csrf</dd>', r.text), r
    assert re.search(r'<dd id="profile-email">acc-csrf@[^<]+</dd>', r.text), r
    assert re.search(r'<dd id="profile-tenant">[^<]*t1[^<]*</dd>', r.text), r
    assert re.search(r'<dd id="profile-signed-in">\d{4}-\d\d-\d\d \d\d:\d\d UTC '
                     r'\(password\)</dd>', r.text), r
    for label in ("old-password", "new-password", "new-password-again"):
        assert '<label for="%s">' % label in r.text, label


def test_csrf_missing_or_wrong_changes_nothing(accounts, backend, server):
    b = Account(server.port).sign_in(accounts, "acc-csrf")
    b.page()
    old = accounts.users["acc-csrf"].password
    fields = {"action": "password", "old_password": old, "password": NEW_PASSWORD,
              "password_again": NEW_PASSWORD}
    r = b.request("POST", ACCOUNT, form=fields)
    assert r.status == 400, r
    r = b.request("POST", ACCOUNT, form=dict(fields, csrf="0" * 64))
    assert r.status == 400, r
    for action in ("totp-enrol", "sessions-end"):
        assert b.request("POST", ACCOUNT, form={"action": action}).status == 400
    assert int(backend.query("SELECT COUNT(*) FROM gateway_sessions WHERE user_id = '%s' AND "
                             "totp_pending IS NOT NULL" % user_id(accounts, "acc-csrf"))[0][0]) == 0
    Account(server.port).sign_in(accounts, "acc-csrf", old)  # the password is unchanged
    assert not b.signed_out()


# ---- password --------------------------------------------------------------------------------

def test_change_password(accounts, backend, server):
    old = accounts.users["acc-pass"].password
    a = Account(server.port).sign_in(accounts, "acc-pass")
    other = Account(server.port, FIREFOX).sign_in(accounts, "acc-pass")
    a.page()
    before = failures(backend, "acc-pass")
    r = a.act("password", old_password="not-" + old, password=NEW_PASSWORD,
              password_again=NEW_PASSWORD)
    assert r.status == 401 and alert(r) == "The password is not right.", r
    assert re.search(r'id="old-password"[^>]*aria-invalid="true"[^>]*'
                     r'aria-describedby="account-error"[^>]*autofocus', r.text), r
    assert failures(backend, "acc-pass") == before + 1  # counted as a failed login
    assert re.search(r'authsvc2001.*reason=bad-password.*user="acc-pass"', server.log_text())
    r = a.act("password", old_password=old, password="short", password_again="short")
    assert r.status == 400 and alert(r), r
    assert 'id="new-password"' in r.text and 'aria-invalid="true"' in r.text
    r = a.act("password", old_password=old, password=NEW_PASSWORD,
              password_again=NEW_PASSWORD + "x")
    assert r.status == 400 and alert(r) == "The two passwords differ.", r
    r = a.act("password", old_password=old, password=old, password_again=old)
    assert r.status == 400 and alert(r) == "Choose a password other than the current one.", r
    assert not other.signed_out()
    r = a.act("password", old_password=old, password=NEW_PASSWORD, password_again=NEW_PASSWORD)
    assert r.status == 200, r
    assert notice(r) == ("Your password has been changed. Your other sessions have been "
                         "ended."), r
    assert not a.signed_out()  # this browser stays signed in
    assert a.request("GET", RETURN).status == 200
    assert other.signed_out()  # the other one is sent to sign in
    assert other.request("GET", RETURN).status == 303
    Account(server.port).sign_in(accounts, "acc-pass", NEW_PASSWORD)
    r = Account(server.port).password(accounts, "acc-pass", old)
    assert r.status == 401, r
    assert NEW_PASSWORD not in server.log_text() and old not in server.log_text()


# ---- authenticator ------------------------------------------------------------------------

def qr_text(tmp_path, png):
    path = os.path.join(str(tmp_path), "qr.png")
    with open(path, "wb") as f:
        f.write(png)
    out = subprocess.run(["zbarimg", "--raw", "-q", path], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_enrol_confirm_and_remove_authenticator(accounts, server, tmp_path):
    a = Account(server.port).sign_in(accounts, "acc-totp")
    r = a.page()
    assert 'id="enrol-totp"' in r.text and 'id="totp-qr"' not in r.text
    assert a.request("GET", ACCOUNT + "/qr.png").status == 404  # nothing pending
    r = a.act("totp-enrol")
    assert r.status == 200 and 'id="totp-qr"' in r.text, r
    assert re.search(r'<img id="totp-qr" src="/authsvc/account/qr.png" alt="[^"]+">', r.text)
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', r.text).group(1)
    assert re.search(r'id="totp-code"[^>]*autocomplete="one-time-code"[^>]*autofocus', r.text)
    png = a.request("GET", ACCOUNT + "/qr.png")
    assert png.status == 200 and png.header("Content-Type") == "image/png", png
    assert png.header("Cache-Control") == "no-store" and png.body[:8] == b"\x89PNG\r\n\x1a\n"
    uri = qr_text(tmp_path, png.body)
    assert uri.startswith("otpauth://totp/Example%20Corp:acc-totp?") and \
        "secret=%s&" % secret in uri, uri
    # bound to the session: another user's browser, or none, gets nothing
    other = Account(server.port).sign_in(accounts, "acc-other")
    assert other.request("GET", ACCOUNT + "/qr.png").status == 404
    assert Account(server.port).request("GET", ACCOUNT + "/qr.png").status == 404
    # not enabled before it is confirmed
    assert Account(server.port).password(accounts, "acc-totp").status == 303
    t = safe_now()
    right = totp(secret, t)
    wrong = "%06d" % ((int(right) + 1) % 1000000)
    r = a.act("totp-confirm", otp=wrong)
    assert r.status == 400 and alert(r) == "That code is not right. Try again.", r
    assert re.search(r'id="totp-code"[^>]*aria-invalid="true"', r.text), r
    r = a.act("totp-confirm", otp=right)
    assert r.status == 200 and notice(r).startswith("Your authenticator app is set up."), r
    assert 'id="remove-totp"' in r.text and 'id="totp-qr"' not in r.text
    assert a.request("GET", ACCOUNT + "/qr.png").status == 404  # no longer pending
    # sign-in now asks for the code
    b = Account(server.port)
    r = b.password(accounts, "acc-totp")
    assert is_code_step(r), r
    # removal needs the password
    r = a.act("totp-remove", password="wrong-password")
    assert r.status == 401 and alert(r) == "The password is not right.", r
    assert re.search(r'id="totp-password"[^>]*aria-invalid="true"', r.text), r
    r = a.act("totp-remove", password=accounts.users["acc-totp"].password)
    assert r.status == 200 and notice(r) == "The authenticator app has been removed.", r
    assert 'id="enrol-totp"' in r.text
    assert Account(server.port).password(accounts, "acc-totp").status == 303
    log = server.log_text()
    assert "authsvc3152" in log and "authsvc3153" in log
    assert secret not in log and right not in log


# ---- sessions ------------------------------------------------------------------------------

def rows(r):
    return re.findall(r'<tr class="(session(?: current)?)"><td>([^<]*)</td><td>([^<]*)</td>'
                      r'<td>([^<]*)</td>', r.text)


def test_sessions_listed_and_ended(accounts, backend, server):
    a = Account(server.port).sign_in(accounts, "acc-sess")
    b = Account(server.port, FIREFOX).sign_in(accounts, "acc-sess")
    c = Account(server.port, None).sign_in(accounts, "acc-sess")
    someone = Account(server.port).sign_in(accounts, "acc-other")
    # a session made before migration 014 has no device or address
    backend.query("UPDATE gateway_sessions SET user_agent = NULL, client_ip = NULL "
                  "WHERE id_hash = '%s'"
                  % hashlib.sha256(c.jar["authsvc-session"].encode()).hexdigest())
    r = a.page()
    listed = rows(r)
    assert len(listed) == 3, r
    assert [x[1] for x in listed if x[0] == "session current"] == ["Chrome on Linux"], listed
    assert sorted(x[1] for x in listed) == ["Chrome on Linux", "Firefox on Windows", "unknown"]
    assert sorted(x[2] for x in listed) == ["127.0.0.1", "127.0.0.1", "unknown"], listed
    assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC$", x[3]) for x in listed), listed
    assert r.text.count("This session") == 1 and 'id="end-others"' in r.text
    # another user's session cannot be ended from here
    r = a.act("session-end", session=session_handle(someone))
    assert r.status == 404 and alert(r) == "There is no such session of yours.", r
    assert not someone.signed_out()
    r = a.act("session-end", session="nonsense")
    assert r.status == 404, r
    # this browser's own session is not ended by handle (that is signing out)
    assert a.act("session-end", session=session_handle(a)).status == 404
    r = a.act("session-end", session=session_handle(b))
    assert r.status == 200 and notice(r) == "The session has ended.", r
    assert len(rows(r)) == 2
    assert b.signed_out() and b.request("GET", RETURN).status == 303
    assert not c.signed_out()
    r = a.act("sessions-end")
    assert r.status == 200 and notice(r) == "Your other sessions have been ended.", r
    assert len(rows(r)) == 1 and 'id="end-others"' not in r.text
    assert c.signed_out()
    assert not a.signed_out() and not someone.signed_out()


def test_german_texts(accounts, server):
    b = Account(server.port).sign_in(accounts, "acc-de")
    r = b.page(**{"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert '<html lang="de">' in r.text and "<title>Ihr Konto</title>" in r.text, r
    for text in ("Passwort \u00e4ndern", "Aktuelles Passwort", "Authenticator-App einrichten",
                 "Sitzungen", "Diese Sitzung", "Abmelden"):
        assert text in r.text, text
    r = b.request("POST", ACCOUNT, headers={"Accept-Language": "de"},
                  form={"csrf": b.csrf, "action": "password", "old_password": "x",
                        "password": "a", "password_again": "b"})
    assert r.status == 400 and "Die beiden Passw\u00f6rter stimmen nicht" in html.unescape(r.text), alert(r)


# ---- Chromium --------------------------------------------------------------------------------

def test_chromium_account_walk(accounts, backend, server):
    shots = browser_walk.shots_dir(backend.kind)
    out = browser_walk.run_walk("account.mjs", [
        "http://127.0.0.1:%d" % server.port, "acc-walk", accounts.users["acc-walk"].password,
        NEW_PASSWORD + "-walk", shots], timeout=170)
    assert out["accountStatus"] == 200 and out["title"] == "Your account", out
    assert out["wrongStatus"] == 401 and out["wrongAlert"] == "The password is not right.", out
    assert out["changedStatus"] == 200 and out["confirmedStatus"] == 200, out
    assert out["enrolStatus"] == 200 and out["enrolFocus"] == "totp-code", out
    assert out["endedStatus"] == 200 and out["ended"] == "The session has ended.", out
    assert out["wrongFocus"] == "old-password", out
    assert out["changed"].startswith("Your password has been changed."), out
    assert out["qrLoaded"] is True, out
    assert out["confirmed"].startswith("Your authenticator app is set up."), out
    assert out["sessionsBefore"] == 2 and out["sessionsAfter"] == 1, out
    assert out["otherSignedOut"] is True, out
    # Chromium logs the refused password's 401 and the missing favicon's 404, nothing else
    assert all(re.search(r"status of (401|404) ", e) for e in out["consoleErrors"]), out
    assert browser_walk.assert_accessible(out) == {
        "account", "wrong", "changed", "enrol", "confirmed", "sessions", "ended"}
    for name in ("account-page.png", "account-enrol.png", "account-sessions.png"):
        assert os.path.getsize(os.path.join(shots, name)) > 1000, name
