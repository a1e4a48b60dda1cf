"""Attacks on the JWT access tokens and the bearer header, through a real httpd on SQLite
and PostgreSQL: docs/security-model.md rows T-01 (API part), T-02 to T-09, T-10 (API part),
T-12 to T-16 and T-18.

Every forged token carries the claims of a genuine access token (alice's, decoded from
the server's answer) and, where the attack needs a valid signature, is signed with the
harness's own copy of the server's key (harness.accounts writes it; an ES256 key is
added as a second AuthsvcSigningKey for T-15). Each test also shows that a correctly
signed token with the same claims is accepted, so that a refusal means what it says.
Tokens are built by harness.jose (python3-cryptography), never by the module."""
import base64
import http.server
import json
import os
import shutil
import threading
import time
import types
import uuid

import pytest

from harness import jose, util
from harness.accounts import provision
from harness.client import HttpClient, assert_envelope, raw_exchange
from harness.httpd import HttpdServer
from test_tokens import Api, assert_bearer_401, assert_token_response, bearer

LEEWAY = 60  # AuthsvcTokenLeeway's default; this module's server does not set it
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
FIELD_LIMIT = 128 * 1024  # LimitRequestFieldSize of this module's httpd
TIME_LIMIT = 2.0  # docs/design.md section 13: at most 2 s and no 5xx


# ---- fixtures ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def accounts(backend):
    workdir = util.make_tempdir("authsvc-accounts-%s-" % backend.kind)
    try:
        acc = provision(backend, workdir)
        acc.es256_path = os.path.join(workdir, "es256.pem")
        backend.admin().run("key", "generate", "--alg", "ES256", "--out",
                            acc.es256_path).check()
        yield acc
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def httpd_extra_config(accounts):
    # The RSA key signs; the ES256 key only verifies (and is published). httpd's own
    # limit on a header field (8190 bytes) is raised, so that the oversized tokens and
    # headers of T-05 and T-18 reach the module instead of being refused by httpd.
    return accounts.httpd_config() + ['AuthsvcSigningKey "%s"' % accounts.es256_path,
                                      "LimitRequestFieldSize %d" % FIELD_LIMIT]


@pytest.fixture(scope="module")
def httpd_modules():
    return [("proxy_module", "mod_proxy.so"), ("proxy_http_module", "mod_proxy_http.so"),
            ("socache_shmcb_module", "mod_socache_shmcb.so"),
            ("authz_user_module", "mod_authz_user.so")], []


@pytest.fixture(scope="module")
def httpd_tail_config(echo):
    # A gateway location in front of the echo backend: it verifies tokens as the API does.
    return ["ProxyPass /gw http://127.0.0.1:%d/gw" % echo.port,
            "<Location /gw>", "    SetHandler none", "    AuthType authsvc",
            "    Require valid-user", "</Location>"]


@pytest.fixture(scope="module")
def api(client, accounts):
    return Api(client, accounts)


@pytest.fixture(scope="module")
def rsa_key(accounts):
    return jose.SigningKey.load(accounts.key_path)


@pytest.fixture(scope="module")
def es_key(accounts):
    return jose.SigningKey.load(accounts.es256_path)


@pytest.fixture(scope="module")
def attacker():
    return jose.SigningKey.generate("RS256")


@pytest.fixture(scope="module")
def genuine(api):
    """A live session of alice that no test ends."""
    return api.session("alice")


@pytest.fixture(scope="module")
def claims(genuine):
    return jose.claims_of(genuine["accessToken"])


# ---- helpers -------------------------------------------------------------------------

def refused(api, token, what):
    """GET /auth/me with token answers the bearer 401 (RFC 6750 §3)."""
    api.note(token)
    r = api.me(token)
    assert r.status == 401, "%s was accepted: %r" % (what, r)
    assert_bearer_401(r)


def accepted(api, token, what="the correctly signed token"):
    api.note(token)
    r = api.me(token)
    assert r.status == 200, "%s was refused: %r" % (what, r)
    return r.json


def gateway_refused(api, token, what):
    """GET /gw/x (the gateway location) with token answers the bearer 401."""
    api.note(token)
    r = api.c.get("/gw/x", headers=bearer(token))
    assert r.status == 401, "the gateway accepted %s: %r" % (what, r)
    assert_bearer_401(r)


def gateway_accepted(api, token, what="the correctly signed token"):
    api.note(token)
    r = api.c.get("/gw/x", headers=bearer(token))
    assert r.status == 200 and r.json["content"] == "BACKEND-CONTENT", \
        "the gateway refused %s: %r" % (what, r)


def without(claims, name):
    return {k: v for k, v in claims.items() if k != name}


def b64u(data):
    return jose.b64u_encode(data)


def with_signature(token, signature):
    """token with its signature segment replaced (bytes are encoded, str taken as is)."""
    h, p, _ = jose.split(token)
    return "%s.%s.%s" % (h, p, b64u(signature) if isinstance(signature, bytes) else signature)


class RecordingListener:
    """A loopback HTTP server that would serve an attacker's JWKS and certificate and
    records every connection and request: the server must never fetch jku or x5u."""

    def __init__(self, documents):
        self.connections = []
        self.requests = []
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                listener.requests.append(self.path)
                body = documents.get(self.path, b"")
                self.send_response(200 if body else 404)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            def verify_request(self, request, client_address):
                listener.connections.append(client_address)
                return True

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


# ---- the foundation: the harness signs as the server does ------------------------------

def test_harness_key_is_the_servers_key(api, rsa_key, genuine, claims):
    header = jose.header_of(genuine["accessToken"])
    assert header == {"alg": "RS256", "typ": "JWT", "kid": rsa_key.kid}, header
    accepted(api, rsa_key.token(claims), "the re-signed genuine claims")
    # A fresh jti is no problem either: the server keeps no list of issued access tokens.
    accepted(api, rsa_key.token(dict(claims, jti=str(uuid.uuid4()))), "a fresh jti")


def test_es256_key_verifies(api, es_key, claims):
    jwks = api.c.get("/.well-known/jwks.json").json["keys"]
    assert es_key.kid in [k["kid"] for k in jwks], jwks
    accepted(api, es_key.token(claims), "an ES256 token of the second key")


# ---- T-01, T-02: alg -----------------------------------------------------------------------

MISSING = object()
ALG_VARIANTS = {
    "none": "none", "None": "None", "NONE": "NONE", "nOnE": "nOnE", "missing": MISSING,
    "number": 256, "array": ["RS256"], "null": None, "empty": "", "object": {"RS256": 1},
    "rs256-lowercase": "rs256", "rs256-space": "RS256 ", "HS256": "HS256", "ES256": "ES256",
    "PS256": "PS256", "RS512": "RS512",
}


@pytest.mark.parametrize("name", list(ALG_VARIANTS))
def test_t01_t02_alg_other_than_the_keys(api, rsa_key, claims, name):
    header = {"typ": "JWT", "kid": rsa_key.kid}
    if ALG_VARIANTS[name] is not MISSING:
        header["alg"] = ALG_VARIANTS[name]
    data = jose.signing_input(header, claims)
    for sig in ("", b64u(rsa_key.signature(data.encode("ascii")))):
        refused(api, "%s.%s" % (data, sig), "alg %s, %s signature" % (name, "empty" if not sig
                                                                       else "valid RS256"))
    accepted(api, rsa_key.token(claims))


def test_t01_alg_none_in_the_rfc7515_a5_shape(api, genuine, claims):
    """RFC 7515 A.5: {"alg":"none"}, our claims, empty signature; with and without kid."""
    payload = jose.split(genuine["accessToken"])[1]
    for header in ({"alg": "none"}, {"alg": "none", "typ": "JWT"},
                   dict(jose.header_of(genuine["accessToken"]), alg="none")):
        refused(api, "%s.%s." % (b64u(jose.json_bytes(header)), payload), "alg none %r" % header)
    accepted(api, genuine["accessToken"])


# ---- T-03: RS256 -> HS256 confusion ----------------------------------------------------------

def test_t03_hmac_with_the_public_key(api, rsa_key, claims):
    r = api.c.get("/.well-known/jwks.json")
    assert r.status == 200, r
    published = [k for k in r.json["keys"] if k["kid"] == rsa_key.kid]
    assert len(published) == 1, r.json
    forms = jose.public_key_forms(jose.public_key_of_jwk(published[0]))
    forms["jwk-compact"] = jose.json_bytes(published[0])
    forms["jwk-spaced"] = json.dumps(published[0]).encode()
    forms["jwk-rfc7638"] = json.dumps(rsa_key.jwk_members(), separators=(",", ":"),
                                      sort_keys=True).encode()
    forms["jwks-document"] = r.body
    for name, secret in forms.items():
        for header in ({"alg": "HS256", "typ": "JWT", "kid": rsa_key.kid}, {"alg": "HS256"}):
            refused(api, jose.hs256(secret, header, claims), "HS256 keyed with %s" % name)
    accepted(api, rsa_key.token(claims))


def test_t03_the_algorithm_belongs_to_the_key(api, rsa_key, es_key, claims):
    """Each key verifies its own algorithm only, whatever kid and alg the token names."""
    refused(api, rsa_key.sign({"alg": "RS256", "typ": "JWT", "kid": es_key.kid}, claims),
            "RS256 under the ES256 key's kid")
    refused(api, rsa_key.sign({"alg": "ES256", "typ": "JWT", "kid": es_key.kid}, claims),
            "an RSA signature called ES256")
    refused(api, es_key.sign({"alg": "ES256", "typ": "JWT", "kid": rsa_key.kid}, claims),
            "ES256 under the RSA key's kid")
    refused(api, es_key.sign({"alg": "RS256", "typ": "JWT", "kid": rsa_key.kid}, claims),
            "an ES256 signature called RS256")
    accepted(api, rsa_key.token(claims))
    accepted(api, es_key.token(claims))


# ---- T-04: the token names its own key -----------------------------------------------------------

def test_t04_key_in_the_header_is_never_used_or_fetched(api, rsa_key, attacker, claims):
    cert = jose.self_signed_certificate(attacker)
    jwks = json.dumps({"keys": [attacker.jwk()]}).encode()
    pem = ("-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n"
           % base64.encodebytes(cert).decode().strip()).encode()
    with RecordingListener({"/jwks.json": jwks, "/cert.pem": pem}) as peer:
        x5c = [base64.b64encode(cert).decode()]
        extra_headers = {
            "jwk": {"jwk": attacker.jwk()},
            "jwk-without-kid": {"jwk": attacker.jwk(), "kid": None},
            "jku": {"jku": peer.url + "/jwks.json"},
            "x5u": {"x5u": peer.url + "/cert.pem"},
            "x5c": {"x5c": x5c},
            "all": {"jwk": attacker.jwk(), "jku": peer.url + "/jwks.json",
                    "x5u": peer.url + "/cert.pem", "x5c": x5c},
        }
        for name, extra in extra_headers.items():
            for kid in (attacker.kid, rsa_key.kid):
                header = dict({"alg": "RS256", "typ": "JWT", "kid": kid}, **extra)
                header = {k: v for k, v in header.items() if v is not None}
                refused(api, attacker.sign(header, claims),
                        "%s header, kid %s" % (name, "attacker's" if kid == attacker.kid
                                               else "ours"))
        time.sleep(0.5)  # a fetch would have been made while the request was served
        assert peer.connections == [] and peer.requests == [], \
            "the server contacted the attacker's URL: %r" % peer.requests
    accepted(api, rsa_key.token(claims))


# ---- T-05: kid ------------------------------------------------------------------------------------

def test_t05_kid_is_only_looked_up_in_the_ring(api, rsa_key, claims):
    kids = {
        "path": "../../../../dev/null",
        "sql": "' OR '1'='1",
        "10 KB": "k" * 10240,
        "1 KB": "k" * 1024,
        "embedded NUL after our kid": rsa_key.kid + "\u0000x",
        "NUL": "\u0000",
        "unknown": b64u(os.urandom(32)),
        "ours in lower case": rsa_key.kid.lower(),
        "ours with a space": rsa_key.kid + " ",
        "empty": "",
        "number": 1,
        "array": [rsa_key.kid],
    }
    for name, kid in kids.items():
        header = {"alg": "RS256", "typ": "JWT", "kid": kid}
        refused(api, rsa_key.sign(header, claims), "kid %s, signed with our key" % name)
        # The classic payoffs: /dev/null or an injected row as an empty/known HMAC key.
        for secret in (b"", b"1"):
            refused(api, jose.hs256(secret, dict(header, alg="HS256"), claims),
                    "kid %s, HS256 keyed with %r" % (name, secret))
    refused(api, rsa_key.sign({"alg": "RS256", "typ": "JWT"}, claims), "no kid")
    accepted(api, rsa_key.token(claims))


# ---- T-06: shape ----------------------------------------------------------------------------------

def test_t06_segment_count_and_signature_length(api, rsa_key, claims):
    token = rsa_key.token(claims)
    h, p, s = jose.split(token)
    sig = jose.b64u_decode(s)
    shapes = {
        "2 segments": "%s.%s" % (h, p),
        "4 segments": "%s.%s" % (token, s),
        "4 segments, last empty": token + ".",
        "5 segments": "%s.%s.%s" % (token, s, s),
        "empty signature": "%s.%s." % (h, p),
        "empty header": ".%s.%s" % (p, s),
        "empty payload": "%s..%s" % (h, s),
        "signature one byte short": with_signature(token, sig[:-1]),
        "signature one byte long": with_signature(token, sig + b"\x00"),
        "signature with a leading zero byte": with_signature(token, b"\x00" + sig),
        "signature of a 1024-bit key's length": with_signature(token, sig[:128]),
        "signature twice": with_signature(token, sig + sig),
        "one character": "%s.%s.%s" % (h, p, s[:1]),
    }
    for name, bad in shapes.items():
        refused(api, bad, name)
    accepted(api, token)


# ---- T-07: bit flips --------------------------------------------------------------------------------

def test_t07_a_flipped_bit_anywhere_is_refused(api, rsa_key, claims):
    token = rsa_key.token(claims)
    segments = jose.split(token)
    for index, name in enumerate(("header", "payload", "signature")):
        raw = jose.b64u_decode(segments[index])
        for pos in (0, len(raw) // 3, len(raw) // 2, len(raw) - 1):
            for bit in (0, 1, 5):
                changed = bytearray(raw)
                changed[pos] ^= 1 << bit
                parts = list(segments)
                parts[index] = b64u(bytes(changed))
                refused(api, ".".join(parts), "%s byte %d bit %d" % (name, pos, bit))
    accepted(api, token)


# ---- T-08, T-09: time ------------------------------------------------------------------------------

def test_t08_exp_with_the_default_leeway(api, rsa_key, claims):
    now = int(time.time())
    refused(api, rsa_key.token(dict(claims, exp=now - (LEEWAY + 1))), "exp now-(leeway+1)")
    refused(api, rsa_key.token(dict(claims, exp=now - 3600)), "exp an hour ago")
    refused(api, rsa_key.token(without(claims, "exp")), "exp missing")
    for odd in (str(now + 600), None, [now + 600], True):
        refused(api, rsa_key.token(dict(claims, exp=odd)), "exp %r" % (odd,))
    accepted(api, rsa_key.token(dict(claims, exp=now - (LEEWAY - 30))), "exp now-(leeway-30)")
    accepted(api, rsa_key.token(claims))


def test_t09_nbf_and_iat_in_the_future(api, rsa_key, claims):
    now = int(time.time())
    refused(api, rsa_key.token(dict(claims, nbf=now + LEEWAY + 60)), "nbf now+leeway+60")
    refused(api, rsa_key.token(dict(claims, iat=now + 86400)), "iat one day ahead")
    refused(api, rsa_key.token(dict(claims, nbf=str(now))), "nbf as a string")
    refused(api, rsa_key.token(dict(claims, iat=None)), "iat null")
    accepted(api, rsa_key.token(dict(claims, nbf=now - 5, iat=now)), "nbf and iat now")
    accepted(api, rsa_key.token(dict(claims, nbf=now + LEEWAY - 30, iat=now + LEEWAY - 30)),
             "nbf and iat within the leeway")


def test_t08_t09_leeway_follows_the_directive(backend, httpd_extra_config, rsa_key, claims):
    """AuthsvcTokenLeeway 5 on a second httpd (same database): what the default leeway
    accepts above is refused there."""
    srv = HttpdServer(backend, "jwt-leeway-%s" % backend.kind,
                      httpd_extra_config + ["AuthsvcTokenLeeway 5"])
    srv.start()
    try:
        c = HttpClient("127.0.0.1", srv.port)
        now = int(time.time())
        base = dict(claims, iss=srv.issuer)
        for name, changes in (("exp 30 s ago", {"exp": now - 30}),
                              ("nbf in 30 s", {"nbf": now + 30}),
                              ("iat in 30 s", {"iat": now + 30})):
            r = c.get("/auth/me", headers=bearer(rsa_key.token(dict(base, **changes))))
            assert r.status == 401, "%s with leeway 5: %r" % (name, r)
            assert_bearer_401(r)
        r = c.get("/auth/me", headers=bearer(rsa_key.token(dict(base, exp=now - 2))))
        assert r.status == 200, "exp 2 s ago with leeway 5: %r" % r
    finally:
        srv.stop()
        srv.cleanup()


# ---- T-10 (API part): audience and issuer ---------------------------------------------------------

def test_t10_audience_must_be_a_client_of_the_subject(api, rsa_key, claims):
    """alice may use client web only, bob client other only."""
    assert claims["aud"] == "web", claims
    for aud in ("other", "no-such-client", "", "WEB", ["other"], ["web"], None):
        refused(api, rsa_key.token(dict(claims, aud=aud)), "alice's token with aud %r" % (aud,))
    refused(api, rsa_key.token(without(claims, "aud")), "aud missing")
    refused(api, rsa_key.token(without(claims, "sub")), "sub missing")
    bob = jose.claims_of(api.session("bob", client_id="other")["accessToken"])
    assert bob["aud"] == "other", bob
    refused(api, rsa_key.token(dict(bob, aud="web")), "bob's token with aud web")
    accepted(api, rsa_key.token(bob), "bob's re-signed token")
    accepted(api, rsa_key.token(claims))


def test_t10_issuer_must_match_exactly(api, rsa_key, claims, server):
    assert claims["iss"] == server.issuer, claims
    variants = (server.issuer + "/", server.issuer.upper(), server.issuer.replace("http:", "https:"),
                server.issuer + "/x", "http://localhost:%d" % server.port, "", None, [server.issuer])
    for iss in variants:
        refused(api, rsa_key.token(dict(claims, iss=iss)), "iss %r" % (iss,))
    refused(api, rsa_key.token(without(claims, "iss")), "iss missing")
    accepted(api, rsa_key.token(claims))


# ---- T-12: duplicate members ------------------------------------------------------------------------

def test_t12_duplicate_members_in_the_token(api, rsa_key, claims, accounts):
    kid = rsa_key.kid
    headers = [
        '{"alg":"RS256","alg":"none","typ":"JWT","kid":"%s"}' % kid,
        '{"alg":"none","alg":"RS256","typ":"JWT","kid":"%s"}' % kid,
        '{"alg":"RS256","typ":"JWT","kid":"x","kid":"%s"}' % kid,
        '{"alg":"RS256","typ":"JWT","kid":"%s","kid":"%s"}' % (kid, kid),
    ]
    for header in headers:
        refused(api, rsa_key.sign(header, claims), "header %s" % header)
    body = jose.json_bytes(claims)[:-1]
    for extra in (',"sub":"%s"' % accounts["bob"].id, ',"aud":"other"', ',"exp":9999999999',
                  ',"jti":"%s"' % claims["jti"]):
        refused(api, rsa_key.sign(jose.header_of(rsa_key.token(claims)), body + extra.encode()
                                  + b"}"), "payload with %s again" % extra)
    accepted(api, rsa_key.token(claims))


def test_t12_duplicate_body_members_and_query_parameters(api, accounts, genuine):
    alice = accounts["alice"]
    head = '{"client_id":"web","client_secret":%s,"password":%s,' % (
        json.dumps(accounts.client_secrets["web"]), json.dumps(alice.password))
    for names in (('"alice"', '"admin"'), ('"admin"', '"alice"'), ('"alice"', '"alice"')):
        body = head + '"username":%s,"username":%s}' % names
        r = api.c.request("POST", "/auth/login", body=body, content_type="application/json")
        assert_envelope(r, 400)
        assert "code" not in (r.json or {}), r
    r = api.c.request("POST", "/auth/login", body=head + '"username":"alice"}',
                      content_type="application/json")
    assert r.status == 200 and "code" in r.json, r
    r = api.c.get("/auth/google?client_id=web&client_id=other")
    assert_envelope(r, 400, "DuplicateParameter")
    r = api.c.get("/auth/me?x=1&x=2", headers=bearer(genuine["accessToken"]))
    assert_envelope(r, 400, "DuplicateParameter")


# ---- T-13: what the verifier would have to understand ---------------------------------------------

def test_t13_crit_b64_and_jwe(api, rsa_key, claims):
    base = {"alg": "RS256", "typ": "JWT", "kid": rsa_key.kid}
    for extra in ({"crit": ["x"], "x": 1}, {"crit": ["exp"]}, {"crit": []}, {"b64": True},
                  {"zip": "DEF"}, {"enc": "A256GCM"}, {"typ": "JWE"}, {"cty": "JWT", "crit": ["cty"]}):
        refused(api, rsa_key.sign(dict(base, **extra), claims), "header with %r" % extra)
    # RFC 7797: the payload is signed unencoded; sent encoded and detached.
    header = dict(base, b64=False, crit=["b64"])
    payload = jose.json_bytes(claims)
    h = b64u(jose.json_bytes(header))
    sig = b64u(rsa_key.signature(h.encode() + b"." + payload))
    refused(api, "%s.%s.%s" % (h, b64u(payload), sig), "b64:false, payload encoded")
    refused(api, "%s..%s" % (h, sig), "b64:false, payload detached")
    # JWE compact serialization: five segments.
    for jwe_header in ({"alg": "RSA-OAEP", "enc": "A256GCM", "kid": rsa_key.kid},
                       {"alg": "dir", "enc": "A128CBC-HS256"}):
        parts = [b64u(jose.json_bytes(jwe_header))] + [b64u(os.urandom(n)) for n in (256, 12, 80, 16)]
        refused(api, ".".join(parts), "JWE %r" % jwe_header)
    accepted(api, rsa_key.token(claims))


# ---- T-14: one token, one spelling ------------------------------------------------------------------

def lenient_decode(segment):
    """What a forgiving decoder reads: either alphabet, padding optional, spare bits
    ignored (Python's default)."""
    seg = segment.rstrip("=").replace("-", "+").replace("_", "/")
    return base64.b64decode(seg + "=" * (-len(seg) % 4))


def spellings(token):
    """Other texts of token that a lenient base64 decoder reads as the same bytes."""
    h, p, s = jose.split(token)
    out = {}
    unused_bits = {1: 4, 2: 2}.get(len(jose.b64u_decode(s)) % 3, 0)
    if unused_bits:
        last = B64URL.index(s[-1])
        for c in B64URL:
            if c != s[-1] and B64URL.index(c) >> unused_bits == last >> unused_bits:
                out["last character %s" % c] = "%s.%s.%s" % (h, p, s[:-1] + c)
    pad = "=" * (-len(s) % 4)
    if pad:
        out["padded signature"] = "%s.%s.%s" % (h, p, s + pad)
    for name, seg in (("header", h), ("payload", p)):
        if len(seg) % 4:
            padded = seg + "=" * (-len(seg) % 4)
            out["padded " + name] = token.replace(seg, padded, 1)
    std = s.replace("-", "+").replace("_", "/")
    if std != s:
        out["+/ alphabet"] = "%s.%s.%s" % (h, p, std)
    return out


def test_t14_other_spellings_are_refused_before_and_after_logout(api):
    pair = api.session("alice")
    token = pair["accessToken"]
    variants = spellings(token)
    assert "padded signature" in variants and "+/ alphabet" in variants, sorted(variants)
    assert len([v for v in variants if v.startswith("last character")]) == 15, sorted(variants)
    for name, text in variants.items():
        assert [lenient_decode(x) for x in text.split(".")] \
            == [jose.b64u_decode(x) for x in jose.split(token)], name
        refused(api, text, "live token spelled with %s" % name)
    accepted(api, token)
    r = api.logout({"refreshToken": pair["refreshToken"]}, token)
    assert r.status == 200, r
    refused(api, token, "the token after logout")
    for name, text in variants.items():
        refused(api, text, "revoked token spelled with %s" % name)


# ---- T-15: ES256 signatures --------------------------------------------------------------------------

def test_t15_es256_signature_forms(api, es_key, claims):
    token = es_key.token(claims)
    raw = jose.b64u_decode(jose.split(token)[2])
    assert len(raw) == 64
    n = jose.P256_ORDER
    r_bytes, s_bytes = raw[:32], raw[32:]
    forms = {
        "DER": jose.ecdsa_raw_to_der(raw),
        "r=s=0": bytes(64),
        "s=0": r_bytes + bytes(32),
        "r=0": bytes(32) + s_bytes,
        "s=n": r_bytes + n.to_bytes(32, "big"),
        "r=n": n.to_bytes(32, "big") + s_bytes,
        "s=2^256-1": r_bytes + b"\xff" * 32,
        "s=n+1": r_bytes + (n + 1).to_bytes(32, "big"),
        "63 bytes": raw[:63],
        "65 bytes": raw + b"\x00",
        "65 bytes, zero in front": b"\x00" + raw,
        "r and s swapped": s_bytes + r_bytes,
    }
    for name, sig in forms.items():
        refused(api, with_signature(token, sig), "ES256 signature %s" % name)
    accepted(api, token, "the ES256 token")


def test_es256_high_s_twin_is_refused_by_the_api_and_the_gateway(api, es_key, claims):
    """Issue 14: (r, n - s) verifies as ECDSA too; our tokens carry the low s only, so
    the twin is a second spelling of a live token and is refused (also when the original
    was verified and cached first)."""
    for _ in range(4):
        token = es_key.token(dict(claims, jti=str(uuid.uuid4())))
        twin = jose.es256_negated_s(token)
        assert int.from_bytes(jose.b64u_decode(jose.split(twin)[2])[32:], "big") \
            > jose.P256_ORDER // 2
        accepted(api, token, "the low-s ES256 token")
        gateway_accepted(api, token, "the low-s ES256 token")
        refused(api, twin, "the high-s twin")
        gateway_refused(api, twin, "the high-s twin")


# ---- issue 14: exp, nbf and iat are integers in range ----------------------------------

def with_time_claim(claims, name, text):
    """claims as JSON text with name set to text, verbatim (1e400 is no Python float)."""
    body = jose.json_bytes(without(claims, name))[:-1]
    return body + (',"%s":%s}' % (name, text)).encode()


def test_time_claims_must_be_integers_in_range(api, rsa_key, claims):
    now = int(time.time())
    odd = ["1e400", "-1e400", "1.5", "%d.5" % now, "-1", '"%d"' % (now + 600), "1e18",
           "9007199254740994", "%d.5" % (now + 600)]
    for name in ("exp", "nbf", "iat"):
        for text in odd:
            token = rsa_key.sign(jose.header_of(rsa_key.token(claims)),
                                 with_time_claim(claims, name, text))
            refused(api, token, "%s %s" % (name, text))
            gateway_refused(api, token, "%s %s" % (name, text))
    token = rsa_key.token(dict(claims, nbf=0, iat=now))
    accepted(api, token, "nbf 0")
    gateway_accepted(api, token, "nbf 0")


# ---- T-16: weak keys fail configtest -----------------------------------------------------------------

def configtest(backend, name, lines):
    srv = HttpdServer(backend, "configtest-%s-%s" % (name, backend.kind), lines)
    try:
        rc, out = srv.configtest()
        return types.SimpleNamespace(returncode=rc, stdout=out)
    finally:
        srv.cleanup()


def test_t16_weak_keys_fail_configtest(backend, accounts, tmp_path):
    def write(name, data):
        path = str(tmp_path / name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    weak_rsa = write("rsa1024.pem", jose.private_pem(jose.generate_private_key("RS256", 1024)))
    p384 = write("p384.pem", jose.private_pem(jose.generate_private_key("ES384")))
    cases = {
        "RSA of 1024 bits": (['AuthsvcSigningKey "%s"' % weak_rsa],
                             "RSA key has 1024 bits; at least 2048 are required"),
        "secret of 31 bytes": (['AuthsvcSigningSecretFile "%s"' % write("s31", b"x" * 31)],
                               "HS256 secret has 31 bytes; at least 32 are required"),
        "secret of 31 bytes and a newline": (
            ['AuthsvcSigningSecretFile "%s"' % write("s31nl", b"x" * 31 + b"\n")],
            "HS256 secret has 31 bytes; at least 32 are required"),
        "empty secret": (['AuthsvcSigningSecretFile "%s"' % write("s0", b"")],
                         "HS256 secret has 0 bytes"),
        "secret of 4097 bytes": (['AuthsvcSigningSecretFile "%s"' % write("s4097", b"x" * 4097)],
                                 "HS256 secret has 4097 bytes; at most 4096 are supported"),
        "secret file of 5000 bytes": (
            ['AuthsvcSigningSecretFile "%s"' % write("s5000", b"x" * 5000)],
            "the secret file has 5000 bytes; an HS256 secret has at most 4096"),
        "missing secret file": (['AuthsvcSigningSecretFile "%s"' % str(tmp_path / "nothing")],
                                "cannot read the secret file"),
        "EC P-384": (['AuthsvcSigningKey "%s"' % p384], "P-256"),
        "weak key after a good one": (['AuthsvcSigningKey "%s" "%s"' % (accounts.key_path, weak_rsa)],
                                      "RSA key has 1024 bits"),
    }
    for name, (lines, message) in cases.items():
        r = configtest(backend, name.replace(" ", "-"), lines)
        assert r.returncode != 0, "%s passed configtest:\n%s" % (name, r.stdout)
        assert message in r.stdout, "%s: no %r in:\n%s" % (name, message, r.stdout)
        assert "Syntax OK" not in r.stdout, r.stdout
    good = configtest(backend, "good", [
        'AuthsvcSigningKey "%s"' % accounts.key_path,
        'AuthsvcSigningSecretFile "%s"' % write("s32", b"z" * 32),
        'AuthsvcSigningSecretFile "%s"' % write("s4096", b"y" * 4096 + b"\r\n")])
    assert good.returncode == 0 and "Syntax OK" in good.stdout, good.stdout


# ---- T-18: the Authorization header ------------------------------------------------------------------

def timed_me(api, headers):
    start = time.monotonic()
    r = api.c.request("GET", "/auth/me", headers=headers, timeout=10)
    return r, time.monotonic() - start


def test_t18_odd_authorization_headers_fail_fast(api, server, genuine):
    token = genuine["accessToken"]
    junk = "A" * 40 + "." + "B" * 40 + "." + "C" * 40
    cases = {
        "64 KB": "Bearer " + "A" * 65536,
        "Bearer and 10 000 dots": "Bearer " + "." * 10000,
        "Bearer and 8 000 dots": "Bearer " + "." * 8000,
        "8 KB of segments": "Bearer " + ".".join(["AAAA"] * 1600),
        "bearer, junk": "bearer " + junk,
        "BEARER, junk": "BEARER " + junk,
        "tab": "Bearer\t" + token,
        "two spaces": "Bearer  " + token,
        "no space": "Bearer" + token,
        "two tokens": "Bearer %s %s" % (token, token),
        "comma list": "Bearer %s, Bearer %s" % (token, token),
        "Basic": "Basic " + token,
        "scheme only": "Bearer ",
    }
    for name, value in cases.items():
        r, took = timed_me(api, {"Authorization": value})
        assert r.status in (400, 401), "%s: %r" % (name, r)
        if r.status == 401:
            assert_bearer_401(r)
        assert took <= TIME_LIMIT, "%s took %.2f s" % (name, took)
    # Two Authorization headers (httpd joins them with a comma): refused.
    for second in (token, junk):
        start = time.monotonic()
        answers = raw_exchange("127.0.0.1", server.port, (
            "GET /auth/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
            "Authorization: Bearer %s\r\nConnection: close\r\n\r\n" % (token, second)).encode())
        assert time.monotonic() - start <= TIME_LIMIT
        assert [a[0] for a in answers] == [401], answers
        assert answers[0][1].get("www-authenticate", "").startswith("Bearer"), answers
    # The scheme is case-insensitive (RFC 7235 §2.1): a genuine token is accepted so.
    for scheme in ("bearer", "BEARER"):
        r, took = timed_me(api, {"Authorization": "%s %s" % (scheme, token)})
        assert r.status == 200, "%s: %r" % (scheme, r)
    accepted(api, token, "the genuine token after the odd headers")
    server.assert_no_crash()


# ---- the other bearer routes, and the log ----------------------------------------------------------

def test_forged_tokens_are_refused_by_token_refresh_and_logout(api, rsa_key, attacker):
    """One forgery of each kind at POST /auth/token-refresh (which accepts an expired
    but genuine token) and POST /logout: refused, and the session is unharmed."""
    pair = api.session("alice")
    claims = jose.claims_of(pair["accessToken"])
    h, p, s = jose.split(pair["accessToken"])
    forged = {
        "alg none": "%s.%s." % (b64u(b'{"alg":"none"}'), p),
        "HS256 with the public key": jose.hs256(jose.public_key_forms(rsa_key.public)["pem-spki"],
                                                {"alg": "HS256", "typ": "JWT", "kid": rsa_key.kid},
                                                claims),
        "attacker's key": attacker.token(claims),
        "attacker's key with jwk": attacker.token(claims, jwk=attacker.jwk()),
        "unknown kid": rsa_key.sign({"alg": "RS256", "kid": "nope"}, claims),
        "2 segments": "%s.%s" % (h, p),
        "payload changed": "%s.%s.%s" % (h, b64u(jose.json_bytes(dict(claims, sub="x"))), s),
        "aud of another client": rsa_key.token(dict(claims, aud="other")),
        "iss with a slash": rsa_key.token(dict(claims, iss=claims["iss"] + "/")),
        "nbf ahead": rsa_key.token(dict(claims, nbf=int(time.time()) + LEEWAY + 60)),
        "crit": rsa_key.token(claims, crit=["x"], x=1),
        "padded signature": "%s.%s.%s==" % (h, p, s),
    }
    for name, token in forged.items():
        api.note(token)
        r = api.refresh(pair["refreshToken"], token)
        assert r.status == 401, "token-refresh with %s: %r" % (name, r)
        assert_envelope(r, 401)
        r = api.logout({"refreshToken": pair["refreshToken"]}, token)
        assert r.status == 401, "logout with %s: %r" % (name, r)
        assert_envelope(r, 401)
    accepted(api, pair["accessToken"], "the session's token after the forgeries")
    assert_token_response(api.refresh(pair["refreshToken"], pair["accessToken"]))


def test_no_forged_token_in_the_error_log(api, server):
    pieces = set()
    for token in api.seen:
        pieces.update(seg for seg in str(token).split(".")[1:] if len(seg) >= 16)
    with open(server.error_log, errors="replace") as f:
        log = f.read()
    found = sorted(piece[:12] + "..." for piece in pieces if piece in log)
    assert not found, "token pieces in %s: %r" % (server.error_log, found)
    assert len(pieces) > 50
