"""Social login through real local OpenID Providers (oidc-provider personas of Keycloak,
Google, Azure AD, Cognito and Apple, t/peers/op-peer.mjs), on SQLite and PostgreSQL:
start -> provider login (cookie jar) -> redirect -> our code -> /auth/token -> /auth/me.
Security rows: T-31 (the client's redirect is the registered one), T-33 (state), T-35
(mix-up between two providers), T-36 (unverified e-mail), T-23 (PKCE sent as S256);
/google/logout and /keycloak/logout end the provider's session too.

Local users come from harness.accounts (alice@example.org, erin@example.org, ...). The
personas' accounts: alice (alice@example.org, verified), bob (erin@example.org, NOT
verified), nina (nina@example.net, verified, no local account).

Linking by e-mail (issue 14; README "Linking external identities"): alice's identity
at every persona is linked to her with `authsvc-admin user link` (she has a password and
an admin role, so no e-mail ever links her). Personas for the rule: mallory claims the
administrator dave's address (verified); sam, pat, priya and una have local accounts of
the same address: sam without password and with role staff (may be linked), pat with a
password, priya with role admin, una without password but NOT verified."""
import hashlib
import os
import shutil
import subprocess
import urllib.parse

import pytest
import requests

from harness import identity, util
from harness.accounts import REDIRECT_URL, add_users, provision
from harness.peers import LoginRefused, NodePeer, ensure_node_modules, node_available, provider_login

pytestmark = pytest.mark.skipif(not node_available(), reason="node and npm are needed for the peers")

KC = "/realms/authsvc/protocol/openid-connect"
TENANT = "72f988bf-0000-4000-8000-00000000a2d1"
APPLE_TEAM, APPLE_KID = "TEAM123456", "KEY1234567"

# persona -> (callback route, start route, the provider's directives: base is its URL)
PROVIDERS = {
    "keycloak": ("/auth/keycloak-auth-redirect", "/auth/keycloak", lambda b: {
        "issuer": b + "/realms/authsvc",
        "authorization_endpoint": b + KC + "/auth", "token_endpoint": b + KC + "/token",
        "userinfo_endpoint": b + KC + "/userinfo", "jwks_uri": b + KC + "/certs",
        "end_session_endpoint": b + KC + "/logout",
        "client_id": "authsvc-kc", "secret": "kc-secret-0123456789abcdef0123456789ab",
        "token_endpoint_auth_method": "client_secret_basic",
        "keep_state_params": "On", "link_verified_email": "On"}),
    "google": ("/auth/google-auth-redirect", "/auth/google", lambda b: {
        "issuer": b, "authorization_endpoint": b + "/o/oauth2/v2/auth",
        "token_endpoint": b + "/token", "userinfo_endpoint": b + "/v1/userinfo",
        "jwks_uri": b + "/oauth2/v3/certs", "revocation_endpoint": b + "/revoke",
        "client_id": "1234567890-authsvc.apps.googleusercontent.com",
        "secret": "GOCSPX-authsvc-test-secret",
        "token_endpoint_auth_method": "client_secret_post",
        "link_verified_email": "On", "signup": "t1 admin",
        "authorize_param": "access_type offline"}),
    "azure": ("/auth/azure-oauth-redirect", "/auth/azure", lambda b: {
        "issuer": "%s/%s/v2.0" % (b, TENANT),
        "authorization_endpoint": "%s/%s/oauth2/v2.0/authorize" % (b, TENANT),
        "token_endpoint": "%s/%s/oauth2/v2.0/token" % (b, TENANT),
        "userinfo_endpoint": "%s/%s/oidc/userinfo" % (b, TENANT),
        "jwks_uri": "%s/%s/discovery/v2.0/keys" % (b, TENANT),
        "client_id": "0f1e2d3c-4b5a-6978-8a9b-authsvc00001",
        "secret": "azure~test~secret~0123456789",
        "token_endpoint_auth_method": "client_secret_post", "subject_claim": "oid",
        "link_verified_email": "On", "signup": "t1 admin"}),
    "cognito": ("/auth/cognito-auth-redirect", "/auth/cognito", lambda b: {
        "issuer": b + "/us-east-1_AuthSvc01", "authorization_endpoint": b + "/oauth2/authorize",
        "token_endpoint": b + "/oauth2/token", "userinfo_endpoint": b + "/oauth2/userInfo",
        "jwks_uri": b + "/us-east-1_AuthSvc01/.well-known/jwks.json",
        "client_id": "4c0gn1t0authsvcclient01", "secret": "cognito-test-secret-0123456789abcdef",
        "token_endpoint_auth_method": "client_secret_basic", "link_verified_email": "On",
        "update_profile": "On"}),
    "apple": ("/auth/apple-oauth-redirect", "/auth/oauth-apple", lambda b: {
        "issuer": b, "authorization_endpoint": b + "/auth/authorize",
        "token_endpoint": b + "/auth/token", "jwks_uri": b + "/auth/keys",
        "revocation_endpoint": b + "/auth/revoke", "client_id": "com.example.authsvc",
        "token_endpoint_auth_method": "apple_es256", "team_id": APPLE_TEAM,
        "key_id": APPLE_KID, "scope": "name email", "response_mode": "form_post",
        "link_verified_email": "On", "signup": "t1 admin"}),
}
ALICE_UUID = "6f1c9a52-3c1e-4d8e-9a55-0d7c7b3a1001"
# alice's subject at each persona (op-peer.mjs: sub, or oid for Azure)
ALICE_SUBJECTS = {"keycloak": ALICE_UUID, "google": "108234567890123456789",
                  "azure": ALICE_UUID, "cognito": ALICE_UUID,
                  "apple": "001234.%s.1001" % hashlib.md5(ALICE_UUID.encode()).hexdigest()}
SAM_UUID = "6f1c9a52-3c1e-4d8e-9a55-0d7c7b3a1005"
PASSWORDS = {"alice": "Alice-Pass-1", "bob": "Bob-Pass-2", "nina": "Nina-Pass-3",
             "mallory": "Mallory-Pass-4", "sam": "Sam-Pass-5", "pat": "Pat-Pass-6",
             "priya": "Priya-Pass-7", "una": "Una-Pass-8"}


# ---- fixtures ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def httpd_port():
    return util.free_port()


@pytest.fixture(scope="module")
def workdir():
    d = util.make_tempdir("authsvc-social-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def apple_key(workdir):
    key = os.path.join(workdir, "apple-client.key.pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-out", key], check=True, capture_output=True)
    pub = subprocess.run(["openssl", "pkey", "-in", key, "-pubout"], check=True,
                         capture_output=True, text=True).stdout
    os.chmod(key, 0o644)
    return key, pub


@pytest.fixture(scope="module")
def peers(httpd_port, workdir, apple_key):
    ensure_node_modules()
    started = {}
    env = {"APPLE_CLIENT_PUBKEY": apple_key[1], "APPLE_TEAM_ID": APPLE_TEAM,
           "APPLE_KEY_ID": APPLE_KID}
    try:
        for name, (callback, _start, _conf) in PROVIDERS.items():
            port = util.free_port()
            peer = NodePeer(name, "op-peer.mjs",
                            [name, port, "http://127.0.0.1:%d%s" % (httpd_port, callback)],
                            env=env, logdir=workdir)
            peer.base = "http://127.0.0.1:%d" % port
            started[name] = peer.start()
        yield started
    finally:
        for peer in started.values():
            peer.stop()


def provider_directives(name, conf, workdir, apple_key_path):
    lines = []
    for key, value in conf.items():
        if key == "secret":
            path = os.path.join(workdir, "%s.secret" % name)
            with open(path, "w") as f:
                f.write(value + "\n")
            os.chmod(path, 0o644)
            key, value = "client_secret_file", path
        if key == "scope":
            value = '"%s"' % value
        lines.append("AuthsvcSocialProvider %s %s %s" % (name, key, value))
    if conf.get("token_endpoint_auth_method") == "apple_es256":
        lines.append("AuthsvcSocialProvider %s private_key_file %s" % (name, apple_key_path))
    return lines


@pytest.fixture(scope="module")
def accounts(backend):
    d = util.make_tempdir("authsvc-accounts-%s-" % backend.kind)
    try:
        acc = provision(backend, d)
        backend.admin().run("role", "add", "--tenant", "t1", "--name", "staff").check()
        add_users(backend, acc, ["sam", "una"], role="staff", no_password=True)
        add_users(backend, acc, ["pat"], role="staff")
        add_users(backend, acc, ["priya"], no_password=True)
        for provider, subject in ALICE_SUBJECTS.items():
            identity.link(backend, "alice", provider, subject)
        yield acc
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def httpd_extra_config(accounts, peers, workdir, apple_key):
    extra = accounts.httpd_config()
    for name, (_cb, _start, conf) in PROVIDERS.items():
        extra += provider_directives(name, conf(peers[name].base), workdir, apple_key[0])
    return extra


@pytest.fixture
def browser():
    return requests.Session()


class Social:
    def __init__(self, server, accounts, peers):
        self.base = "http://127.0.0.1:%d" % server.port
        self.accounts = accounts
        self.peers = peers
        self.secret = accounts.client_secrets["web"]

    def start(self, browser, provider, extra=None, client_id="web", secret=None):
        data = {"client_id": client_id, "client_secret": secret or self.secret}
        data.update(extra or {})
        return browser.post(self.base + PROVIDERS[provider][1], data=data, allow_redirects=False)

    def to_provider(self, browser, provider, username="alice", allow=True, extra=None):
        r = self.start(browser, provider, extra)
        assert r.status_code == 303, r.text
        return provider_login(browser, r.headers["Location"], username, PASSWORDS[username],
                              self.base, allow=allow)

    def login(self, browser, provider, username="alice", extra=None):
        """The whole browser part; returns our redirect response (303 to the client)."""
        cb = self.to_provider(browser, provider, username, extra=extra)
        return cb.send(browser)

    def tokens(self, redirect):
        assert redirect.status_code == 303, redirect.text
        loc = redirect.headers["Location"]
        assert loc.startswith(REDIRECT_URL + "?"), loc
        code = urllib.parse.parse_qs(urllib.parse.urlsplit(loc).query)["code"][0]
        r = requests.post(self.base + "/auth/token", json={"code": code, "clientId": "web"})
        assert r.status_code == 200, r.text
        return r.json()

    def me(self, tokens):
        r = requests.get(self.base + "/auth/me",
                         headers={"Authorization": "Bearer " + tokens["accessToken"]})
        assert r.status_code == 200, r.text
        return r.json()


@pytest.fixture(scope="module")
def social(server, accounts, peers):
    return Social(server, accounts, peers)


def assert_error(r, status, code=None):
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()["error"]
    assert body["statusCode"] == status
    if code:
        assert body["code"] == code, body


# ---- end to end --------------------------------------------------------------------

@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_login_end_to_end_through_a_link_made_with_the_cli(social, browser, provider):
    me = social.me(social.tokens(social.login(browser, provider)))
    assert me["username"] == "alice"
    assert me["id"] == social.accounts["alice"].id


def test_second_login_uses_the_link_without_the_email(social, backend, browser):
    social.tokens(social.login(browser, "keycloak"))
    rows = backend.query("SELECT provider, external_id FROM user_credentials WHERE user_id = '%s' "
                         "AND provider = 'keycloak'" % social.accounts["alice"].id)
    assert [list(r) for r in rows] == [["keycloak", "6f1c9a52-3c1e-4d8e-9a55-0d7c7b3a1001"]]
    again = requests.Session()
    me = social.me(social.tokens(social.login(again, "keycloak")))
    assert me["username"] == "alice"


def test_azure_links_by_oid_not_the_pairwise_sub(social, backend, browser):
    social.tokens(social.login(browser, "azure"))
    rows = backend.query("SELECT external_id FROM user_credentials WHERE provider = 'azure'")
    assert ["6f1c9a52-3c1e-4d8e-9a55-0d7c7b3a1001"] in [list(r) for r in rows]


def test_deprecated_get_start_redirects_too(social, browser):
    r = browser.get(social.base + "/auth/google", params={"client_id": "web",
                                                          "client_secret": social.secret},
                    allow_redirects=False)
    assert r.status_code == 303
    assert r.headers["Location"].startswith(social.peers["google"].base + "/o/oauth2/v2/auth?")


def test_authorization_request_carries_state_nonce_and_pkce_s256(social, browser):
    r = social.start(browser, "keycloak")
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(r.headers["Location"]).query))
    assert q["response_type"] == "code" and q["client_id"] == "authsvc-kc"
    assert q["code_challenge_method"] == "S256" and len(q["code_challenge"]) == 43
    assert len(q["state"]) >= 43 and len(q["nonce"]) >= 43 and q["state"] != q["nonce"]
    assert q["redirect_uri"] == social.base + "/auth/keycloak-auth-redirect"
    assert "authsvc_social_keycloak" in r.headers["Set-Cookie"]
    assert "HttpOnly" in r.headers["Set-Cookie"]


def test_keycloak_keeps_the_callers_extra_start_fields(social, browser):
    r = social.login(browser, "keycloak", extra={"tenant": "t1", "returnTo": "/a b"})
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(r.headers["Location"]).query))
    assert q["tenant"] == "t1" and q["returnTo"] == "/a b" and q["code"]


def test_self_signup_creates_a_user_for_a_new_verified_email(social, browser):
    me = social.me(social.tokens(social.login(browser, "google", "nina")))
    assert me["username"] == "nina@example.net"
    assert me["email"] == "nina@example.net"
    assert me["id"] not in {u.id for u in social.accounts.users.values()}


# ---- linking by e-mail (README "Linking external identities") ----------------------

def link_refused(r, backend, server, user, provider, reason):
    """401 IdentityLinkRefused, no link to provider, a LINK_REFUSED row and a log line
    with the reason (and no e-mail)."""
    assert_error(r, 401, "IdentityLinkRefused")
    assert provider not in [p for p, _subject in identity.links(backend, user.id)]
    rows = identity.activity(backend, user.id, "LINK_REFUSED")
    assert rows and rows[-1]["provider"] == provider and reason in rows[-1]["reason"], rows
    lines = [l for l in server.log_text().splitlines()
             if "authsvc2101: %s identity" % provider in l and user.id in l]
    assert lines and reason in lines[-1] and "@" not in lines[-1], lines


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_verified_email_of_an_admin_does_not_take_over_the_admin(social, backend, server,
                                                                  browser, provider):
    """Issue 14: mallory's provider account says dave@example.org, verified; dave is a
    local administrator with a password. Refused; nothing of dave's changes, and sign-up
    (Google, Azure, Apple) makes no second account of his address."""
    dave = social.accounts["dave"]
    before = identity.profile(backend, dave.id)
    link_refused(social.login(browser, provider, "mallory"), backend, server, dave, provider,
                 "the account has a password; the account holds the protected role 'admin'")
    assert identity.profile(backend, dave.id) == before
    assert identity.links(backend, dave.id) == []
    assert backend.query("SELECT id FROM users WHERE email = 'dave@example.org'") == [[dave.id]]


def test_first_link_of_an_account_without_password_identity_or_protected_role(
        social, backend, server, browser):
    sam = social.accounts["sam"]
    assert social.me(social.tokens(social.login(browser, "keycloak", "sam")))["id"] == sam.id
    assert identity.links(backend, sam.id) == [("keycloak", SAM_UUID)]
    rows = identity.activity(backend, sam.id, "LINK")
    assert len(rows) == 1 and rows[0]["provider"] == "keycloak", rows
    assert "keycloak identity %s linked by e-mail to user %s" % (
        rows[0]["subject"], sam.id) in server.log_text()
    # update_profile is off for Keycloak: the provider's family name did not arrive
    assert identity.profile(backend, sam.id)[2:4] == ("Sam", "")
    # linked now, so no second provider links the account by e-mail
    link_refused(social.login(requests.Session(), "google", "sam"), backend, server, sam,
                 "google", "the account is linked to another identity")


def test_account_with_a_password_is_not_linked(social, backend, server, browser):
    link_refused(social.login(browser, "google", "pat"), backend, server,
                 social.accounts["pat"], "google", "the account has a password")


def test_account_with_a_protected_role_is_not_linked(social, backend, server, browser):
    link_refused(social.login(browser, "azure", "priya"), backend, server,
                 social.accounts["priya"], "azure",
                 "the account holds the protected role 'admin'")


def test_email_the_provider_does_not_verify_links_no_account(social, backend, server, browser):
    """una could be linked, but her provider account's e-mail is not verified (T-36)."""
    link_refused(social.login(browser, "keycloak", "una"), backend, server,
                 social.accounts["una"], "keycloak",
                 "the provider does not vouch for the e-mail")


def test_update_profile_on_copies_the_providers_names(social, backend, browser):
    """Cognito has update_profile On: sam's link made with the CLI, then his names come
    from the provider (Sam Provider)."""
    sam = social.accounts["sam"]
    identity.link(backend, "sam", "cognito", SAM_UUID)
    assert social.me(social.tokens(social.login(browser, "cognito", "sam")))["id"] == sam.id
    assert identity.profile(backend, sam.id)[2:4] == ("Sam", "Provider")


# ---- refusals ----------------------------------------------------------------------

def test_start_with_a_wrong_client_secret_is_401(social, browser):
    assert_error(social.start(browser, "google", secret="wrong"), 401, "ClientVerificationFailed")


def test_start_of_a_provider_not_configured_is_400(social, browser):
    r = browser.post(social.base + "/auth/facebook",
                     data={"client_id": "web", "client_secret": social.secret},
                     allow_redirects=False)
    assert_error(r, 400, "ProviderNotConfigured")


def test_user_denying_consent_is_401(social, browser):
    cb = social.to_provider(browser, "google", allow=False)
    assert cb.params["error"] == "access_denied"
    assert_error(cb.send(browser), 401, "SocialLoginFailed")


def test_wrong_password_at_the_provider_never_reaches_us(social, browser):
    r = social.start(browser, "keycloak")
    with pytest.raises(LoginRefused):
        provider_login(browser, r.headers["Location"], "alice", "wrong", social.base)


def test_unverified_email_never_logs_into_the_local_account(social, backend, browser):
    """T-36: bob's provider account claims erin@example.org, unverified."""
    cb = social.to_provider(browser, "keycloak", "bob")
    assert_error(cb.send(browser), 401, "IdentityLinkRefused")
    assert identity.links(backend, social.accounts["erin"].id) == []


def test_unverified_email_of_a_local_account_gets_no_account_through_signup(social, backend,
                                                                           browser):
    """T-36: with sign-up on, bob gets neither erin's account nor one of his own: the
    address belongs to a local account, which only a link may open."""
    users = backend.query("SELECT COUNT(*) FROM users")
    assert_error(social.login(browser, "google", "bob"), 401, "IdentityLinkRefused")
    assert backend.query("SELECT COUNT(*) FROM users") == users


# ---- T-33: state ---------------------------------------------------------------------

def test_callback_without_state_is_400(social, browser):
    cb = social.to_provider(browser, "google")
    url = cb.url.replace("state=", "x=")
    assert_error(browser.get(url, allow_redirects=False), 400, "InvalidState")


def test_state_is_single_use(social, browser):
    cb = social.to_provider(browser, "keycloak")
    assert cb.send(browser).status_code == 303
    assert_error(cb.send(browser), 400, "InvalidState")


def test_state_from_another_browser_is_400(social, browser):
    cb = social.to_provider(browser, "keycloak")
    other = requests.Session()
    assert_error(cb.send(other), 400, "InvalidState")
    # the right browser still finishes: the other browser's attempt used nothing up
    assert cb.send(browser).status_code == 303


def test_apple_form_post_from_another_browser_is_400(social, browser):
    cb = social.to_provider(browser, "apple")
    assert cb.method == "POST"
    assert_error(cb.send(requests.Session()), 400, "InvalidState")


def test_unknown_state_is_400(social, browser):
    r = browser.get(social.base + "/auth/google-auth-redirect",
                    params={"state": "A" * 64, "code": "x"}, allow_redirects=False)
    assert_error(r, 400, "InvalidState")


# ---- T-35: mix-up ----------------------------------------------------------------------

def test_state_of_one_provider_at_another_providers_callback_is_400(social, browser):
    cb = social.to_provider(browser, "google")
    url = social.base + "/auth/keycloak-auth-redirect?" + urllib.parse.urlsplit(cb.url).query
    assert_error(browser.get(url, allow_redirects=False), 400, "InvalidState")


def test_code_and_iss_of_another_provider_are_refused_before_any_exchange(social, browser):
    """Keycloak's code and iss arrive with a valid Google state: the iss differs from
    Google's issuer, so no code goes to Google's token endpoint."""
    kc = social.to_provider(browser, "keycloak").params
    google = social.to_provider(browser, "google").params
    r = browser.get(social.base + "/auth/google-auth-redirect",
                    params={"code": kc["code"], "state": google["state"], "iss": kc["iss"]},
                    allow_redirects=False)
    assert_error(r, 401, "SocialLoginFailed")


# ---- T-31: the client's redirect -------------------------------------------------------

def test_a_redirect_uri_in_the_start_request_is_refused(social, browser):
    r = social.start(browser, "google", extra={"redirect_uri": "https://evil.example/cb"})
    assert_error(r, 422)
    assert "Location" not in r.headers


def test_keycloak_extra_fields_never_choose_the_redirect(social, browser):
    r = social.login(browser, "keycloak", extra={"redirect_uri": "https://evil.example/cb"})
    assert r.headers["Location"].startswith(REDIRECT_URL + "?code=")


# ---- logout at the provider ------------------------------------------------------------

def _logout(social, tokens, path):
    return requests.post(social.base + path, json={"refreshToken": tokens["refreshToken"]},
                         headers={"Authorization": "Bearer " + tokens["accessToken"]})


def _provider_tokens(backend, social, provider):
    rows = backend.query("SELECT access_token, refresh_token FROM social_sessions "
                         "WHERE user_id = '%s' AND provider = '%s'"
                         % (social.accounts["alice"].id, provider))
    assert len(rows) == 1, rows
    return rows[0]


def test_keycloak_logout_ends_the_provider_session(social, backend, browser):
    tokens = social.tokens(social.login(browser, "keycloak"))
    at, _rt = _provider_tokens(backend, social, "keycloak")
    info = social.peers["keycloak"].base + KC + "/userinfo"
    assert requests.get(info, headers={"Authorization": "Bearer " + at}).status_code == 200
    r = _logout(social, tokens, "/keycloak/logout")
    assert r.status_code == 200 and r.json()["success"] is True
    assert requests.get(info, headers={"Authorization": "Bearer " + at}).status_code == 401
    assert requests.get(social.base + "/auth/me", headers={
        "Authorization": "Bearer " + tokens["accessToken"]}).status_code == 401


def test_google_logout_revokes_the_provider_token(social, backend, browser):
    tokens = social.tokens(social.login(browser, "google"))
    at, _rt = _provider_tokens(backend, social, "google")
    info = social.peers["google"].base + "/v1/userinfo"
    assert requests.get(info, headers={"Authorization": "Bearer " + at}).status_code == 200
    r = _logout(social, tokens, "/google/logout")
    assert r.status_code == 200 and r.json()["success"] is True
    assert requests.get(info, headers={"Authorization": "Bearer " + at}).status_code == 401
