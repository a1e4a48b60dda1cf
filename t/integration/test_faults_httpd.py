"""httpd itself under faults, on SQLite and PostgreSQL, with the gateway on the same
node (its verified-token cache and revocation set live in shared memory):

- graceful restarts (SIGUSR1, what `apachectl -k graceful` sends) every 2 s for
  AUTHSVC_FAULT_SECONDS (default 20; e.g. 60 for a long run) under a load of logins,
  refreshes and /auth/me: no request fails, the parent's file descriptors and memory
  do not grow, the children's descriptors and the PostgreSQL sessions stay bounded, and
  tokens issued before the restarts still work after them;
- the whole httpd killed (SIGKILL to the parent and every child) and started again
  with the same config and ServerRoot, twice: it starts without errors despite what
  the dead one left behind (pid file, mutex and shared-memory files), the keys are the
  same, and tokens issued before still work (API, refresh and gateway)."""
import os
import re
import signal
import time

import pytest

from harness import faults, jose
from harness.accounts import provisioned
from harness.faults import bearer, fresh, login

USERS = ["load-%d" % i for i in range(3)]
RESTART_EVERY_S = 2.0
CHILDREN = 2                  # StartServers and ServerLimit of the harness
DBD_MAX = 8                   # DBDMax of the harness
# Start-up lines that are errors; httpd's warning about the stale pid file of a killed
# run (AH00098 ... "Unclean shutdown of previous Apache run?") is expected and allowed.
START_ERROR = re.compile(r"\[(?:[a-z_]+:)?(?:emerg|alert|crit|error)\]")


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


def assert_pair_works(server, pair):
    """The access token passes the API and the gateway, and the refresh token turns
    into a new pair; returns the new pair."""
    c, auth = fresh(server), bearer(pair["accessToken"])
    r = c.get("/auth/me", headers=auth)
    assert r.status == 200, r
    r = c.get("/app/x", headers=auth)
    assert r.status == 200, r
    r = c.post_json("/auth/token-refresh", {"refreshToken": pair["refreshToken"]}, headers=auth)
    assert r.status == 200, r
    return r.json


class Resources:
    """What the node holds: the parent's descriptors and RSS, each child's descriptors,
    and the database sessions of the authsvc role (PostgreSQL)."""

    def __init__(self, server, pg_server):
        pid = server.proc.pid
        self.parent_fds = faults.fd_count(pid)
        self.parent_rss_kib = faults.rss_kib(pid)
        self.children = faults.children(pid)
        self.child_fds = [faults.fd_count(c) for c in self.children]
        self.pg_sessions = len(faults.pg_sessions(pg_server)) if pg_server else None

    def __repr__(self):
        return ("parent fds %d, parent RSS %d KiB, children %s with fds %s, PostgreSQL "
                "sessions %s" % (self.parent_fds, self.parent_rss_kib, self.children,
                                 self.child_fds, self.pg_sessions))


def settled(server, pg_server):
    """Resources once the children of earlier generations have exited and the new
    ones answer (each child warmed by a few requests)."""
    deadline = time.monotonic() + 20
    while len(faults.children(server.proc.pid)) > CHILDREN:
        assert time.monotonic() < deadline, "old children do not exit"
        time.sleep(0.1)
    faults.wait_until_serving(server)
    for _ in range(8):
        fresh(server).get("/authsvc/health/ready")
    time.sleep(0.5)
    return Resources(server, pg_server)


def graceful(server):
    os.kill(server.proc.pid, signal.SIGUSR1)


def test_graceful_restarts_under_load_lose_no_request_and_leak_nothing(
        server, accounts, backend, request):
    """SIGUSR1 every 2 s under a login/refresh/me load: every request answers 200 (no
    5xx, no reset connection); afterwards the parent holds the same number of file
    descriptors and no more memory, each child's descriptors and the PostgreSQL
    sessions stay within their bounds, and a token pair issued before still works."""
    pg_server = request.getfixturevalue("pg_server") if backend.kind == "pgsql" else None
    before_pair = login(server, accounts)
    graceful(server)          # the first restart allocates what every later one reuses
    before = settled(server, pg_server)
    restarts = 0
    with faults.SessionLoad(server, accounts, USERS) as load:
        end = time.monotonic() + faults.FAULT_SECONDS
        while time.monotonic() < end:
            time.sleep(RESTART_EVERY_S)
            graceful(server)
            restarts += 1
        time.sleep(1.0)
    after = settled(server, pg_server)
    counts = load.statuses()
    print("[R-06] %s: %d graceful restarts in %.0f s, answers %s\n  before: %r\n  after:  %r"
          % (backend.kind, restarts, faults.FAULT_SECONDS, counts, before, after))
    assert counts.get(200, 0) >= 20 * len(USERS), counts
    assert not load.failures(), load.failures()[:10]
    assert after.parent_fds == before.parent_fds, (before, after)
    assert after.parent_rss_kib <= before.parent_rss_kib + 2048, (before, after)
    # the children are new ones; each holds at most what its connection pool can grow to
    assert 1 <= len(after.children) <= CHILDREN, after
    assert max(after.child_fds) <= max(before.child_fds) + 2 * DBD_MAX, (before, after)
    if pg_server:
        # no session outlives its child: per live child at most DBDMax pooled
        # connections and the revocation listener
        assert after.pg_sessions <= len(after.children) * (DBD_MAX + 1), after
    assert_pair_works(server, before_pair)
    server.assert_no_crash()


def kill_everything(server):
    """SIGKILL to the parent and every child at once (httpd runs in its own process
    group), as a power cut or the OOM killer would."""
    os.killpg(server.proc.pid, signal.SIGKILL)
    server.proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(server.proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError("processes of the killed httpd are still there")


def test_whole_httpd_killed_starts_again_with_its_keys_and_tokens(server, accounts, backend):
    """SIGKILL to all of httpd, then a start with the same config and ServerRoot, twice:
    no error at start-up (only the stale-pid-file warning), the JWKS is the same, and a
    token pair issued before each kill passes the API and the gateway and refreshes."""
    jwks = fresh(server).get("/.well-known/jwks.json").json
    kid = jose.header_of(login(server, accounts)["accessToken"])["kid"]
    pair = login(server, accounts)
    for round_ in range(2):
        pair = assert_pair_works(server, pair)         # cached by the gateway, refreshed
        leftovers = sorted(os.listdir(os.path.join(server.dir, "run")))
        offset = len(server.log_text())
        kill_everything(server)
        server.start_again()
        log = server.log_text()[offset:]
        errors = [l for l in log.splitlines() if START_ERROR.search(l)]
        assert not errors, "start-up after a kill (left in run/: %s):\n%s" % (
            leftovers, "\n".join(errors))
        assert fresh(server).get("/.well-known/jwks.json").json == jwks
        assert fresh(server).get("/authsvc/health/ready").status == 200
        pair = assert_pair_works(server, pair)
        assert jose.header_of(pair["accessToken"])["kid"] == kid
        print("[R-13] %s: kill %d, run/ held %s" % (backend.kind, round_ + 1, leftovers))
    server.assert_no_crash()
