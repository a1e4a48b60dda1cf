"""The sign-in page's social buttons (issue 18), on SQLite and PostgreSQL, with real local
OpenID providers (t/peers/op-peer.mjs personas of Google and Keycloak, as in
test_social.py): one button per configured provider, named "Sign in with ..." (German
too), plain forms; <portal>/social starts the provider's login as the gateway client,
the API's callback sends our code to the client's redirect URL <portal>/callback, which
opens the browser session (amr "ext"). A code that comes back to another browser's
callback is refused and stays unredeemed; a user who owes a second factor gets the code
step (a mailed code, from the harness's SMTP sink); the walk in Chromium
(login-social.mjs) checks the buttons with axe-core."""
import os
import re
import shutil
import urllib.parse

import pytest
import requests

from harness import browser as browser_walk
from harness import identity, util
from harness.accounts import provision
from harness.httpd import gateway_site_config
from harness.mailbox import mailed_code, sink  # noqa: F401 (sink: a fixture)
from harness.peers import NodePeer, ensure_node_modules, node_available, provider_login
from harness.portal import docroot, httpd_modules  # noqa: F401 (fixtures)
from test_social import ALICE_SUBJECTS, PASSWORDS, PROVIDERS, provider_directives

pytestmark = pytest.mark.skipif(not node_available(), reason="node and npm are needed for the peers")

USED = ("google", "keycloak")
NINA_GOOGLE = "108234567890123456791"  # the persona nina's subject (op-peer.mjs)
RETURN = "/site/index.html"


@pytest.fixture(scope="module")
def httpd_port():
    return util.free_port()


@pytest.fixture(scope="module")
def workdir():
    d = util.make_tempdir("authsvc-login-social-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def peers(httpd_port, workdir):
    ensure_node_modules()
    started = {}
    try:
        for name in USED:
            port = util.free_port()
            peer = NodePeer(name, "op-peer.mjs",
                            [name, port, "http://127.0.0.1:%d%s" % (httpd_port, PROVIDERS[name][0])],
                            env={}, logdir=workdir)
            peer.base = "http://127.0.0.1:%d" % port
            started[name] = peer.start()
        yield started
    finally:
        for peer in started.values():
            peer.stop()


@pytest.fixture(scope="module")
def accounts(backend, httpd_port, workdir):
    d = util.make_tempdir("authsvc-accounts-%s-" % backend.kind)
    try:
        acc = provision(backend, d)
        for provider in USED:
            identity.link(backend, "alice", provider, ALICE_SUBJECTS[provider])
        # dave owes a second factor; the persona nina signs in as him
        identity.link(backend, "dave", "google", NINA_GOOGLE)
        backend.admin().run("user", "mfa", "--username", "dave", "--required", "yes").check()
        # the gateway client sends its codes to the sign-in page's callback
        backend.query("UPDATE auth_clients SET redirect_url = "
                      "'http://127.0.0.1:%d/authsvc/callback' WHERE client_id = 'web'"
                      % httpd_port)
        acc.secret_path = os.path.join(workdir, "web.secret")
        with open(acc.secret_path, "w") as f:
            f.write(acc.client_secrets["web"] + "\n")
        os.chmod(acc.secret_path, 0o644)
        yield acc
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def httpd_extra_config(accounts, peers, workdir, sink):
    extra = accounts.httpd_config() + [
        'AuthsvcGatewayClient web "%s"' % accounts.secret_path,
        "AuthsvcMailServer smtp://127.0.0.1:%d" % sink.port, "AuthsvcMailStartTLS Off",
        "AuthsvcMailFrom noreply@example.test",
        'AuthsvcMailTemplates "%s/conf/templates"' % util.REPO,
        "AuthsvcMailLimit 100 100000 900"]
    for name in USED:
        extra += provider_directives(name, PROVIDERS[name][2](peers[name].base), workdir, None)
    return extra


@pytest.fixture(scope="module")
def httpd_tail_config(docroot):
    return gateway_site_config(docroot) + [
        "<Location /site>", "    AuthsvcGatewayMode browser", "</Location>"]


class Browser:
    """requests with a cookie jar; the sign-in page's forms by hand."""

    def __init__(self, server):
        self.base = "http://127.0.0.1:%d" % server.port
        self.s = requests.Session()

    def page(self, lang=None):
        r = self.s.get(self.base + "/authsvc/login?return=" + urllib.parse.quote(RETURN, safe=""),
                       headers={"Accept-Language": lang} if lang else {})
        assert r.status_code == 200, r.text
        self.csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', r.text).group(1)
        return r

    def start(self, provider):
        self.page()
        return self.s.post(self.base + "/authsvc/social", allow_redirects=False, data={
            "csrf": self.csrf, "return": RETURN, "provider": provider})

    def to_callback(self, provider, username="alice"):
        """Our 303 to <portal>/callback, not followed."""
        r = self.start(provider)
        assert r.status_code == 303, r.text
        cb = provider_login(self.s, r.headers["Location"], username, PASSWORDS[username],
                            self.base)
        r = cb.send(self.s)
        assert r.status_code == 303, r.text
        loc = r.headers["Location"]
        assert loc.startswith(self.base + "/authsvc/callback?"), loc
        return loc


def session_amr(backend, user_id):
    rows = backend.query("SELECT amr FROM gateway_sessions WHERE user_id = '%s'" % user_id)
    return sorted(row[0] for row in rows)


def test_buttons_of_the_configured_providers(server):
    b = Browser(server)
    r = b.page()
    assert re.findall(r'<button id="social-(\w+)"[^>]*>([^<]+)</button>', r.text) == [
        ("google", "Sign in with Google"), ("keycloak", "Sign in with Keycloak")], r.text
    assert '<form id="social-form" method="post" action="/authsvc/social">' in r.text
    assert "<script" not in r.text
    r = b.page("de")
    assert ">Mit Google anmelden</button>" in r.text and ">Mit Keycloak anmelden<" in r.text


@pytest.mark.parametrize("provider", USED)
def test_button_signs_the_browser_in(server, backend, accounts, provider):
    b = Browser(server)
    loc = b.to_callback(provider)
    r = b.s.get(loc, allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == RETURN, (r.status_code, r.text)
    assert "authsvc-session" in b.s.cookies
    site = b.s.get(b.base + RETURN, allow_redirects=False)
    assert site.status_code == 200 and "PROTECTED-CONTENT" in site.text
    assert "ext" in session_amr(backend, accounts["alice"].id)
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(loc).query)["code"][0]
    assert code not in server.log_text()
    # the code is spent: the callback again refuses (its cookie is gone too)
    again = b.s.get(loc, allow_redirects=False)
    assert again.status_code == 400, again.text


def test_a_code_in_another_browser_is_refused(server):
    attacker = Browser(server)
    loc = attacker.to_callback("google")
    victim = Browser(server)
    victim.page()
    r = victim.s.get(loc, allow_redirects=False)
    assert r.status_code == 400 and "started elsewhere" in r.text, r.text
    assert "authsvc-session" not in victim.s.cookies
    # a victim with a sign-in of its own under way: its state differs
    victim.start("google")
    r = victim.s.get(loc, allow_redirects=False)
    assert r.status_code == 400 and "authsvc-session" not in victim.s.cookies
    assert "authsvc3253" in server.log_text()
    # the code was not redeemed by those attempts: its own browser still signs in
    r = attacker.s.get(loc, allow_redirects=False)
    assert r.status_code == 303 and "authsvc-session" in attacker.s.cookies, r.text


def test_a_second_factor_follows_the_provider(server, backend, accounts, sink):
    b = Browser(server)
    loc = b.to_callback("google", username="nina")
    r = b.s.get(loc, allow_redirects=False)
    assert r.status_code == 200 and 'name="otp"' in r.text and 'id="resend"' in r.text, r.text
    assert "authsvc-session" not in b.s.cookies
    r = b.s.post(b.base + "/authsvc/login", allow_redirects=False, data={
        "csrf": b.csrf, "return": RETURN, "step": "otp", "otp": mailed_code(sink, "dave", 1)})
    assert r.status_code == 303 and r.headers["Location"] == RETURN, r.text
    assert "authsvc-session" in b.s.cookies
    assert session_amr(backend, accounts["dave"].id) == ["ext otp mfa"]
    assert "authsvc-mfa-via" not in b.s.cookies  # cleared with the pending sign-in


def test_unknown_provider_and_missing_csrf(server):
    b = Browser(server)
    b.page()
    r = b.s.post(b.base + "/authsvc/social", allow_redirects=False,
                 data={"csrf": b.csrf, "return": RETURN, "provider": "azure"})
    assert r.status_code == 400, r.text
    r = b.s.post(b.base + "/authsvc/social", allow_redirects=False,
                 data={"csrf": "0" * 64, "return": RETURN, "provider": "google"})
    assert r.status_code == 400, r.text
    assert b.s.get(b.base + "/authsvc/social").status_code == 405
    assert b.s.get(b.base + "/authsvc/callback?code=x", allow_redirects=False).status_code == 400


def test_chromium_social_button(server, backend, accounts):
    shots = browser_walk.shots_dir(backend.kind)
    out = browser_walk.run_walk("login-social.mjs", [
        "http://127.0.0.1:%d" % server.port, "Google", "alice", PASSWORDS["alice"], shots])
    assert out["buttons"] == ["Sign in with Google", "Sign in with Keycloak"], out
    assert out["deButtons"] == ["Mit Google anmelden", "Mit Keycloak anmelden"], out
    assert out["afterUrl"].endswith(RETURN) and "PROTECTED-CONTENT" in out["afterBody"], out
    assert browser_walk.assert_accessible(out) == {"social", "social-de"}
    assert os.path.getsize(os.path.join(shots, "login-social.png")) > 1000
