"""Row T-67's database part through a real httpd, on SQLite and PostgreSQL: with tables
dropped under the running server, the token routes answer the generic JSON 503 (no SQL,
table names, driver text, paths or key material in the answer), httpd stays up, and
neither the answers nor the error log show a password or token. Also R-style: after the
fault, the routes that do not need the database still answer."""

import pytest

from harness.accounts import provisioned
from harness.client import assert_envelope, assert_json_headers

LEAK_MARKERS = ("select", "insert", "update", "delete", "sqlite", "postgres", "relation",
                "no such table", "auth_codes", "refresh_tokens", "/tmp/", "begin private key",
                "stack", ".c:")


@pytest.fixture(scope="module")
def accounts(backend):
    with provisioned(backend) as acc:
        yield acc


@pytest.fixture(scope="module")
def httpd_extra_config(accounts):
    return accounts.httpd_config()


def login_body(accounts, name="alice"):
    return {"client_id": "web", "client_secret": accounts.client_secrets["web"],
            "username": name, "password": accounts[name].password}


def assert_generic(r, status):
    err = assert_envelope(r, status)
    assert_json_headers(r)
    text = r.body.decode("utf-8", "replace").lower()
    for marker in LEAK_MARKERS:
        assert marker not in text, (marker, r)
    return err


def test_dropped_tables_give_a_generic_503(client, accounts, backend, server):
    # a working session first, so that its tokens can be looked for in the log later
    r = client.post_json("/auth/login-token", login_body(accounts))
    assert r.status == 200, r
    tokens = r.json
    backend.query("DROP TABLE auth_codes")
    backend.query("DROP TABLE revoked_tokens")

    r = client.post_json("/auth/login", login_body(accounts))
    err = assert_generic(r, 503)
    assert err["code"] == "ServiceUnavailable", err
    assert r.header("Retry-After"), r
    r = client.get("/auth/me", headers={"Authorization": "Bearer " + tokens["accessToken"]})
    assert_generic(r, 503)
    r = client.post_json("/auth/token", {"code": "0" * 64, "clientId": "web"})
    assert_generic(r, 503)

    # what needs no database still answers, and nothing crashed
    assert client.get("/authsvc/health/live").status == 200
    assert client.get("/.well-known/jwks.json").status == 200
    # readiness counts the schema's tables: a dropped one makes the node not ready. On
    # PostgreSQL a process that had to open a new connection meanwhile cannot prepare the
    # statements of the dropped tables on it (mod_dbd prepares them all), so mod_dbd lends
    # it none and it answers the outage's 503 instead: generic either way.
    r = client.get("/authsvc/health/ready")
    expected = {"Database not ready"}
    if backend.kind == "pgsql":
        expected.add("Database unavailable")
    assert assert_generic(r, 503)["message"] in expected, r
    server.assert_no_crash()

    log = server.log_text()
    secrets = [accounts["alice"].password, accounts.client_secrets["web"],
               tokens["accessToken"], tokens["refreshToken"],
               tokens["accessToken"].split(".")[2]]
    for s in secrets:
        assert s not in log, "a secret is in the error log"
    assert "answered 503" in log
