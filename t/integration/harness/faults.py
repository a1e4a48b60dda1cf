"""Helpers of the fault tests (t/integration/test_faults_*.py): the processes of a
running httpd, their resources, signals to them, and locks held from outside on the
database so that a request stops at a known statement."""
import os
import signal
import subprocess
import threading
import time

from . import pg, util
from .client import HttpClient

# How long the fault tests run their load around repeated faults; AUTHSVC_FAULT_SECONDS
# makes a longer run on demand (e.g. 60).
FAULT_SECONDS = float(os.environ.get("AUTHSVC_FAULT_SECONDS", "20"))


def children(pid):
    """PIDs of the live (not zombie) child processes of pid."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            pids = [int(c) for c in f.read().split()]
    except OSError:
        return []
    return [c for c in pids if _state(c) not in (None, "Z", "X")]


def _state(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def fd_count(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return 0


def rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def kill_children(server):
    """SIGKILL to every child of the server's parent (the parent stays and starts new
    ones); returns their PIDs once they are gone."""
    pids = children(server.proc.pid)
    assert pids, "httpd has no children"
    for c in pids:
        try:
            os.kill(c, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_state(c) not in (None, "Z", "X") for c in pids):
        time.sleep(0.02)
    return pids


def wait_until_serving(server, limit_s=20):
    """Polls /authsvc/health/live until it answers 200."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        try:
            if HttpClient("127.0.0.1", server.port, timeout=2).get(
                    "/authsvc/health/live").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError("httpd does not answer within %d s" % limit_s)


def wait_for_generation(server, old_children, limit_s=20):
    """After a graceful restart: until no child of the old generation is left."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if not set(children(server.proc.pid)) & set(old_children):
            return
        time.sleep(0.1)
    raise AssertionError("children %s of the old generation still run after %d s"
                         % (sorted(set(children(server.proc.pid)) & set(old_children)), limit_s))


def unexpected_crashes(server, killed=()):
    """Crash lines of the error log, leaving out the SIGKILLs a test sent itself."""
    expected = ["child pid %d exit signal Killed (9)" % p for p in killed]
    return [line for line in server.crash_lines() if not any(e in line for e in expected)]


def pg_sessions(pg_server):
    """Sessions of the authsvc role on the PostgreSQL server: (pid, state, wait event
    type, application name)."""
    return pg_server.query("SELECT pid, state, coalesce(wait_event_type, ''), application_name "
                           "FROM pg_stat_activity WHERE usename = '%s' "
                           "AND pid <> pg_backend_pid()" % pg.ROLE)


def pg_locks_held(pg_server):
    """Locks that sessions of the authsvc database hold or wait for, other than the
    query's own: (pid, lock type, mode, granted)."""
    return pg_server.query(
        "SELECT l.pid, l.locktype, l.mode, l.granted FROM pg_locks l "
        "JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.datname = '%s' "
        "AND l.pid <> pg_backend_pid() AND l.locktype <> 'virtualxid'" % pg.DBNAME)


class PgSession:
    """A psql session of the authsvc role kept open, to hold locks from outside httpd:
    statements go in one at a time and each waits for its marker line."""

    def __init__(self, pg_server):
        argv = [pg.PSQL, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                "-p", str(pg_server.port), "-U", pg.ROLE, "-d", pg.DBNAME]
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.marker = 0

    def run(self, sql):
        """Runs sql; returns the lines it printed."""
        self.marker += 1
        mark = "done-%d" % self.marker
        self.proc.stdin.write("%s\nSELECT '%s';\n" % (sql, mark))
        self.proc.stdin.flush()
        lines = []
        while True:
            line = self.proc.stdout.readline()
            assert line, "psql ended: %r" % lines
            line = line.rstrip("\n")
            if line == mark:
                return lines
            lines.append(line)

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.write("ROLLBACK;\n\\q\n")
            self.proc.stdin.flush()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


class SqliteWriteLock:
    """The sqlite3 shell, as the database's owner, holding the write lock (BEGIN
    IMMEDIATE) until released."""

    def __init__(self, path):
        argv = ["sqlite3", path]
        if util.IS_ROOT:
            argv = ["runuser", "-u", util.HTTPD_USER, "--"] + argv
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.proc.stdin.write("BEGIN IMMEDIATE;\nSELECT 'held';\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline().strip()
        assert line == "held", line

    def release(self):
        if self.proc.poll() is None:
            self.proc.stdin.write("ROLLBACK;\n.quit\n")
            self.proc.stdin.flush()
            self.proc.wait(timeout=10)


class ServerWithKills:
    """An httpd for a test module that SIGKILLs some of its processes on purpose: at the
    end the error log may name those PIDs (AH00052 "exit signal Killed"), and nothing
    else that looks like a crash. `killed` collects the PIDs the tests killed."""

    def __init__(self, backend, name, extra_config=(), **kw):
        from .httpd import HttpdServer
        self.killed = []
        self.srv = HttpdServer(backend, name, extra_config, **kw)

    def __enter__(self):
        try:
            self.srv.start()
        except Exception:
            if self.srv.dir:
                self.srv.keep()
            raise
        return self.srv

    def __exit__(self, exc_type, *rest):
        self.srv.stop(check=False)
        bad = unexpected_crashes(self.srv, self.killed)
        if bad or exc_type or os.environ.get("AUTHSVC_KEEP_ARTIFACTS") == "1":
            self.srv.keep()
        else:
            self.srv.cleanup()
        assert not bad, "httpd error log shows crashes:\n%s" % "\n".join(bad[:20])
        return False


class LoadThreads:
    """Threads running self.run(name) for each name until stop is set (the context's
    end); run() must also give up by itself within FAULT_SECONDS + 60 s."""

    def __init__(self, names):
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(n,), daemon=True)
                        for n in names]

    def run(self, name):
        raise NotImplementedError

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(60)
        assert not any(t.is_alive() for t in self.threads), "a load thread hangs"


class SessionLoad(LoadThreads):
    """Threads that each log a user in, then call /auth/me and refresh in a chain
    (CHAIN rounds), then log in again. Every answer is kept as (monotonic time, route,
    status), a request that got no answer as status "exception <name>"."""

    CHAIN = 10

    def __init__(self, server, accounts, names):
        super().__init__(names)
        self.server, self.accounts = server, accounts
        self.answers = []

    def _call(self, route, fn):
        try:
            r = fn()
            status = r.status
        except Exception as e:  # noqa: BLE001 a reset or refused connection is a finding
            r, status = None, "exception %s" % type(e).__name__
        with self.lock:
            self.answers.append((time.monotonic(), route, status))
        return r if status == 200 else None

    def run(self, name):
        deadline = time.monotonic() + FAULT_SECONDS + 60
        body = login_body(self.accounts, name)
        # generous: a request may wait for a new generation of children
        client = lambda: fresh(self.server, timeout=20.0)  # noqa: E731
        while not self.stop.is_set() and time.monotonic() < deadline:
            r = self._call("login", lambda: client().post_json("/auth/login-token", body))
            pair = r.json if r is not None else None
            for _ in range(self.CHAIN):
                if pair is None or self.stop.is_set():
                    break
                auth = bearer(pair["accessToken"])
                self._call("me", lambda: client().get("/auth/me", headers=auth))
                r = self._call("refresh", lambda: client().post_json(
                    "/auth/token-refresh", {"refreshToken": pair["refreshToken"]}, headers=auth))
                pair = r.json if r is not None else None
            if pair is None:
                time.sleep(0.05)

    def statuses(self):
        with self.lock:
            counts = {}
            for _, _, status in self.answers:
                counts[status] = counts.get(status, 0) + 1
            return counts

    def failures(self):
        with self.lock:
            return [a for a in self.answers if a[2] != 200]


# ---- requests and config the fault tests share ------------------------------------------

def fresh(server, timeout=10.0):
    """A client on a new connection per request (requests spread over the children)."""
    return HttpClient("127.0.0.1", server.port, timeout=timeout)


def login_body(accounts, name="alice"):
    return {"client_id": "web", "client_secret": accounts.client_secrets["web"],
            "username": name, "password": accounts[name].password}


def login(server, accounts, name="alice"):
    """A token pair of name's password login (/auth/login-token), which must answer 200."""
    r = fresh(server).post_json("/auth/login-token", login_body(accounts, name))
    assert r.status == 200, r
    return r.json


def bearer(token):
    return {"Authorization": "Bearer " + token}


# The gateway on the node under test: /app behind AuthType authsvc, proxied to the echo
# backend (httpd_modules and httpd_tail_config of a test module).
GATEWAY_MODULES = [("proxy_module", "mod_proxy.so"), ("proxy_http_module", "mod_proxy_http.so"),
                   ("socache_shmcb_module", "mod_socache_shmcb.so"),
                   ("authz_user_module", "mod_authz_user.so")]


def gateway_tail(echo):
    return ["ProxyPass /app http://127.0.0.1:%d/app" % echo.port,
            "<Location /app>", "    SetHandler none", "    AuthType authsvc",
            "    Require valid-user", "</Location>"]
