"""A real OpenID Connect library as the relying party: openid-client (npm, pinned in
t/browser/package-lock.json) runs t/browser/oidc-client.mjs against the provider's HTTPS
vhost: discovery, the code flow with PKCE S256 (the user's part: Node's fetch with a
cookie jar posting the login form), the library's own validation of state, iss and the
ID token (signature from the JWKS, iss, aud, exp, nonce, at_hash), UserInfo,
introspection, refresh (rotation), revocation, a public client, and client_credentials.
The test asserts on the JSON the script prints."""
import json
import os
import subprocess
import time

import pytest

from harness import util
from harness.accounts import add_users
from harness.oidc import issuer_of, register
from harness.oidc_provider import (httpd_extra_config, httpd_modules,  # noqa: F401
                                   httpd_tail_config, provider_accounts, tls_port)

BROWSER_DIR = os.path.join(util.REPO, "t", "browser")
APP, SPA, SVC = "lib-app", "lib-spa", "lib-svc"
APP_REDIRECT = "https://lib-app.example/callback"
SPA_REDIRECT = "http://127.0.0.1:9/spa-callback"


@pytest.fixture(scope="module")
def accounts(accounts, backend):
    with provider_accounts(accounts, backend, "oidc-lib") as acc:
        acc.app_secret = register(backend, APP, [APP_REDIRECT],
                                  grant_types=["authorization_code", "refresh_token"])
        register(backend, SPA, [SPA_REDIRECT], public=True,
                 grant_types=["authorization_code", "refresh_token"])
        acc.svc_secret = register(backend, SVC, grant_types=["client_credentials"])
        acc.lib_user = add_users(backend, acc, ["lib-user"], clients=("web", APP, SPA))[0]
        yield acc


@pytest.fixture(scope="module")
def run(server, tls_port, accounts):
    """The script's JSON, run once per database."""
    if not os.path.isdir(os.path.join(BROWSER_DIR, "node_modules", "openid-client")):
        pytest.fail("openid-client missing: (cd t/browser && npm ci) -- scripts/test does it")
    user = accounts.lib_user
    cfg = {"issuer": issuer_of(tls_port), "username": user.username, "password": user.password,
           "app": {"id": APP, "secret": accounts.app_secret, "redirect": APP_REDIRECT},
           "spa": {"id": SPA, "redirect": SPA_REDIRECT},
           "svc": {"id": SVC, "secret": accounts.svc_secret}}
    env = dict(os.environ, NODE_EXTRA_CA_CERTS=accounts.tls[0])
    started = time.time()
    proc = subprocess.run(["node", os.path.join(BROWSER_DIR, "oidc-client.mjs"), json.dumps(cfg)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=110,
                          env=env)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["_started"] = started
    out["_log"] = server.log_text()[-3000:]
    return out


def test_no_error(run):
    assert "error" not in run, (run.get("error"), run.get("errorDetail"), run["_log"])


def test_discovery(run, tls_port):
    d = run["discovery"]
    issuer = issuer_of(tls_port)
    assert d["issuer"] == issuer, d
    for key, path in (("authorization_endpoint", "/oauth2/authorize"),
                      ("token_endpoint", "/oauth2/token"),
                      ("userinfo_endpoint", "/oauth2/userinfo"),
                      ("revocation_endpoint", "/oauth2/revoke"),
                      ("introspection_endpoint", "/oauth2/introspect"),
                      ("end_session_endpoint", "/oauth2/logout"),
                      ("jwks_uri", "/.well-known/jwks.json")):
        assert d[key] == issuer + path, (key, d)
    assert d["code_challenge_methods_supported"] == ["S256"], d
    assert d["authorization_response_iss_parameter_supported"] is True, d


def test_code_flow_with_pkce_and_a_validated_id_token(run, accounts, tls_port):
    code = run["code"]
    assert code["callbackHasIss"] and code["callbackStateMatches"], code
    assert run["loginFormsAfterFirst"] == 1, run
    t = code["tokens"]
    assert t["hasAccess"] and t["hasRefresh"] and t["hasIdToken"], t
    assert t["tokenType"].lower() == "bearer" and t["expiresIn"] > 0, t
    c = code["claims"]
    user = accounts.lib_user
    assert c["sub"] == user.id and c["aud"] in (APP, [APP]), c
    assert c["iss"] == issuer_of(tls_port) and c["nonceMatches"] and c["hasAtHash"], c
    assert c["amr"] == ["pwd"], c
    assert abs(c["auth_time"] - run["_started"]) < 60, c
    assert c["email"] == "lib-user@example.org" and c["preferred_username"] == "lib-user", c


def test_userinfo_and_introspection(run, accounts):
    user = accounts.lib_user
    assert run["userinfo"] == {"sub": user.id, "email": "lib-user@example.org",
                               "preferred_username": "lib-user"}, run["userinfo"]
    i = run["introspect"]
    assert i["active"] is True and i["sub"] == user.id and i["client_id"] == APP, i
    assert set(i["scope"].split()) == {"openid", "email", "profile"} and i["hasExp"], i


def test_refresh_rotates_and_revocation_ends_both_tokens(run):
    r = run["refresh"]
    assert r["rotated"] and r["newAccess"], r
    assert r["tokens"]["hasAccess"] and r["tokens"]["hasRefresh"], r
    after = run["refreshAfterRevoke"]
    assert after.get("error") == "invalid_grant", after
    assert run["introspectAfterRevoke"] == {"active": False, "keys": ["active"]}, run
    u = run["userinfoAfterRevoke"]
    assert u.get("status") == 401 or "invalid_token" in json.dumps(u), u


def test_session_reused_and_a_wrong_nonce_or_state_refused_by_the_library(run):
    assert run["loginFormsAfterSecond"] == 1, run  # no second login form
    w = run["wrongNonce"]
    assert w.get("ok") is not True, w
    assert w["code"] == "OAUTH_JWT_CLAIM_COMPARISON_FAILED" and w.get("claim") == "nonce", w
    w = run["wrongState"]
    assert w.get("ok") is not True and "state" in (w.get("cause") or w["message"]), w


def test_public_client_with_pkce(run, accounts):
    p = run["publicClient"]
    assert p["callbackHasIss"] and p["callbackStateMatches"], p
    assert p["tokens"]["hasAccess"] and p["tokens"]["hasIdToken"], p
    assert p["aud"] in (SPA, [SPA]) and p["sub"] == accounts.lib_user.id, p


def test_client_credentials(run):
    cc = run["clientCredentials"]
    t = cc["tokens"]
    assert t["hasAccess"] and not t["hasRefresh"] and not t["hasIdToken"], t
    assert cc["introspect"]["active"] is True, cc
    assert cc["introspect"]["sub"] == SVC and cc["introspect"]["client_id"] == SVC, cc
