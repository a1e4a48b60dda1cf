"""What the benchmark needs in a database before httpd starts, and the tokens it sends:
keys (RS256, ES256, an HS256 secret), a tenant, a role with the permission the protected
location requires (and ViewLoginActivity), a client, USERS users sharing one password
(one made by authsvc-admin, the others copied from it with SQL so that provisioning
costs no thousand argon2id hashes), and ACTIVITY_ROWS login-activity rows."""
import json
import os
import re
import secrets
import subprocess
import time
import urllib.request

from harness import util

from .servers import PERMISSION

USERS = 1000
ACTIVITY_ROWS = 100000
CLIENT = "bench-web"
TENANT = "bench"
PASSWORD = "bench-" + secrets.token_hex(8)


class Provisioned:
    def __init__(self, workdir):
        self.workdir = workdir
        self.rs_key = os.path.join(workdir, "rs256.pem")
        self.es_key = os.path.join(workdir, "es256.pem")
        self.hs_secret_file = os.path.join(workdir, "hs256.secret")
        self.hs_secret = secrets.token_hex(32)  # 64 printable bytes: mod_auth_openidc takes it plain
        self.client_secret = None
        self.tenant_id = None
        self.usernames = ["bench%04d" % i for i in range(USERS)]

    def key_files(self):
        return {"RS256": self.rs_key, "ES256": self.es_key, "HS256": "HS256"}


def keys(admin, acc):
    """Key files (made once per work directory; both databases share them)."""
    if not os.path.exists(acc.rs_key):
        admin.run("key", "generate", "--alg", "RS256", "--out", acc.rs_key).check()
        admin.run("key", "generate", "--alg", "ES256", "--out", acc.es_key).check()
        with open(acc.hs_secret_file, "w") as f:
            f.write(acc.hs_secret + "\n")
        os.chmod(acc.hs_secret_file, 0o600)
    with open(acc.hs_secret_file) as f:
        acc.hs_secret = f.read().strip()


def run_sql(db, text):
    """Runs an SQL script (a file on stdin) with the database's own shell."""
    path = os.path.join(util.make_tempdir("authsvc-bench-sql-"), "script.sql")
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o644)
    if db.kind == "sqlite":
        argv = ["sqlite3", "-batch", db.path]
        if util.IS_ROOT:
            argv = ["runuser", "-u", util.HTTPD_USER, "--"] + argv
    else:
        argv = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                "-p", str(db.pg.port), "-U", "authsvc", "-d", "authsvc"]
    with open(path) as f:
        r = subprocess.run(argv, stdin=f, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=600)
    os.unlink(path)
    os.rmdir(os.path.dirname(path))
    if r.returncode != 0:
        raise RuntimeError("SQL script failed on %s: %s" % (db.kind, r.stdout[-2000:]))


def columns(db, table):
    if db.kind == "sqlite":
        rows = db.query("SELECT name FROM pragma_table_info('%s') ORDER BY cid" % table)
    else:
        rows = db.query("SELECT column_name FROM information_schema.columns WHERE table_name "
                        "= '%s' AND table_schema = current_schema() ORDER BY ordinal_position"
                        % table)
    return [r[0] for r in rows]


# Per table: the columns a copy of the template user's row changes ({n}: the copy's number).
COPY_RULES = {
    "users": {"id": "'bu-{n}'", "username": "'bench{n}'", "username_key": "'bench{n}'",
              "email": "'bench{n}@example.org'"},
    "user_credentials": {"id": "'bc-{n}'", "user_id": "'bu-{n}'",
                         "external_id": "CASE WHEN external_id IS NULL THEN NULL "
                                        "ELSE 'bench{n}' END"},
    "user_tenants": {"id": "'bt-{n}'", "user_id": "'bu-{n}'"},
    "user_auth_clients": {"user_id": "'bu-{n}'"},
}


def copy_users(db, template_id):
    cols = {t: columns(db, t) for t in COPY_RULES}
    out = ["BEGIN;"]
    for i in range(1, USERS):
        n = "%04d" % i
        for table, rules in COPY_RULES.items():
            exprs = [rules[c].format(n=n) if c in rules else c for c in cols[table]]
            key = "id" if table == "users" else "user_id"
            out.append("INSERT INTO %s (%s) SELECT %s FROM %s WHERE %s = '%s';"
                       % (table, ", ".join(cols[table]), ", ".join(exprs), table, key,
                          template_id))
    out.append("COMMIT;")
    run_sql(db, "\n".join(out))


def seed_activity(db, tenant_id, template_id):
    """ACTIVITY_ROWS rows over the last 365 days, actors spread over the users."""
    now = int(time.time() * 1000)
    step = 365 * 86400 * 1000 // ACTIVITY_ROWS
    types = "CASE i % 4 WHEN 0 THEN 'ACCESS' WHEN 1 THEN 'RELOGIN' WHEN 2 THEN 'LOGOUT' " \
            "ELSE 'FAILED' END"
    if db.kind == "sqlite":
        actor = "CASE WHEN i % 1000 = 0 THEN '{t}' ELSE 'bu-' || printf('%04d', i % 1000) END"
        source = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
                  % ACTIVITY_ROWS)
        rows = "FROM n"
        prefix, suffix = source, ""
    else:
        actor = "CASE WHEN i % 1000 = 0 THEN '{t}' ELSE 'bu-' || lpad((i % 1000)::text, 4, '0') END"
        prefix, rows, suffix = "", "FROM generate_series(1, %d) AS i" % ACTIVITY_ROWS, ""
    sql = ("%sINSERT INTO login_activity (id, actor, tenant_id, login_time, token_payload, "
           "login_type, device_info, ip_address, client_id) SELECT 'la-' || i, %s, '%s', "
           "%d - CAST(i AS BIGINT) * %d, '{\"seeded\":true}', %s, 'bench-agent/1.0', '127.0.0.1', '%s' %s%s;"
           % (prefix, actor.format(t=template_id), tenant_id, now, step, types, CLIENT, rows,
              suffix))
    run_sql(db, sql)
    if db.kind == "pgsql":
        run_sql(db, "ANALYZE;")


def provision(db, workdir):
    """Accounts in db (migrated here); returns a Provisioned."""
    admin = db.admin()
    acc = Provisioned(workdir)
    admin.migrate()
    keys(admin, acc)
    admin.run("tenant", "add", "--key", TENANT, "--name", "Bench").check()
    admin.run("role", "add", "--tenant", TENANT, "--name", "reader", "--permission", PERMISSION,
              "--permission", "ViewLoginActivity").check()
    r = admin.run("client", "add", "--client-id", CLIENT, "--access-ttl", "86400",
                  "--refresh-ttl", "86400").check()
    acc.client_secret = re.search(r"^client_secret:\s*(\S+)\s*$", r.stdout, re.M).group(1)
    admin.run("user", "add", "--username", acc.usernames[0], "--tenant", TENANT, "--role",
              "reader", "--email", acc.usernames[0] + "@example.org", "--client", CLIENT,
              "--password-stdin", input=PASSWORD + "\n").check()
    template_id = [row[0] for row in db.query("SELECT id FROM users WHERE username_key = '%s'"
                                              % acc.usernames[0])][0]
    acc.tenant_id = db.query("SELECT id FROM tenants WHERE tenant_key = '%s'" % TENANT)[0][0]
    copy_users(db, template_id)
    seed_activity(db, acc.tenant_id, template_id)
    count = int(db.query("SELECT count(*) FROM users")[0][0])
    assert count == USERS, "provisioned %d users, wanted %d" % (count, USERS)
    return acc


def login_body(acc, username):
    return {"client_id": CLIENT, "client_secret": acc.client_secret, "username": username,
            "password": PASSWORD}


def login_token(server, acc, username):
    """A fresh session from /auth/login-token: {accessToken, refreshToken, ...}."""
    req = urllib.request.Request(server.issuer + "/auth/login-token",
                                 data=json.dumps(login_body(acc, username)).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


def mint_sessions(server, acc, usernames, workers=8):
    """Sessions for usernames, logged in through the API in parallel."""
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=workers) as ex:
        return list(ex.map(lambda u: login_token(server, acc, u), usernames))


def write_lines(path, lines):
    with open(path, "w") as f:
        for line in lines:
            f.write(line + "\n")
    os.chmod(path, 0o644)
    return path
