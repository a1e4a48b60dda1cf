"""Pieces shared by the tests of several nodes on one database: a PostgreSQL database of
a module's own, the issuer's published keys as a file for gateway nodes, and the
gateway location in front of the echo backend.

    db = pgsql_database(pg_server, "test_x", durable=True)    # PostgreSQL only
    path = jwks_file(client)        # then remove_jwks_file(path)
    extra, tail = GATEWAY_PROXY_MODULES, proxied_app(echo)
    assert_no_write_lost(backend, access_tokens)
"""
import json
import os
import shutil

from . import jose, pg, util
from .database import make_database

GATEWAY_PROXY_MODULES = [("proxy_module", "mod_proxy.so"), ("proxy_http_module", "mod_proxy_http.so"),
                         ("socache_shmcb_module", "mod_socache_shmcb.so"),
                         ("authz_user_module", "mod_authz_user.so")]


def pgsql_database(pg_server, name, durable=False):
    """A fresh, migrated PostgreSQL database for a module that runs on PostgreSQL only
    (the conftest's backend fixture would run it on SQLite too). durable: commits are
    on disk before they are answered (the suite's server runs with synchronous_commit
    off, which loses the last commits when the server crashes)."""
    db = make_database("pgsql", name, pg_server)
    if durable:
        pg_server.psql_admin("ALTER DATABASE %s SET synchronous_commit = on" % pg.DBNAME)
    db.admin().migrate()
    return db


def jwks_file(client):
    """The issuer's JWK Set written to a file other users can read; its path."""
    r = client.get("/.well-known/jwks.json")
    assert r.status == 200 and r.json["keys"], r
    d = util.make_tempdir("authsvc-jwks-")
    path = os.path.join(d, "jwks.json")
    with open(path, "w") as f:
        json.dump(r.json, f)
    os.chmod(path, 0o644)
    return path


def remove_jwks_file(path):
    shutil.rmtree(os.path.dirname(path), ignore_errors=True)


def proxied_app(echo):
    """/app proxied to the echo backend behind AuthType authsvc."""
    return ["ProxyPass /app http://127.0.0.1:%d/app" % echo.port,
            "<Location /app>", "    SetHandler none", "    AuthType authsvc",
            "    Require valid-user", "</Location>"]


def assert_no_write_lost(backend, access_tokens):
    """Every token pair answered with a 2xx (given by its access token) is stored, and no
    refresh family has two live members."""
    jtis = sorted({jose.claims_of(t)["jti"] for t in access_tokens})
    assert jtis, "no token pair was issued"
    stored = set()
    for i in range(0, len(jtis), 200):
        chunk = ",".join("'%s'" % j for j in jtis[i:i + 200])
        stored |= {row[0] for row in backend.query(
            "SELECT access_jti FROM refresh_tokens WHERE access_jti IN (%s)" % chunk)}
    assert stored == set(jtis), "answered 2xx but not stored: %s" % sorted(set(jtis) - stored)[:5]
    doubles = backend.query("SELECT family_id FROM refresh_tokens WHERE consumed_at IS NULL "
                            "AND revoked_at IS NULL GROUP BY family_id HAVING COUNT(*) > 1")
    assert doubles == [], doubles
