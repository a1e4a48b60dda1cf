"""PostgreSQL restarts and outages under running httpd nodes: the database down, and
restarted while idle and under load.

Two nodes (httpd A and B, two children each) share one PostgreSQL database. The server
is restarted in `fast` and `immediate` modes while the nodes are idle and while a mixed
load runs (logins, refreshes, /auth/me), its sessions are ended from the server side
(pg_terminate_backend), and it is stopped and started again. What must hold:

- after the database is back, every node answers database routes again within 5 s,
  without an httpd restart: a pooled connection whose session the server ended is
  reconnected and its statements prepared again, never reused as it is ("prepared
  statement ... does not exist" must never reach the log);
- while it is down: 503 with Retry-After (never 500), readiness 503, and one log line
  per child for the outage, not one per request;
- every token pair answered 2xx during the restart is stored, and no refresh family
  has two live members;
- revocations keep reaching the other node through the poll after a restart.

This module runs on PostgreSQL only (the SQLite faults are in test_db_outage_sqlite.py);
it restarts the session's PostgreSQL server and always leaves it running."""
import os
import re
import subprocess
import threading
import time

import pytest

from harness import util
from harness.accounts import provisioned
from harness.client import HttpClient, assert_envelope
from harness.nodes import (GATEWAY_PROXY_MODULES, assert_no_write_lost, pgsql_database,
                           proxied_app)

RECOVERY_S = 5          # the bound the service promises after the database is back
CHILDREN = 2            # StartServers of the harness's httpd
POLL_S = 1              # AuthsvcGatewayRevocationPoll of node B in this module
OUTAGE_LOGNO = "authsvc0206"
BACK_LOGNO = "authsvc0207"
LOST_STATEMENT = re.compile(r"prepared statement .* does not exist")



@pytest.fixture(scope="module")
def backend(pg_server):
    """This module's own fresh PostgreSQL database (the conftest's backend fixture would
    also run it on SQLite)."""
    yield pgsql_database(pg_server, "test_db_outage_pgsql", durable=True)


@pytest.fixture(scope="module")
def accounts(backend):
    with provisioned(backend, ["load-a", "load-b"]) as acc:
        yield acc


@pytest.fixture(scope="module")
def httpd_extra_config(accounts):
    return accounts.httpd_config()


@pytest.fixture(scope="module")
def node_b(httpd_factory, accounts, server, echo):
    extra = list(accounts.httpd_config()) + ["AuthsvcGatewayRevocationPoll %d" % POLL_S,
                                             "AuthsvcGatewayIssuer %s" % server.issuer]
    srv = httpd_factory("b", extra, modules_before=GATEWAY_PROXY_MODULES,
                        tail_config=proxied_app(echo))
    return srv


@pytest.fixture(scope="module")
def nodes(server, node_b):
    return [server, node_b]


@pytest.fixture(autouse=True)
def database_running(pg_server):
    """Whatever a test does to the server, the next one finds it running."""
    yield
    try:
        pg_server.psql_admin("SELECT 1")
    except Exception:
        pg_server.resume()


def login_body(accounts, name="alice"):
    return {"client_id": "web", "client_secret": accounts.client_secrets["web"],
            "username": name, "password": accounts[name].password}


def fresh(node):
    """A client on a new connection per request, so that requests spread over children."""
    return HttpClient("127.0.0.1", node.port, timeout=10.0)


def login_token(node, accounts, name="alice"):
    return fresh(node).post_json("/auth/login-token", login_body(accounts, name),
                                 headers={"Connection": "close"})


def warm(nodes, accounts, rounds=12):
    """Every child of every node holds pooled connections that have served requests."""
    for node in nodes:
        for _ in range(rounds):
            r = login_token(node, accounts)
            assert r.status == 200, r


def log_offset(nodes):
    return [len(n.log_text()) for n in nodes]


def new_log(nodes, offsets):
    return "".join(n.log_text()[off:] for n, off in zip(nodes, offsets))


def assert_all_serve(nodes, accounts, count=20):
    """count logins on fresh connections per node, all 200."""
    for node in nodes:
        statuses = [login_token(node, accounts).status for _ in range(count)]
        assert statuses == [200] * count, (node.port, statuses)


def statuses_until_back(nodes, accounts, limit_s):
    """Logins on every node, in turns, until each node answered 200 five times in a
    row; returns (seconds it took, every status seen). Fails after limit_s."""
    start = time.monotonic()
    seen, streak = [], {n.port: 0 for n in nodes}
    while min(streak.values()) < 5:
        assert time.monotonic() - start < limit_s, ("not back within %d s" % limit_s, seen)
        for node in nodes:
            status = login_token(node, accounts).status
            seen.append(status)
            streak[node.port] = streak[node.port] + 1 if status == 200 else 0
    return time.monotonic() - start, seen


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_restart_while_idle_is_invisible_within_the_bound(nodes, accounts, pg_server, mode):
    warm(nodes, accounts)
    offsets = log_offset(nodes)
    pg_server.restart(mode)
    took, seen = statuses_until_back(nodes, accounts, RECOVERY_S)
    assert set(seen) <= {200, 503}, seen
    assert_all_serve(nodes, accounts)
    log = new_log(nodes, offsets)
    assert not LOST_STATEMENT.search(log), "a connection was reused without its statements"
    for node in nodes:
        node.assert_no_crash()
    for node in nodes:
        r = fresh(node).get("/authsvc/health/ready")
        assert r.status == 200, r


def test_a_transaction_begun_on_an_ended_session_is_refused_not_a_crash(backend):
    """apr_dbd's PostgreSQL driver writes through a NULL transaction record when BEGIN
    fails; the pool lends a connection whose session the server ended since (a restart
    under load), so the first BEGIN on it fails. The probe ends its own session from a
    second connection, then begins: 503-worthy UNAVAILABLE, no crash, and the next
    BEGIN runs on a new session."""
    probe = os.path.join(util.BUILD, "t", "unit", "pgsql_begin_probe")
    subprocess.run(["make", "-s", "t/unit/pgsql_begin_probe"], cwd=util.BUILD, check=True,
                   stdout=subprocess.DEVNULL)
    out = subprocess.run([probe, backend.params], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, "exit %d\n%s%s" % (out.returncode, out.stdout, out.stderr)
    assert out.stdout.count("ok: ") == 5, out.stdout


def test_sessions_ended_by_the_server_are_reconnected(nodes, accounts, pg_server):
    warm(nodes, accounts)
    offsets = log_offset(nodes)
    pg_server.terminate_sessions()
    took, seen = statuses_until_back(nodes, accounts, RECOVERY_S)
    assert set(seen) <= {200, 503}, seen
    assert_all_serve(nodes, accounts)
    assert not LOST_STATEMENT.search(new_log(nodes, offsets))


class MixedLoad:
    """Threads that log in, refresh and call /auth/me on both nodes until stopped;
    every answer is kept with its time."""

    def __init__(self, nodes, accounts, threads=4):
        self.nodes, self.accounts = nodes, accounts
        self.results = []          # (monotonic time, route, status)
        self.issued = []           # access tokens of every 2xx that wrote a token pair
        self.lock = threading.Lock()
        self.stop_flag = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True)
                        for i in range(threads)]

    def _note(self, route, status):
        with self.lock:
            self.results.append((time.monotonic(), route, status))

    def _call(self, route, fn):
        try:
            r = fn()
        except Exception:   # a refused or reset connection: the node itself failed
            self._note(route, 0)
            return None
        self._note(route, r.status)
        if route in ("login", "refresh") and r.status == 200:
            with self.lock:
                self.issued.append(r.json["accessToken"])
        return r

    def _run(self, i):
        node = self.nodes[i % len(self.nodes)]
        names = ["load-a", "load-b"]
        pair = None
        deadline = time.monotonic() + 60        # bounded whatever happens
        while not self.stop_flag.is_set() and time.monotonic() < deadline:
            name = names[i % 2]
            if pair is None:
                r = self._call("login", lambda: login_token(node, self.accounts, name))
                if r is not None and r.status == 200:
                    pair = r.json
                continue
            at, rt = pair["accessToken"], pair["refreshToken"]
            self._call("me", lambda: fresh(node).get(
                "/auth/me", headers={"Authorization": "Bearer " + at, "Connection": "close"}))
            r = self._call("refresh", lambda: fresh(node).post_json(
                "/auth/token-refresh", {"refreshToken": rt},
                headers={"Authorization": "Bearer " + at, "Connection": "close"}))
            pair = r.json if r is not None and r.status == 200 else None

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop_flag.set()
        for t in self.threads:
            t.join(timeout=30)


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_restart_under_load_recovers_within_the_bound(nodes, accounts, pg_server, backend, mode):
    warm(nodes, accounts, rounds=4)
    offsets = log_offset(nodes)
    with MixedLoad(nodes, accounts) as load:
        time.sleep(1.0)
        pg_server.restart(mode)
        back_at = time.monotonic()
        time.sleep(RECOVERY_S + 2.0)
    results = load.results
    statuses = {s for _, _, s in results}
    assert statuses <= {200, 503}, sorted(statuses)
    after = [(route, s) for t, route, s in results if t > back_at + RECOVERY_S]
    assert len(after) >= 20, "too little load after recovery: %d" % len(after)
    bad = [(route, s) for route, s in after if s != 200]
    assert not bad, (bad, len(after))
    log = new_log(nodes, offsets)
    assert not LOST_STATEMENT.search(log)
    for node in nodes:
        node.assert_no_crash()
    assert_no_write_lost(backend, load.issued)
    outage_503 = sum(1 for _, _, s in results if s == 503)
    print("restart %s under load: %d requests, %d answered 503" % (mode, len(results),
                                                                    outage_503))


def test_outage_answers_503_logs_once_per_child_and_recovers(nodes, accounts, pg_server):
    warm(nodes, accounts)
    offsets = log_offset(nodes)
    pg_server.halt("fast")
    try:
        down = []
        for _ in range(15):
            for node in nodes:
                r = login_token(node, accounts)
                assert_envelope(r, 503, "ServiceUnavailable")
                assert r.header("Retry-After"), r
                down.append(r)
        for node in nodes:
            r = fresh(node).get("/authsvc/health/ready")
            assert r.status == 503, r
            assert r.header("Retry-After"), r
            assert fresh(node).get("/authsvc/health/live").status == 200
    finally:
        pg_server.resume()
    took, seen = statuses_until_back(nodes, accounts, RECOVERY_S)
    assert_all_serve(nodes, accounts)
    log = new_log(nodes, offsets)
    outage_lines = [l for l in log.splitlines() if OUTAGE_LOGNO in l]
    # once per child and outage (2 children per node), not once per request (30 requests)
    assert 1 <= len(outage_lines) <= CHILDREN * len(nodes), outage_lines
    assert "answered 503" not in log, "the outage was logged per request"
    assert BACK_LOGNO in log
    assert not LOST_STATEMENT.search(log)
    print("stop/start: back after %.2f s" % took)


def test_revocations_reach_the_other_node_after_a_restart(nodes, accounts, pg_server, echo):
    node_a, node_b = nodes
    warm(nodes, accounts, rounds=4)
    pg_server.restart("fast")
    statuses_until_back(nodes, accounts, RECOVERY_S)
    r = login_token(node_a, accounts)
    assert r.status == 200, r
    at = r.json["accessToken"]
    app = lambda: fresh(node_b).get("/app/x", headers={"Authorization": "Bearer " + at,
                                                      "Connection": "close"})
    assert app().status == 200
    r = fresh(node_a).post_json("/logout", {"refreshToken": r.json["refreshToken"]},
                                headers={"Authorization": "Bearer " + at})
    assert r.status in (200, 204), r
    deadline = time.monotonic() + POLL_S + 3
    while app().status != 401:
        assert time.monotonic() < deadline, "node B still accepts a token revoked on node A"
        time.sleep(0.2)


def test_writes_answered_before_a_crash_survive_it(nodes, accounts, pg_server, backend):
    """The postmaster killed (SIGKILL) right after 2xx answers: the rows they wrote are
    there after crash recovery (commits are durable before the answer)."""
    node = nodes[0]
    pair = login_token(node, accounts).json
    r = fresh(node).post_json("/auth/token-refresh", {"refreshToken": pair["refreshToken"]},
                              headers={"Authorization": "Bearer " + pair["accessToken"]})
    assert r.status == 200, r
    issued = [pair["accessToken"], r.json["accessToken"]]
    pg_server.kill_postmaster()
    pg_server.resume()
    statuses_until_back(nodes, accounts, RECOVERY_S)
    assert_no_write_lost(backend, issued)
    # the rotated pair is the live one: the new refresh token works, the old one does not
    r2 = fresh(node).post_json("/auth/token-refresh", {"refreshToken": r.json["refreshToken"]},
                               headers={"Authorization": "Bearer " + r.json["accessToken"]})
    assert r2.status == 200, r2
