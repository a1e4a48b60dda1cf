"""An httpd child killed (SIGKILL) while it is inside a refresh-token rotation.

A refresh consumes the presented refresh token, revokes its access token and stores
the successor. Whatever moment the child dies at, the family must be left with exactly
one usable member: the old refresh token still valid (nothing was committed) or its
successor committed (everything was), never a consumed token without a successor
(the user silently logged out) and never two live tokens. No lock may stay held and
other requests must go on.

No fault point in C: the rotation is stopped from outside at a known statement.
- PostgreSQL: a psql session holds a lock that one statement of the rotation needs,
  at each of its three writes in turn (the refresh token's row lock at the consume, an
  uncommitted row with the same jti at the revocation, the user's row lock that the
  successor's foreign key check waits for). While the child waits, the node's children
  are killed; then the lock is released and the database is inspected.
- SQLite: other processes cannot stop a writer inside its transaction (the write lock
  is taken when it begins, and readers never block it). What can be shown is that a
  child killed while it waits for the write lock (held by the sqlite3 shell) leaves
  the token usable, and that kills at random moments under a refresh load (both
  databases) always leave one usable member per family.
"""
import hashlib
import random
import threading
import time

import pytest

from harness import faults
from harness.accounts import provisioned
from harness.faults import bearer, fresh, login

USERS = ["rt-%d" % i for i in range(4)]
WAIT_S = 10          # bound for every "until" loop of this module
SERVE_S = 2.0        # a request of another user while a child is stuck or dead


@pytest.fixture(scope="module")
def accounts(backend):
    with provisioned(backend, USERS) as acc:
        yield acc


@pytest.fixture(scope="module")
def killer(backend, accounts):
    return faults.ServerWithKills(backend, "test_faults_refresh-%s" % backend.kind,
                                  accounts.httpd_config())


@pytest.fixture(scope="module")
def server(killer):
    with killer as srv:
        yield srv


def refresh(server, pair, timeout=10.0):
    return fresh(server, timeout).post_json(
        "/auth/token-refresh", {"refreshToken": pair["refreshToken"]},
        headers=bearer(pair["accessToken"]))


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def family_state(backend, refresh_token):
    """(old token still usable, successors stored) of a refresh token's family."""
    h = token_hash(refresh_token)
    rows = backend.query("SELECT family_id, consumed_at, revoked_at, created_at "
                         "FROM refresh_tokens WHERE token_hash = '%s'" % h)
    assert len(rows) == 1, rows
    family, consumed, revoked, created = rows[0]
    usable = consumed == "" and revoked == ""
    successors = backend.query("SELECT token_hash FROM refresh_tokens WHERE family_id = '%s' "
                               "AND token_hash <> '%s' AND created_at >= %s"
                               % (family, h, created))
    return usable, len(successors)


def assert_one_usable_member(backend, refresh_token):
    usable, successors = family_state(backend, refresh_token)
    assert successors <= 1, successors
    assert usable != (successors == 1), (
        "old token usable: %s, successors stored: %d -- the family must keep exactly one"
        % (usable, successors))
    return usable


def assert_others_served(server, accounts, name, pair):
    """Another user's login and /auth/me answer 200 within SERVE_S."""
    t0 = time.monotonic()
    login(server, accounts, name)
    r = fresh(server).get("/auth/me", headers=bearer(pair["accessToken"]))
    assert r.status == 200, r
    took = time.monotonic() - t0
    assert took < SERVE_S, took


class InFlight(threading.Thread):
    """One request in a thread: its answer, or the exception that ended it."""

    def __init__(self, fn):
        super().__init__(daemon=True)
        self.fn, self.answer, self.error = fn, None, None
        self.start()

    def run(self):
        try:
            self.answer = self.fn()
        except Exception as e:  # noqa: BLE001 the connection dies with the child
            self.error = e


def until(predicate, what, limit_s=WAIT_S):
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("%s: not within %d s" % (what, limit_s))


# ---- PostgreSQL: stopped at each write of the rotation ---------------------------------

def hold_lock(session, backend, accounts, name, pair, where):
    """Takes, in the open psql session, the lock the rotation of pair waits for at
    `where`."""
    session.run("BEGIN;")
    if where == "consume":
        session.run("SELECT 1 FROM refresh_tokens WHERE token_hash = '%s' FOR UPDATE;"
                    % token_hash(pair["refreshToken"]))
    elif where == "revoke":
        jti = backend.query("SELECT access_jti FROM refresh_tokens WHERE token_hash = '%s'"
                            % token_hash(pair["refreshToken"]))[0][0]
        session.run("INSERT INTO revoked_tokens (jti, expires_at, revoked_at) "
                    "VALUES ('%s', 0, 0);" % jti)
    elif where == "store-successor":
        session.run("SELECT 1 FROM users WHERE id = '%s' FOR UPDATE;" % accounts[name].id)
    else:
        raise ValueError(where)


def waiting_on_a_lock(pg_server):
    return [s for s in faults.pg_sessions(pg_server) if s[2] == "Lock"]


@pytest.mark.parametrize("where", ["consume", "revoke", "store-successor"])
def test_pgsql_child_killed_while_its_refresh_waits_keeps_exactly_one_usable_token(
        server, killer, backend, accounts, pg_server, where):
    """PostgreSQL: the rotation waits for a lock at one of its writes, the node's
    children are killed, the lock is released: the old refresh token is valid XOR its
    successor is stored, no lock stays held, other users are served throughout."""
    if backend.kind != "pgsql":
        pytest.skip("PostgreSQL only: SQLite has no row locks to hold from outside")
    name = USERS[0]
    pair = login(server, accounts, name)
    other = login(server, accounts, USERS[1])
    session = faults.PgSession(pg_server)
    try:
        hold_lock(session, backend, accounts, name, pair, where)
        stuck = InFlight(lambda: refresh(server, pair, timeout=WAIT_S * 3))
        until(lambda: waiting_on_a_lock(pg_server), "the refresh waits for the lock")
        assert_others_served(server, accounts, USERS[1], other)
        killer.killed += faults.kill_children(server)
        stuck.join(WAIT_S)
        assert not stuck.is_alive() and stuck.answer is None, stuck.answer
    finally:
        session.run("ROLLBACK;")
        session.close()
    # the killed child's database session ends once it finds its client gone
    until(lambda: not waiting_on_a_lock(pg_server) and not faults.pg_locks_held(pg_server),
          "no lock left")
    idle_in_transaction = [s for s in faults.pg_sessions(pg_server)
                           if s[1].startswith("idle in transaction")]
    assert not idle_in_transaction, idle_in_transaction
    faults.wait_until_serving(server)
    usable = assert_one_usable_member(backend, pair["refreshToken"])
    if usable:
        # what the client does after a lost answer: try again, and it works
        r = refresh(server, pair)
        assert r.status == 200, r
    assert_others_served(server, accounts, USERS[1], other)
    print("[R-07] killed at %s: old token %s" % (where, "usable" if usable else "replaced"))


# ---- SQLite: killed while waiting for the write lock ------------------------------------

def test_sqlite_child_killed_while_its_refresh_waits_for_the_write_lock_keeps_the_token(
        server, killer, backend, accounts):
    """SQLite: the write lock is held by the sqlite3 shell, the refresh waits in the
    driver's busy retries (about 1.5 s), the children are killed in that wait: the old
    refresh token stays valid, nothing is stored, the lock holder's release lets writes
    go on, reads are served meanwhile."""
    if backend.kind != "sqlite":
        pytest.skip("SQLite only: PostgreSQL is held at each write by the test above")
    name = USERS[0]
    pair = login(server, accounts, name)
    other = login(server, accounts, USERS[1])
    lock = faults.SqliteWriteLock(backend.path)
    try:
        stuck = InFlight(lambda: refresh(server, pair))
        time.sleep(0.4)           # inside the busy wait (the driver gives up after ~1.5 s)
        r = fresh(server).get("/auth/me", headers=bearer(other["accessToken"]))
        assert r.status == 200, r
        killer.killed += faults.kill_children(server)
        stuck.join(WAIT_S)
        assert not stuck.is_alive(), "the refresh hangs"
    finally:
        lock.release()
    faults.wait_until_serving(server)
    if stuck.answer is not None:
        # the driver gave up before the kill: then it answered 503 and wrote nothing
        assert stuck.answer.status == 503, stuck.answer
    assert assert_one_usable_member(backend, pair["refreshToken"])
    r = refresh(server, pair)
    assert r.status == 200, r
    assert backend.query("PRAGMA integrity_check") == [["ok"]]
    assert_others_served(server, accounts, USERS[1], other)


# ---- both: kills at random moments under a refresh load ---------------------------------

class RefreshChains(faults.LoadThreads):
    """Threads that each log in once and then refresh in a chain; a refresh cut off by
    a kill (no answer) is remembered with the pair it presented, and the chain goes on
    with a new login."""

    def __init__(self, server, accounts, names):
        super().__init__(names)
        self.server, self.accounts = server, accounts
        self.cut = []            # refresh tokens presented by requests that got no answer
        self.answers = []        # statuses

    def run(self, name):
        pair, deadline = None, time.monotonic() + faults.FAULT_SECONDS + 30
        while not self.stop.is_set() and time.monotonic() < deadline:
            if pair is None:
                try:
                    pair = login(self.server, self.accounts, name)
                except Exception:  # noqa: BLE001 a login cut by a kill: not what is looked at
                    time.sleep(0.05)
                continue
            try:
                r = refresh(self.server, pair)
            except Exception:  # noqa: BLE001 killed under it
                with self.lock:
                    self.cut.append(pair["refreshToken"])
                pair = None
                time.sleep(0.05)
                continue
            with self.lock:
                self.answers.append(r.status)
            pair = r.json if r.status == 200 else None


def test_kills_at_random_moments_under_refresh_load_leave_one_usable_token_per_family(
        server, killer, backend, accounts):
    """Both databases: the node's children are killed at random moments while threads
    refresh in chains: every refresh cut off by a kill left its old token valid XOR a
    successor stored, no family has two live members, and nothing but kills cut a
    request (no 5xx)."""
    rng = random.Random(7)
    kills = 4
    with RefreshChains(server, accounts, USERS) as load:
        time.sleep(1.0)
        for _ in range(kills):
            time.sleep(rng.uniform(0.3, 1.5))
            killer.killed += faults.kill_children(server)
            faults.wait_until_serving(server)
        time.sleep(1.0)
    assert load.answers.count(200) >= 10, "too little load: %s" % load.answers[:20]
    assert set(load.answers) <= {200}, sorted(set(load.answers))
    for token in load.cut:
        assert_one_usable_member(backend, token)
    doubles = backend.query("SELECT family_id FROM refresh_tokens WHERE consumed_at IS NULL "
                            "AND revoked_at IS NULL GROUP BY family_id HAVING COUNT(*) > 1")
    assert doubles == [], doubles
    print("[R-07] %d kills, %d refreshes answered, %d cut off"
          % (kills, len(load.answers), len(load.cut)))


# ---- the code exchange: redeemed in the same transaction as the pair ---------------------

def test_pgsql_token_exchange_failed_midway_leaves_the_code_redeemable(
        server, backend, accounts, pg_server):
    """/auth/token redeems the auth code and stores the pair in one transaction: when the
    database fails after the redemption (here the session is ended while the pair's
    insert waits for the user's row lock), the answer is 503 and nothing is kept, so
    the client's retry with the same code gets the tokens (before, the code was spent
    on its own and the retry answered 401)."""
    if backend.kind != "pgsql":
        pytest.skip("PostgreSQL only: SQLite has no row locks to hold from outside")
    name = USERS[2]
    r = fresh(server).post_json("/auth/login", faults.login_body(accounts, name))
    assert r.status == 200, r
    body = {"code": r.json["code"], "clientId": "web"}
    session = faults.PgSession(pg_server)
    try:
        session.run("BEGIN;")
        session.run("SELECT 1 FROM users WHERE id = '%s' FOR UPDATE;" % accounts[name].id)
        stuck = InFlight(lambda: fresh(server, WAIT_S * 3).post_json("/auth/token", body))
        waiting = until(lambda: waiting_on_a_lock(pg_server), "the exchange waits for the lock")
        pg_server.query("SELECT pg_terminate_backend(%s)" % waiting[0][0])
        stuck.join(WAIT_S)
        assert not stuck.is_alive(), "the exchange hangs"
        assert stuck.answer is not None and stuck.answer.status == 503, (stuck.answer,
                                                                         stuck.error)
    finally:
        session.run("ROLLBACK;")
        session.close()
    faults.wait_until_serving(server)
    again = fresh(server).post_json("/auth/token", body)
    assert again.status == 200 and again.json["accessToken"], again
    # and it is single-use as ever
    assert fresh(server).post_json("/auth/token", body).status == 401
