"""Signing-key rotation on a running node, on SQLite and PostgreSQL, as the README
describes it: a new key (made with `authsvc-admin key generate`) is put first in
AuthsvcSigningKey with the old one kept after it, and httpd restarts gracefully while
a load of logins, refreshes and /auth/me runs. Then:

- no request of the load fails across the restart;
- new tokens carry the new key's kid; the JWKS publishes both keys;
- tokens signed with the old key stay valid (API and gateway) until their exp, and
  their refresh tokens give pairs signed with the new key;
- once the old key is dropped from the config (after the longest access-token
  lifetime, in real life), its tokens are refused and the JWKS lists the new key only.
"""
import os
import signal
import time

import pytest

from harness import faults, jose
from harness.accounts import provisioned
from harness.client import assert_envelope
from harness.faults import bearer, fresh, login

USERS = ["rot-%d" % i for i in range(3)]
LOAD_AROUND_S = 3.0       # load before and after the restart


@pytest.fixture(scope="module")
def accounts(backend):
    with provisioned(backend, USERS) as acc:
        yield acc


@pytest.fixture(scope="module")
def httpd_extra_config(accounts):
    return accounts.httpd_config()


@pytest.fixture(scope="module")
def httpd_modules():
    return faults.GATEWAY_MODULES, []


@pytest.fixture(scope="module")
def httpd_tail_config(echo):
    return faults.gateway_tail(echo)


def kid_of(pair):
    return jose.header_of(pair["accessToken"])["kid"]


def published_kids(server):
    r = fresh(server).get("/.well-known/jwks.json")
    assert r.status == 200, r
    return sorted(k["kid"] for k in r.json["keys"])


def sign_with(server, accounts, keys):
    """AuthsvcSigningKey with these files (the first signs), then a graceful restart;
    returns once a new login is signed by the first key."""
    limits = [line for line in accounts.httpd_config() if not line.startswith("AuthsvcSigningKey")]
    server.reconfigure(['AuthsvcSigningKey %s' % " ".join('"%s"' % k for k in keys)] + limits)
    os.kill(server.proc.pid, signal.SIGUSR1)
    want = jose.SigningKey.load(keys[0]).kid
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if kid_of(login(server, accounts)) == want:
                return
        except (AssertionError, OSError):
            pass
        time.sleep(0.2)
    raise AssertionError("new logins are not signed by %s after 20 s" % keys[0])


def test_rotation_under_load_keeps_old_tokens_valid_and_signs_with_the_new_key(
        server, accounts, backend):
    """A new key made the signer by a graceful restart under load: no request fails,
    new tokens carry its kid, the JWKS lists both keys, an old-key token passes the API
    and the gateway and refreshes into a new-key pair; dropping the old key later
    refuses its tokens and unpublishes it."""
    old_key = accounts.key_path
    new_key = os.path.join(accounts.workdir, "signing-next.pem")
    backend.admin().run("key", "generate", "--alg", "ES256", "--out", new_key).check()
    old_kid, new_kid = jose.SigningKey.load(old_key).kid, jose.SigningKey.load(new_key).kid
    old_pair = login(server, accounts)
    assert kid_of(old_pair) == old_kid
    assert published_kids(server) == [old_kid]

    with faults.SessionLoad(server, accounts, USERS) as load:
        time.sleep(LOAD_AROUND_S)
        sign_with(server, accounts, [new_key, old_key])
        time.sleep(LOAD_AROUND_S)
    counts = load.statuses()
    print("[R-12] %s: answers across the rotation %s" % (backend.kind, counts))
    assert counts.get(200, 0) >= 10, counts
    assert not load.failures(), load.failures()[:10]

    assert published_kids(server) == sorted([old_kid, new_kid])
    assert kid_of(login(server, accounts)) == new_kid
    auth = bearer(old_pair["accessToken"])
    assert fresh(server).get("/auth/me", headers=auth).status == 200
    assert fresh(server).get("/app/x", headers=auth).status == 200
    r = fresh(server).post_json("/auth/token-refresh",
                                {"refreshToken": old_pair["refreshToken"]}, headers=auth)
    assert r.status == 200, r
    assert kid_of(r.json) == new_kid

    # retiring the old key: its tokens are refused, it is no longer published
    sign_with(server, accounts, [new_key])
    assert published_kids(server) == [new_kid]
    assert_envelope(fresh(server).get("/auth/me", headers=auth), 401)
    assert fresh(server).get("/app/x", headers=auth).status == 401
    assert fresh(server).get("/auth/me", headers=bearer(r.json["accessToken"])).status == 200
    server.assert_no_crash()
