"""The sign-in pages (issue 18) in a real browser, on SQLite and PostgreSQL: headless
Chromium driven by playwright-core (t/browser/login-*.mjs, t/browser/lib/walk.mjs) walks
sign-in with an e-mailed code (read from the harness's SMTP sink here and handed to the
waiting walk in a file), forgot -> mail -> reset -> sign-in with the new password,
invite -> sign-up -> sign-in, the error states (wrong password, a form whose CSRF
cookie is gone) and the German page; axe-core finds no WCAG 2.1 A/AA violation on any
page state, and each state's screenshot goes to t/artifacts/browser/<database>/login-*.png
(the TOTP walk is in test_login_page_mfa.py)."""
import os

import pytest

from harness import browser as browser_walk
from harness import util
from harness.accounts import provisioned
from harness.httpd import gateway_site_config
from harness.mailbox import sink  # noqa: F401 (a fixture)
from harness.mailbox import address, mailed_code, mailed_path, write_when
from harness.portal import docroot, httpd_modules, signin_secret  # noqa: F401
from test_tokens import Api

RETURN = "/site/index.html"


@pytest.fixture(scope="module")
def accounts(backend):
    with provisioned(backend, ["br-mail", "br-reset", "br-plain"]) as acc:
        backend.admin().run("user", "mfa", "--username", "br-mail", "--required", "yes").check()
        with signin_secret(acc):
            yield acc


@pytest.fixture(scope="module")
def httpd_port():
    return util.free_port()


@pytest.fixture(scope="module")
def httpd_extra_config(accounts, sink, httpd_port):
    return accounts.httpd_config() + [
        "AuthsvcResetPasswordLink http://127.0.0.1:%d/authsvc/reset" % httpd_port,
        "AuthsvcSignUp t2 member web",
        "AuthsvcSignUpLink http://127.0.0.1:%d/authsvc/signup" % httpd_port,
        'AuthsvcGatewayClient web "%s"' % accounts.secret_path,
        "AuthsvcMailServer smtp://127.0.0.1:%d" % sink.port,
        "AuthsvcMailStartTLS Off",
        "AuthsvcMailFrom noreply@example.test",
        'AuthsvcMailTemplates "%s/conf/templates"' % util.REPO,
        'AuthsvcMailProductName "Example Portal"',
        "AuthsvcMailLimit 100 100000 900"]


@pytest.fixture(scope="module")
def httpd_tail_config(docroot):
    return gateway_site_config(docroot) + [
        "<Location /site>", "    AuthsvcGatewayMode browser", "</Location>"]


@pytest.fixture(scope="module")
def api(client, accounts):
    return Api(client, accounts)


def base(server):
    return "http://127.0.0.1:%d" % server.port


def session_amr(backend, user_id):
    rows = backend.query("SELECT amr FROM gateway_sessions WHERE user_id = '%s'" % user_id)
    return [row[0] for row in rows]


def shot(kind, name):
    return os.path.getsize(os.path.join(browser_walk.shots_dir(kind), name)) > 1000


def test_chromium_sign_in_with_mailed_code(accounts, backend, server, sink, tmp_path):
    code_file = str(tmp_path / "code")
    feeder = write_when(code_file, lambda: mailed_code(sink, "br-mail", 1))
    out = browser_walk.run_walk("login-mail.mjs", [
        base(server), "br-mail", accounts.users["br-mail"].password, code_file,
        browser_walk.shots_dir(backend.kind)])
    feeder.join(5)
    assert feeder.error is None, feeder.error
    assert out["mail-password"]["status"] == 200, out
    assert out["mail-password"]["focus"] == "username", out
    code = out["mail-code"]
    assert code["status"] == 200 and code["focus"] == "otp", out
    assert "e-mail" in out["stepHint"], out
    assert out["resend"], out
    assert out["afterStatus"] == 200 and out["afterUrl"].endswith(RETURN), out
    assert "PROTECTED-CONTENT" in out["afterBody"], out
    assert browser_walk.assert_accessible(out) == {"mail-password", "mail-code"}
    assert session_amr(backend, accounts.users["br-mail"].id) == ["pwd otp mfa"]
    assert shot(backend.kind, "login-mail-code.png")


def test_chromium_forgot_reset_sign_in(accounts, backend, server, sink, tmp_path):
    link_file = str(tmp_path / "link")
    new = "Walked-Passw0rd-%s" % backend.kind
    feeder = write_when(link_file, lambda: mailed_path(sink, address("br-reset"),
                                                       "/authsvc/reset?token="))
    out = browser_walk.run_walk("login-reset.mjs", [
        base(server), "br-reset", new, link_file, browser_walk.shots_dir(backend.kind)])
    feeder.join(5)
    assert feeder.error is None, feeder.error
    assert out["forgot"]["status"] == 200 and out["forgot"]["focus"] == "username", out
    assert out["forgot-sent"]["status"] == 200, out
    assert out["reset"]["status"] == 200 and out["reset"]["focus"] == "password", out
    assert out["reset-mismatch"]["status"] == 400 and "differ" in out["reset-mismatch"]["alert"]
    assert out["reset-done"]["status"] == 200, out
    assert "changed" in out["reset-done"]["notice"], out
    assert "/authsvc/login" in out["signInUrl"], out
    assert out["afterUrl"] == base(server) + "/", out
    assert out["siteUrl"].endswith(RETURN) and "PROTECTED-CONTENT" in out["siteBody"], out
    assert browser_walk.assert_accessible(out) == {
        "forgot", "forgot-sent", "reset", "reset-mismatch", "reset-done"}
    assert new not in server.log_text()
    assert shot(backend.kind, "login-reset.png")


def test_chromium_invite_sign_up_sign_in(api, backend, server, sink):
    email = "walked-%s@example.org" % backend.kind
    r = api.c.post_json("/auth/sign-up/create-token", {"email": email, "data": {}})
    assert r.status == 204, r
    path = mailed_path(sink, email, "/authsvc/signup?token=")
    password = "Signed-Up-Passw0rd-%s" % backend.kind
    out = browser_walk.run_walk("login-signup.mjs", [
        base(server), path, password, browser_walk.shots_dir(backend.kind)])
    assert out["email"] == email, out
    assert out["signup"]["status"] == 200 and out["signup"]["focus"] == "firstName", out
    assert out["signup-mismatch"]["status"] == 400, out
    assert "differ" in out["signup-mismatch"]["alert"] and out["keptFirstName"] == "Ina", out
    assert out["signup-done"]["status"] == 200 and "ready" in out["signup-done"]["notice"], out
    assert out["afterStatus"] == 200 and out["afterUrl"].endswith(RETURN), out
    assert "PROTECTED-CONTENT" in out["afterBody"], out
    assert browser_walk.assert_accessible(out) == {"signup", "signup-mismatch", "signup-done"}
    assert shot(backend.kind, "login-signup.png")


def test_chromium_errors_and_german(backend, server):
    out = browser_walk.run_walk("login-errors.mjs", [
        base(server), "br-plain", browser_walk.shots_dir(backend.kind)])
    assert out["page"]["status"] == 200 and out["page"]["lang"] == "en", out
    wrong = out["wrong-password"]
    assert wrong["status"] == 401 and wrong["focus"] == "password", out
    assert wrong["alert"] == "Invalid username or password.", out
    assert out["keptUsername"] == "br-plain", out
    expired = out["expired"]
    assert expired["status"] == 400 and "has expired" in expired["notice"], out
    assert out["de"]["status"] == 200 and out["de"]["lang"] == "de", out
    assert out["de"]["title"] == "Anmelden" and "Benutzername" in out["deLabels"], out
    de_wrong = out["de-wrong-password"]
    assert de_wrong["status"] == 401 and de_wrong["lang"] == "de", out
    assert de_wrong["alert"] == "Benutzername oder Passwort ist falsch.", out
    assert browser_walk.assert_accessible(out) == {
        "page", "wrong-password", "expired", "de", "de-wrong-password"}
    assert shot(backend.kind, "login-de.png")
