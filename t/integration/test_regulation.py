"""Brute-force regulation of password logins through a real httpd, on SQLite and
PostgreSQL (docs/design.md section 5): rows T-47 (per-account lockout that
grows and resets), T-48 (the same attack spread over 50 client addresses, with spoofed
X-Forwarded-For), T-49 (password spraying from one address: 429 with Retry-After), and
`authsvc-admin user unlock`.

The limits here are small so that the tests are quick: a username locks after 3
failures for 2 s, doubling up to 8 s; an address is refused after 20 failures in 60 s.
Each test uses its own client addresses (127.0.0.x; Linux routes all of 127/8 to the
loopback) and usernames, so their counters do not mix."""
import re
import threading
import time
import uuid

import pytest

from harness.accounts import provisioned
from harness.client import HttpClient, assert_envelope

LOCK_FAILURES, LOCK_WAIT, LOCK_MAX = 3, 2, 8
IP_FAILURES, IP_WINDOW = 20, 60
# the defaults (docs/design.md section 5), on the nodes of the race tests
DEFAULT_LOCK, DEFAULT_IP = 5, 50
DEFAULT_LIMITS = ["AuthsvcAccountLockout 5 60 900", "AuthsvcIpLoginLimit 50 300"]
RACE_GUESSES = 150


@pytest.fixture(scope="module")
def accounts(backend):
    with provisioned(backend, ["mallory-target", "spread-target", "unlock-me", "reset-me",
                               "race-target", "owner-target", "stale-owner"]) as acc:
        yield acc


@pytest.fixture(scope="module")
def httpd_extra_config(accounts):
    return accounts.httpd_config(limits=[
        "AuthsvcAccountLockout %d %d %d" % (LOCK_FAILURES, LOCK_WAIT, LOCK_MAX),
        "AuthsvcIpLoginLimit %d %d" % (IP_FAILURES, IP_WINDOW)])


def login(client, accounts, username, password, source, headers=None):
    body = {"client_id": "web", "client_secret": accounts.client_secrets["web"],
            "username": username, "password": password}
    return client.post_json("/auth/login", body, source=source, headers=headers)


def right(accounts, username):
    return accounts[username].password


def locked_for_ms(backend, username):
    rows = backend.query("SELECT locked_until FROM login_attempts "
                         "WHERE scope = 'account' AND subject = '%s'" % username)
    return int(rows[0][0]) - int(time.time() * 1000) if rows else None


def lock_set_by(attempt, backend, username):
    """The account lock's length as set by attempt: (shortest, longest) it can be, in ms,
    from the database's locked_until and the clock read before and after the request
    (the server takes its time in between; the same clock, so no skew)."""
    before = int(time.time() * 1000)
    attempt()
    after = int(time.time() * 1000)
    rows = backend.query("SELECT locked_until FROM login_attempts "
                         "WHERE scope = 'account' AND subject = '%s'" % username)
    assert rows, "no lock for %s" % username
    until = int(rows[0][0])
    return until - after, until - before


def assert_refused(r):
    # a lock answers exactly like a wrong password: nothing tells it apart
    assert_envelope(r, 401, "InvalidCredentials")
    assert r.header("Retry-After") is None, r


# ---- T-47: per account ------------------------------------------------------------------

def test_lockout_refuses_the_right_password_then_lets_it_in(client, accounts, backend):
    src = "127.0.0.2"
    for _ in range(LOCK_FAILURES):
        assert_refused(login(client, accounts, "mallory-target", "wrong-password", src))
    # locked: even the right password is refused, and it looks the same
    r = login(client, accounts, "mallory-target", right(accounts, "mallory-target"), src)
    assert_refused(r)
    assert 0 < locked_for_ms(backend, "mallory-target") <= LOCK_WAIT * 1000
    time.sleep(LOCK_WAIT + 0.3)
    r = login(client, accounts, "mallory-target", right(accounts, "mallory-target"), src)
    assert r.status == 200, r
    # a success resets the count: the threshold minus one failures do not lock
    for _ in range(LOCK_FAILURES - 1):
        assert_refused(login(client, accounts, "mallory-target", "wrong-password", src))
    r = login(client, accounts, "mallory-target", right(accounts, "mallory-target"), src)
    assert r.status == 200, r


def test_lockout_grows_with_each_further_failure(client, accounts, backend):
    src = "127.0.0.3"
    for _ in range(LOCK_FAILURES - 1):
        login(client, accounts, "reset-me", "wrong-password", src)
    first = lock_set_by(lambda: login(client, accounts, "reset-me", "wrong-password", src),
                        backend, "reset-me")
    assert first[0] <= LOCK_WAIT * 1000 <= first[1], first
    time.sleep(max(0.0, (locked_for_ms(backend, "reset-me") or 0) / 1000.0) + 0.2)
    # the next failure doubles the wait, counted from that failure
    second = lock_set_by(
        lambda: assert_refused(login(client, accounts, "reset-me", "wrong-password", src)),
        backend, "reset-me")
    assert second[0] <= LOCK_WAIT * 2 * 1000 <= second[1], (first, second)


def test_unknown_usernames_lock_the_same_way(client, accounts, backend):
    # counters key the username as typed, so a lock says nothing about existence
    src = "127.0.0.4"
    ghost = "ghost-%s" % uuid.uuid4().hex[:8]
    answers = [login(client, accounts, ghost, "wrong-password", src)
               for _ in range(LOCK_FAILURES + 1)]
    for r in answers:
        assert_refused(r)
    assert locked_for_ms(backend, ghost) > 0
    assert len({r.body for r in answers}) == 1


def test_admin_unlock_clears_the_lock(client, accounts, backend):
    src = "127.0.0.5"
    for _ in range(LOCK_FAILURES):
        login(client, accounts, "unlock-me", "wrong-password", src)
    assert_refused(login(client, accounts, "unlock-me", right(accounts, "unlock-me"), src))
    out = backend.admin().run("user", "unlock", "--username", "unlock-me").check()
    assert "unlocked user 'unlock-me'" in out.stdout, out
    r = login(client, accounts, "unlock-me", right(accounts, "unlock-me"), src)
    assert r.status == 200, r


# ---- T-48: the same attack from 50 addresses, and spoofed X-Forwarded-For ---------------

def test_account_limit_holds_across_addresses(client, accounts, backend):
    # one guess from each of 50 addresses, each with a different spoofed header
    sources = ["127.0.1.%d" % i for i in range(1, 51)]
    for i, src in enumerate(sources):
        r = login(client, accounts, "spread-target", "wrong-password", src,
                  headers={"X-Forwarded-For": "198.51.100.%d" % i})
        assert_refused(r)
        if i == LOCK_FAILURES - 1:
            # the username's limit tripped by three addresses: locked now (checked at once,
            # while the first lock of LOCK_WAIT s surely holds), right password refused
            assert locked_for_ms(backend, "spread-target") > 0
            r = login(client, accounts, "spread-target", right(accounts, "spread-target"),
                      "127.0.1.99")
            assert_refused(r)
    # the rest of the guesses were refused too; whether a lock holds at this instant
    # depends on how long they took (a lock expires, the next failure sets a longer one),
    # so what is checked is that one counter saw the failures of all the addresses
    failures = backend.query("SELECT failures FROM login_attempts "
                             "WHERE scope = 'account' AND subject = 'spread-target'")
    assert failures and int(failures[0][0]) >= LOCK_FAILURES, failures
    # the addresses counted are the real ones; the spoofed header is not believed
    ips = {row[0] for row in backend.query(
        "SELECT subject FROM login_attempts WHERE scope = 'ip'")}
    assert set(sources) <= ips, sorted(ips)
    assert not any(ip.startswith("198.51.100.") for ip in ips), sorted(ips)
    seen = backend.query("SELECT ip_address FROM login_activity WHERE login_type = 'FAILED'")
    assert seen and not any(row[0].startswith("198.51.100.") for row in seen), seen


# ---- T-49: password spraying from one address -------------------------------------------

def test_spraying_from_one_address_gets_429(client, accounts):
    src = "127.0.0.9"
    statuses = []
    for i in range(IP_FAILURES + 5):
        r = login(client, accounts, "sprayed-%03d" % i, "Summer2026!", src)
        statuses.append(r.status)
    assert statuses[:IP_FAILURES] == [401] * IP_FAILURES, statuses
    assert statuses[IP_FAILURES:] == [429] * 5, statuses
    r = login(client, accounts, "alice", right(accounts, "alice"), src)
    err = assert_envelope(r, 429, "TooManyAttempts")
    assert "try again later" in err["message"], err
    retry = int(r.header("Retry-After"))
    assert 0 < retry <= IP_WINDOW, retry
    # another address is not held back
    r = login(client, accounts, "alice", right(accounts, "alice"), "127.0.0.10")
    assert r.status == 200, r


def test_login_token_is_regulated_too(client, accounts):
    src = "127.0.0.11"
    body = {"client_id": "web", "client_secret": accounts.client_secrets["web"],
            "username": "nobody-here", "password": "wrong-password"}
    statuses = [client.post_json("/auth/login-token", body, source=src).status
                for _ in range(IP_FAILURES + 1)]
    assert statuses[-1] == 429 and statuses[:IP_FAILURES].count(401) == IP_FAILURES, statuses


def test_wrong_client_secret_counts_against_the_address(client, accounts):
    src = "127.0.0.12"
    body = {"client_id": "web", "client_secret": "guess", "username": "alice",
            "password": "whatever1"}
    statuses = [client.post_json("/auth/login", body, source=src).status
                for _ in range(IP_FAILURES + 1)]
    assert statuses[:IP_FAILURES] == [401] * IP_FAILURES and statuses[-1] == 429, statuses


# ---- the log line of a refused login ------------------------------------------------------

def test_refused_login_logs_one_escaped_line(client, accounts, server):
    src = "127.0.0.13"
    forged = 'evil\r\nauthsvc2001: login refused: reason=locked client=10.9.9.9 user="x"\x1b[31m'
    assert_refused(login(client, accounts, forged, "wrong-password", src))
    assert_refused(login(client, accounts, "alice", "wrong-password", src))
    lines = [line for line in server.log_text().splitlines() if "client=%s " % src in line]
    assert len(lines) == 2, lines
    assert 'login refused: reason=unknown-user client=127.0.0.13 source=unknown user="evil%0D%0A' \
        'authsvc2001:%20login%20refused:%20reason=locked%20client=10.9.9.9%20user=%22x%22' \
        '%1B[31m"' in lines[0], lines
    assert 'login refused: reason=bad-password client=127.0.0.13 source=unknown user="alice"' \
        in lines[1], lines
    # the forged text never starts a line of its own, and no raw control byte is written
    text = server.log_text()
    assert "client=10.9.9.9" not in text.replace(lines[0], ""), text[-2000:]
    assert "\x1b" not in text and "\r" not in text
    assert accounts["alice"].password not in text


# ---- races: a limit bounds the passwords checked, over two nodes -------------------------

@pytest.fixture(scope="module")
def race_nodes(backend, accounts, httpd_factory):
    """Clients of httpd nodes with the default limits on the module's database: two
    nodes on PostgreSQL, one (of two children, like every node) on SQLite."""
    count = 2 if backend.kind == "pgsql" else 1
    nodes = [httpd_factory("race-%d" % i, accounts.httpd_config(limits=DEFAULT_LIMITS))
             for i in range(count)]
    return [(srv, HttpClient("127.0.0.1", srv.port, timeout=90)) for srv in nodes]


def at_once(race_nodes, accounts, requests):
    """Sends every (username, password, source) to /auth/login at the same moment,
    spread over the nodes; answers the statuses in order."""
    statuses = [None] * len(requests)
    start = threading.Barrier(len(requests))

    def one(i, username, password, source):
        body = {"client_id": "web", "client_secret": accounts.client_secrets["web"],
                "username": username, "password": password}
        start.wait()
        client = race_nodes[i % len(race_nodes)][1]
        statuses[i] = client.post_json("/auth/login", body, source=source).status

    threads = [threading.Thread(target=one, args=(i,) + req) for i, req in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


REFUSED_RE = re.compile(r'authsvc2001: login refused: reason=(\S+) client=(\S+) source=(\S+) '
                        r'user="(.*)"$')


def refusals(race_nodes, reason, user=None, client=None):
    """The lines of refused logins with that reason in the nodes' error logs."""
    found = []
    for srv, _ in race_nodes:
        for line in srv.log_text().splitlines():
            m = REFUSED_RE.search(line)
            if m and m.group(1) == reason and (user is None or m.group(4) == user) \
                    and (client is None or m.group(2) == client):
                found.append(line)
    return found


def test_race_simultaneous_guesses_check_at_most_the_lockout_passwords(race_nodes, accounts,
                                                                        capsys):
    guesses = [("race-target", "wrong-%d" % i, "127.0.3.%d" % (i % 250 + 1))
               for i in range(RACE_GUESSES)]
    statuses = at_once(race_nodes, accounts, guesses)
    assert statuses == [401] * RACE_GUESSES, statuses
    checked = len(refusals(race_nodes, "bad-password", user="race-target"))
    locked = len(refusals(race_nodes, "locked", user="race-target"))
    with capsys.disabled():
        print("\n[regulation] %d simultaneous guesses on %d node(s): %d passwords checked "
              "(lockout %d)" % (RACE_GUESSES, len(race_nodes), checked, DEFAULT_LOCK))
    # one line per refused login, and exactly the lockout's worth of passwords checked
    assert checked + locked == RACE_GUESSES, (checked, locked)
    assert checked == DEFAULT_LOCK, checked


def test_race_simultaneous_spraying_checks_at_most_the_address_limit(race_nodes, accounts,
                                                                    capsys):
    src = "127.0.4.1"
    guesses = [("sprayed-race-%03d" % i, "Summer2026!", src) for i in range(RACE_GUESSES)]
    statuses = at_once(race_nodes, accounts, guesses)
    checked = len(refusals(race_nodes, "unknown-user", client=src))
    limited = len(refusals(race_nodes, "ip-limited", client=src))
    with capsys.disabled():
        print("\n[regulation] %d simultaneous guesses from one address on %d node(s): %d "
              "passwords checked (limit %d)" % (RACE_GUESSES, len(race_nodes), checked,
                                                DEFAULT_IP))
    assert sorted(set(statuses)) == [401, 429], statuses
    assert statuses.count(401) == checked == DEFAULT_IP, (statuses.count(401), checked)
    assert statuses.count(429) == limited == RACE_GUESSES - DEFAULT_IP, limited


# ---- known sources: attackers cannot keep the owner out --------------------------------

def node_login(race_nodes, accounts, i, username, password, source):
    client = race_nodes[i % len(race_nodes)][1]
    return login(client, accounts, username, password, source)


def source_locked_for_ms(backend, username, source):
    rows = backend.query("SELECT locked_until FROM login_attempts WHERE scope = 'account' "
                         "AND subject = '%s' AND source = '%s'" % (username, source))
    return int(rows[0][0]) - int(time.time() * 1000) if rows else None


def test_attack_from_20_addresses_locks_others_out_but_not_the_owner(race_nodes, accounts,
                                                                      backend):
    owner, home = "owner-target", "127.0.5.1"
    right_password = right(accounts, owner)
    # the owner's usual address: a successful login before the attack
    assert node_login(race_nodes, accounts, 0, owner, right_password, home).status == 200
    # 20 addresses, 5 guesses each, all at once over the nodes
    guesses = [(owner, "guess-%d" % i, "127.0.6.%d" % (i % 20 + 1)) for i in range(100)]
    assert at_once(race_nodes, accounts, guesses) == [401] * 100
    # the lock engaged after the lockout's worth of passwords, far before 100
    assert len(refusals(race_nodes, "bad-password", user=owner)) == DEFAULT_LOCK
    assert source_locked_for_ms(backend, owner, "") > 0
    # the owner still gets in from the known address, on every node
    for i in range(len(race_nodes)):
        r = node_login(race_nodes, accounts, i, owner, right_password, home)
        assert r.status == 200, r
    # an unknown address with the right password is refused: the account's lock holds
    assert_refused(node_login(race_nodes, accounts, 1, owner, right_password, "127.0.6.99"))
    assert refusals(race_nodes, "locked", user=owner, client="127.0.6.99")
    # the known address that guesses wrong itself is locked by its own counter
    for i in range(DEFAULT_LOCK):
        assert_refused(node_login(race_nodes, accounts, i, owner, "own-typo", home))
    assert source_locked_for_ms(backend, owner, "ip:" + home) > 0
    assert_refused(node_login(race_nodes, accounts, 0, owner, right_password, home))
    lines = refusals(race_nodes, "locked", user=owner, client=home)
    assert lines and all("source=address" in line for line in lines), lines


def test_an_address_known_over_30_days_ago_is_not_known(race_nodes, accounts, backend):
    owner, home = "stale-owner", "127.0.5.2"
    right_password = right(accounts, owner)
    assert node_login(race_nodes, accounts, 0, owner, right_password, home).status == 200
    rows = backend.query("SELECT source FROM login_sources WHERE user_id = '%s'"
                         % accounts[owner].id)
    assert rows == [["ip:" + home]], rows
    for i in range(DEFAULT_LOCK):
        assert_refused(node_login(race_nodes, accounts, i, owner, "guess", "127.0.6.50"))
    assert node_login(race_nodes, accounts, 1, owner, right_password, home).status == 200
    backend.query("UPDATE login_sources SET last_success = %d WHERE user_id = '%s'"
                  % (int(time.time() * 1000) - 31 * 86400 * 1000, accounts[owner].id))
    assert_refused(node_login(race_nodes, accounts, 0, owner, right_password, home))
