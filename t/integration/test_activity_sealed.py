"""Row T-69 through a real httpd, on SQLite and PostgreSQL: with
AuthsvcLoginActivityKeyFile, the token payload of each login-activity row is stored
encrypted (AES-256-GCM, a fresh 96-bit nonce per value: equal plaintexts give different
stored values), and the reporting route answers it decrypted. A stored value changed by one
character no longer authenticates and is answered as null, not as garbage."""
import base64
import json
import os
import secrets
from urllib.parse import quote

import pytest

from harness.accounts import provisioned
from test_tokens import Api


@pytest.fixture(scope="module")
def accounts(backend):
    with provisioned(backend) as acc:
        acc.activity_key = os.path.join(acc.workdir, "activity.key")
        with open(acc.activity_key, "w") as f:
            f.write(secrets.token_hex(32) + "\n")
        yield acc


@pytest.fixture(scope="module")
def httpd_extra_config(accounts):
    return accounts.httpd_config() + ['AuthsvcLoginActivityKeyFile "%s"' % accounts.activity_key]


@pytest.fixture(scope="module")
def api(client, accounts):
    return Api(client, accounts)


def stored_payloads(backend, user_id):
    return [r[0] for r in backend.query(
        "SELECT token_payload FROM login_activity WHERE actor = '%s' AND login_type = 'ACCESS' "
        "ORDER BY login_time" % user_id)]


def b64u(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def test_payloads_are_sealed_with_fresh_nonces(api, accounts, backend):
    alice = accounts["alice"]
    sessions = [api.session("alice") for _ in range(2)]
    stored = stored_payloads(backend, alice.id)
    assert len(stored) == 2, stored
    raw = []
    for value in stored:
        assert value.startswith("gcm1:"), value
        assert "alice" not in value and "@" not in value
        raw.append(b64u(value[5:]))
    # a fresh nonce each (equal plaintexts giving different values: the unit tests)
    assert raw[0][:12] != raw[1][:12]

    r = api.c.get("/login-activity?filter=%s" % quote(json.dumps(
        {"where": {"actor": alice.id, "loginType": "ACCESS"}})),
        headers={"Authorization": "Bearer " + sessions[1]["accessToken"]})
    assert r.status == 200 and len(r.json) == 2, r
    for row in r.json:
        claims = json.loads(row["tokenPayload"])
        assert claims["username"] == "alice" and claims["id"] == alice.id, claims


def test_a_changed_value_does_not_authenticate(api, accounts, backend):
    bob = accounts["bob"]
    s = api.session("bob", client_id="other")
    value = stored_payloads(backend, bob.id)[0]
    i = len(value) // 2
    changed = value[:i] + ("A" if value[i] != "A" else "B") + value[i + 1:]
    backend.query("UPDATE login_activity SET token_payload = '%s' WHERE token_payload = '%s'"
                  % (changed, value))
    alice = api.session("alice")
    r = api.c.get("/login-activity?filter=%s" % quote(json.dumps({"where": {"actor": bob.id}})),
                  headers={"Authorization": "Bearer " + alice["accessToken"]})
    assert r.status == 200 and r.json, r
    access = [row for row in r.json if row["loginType"] == "ACCESS"]
    assert access and access[0]["tokenPayload"] is None, access
    assert s["accessToken"]
