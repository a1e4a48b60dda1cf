"""authsvc-admin against SQLite and PostgreSQL: creating tenants, roles, clients and
users works; bad input fails with one line on stderr, a non-zero exit, and the
database exactly as it was; --help works on every command; as root on SQLite no
root-owned file is left next to the database."""
import os
import re
import uuid

import pytest

from harness import util
from harness.database import row_counts

COMMANDS = [
    ["migrate"],
    ["tenant", "add"],
    ["role", "add"],
    ["client", "add"],
    ["user", "add"],
    ["user", "list"],
    ["user", "unlock"],
    ["user", "link"],
    ["user", "unlink"],
    ["user", "links"],
    ["key", "generate"],
]
GROUPS = ["tenant", "role", "client", "user", "key"]

SECRET_RE = re.compile(r"^client_secret:\s*(\S+)\s*$", re.M)


def uniq(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:10])


def all_text(db):
    """Every value in every table, for "is this secret stored in clear?"."""
    out = []
    for t in db.tables():
        for row in db.query('SELECT * FROM "%s"' % t):
            out.extend(row)
    return "\n".join(out)


@pytest.fixture(scope="module")
def admin(backend):
    return backend.admin()


@pytest.fixture(scope="module")
def world(admin):
    """A tenant with a role and a client, for the user tests."""
    tenant = uniq("t")
    admin.run("tenant", "add", "--key", tenant, "--name", "Tenant " + tenant).check()
    admin.run("role", "add", "--tenant", tenant, "--name", "admin",
              "--permission", "ViewLoginActivity").check()
    client_id = uniq("c")
    admin.run("client", "add", "--client-id", client_id,
              "--redirect-url", "http://127.0.0.1:8080/").check()
    return {"tenant": tenant, "role": "admin", "client": client_id}


def add_user(admin, world, username, password="correct horse battery", extra=()):
    return admin.run("user", "add", "--username", username, "--tenant", world["tenant"],
                     "--role", world["role"], "--client", world["client"],
                     "--password-stdin", *extra, input=password + "\n")


def user_list(admin):
    r = admin.run("user", "list").check()
    return r.stdout


def listed_usernames(text):
    lines = text.splitlines()
    assert lines and lines[0].split("\t")[:2] == ["ID", "USERNAME"], text
    return [line.split("\t")[1] for line in lines[1:] if line]


# ---- help --------------------------------------------------------------------------

def test_overview_help(admin):
    r = admin.run("--help", global_args=False)
    assert r.returncode == 0, r
    assert r.stdout.startswith("usage:"), r
    for words in COMMANDS:
        assert " ".join(words) in r.stdout, (words, r.stdout)
    assert r.stderr == "", r


def test_version_is_configure_version(admin):
    with open(os.path.join(util.REPO, "configure.ac")) as f:
        version = re.search(r"^AC_INIT\(\[mod_authsvc\], \[([^]]+)\]", f.read(), re.M).group(1)
    r = admin.run("--version", global_args=False)
    assert r.returncode == 0 and r.stderr == "", r
    assert r.stdout == "authsvc-admin (mod_authsvc) %s\n" % version, r


@pytest.mark.parametrize("words", COMMANDS, ids=[" ".join(w) for w in COMMANDS])
def test_command_help(admin, words):
    for args in ([*words, "--help"], [*words, "-h"]):
        r = admin.run(*args)
        assert r.returncode == 0, r
        assert r.stdout.startswith("usage: ") and " ".join(words) in r.stdout.splitlines()[0], r
        assert r.stderr == "", r


@pytest.mark.parametrize("group", GROUPS)
def test_group_help(admin, group):
    r = admin.run(group, "--help")
    assert r.returncode == 0, r
    assert r.stdout.startswith("usage:"), r


# ---- what works ----------------------------------------------------------------------

def test_migrate_again_changes_nothing(admin, backend):
    before = row_counts(backend)
    r = admin.run("migrate").check()
    assert "nothing to do" in r.stdout, r
    assert row_counts(backend) == before


def test_create_tenant_role_client_user(admin, backend):
    tenant = uniq("tenant")
    r = admin.run("tenant", "add", "--key", tenant, "--name", "A tenant").check()
    assert tenant in r.stdout, r
    r = admin.run("role", "add", "--tenant", tenant, "--name", "admin",
                  "--permission", "ViewLoginActivity", "--permission", "CreateUser").check()
    assert "admin" in r.stdout, r

    client_id = uniq("client")
    r = admin.run("client", "add", "--client-id", client_id,
                  "--redirect-url", "http://127.0.0.1:8080/").check()
    secrets = SECRET_RE.findall(r.stdout)
    assert len(secrets) == 1, "client add must print its secret once: %r" % r
    secret = secrets[0]
    assert len(secret) >= 32, secret
    other = admin.run("client", "add", "--client-id", uniq("client")).check()
    assert SECRET_RE.findall(other.stdout) != [secret], "two clients, one secret"
    public = admin.run("client", "add", "--client-id", uniq("pub"), "--public").check()
    assert not SECRET_RE.findall(public.stdout), public

    username = uniq("user")
    password = "pw-" + uuid.uuid4().hex
    r = admin.run("user", "add", "--username", username, "--tenant", tenant, "--role", "admin",
                  "--client", client_id, "--email", username + "@example.org",
                  "--password-stdin", input=password + "\n").check()
    assert username in r.stdout, r

    rows = [line.split("\t") for line in user_list(admin).splitlines()[1:]]
    mine = [row for row in rows if row[1] == username]
    assert len(mine) == 1, rows
    assert tenant in mine[0] and "admin" in mine[0], mine
    # --tenant filters.
    only = listed_usernames(admin.run("user", "list", "--tenant", tenant).check().stdout)
    assert only == [username], only

    stored = all_text(backend)
    assert secret not in stored, "the client secret is stored in clear"
    assert password not in stored, "the password is stored in clear"
    assert "$argon2id$" in stored, "no argon2id password hash stored"
    assert secret not in user_list(admin)


def test_password_read_from_first_stdin_line(admin, world, backend):
    username = uniq("u")
    add_user(admin, world, username, password="first-line-password").check()
    assert username in listed_usernames(user_list(admin))


def links_of(admin, username):
    lines = admin.run("user", "links", "--username", username).check().stdout.splitlines()
    assert lines[0] == "PROVIDER\tSUBJECT\tLINKED", lines
    return [tuple(line.split("\t")[:2]) for line in lines[1:]]


def test_user_without_password_and_its_linked_identities(admin, world, backend):
    """What an administrator prepares for SAML and social logins: an account without a
    password, and the identities that log in as it (README "Linking external
    identities")."""
    username = uniq("ext")
    r = admin.run("user", "add", "--username", username, "--tenant", world["tenant"],
                  "--role", world["role"], "--client", world["client"], "--no-password").check()
    assert "no password" in r.stdout, r
    user_id = re.search(r"\(id ([0-9a-f-]+)\)", r.stdout).group(1)
    assert backend.query("SELECT provider FROM user_credentials WHERE user_id = '%s'"
                         % user_id) == []
    saml = "saml:https://idp.example/metadata"
    admin.run("user", "link", "--username", username, "--provider", "keycloak",
              "--subject", "kc-" + username).check()
    admin.run("user", "link", "--username", username, "--provider", saml,
              "--subject", username + "@example.org").check()
    assert links_of(admin, username) == [("keycloak", "kc-" + username),
                                         (saml, username + "@example.org")]
    # one identity per provider and user; an identity belongs to one user
    again = admin.run("user", "link", "--username", username, "--provider", "keycloak",
                      "--subject", "kc-other")
    assert again.returncode == 1 and "unlink" in again.stderr, again
    other = uniq("ext")
    admin.run("user", "add", "--username", other, "--tenant", world["tenant"],
              "--role", world["role"], "--no-password").check()
    taken = admin.run("user", "link", "--username", other, "--provider", "keycloak",
                      "--subject", "kc-" + username)
    assert taken.returncode == 1 and "linked to user id %s" % user_id in taken.stderr, taken
    r = admin.run("user", "unlink", "--provider", "keycloak", "--subject",
                  "kc-" + username).check()
    assert user_id in r.stdout, r
    assert links_of(admin, username) == [(saml, username + "@example.org")]
    admin.run("user", "link", "--username", other, "--provider", "keycloak",
              "--subject", "kc-" + username).check()
    assert links_of(admin, other) == [("keycloak", "kc-" + username)]


# ---- bad input: one line on stderr, non-zero exit, database unchanged ---------------------

def _bad_cases(world, existing_user):
    t, role, c = world["tenant"], world["role"], world["client"]
    pw = "correct horse battery\n"
    return {
        # name: (argv, stdin, expected exit code)
        "unknown-tenant-user": (["user", "add", "--username", uniq("u"), "--tenant", "no-such-tenant",
                                 "--role", role, "--password-stdin"], pw, 1),
        "unknown-tenant-role": (["role", "add", "--tenant", "no-such-tenant", "--name", "r"], None, 1),
        "unknown-role": (["user", "add", "--username", uniq("u"), "--tenant", t,
                          "--role", "no-such-role", "--password-stdin"], pw, 1),
        "unknown-client": (["user", "add", "--username", uniq("u"), "--tenant", t, "--role", role,
                            "--client", "no-such-client", "--password-stdin"], pw, 1),
        "duplicate-username": (["user", "add", "--username", existing_user, "--tenant", t,
                                "--role", role, "--password-stdin"], pw, 1),
        "duplicate-username-case": (["user", "add", "--username", existing_user.upper(), "--tenant", t,
                                     "--role", role, "--password-stdin"], pw, 1),
        "duplicate-tenant": (["tenant", "add", "--key", t, "--name", "again"], None, 1),
        "duplicate-role": (["role", "add", "--tenant", t, "--name", role], None, 1),
        "duplicate-client": (["client", "add", "--client-id", c], None, 1),
        "short-password": (["user", "add", "--username", uniq("u"), "--tenant", t, "--role", role,
                            "--password-stdin"], "short\n", 1),
        "missing-name": (["tenant", "add", "--key", uniq("t")], None, 2),
        "missing-username": (["user", "add", "--tenant", t, "--role", role, "--password-stdin"], pw, 2),
        "missing-value": (["tenant", "add", "--name", "x", "--key"], None, 2),
        "missing-client-id": (["client", "add"], None, 2),
        "unknown-option": (["tenant", "add", "--key", uniq("t"), "--name", "x", "--colour", "red"], None, 2),
        "bad-redirect-url": (["client", "add", "--client-id", uniq("c"), "--redirect-url", "javascript:alert(1)"], None, 2),
        "bad-client-id": (["client", "add", "--client-id", "has space"], None, 2),
        "bad-ttl": (["client", "add", "--client-id", uniq("c"), "--code-ttl", "601"], None, 2),
        "no-password-and-password-stdin": (["user", "add", "--username", uniq("u"), "--tenant", t,
                                            "--role", role, "--no-password",
                                            "--password-stdin"], pw, 2),
        "link-unknown-user": (["user", "link", "--username", uniq("nobody"), "--provider",
                               "google", "--subject", "s"], None, 1),
        "link-unknown-provider": (["user", "link", "--username", existing_user, "--provider",
                                   "myspace", "--subject", "s"], None, 2),
        "link-password-provider": (["user", "link", "--username", existing_user, "--provider",
                                    "internal", "--subject", "s"], None, 2),
        "link-empty-subject": (["user", "link", "--username", existing_user, "--provider",
                                "google", "--subject", ""], None, 2),
        "link-second-identity-of-a-provider": (["user", "link", "--username", existing_user,
                                                "--provider", "keycloak", "--subject",
                                                "another"], None, 1),
        "unlink-unknown-identity": (["user", "unlink", "--provider", "google", "--subject",
                                     uniq("nobody")], None, 1),
        "links-unknown-user": (["user", "links", "--username", uniq("nobody")], None, 1),
        "unknown-command": (["frobnicate"], None, 2),
        "unknown-subcommand": (["user", "frobnicate"], None, 2),
        "missing-subcommand": (["user"], None, 2),
    }


BAD_CASE_NAMES = ["unknown-tenant-user", "unknown-tenant-role", "unknown-role", "unknown-client",
                  "duplicate-username", "duplicate-username-case", "duplicate-tenant",
                  "duplicate-role", "duplicate-client", "short-password", "missing-name",
                  "missing-username", "missing-value", "missing-client-id", "unknown-option",
                  "bad-redirect-url", "bad-client-id", "bad-ttl",
                  "no-password-and-password-stdin", "link-unknown-user", "link-unknown-provider",
                  "link-password-provider", "link-empty-subject",
                  "link-second-identity-of-a-provider", "unlink-unknown-identity",
                  "links-unknown-user", "unknown-command", "unknown-subcommand",
                  "missing-subcommand"]


@pytest.fixture(scope="module")
def existing_user(admin, world):
    name = uniq("taken")
    add_user(admin, world, name.lower()).check()
    admin.run("user", "link", "--username", name.lower(), "--provider", "keycloak",
              "--subject", "kc-" + name.lower()).check()
    return name.lower()


@pytest.mark.parametrize("case", BAD_CASE_NAMES)
def test_bad_input_is_refused_without_change(admin, backend, world, existing_user, case):
    argv, stdin, code = _bad_cases(world, existing_user)[case]
    counts_before = row_counts(backend)
    users_before = user_list(admin)
    r = admin.run(*argv, input=stdin)
    assert r.returncode != 0, r
    assert r.returncode == code, "exit %d, expected %d: %r" % (r.returncode, code, r)
    err = r.stderr
    assert err.endswith("\n") and err.count("\n") == 1 and err.strip(), \
        "stderr must be exactly one line: %r" % err
    assert err.startswith("authsvc-admin: "), err
    assert "client_secret" not in r.stdout, r
    assert row_counts(backend) == counts_before, "database changed: %r" % r
    assert user_list(admin) == users_before, "user list changed: %r" % r


def test_unreachable_database_is_one_line(backend):
    from harness.admin import AdminCli
    if backend.kind == "sqlite":
        bad = AdminCli("sqlite3", "/nonexistent-dir/x/authsvc.db")
    else:
        bad = AdminCli("pgsql", "host=127.0.0.1 port=1 dbname=authsvc user=authsvc connect_timeout=2")
    r = bad.run("user", "list")
    assert r.returncode == 1, r
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("authsvc-admin: "), r


# ---- root on SQLite ------------------------------------------------------------------------

def test_no_root_owned_files_next_to_sqlite_database(admin, backend, world):
    if backend.kind != "sqlite":
        pytest.skip("SQLite only")
    if not util.IS_ROOT:
        pytest.skip("needs root: the CLI only switches users when run as root")
    # Writes and reads (WAL, -shm, journals) after everything above.
    add_user(admin, world, uniq("late")).check()
    user_list(admin)
    admin.run("migrate").check()
    leftovers = backend.root_owned_files()
    assert not leftovers, "root-owned files in %s: %r" % (backend.dbdir, leftovers)
    st = os.stat(backend.path)
    import pwd
    assert pwd.getpwuid(st.st_uid).pw_name == util.HTTPD_USER, "database owned by uid %d" % st.st_uid
