"""SQLite faults under a running httpd: another process holding the write lock, and a
database file httpd's user cannot open.

- While another process holds the write lock, writes answer 503 with Retry-After
  within the busy wait (never 500, never a hang), reads go on (WAL), and once the lock
  is released the same requests succeed; nothing stored is lost.
- When the file cannot be opened (permissions changed, then a graceful restart makes
  new connections), every database route answers 503 with Retry-After, readiness
  answers 503, the outage is logged once per child and not once per request, and the
  service comes back within 5 s of the file being readable again, without a restart.

SQLite only (the PostgreSQL faults are in test_db_outage_pgsql.py)."""
import os
import signal
import time

import pytest

from harness.accounts import provisioned
from harness.client import HttpClient, assert_envelope
from harness.database import make_database
from harness.faults import SqliteWriteLock

RECOVERY_S = 5
CHILDREN = 2
BUSY_BOUND_S = 4.0      # our busy handler waits 1 s, then apr_dbd's driver retries 1.6 s
OUTAGE_LOGNO = "authsvc0206"
BACK_LOGNO = "authsvc0207"


@pytest.fixture(scope="module")
def backend():
    db = make_database("sqlite", "test_db_outage_sqlite", None)
    db.admin().migrate()
    yield db
    db.remove()


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


def fresh(server):
    return HttpClient("127.0.0.1", server.port, timeout=15.0)


def login_token(server, accounts):
    return fresh(server).post_json("/auth/login-token", login_body(accounts),
                                   headers={"Connection": "close"})


def test_write_lock_held_elsewhere_gives_503_then_recovers(server, accounts, backend):
    r = login_token(server, accounts)
    assert r.status == 200, r
    tokens = r.json
    users_before = backend.query("SELECT COUNT(*) FROM users")
    lock = SqliteWriteLock(backend.path)
    try:
        for _ in range(3):
            t0 = time.monotonic()
            r = login_token(server, accounts)
            took = time.monotonic() - t0
            assert_envelope(r, 503, "ServiceUnavailable")
            assert r.header("Retry-After"), r
            assert took <= BUSY_BOUND_S, took
        # reads go on while another process writes (WAL)
        r = fresh(server).get("/auth/me", headers={"Authorization": "Bearer "
                                                   + tokens["accessToken"]})
        assert r.status == 200, r
    finally:
        lock.release()
    r = login_token(server, accounts)
    assert r.status == 200, r
    assert backend.query("SELECT COUNT(*) FROM users") == users_before
    server.assert_no_crash()


def graceful_restart(server):
    """SIGUSR1: httpd replaces its children, which open new database connections."""
    os.kill(server.proc.pid, signal.SIGUSR1)
    deadline = time.monotonic() + 20
    time.sleep(1.0)
    while time.monotonic() < deadline:
        try:
            if fresh(server).get("/authsvc/health/live").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("httpd did not come back from a graceful restart")


def test_unopenable_file_gives_503_logged_once_then_recovers(server, accounts, backend):
    offset = len(server.log_text())
    mode = os.stat(backend.dbdir).st_mode & 0o777
    os.chmod(backend.dbdir, 0o000)
    try:
        graceful_restart(server)
        for _ in range(20):
            r = login_token(server, accounts)
            assert_envelope(r, 503, "ServiceUnavailable")
            assert r.header("Retry-After"), r
        r = fresh(server).get("/authsvc/health/ready")
        assert r.status == 503, r
        assert r.header("Retry-After"), r
        assert fresh(server).get("/authsvc/health/live").status == 200
    finally:
        os.chmod(backend.dbdir, mode)
    start = time.monotonic()
    streak = 0
    while streak < 10:
        assert time.monotonic() - start < RECOVERY_S, "not back within %d s" % RECOVERY_S
        streak = streak + 1 if login_token(server, accounts).status == 200 else 0
    log = server.log_text()[offset:]
    outage = [l for l in log.splitlines() if OUTAGE_LOGNO in l]
    assert 1 <= len(outage) <= CHILDREN, outage
    assert "answered 503" not in log, "the outage was logged per request"
    assert BACK_LOGNO in log
    server.assert_no_crash()
