"""The second factor with an authenticator app, through a real httpd, on SQLite and
PostgreSQL: an MFA user's /auth/login code is refused by /auth/token until
/auth/verify-otp trades it (with a TOTP code) for a normal one (docs/design.md section 7);
enrolment with /auth/create-qr-code, whose PNG is decoded here with zbarimg (Debian's
zbar-tools) to recover the secret, and the TOTP computed here with the standard library;
/auth/check-qr-code; row T-51 (each code once, window exactly +-1 step); five wrong codes
end a pending code; the old service's errors; `authsvc-admin user mfa`; and
AuthsvcMfaRequiredClients."""
import base64
import hashlib
import hmac
import os
import struct
import subprocess
import time
import urllib.parse

import pytest

from harness.accounts import add_users, provisioned
from harness.client import assert_envelope
from test_tokens import Api

STEP = 30


@pytest.fixture(scope="module")
def accounts(backend):
    with provisioned(backend, ["mfa-ann", "mfa-ben", "mfa-cid"]) as acc:
        for name in ("mfa-ann", "mfa-ben", "mfa-cid"):
            backend.admin().run("user", "mfa", "--username", name, "--required", "yes").check()
        yield acc


@pytest.fixture(scope="module")
def httpd_extra_config(accounts):
    return accounts.httpd_config() + ["AuthsvcMfaRequiredClients other",
                                      "AuthsvcMfaRequiredTenants t2",
                                      'AuthsvcTotpIssuer "Example Corp"']


@pytest.fixture(scope="module")
def api(client, accounts):
    return Api(client, accounts)


def totp(secret, t):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(t) // STEP), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = (struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000
    return "%06d" % value


def safe_now():
    """Now, at least 4 s before the end of its step, so a test does not straddle two."""
    t = time.time()
    if STEP - (t % STEP) < 4:
        time.sleep(STEP - (t % STEP) + 0.2)
        t = time.time()
    return t


def enrol(api, tmp_path, username):
    code = api.code(username)
    r = api.c.post_json("/auth/create-qr-code", {"code": code, "clientId": "web"})
    assert r.status == 200 and set(r.json) == {"qrCode"}, r
    url = r.json["qrCode"]
    prefix = "data:image/png;base64,"
    assert url.startswith(prefix), url[:40]
    png = base64.b64decode(url[len(prefix):])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    path = os.path.join(str(tmp_path), "%s.png" % username)
    with open(path, "wb") as f:
        f.write(png)
    out = subprocess.run(["zbarimg", "--raw", "-q", path], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    uri = urllib.parse.urlparse(out.stdout.strip())
    assert uri.scheme == "otpauth" and uri.netloc == "totp", out.stdout
    assert urllib.parse.unquote(uri.path) == "/Example Corp:%s" % username, uri.path
    q = urllib.parse.parse_qs(uri.query)
    assert q["issuer"] == ["Example Corp"] and q["digits"] == ["6"] and q["period"] == ["30"]
    secret = q["secret"][0]
    assert len(base64.b32decode(secret + "=" * (-len(secret) % 8))) == 20
    return code, secret


def verify(api, key, otp, **extra):
    return api.c.post_json("/auth/verify-otp", dict({"key": key, "otp": otp}, **extra))


def check_qr(api, code, client_id="web"):
    headers = {}
    if code is not None:
        headers["code"] = code
    if client_id is not None:
        headers["clientId"] = client_id
    return api.c.get("/auth/check-qr-code", headers=headers)


# ---- the whole login ------------------------------------------------------------------------

def test_mfa_user_logs_in_with_an_authenticator(api, accounts, tmp_path):
    pending = api.code("mfa-ann")
    assert_envelope(api.token(pending), 401, "UserVerificationFailed")
    assert_envelope(api.login("mfa-ann", path="/auth/login-token"), 401, "UserVerificationFailed")
    r = check_qr(api, pending)
    assert r.status == 200 and r.json == {"isGenerated": False}, r

    code, secret = enrol(api, tmp_path, "mfa-ann")
    assert check_qr(api, code).json == {"isGenerated": True}
    # a second enrolment is refused: re-enrol through the CLI
    r = api.c.post_json("/auth/create-qr-code", {"code": code, "clientId": "web"})
    assert_envelope(r, 409, "TotpAlreadyGenerated")

    t = safe_now()
    r = verify(api, code, totp(secret, t), clientId="web")
    assert r.status == 200 and set(r.json) == {"code"} and r.json["code"] != code, r
    pair = api.token(r.json["code"])
    assert pair.status == 200, pair
    me = api.me(pair.json["accessToken"])
    assert me.status == 200 and me.json["username"] == "mfa-ann", me
    # the pending code was spent; the normal code is single use like any other
    assert_envelope(verify(api, code, totp(secret, t + STEP)), 401, "OtpExpired")
    assert_envelope(api.token(code), 401, "UserVerificationFailed")


def test_each_code_once_and_window_of_one_step(api, tmp_path):
    """T-51"""
    _, secret = enrol(api, tmp_path, "mfa-ben")
    t = safe_now()
    for offset in (-2, 2):  # outside the window
        r = verify(api, api.code("mfa-ben"), totp(secret, t + offset * STEP))
        assert_envelope(r, 401, "OtpInvalid")
    for offset in (-1, 0, 1):  # inside, each step in turn
        r = verify(api, api.code("mfa-ben"), totp(secret, t + offset * STEP))
        assert r.status == 200, (offset, r)
    # replays: the same code again, and older steps after a newer one was used
    for offset in (1, 0, -1):
        r = verify(api, api.code("mfa-ben"), totp(secret, t + offset * STEP))
        assert_envelope(r, 401, "OtpInvalid")


def test_five_wrong_codes_end_the_pending_code(api, tmp_path):
    _, secret = enrol(api, tmp_path, "mfa-cid")
    t = safe_now()
    pending = api.code("mfa-cid")
    right = totp(secret, t)
    wrong = "%06d" % ((int(right) + 1) % 1000000)
    for _ in range(5):
        assert_envelope(verify(api, pending, wrong), 401, "OtpInvalid")
    assert_envelope(verify(api, pending, right), 401, "OtpExpired")
    # a fresh login still works with the right code
    assert verify(api, api.code("mfa-cid"), right).status == 200


# ---- errors as the old service ------------------------------------------------------------

def test_qr_code_errors(api):
    code = api.code("alice")
    cases = [({"code": code}, "ClientInvalid"),
             ({"code": code, "clientId": "no-such-client"}, "ClientInvalid"),
             ({"clientId": "web"}, "TokenInvalid"),
             ({"code": "0" * 64, "clientId": "web"}, "InvalidCredentials"),
             ({"code": code, "clientId": "other"}, "InvalidCredentials")]
    for body, error in cases:
        assert_envelope(api.c.post_json("/auth/create-qr-code", body), 401, error)
    assert_envelope(check_qr(api, code, client_id=None), 401, "ClientInvalid")
    assert_envelope(check_qr(api, None), 401, "TokenInvalid")
    assert_envelope(check_qr(api, "f" * 64), 401, "InvalidCredentials")


def test_verify_otp_errors(api):
    assert_envelope(verify(api, "0" * 64, "123456"), 401, "OtpExpired")
    # a user without an authenticator has nothing to check the code against
    assert_envelope(verify(api, api.code("alice"), "123456"), 401, "OtpExpired")
    assert_envelope(verify(api, api.code("alice"), "123456", clientId="other"), 401,
                    "ClientInvalid")
    r = api.c.post_json("/auth/verify-otp", {"key": "x"})
    assert_envelope(r, 422)


# ---- configuration and the CLI ------------------------------------------------------------

def test_client_that_requires_mfa(api):
    # bob logs in through "other", which AuthsvcMfaRequiredClients names
    pending = api.code("bob", client_id="other")
    assert_envelope(api.token(pending, client_id="other"), 401, "UserVerificationFailed")
    assert_envelope(api.login("bob", client_id="other", path="/auth/login-token"), 401,
                    "UserVerificationFailed")


def test_tenant_that_requires_mfa(api, backend):
    # a user whose (default) tenant is t2, which AuthsvcMfaRequiredTenants names
    password = "pw-" + os.urandom(8).hex()
    backend.admin().run("user", "add", "--username", "tee", "--tenant", "t2", "--role", "member",
                        "--client", "web", "--email", "tee@example.org", "--password-stdin",
                        input=password + "\n").check()
    body = {"client_id": "web", "client_secret": api.acc.client_secrets["web"],
            "username": "tee", "password": password}
    r = api.c.post_json("/auth/login", body)
    assert r.status == 200, r
    assert_envelope(api.token(r.json["code"]), 401, "UserVerificationFailed")
    assert_envelope(api.c.post_json("/auth/login-token", body), 401, "UserVerificationFailed")
    # t1 users through web are not concerned
    assert api.c.post_json("/auth/login-token", api.login_body("alice")).status == 200


def test_cli_resets_the_authenticator(api, backend, tmp_path):
    add_users(backend, api.acc, ["mfa-dee"])
    admin = backend.admin()
    out = admin.run("user", "mfa", "--username", "mfa-dee", "--required", "yes").check().stdout
    assert "second factor required" in out, out
    code, _ = enrol(api, tmp_path, "mfa-dee")
    out = admin.run("user", "mfa", "--username", "mfa-dee", "--required", "yes",
                    "--reset-authenticator").check().stdout
    assert "authenticator removed" in out, out
    assert check_qr(api, code).json == {"isGenerated": False}
    r = admin.run("user", "mfa", "--username", "mfa-dee", "--required", "maybe")
    assert r.returncode == 2 and "yes or no" in r.stderr, r
    r = admin.run("user", "mfa", "--username", "nobody", "--required", "no")
    assert r.returncode == 1 and "unknown user" in r.stderr, r
    out = admin.run("user", "mfa", "--username", "mfa-dee", "--required", "no").check().stdout
    assert "not required" in out
    r = api.c.post_json("/auth/login-token", api.login_body("mfa-dee"))
    assert r.status == 200, r
