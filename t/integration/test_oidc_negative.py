"""The OpenID Connect provider refusing what a relying party or an attacker gets wrong,
end to end: every code here comes from the real path (/oauth2/authorize -> the login
page, signed in by a cookie-keeping client -> back to /oauth2/authorize -> a redirect to
the client), and is exchanged at /oauth2/token with form-encoded requests (requests).
Wrong redirect URI (no redirect), PKCE mismatch, code reuse (revokes what the code
issued), wrong client secret, expired code, and the state/nonce/iss round trip."""
import base64
import hashlib
import secrets
import time
import urllib.parse

import pytest
import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from harness import jose
from harness.accounts import add_users
from harness.oidc import UserAgent, jwt_claims, pkce_pair, register
from harness.oidc_provider import (httpd_extra_config, httpd_modules,  # noqa: F401
                                   httpd_tail_config, issuer, provider_accounts, tls_port)

RP = "rp-neg"              # a confidential client
RP_SHORT = "rp-neg-short"  # its codes live 1 s
REDIRECT = "https://rp.example/cb"
SHORT_REDIRECT = "https://short.example/cb"


@pytest.fixture(scope="module")
def accounts(accounts, backend):
    with provider_accounts(accounts, backend, "oidc-neg") as acc:
        acc.rp_secret = register(backend, RP, [REDIRECT],
                                 grant_types=["authorization_code", "refresh_token"])
        acc.short_secret = register(backend, RP_SHORT, [SHORT_REDIRECT], code_ttl=1,
                                    grant_types=["authorization_code", "refresh_token"])
        acc.oidc_user = add_users(backend, acc, ["oidc-neg"], clients=("web", RP, RP_SHORT))[0]
        yield acc


@pytest.fixture
def ua(issuer, accounts):
    return UserAgent(issuer, accounts.tls[0])


def auth_params(client_id=RP, redirect_uri=REDIRECT, challenge=None, **extra):
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
              "scope": "openid email profile", "state": secrets.token_urlsafe(12),
              "nonce": secrets.token_urlsafe(12)}
    if challenge:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    params.update(extra)
    return params


def get_code(ua, accounts, **kw):
    """A code through the login page: (code, verifier, params)."""
    verifier, challenge = pkce_pair()
    params = auth_params(challenge=challenge, **kw)
    answer = ua.authorize(params, accounts.oidc_user)
    assert answer.location and answer.location.startswith(params["redirect_uri"] + "?"), answer
    assert "code" in answer.query and answer.query.get("state") == params["state"], answer
    return answer.query["code"], verifier, params


def token(issuer, accounts, form, client_id=RP, secret=None, basic=True):
    secret = accounts.rp_secret if secret is None else secret
    auth = (client_id, secret) if basic else None
    if not basic:
        form = dict(form, client_id=client_id, client_secret=secret)
    return requests.post(issuer + "/oauth2/token", data=form, auth=auth,
                         verify=accounts.tls[0], timeout=15)


def exchange(issuer, accounts, code, verifier, redirect_uri=REDIRECT, **kw):
    return token(issuer, accounts, {"grant_type": "authorization_code", "code": code,
                                    "redirect_uri": redirect_uri, "code_verifier": verifier},
                 **kw)


def assert_oauth_error(r, status, error):
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert body.get("error") == error, body
    assert "access_token" not in body and "errorCode" not in body, body
    assert "no-store" in (r.headers.get("Cache-Control") or ""), r.headers
    return body


def me(issuer, accounts, access_token):
    return requests.get(issuer + "/auth/me", headers={"Authorization": "Bearer " + access_token},
                        verify=accounts.tls[0], timeout=15)


# ---- wrong redirect URI ---------------------------------------------------------------

BAD_REDIRECTS = ["https://evil.example/cb", "https://rp.example/cb/", "https://rp.example/cb?x=1",
                 "https://rp.example/cb/../cb2", "https://RP.example/cb", "http://rp.example/cb",
                 "https://rp.example:444/cb", "https://rp.example/c", "https://rp.example/cb#f"]


@pytest.mark.parametrize("redirect_uri", BAD_REDIRECTS)
def test_wrong_redirect_uri_is_never_redirected_to(ua, accounts, redirect_uri):
    """RFC 6749 4.1.2.1: an unregistered redirect URI gets an error page, no redirect,
    before and after the user signed in."""
    for attempt in ("no session", "signed in"):
        r = ua.get("/oauth2/authorize?" + urllib.parse.urlencode(auth_params(
            redirect_uri=redirect_uri, challenge=pkce_pair()[1])))
        assert 400 <= r.status_code < 500, (attempt, r.status_code, r.headers, r.text[:300])
        assert "Location" not in r.headers, (attempt, r.headers)
        if attempt == "no session":
            get_code(ua, accounts)  # signs in


def test_code_is_bound_to_its_redirect_uri(ua, accounts, issuer):
    code, verifier, _ = get_code(ua, accounts)
    r = exchange(issuer, accounts, code, verifier, redirect_uri="https://rp.example/other")
    assert_oauth_error(r, 400, "invalid_grant")


# ---- PKCE -------------------------------------------------------------------------------

def test_pkce_mismatch_is_invalid_grant(ua, accounts, issuer):
    code, _, _ = get_code(ua, accounts)
    other, _ = pkce_pair()
    r = exchange(issuer, accounts, code, other)
    assert_oauth_error(r, 400, "invalid_grant")


def test_pkce_verifier_missing_is_refused(ua, accounts, issuer):
    code, _, _ = get_code(ua, accounts)
    r = token(issuer, accounts, {"grant_type": "authorization_code", "code": code,
                                 "redirect_uri": REDIRECT})
    assert r.status_code == 400 and r.json().get("error") in ("invalid_grant", "invalid_request"), \
        r.text


def test_pkce_plain_is_refused_at_the_authorization_endpoint(ua, accounts):
    get_code(ua, accounts)  # signed in: the refusal goes to the (registered) redirect URI
    params = auth_params(code_challenge="x" * 43, code_challenge_method="plain")
    answer = ua.authorize(params)
    assert answer.location and answer.location.startswith(REDIRECT + "?"), answer
    assert answer.query.get("error") == "invalid_request", answer
    assert answer.query.get("state") == params["state"] and "code" not in answer.query, answer


# ---- code reuse ---------------------------------------------------------------------------

def test_code_reuse_is_refused_and_revokes_what_it_issued(ua, accounts, issuer):
    code, verifier, _ = get_code(ua, accounts)
    first = exchange(issuer, accounts, code, verifier)
    assert first.status_code == 200, first.text
    tokens = first.json()
    assert tokens["token_type"].lower() == "bearer", tokens
    assert me(issuer, accounts, tokens["access_token"]).status_code == 200
    again = exchange(issuer, accounts, code, verifier)
    assert_oauth_error(again, 400, "invalid_grant")
    r = me(issuer, accounts, tokens["access_token"])
    assert r.status_code == 401, (r.status_code, r.text)
    r = token(issuer, accounts, {"grant_type": "refresh_token",
                                 "refresh_token": tokens["refresh_token"]})
    assert_oauth_error(r, 400, "invalid_grant")


# ---- client authentication -----------------------------------------------------------------

@pytest.mark.parametrize("basic", [True, False], ids=["client_secret_basic", "client_secret_post"])
def test_wrong_client_secret_is_invalid_client(ua, accounts, issuer, basic):
    code, verifier, _ = get_code(ua, accounts)
    wrong = accounts.short_secret  # a real secret, of another client
    r = exchange(issuer, accounts, code, verifier, secret=wrong, basic=basic)
    assert_oauth_error(r, 401, "invalid_client")
    if basic:
        assert (r.headers.get("WWW-Authenticate") or "").lower().startswith("basic"), r.headers
    # the code was not spent by the refused attempt's client... nor given to it: the
    # right client still gets its tokens
    r = exchange(issuer, accounts, code, verifier)
    assert r.status_code == 200, r.text


def test_code_of_one_client_is_refused_to_another(ua, accounts, issuer):
    code, verifier, _ = get_code(ua, accounts)
    r = exchange(issuer, accounts, code, verifier, client_id=RP_SHORT,
                 secret=accounts.short_secret)
    assert_oauth_error(r, 400, "invalid_grant")


# ---- expired code ---------------------------------------------------------------------------

def test_expired_code_is_invalid_grant(ua, accounts, issuer):
    code, verifier, _ = get_code(ua, accounts, client_id=RP_SHORT, redirect_uri=SHORT_REDIRECT)
    time.sleep(2.2)
    r = exchange(issuer, accounts, code, verifier, redirect_uri=SHORT_REDIRECT,
                 client_id=RP_SHORT, secret=accounts.short_secret)
    assert_oauth_error(r, 400, "invalid_grant")


# ---- state, nonce, iss -----------------------------------------------------------------------

def verify_rs256(token, jwks):
    header = jose.header_of(token)
    assert header["alg"] == "RS256", header
    keys = [k for k in jwks["keys"] if k.get("kid") == header.get("kid")]
    assert len(keys) == 1, (header, jwks)
    head, payload, sig = token.split(".")
    jose.public_key_of_jwk(keys[0]).verify(jose.b64u_decode(sig), (head + "." + payload).encode(),
                                           padding.PKCS1v15(), hashes.SHA256())


def test_state_nonce_and_iss_round_trip(ua, accounts, issuer):
    # every printable ASCII character that needs escaping (RFC 6749 A.5: state is VSCHAR),
    # and beyond it a backslash and non-ASCII, which clients send too
    state = "st /?&=+%#\"'<>\\ \u00e9\u4e2d" + secrets.token_urlsafe(8)
    nonce = "n-\\\u00e9-" + secrets.token_urlsafe(16)
    code, verifier, _ = get_code(ua, accounts, state=state, nonce=nonce)  # checks the state
    r = exchange(issuer, accounts, code, verifier)
    assert r.status_code == 200, r.text
    tokens = r.json()
    claims = jwt_claims(tokens["id_token"])
    assert claims["nonce"] == nonce, claims
    assert claims["iss"] == issuer and claims["aud"] in (RP, [RP]), claims
    assert claims["sub"] == accounts.oidc_user.id, claims
    digest = hashlib.sha256(tokens["access_token"].encode()).digest()
    at_hash = base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode()
    assert claims["at_hash"] == at_hash, claims
    assert "pwd" in claims["amr"] and abs(claims["auth_time"] - time.time()) < 120, claims
    assert claims["email"] == "oidc-neg@example.org", claims
    jwks = requests.get(issuer + "/.well-known/jwks.json", verify=accounts.tls[0], timeout=15).json()
    verify_rs256(tokens["id_token"], jwks)


def test_iss_and_state_in_the_authorization_response(ua, accounts, issuer):
    params = auth_params(challenge=pkce_pair()[1], state="s/" + secrets.token_urlsafe(8))
    answer = ua.authorize(params, accounts.oidc_user)
    assert answer.query.get("iss") == issuer, answer
    assert answer.query.get("state") == params["state"], answer


def test_no_nonce_no_nonce_claim(ua, accounts, issuer):
    verifier, challenge = pkce_pair()
    params = auth_params(challenge=challenge)
    del params["nonce"]
    answer = ua.authorize(params, accounts.oidc_user)
    assert "code" in answer.query, answer
    r = exchange(issuer, accounts, answer.query["code"], verifier)
    assert r.status_code == 200, r.text
    assert "nonce" not in jwt_claims(r.json()["id_token"])
