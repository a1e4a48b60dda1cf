"""The OpenID Connect authorization endpoint (/oauth2/authorize), RP-initiated logout
(/oauth2/logout) and discovery, on a real httpd whose main server has the login page
(AuthsvcGatewayClient web): errors that must never redirect (unknown client, redirect
URI not registered exactly), RFC 6749 4.1.2.1 errors sent to the redirect URI with state
and iss (RFC 9207), PKCE, prompt, max_age, the code and what its row stores, the browser
session reused for a second client, membership, and logout with and without a
registered post-logout URI."""
import hashlib
import base64
import re
import secrets
import time
import urllib.parse

import pytest
import requests

from harness import util
from harness.accounts import add_users
from harness.jose import SigningKey

MODULES = [("socache_shmcb_module", "mod_socache_shmcb.so")]
CB = "http://127.0.0.1:9/cb"
OTHER_CB = "http://127.0.0.1:9/other-cb"
SPA_CB = "http://127.0.0.1:9/spa-cb?app=1"
BYE = "http://127.0.0.1:9/bye"
SVC_CB = "http://127.0.0.1:9/svc-cb"


@pytest.fixture(scope="module")
def accounts(accounts, backend):
    """conftest's accounts, plus the web client's secret in a file (the login page's
    client), the OpenID Connect registrations of web, other and a public client spa, a
    client without one (plain), and frank, a member of web, other and spa."""
    workdir = util.make_tempdir("authsvc-oidc-%s-" % backend.kind)
    secret = workdir + "/web.secret"
    with open(secret, "w") as f:
        f.write(accounts.client_secrets["web"] + "\n")
    accounts.secret_path = secret
    admin = backend.admin()
    admin.run("client", "add", "--client-id", "spa", "--public").check()
    admin.run("client", "add", "--client-id", "plain").check()
    admin.run("client", "oidc", "--client-id", "web", "--redirect-uri", CB,
              "--post-logout-uri", BYE).check()
    admin.run("client", "oidc", "--client-id", "other", "--redirect-uri", OTHER_CB).check()
    admin.run("client", "oidc", "--client-id", "spa", "--redirect-uri", SPA_CB).check()
    admin.run("client", "add", "--client-id", "svc").check()
    admin.run("client", "oidc", "--client-id", "svc", "--grant-types", "client_credentials",
              "--redirect-uri", SVC_CB).check()
    add_users(backend, accounts, ["frank"], clients=("web", "other", "spa"))
    return accounts


@pytest.fixture(scope="module")
def httpd_extra_config(accounts):
    return accounts.httpd_config() + ['AuthsvcGatewayClient web "%s"' % accounts.secret_path]


@pytest.fixture(scope="module")
def httpd_modules():
    return MODULES, []


# ---- helpers ---------------------------------------------------------------------------

def params(client_id="web", redirect_uri=CB, **extra):
    p = {"client_id": client_id, "redirect_uri": redirect_uri, "response_type": "code",
         "scope": "openid profile email", "state": "st-" + secrets.token_hex(4),
         "nonce": "n-" + secrets.token_hex(4)}
    p.update(extra)
    return {k: v for k, v in p.items() if v is not None}


def authorize(server, s=None, query=None, **kw):
    """GET /oauth2/authorize with params(**kw) (or a raw query string)."""
    s = s or requests.Session()
    q = query if query is not None else urllib.parse.urlencode(params(**kw))
    return s.get(server.issuer + "/oauth2/authorize?" + q, allow_redirects=False, timeout=15)


def location(r):
    assert r.status_code == 303, (r.status_code, r.headers, r.text[:300])
    return r.headers["Location"]


def redirected_to(r, base):
    """The query of a 303 to base (the redirect URI without its own query)."""
    loc = urllib.parse.urlsplit(location(r))
    assert "%s://%s%s" % (loc.scheme, loc.netloc, loc.path) == base.split("?")[0], loc
    return dict(urllib.parse.parse_qsl(loc.query))


def assert_error(r, server, error, state, base=CB):
    q = redirected_to(r, base)
    assert q.get("error") == error, q
    assert q.get("state") == state, q
    assert q.get("iss") == server.issuer, q
    assert "code" not in q, q
    return q


def assert_no_redirect(r):
    assert r.status_code == 400, (r.status_code, r.text[:300])
    assert "Location" not in r.headers, r.headers


def login_return(server, r):
    """The return URL of a 303 to the login page: the authorization endpoint with the
    request packed in one base64url parameter."""
    loc = urllib.parse.urlsplit(location(r))
    assert loc.path == "/authsvc/login", loc
    ret = dict(urllib.parse.parse_qsl(loc.query))["return"]
    assert re.fullmatch(r"/oauth2/authorize\?resume=[A-Za-z0-9_-]+", ret), ret
    return ret


def resumed(ret):
    """The parameters packed in a return URL."""
    packed = ret.split("=", 1)[1]
    text = base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4)).decode()
    return dict(urllib.parse.parse_qsl(text, keep_blank_values=True))


def sign_in(server, s, ret, accounts, username="frank"):
    """The login page's form, filled in; answers where it sends the browser."""
    page = s.get(server.issuer + "/authsvc/login", params={"return": ret}, timeout=15)
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert m, page.text[:500]
    r = s.post(server.issuer + "/authsvc/login", allow_redirects=False, timeout=15,
               data={"csrf": m.group(1), "return": ret, "username": username,
                     "password": accounts[username].password})
    assert location(r) == ret, (r.status_code, r.text[:500])
    return ret


def code_flow(server, accounts, s=None, username="frank", **kw):
    """Sign in through the authorization endpoint: (session, query of the final redirect,
    the request's parameters)."""
    s = s or requests.Session()
    p = params(**kw)
    r = authorize(server, s, query=urllib.parse.urlencode(p))
    ret = sign_in(server, s, login_return(server, r), accounts, username)
    r = s.get(server.issuer + ret, allow_redirects=False, timeout=15)
    q = redirected_to(r, p["redirect_uri"])
    return s, q, p


def code_row(backend, code):
    h = hashlib.sha256(code.encode()).hexdigest()
    rows = backend.query("SELECT client_id, redirect_uri, scope, nonce, code_challenge, "
                         "code_challenge_method, auth_time, amr, user_id, expires_at, "
                         "created_at FROM auth_codes WHERE code_hash = '%s'" % h)
    assert len(rows) == 1, rows
    keys = ["client_id", "redirect_uri", "scope", "nonce", "code_challenge", "method",
            "auth_time", "amr", "user_id", "expires_at", "created_at"]
    return dict(zip(keys, rows[0]))


def s256(verifier):
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(
        b"=").decode()


# ---- discovery ---------------------------------------------------------------------------

def test_discovery_tells_the_oauth2_endpoints(server):
    doc = requests.get(server.issuer + "/.well-known/openid-configuration", timeout=15).json()
    iss = server.issuer
    assert doc["issuer"] == iss
    for name, path in [("authorization_endpoint", "/oauth2/authorize"),
                       ("token_endpoint", "/oauth2/token"),
                       ("userinfo_endpoint", "/oauth2/userinfo"),
                       ("end_session_endpoint", "/oauth2/logout"),
                       ("revocation_endpoint", "/oauth2/revoke"),
                       ("introspection_endpoint", "/oauth2/introspect"),
                       ("jwks_uri", "/.well-known/jwks.json")]:
        assert doc[name] == iss + path, (name, doc)
    assert doc["response_types_supported"] == ["code"]
    assert doc["response_modes_supported"] == ["query"]
    assert doc["grant_types_supported"] == ["authorization_code", "refresh_token",
                                            "client_credentials"]
    assert doc["token_endpoint_auth_methods_supported"] == [
        "client_secret_basic", "client_secret_post", "none"]
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert doc["scopes_supported"] == ["openid", "profile", "email"]
    assert doc["authorization_response_iss_parameter_supported"] is True
    assert doc["subject_types_supported"] == ["public"]
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert doc["prompt_values_supported"] == ["login", "none"]
    assert {"sub", "auth_time", "nonce", "amr", "acr", "email"} <= set(doc["claims_supported"])


# ---- never redirect ------------------------------------------------------------------------

@pytest.mark.parametrize("kw", [
    {"client_id": "nobody"},
    {"client_id": None},
    {"client_id": "plain"},                      # a client without a registration
    {"redirect_uri": None},
    {"redirect_uri": "http://127.0.0.1:9/evil"},
    {"redirect_uri": CB + "/"},                  # exact match only
    {"redirect_uri": CB + "?x=1"},
    {"redirect_uri": CB.upper()},
    {"client_id": "other"},                      # web's redirect URI, other's client
], ids=lambda kw: repr(kw))
def test_unknown_client_or_redirect_uri_never_redirects(server, kw):
    r = authorize(server, **kw)
    assert_no_redirect(r)
    assert r.json()["error"] == "invalid_request", r.text
    assert "127.0.0.1:9" not in r.text


def test_the_refusal_is_a_page_for_a_browser(server):
    r = requests.get(server.issuer + "/oauth2/authorize?" + urllib.parse.urlencode(
        params(redirect_uri="https://evil.example/<script>")), allow_redirects=False,
        headers={"Accept": "text/html,application/xhtml+xml"}, timeout=15)
    assert_no_redirect(r)
    assert r.headers["Content-Type"].startswith("text/html"), r.headers
    assert "<script>" not in r.text and "evil.example" not in r.text, r.text


@pytest.mark.parametrize("name", ["client_id", "redirect_uri"])
def test_client_id_or_redirect_uri_twice_never_redirects(server, name):
    q = urllib.parse.urlencode(params()) + "&%s=%s" % (name, urllib.parse.quote(
        CB if name == "redirect_uri" else "web", safe=""))
    assert_no_redirect(authorize(server, query=q))


# ---- errors for the redirect URI -------------------------------------------------------------

@pytest.mark.parametrize("kw,error", [
    ({"response_type": None}, "invalid_request"),
    ({"response_type": "token"}, "unsupported_response_type"),
    ({"response_type": "code id_token"}, "unsupported_response_type"),
    ({"scope": "profile email"}, "invalid_scope"),
    ({"scope": None}, "invalid_scope"),
    ({"code_challenge": "a" * 43, "code_challenge_method": "plain"}, "invalid_request"),
    ({"code_challenge": "a" * 43}, "invalid_request"),     # method absent means plain
    ({"code_challenge": "short", "code_challenge_method": "S256"}, "invalid_request"),
    ({"code_challenge_method": "S256"}, "invalid_request"),
    ({"prompt": "consent"}, "invalid_request"),
    ({"prompt": "login none"}, "invalid_request"),
    ({"max_age": "-1"}, "invalid_request"),
    ({"max_age": "soon"}, "invalid_request"),
    ({"response_mode": "fragment"}, "invalid_request"),
    ({"request": "eyJhbGciOiJub25lIn0.e30."}, "request_not_supported"),
], ids=lambda v: repr(v))
def test_errors_go_to_the_redirect_uri_with_state_and_iss(server, kw, error):
    p = params(**kw)
    r = authorize(server, query=urllib.parse.urlencode(p))
    q = assert_error(r, server, error, p["state"])
    assert q.get("error_description"), q


def test_client_without_the_code_grant_is_unauthorized_client(server):
    p = params(client_id="svc", redirect_uri=SVC_CB)
    assert_error(authorize(server, query=urllib.parse.urlencode(p)), server,
                 "unauthorized_client", p["state"], base=SVC_CB)


def test_a_parameter_twice_is_invalid_request(server):
    p = params()
    q = urllib.parse.urlencode(p) + "&scope=openid"
    assert_error(authorize(server, query=q), server, "invalid_request", p["state"])


def test_public_client_must_use_pkce(server):
    p = params(client_id="spa", redirect_uri=SPA_CB)
    r = authorize(server, query=urllib.parse.urlencode(p))
    q = assert_error(r, server, "invalid_request", p["state"], base=SPA_CB)
    assert "PKCE" in q["error_description"], q
    # the redirect URI's own query is kept
    assert dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location(r)).query))["app"] == "1"


def test_prompt_none_without_a_session_is_login_required(server):
    p = params(prompt="none")
    assert_error(authorize(server, query=urllib.parse.urlencode(p)), server, "login_required",
                 p["state"])


def test_post_form_is_read_like_the_query(server):
    p = params(response_type="token")
    r = requests.post(server.issuer + "/oauth2/authorize", data=p, allow_redirects=False,
                      timeout=15)
    assert_error(r, server, "unsupported_response_type", p["state"])


# ---- the code --------------------------------------------------------------------------------

def test_code_arrives_with_state_and_iss_and_its_row_holds_the_request(server, backend,
                                                                        accounts):
    before = int(time.time() * 1000)
    s, q, p = code_flow(server, accounts, scope="openid profile unknown email openid")
    assert q["state"] == p["state"] and q["iss"] == server.issuer, q
    assert set(q) == {"code", "state", "iss"}, q
    row = code_row(backend, q["code"])
    assert row["client_id"] == "web" and row["redirect_uri"] == CB, row
    assert row["scope"] == "openid profile email", row
    assert row["nonce"] == p["nonce"], row
    assert row["code_challenge"] == "" and row["amr"] == "pwd", row
    assert row["user_id"] == accounts["frank"].id, row
    assert before - 1000 <= int(row["auth_time"]) <= int(time.time() * 1000), row
    assert int(row["expires_at"]) - int(row["created_at"]) == 60 * 1000, row
    assert q["code"] not in open(server.error_log).read()


def test_any_character_of_the_request_survives_the_login_page(server, backend, accounts):
    # the login page accepts printable ASCII return URLs only: the request comes back packed
    state = "st \\ \u00e9\u4e2d /?&=+%#\"'<>"
    nonce = "n\\\u00fc" + secrets.token_hex(4)
    _, q, p = code_flow(server, accounts, state=state, nonce=nonce,
                        login_hint="fr\u00e4nk")
    assert q["state"] == state, q
    assert code_row(backend, q["code"])["nonce"] == nonce


def test_a_request_too_long_for_the_login_page_is_refused(server):
    p = params(state="s" * 1800)
    assert_error(authorize(server, query=urllib.parse.urlencode(p)), server,
                 "invalid_request", p["state"])


def test_a_broken_resume_parameter_is_refused_without_redirect(server):
    assert_no_redirect(authorize(server, query="resume=%%%"))
    assert_no_redirect(authorize(server, query="resume=not*base64"))


def test_public_client_with_s256_gets_a_code_with_its_challenge(server, backend, accounts):
    challenge = s256(secrets.token_urlsafe(40))
    _, q, p = code_flow(server, accounts, client_id="spa", redirect_uri=SPA_CB,
                        code_challenge=challenge, code_challenge_method="S256",
                        scope="openid offline_access")
    row = code_row(backend, q["code"])
    assert row["code_challenge"] == challenge and row["method"] == "S256", row
    assert row["scope"] == "openid offline_access", row
    assert q["app"] == "1" and q["state"] == p["state"], q


def test_session_is_reused_for_a_second_client_without_the_login_page(server, backend,
                                                                      accounts):
    s, q, _ = code_flow(server, accounts)
    p = params(client_id="other", redirect_uri=OTHER_CB, nonce=None)
    r = authorize(server, s, query=urllib.parse.urlencode(p))
    q2 = redirected_to(r, OTHER_CB)
    assert q2["state"] == p["state"] and q2["code"] != q["code"], q2
    row = code_row(backend, q2["code"])
    assert row["client_id"] == "other" and row["nonce"] == "", row
    # prompt=none with the session: a code as well
    p = params(client_id="other", redirect_uri=OTHER_CB, prompt="none")
    assert "code" in redirected_to(authorize(server, s, query=urllib.parse.urlencode(p)),
                                   OTHER_CB)


def test_post_form_with_a_session_gets_a_code(server, accounts):
    s, _, _ = code_flow(server, accounts)
    p = params()
    r = s.post(server.issuer + "/oauth2/authorize", data=p, allow_redirects=False, timeout=15)
    q = redirected_to(r, CB)
    assert q["code"] and q["state"] == p["state"], q


def test_user_who_is_not_a_member_of_the_client_gets_access_denied(server, accounts):
    s, _, _ = code_flow(server, accounts, username="alice")   # alice: client web only
    p = params(client_id="other", redirect_uri=OTHER_CB)
    assert_error(authorize(server, s, query=urllib.parse.urlencode(p)), server,
                 "access_denied", p["state"], base=OTHER_CB)


def test_prompt_login_ends_the_session_and_asks_again(server, accounts):
    s, _, _ = code_flow(server, accounts)
    r = authorize(server, s, prompt="login")
    ret = login_return(server, r)
    assert "prompt" not in resumed(ret) and resumed(ret)["client_id"] == "web", ret
    # the old session is gone: without prompt the login page is asked for again
    assert login_return(server, authorize(server, s))
    sign_in(server, s, ret, accounts)
    q = redirected_to(s.get(server.issuer + ret, allow_redirects=False, timeout=15), CB)
    assert "code" in q, q


def test_max_age_zero_asks_again_and_an_old_sign_in_too(server, backend, accounts):
    s, _, _ = code_flow(server, accounts)
    ret = login_return(server, authorize(server, s, max_age="0"))
    assert "max_age" not in resumed(ret), ret
    sign_in(server, s, ret, accounts)
    q = redirected_to(s.get(server.issuer + ret, allow_redirects=False, timeout=15), CB)
    assert "code" in q, q
    # a generous max_age passes; after making the sign-in an hour old it does not
    assert "code" in redirected_to(authorize(server, s, max_age="3600"), CB)
    backend.query("UPDATE gateway_sessions SET auth_time = auth_time - 7200000")
    login_return(server, authorize(server, s, max_age="3600"))


def test_prompt_none_with_an_old_sign_in_is_login_required(server, backend, accounts):
    s, _, _ = code_flow(server, accounts)
    backend.query("UPDATE gateway_sessions SET auth_time = auth_time - 7200000")
    p = params(prompt="none", max_age="60")
    assert_error(authorize(server, s, query=urllib.parse.urlencode(p)), server,
                 "login_required", p["state"])


# ---- logout ------------------------------------------------------------------------------------

def id_token(server, accounts, aud="web", key=None, exp_in=-600):
    key = key or SigningKey.load(accounts.key_path)
    now = int(time.time())
    return key.token({"iss": server.issuer, "sub": accounts["frank"].id, "aud": aud,
                      "iat": now - 900, "exp": now + exp_in, "auth_time": now - 900})


def session_alive(server, s):
    """1 when the session still signs the user in (authorize answers with a code)."""
    r = authorize(server, s)
    return r.status_code == 303 and "code=" in r.headers["Location"]


def test_logout_with_a_registered_post_logout_uri_redirects_with_state(server, accounts):
    s, _, _ = code_flow(server, accounts)
    assert session_alive(server, s)
    r = s.get(server.issuer + "/oauth2/logout", allow_redirects=False, timeout=15,
              params={"id_token_hint": id_token(server, accounts),   # expired: fine
                      "post_logout_redirect_uri": BYE, "state": "bye-1"})
    assert location(r) == BYE + "?state=bye-1", r.headers
    assert not session_alive(server, s)


@pytest.mark.parametrize("case", ["unregistered", "other-client", "forged", "no-hint",
                                  "wrong-issuer"])
def test_logout_without_a_valid_hint_or_uri_signs_out_without_redirect(server, accounts,
                                                                       case):
    s, _, _ = code_flow(server, accounts)
    hint = id_token(server, accounts)
    uri = BYE
    if case == "unregistered":
        uri = "http://127.0.0.1:9/elsewhere"
    elif case == "other-client":
        hint = id_token(server, accounts, aud="other")
    elif case == "forged":
        hint = id_token(server, accounts, key=SigningKey.generate())
    elif case == "no-hint":
        hint = None
    elif case == "wrong-issuer":
        key = SigningKey.load(accounts.key_path)
        hint = key.token({"iss": "https://evil.example", "sub": "x", "aud": "web",
                          "iat": int(time.time()), "exp": int(time.time()) + 60})
    q = {"post_logout_redirect_uri": uri, "state": "s"}
    if hint:
        q["id_token_hint"] = hint
    r = s.get(server.issuer + "/oauth2/logout", params=q, allow_redirects=False,
              headers={"Accept": "text/html"}, timeout=15)
    assert r.status_code == 200 and "Location" not in r.headers, (r.status_code, r.headers)
    assert "Signed out" in r.text, r.text
    assert not session_alive(server, s)


def test_logout_by_post_form(server, accounts):
    s, _, _ = code_flow(server, accounts)
    r = s.post(server.issuer + "/oauth2/logout", allow_redirects=False, timeout=15,
               data={"id_token_hint": id_token(server, accounts, exp_in=600),
                     "post_logout_redirect_uri": BYE})
    assert location(r) == BYE, r.headers
    assert not session_alive(server, s)


def test_nothing_secret_in_the_log(server, accounts):
    text = open(server.error_log).read()
    for secret in accounts.secrets():
        assert secret not in text


def test_garbage_parameters_get_an_answer_never_a_5xx(server):
    rnd = secrets.SystemRandom()
    alphabet = "abc=&%+;/?#\\\"'<>\x7f " + "".join(chr(c) for c in range(0x21, 0x7f))
    names = list(params()) + ["prompt", "max_age", "code_challenge", "id_token_hint",
                              "post_logout_redirect_uri", "resume", "request_uri"]
    for i in range(150):
        pairs = []
        for _ in range(rnd.randint(0, 12)):
            name = rnd.choice(names) if rnd.random() < 0.7 else "".join(
                rnd.choice(alphabet) for _ in range(rnd.randint(0, 8)))
            value = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 60)))
            pairs.append("%s=%s" % (urllib.parse.quote(name) if rnd.random() < 0.8 else name,
                                    urllib.parse.quote(value) if rnd.random() < 0.8 else value))
        query = "&".join(pairs)
        path = rnd.choice(["/oauth2/authorize", "/oauth2/logout"])
        if rnd.random() < 0.5:
            r = requests.get(server.issuer + path + "?" + query, allow_redirects=False,
                             timeout=15)
        else:
            r = requests.post(server.issuer + path, data=query, allow_redirects=False,
                              timeout=15, headers={"Content-Type":
                                                   "application/x-www-form-urlencoded"})
        assert r.status_code in (200, 303, 400, 414), (path, query, r.status_code, r.text[:300])
        if r.status_code == 303:
            assert not r.headers["Location"].startswith("http://127.0.0.1:9/evil"), query
    log = open(server.error_log).read()
    assert not any(p in log for p in ("exit signal", "AddressSanitizer", "Segmentation"))
