"""authsvc-admin client oidc against SQLite and PostgreSQL: a client's OpenID Connect
registration set, replaced, shown and removed; bad input exits 2 (usage) or 1 with one
line on stderr and the database exactly as it was."""
import json
import uuid

import pytest

from harness.database import row_counts


def uniq(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:10])


@pytest.fixture(scope="module")
def admin(backend):
    return backend.admin()


@pytest.fixture
def client(admin):
    cid = uniq("rp")
    admin.run("client", "add", "--client-id", cid).check()
    return cid


def show(admin, cid):
    return json.loads(admin.run("client", "show", "--client-id", cid, "--json").check().stdout)


def test_help(admin):
    for flag in ("--help", "-h"):
        r = admin.run("client", "oidc", flag).check()
        assert r.stdout.startswith("usage: ") and "client oidc" in r.stdout.splitlines()[0], r
        assert "--redirect-uri" in r.stdout and r.stderr == "", r
    assert "client oidc" in admin.run("--help", global_args=False).check().stdout


def test_register_replace_show_remove(admin, backend, client):
    before = show(admin, client)
    assert not any(k.startswith("oidc_") for k in before), before
    r = admin.run("client", "oidc", "--client-id", client,
                  "--redirect-uri", "https://rp.example/cb",
                  "--redirect-uri", "https://rp.example/cb2?x=1",
                  "--redirect-uri", "https://rp.example/cb",
                  "--post-logout-uri", "https://rp.example/bye").check()
    assert "registered client '%s'" % client in r.stdout, r
    got = show(admin, client)
    assert got["oidc_grant_types"] == "authorization_code refresh_token", got
    assert sorted(got["oidc_redirect_uris"]) == ["https://rp.example/cb",
                                                 "https://rp.example/cb2?x=1"], got
    assert got["oidc_post_logout_uris"] == ["https://rp.example/bye"], got
    text = admin.run("client", "show", "--client-id", client).check().stdout
    assert "oidc_grant_types: authorization_code refresh_token\n" in text, text
    assert "oidc_post_logout_uris: https://rp.example/bye\n" in text, text
    # a second call replaces the whole registration
    admin.run("client", "oidc", "--client-id", client, "--grant-types",
              "client_credentials,refresh_token").check()
    got = show(admin, client)
    assert got["oidc_grant_types"] == "client_credentials refresh_token", got
    assert got["oidc_redirect_uris"] == [] and got["oidc_post_logout_uris"] == [], got
    assert backend.query("SELECT count(*) FROM oidc_client_uris WHERE client_id = '%s'"
                         % client) == [["0"]]
    r = admin.run("client", "oidc", "--client-id", client, "--remove").check()
    assert "removed" in r.stdout, r
    assert show(admin, client) == before
    assert backend.query("SELECT count(*) FROM oidc_clients WHERE client_id = '%s'"
                         % client) == [["0"]]


@pytest.mark.parametrize("args,code,message", [
    (["--redirect-uri", "ftp://rp.example/cb"], 2, "--redirect-uri"),
    (["--redirect-uri", "https://rp.example/cb#frag"], 2, "--redirect-uri"),
    (["--redirect-uri", "/relative"], 2, "--redirect-uri"),
    (["--redirect-uri", "https://rp.example/cb", "--post-logout-uri", "nope"], 2,
     "--post-logout-uri"),
    (["--grant-types", "implicit", "--redirect-uri", "https://rp.example/cb"], 2,
     "--grant-types"),
    (["--grant-types", "", "--redirect-uri", "https://rp.example/cb"], 2, "--grant-types"),
    ([], 2, "--redirect-uri"),                                    # code flow needs one
    (["--remove", "--redirect-uri", "https://rp.example/cb"], 2, "--remove"),
    (["--bogus"], 2, "bogus"),
])
def test_bad_input_changes_nothing(admin, backend, client, args, code, message):
    counts = row_counts(backend)
    r = admin.run("client", "oidc", "--client-id", client, *args)
    assert r.returncode == code, r
    assert message in r.stderr and r.stderr.count("\n") == 1 and r.stdout == "", r
    assert row_counts(backend) == counts


def test_unknown_client_and_public_client_credentials_fail(admin, backend):
    counts = row_counts(backend)
    r = admin.run("client", "oidc", "--client-id", uniq("nobody"),
                  "--redirect-uri", "https://rp.example/cb")
    assert r.returncode == 1 and "unknown client" in r.stderr, r
    pub = uniq("pub")
    admin.run("client", "add", "--client-id", pub, "--public").check()
    counts = row_counts(backend)
    r = admin.run("client", "oidc", "--client-id", pub, "--grant-types", "client_credentials")
    assert r.returncode == 1 and "public" in r.stderr, r
    assert row_counts(backend) == counts
    admin.run("client", "oidc", "--client-id", pub,
              "--redirect-uri", "http://127.0.0.1:8080/cb").check()
    assert show(admin, pub)["oidc_redirect_uris"] == ["http://127.0.0.1:8080/cb"]


def test_client_delete_removes_the_registration(admin, backend, client):
    admin.run("client", "oidc", "--client-id", client,
              "--redirect-uri", "https://rp.example/cb").check()
    admin.run("client", "delete", "--client-id", client).check()
    assert backend.query("SELECT count(*) FROM oidc_client_uris WHERE client_id = '%s'"
                         % client) == [["0"]]
