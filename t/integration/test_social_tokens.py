"""Social login against small stub providers (t/peers/stub-peer.mjs), on SQLite and
PostgreSQL: a "forge" OpenID Provider (configured as cognito) that misbehaves on request,
and the Facebook and Instagram stubs.

Rows: T-34 (nonce), T-37 (aud, azp, alg none, unsigned, expired, unknown kid, iss), T-23
(PKCE verifier checked by the provider), R-11 (cached keys while the JWKS is down; at most
one fetch per minute per child for unknown kids), a provider that sends
no iss (docs/design.md section 8), provider errors and timeouts -> 401, never 5xx."""
import shutil
import time
import urllib.parse

import pytest
import requests

from harness import identity, util
from harness.accounts import REDIRECT_URL, provision
from harness.peers import NodePeer, ensure_node_modules, node_available, provider_login

pytestmark = pytest.mark.skipif(not node_available(), reason="node and npm are needed for the peers")

FORGE_ID, FORGE_SECRET = "forge-client", "forge-secret-0123456789"
FB_ID, FB_SECRET = "3344556677889900", "fb-app-secret-0123456789abcdef"
IG_ID, IG_SECRET = "990011223344556", "ig-app-secret-0123456789abcdef"
PROVIDER_TIMEOUT = 2

STUBS = {
    # name in the route table -> (stub persona, callback, start, client, directives)
    "cognito": ("forge", "/auth/cognito-auth-redirect", "/auth/cognito", (FORGE_ID, FORGE_SECRET),
                lambda b: {"issuer": b, "authorization_endpoint": b + "/authorize",
                           "token_endpoint": b + "/token", "userinfo_endpoint": b + "/userinfo",
                           "jwks_uri": b + "/jwks", "token_endpoint_auth_method": "client_secret_basic",
                           "link_verified_email": "On", "timeout": str(PROVIDER_TIMEOUT)}),
    "facebook": ("facebook", "/auth/facebook-auth-redirect", "/auth/facebook", (FB_ID, FB_SECRET),
                 lambda b: {"openid": "Off", "authorization_endpoint": b + "/v19.0/dialog/oauth",
                            "token_endpoint": b + "/v19.0/oauth/access_token",
                            "userinfo_endpoint": b + "/me?fields=id,name,email",
                            "subject_claim": "id", "scope": "email,public_profile", "pkce": "Off",
                            "token_endpoint_auth_method": "client_secret_post"}),
    "instagram": ("instagram", "/auth/instagram-auth-redirect", "/auth/instagram", (IG_ID, IG_SECRET),
                  lambda b: {"openid": "Off", "authorization_endpoint": b + "/oauth/authorize",
                             "token_endpoint": b + "/oauth/access_token",
                             "userinfo_endpoint": b + "/me?fields=id,username",
                             "userinfo_token_param": "access_token", "subject_claim": "id",
                             "scope": "user_profile", "pkce": "Off", "signup": "t1 admin",
                             "token_endpoint_auth_method": "client_secret_post"}),
}


@pytest.fixture(scope="module")
def httpd_port():
    return util.free_port()


@pytest.fixture(scope="module")
def workdir():
    d = util.make_tempdir("authsvc-social-stubs-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def stubs(httpd_port, workdir):
    ensure_node_modules()
    started = {}
    try:
        for name, (persona, callback, _start, client, _conf) in STUBS.items():
            port = util.free_port()
            peer = NodePeer(persona, "stub-peer.mjs",
                            [persona, port, "http://127.0.0.1:%d%s" % (httpd_port, callback),
                             client[0], client[1]], logdir=workdir)
            peer.base = "http://127.0.0.1:%d" % port
            started[name] = peer.start()
        yield started
    finally:
        for peer in started.values():
            peer.stop()


@pytest.fixture(scope="module")
def accounts(backend):
    d = util.make_tempdir("authsvc-accounts-%s-" % backend.kind)
    try:
        acc = provision(backend, d)
        # alice's accounts at the forge and at Facebook are linked to her (she has a
        # password and an admin role: no e-mail ever links her)
        identity.link(backend, "alice", "cognito", "forge-user-1")
        identity.link(backend, "alice", "facebook", "10158000000000001")
        yield acc
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def httpd_extra_config(accounts, stubs, workdir):
    import os
    extra = accounts.httpd_config()
    for name, (_persona, _cb, _start, client, conf) in STUBS.items():
        secret_file = os.path.join(workdir, name + ".secret")
        with open(secret_file, "w") as f:
            f.write(client[1])
        os.chmod(secret_file, 0o644)
        extra.append("AuthsvcSocialProvider %s client_id %s" % (name, client[0]))
        extra.append("AuthsvcSocialProvider %s client_secret_file %s" % (name, secret_file))
        for key, value in conf(stubs[name].base).items():
            extra.append("AuthsvcSocialProvider %s %s %s" % (name, key, value))
    return extra


class Flow:
    def __init__(self, server, accounts, stubs):
        self.base = "http://127.0.0.1:%d" % server.port
        self.accounts = accounts
        self.stubs = stubs

    def set_mode(self, mode):
        r = requests.post(self.stubs["cognito"].base + "/control", data={"mode": mode})
        assert r.status_code == 200

    def stats(self):
        return requests.get(self.stubs["cognito"].base + "/stats").json()

    def login(self, name="cognito", username="alice", password="Alice-Pass-1"):
        s = requests.Session()
        r = s.post(self.base + STUBS[name][2], allow_redirects=False, data={
            "client_id": "web", "client_secret": self.accounts.client_secrets["web"]})
        assert r.status_code == 303, r.text
        cb = provider_login(s, r.headers["Location"], username, password, self.base)
        return cb, cb.send(s)

    def me(self, redirect):
        assert redirect.status_code == 303, redirect.text
        loc = redirect.headers["Location"]
        assert loc.startswith(REDIRECT_URL + "?code="), loc
        code = urllib.parse.parse_qs(urllib.parse.urlsplit(loc).query)["code"][0]
        t = requests.post(self.base + "/auth/token", json={"code": code, "clientId": "web"}).json()
        return requests.get(self.base + "/auth/me",
                            headers={"Authorization": "Bearer " + t["accessToken"]}).json()


@pytest.fixture(scope="module")
def flow(server, accounts, stubs):
    return Flow(server, accounts, stubs)


@pytest.fixture
def ok_mode(flow):
    flow.set_mode("ok")
    yield
    flow.set_mode("ok")


def assert_login_failed(r):
    assert r.status_code == 401, (r.status_code, r.text)
    assert r.json()["error"]["code"] == "SocialLoginFailed"


def test_provider_without_iss_in_the_redirect_logs_in(flow, ok_mode):
    cb, r = flow.login()
    assert "iss" not in cb.params
    assert flow.me(r)["username"] == "alice"


def test_pkce_verifier_is_sent_and_matches_the_challenge(flow, ok_mode):
    flow.login()
    form = flow.stats()["last_token_form"]
    assert len(form["code_verifier"]) == 64
    assert "client_secret" not in form or form["client_secret"] is None  # basic auth


@pytest.mark.parametrize("mode", [
    "wrong_aud", "wrong_azp", "multi_aud_no_azp", "alg_none", "unsigned", "bad_signature",
    "expired", "future_iat", "unknown_kid", "wrong_iss", "no_nonce", "wrong_nonce",
    "hs256_with_public_key", "userinfo_other_sub", "token_error"])
def test_bad_id_tokens_and_provider_errors_are_401(flow, ok_mode, mode):
    """T-34, T-37: each defect alone refuses the login."""
    flow.set_mode(mode)
    _cb, r = flow.login()
    assert_login_failed(r)


def test_provider_timeout_is_401_within_the_timeout(flow, ok_mode):
    flow.set_mode("slow_token")
    t0 = time.monotonic()
    _cb, r = flow.login()
    assert_login_failed(r)
    assert time.monotonic() - t0 < PROVIDER_TIMEOUT + 2


def test_cached_keys_work_while_the_jwks_is_down(flow, ok_mode):
    """R-11: keys fetched earlier keep verifying while the JWKS answers 503."""
    for _ in range(3):  # both httpd children have the key cached
        flow.login()
    flow.set_mode("jwks_down")
    for _ in range(4):
        _cb, r = flow.login()
        assert r.status_code == 303, r.text


def test_random_kids_fetch_the_jwks_at_most_once_per_minute_per_child(flow, ok_mode):
    """R-11: many ID tokens with unknown kids make at most one fetch per child."""
    for _ in range(3):
        flow.login()
    before = flow.stats()["jwks_fetches"]
    flow.set_mode("random_kid")
    for _ in range(20):
        _cb, r = flow.login()
        assert_login_failed(r)
    assert flow.stats()["jwks_fetches"] - before <= 2  # StartServers 2


def test_facebook_login_by_the_linked_id(flow):
    cb, r = flow.login("facebook")
    assert "#" not in cb.url
    assert flow.me(r)["username"] == "alice"


def test_facebook_user_without_link_or_signup_is_401(flow):
    _cb, r = flow.login("facebook", "bob", "Bob-Pass-2")
    assert_login_failed(r)


def test_instagram_signup_keeps_the_17_digit_id_exact(flow, backend):
    me = flow.me(flow.login("instagram")[1])
    assert me["username"] == "instagram-17841400000000001"
    rows = backend.query("SELECT external_id FROM user_credentials WHERE provider = 'instagram'")
    assert ["17841400000000001"] in [list(r) for r in rows]


def test_no_5xx_in_the_error_log(server):
    assert " answered 5" not in server.log_text()
