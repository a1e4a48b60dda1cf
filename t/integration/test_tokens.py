"""Password login and the token lifecycle through a real httpd, on SQLite and PostgreSQL:
/auth/login, /auth/token, /auth/login-token, /auth/me, /auth/token-refresh, /logout,
/auth/switch-token, /auth/change-password and /.well-known/jwks.json (checked with the
openssl command line, not with our own code). Security rows: T-01, T-07, T-19, T-20,
T-22, T-24, T-25, T-26, T-28 (issuer part), T-29, T-30, T-39 (query token, no-store),
T-67 (secrets in the error log).

The database is provisioned by harness.accounts before httpd starts (signing key,
tenants t1/t2, clients web/other, users alice, bob, carol, dave, erin)."""
import base64
import hashlib
import json
import os
import re
import secrets
import subprocess
import threading
import time
import uuid

import pytest

from harness.accounts import add_users
from harness.client import assert_envelope, assert_json_headers
from harness.jose import b64u_decode, b64u_encode
from harness.jose import claims_of as jwt_payload
from harness.jose import header_of as jwt_header
from harness.jose import split as jwt_parts

HEX64 = re.compile(r"^[0-9a-f]{64}$")
ISO_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
# The profile keys of the old service's user object: present, null when empty.
PROFILE_KEYS = ("email", "firstName", "middleName", "lastName", "phone", "dob", "gender",
                "photoUrl", "designation")
REGISTERED_CLAIMS = ("iss", "aud", "exp", "iat", "jti")
ACCESS_TTL = 900  # the clients are created with the default access-token lifetime


# ---- fixtures ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def httpd_extra_config(accounts):
    return accounts.httpd_config()


@pytest.fixture(scope="module")
def api(client, accounts):
    return Api(client, accounts)


# ---- JWT pieces, written here so that nothing of the module checks itself ------------

def flip_char(segment, index):
    """segment with the character at index replaced by another base64url character
    (index well inside the segment, so the decoded bytes change)."""
    c = segment[index]
    repl = "B" if c != "B" else "C"
    return segment[:index] + repl + segment[index + 1:]


# ---- the client side of the API ------------------------------------------------------

def bearer(token):
    return {"Authorization": "Bearer " + token}


def assert_bearer_401(resp):
    """401 JSON envelope with WWW-Authenticate: Bearer error="invalid_token" (RFC 6750)."""
    assert_envelope(resp, 401)
    www = resp.header("WWW-Authenticate") or ""
    assert www.startswith("Bearer") and 'error="invalid_token"' in www, \
        "WWW-Authenticate %r: %r" % (www, resp)


def assert_error(resp, status, code, message):
    err = assert_envelope(resp, status, code)
    assert err["message"] == message, "message %r, expected %r: %r" % (err["message"], message, resp)
    return err


def assert_token_response(resp):
    assert resp.status == 200, resp
    assert_json_headers(resp)
    doc = resp.json
    assert isinstance(doc, dict) and set(doc) == {"accessToken", "refreshToken", "expires"}, resp
    assert isinstance(doc["accessToken"], str) and len(doc["accessToken"].split(".")) == 3, resp
    assert isinstance(doc["refreshToken"], str) and HEX64.match(doc["refreshToken"]), resp
    assert type(doc["expires"]) is int, resp
    return doc


class Api:
    """Calls of the token routes; remembers every secret it saw (for the log check)."""

    def __init__(self, client, accounts):
        self.c = client
        self.acc = accounts
        self.seen = []

    def note(self, *values):
        self.seen.extend(v for v in values if v)

    def login_body(self, username, password=None, client_id=None, secret=None):
        user = self.acc.users.get(username.lower())
        if client_id is None:
            client_id = user.clients[0]
        if password is None:
            password = user.password
        if secret is None:
            secret = self.acc.client_secrets.get(client_id, "no-such-secret")
        body = {"client_id": client_id, "username": username, "password": password}
        if secret is not False:
            body["client_secret"] = secret
        self.note(password)
        return body

    def login(self, username, path="/auth/login", **kw):
        r = self.c.post_json(path, self.login_body(username, **kw))
        if r.status == 200 and isinstance(r.json, dict):
            self.note(r.json.get("code"), r.json.get("accessToken"), r.json.get("refreshToken"))
        return r

    def code(self, username, **kw):
        r = self.login(username, **kw)
        assert r.status == 200, r
        assert_json_headers(r)
        assert isinstance(r.json, dict) and set(r.json) == {"code"}, r
        code = r.json["code"]
        assert isinstance(code, str) and len(code) >= 16, r
        return code

    def token(self, code, client_id="web", timeout=None):
        r = self.c.post_json("/auth/token", {"code": code, "clientId": client_id}, timeout=timeout)
        if r.status == 200 and isinstance(r.json, dict):
            self.note(r.json.get("accessToken"), r.json.get("refreshToken"))
        return r

    def session(self, username, **kw):
        """A fresh login through /auth/login-token: {accessToken, refreshToken, expires}."""
        return assert_token_response(self.login(username, path="/auth/login-token", **kw))

    def me(self, access_token, path="/auth/me"):
        return self.c.get(path, headers=bearer(access_token))

    def refresh(self, refresh_token, access_token=None, timeout=None, **extra):
        body = dict({"refreshToken": refresh_token}, **extra)
        r = self.c.post_json("/auth/token-refresh", body,
                             headers=bearer(access_token) if access_token else None,
                             timeout=timeout)
        if r.status == 200 and isinstance(r.json, dict):
            self.note(r.json.get("accessToken"), r.json.get("refreshToken"))
        return r

    def logout(self, body, access_token=None):
        return self.c.post_json("/logout", body,
                                headers=bearer(access_token) if access_token else None)

    def switch(self, body, access_token):
        r = self.c.post_json("/auth/switch-token", body, headers=bearer(access_token))
        if r.status == 200 and isinstance(r.json, dict):
            self.note(r.json.get("accessToken"), r.json.get("refreshToken"))
        return r

    def change_password(self, body, access_token):
        self.note(body.get("password"), body.get("oldPassword"))
        return self.c.request("PATCH", "/auth/change-password", body=body,
                              headers=bearer(access_token))

    def assert_live(self, access_token):
        r = self.me(access_token)
        assert r.status == 200, "access token refused: %r" % (r,)
        assert_json_headers(r)
        return r.json

    def assert_dead(self, access_token):
        assert_bearer_401(self.me(access_token))


def parallel(n, fn):
    """Runs fn(i) in n threads released together; returns the results in order."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = fn(i)
        except Exception as e:  # reported by the caller's asserts
            results[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


# ---- POST /auth/login ----------------------------------------------------------------

def test_login_returns_a_code(api):
    code = api.code("alice")
    # A second login gives another code.
    assert api.code("alice") != code


def test_login_wrong_secret_and_unknown_client_look_the_same(api, accounts):
    wrong = api.login("alice", secret=secrets.token_hex(32))
    assert_error(wrong, 401, "ClientVerificationFailed", "Client Verification Failed")
    unknown = api.login("alice", client_id="no-such-client", secret=accounts.client_secrets["web"])
    assert_error(unknown, 401, "ClientVerificationFailed", "Client Verification Failed")
    assert wrong.body == unknown.body, (wrong, unknown)
    # The other client's (genuine) secret is not this client's secret.
    swapped = api.login("alice", client_id="web", secret=accounts.client_secrets["other"])
    assert swapped.body == wrong.body and swapped.status == 401, swapped
    # A confidential client without its secret (T-22).
    missing = api.login("alice", secret=False)
    assert missing.status == 401 and missing.body == wrong.body, missing


def test_login_unknown_user_and_wrong_password_look_the_same(api):
    unknown = api.login("nobody-" + uuid.uuid4().hex[:8], client_id="web",
                        password="pw-" + secrets.token_hex(8))
    assert_error(unknown, 401, "InvalidCredentials", "Invalid Credentials")
    wrong = api.login("alice", password="pw-" + secrets.token_hex(8))
    assert_error(wrong, 401, "InvalidCredentials", "Invalid Credentials")
    assert unknown.body == wrong.body, (unknown, wrong)


def test_login_through_a_client_not_in_the_users_set(api):
    # bob may use "other" only, alice "web" only: exact membership.
    assert_error(api.login("bob", client_id="web"), 401, "ClientInvalid", "Client Invalid")
    assert_error(api.login("alice", client_id="other"), 401, "ClientInvalid", "Client Invalid")
    # ...while their own clients work.
    api.code("bob", client_id="other")
    api.code("alice", client_id="web")


def test_inactive_user_cannot_log_in(api):
    for path in ("/auth/login", "/auth/login-token"):
        r = api.login("carol", path=path)
        assert r.status != 200, r
        assert_envelope(r, 401)


def test_username_is_case_insensitive(api, accounts):
    for spelled in ("ALICE", "Alice", "aLiCe"):
        code = api.code(spelled)
        doc = assert_token_response(api.token(code))
        me = api.assert_live(doc["accessToken"])
        assert me["id"] == accounts["alice"].id, me
        assert me["username"].lower() == "alice", me


# ---- POST /auth/token ------------------------------------------------------------------

def test_code_exchange_gives_a_token_pair(api, accounts, server):
    code = api.code("alice")
    before_ms = int(time.time() * 1000)
    doc = assert_token_response(api.token(code))
    after_ms = int(time.time() * 1000)
    # expires: the access token's expiry in epoch milliseconds, exactly iat + the TTL
    # (900 s), iat being the second the token was issued in, within this exchange
    claims = jwt_payload(doc["accessToken"])
    assert claims["exp"] * 1000 == doc["expires"], (claims, doc["expires"])
    assert claims["exp"] - claims["iat"] == ACCESS_TTL, claims
    assert before_ms // 1000 <= claims["iat"] <= after_ms // 1000, (before_ms, claims, after_ms)
    assert claims["aud"] == "web" and claims["sub"] == accounts["alice"].id, claims
    assert claims["iss"] == server.issuer, claims
    api.assert_live(doc["accessToken"])


def test_code_reuse_is_refused_and_revokes_the_first_tokens(api):
    """T-19"""
    code = api.code("alice")
    first = assert_token_response(api.token(code))
    api.assert_live(first["accessToken"])
    again = api.token(code)
    assert_error(again, 401, "CodeExpired", "Code Expired")
    api.assert_dead(first["accessToken"])
    r = api.refresh(first["refreshToken"], first["accessToken"])
    assert_error(r, 401, "TokenExpired", "Token Expired")  # its family was revoked with it


def test_code_of_one_client_redeemed_by_another(api):
    """T-22"""
    code = api.code("alice", client_id="web")
    r = api.token(code, client_id="other")
    assert_envelope(r, 401)
    assert "accessToken" not in (r.json or {}), r


def test_code_with_unknown_client(api):
    code = api.code("alice")
    r = api.token(code, client_id="no-such-client")
    assert_error(r, 401, "ClientInvalid", "Client Invalid")


def test_unknown_code(api):
    r = api.token(secrets.token_urlsafe(32))
    assert_error(r, 401, "CodeExpired", "Code Expired")


def test_parallel_redemptions_of_one_code(api):
    """T-20: of 20 concurrent exchanges exactly one wins."""
    code = api.code("alice")
    results = parallel(20, lambda i: api.token(code, timeout=30))
    errors = [r for r in results if isinstance(r, Exception) or r is None]
    assert not errors, errors
    statuses = sorted(r.status for r in results)
    assert statuses.count(200) == 1, "statuses: %r" % statuses
    for r in results:
        if r.status == 200:
            assert_token_response(r)
        else:
            assert_error(r, 401, "CodeExpired", "Code Expired")


# ---- POST /auth/login-token --------------------------------------------------------------

def test_login_token_gives_a_token_pair(api, accounts):
    doc = api.session("alice")
    me = api.assert_live(doc["accessToken"])
    assert me["id"] == accounts["alice"].id, me
    # Same checks as /auth/login.
    assert_error(api.login("alice", path="/auth/login-token", password="pw-" + secrets.token_hex(8)),
                 401, "InvalidCredentials", "Invalid Credentials")
    assert_error(api.login("alice", path="/auth/login-token", secret=secrets.token_hex(32)),
                 401, "ClientVerificationFailed", "Client Verification Failed")
    assert_error(api.login("bob", path="/auth/login-token", client_id="web"),
                 401, "ClientInvalid", "Client Invalid")


# ---- GET /auth/me ----------------------------------------------------------------------

def test_me_shows_the_user_claims(api, accounts):
    doc = api.session("alice")
    me = api.assert_live(doc["accessToken"])
    alice = accounts["alice"]
    assert me["username"] == "alice", me
    assert me["id"] == alice.id, me
    assert me["tenantId"] == accounts.tenant_ids["t1"], me
    assert me.get("email") == "alice@example.org", me
    assert me.get("role") == "admin", me
    assert isinstance(me["permissions"], list) and "ViewLoginActivity" in me["permissions"], me
    present = [c for c in REGISTERED_CLAIMS if c in me]
    assert not present, "registered claims in /auth/me: %r" % present
    # bob's are bob's.
    bob = api.assert_live(api.session("bob")["accessToken"])
    assert bob["id"] == accounts["bob"].id and bob["username"] == "bob", bob


def test_me_answers_empty_profile_values_as_null(api, accounts):
    """Issue 14: every profile key is present, null when the user has no value (alice
    has an e-mail address and a first name only)."""
    me = api.assert_live(api.session("alice")["accessToken"])
    missing = [k for k in PROFILE_KEYS if k not in me]
    assert not missing, "profile keys missing from /auth/me: %r in %r" % (missing, me)
    assert me["email"] == "alice@example.org" and me["firstName"] == "Alice", me
    for key in ("middleName", "lastName", "phone", "dob", "gender", "photoUrl", "designation"):
        assert me[key] is None, "%s: %r" % (key, me)


def test_me_answers_last_login_as_iso_8601(api, accounts, backend):
    """Issue 14: lastLogin is the previous login's time as ISO 8601 UTC with milliseconds
    (like every other time the API answers), null before the first login."""
    (user,) = add_users(backend, accounts, ["lastlogin-%s" % secrets.token_hex(3)])
    first = api.assert_live(api.session(user.username)["accessToken"])
    assert "lastLogin" in first and first["lastLogin"] is None, first
    (stored,), = backend.query("SELECT last_login FROM users WHERE id = '%s'" % user.id)
    stored = int(stored)
    second = api.assert_live(api.session(user.username)["accessToken"])
    assert isinstance(second["lastLogin"], str) and ISO_MS.match(second["lastLogin"]), second
    assert second["lastLogin"] == time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(stored // 1000)) \
        + ".%03dZ" % (stored % 1000), (second["lastLogin"], stored)


def test_me_without_token(api):
    assert_bearer_401(api.c.get("/auth/me"))
    assert_bearer_401(api.c.get("/auth/me", headers={"Authorization": "Bearer"}))
    assert_bearer_401(api.c.get("/auth/me", headers={"Authorization": "Basic YWxpY2U6eA=="}))


def test_me_with_tampered_token(api):
    """T-07: one character changed in the header, the payload, the signature."""
    token = api.session("alice")["accessToken"]
    h, p, s = jwt_parts(token)
    variants = {
        "header": ".".join([flip_char(h, len(h) // 2), p, s]),
        "payload": ".".join([h, flip_char(p, len(p) // 2), s]),
        "signature": ".".join([h, p, flip_char(s, len(s) // 2)]),
        "signature-start": ".".join([h, p, flip_char(s, 1)]),
    }
    for name, bad in variants.items():
        assert bad != token
        r = api.me(bad)
        assert r.status == 401, "%s: %r" % (name, r)
        assert_bearer_401(r)
    # The genuine token still works: the 401s were for the changes.
    api.assert_live(token)


def test_me_with_alg_none(api):
    """T-01: our claims, alg none, empty signature."""
    token = api.session("alice")["accessToken"]
    header = jwt_header(token)
    payload = jwt_parts(token)[1]
    for hdr in ({"alg": "none", "typ": "JWT"}, dict(header, alg="none"), {"alg": "none"}):
        h = b64u_encode(json.dumps(hdr, separators=(",", ":")).encode())
        for sig in ("", jwt_parts(token)[2]):
            r = api.me("%s.%s.%s" % (h, payload, sig))
            assert r.status == 401, "%r %r: %r" % (hdr, sig[:8], r)
            assert_bearer_401(r)
    api.assert_live(token)


def test_access_token_in_query_is_ignored(api):
    """T-39: ?access_token= is no credential."""
    token = api.session("alice")["accessToken"]
    assert_bearer_401(api.c.get("/auth/me?access_token=" + token))
    api.assert_live(token)


# ---- /.well-known/jwks.json checked with openssl -----------------------------------------

def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def der(tag, content):
    return bytes([tag]) + der_len(len(content)) + content


def der_uint(value_bytes):
    v = value_bytes.lstrip(b"\x00") or b"\x00"
    if v[0] & 0x80:
        v = b"\x00" + v
    return der(0x02, v)


def rsa_spki_pem(n_b64u, e_b64u):
    """SubjectPublicKeyInfo (RFC 5280, RFC 8017 A.1.1) of an RSA JWK, in PEM."""
    rsa_public_key = der(0x30, der_uint(b64u_decode(n_b64u)) + der_uint(b64u_decode(e_b64u)))
    algorithm = bytes.fromhex("300d06092a864886f70d0101010500")  # rsaEncryption, NULL
    spki = der(0x30, algorithm + der(0x03, b"\x00" + rsa_public_key))
    body = base64.encodebytes(spki).decode("ascii").replace("\n", "")
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n" % "\n".join(lines)


def openssl_verify(tmpdir, pem, signing_input, signature):
    pub = os.path.join(tmpdir, "pub.pem")
    data = os.path.join(tmpdir, "data.bin")
    sig = os.path.join(tmpdir, "sig.bin")
    with open(pub, "w") as f:
        f.write(pem)
    with open(data, "wb") as f:
        f.write(signing_input)
    with open(sig, "wb") as f:
        f.write(signature)
    return subprocess.run(["openssl", "dgst", "-sha256", "-verify", pub, "-signature", sig, data],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=30)


def test_access_token_verifies_with_the_published_jwks(api, tmp_path):
    r = api.c.get("/.well-known/jwks.json")
    assert r.status == 200, r
    keys = r.json["keys"]
    assert isinstance(keys, list) and keys, r
    token = api.session("alice")["accessToken"]
    header = jwt_header(token)
    assert header.get("alg") == "RS256", header
    jwk = [k for k in keys if k.get("kid") == header.get("kid")]
    assert len(jwk) == 1, "kid %r not (once) in %r" % (header.get("kid"), keys)
    jwk = jwk[0]
    assert jwk["kty"] == "RSA", jwk
    assert not {"d", "p", "q", "dp", "dq", "qi", "k"} & set(jwk), "private parts published: %r" % jwk
    # kid = RFC 7638 thumbprint, computed here.
    canonical = json.dumps({"e": jwk["e"], "kty": "RSA", "n": jwk["n"]},
                           separators=(",", ":"), sort_keys=True).encode()
    assert jwk["kid"] == b64u_encode(hashlib.sha256(canonical).digest()), jwk

    pem = rsa_spki_pem(jwk["n"], jwk["e"])
    h, p, s = jwt_parts(token)
    signature = b64u_decode(s)
    ok = openssl_verify(str(tmp_path), pem, ("%s.%s" % (h, p)).encode(), signature)
    assert ok.returncode == 0 and "Verified OK" in ok.stdout, ok.stdout
    # The same check must fail for a tampered token.
    tampered_payload = flip_char(p, len(p) // 2)
    bad = openssl_verify(str(tmp_path), pem, ("%s.%s" % (h, tampered_payload)).encode(), signature)
    assert bad.returncode != 0 and "Verified OK" not in bad.stdout, bad.stdout
    bad_sig = bytearray(signature)
    bad_sig[len(bad_sig) // 2] ^= 0x01
    bad = openssl_verify(str(tmp_path), pem, ("%s.%s" % (h, p)).encode(), bytes(bad_sig))
    assert bad.returncode != 0 and "Verified OK" not in bad.stdout, bad.stdout


# ---- POST /auth/token-refresh ----------------------------------------------------------

def test_refresh_rotates_and_reuse_revokes_the_family(api, accounts):
    """T-24: rotation; a consumed refresh token presented again ends the family."""
    one = api.session("alice")
    two = assert_token_response(api.refresh(one["refreshToken"], one["accessToken"]))
    assert two["refreshToken"] != one["refreshToken"]
    assert two["accessToken"] != one["accessToken"]
    me = api.assert_live(two["accessToken"])
    assert me["id"] == accounts["alice"].id, me
    # The old pair is finished.
    api.assert_dead(one["accessToken"])
    reuse = api.refresh(one["refreshToken"], one["accessToken"])
    assert_envelope(reuse, 401)
    # ...and presenting it again revoked its successors.
    api.assert_dead(two["accessToken"])
    assert_envelope(api.refresh(two["refreshToken"], two["accessToken"]), 401)


def test_refresh_keeps_working_along_the_chain(api):
    pair = api.session("alice")
    for _ in range(3):
        pair = assert_token_response(api.refresh(pair["refreshToken"], pair["accessToken"]))
        api.assert_live(pair["accessToken"])


def test_refresh_takes_a_revoked_access_token_with_its_refresh_token(api, backend):
    # The access token's revocation is not the refresh token's: /auth/me refuses the
    # access token, token-refresh still rotates the pair it belongs to.
    pair = api.session("alice")
    jti = jwt_payload(pair["accessToken"])["jti"]
    now = int(time.time() * 1000)
    backend.query("INSERT INTO revoked_tokens (jti, expires_at, revoked_at) "
                  "VALUES ('%s', %d, %d)" % (jti, now + 3600 * 1000, now))
    r = api.me(pair["accessToken"])
    assert_error(r, 401, "TokenRevoked", r.json["error"]["message"])
    doc = assert_token_response(api.refresh(pair["refreshToken"], pair["accessToken"]))
    api.assert_live(doc["accessToken"])


def test_refresh_with_another_users_access_token(api):
    """T-26"""
    alice = api.session("alice")
    bob = api.session("bob", client_id="other")
    r = api.refresh(alice["refreshToken"], bob["accessToken"])
    assert_error(r, 401, "TokenInvalid", "Token Invalid")
    # Another session of the same user is not the one the token was issued with either.
    alice2 = api.session("alice")
    r = api.refresh(alice["refreshToken"], alice2["accessToken"])
    assert_error(r, 401, "TokenInvalid", "Token Invalid")


def test_refresh_without_access_token(api):
    pair = api.session("alice")
    r = api.refresh(pair["refreshToken"], None)
    assert_error(r, 401, "TokenInvalid", "Token Invalid")
    forged = pair["accessToken"][:-4] + ("AAAA" if not pair["accessToken"].endswith("AAAA") else "BBBB")
    r = api.refresh(pair["refreshToken"], forged)
    assert_error(r, 401, "TokenInvalid", "Token Invalid")


def test_refresh_unknown_token(api):
    pair = api.session("alice")
    r = api.refresh(secrets.token_hex(32), pair["accessToken"])
    assert_error(r, 401, "TokenExpired", "Token Expired")


def test_parallel_refreshes_of_one_token(api):
    """T-25: exactly one of 10 concurrent refreshes succeeds, never two live successors."""
    pair = api.session("alice")
    results = parallel(10, lambda i: api.refresh(pair["refreshToken"], pair["accessToken"],
                                                  timeout=30))
    errors = [r for r in results if isinstance(r, Exception) or r is None]
    assert not errors, errors
    statuses = sorted(r.status for r in results)
    assert statuses.count(200) == 1, "statuses: %r" % statuses
    successors = []
    for r in results:
        if r.status == 200:
            successors.append(assert_token_response(r))
        else:
            assert_envelope(r, 401)
    live = [s for s in successors if api.me(s["accessToken"]).status == 200]
    assert len(live) <= 1, live


def test_refresh_keeps_the_sessions_tenant(api, accounts):
    """A refresh without tenantId stays in the tenant the session is in (after a switch)."""
    pair = api.session("alice")
    switched = assert_token_response(api.switch(
        {"refreshToken": pair["refreshToken"], "tenantId": accounts.tenant_ids["t2"]},
        pair["accessToken"]))
    assert api.assert_live(switched["accessToken"])["tenantId"] == accounts.tenant_ids["t2"]
    again = assert_token_response(api.refresh(switched["refreshToken"], switched["accessToken"]))
    me = api.assert_live(again["accessToken"])
    assert me["tenantId"] == accounts.tenant_ids["t2"], me


# ---- POST /logout ------------------------------------------------------------------------

def test_logout_revokes_both_tokens(api, accounts):
    """T-28 (issuer part)"""
    pair = api.session("alice")
    api.assert_live(pair["accessToken"])
    r = api.logout({"refreshToken": pair["refreshToken"]}, pair["accessToken"])
    assert r.status == 200, r
    assert_json_headers(r)
    assert r.json == {"success": True, "key": accounts["alice"].id}, r
    api.assert_dead(pair["accessToken"])
    assert_envelope(api.refresh(pair["refreshToken"], pair["accessToken"]), 401)
    # Logging out again does not work either.
    assert_envelope(api.logout({"refreshToken": pair["refreshToken"]}, pair["accessToken"]), 401)


def test_logout_without_refresh_token(api):
    pair = api.session("alice")
    r = api.logout({}, pair["accessToken"])
    assert_error(r, 422, "TokenMissing", "Token Missing")
    api.assert_live(pair["accessToken"])


def test_logout_with_a_refresh_token_of_another_session(api):
    a = api.session("alice")
    b = api.session("alice")
    r = api.logout({"refreshToken": a["refreshToken"]}, b["accessToken"])
    assert_error(r, 401, "TokenInvalid", "Token Invalid")
    bob = api.session("bob", client_id="other")
    r = api.logout({"refreshToken": a["refreshToken"]}, bob["accessToken"])
    assert_error(r, 401, "TokenInvalid", "Token Invalid")
    # Nothing was revoked.
    api.assert_live(a["accessToken"])
    api.assert_live(b["accessToken"])
    api.assert_live(bob["accessToken"])
    assert_token_response(api.refresh(a["refreshToken"], a["accessToken"]))


def test_logout_with_unknown_refresh_token(api):
    pair = api.session("alice")
    r = api.logout({"refreshToken": secrets.token_hex(32)}, pair["accessToken"])
    assert_error(r, 401, "TokenExpired", "Token Expired")
    api.assert_live(pair["accessToken"])


def test_logout_without_bearer(api):
    pair = api.session("alice")
    assert_bearer_401(api.logout({"refreshToken": pair["refreshToken"]}))
    api.assert_live(pair["accessToken"])


# ---- POST /auth/switch-token --------------------------------------------------------------

def test_switch_token_without_tenant(api):
    pair = api.session("alice")
    r = api.switch({"refreshToken": pair["refreshToken"]}, pair["accessToken"])
    assert_envelope(r, 400)
    assert r.json["error"]["message"] == "Tenant ID is required", r
    api.assert_live(pair["accessToken"])


def test_switch_token_to_a_tenant_the_user_is_not_in(api, accounts):
    """T-30"""
    dave = api.session("dave")  # dave is in t1 only
    r = api.switch({"refreshToken": dave["refreshToken"], "tenantId": accounts.tenant_ids["t2"]},
                   dave["accessToken"])
    assert_envelope(r, 401)
    assert "accessToken" not in (r.json or {}), r
    alice = api.session("alice")
    r = api.switch({"refreshToken": alice["refreshToken"], "tenantId": str(uuid.uuid4())},
                   alice["accessToken"])
    assert_envelope(r, 401)
    # With another user's refresh token.
    r = api.switch({"refreshToken": alice["refreshToken"], "tenantId": accounts.tenant_ids["t2"]},
                   dave["accessToken"])
    assert_envelope(r, 401)
    # The refusals changed nothing.
    assert api.assert_live(dave["accessToken"])["tenantId"] == accounts.tenant_ids["t1"]
    api.assert_live(alice["accessToken"])


def test_switch_token_to_a_tenant_the_user_is_in(api, accounts):
    # alice's t2 membership is written with SQL by harness.accounts (see there).
    pair = api.session("alice")
    r = api.switch({"refreshToken": pair["refreshToken"], "tenantId": accounts.tenant_ids["t2"]},
                   pair["accessToken"])
    doc = assert_token_response(r)
    me = api.assert_live(doc["accessToken"])
    assert me["tenantId"] == accounts.tenant_ids["t2"], me
    assert me["id"] == accounts["alice"].id, me
    assert me.get("role") == "member", me
    assert "ViewLoginActivity" not in me["permissions"], me


def test_permissions_are_the_roles_plus_allowed_minus_denied(api, accounts, backend):
    # The role admin of t1 grants ViewLoginActivity; the user's own rows add one
    # permission and take the role's away. Every route that builds claims agrees.
    (user,) = add_users(backend, accounts, ["perms-%s" % secrets.token_hex(3)])
    rows = backend.query("SELECT id FROM user_tenants WHERE user_id = '%s'" % user.id)
    assert len(rows) == 1, rows
    now = int(time.time() * 1000)
    for permission, allowed in (("ExportReports", 1), ("ViewLoginActivity", 0)):
        backend.query("INSERT INTO user_permissions (user_tenant_id, permission, allowed, "
                      "created_at) VALUES ('%s', '%s', %d, %d)"
                      % (rows[0][0], permission, allowed, now))
    pair = api.session(user.username)
    assert api.assert_live(pair["accessToken"])["permissions"] == ["ExportReports"]
    doc = assert_token_response(api.token(api.code(user.username)))
    assert api.assert_live(doc["accessToken"])["permissions"] == ["ExportReports"]
    doc = assert_token_response(api.refresh(pair["refreshToken"], pair["accessToken"]))
    assert api.assert_live(doc["accessToken"])["permissions"] == ["ExportReports"]
    # alice has no rows of her own: the role's set
    assert api.assert_live(api.session("alice")["accessToken"])["permissions"] \
        == ["ViewLoginActivity"]


# ---- PATCH /auth/change-password ------------------------------------------------------------

def test_change_password_refusals(api, accounts):
    erin = accounts["erin"]
    s = api.session("erin")
    base = {"refreshToken": s["refreshToken"], "username": "erin"}
    new = "pw-" + secrets.token_hex(12)

    r = api.change_password(dict(base, password=new, oldPassword="pw-" + secrets.token_hex(8)),
                            s["accessToken"])
    assert_error(r, 401, "WrongPassword", "Incorrect Password")
    r = api.change_password(dict(base, password=erin.password, oldPassword=erin.password),
                            s["accessToken"])
    assert_envelope(r, 401)
    r = api.change_password(dict(base, username="alice", password=new,
                                 oldPassword=accounts["alice"].password), s["accessToken"])
    assert_envelope(r, 401)
    r = api.change_password(dict(base, password=new), s["accessToken"])
    assert_envelope(r, 422)
    r = api.c.request("PATCH", "/auth/change-password",
                      body=dict(base, password=new, oldPassword=erin.password))
    assert_bearer_401(r)
    # Nothing changed: the old password still logs in, the new one does not, the session lives.
    api.code("erin")
    assert_error(api.login("erin", password=new), 401, "InvalidCredentials", "Invalid Credentials")
    api.assert_live(s["accessToken"])


def test_change_password_ends_the_other_sessions(api, accounts):
    """T-29"""
    dave = accounts["dave"]
    old = dave.password
    other = api.session("dave")       # logged in before the change, elsewhere
    mine = api.session("dave")
    new = "pw-" + secrets.token_hex(12)
    r = api.change_password({"refreshToken": mine["refreshToken"], "username": "dave",
                             "password": new, "oldPassword": old}, mine["accessToken"])
    assert r.status == 200, r
    assert_json_headers(r)
    assert r.json == {"success": True}, r
    dave.password = new
    assert_error(api.login("dave", password=old), 401, "InvalidCredentials", "Invalid Credentials")
    api.code("dave", password=new)
    # The other session is over; the one that changed the password goes on.
    api.assert_dead(other["accessToken"])
    assert_envelope(api.refresh(other["refreshToken"], other["accessToken"]), 401)
    api.assert_live(mine["accessToken"])


# ---- headers and the log ------------------------------------------------------------------

def test_error_responses_are_not_cached(api):
    for r in (api.login("alice", secret=secrets.token_hex(32)),
              api.token(secrets.token_urlsafe(32)),
              api.c.get("/auth/me"),
              api.refresh(secrets.token_hex(32))):
        assert r.header("Cache-Control") == "no-store", r


def test_no_secret_in_the_error_log(api, accounts, server):
    """T-67 (part): after a full round of flows, the error log holds no password, client
    secret, code, refresh token or access token (nor a token's payload or signature)."""
    wrong = "pw-wrong-" + secrets.token_hex(8)
    api.note(wrong)
    api.login("alice", password=wrong)
    code = api.code("alice")
    pair = assert_token_response(api.token(code))
    api.token(code)  # reuse: logged as a warning
    pair = api.session("alice")
    pair2 = assert_token_response(api.refresh(pair["refreshToken"], pair["accessToken"]))
    api.refresh(pair["refreshToken"], pair["accessToken"])  # reuse: logged
    pair3 = api.session("alice")
    api.me(pair2["accessToken"][:-3] + "abc")
    api.logout({"refreshToken": pair3["refreshToken"]}, pair3["accessToken"])

    needles = set(accounts.secrets()) | set(api.seen)
    for token in list(needles):
        if token.count(".") == 2:
            needles.update(part for part in token.split(".")[1:] if len(part) >= 16)
    with open(server.error_log, errors="replace") as f:
        log = f.read()
    found = sorted({n[:12] + "..." for n in needles if n and n in log})
    assert not found, "secrets in %s: %r" % (server.error_log, found)
    assert len(needles) > 10  # the check had something to look for


# ---- purging (docs/design.md section 10) --------------------------------------------------

def test_admin_purge_deletes_only_what_expired(api, backend, accounts):
    s = api.session("alice")
    r = api.c.post_json("/logout", {"refreshToken": s["refreshToken"]},
                        headers=bearer(s["accessToken"]))
    assert r.status == 200, r
    live = api.session("alice")
    api.code("alice")
    now = int(time.time() * 1000)
    # age one row of each kind; a counter unused for two days
    backend.query("UPDATE revoked_tokens SET expires_at = 1 WHERE jti = (SELECT jti FROM "
                  "revoked_tokens ORDER BY revoked_at DESC LIMIT 1)")
    backend.query("UPDATE auth_codes SET expires_at = 1 WHERE code_hash = (SELECT code_hash "
                  "FROM auth_codes ORDER BY created_at DESC LIMIT 1)")
    backend.query("INSERT INTO login_attempts (scope, subject, failures, window_start, "
                  "locked_until) VALUES ('account', 'purge-me', 3, %d, 0), ('account', "
                  "'keep-me', 3, %d, 0)" % (now - 2 * 86400 * 1000, now))
    counts = lambda: {t: int(backend.query("SELECT count(*) FROM %s" % t)[0][0])
                      for t in ("revoked_tokens", "auth_codes", "login_attempts")}
    before = counts()
    out = backend.admin().run("purge").check().stdout
    assert re.match(r"purged 1 auth codes, \d+ refresh tokens, 1 revocations, 1 login "
                    r"counters$", out.strip()), out
    after = counts()
    assert {t: before[t] - after[t] for t in before} == {
        "revoked_tokens": 1, "auth_codes": 1, "login_attempts": 1}, (before, after)
    assert backend.query("SELECT subject FROM login_attempts WHERE subject LIKE '%-me'") == [
        ["keep-me"]]
    api.assert_live(live["accessToken"])


def test_login_updates_last_login(api, backend, accounts):
    user_id = accounts["erin"].id
    before = backend.query("SELECT COALESCE(last_login, 0) FROM users WHERE id = '%s'" % user_id)[0][0]
    start = int(time.time() * 1000)
    # the login completes when its code is exchanged
    assert api.token(api.code("erin")).status == 200
    after = backend.query("SELECT COALESCE(last_login, 0) FROM users WHERE id = '%s'" % user_id)[0][0]
    assert after and int(after) >= start - 1000 and after != before, (before, after)
    # a refused login does not move it
    assert_envelope(api.login("erin", password="wrong-" + secrets.token_hex(4)), 401)
    again = backend.query("SELECT COALESCE(last_login, 0) FROM users WHERE id = '%s'" % user_id)[0][0]
    assert again == after
