"""The OAuth 2.0 / OpenID Connect token side through a real httpd, on SQLite and
PostgreSQL: POST /oauth2/token (authorization_code with PKCE, refresh_token,
client_credentials; client_secret_basic, client_secret_post, public clients), the ID
token (its RS256 signature checked here with the JWK Set and the cryptography package,
not with our own code), GET/POST /oauth2/userinfo, POST /oauth2/revoke, POST
/oauth2/introspect, and the gateway accepting this surface's access tokens.

Codes: the authorization endpoint is another helper's work (branch oidc-authz), so the
codes this module redeems are made by inserting auth_codes rows directly into the
fixture's database (code_hash = SHA-256 hex of a code chosen here, with the redirect_uri,
scope, nonce, S256 challenge, auth_time and amr columns of migration 013), as
/oauth2/authorize will store them. The clients' OpenID Connect registrations are
inserted into oidc_clients the same way (the CLI for them is the other helper's too).

Clients: web (confidential; authorization_code refresh_token client_credentials), other
(confidential; authorization_code only), spa (public; authorization_code refresh_token
client_credentials, so that the public-client refusal of client_credentials is what is
tested), nogrant (confidential, no registration)."""
import base64
import hashlib
import json
import secrets
import shutil
import time
import urllib.parse

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from harness import util
from harness.accounts import add_users
from harness.jose import b64u_decode, claims_of, header_of

REDIRECT = "https://rp.example/cb"
SHMCB = [("socache_shmcb_module", "mod_socache_shmcb.so"),
         ("authz_user_module", "mod_authz_user.so")]


# ---- fixtures ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def docroot():
    root = util.make_docroot({"site/index.html": "PROTECTED-CONTENT site\n",
                              "svc/index.html": "PROTECTED-CONTENT svc\n"})
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def httpd_modules():
    return SHMCB, []


@pytest.fixture(scope="module")
def httpd_tail_config(docroot):
    return ['DocumentRoot "%s"' % docroot,
            '<Directory "%s">' % docroot, "    Require all granted", "</Directory>",
            "<Location /site>", "    SetHandler none", "    AuthType authsvc",
            "    Require valid-user", "</Location>",
            "<Location /svc>", "    SetHandler none", "    AuthType authsvc",
            "    AuthsvcGatewayUserClaim sub", "    Require valid-user", "</Location>"]


@pytest.fixture(scope="module")
def oidc(backend, accounts):
    admin = backend.admin()
    for client_id, extra in (("spa", ["--public"]), ("nogrant", [])):
        r = admin.run("client", "add", "--client-id", client_id, *extra).check()
        if client_id == "nogrant":
            accounts.client_secrets[client_id] = r.stdout.split("client_secret:")[1].split()[0]
    add_users(backend, accounts, ["pia"], clients=("web", "spa", "other", "nogrant"))
    for client_id, grants in (("web", "authorization_code refresh_token client_credentials"),
                              ("other", "authorization_code"),
                              ("spa", "authorization_code refresh_token client_credentials")):
        backend.query("INSERT INTO oidc_clients (client_id, grant_types, created_at, "
                      "updated_at) VALUES ('%s', '%s', 0, 0)" % (client_id, grants))
    return accounts


@pytest.fixture(scope="module")
def httpd_extra_config(accounts):
    return accounts.httpd_config()


@pytest.fixture(scope="module")
def op(client, backend, oidc, server):
    return Provider(client, backend, oidc, server)


# ---- helpers -----------------------------------------------------------------------

def basic(client_id, secret):
    raw = "%s:%s" % (urllib.parse.quote_plus(client_id), urllib.parse.quote_plus(secret))
    return {"Authorization": "Basic " + base64.b64encode(raw.encode()).decode()}


def bearer(token):
    return {"Authorization": "Bearer " + token}


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def s256(verifier):
    return b64u(hashlib.sha256(verifier.encode()).digest())


def form(**kw):
    return urllib.parse.urlencode({k: v for k, v in kw.items() if v is not None})


def assert_oauth_error(r, status, error):
    assert r.status == status, r
    assert r.header("Content-Type").startswith("application/json"), r
    assert r.header("Cache-Control") == "no-store", r
    body = r.json
    assert isinstance(body, dict) and body.get("error") == error, r
    assert set(body) <= {"error", "error_description"}, r  # never the old envelope


def verify_rs256(token, jwks):
    """The signature of token under the JWK of its kid, checked with cryptography."""
    head = header_of(token)
    assert head["alg"] == "RS256", head
    keys = [k for k in jwks["keys"] if k["kid"] == head["kid"]]
    assert len(keys) == 1, (head, jwks)
    n = int.from_bytes(b64u_decode(keys[0]["n"]), "big")
    e = int.from_bytes(b64u_decode(keys[0]["e"]), "big")
    public = rsa.RSAPublicNumbers(e, n).public_key()
    signing_input, signature = token.rsplit(".", 1)
    public.verify(b64u_decode(signature), signing_input.encode(), padding.PKCS1v15(),
                  hashes.SHA256())  # raises InvalidSignature


class Provider:
    def __init__(self, client, db, acc, server):
        self.c = client
        self.db = db
        self.acc = acc
        self.server = server

    def secret(self, client_id):
        return self.acc.client_secrets[client_id]

    def code(self, username="pia", client_id="web", redirect_uri=REDIRECT, challenge=None,
             scope="openid profile email", nonce="n-0S6_WzA2Mj", ttl_ms=60000, amr="pwd",
             auth_time_ms=None):
        """A code of the authorization endpoint, inserted as /oauth2/authorize stores it."""
        code = secrets.token_urlsafe(32)
        user = self.acc[username]
        tenant = self.acc.tenant_ids["t1"]
        ut = self.db.query("SELECT id FROM user_tenants WHERE user_id = '%s' AND "
                           "tenant_id = '%s'" % (user.id, tenant))[0][0]
        now = int(time.time() * 1000)

        def lit(v):
            return "NULL" if v is None else "'%s'" % v
        self.db.query(
            "INSERT INTO auth_codes (code_hash, client_id, user_id, tenant_id, user_tenant_id, "
            "mfa_pending, code_challenge, code_challenge_method, nonce, expires_at, created_at, "
            "redirect_uri, scope, auth_time, amr) VALUES ('%s', '%s', '%s', '%s', '%s', 0, %s, "
            "%s, %s, %d, %d, '%s', %s, %d, %s)"
            % (hashlib.sha256(code.encode()).hexdigest(), client_id, user.id, tenant, ut,
               lit(challenge), lit("S256" if challenge else None), lit(nonce), now + ttl_ms,
               now, redirect_uri, lit(scope),
               auth_time_ms if auth_time_ms is not None else now - 5000, lit(amr)))
        return code

    def token(self, body, headers=None, **kw):
        return self.c.post_form("/oauth2/token", body, headers=headers, **kw)

    def redeem(self, code, client_id="web", how="basic", redirect_uri=REDIRECT,
               verifier=None):
        if how == "basic":
            return self.token(form(grant_type="authorization_code", code=code,
                                   redirect_uri=redirect_uri, code_verifier=verifier),
                              basic(client_id, self.secret(client_id)))
        secret = self.secret(client_id) if how == "post" else None
        return self.token(form(grant_type="authorization_code", code=code,
                               redirect_uri=redirect_uri, code_verifier=verifier,
                               client_id=client_id, client_secret=secret))

    def tokens(self, **kw):
        r = self.redeem(self.code(**{k: v for k, v in kw.items()
                                     if k not in ("how", "verifier")}),
                        client_id=kw.get("client_id", "web"), how=kw.get("how", "basic"),
                        verifier=kw.get("verifier"))
        assert r.status == 200, r
        return r.json

    def refresh(self, refresh_token, client_id="web", scope=None):
        return self.token(form(grant_type="refresh_token", refresh_token=refresh_token,
                               scope=scope), basic(client_id, self.secret(client_id)))

    def me(self, access_token):
        return self.c.get("/auth/me", headers=bearer(access_token))

    def jwks(self):
        r = self.c.get("/.well-known/jwks.json")
        assert r.status == 200, r
        return r.json

    def userinfo(self, access_token, method="GET"):
        return self.c.request(method, "/oauth2/userinfo", headers=bearer(access_token))

    def revoke(self, token, client_id="web"):
        return self.c.post_form("/oauth2/revoke", form(token=token),
                                headers=basic(client_id, self.secret(client_id)))

    def introspect(self, token, client_id="web"):
        r = self.c.post_form("/oauth2/introspect", form(token=token),
                             headers=basic(client_id, self.secret(client_id)))
        assert r.status == 200, r
        return r.json


# ---- client authentication and the request's form -----------------------------------

def test_code_with_client_secret_basic(op):
    r = op.redeem(op.code(), how="basic")
    assert r.status == 200, r
    assert r.header("Cache-Control") == "no-store"
    t = r.json
    assert t["token_type"] == "Bearer"
    assert t["expires_in"] == 900
    assert t["scope"] == "openid profile email"
    assert {"access_token", "refresh_token", "id_token"} <= set(t), t
    # the service's usual access token, plus scope: /auth/me takes it
    assert claims_of(t["access_token"])["scope"] == "openid profile email"
    me = op.me(t["access_token"])
    assert me.status == 200 and me.json["username"] == "pia", me


def test_code_with_client_secret_post(op):
    r = op.redeem(op.code(), how="post")
    assert r.status == 200, r
    assert r.json["access_token"] and r.json["refresh_token"]


def test_both_methods_at_once_refused(op):
    code = op.code()
    r = op.token(form(grant_type="authorization_code", code=code, redirect_uri=REDIRECT,
                      client_secret=op.secret("web")), basic("web", op.secret("web")))
    assert_oauth_error(r, 400, "invalid_request")
    assert op.redeem(code).status == 200  # the refusal did not spend the code


def test_wrong_secret_is_invalid_client(op):
    code = op.code()
    r = op.token(form(grant_type="authorization_code", code=code, redirect_uri=REDIRECT),
                 basic("web", "not-the-secret"))
    assert_oauth_error(r, 401, "invalid_client")
    assert r.header("WWW-Authenticate").startswith("Basic")
    r = op.token(form(grant_type="authorization_code", code=code, redirect_uri=REDIRECT,
                      client_id="web", client_secret="not-the-secret"))
    assert_oauth_error(r, 401, "invalid_client")
    assert r.header("WWW-Authenticate") is None
    r = op.token(form(grant_type="authorization_code", code=code, redirect_uri=REDIRECT,
                      client_id="web"))  # a confidential client without its secret
    assert_oauth_error(r, 401, "invalid_client")
    r = op.token(form(grant_type="authorization_code", code=code, redirect_uri=REDIRECT),
                 basic("nosuchclient", "x"))
    assert_oauth_error(r, 401, "invalid_client")
    assert op.secret("web") not in open(op.server.error_log).read()


def test_only_form_bodies(op):
    r = op.c.post_json("/oauth2/token", {"grant_type": "client_credentials"},
                       headers=basic("web", op.secret("web")))
    assert_oauth_error(r, 400, "invalid_request")
    r = op.token("grant_type=client_credentials&grant_type=client_credentials",
                 basic("web", op.secret("web")))
    assert_oauth_error(r, 400, "invalid_request")
    r = op.token("scope=openid", basic("web", op.secret("web")))
    assert_oauth_error(r, 400, "invalid_request")  # no grant_type
    r = op.token("grant_type=password&username=pia&password=x",
                 basic("web", op.secret("web")))
    assert_oauth_error(r, 400, "unsupported_grant_type")
    r = op.c.get("/oauth2/token")
    assert r.status == 405, r


def test_client_without_registration_or_grant(op):
    r = op.redeem(op.code(client_id="nogrant"), client_id="nogrant")
    assert_oauth_error(r, 400, "unauthorized_client")
    r = op.token(form(grant_type="client_credentials"), basic("other", op.secret("other")))
    assert_oauth_error(r, 400, "unauthorized_client")


# ---- PKCE and public clients -------------------------------------------------------

def test_public_client_must_prove_pkce(op):
    verifier = secrets.token_urlsafe(48)  # 64 characters of the unreserved set
    challenge = s256(verifier)
    code = op.code(client_id="spa", challenge=challenge)
    r = op.redeem(code, client_id="spa", how="none")  # no verifier
    assert_oauth_error(r, 400, "invalid_grant")
    r = op.redeem(code, client_id="spa", how="none", verifier=secrets.token_urlsafe(48))
    assert_oauth_error(r, 400, "invalid_grant")
    # "plain": the challenge itself as the verifier
    r = op.redeem(code, client_id="spa", how="none", verifier=challenge)
    assert_oauth_error(r, 400, "invalid_grant")
    r = op.redeem(code, client_id="spa", how="none", verifier="short")
    assert_oauth_error(r, 400, "invalid_grant")
    r = op.redeem(code, client_id="spa", how="none", verifier=verifier)
    assert r.status == 200, r
    assert r.json["refresh_token"] and r.json["id_token"]
    assert claims_of(r.json["id_token"])["aud"] == "spa"


def test_public_client_without_challenge_refused(op):
    r = op.redeem(op.code(client_id="spa"), client_id="spa", how="none")
    assert_oauth_error(r, 400, "invalid_grant")


def test_public_client_sending_a_secret_refused(op):
    verifier = secrets.token_urlsafe(48)
    code = op.code(client_id="spa", challenge=s256(verifier))
    r = op.token(form(grant_type="authorization_code", code=code, redirect_uri=REDIRECT,
                      code_verifier=verifier, client_id="spa", client_secret="anything"))
    assert_oauth_error(r, 401, "invalid_client")


def test_confidential_client_with_pkce(op):
    verifier = secrets.token_urlsafe(96)[:128]
    code = op.code(challenge=s256(verifier))
    assert_oauth_error(op.redeem(code, verifier=verifier[:-1]), 400, "invalid_grant")
    assert op.redeem(code, verifier=verifier).status == 200


# ---- codes -------------------------------------------------------------------------

def test_redirect_uri_must_be_identical(op):
    code = op.code()
    assert_oauth_error(op.redeem(code, redirect_uri=REDIRECT + "/"), 400, "invalid_grant")
    assert_oauth_error(op.redeem(code, redirect_uri="https://RP.example/cb"), 400,
                       "invalid_grant")
    assert_oauth_error(op.redeem(code, redirect_uri=None), 400, "invalid_request")
    assert op.redeem(code).status == 200


def test_code_of_another_client_refused(op):
    code = op.code(client_id="other")
    assert_oauth_error(op.redeem(code, client_id="web"), 400, "invalid_grant")


def test_code_reuse_revokes_the_first_tokens(op):
    code = op.code()
    first = op.redeem(code)
    assert first.status == 200, first
    t = first.json
    assert op.me(t["access_token"]).status == 200
    again = op.redeem(code)
    assert_oauth_error(again, 400, "invalid_grant")
    assert op.me(t["access_token"]).status == 401
    assert_oauth_error(op.refresh(t["refresh_token"]), 400, "invalid_grant")
    assert op.introspect(t["access_token"]) == {"active": False}


def test_expired_code_refused(op):
    code = op.code(ttl_ms=-1000)
    assert_oauth_error(op.redeem(code), 400, "invalid_grant")
    assert_oauth_error(op.redeem("no-such-code"), 400, "invalid_grant")


def test_codes_of_the_two_surfaces_stay_apart(op):
    acc = op.acc
    r = op.c.post_json("/auth/login", {"client_id": "web", "client_secret": op.secret("web"),
                                       "username": "pia", "password": acc["pia"].password})
    assert r.status == 200, r
    old_code = r.json["code"]
    assert_oauth_error(op.redeem(old_code), 400, "invalid_grant")
    ours = op.code()
    r = op.c.post_json("/auth/token", {"code": ours, "clientId": "web"})
    assert 400 <= r.status < 500, r
    assert "accessToken" not in (r.json or {})
    # each still works on its own surface
    r = op.c.post_json("/auth/token", {"code": old_code, "clientId": "web"})
    assert r.status == 200, r
    assert op.redeem(ours).status == 200


def test_login_activity_recorded(op):
    def count(kind):
        return int(op.db.query("SELECT COUNT(*) FROM login_activity WHERE actor = '%s' AND "
                               "login_type = '%s' AND client_id = 'web'"
                               % (op.acc["pia"].id, kind))[0][0])
    access, relogin = count("ACCESS"), count("RELOGIN")
    t = op.tokens()
    assert count("ACCESS") == access + 1
    assert op.refresh(t["refresh_token"]).status == 200
    assert count("RELOGIN") == relogin + 1
    assert_oauth_error(op.redeem("no-such-code"), 400, "invalid_grant")
    assert count("ACCESS") == access + 1


# ---- refresh -----------------------------------------------------------------------

def test_refresh_rotation_and_reuse_detection(op):
    t = op.tokens(amr="pwd otp mfa", auth_time_ms=1700000000000)
    r = op.refresh(t["refresh_token"])
    assert r.status == 200, r
    t2 = r.json
    assert t2["refresh_token"] != t["refresh_token"]
    assert t2["access_token"] != t["access_token"]
    assert t2["scope"] == "openid profile email"
    idt = claims_of(t2["id_token"])
    assert idt["auth_time"] == 1700000000 and idt["amr"] == ["pwd", "otp", "mfa"], idt
    assert "nonce" not in idt
    verify_rs256(t2["id_token"], op.jwks())
    # the rotated access token is revoked, the new one works
    assert op.me(t["access_token"]).status == 401
    assert op.me(t2["access_token"]).status == 200
    # the old refresh token again: refused, and the whole family ends
    assert_oauth_error(op.refresh(t["refresh_token"]), 400, "invalid_grant")
    assert_oauth_error(op.refresh(t2["refresh_token"]), 400, "invalid_grant")
    assert op.me(t2["access_token"]).status == 401


def test_refresh_same_client_only_and_scope_within(op):
    t = op.tokens()
    assert_oauth_error(op.refresh(t["refresh_token"], client_id="other"), 400,
                       "unauthorized_client")  # other may not use refresh_token at all
    verifier = secrets.token_urlsafe(48)
    spa = op.tokens(client_id="spa", challenge=s256(verifier), how="none", verifier=verifier)
    r = op.refresh(spa["refresh_token"], client_id="web")
    assert_oauth_error(r, 400, "invalid_grant")
    r = op.refresh(t["refresh_token"], scope="openid admin")
    assert_oauth_error(r, 400, "invalid_scope")
    r = op.refresh(t["refresh_token"], scope="openid")
    assert r.status == 200, r
    assert r.json["scope"] == "openid"
    assert "email" not in claims_of(r.json["id_token"])
    # a public client refreshes with its client_id alone
    r = op.token(form(grant_type="refresh_token", refresh_token=spa["refresh_token"],
                      client_id="spa"))
    assert r.status == 200, r


def test_no_refresh_token_without_the_grant(op):
    t = op.tokens(client_id="other")
    assert "refresh_token" not in t and t["id_token"], t


def test_old_refresh_tokens_refused_here(op):
    r = op.c.post_json("/auth/login-token", {"client_id": "web",
                                             "client_secret": op.secret("web"),
                                             "username": "pia",
                                             "password": op.acc["pia"].password})
    assert r.status == 200, r
    assert_oauth_error(op.refresh(r.json["refreshToken"]), 400, "invalid_grant")


# ---- client_credentials -------------------------------------------------------------

def test_client_credentials(op):
    r = op.token(form(grant_type="client_credentials", scope="profile"),
                 basic("web", op.secret("web")))
    assert r.status == 200, r
    t = r.json
    assert set(t) == {"access_token", "token_type", "expires_in", "scope"}, t
    c = claims_of(t["access_token"])
    assert c["sub"] == "web" and c["aud"] == "web" and c["client_id"] == "web", c
    assert c["scope"] == "profile" and c["iss"] == op.server.issuer
    assert "username" not in c
    r = op.token(form(grant_type="client_credentials", client_id="web",
                      client_secret=op.secret("web")))
    assert r.status == 200 and "scope" not in r.json, r
    r = op.token(form(grant_type="client_credentials", scope="openid admin"),
                 basic("web", op.secret("web")))
    assert_oauth_error(r, 400, "invalid_scope")
    r = op.token(form(grant_type="client_credentials", client_id="spa"))
    assert_oauth_error(r, 400, "unauthorized_client")
    # the service's routes take it (no user behind it), UserInfo does not
    me = op.me(t["access_token"])
    assert me.status == 200 and me.json["client_id"] == "web", me
    assert op.userinfo(t["access_token"]).status == 401


# ---- the ID token ------------------------------------------------------------------

def test_id_token_claims_and_signature(op):
    auth_ms = int(time.time() * 1000) - 30000
    t = op.tokens(nonce="nonce-42", amr="pwd", auth_time_ms=auth_ms)
    verify_rs256(t["id_token"], op.jwks())
    c = claims_of(t["id_token"])
    now = time.time()
    assert c["iss"] == op.server.issuer
    assert c["aud"] == "web"
    assert c["sub"] == op.acc["pia"].id
    assert c["nonce"] == "nonce-42"
    assert c["auth_time"] == auth_ms // 1000
    assert c["amr"] == ["pwd"] and c["acr"] == "1"
    assert now - 120 < c["iat"] <= now + 5 and c["exp"] == c["iat"] + 900
    digest = hashlib.sha256(t["access_token"].encode()).digest()
    assert c["at_hash"] == b64u(digest[:16])
    assert c["email"] == "pia@example.org"
    assert c["preferred_username"] == "pia" and c["given_name"] == "Pia"
    assert c["name"] == "Pia" and isinstance(c["updated_at"], int)
    # a second factor shows in amr and acr; no openid, no ID token
    c2 = claims_of(op.tokens(amr="pwd otp mfa")["id_token"])
    assert c2["amr"] == ["pwd", "otp", "mfa"] and c2["acr"] == "2"
    t3 = op.tokens(scope="profile")
    assert "id_token" not in t3 and t3["scope"] == "profile"
    # a tampered ID token does not verify
    head, body, sig = t["id_token"].split(".")
    forged = json.loads(b64u_decode(body))
    forged["sub"] = "someone-else"
    with pytest.raises(Exception):
        verify_rs256("%s.%s.%s" % (head, b64u(json.dumps(forged).encode()), sig), op.jwks())


# ---- UserInfo ----------------------------------------------------------------------

def test_userinfo_by_scope(op):
    sub = op.acc["pia"].id
    r = op.userinfo(op.tokens(scope="openid")["access_token"])
    assert r.status == 200 and r.json == {"sub": sub}, r
    r = op.userinfo(op.tokens(scope="openid email")["access_token"], method="POST")
    assert r.status == 200 and r.json == {"sub": sub, "email": "pia@example.org"}, r
    r = op.userinfo(op.tokens(scope="openid profile")["access_token"])
    assert r.status == 200 and r.json["preferred_username"] == "pia", r
    assert "email" not in r.json
    r = op.userinfo(op.tokens(scope="profile")["access_token"])  # not an OpenID request
    assert r.status == 401


def test_userinfo_refusals(op):
    r = op.c.get("/oauth2/userinfo")
    assert r.status == 401 and r.header("WWW-Authenticate") == "Bearer", r
    r = op.userinfo("not.a.token")
    assert r.status == 401, r
    assert r.header("WWW-Authenticate") == 'Bearer error="invalid_token"'
    t = op.tokens()
    assert op.revoke(t["access_token"]).status == 200
    r = op.userinfo(t["access_token"])
    assert r.status == 401 and 'error="invalid_token"' in r.header("WWW-Authenticate"), r


def test_userinfo_with_an_old_surface_token(op):
    r = op.c.post_json("/auth/login-token", {"client_id": "web",
                                             "client_secret": op.secret("web"),
                                             "username": "pia",
                                             "password": op.acc["pia"].password})
    assert r.status == 200, r
    u = op.userinfo(r.json["accessToken"])
    assert u.status == 200, u
    assert u.json["sub"] == op.acc["pia"].id and u.json["email"] == "pia@example.org", u


# ---- revocation and introspection ---------------------------------------------------

def test_revoke_refresh_token_ends_its_family(op):
    t = op.tokens()
    r = op.revoke(t["refresh_token"])
    assert r.status == 200, r
    assert_oauth_error(op.refresh(t["refresh_token"]), 400, "invalid_grant")
    assert op.me(t["access_token"]).status == 401


def test_revoke_access_token(op):
    t = op.tokens()
    assert op.revoke(t["access_token"]).status == 200
    assert op.me(t["access_token"]).status == 401
    assert op.refresh(t["refresh_token"]).status == 200  # only the jti was revoked


def test_revoke_unknown_or_another_clients_token(op):
    t = op.tokens()
    assert op.revoke("no-such-token").status == 200
    assert op.revoke(t["access_token"], client_id="other").status == 200
    assert op.revoke(t["refresh_token"], client_id="other").status == 200
    assert op.me(t["access_token"]).status == 200
    assert op.refresh(t["refresh_token"]).status == 200
    r = op.c.post_form("/oauth2/revoke", form(token=t["access_token"]),
                       headers=basic("web", "wrong"))
    assert_oauth_error(r, 401, "invalid_client")
    r = op.c.post_form("/oauth2/revoke", "", headers=basic("web", op.secret("web")))
    assert_oauth_error(r, 400, "invalid_request")


def test_introspection(op):
    t = op.tokens(scope="openid email")
    a = op.introspect(t["access_token"])
    assert a["active"] is True and a["scope"] == "openid email", a
    assert a["client_id"] == "web" and a["sub"] == op.acc["pia"].id
    assert a["iss"] == op.server.issuer and a["token_type"] == "Bearer"
    assert a["exp"] > a["iat"] > 0
    rt = op.introspect(t["refresh_token"], client_id="other")
    assert rt["active"] is True and rt["token_type"] == "refresh_token", rt
    assert rt["client_id"] == "web" and rt["scope"] == "openid email"
    assert rt["exp"] > rt["iat"] > 0 and rt["sub"] == op.acc["pia"].id
    cc = op.token(form(grant_type="client_credentials"), basic("web", op.secret("web")))
    c = op.introspect(cc.json["access_token"], client_id="other")
    assert c["active"] is True and c["sub"] == "web" and c["client_id"] == "web", c
    assert op.introspect("garbage") == {"active": False}
    assert op.revoke(t["refresh_token"]).status == 200
    assert op.introspect(t["refresh_token"]) == {"active": False}
    assert op.introspect(t["access_token"]) == {"active": False}
    assert op.revoke(cc.json["access_token"]).status == 200
    assert op.introspect(cc.json["access_token"]) == {"active": False}
    r = op.c.post_form("/oauth2/introspect", form(token=t["access_token"]))
    assert_oauth_error(r, 401, "invalid_client")
    r = op.c.post_form("/oauth2/introspect", form(token=t["access_token"], client_id="spa"))
    assert_oauth_error(r, 401, "invalid_client")  # a public client learns nothing


# ---- the gateway -------------------------------------------------------------------

def test_gateway_accepts_this_surfaces_tokens(op):
    t = op.tokens()
    r = op.c.get("/site/index.html", headers=bearer(t["access_token"]))
    assert r.status == 200 and b"PROTECTED-CONTENT site" in r.body, r
    cc = op.token(form(grant_type="client_credentials"), basic("web", op.secret("web")))
    token = cc.json["access_token"]
    # no username claim: the default user claim finds no user, so valid-user refuses
    assert op.c.get("/site/index.html", headers=bearer(token)).status == 401
    # a location that takes sub as the user sees the client as its user
    r = op.c.get("/svc/index.html", headers=bearer(token))
    assert r.status == 200 and b"PROTECTED-CONTENT svc" in r.body, r
    assert op.revoke(token).status == 200
    assert op.c.get("/svc/index.html", headers=bearer(token)).status == 401


# ---- garbage -----------------------------------------------------------------------

def test_garbage_gets_oauth_errors(op):
    """300 random requests to the four routes: every answer a 4xx §5.2 JSON error (or 200
    where a garbage token is simply not active / not revoked), never a 5xx, never the
    old envelope."""
    import random
    rng = random.Random(20261205)
    names = ["grant_type", "code", "redirect_uri", "code_verifier", "refresh_token", "scope",
             "client_id", "client_secret", "token", "token_type_hint", "x"]
    values = ["", "authorization_code", "refresh_token", "client_credentials", "web", "spa",
              "%00", "%zz", "a" * 5000, "\u00e9", "+", "%2B", REDIRECT, "openid"]
    auths = [None, "Basic", "Basic !!!", "Basic " + base64.b64encode(b"web").decode(),
             "Basic " + base64.b64encode(b"web:wrong").decode(),
             "Basic " + base64.b64encode(b"%zz:%00").decode(), "Bearer x.y.z", "Digest a"]
    types = ["application/x-www-form-urlencoded", "application/json", None, "text/plain",
             "application/x-www-form-urlencoded; charset=latin1"]
    for i in range(300):
        path = rng.choice(["/oauth2/token", "/oauth2/revoke", "/oauth2/introspect",
                           "/oauth2/userinfo"])
        pairs = [(rng.choice(names), rng.choice(values)) for _ in range(rng.randint(0, 5))]
        body = "&".join("%s=%s" % (k, v if rng.random() < 0.5 else urllib.parse.quote(v))
                        for k, v in pairs)
        auth = rng.choice(auths)
        r = op.c.request("POST", path, body=body, content_type=rng.choice(types),
                         headers={"Authorization": auth} if auth else None)
        what = "#%d %s %r auth=%r -> %r" % (i, path, body[:100], auth, r)
        assert r.status < 500, what
        if r.status == 200:
            assert path in ("/oauth2/revoke", "/oauth2/introspect"), what
            continue
        assert r.status in (400, 401, 413), what
        assert isinstance(r.json, dict) and isinstance(r.json.get("error"), str), what
        assert "statusCode" not in json.dumps(r.json), what
