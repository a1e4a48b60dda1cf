"""Compact JWS tokens built by the tests themselves (RFC 7515), with python3-cryptography
and the standard library, so that no code of the module checks itself: signing with the
harness's keys, forging headers, and the JWK/PEM/DER forms of a public key.

    rsa = SigningKey.load(accounts.key_path)
    token = rsa.sign({"alg": "RS256", "kid": rsa.kid}, claims)

header and payload may be a dict (serialised compactly) or bytes/str taken as they are
(for duplicate members and other text a dict cannot hold)."""
import base64
import datetime
import hashlib
import hmac
import json

from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (decode_dss_signature,
                                                             encode_dss_signature)

# The order n of the P-256 group (FIPS 186-4 D.1.2.3): ECDSA needs 0 < r, s < n.
P256_ORDER = int("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16)


def b64u_encode(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def json_bytes(value):
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    return json.dumps(value, separators=(",", ":")).encode("utf-8")


def signing_input(header, payload):
    return "%s.%s" % (b64u_encode(json_bytes(header)), b64u_encode(json_bytes(payload)))


def split(token):
    parts = token.split(".")
    assert len(parts) == 3, "not a compact JWS: %r" % token
    return parts


def header_of(token):
    return json.loads(b64u_decode(split(token)[0]))


def claims_of(token):
    return json.loads(b64u_decode(split(token)[1]))


def hs256(secret, header, payload):
    """A token MACed with secret (bytes) as the HMAC key, whatever the header says."""
    data = signing_input(header, payload)
    mac = hmac.new(secret, data.encode("ascii"), hashlib.sha256).digest()
    return "%s.%s" % (data, b64u_encode(mac))


def _int_bytes(n, width=None):
    return n.to_bytes(width or (n.bit_length() + 7) // 8, "big")


def _thumbprint(jwk):
    """RFC 7638: SHA-256 of the required members, sorted, no whitespace."""
    canonical = json.dumps(jwk, separators=(",", ":"), sort_keys=True).encode("ascii")
    return b64u_encode(hashlib.sha256(canonical).digest())


def generate_private_key(alg, bits=2048):
    """A new private key: "RS256" (RSA of bits), "ES256" (P-256) or "ES384" (P-384)."""
    if alg == "RS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return ec.generate_private_key(ec.SECP384R1() if alg == "ES384" else ec.SECP256R1())


def private_pem(private_key):
    """PKCS#8 PEM, unencrypted."""
    return private_key.private_bytes(serialization.Encoding.PEM,
                                     serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())


class SigningKey:
    """A private RSA or EC P-256 key: RS256 or ES256 signatures, its JWK and kid."""

    def __init__(self, private_key):
        self.private = private_key
        self.public = private_key.public_key()
        self.is_rsa = isinstance(private_key, rsa.RSAPrivateKey)
        self.alg = "RS256" if self.is_rsa else "ES256"
        self.kid = _thumbprint(self.jwk_members())

    @classmethod
    def load(cls, path):
        with open(path, "rb") as f:
            return cls(serialization.load_pem_private_key(f.read(), password=None))

    @classmethod
    def generate(cls, alg="RS256"):
        return cls(generate_private_key(alg))

    def jwk_members(self):
        """The RFC 7638 members of the public JWK."""
        nums = self.public.public_numbers()
        if self.is_rsa:
            return {"e": b64u_encode(_int_bytes(nums.e)), "kty": "RSA",
                    "n": b64u_encode(_int_bytes(nums.n))}
        return {"crv": "P-256", "kty": "EC", "x": b64u_encode(_int_bytes(nums.x, 32)),
                "y": b64u_encode(_int_bytes(nums.y, 32))}

    def jwk(self):
        return dict(self.jwk_members(), kid=self.kid, alg=self.alg, use="sig")

    def signature(self, data):
        """The JWS signature of data (bytes): PKCS#1 v1.5, or r||s of 32 bytes each with
        the low s (s <= n/2), as the server signs."""
        if self.is_rsa:
            return self.private.sign(data, padding.PKCS1v15(), hashes.SHA256())
        r, s = decode_dss_signature(self.private.sign(data, ec.ECDSA(hashes.SHA256())))
        if s > P256_ORDER // 2:
            s = P256_ORDER - s
        return _int_bytes(r, 32) + _int_bytes(s, 32)

    def sign(self, header, payload):
        data = signing_input(header, payload)
        return "%s.%s" % (data, b64u_encode(self.signature(data.encode("ascii"))))

    def token(self, payload, **header):
        """A token as the server makes them: {"alg","typ":"JWT","kid"} plus header."""
        return self.sign(dict({"alg": self.alg, "typ": "JWT", "kid": self.kid}, **header),
                         payload)


def es256_negated_s(token):
    """token with its ES256 signature's s replaced by n - s: the second signature ECDSA
    accepts for the same bytes (malleability)."""
    h, p, sig = split(token)
    raw = b64u_decode(sig)
    assert len(raw) == 64, "not an ES256 signature: %r" % sig
    s = int.from_bytes(raw[32:], "big")
    return "%s.%s.%s" % (h, p, b64u_encode(raw[:32] + _int_bytes(P256_ORDER - s, 32)))


def ecdsa_raw_to_der(raw):
    """JWS's r||s as the DER SEQUENCE other libraries produce."""
    half = len(raw) // 2
    return encode_dss_signature(int.from_bytes(raw[:half], "big"),
                                int.from_bytes(raw[half:], "big"))


def public_key_of_jwk(jwk):
    """The public RSA key of a published JWK."""
    n = int.from_bytes(b64u_decode(jwk["n"]), "big")
    e = int.from_bytes(b64u_decode(jwk["e"]), "big")
    return rsa.RSAPublicNumbers(e, n).public_key()


def public_key_forms(public_key):
    """The byte strings a confused verifier might use as an HMAC key: PEM (SPKI and
    PKCS#1, with and without the final newline) and DER (SPKI and PKCS#1)."""
    enc, fmt = serialization.Encoding, serialization.PublicFormat
    spki_pem = public_key.public_bytes(enc.PEM, fmt.SubjectPublicKeyInfo)
    pkcs1_pem = public_key.public_bytes(enc.PEM, fmt.PKCS1)
    return {
        "pem-spki": spki_pem,
        "pem-spki-no-newline": spki_pem.rstrip(b"\n"),
        "pem-pkcs1": pkcs1_pem,
        "der-spki": public_key.public_bytes(enc.DER, fmt.SubjectPublicKeyInfo),
        "der-pkcs1": public_key.public_bytes(enc.DER, fmt.PKCS1),
    }


def self_signed_certificate(key):
    """A one-day self-signed certificate of key (a SigningKey), as DER bytes: what an
    attacker would put in x5c or behind x5u."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "attacker.example")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .sign(key.private, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.DER)
