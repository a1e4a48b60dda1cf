"""The two databases every integration test runs against, each fresh and migrated
with authsvc-admin before httpd starts."""
import os
import shutil
import subprocess

from . import util
from .admin import AdminCli


class SqliteDatabase:
    kind = "sqlite"
    driver = "sqlite3"

    def __init__(self, name):
        self.dir = util.make_tempdir("authsvc-sqlite-%s-" % name)
        self.dbdir = os.path.join(self.dir, "db")
        os.mkdir(self.dbdir)
        self.path = os.path.join(self.dbdir, "authsvc.db")
        if util.IS_ROOT:
            # httpd's children run as www-data and must write the file and its journal.
            util.chown_to(self.dbdir, util.HTTPD_USER)

    @property
    def params(self):
        return self.path

    def admin(self):
        return AdminCli(self.driver, self.params)

    def query(self, sql):
        """Rows as lists of strings, read with the sqlite3 shell as the directory's
        owner (so that no root-owned journal file can appear)."""
        argv = ["sqlite3", "-batch", "-separator", "\t", self.path, sql]
        if util.IS_ROOT:
            argv = ["runuser", "-u", util.HTTPD_USER, "--"] + argv
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=60)
        if r.returncode != 0:
            raise RuntimeError("sqlite3 %r failed: %s" % (sql, r.stderr))
        return [line.split("\t") for line in r.stdout.splitlines() if line != ""]

    def tables(self):
        return sorted(r[0] for r in self.query(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"))

    def root_owned_files(self):
        out = []
        for name in os.listdir(self.dbdir):
            st = os.lstat(os.path.join(self.dbdir, name))
            if st.st_uid == 0:
                out.append(name)
        return out

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class PgDatabase:
    kind = "pgsql"
    driver = "pgsql"

    def __init__(self, pg, name):
        self.pg = pg
        self.name = name
        pg.recreate_database()
        self.dir = None

    @property
    def params(self):
        return self.pg.dbd_params

    def admin(self):
        return AdminCli(self.driver, self.params)

    def query(self, sql):
        return self.pg.query(sql)

    def tables(self):
        return sorted(r[0] for r in self.query(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"))

    def remove(self):
        pass


def row_counts(db):
    """{table: row count} of every table: compared before and after a command."""
    tables = db.tables()
    sql = " UNION ALL ".join("SELECT '%s', count(*) FROM \"%s\"" % (t, t) for t in tables)
    return {name: int(n) for name, n in db.query(sql)}


def make_database(kind, name, pg=None):
    if kind == "sqlite":
        return SqliteDatabase(name)
    if kind == "pgsql":
        return PgDatabase(pg, name)
    raise ValueError(kind)
