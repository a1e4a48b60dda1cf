"""SQLite with a full disk: the database directory is a small tmpfs the test mounts,
filled to the last byte by another file while httpd runs.

What the service must do then: every request that writes (logins included: they store
tokens, counters and activity) answers the generic JSON 503 with Retry-After at once,
never a 500 or a hang; what only reads goes on (/auth/me and the gateway with tokens
issued before, the JWKS, health); a write refused half-way leaves nothing half-done (the
refresh token presented still works afterwards); the database passes `PRAGMA
integrity_check`; and once space is freed, writes work again without a restart.

SQLite only (PostgreSQL's own disk handling is not the module's); needs root to mount
the tmpfs, and is skipped with the reason otherwise."""
import errno
import os
import subprocess
import time

import pytest

from harness import faults, util
from harness.accounts import provisioned
from harness.client import assert_envelope
from harness.database import SqliteDatabase
from harness.faults import bearer, fresh, login_body

TMPFS_SIZE = "16m"
ANSWER_S = 2.0          # a refused write answers within this (no wait for space)
RECOVERY_S = 5


def _mount_tmpfs(path):
    """Mounts a tmpfs of TMPFS_SIZE on path, owned by httpd's user; None, or why not."""
    if not util.IS_ROOT:
        return "mounting a tmpfs needs root"
    import pwd
    pw = pwd.getpwnam(util.HTTPD_USER)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0755,uid=%d,gid=%d"
                        % (TMPFS_SIZE, pw.pw_uid, pw.pw_gid), "tmpfs", path],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return None if r.returncode == 0 else "mount -t tmpfs failed: %s" % r.stdout.strip()


@pytest.fixture(scope="module")
def backend():
    db = SqliteDatabase("test_faults_sqlite")
    why = _mount_tmpfs(db.dbdir)
    if why:
        db.remove()
        pytest.skip("SQLite disk-full test: %s" % why)
    try:
        db.admin().migrate()
        yield db
    finally:
        if subprocess.run(["umount", db.dbdir]).returncode != 0:
            subprocess.run(["umount", "-l", db.dbdir])
        db.remove()


@pytest.fixture(scope="module")
def accounts(backend):
    with provisioned(backend) as acc:
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


def fill(directory):
    """Writes a file into directory until the file system has no byte left; returns
    its path."""
    path = os.path.join(directory, "filler")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (1 << 20, 1 << 16, 4096, 512, 1):
            block = b"\0" * size
            while True:
                try:
                    os.write(fd, block)
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    break
    finally:
        os.close(fd)
    st = os.statvfs(directory)
    assert st.f_bavail == 0, st
    return path


def timed(fn):
    t0 = time.monotonic()
    r = fn()
    return r, time.monotonic() - t0


def assert_refused_cleanly(r, took):
    assert_envelope(r, 503, "ServiceUnavailable")
    assert r.header("Retry-After"), r
    assert took < ANSWER_S, (took, r)


def test_full_disk_refuses_writes_with_503_serves_reads_stays_intact_and_recovers(
        server, accounts, backend):
    """Disk full under a running httpd: writes (logins, refresh, logout) answer the
    JSON 503 within 2 s, reads (/auth/me, gateway, JWKS, health) answer 200, the
    refused refresh leaves its token usable, integrity_check is ok while full and after,
    and writes work again within 5 s of space being freed."""
    c = fresh(server)
    pair = c.post_json("/auth/login-token", login_body(accounts)).json
    other = c.post_json("/auth/login-token", login_body(accounts, "dave")).json
    offset = len(server.log_text())
    # an empty write-ahead log: the next commit must grow it, which the full disk refuses
    busy = backend.query("PRAGMA wal_checkpoint(TRUNCATE)")
    assert busy and busy[0][0] == "0", busy
    filler = fill(backend.dbdir)
    try:
        writes = {
            "login-token": lambda: c.post_json("/auth/login-token", login_body(accounts)),
            "login": lambda: c.post_json("/auth/login", login_body(accounts)),
            "refresh": lambda: c.post_json("/auth/token-refresh",
                                           {"refreshToken": pair["refreshToken"]},
                                           headers=bearer(pair["accessToken"])),
            "logout": lambda: c.post_json("/logout", {"refreshToken": other["refreshToken"]},
                                          headers=bearer(other["accessToken"])),
        }
        for name, call in writes.items():
            r, took = timed(call)
            assert_refused_cleanly(r, took)
        for path, headers in (("/auth/me", bearer(pair["accessToken"])),
                              ("/app/x", bearer(pair["accessToken"])),
                              ("/auth/me", bearer(other["accessToken"])),
                              ("/.well-known/jwks.json", None),
                              ("/authsvc/health/live", None),
                              ("/authsvc/health/ready", None)):
            r, took = timed(lambda: c.get(path, headers=headers))
            assert r.status == 200, (path, r)
            assert took < ANSWER_S, (path, took)
        assert backend.query("PRAGMA integrity_check") == [["ok"]]
    finally:
        os.unlink(filler)
    start = time.monotonic()
    while True:
        r = c.post_json("/auth/login-token", login_body(accounts))
        if r.status == 200:
            break
        assert r.status == 503, r
        assert time.monotonic() - start < RECOVERY_S, "writes not back within %d s" % RECOVERY_S
        time.sleep(0.2)
    # the refused refresh and logout changed nothing: both tokens still work
    r = c.post_json("/auth/token-refresh", {"refreshToken": pair["refreshToken"]},
                    headers=bearer(pair["accessToken"]))
    assert r.status == 200, r
    r = c.post_json("/logout", {"refreshToken": other["refreshToken"]},
                    headers=bearer(other["accessToken"]))
    assert r.status == 200, r
    assert backend.query("PRAGMA integrity_check") == [["ok"]]
    log = server.log_text()[offset:]
    # each refusal is one error line naming the cause (SQLite's own words)
    refused = [l for l in log.splitlines() if "answered 503" in l]
    assert len(refused) == len(writes), refused
    assert all("database or disk is full" in l for l in refused), refused
    server.assert_no_crash()
