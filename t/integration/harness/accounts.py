"""Provisions a database with authsvc-admin before httpd starts: a signing key, two
tenants, roles, two confidential clients and a few users with passwords, and returns
what the tests need to know about them (ids, client secrets, passwords).

    accounts = provision(db, workdir)
    extra = accounts.httpd_config()      # ["AuthsvcSigningKey /.../signing.pem"]

The users:
  alice  tenant t1, role admin (ViewLoginActivity), client web; also ACTIVE in t2 as
         member (see add_membership: `user add` knows one tenant only)
  bob    tenant t1, role admin, client other only
  carol  tenant t1, role admin, client web, status inactive
  dave   tenant t1, role admin, client web (his password gets changed)
  erin   tenant t1, role admin, client web (refused password changes)
"""
import contextlib
import os
import re
import secrets
import shutil
import time
import uuid

from . import util

SECRET_RE = re.compile(r"^client_secret:\s*(\S+)\s*$", re.M)

REDIRECT_URL = "http://127.0.0.1:9/callback"


class User:
    def __init__(self, username, password, tenant, role, clients, status="active"):
        self.username = username
        self.password = password
        self.tenant = tenant
        self.role = role
        self.clients = list(clients)
        self.status = status
        self.id = None

    def __repr__(self):
        return "<User %s %s>" % (self.username, self.id)


class Accounts:
    def __init__(self, workdir):
        self.workdir = workdir
        self.key_path = os.path.join(workdir, "signing.pem")
        self.tenant_ids = {}        # tenant key -> tenants.id
        self.client_secrets = {}    # client_id -> secret printed by `client add`
        self.users = {}             # username -> User
        self.extra_memberships = [] # (username, tenant key, role) added by SQL

    def __getitem__(self, username):
        return self.users[username]

    # Tests of other behaviour make many failed logins from 127.0.0.1: brute-force
    # regulation is raised out of their way (docs/design.md section 5); test_regulation.py sets
    # the limits it tests.
    RAISED_LIMITS = ["AuthsvcAccountLockout 100000 1 1", "AuthsvcIpLoginLimit 100000 300"]

    def httpd_config(self, limits=None):
        """The key, and the regulation directives (`limits`; default: raised)."""
        return (['AuthsvcSigningKey "%s"' % self.key_path]
                + list(self.RAISED_LIMITS if limits is None else limits))

    def secrets(self):
        """Every secret provisioning made: for "does it leak into the log?"."""
        out = [u.password for u in self.users.values() if u.password]
        out += list(self.client_secrets.values())
        return out


def _password():
    # Long, random and unmistakable in a log.
    return "pw-" + secrets.token_hex(12)


def provision(db, workdir):
    admin = db.admin()
    acc = Accounts(workdir)

    admin.run("key", "generate", "--alg", "RS256", "--out", acc.key_path).check()
    assert os.path.isfile(acc.key_path), acc.key_path

    admin.run("tenant", "add", "--key", "t1", "--name", "Tenant One").check()
    admin.run("tenant", "add", "--key", "t2", "--name", "Tenant Two").check()
    admin.run("role", "add", "--tenant", "t1", "--name", "admin",
              "--permission", "ViewLoginActivity").check()
    admin.run("role", "add", "--tenant", "t2", "--name", "member").check()

    for client_id, extra in (("web", ["--redirect-url", REDIRECT_URL]), ("other", [])):
        r = admin.run("client", "add", "--client-id", client_id, *extra).check()
        found = SECRET_RE.findall(r.stdout)
        assert len(found) == 1, "client add printed no single secret: %r" % r
        acc.client_secrets[client_id] = found[0]

    users = [
        User("alice", _password(), "t1", "admin", ["web"]),
        User("bob", _password(), "t1", "admin", ["other"]),
        User("carol", _password(), "t1", "admin", ["web"], status="inactive"),
        User("dave", _password(), "t1", "admin", ["web"]),
        User("erin", _password(), "t1", "admin", ["web"]),
    ]
    for u in users:
        _user_add(admin, acc, u)
    _read_user_ids(admin, acc)

    for key, tid in db.query("SELECT tenant_key, id FROM tenants"):
        acc.tenant_ids[key] = tid
    assert set(acc.tenant_ids) >= {"t1", "t2"}, acc.tenant_ids

    # `authsvc-admin user add` takes one --tenant and there is no command to add a
    # membership, so alice's second tenant is written with SQL (schema of 001_initial).
    add_membership(db, acc, "alice", "t2", "member")
    return acc


def _user_add(admin, acc, u):
    """A user; u.password None: one without a password (`user add --no-password`)."""
    argv = ["user", "add", "--username", u.username, "--tenant", u.tenant,
            "--role", u.role, "--email", u.username + "@example.org",
            "--first-name", u.username.capitalize(), "--status", u.status]
    for c in u.clients:
        argv += ["--client", c]
    if u.password is None:
        admin.run(*argv, "--no-password").check()
    else:
        admin.run(*argv, "--password-stdin", input=u.password + "\n").check()
    acc.users[u.username] = u


def _read_user_ids(admin, acc):
    listing = admin.run("user", "list").check().stdout.splitlines()
    assert listing and listing[0].split("\t")[:2] == ["ID", "USERNAME"], listing
    for line in listing[1:]:
        cols = line.split("\t")
        if len(cols) >= 2 and cols[1] in acc.users:
            acc.users[cols[1]].id = cols[0]
    missing = [u for u in acc.users.values() if not u.id]
    assert not missing, "user list does not show %r: %r" % (missing, listing)


@contextlib.contextmanager
def provisioned(db, extra_users=()):
    """A module's accounts: provision() in a work directory removed afterwards, plus
    extra_users (t1/admin, client web, random passwords)."""
    workdir = util.make_tempdir("authsvc-accounts-%s-" % db.kind)
    try:
        acc = provision(db, workdir)
        if extra_users:
            add_users(db, acc, list(extra_users))
        yield acc
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def add_users(db, acc, names, password=None, clients=("web",), status="active",
              role="admin", no_password=False):
    """More users of t1 with `role` (before or after httpd starts); each gets `password`
    or a random one, or none with no_password. Returns the User objects."""
    admin = db.admin()
    added = [User(n, None if no_password else password or _password(), "t1", role, clients,
                  status=status) for n in names]
    for u in added:
        _user_add(admin, acc, u)
    _read_user_ids(admin, acc)
    return added


def add_membership(db, acc, username, tenant_key, role_name, status=1):
    """An ACTIVE (status 1) user_tenants row for a user in another tenant."""
    user = acc.users[username]
    tenant_id = acc.tenant_ids[tenant_key]
    rows = db.query("SELECT id FROM roles WHERE tenant_id = '%s' AND name = '%s'"
                    % (tenant_id, role_name))
    assert len(rows) == 1, rows
    now = int(time.time() * 1000)
    db.query("INSERT INTO user_tenants (id, user_id, tenant_id, role_id, status, created_at, "
             "updated_at) VALUES ('%s', '%s', '%s', '%s', %d, %d, %d)"
             % (uuid.uuid4(), user.id, tenant_id, rows[0][0], status, now, now))
    acc.extra_memberships.append((username, tenant_key, role_name))
