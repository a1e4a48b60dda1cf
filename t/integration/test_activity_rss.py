"""Memory of an httpd child under login-activity filter requests (issue 17), SQLite.

GET /login-activity and /login-activity/count run SQL built from the request's filter.
apr_dbd's SQLite driver keeps every statement prepared on a connection until the
connection closes; when each request prepared its own, a child grew by about 9 KB per
request (~170 MiB over this test). Now a connection prepares each built text once.

One child (ServerLimit 1) with its 8 pooled connections serves REQUESTS requests with
varied filters over keep-alive connections from a few threads. After a warm-up (every
filter shape seen on every connection, the allocators at their working size) the
child's VmRSS must grow by less than GROWTH_BOUND_KIB: 10 MiB is generous for what may
still vary (malloc arenas of 16 threads, SQLite's page cache filling up to its cap on 8
connections: 8 x 2 MiB at most), and far below the 150 MiB that one statement per
request would add over the measured part."""
import http.client
import json
import threading
import time
import urllib.parse

import pytest

from harness import faults
from harness.accounts import provisioned
from harness.database import make_database

REQUESTS = 20000
WARMUP = 3000
THREADS = 4
GROWTH_BOUND_KIB = 10 * 1024
TIME_LIMIT_S = 40


@pytest.fixture(scope="module")
def backend():
    db = make_database("sqlite", "test_activity_rss", None)
    db.admin().migrate()
    yield db
    db.remove()


@pytest.fixture(scope="module")
def accounts(backend):
    with provisioned(backend) as acc:
        yield acc


@pytest.fixture(scope="module")
def httpd_extra_config(accounts):
    # one child, so that every request lands in the process that is measured
    return accounts.httpd_config() + ["StartServers 1", "ServerLimit 1",
                                      "MaxRequestWorkers 16", "MinSpareThreads 1",
                                      "MaxSpareThreads 32"]


def filter_path(i):
    """Request i: one of a few dozen filter shapes (the SQL differs), values varying."""
    since = 1700000000000 + i
    types = ["ACCESS", "RELOGIN", "LOGOUT", "FAILED"]
    shape = i % 8
    if shape == 0:
        where = {"loginType": types[i % 4]}
    elif shape == 1:
        where = {"loginTime": {"gte": since}}
    elif shape == 2:
        where = {"and": [{"loginType": types[i % 4]}, {"loginTime": {"gte": since}}]}
    elif shape == 3:
        where = {"or": [{"loginType": types[i % 4]}, {"loginType": types[(i + 1) % 4]}]}
    elif shape == 4:
        where = {"loginType": {"inq": types[:1 + i % 4]}}
    else:
        where = {"loginTime": {"lt": since + shape}}
    if i % 3 == 0:
        return "/login-activity/count?where=" + urllib.parse.quote(json.dumps(where))
    flt = {"where": where, "order": "loginTime %s" % ("DESC" if i % 2 else "ASC"),
           "limit": 1 + i % 20, "skip": i % 5}
    return "/login-activity?filter=" + urllib.parse.quote(json.dumps(flt))


def run_requests(port, token, first, count):
    """count requests from first on, THREADS keep-alive connections; the statuses seen."""
    statuses = {}
    lock = threading.Lock()

    def worker(k):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        seen = {}
        for i in range(first + k, first + count, THREADS):
            conn.request("GET", filter_path(i), headers={"Authorization": "Bearer " + token})
            r = conn.getresponse()
            r.read()
            seen[r.status] = seen.get(r.status, 0) + 1
            if r.will_close:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.close()
        with lock:
            for s, n in seen.items():
                statuses[s] = statuses.get(s, 0) + n

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def test_filter_requests_do_not_grow_the_child(server, client, accounts):
    r = client.post_json("/auth/login-token", {
        "client_id": "web", "client_secret": accounts.client_secrets["web"],
        "username": "alice", "password": accounts["alice"].password})
    assert r.status == 200, r
    token = r.json["accessToken"]
    pids = faults.children(server.proc.pid)
    assert len(pids) == 1, pids
    child = pids[0]

    t0 = time.monotonic()
    statuses = run_requests(server.port, token, 0, WARMUP)
    assert statuses == {200: WARMUP}, statuses
    before = faults.rss_kib(child)
    statuses = run_requests(server.port, token, WARMUP, REQUESTS - WARMUP)
    after = faults.rss_kib(child)
    took = time.monotonic() - t0

    assert statuses == {200: REQUESTS - WARMUP}, statuses
    assert faults.children(server.proc.pid) == [child]   # the same child served them all
    print("child RSS %d KiB after %d requests, %d KiB after %d (%+d KiB), %.1f s"
          % (before, WARMUP, after, REQUESTS, after - before, took))
    assert after - before < GROWTH_BOUND_KIB, (before, after)
    assert took <= TIME_LIMIT_S, took
    server.assert_no_crash()


def test_more_shapes_than_a_connection_keeps(server, client, accounts):
    """Past AUTHSVC_DB_BUILT_MAX (64) texts a connection keeps, a text runs on a
    connection of its own: 200 texts (inq lists of 1 to 100 values, listed and counted)
    served in turn on one keep-alive connection (mod_dbd lends its latest connection
    again), each answered as the single-value filter says."""
    r = client.post_json("/auth/login-token", {
        "client_id": "web", "client_secret": accounts.client_secrets["web"],
        "username": "alice", "password": accounts["alice"].password})
    assert r.status == 200, r
    headers = {"Authorization": "Bearer " + r.json["accessToken"]}
    r = client.get("/login-activity/count?where=" + urllib.parse.quote(
        json.dumps({"loginType": "ACCESS"})), headers=headers)
    assert r.status == 200, r
    expected = r.json["count"]
    assert expected >= 1
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    for rnd in range(2):
        for n in range(1, 101):
            values = ["ACCESS"] + ["NONE%d" % k for k in range(n - 1)]
            where = {"loginType": {"inq": values}}
            conn.request("GET", "/login-activity/count?where="
                         + urllib.parse.quote(json.dumps(where)), headers=headers)
            r = conn.getresponse()
            body = r.read()
            assert r.status == 200, (n, r.status, body)
            assert json.loads(body)["count"] == expected, (n, body)
            flt = {"where": where, "limit": 100}
            conn.request("GET", "/login-activity?filter=" + urllib.parse.quote(json.dumps(flt)),
                         headers=headers)
            r = conn.getresponse()
            body = r.read()
            assert r.status == 200, (n, r.status, body)
            rows = json.loads(body)
            assert len(rows) == expected and all(row["loginType"] == "ACCESS" for row in rows), \
                (n, rnd, body)
    conn.close()
    server.assert_no_crash()
