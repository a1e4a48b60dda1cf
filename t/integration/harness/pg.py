"""A private PostgreSQL 15 server for the tests: initdb into a temp dir, loopback
only, trust authentication, a role and database named authsvc.

PostgreSQL refuses to run as root, so when the tests run as root the server runs
as the system user authsvc-pg (created when missing) through runuser; as a normal
user it runs as that user."""
import os
import shutil
import subprocess
import time

from . import util

PG_BIN = "/usr/lib/postgresql/15/bin"
PSQL = "/usr/bin/psql"
SUPERUSER = "postgres"
ROLE = "authsvc"
DBNAME = "authsvc"


def _ensure_pg_user():
    try:
        import pwd
        pwd.getpwnam(util.PG_USER)
        return
    except KeyError:
        pass
    subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                    "--shell", "/usr/sbin/nologin", util.PG_USER], check=True)


class PostgresServer:
    def __init__(self):
        self.dir = None
        self.port = None
        self.proc_log = None

    # -- running PostgreSQL's own programs --------------------------------------
    def _as_owner(self, argv):
        if util.IS_ROOT:
            return ["runuser", "-u", util.PG_USER, "--"] + argv
        return argv

    def _run(self, argv, **kw):
        r = subprocess.run(self._as_owner(argv), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=120, **kw)
        if r.returncode != 0:
            raise RuntimeError("%s failed (exit %d):\n%s" % (" ".join(argv), r.returncode, r.stdout))
        return r.stdout

    @property
    def datadir(self):
        return os.path.join(self.dir, "data")

    @property
    def logfile(self):
        return os.path.join(self.dir, "postgresql.log")

    @property
    def dbd_params(self):
        """What DBDParams and authsvc-admin --params get."""
        return "host=127.0.0.1 port=%d dbname=%s user=%s" % (self.port, DBNAME, ROLE)

    def start(self):
        if not os.path.exists(os.path.join(PG_BIN, "initdb")):
            raise RuntimeError("PostgreSQL 15 server binaries not found in %s "
                               "(scripts/install-deps installs postgresql-15)" % PG_BIN)
        self.dir = util.make_tempdir("authsvc-pg-")
        sockdir = os.path.join(self.dir, "socket")
        os.mkdir(sockdir)
        if util.IS_ROOT:
            _ensure_pg_user()
            util.chown_to(self.dir, util.PG_USER, recursive=True)
        self._run([os.path.join(PG_BIN, "initdb"), "-D", self.datadir, "-U", SUPERUSER,
                   "--auth=trust", "--no-locale", "-E", "UTF8", "--no-sync"])
        conf = os.path.join(self.datadir, "postgresql.conf")
        with open(conf) as f:
            base_conf = f.read()
        for attempt in range(3):  # the free port may be taken before the server binds it
            self.port = util.free_port()
            with open(conf, "w") as f:
                f.write(base_conf)
                f.write("\n# authsvc integration tests\n"
                        "listen_addresses = '127.0.0.1'\n"
                        "port = %d\n"
                        "unix_socket_directories = '%s'\n"
                        "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                        "max_connections = 100\n" % (self.port, sockdir))
            try:
                self._run([os.path.join(PG_BIN, "pg_ctl"), "-D", self.datadir, "-l",
                           self.logfile, "-w", "-t", "60", "start"])
                break
            except RuntimeError:
                if attempt == 2:
                    with open(self.logfile, errors="replace") as f:
                        raise RuntimeError("PostgreSQL did not start; log %s:\n%s"
                                           % (self.logfile, f.read()[-3000:]))
        self.psql_admin("CREATE ROLE %s LOGIN" % ROLE)
        self.recreate_database()
        return self

    def _pg_ctl(self, *args):
        self._run([os.path.join(PG_BIN, "pg_ctl"), "-D", self.datadir, "-l", self.logfile,
                   "-w", "-t", "60"] + list(args))

    def restart(self, mode="fast"):
        """pg_ctl restart -m mode (fast: clients are told; immediate: no shutdown
        checkpoint, crash recovery at start); returns once the server accepts again."""
        self._pg_ctl("-m", mode, "restart")

    def halt(self, mode="fast"):
        """Stops the server but keeps its data: resume() starts it again."""
        self._pg_ctl("-m", mode, "stop")

    def resume(self):
        self._pg_ctl("start")

    def kill_postmaster(self):
        """SIGKILL to the postmaster (its backends notice and exit), as a crash of the
        database host's PostgreSQL would; resume() starts it again (crash recovery)."""
        with open(os.path.join(self.datadir, "postmaster.pid")) as f:
            pid = int(f.readline())
        os.kill(pid, 9)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        # backends exit once they notice the postmaster is gone; start refuses while
        # they still hold the shared memory
        time.sleep(1.0)

    def terminate_sessions(self):
        """Ends every session of the authsvc role from the server side, as a DBA's
        pg_terminate_backend or a connection-killing proxy would."""
        self.psql_admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE usename = '%s'" % ROLE)

    def psql_admin(self, sql, dbname="postgres"):
        """Runs SQL as the superuser (over TCP; trust authentication)."""
        r = subprocess.run([PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                            "-p", str(self.port), "-U", SUPERUSER, "-d", dbname, "-c", sql],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError("psql %r failed: %s" % (sql, r.stdout))
        return r.stdout

    def query(self, sql):
        """Rows of a query in the authsvc database, as lists of strings."""
        r = subprocess.run([PSQL, "-X", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                            "-h", "127.0.0.1", "-p", str(self.port), "-U", ROLE, "-d", DBNAME,
                            "-c", sql],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError("psql %r failed: %s" % (sql, r.stderr))
        return [line.split("\t") for line in r.stdout.splitlines() if line != ""]

    def recreate_database(self):
        """A fresh, empty authsvc database (every httpd fixture gets its own)."""
        self.psql_admin("DROP DATABASE IF EXISTS %s WITH (FORCE)" % DBNAME)
        self.psql_admin("CREATE DATABASE %s OWNER %s" % (DBNAME, ROLE))

    def stop(self, keep=False):
        if self.dir is None:
            return
        try:
            self._run([os.path.join(PG_BIN, "pg_ctl"), "-D", self.datadir, "-m", "fast",
                       "-w", "-t", "60", "stop"])
        except Exception as e:  # still remove what we can; report the failure
            print("authsvc harness: stopping PostgreSQL failed: %s" % e)
            keep = True
        if keep:
            util.keep("PostgreSQL: %s (log %s)" % (self.dir, self.logfile))
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None
