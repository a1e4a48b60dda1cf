"""The gateway's revocation set under pressure, on SQLite and PostgreSQL (row T-28): a
revoked token stays refused however many other tokens pass through the node's socache
afterwards (the revocations live in shared memory of their own), and when more
revocations are live than the set holds (AuthsvcGatewayRevocationSlots, here 64) the
tokens it cannot tell about are checked in the database, with one warning in the log.

The socache is small on purpose (64 KiB: about a hundred verified tokens), the poll
interval is 1 s. Flood tokens are copies of a real token with a new jti, signed here
with the service's key by python3-cryptography, so nothing of the module signs them."""
import concurrent.futures
import os
import shutil
import time

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from harness import jose, util
from harness.client import assert_envelope
from harness.httpd import GATEWAY_SITE_MODULES, gateway_site_config
from test_gateway_nodes import bearer, session

SLOTS = 64
POLL_S = 1
OVERLAP_S = 10  # AUTHSVC_GATEWAY_POLL_OVERLAP_MS: a poll reads again what is this recent


@pytest.fixture(scope="module")
def docroot():
    root = util.make_docroot({"site/index.html": "PROTECTED-CONTENT\n"})
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def httpd_extra_config(accounts):
    return accounts.httpd_config() + [
        "AuthsvcGatewayCache shmcb:authsvc-small.shmcb(65536)",
        "AuthsvcGatewayRevocationSlots %d" % SLOTS,
        "AuthsvcGatewayRevocationPoll %d" % POLL_S]


@pytest.fixture(scope="module")
def httpd_modules():
    return GATEWAY_SITE_MODULES, []


@pytest.fixture(scope="module")
def httpd_tail_config(docroot):
    return gateway_site_config(docroot)


class Minter:
    """Copies of one real token with another jti, signed RS256 with the service's key."""

    def __init__(self, accounts, token):
        with open(accounts.key_path, "rb") as f:
            self.key = serialization.load_pem_private_key(f.read(), password=None)
        self.header = jose.header_of(token)
        self.claims = jose.claims_of(token)
        assert self.header["alg"] == "RS256"

    def token(self, jti):
        signing_input = jose.signing_input(self.header, dict(self.claims, jti=jti))
        sig = self.key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return signing_input + "." + jose.b64u_encode(sig)


def statuses(client, tokens):
    def one(token):
        return client.get("/site/index.html", headers=bearer(token)).status
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(one, tokens))


def assert_revoked(client, token):
    err = assert_envelope(client.get("/site/index.html", headers=bearer(token)), 401)
    assert err["code"] == "TokenRevoked", err


def test_flood_of_tokens_does_not_push_a_revocation_out(client, accounts):
    s = session(client, accounts)
    minter = Minter(accounts, s["accessToken"])
    assert client.get("/site/index.html", headers=bearer(s["accessToken"])).status == 200
    r = client.post_json("/logout", {"refreshToken": s["refreshToken"]},
                         headers=bearer(s["accessToken"]))
    assert r.status == 200, r
    revoked_at = time.monotonic()
    assert_revoked(client, s["accessToken"])
    # past the poll's overlap, so that no poll brings the revocation back from the
    # database: what refuses the token afterwards is what the node kept
    time.sleep(max(0.0, OVERLAP_S + 1 - (time.monotonic() - revoked_at)))
    flood = [minter.token("flood-%05d-%s" % (i, os.urandom(6).hex())) for i in range(1500)]
    got = statuses(client, flood)
    assert got.count(200) == len(flood), sorted(set(got))
    for _ in range(4):  # whichever process answers
        assert_revoked(client, s["accessToken"])


def test_more_live_revocations_than_slots_are_checked_in_the_database(
        client, accounts, backend, server):
    minter = Minter(accounts, session(client, accounts)["accessToken"])
    tag = os.urandom(4).hex()
    jtis = ["other-node-%s-%03d" % (tag, i) for i in range(SLOTS + 40)]
    exp_ms = int(minter.claims["exp"]) * 1000
    now_ms = int(time.time() * 1000)
    # revoked on another node: rows in the shared table, seen here through the poll
    backend.query("INSERT INTO revoked_tokens (jti, expires_at, revoked_at) VALUES "
                  + ", ".join("('%s', %d, %d)" % (j, exp_ms, now_ms) for j in jtis))
    time.sleep(POLL_S + 0.5)
    revoked = [minter.token(j) for j in jtis]
    # every process polls on its next request, then answers from the set or the table
    deadline = time.monotonic() + POLL_S + 5
    while True:
        got = statuses(client, revoked)
        if got.count(401) == len(revoked) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert got == [401] * len(revoked), got
    for token in revoked[:3] + revoked[-3:]:
        assert_revoked(client, token)
    # a token nobody revoked still passes (asked in the database, found in none)
    fresh = [minter.token("fresh-%s-%d" % (tag, i)) for i in range(20)]
    assert statuses(client, fresh) == [200] * len(fresh)
    log = server.log_text()
    warnings = [line for line in log.splitlines()
                if "more revocations live than the revocation set holds" in line]
    assert 1 <= len(warnings) <= 2, warnings  # once per process
    assert "%d slots" % SLOTS in warnings[0], warnings


def test_revocation_slots_are_main_server_only(backend):
    from harness.httpd import HttpdServer
    srv = HttpdServer(backend, "slots-vhost", [
        "<VirtualHost 127.0.0.1:1>", "AuthsvcGatewayRevocationSlots 128", "</VirtualHost>"])
    try:
        rc, out = srv.configtest()
    finally:
        srv.cleanup()
    assert rc != 0 and "AuthsvcGatewayRevocationSlots" in out and "main server" in out, out


@pytest.mark.parametrize("value", ["0", "63", "16777217", "many"])
def test_revocation_slots_out_of_range_fail_configtest(backend, value):
    from harness.httpd import HttpdServer
    srv = HttpdServer(backend, "slots-bad", ["AuthsvcGatewayRevocationSlots %s" % value])
    try:
        rc, out = srv.configtest()
    finally:
        srv.cleanup()
    assert rc != 0 and "AuthsvcGatewayRevocationSlots" in out, out
