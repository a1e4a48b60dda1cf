"""authsvc-admin against SQLite and PostgreSQL: creating tenants, roles, clients and
users works; bad input fails with one line on stderr, a non-zero exit, and the
database exactly as it was; --help works on every command; as root on SQLite no
root-owned file is left next to the database."""
import json
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
    ["tenant", "list"],
    ["tenant", "show"],
    ["role", "list"],
    ["role", "show"],
    ["client", "list"],
    ["client", "show"],
    ["client", "delete"],
    ["client", "rotate-secret"],
    ["user", "list"],
    ["user", "show"],
    ["user", "disable"],
    ["user", "enable"],
    ["user", "delete"],
    ["user", "reset-password"],
    ["user", "unlock"],
    ["user", "mfa"],
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
    links = json.loads(admin.run("user", "links", "--username", other, "--json").check().stdout)
    assert [(x["provider"], x["subject"]) for x in links] == [("keycloak", "kc-" + username)]
    assert links[0]["linked"].endswith("Z"), links


# ---- the server's password policy --------------------------------------------------------

def test_password_length_counts_characters_not_bytes(admin, world):
    """Eight characters in nine bytes pass; the byte count alone is not the rule."""
    add_user(admin, world, uniq("u8"), password="h\u00e9llo!!!").check()


def test_blocklist_option_names_the_servers_list(admin, world, tmp_path):
    listed = tmp_path / "blocklist.txt"
    listed.write_text("# ours\ncorrect horse battery\n")  # read before dropping root
    r = add_user(admin, world, uniq("u"), extra=("--blocklist", str(listed)))
    assert r.returncode == 1 and "too common" in r.stderr, r
    add_user(admin, world, uniq("u"), password="Password1-but-longer",
             extra=("--blocklist", str(listed))).check()


def test_help_states_the_code_lifetime_the_code_uses(admin):
    r = admin.run("client", "add", "--help").check()
    assert "auth code lifetime, seconds (default 60, at most 600)" in r.stdout, r


# ---- list and show --------------------------------------------------------------------------

def test_tenant_role_client_list_and_show(admin, world):
    t, c = world["tenant"], world["client"]
    lines = admin.run("tenant", "list").check().stdout.splitlines()
    assert lines[0].split("\t")[:3] == ["KEY", "NAME", "STATUS"], lines
    assert any(line.split("\t")[:3] == [t, "Tenant " + t, "active"] for line in lines), lines
    tenants = json.loads(admin.run("tenant", "list", "--json").check().stdout)
    mine = [x for x in tenants if x["key"] == t]
    assert len(mine) == 1 and mine[0]["roles"] == 1 and mine[0]["status"] == "active", mine
    shown = json.loads(admin.run("tenant", "show", "--key", t, "--json").check().stdout)
    assert shown["key"] == t and shown["role_names"] == ["admin"], shown
    assert "role_names: admin" in admin.run("tenant", "show", "--key", t).check().stdout

    roles = json.loads(admin.run("role", "list", "--tenant", t, "--json").check().stdout)
    assert [(x["tenant"], x["name"], x["permissions"]) for x in roles] == [(t, "admin", 1)], roles
    role = json.loads(admin.run("role", "show", "--tenant", t, "--name", "admin",
                                "--json").check().stdout)
    assert role["permission_names"] == ["ViewLoginActivity"], role
    assert admin.run("role", "list").check().stdout.startswith("TENANT\tNAME\t")

    clients = json.loads(admin.run("client", "list", "--json").check().stdout)
    mine = [x for x in clients if x["client_id"] == c]
    assert len(mine) == 1 and mine[0]["type"] == "confidential", mine
    assert mine[0]["code_ttl"] == 60 and mine[0]["redirect_url"] == "http://127.0.0.1:8080/"
    assert "secret" not in json.dumps(clients)
    one = json.loads(admin.run("client", "show", "--client-id", c, "--json").check().stdout)
    assert one == mine[0], (one, mine)
    text = admin.run("client", "show", "--client-id", c).check().stdout
    assert "client_id: %s\n" % c in text and "type: confidential\n" in text, text


def test_user_list_and_show_lockout(admin, world, backend):
    name = uniq("lock")
    add_user(admin, world, name).check()
    until = 4102444800000  # 2100-01-01
    backend.query("INSERT INTO login_attempts (scope, subject, source, failures, window_start, "
                  "locked_until) VALUES ('account', '%s', '', 5, 1, %d)" % (name, until))
    rows = json.loads(admin.run("user", "list", "--tenant", world["tenant"], "--json")
                      .check().stdout)
    mine = [x for x in rows if x["username"] == name]
    assert len(mine) == 1, rows
    assert mine[0]["failures"] == 5 and mine[0]["locked_until"] == "2100-01-01T00:00:00.000Z"
    assert mine[0]["status"] == "active" and mine[0]["tenant"] == world["tenant"], mine
    lines = admin.run("user", "list").check().stdout.splitlines()
    assert lines[0].split("\t")[-2:] == ["FAILURES", "LOCKED_UNTIL"], lines
    user = json.loads(admin.run("user", "show", "--username", name.upper(), "--json")
                      .check().stdout)
    assert user["username"] == name and user["password"] is True, user
    assert user["tenants"] == [{"tenant": world["tenant"], "role": "admin",
                                "status": "active"}], user
    assert user["clients"] == [world["client"]], user
    assert user["lockout"] == [{"source": "", "failures": 5,
                                "locked_until": "2100-01-01T00:00:00.000Z"}], user
    assert "$argon2" not in json.dumps(user)
    admin.run("user", "unlock", "--username", name).check()
    user = json.loads(admin.run("user", "show", "--username", name, "--json").check().stdout)
    assert user["lockout"] == [], user


# ---- user disable, enable, delete, reset-password; client delete, rotate-secret --------------

def membership_status(backend, username):
    return [r[0] for r in backend.query(
        "SELECT ut.status FROM user_tenants ut JOIN users u ON u.id = ut.user_id "
        "WHERE u.username = '%s'" % username)]


def test_user_disable_enable_delete(admin, world, backend):
    name = uniq("dis")
    add_user(admin, world, name).check()
    r = admin.run("user", "disable", "--username", name).check()
    assert "1 membership changed" in r.stdout, r
    assert membership_status(backend, name) == ["2"]
    admin.run("user", "enable", "--username", name).check()
    assert membership_status(backend, name) == ["1"]
    r = admin.run("user", "delete", "--username", name).check()
    assert backend.query("SELECT id FROM users WHERE username = '%s'" % name) == []
    assert name not in listed_usernames(user_list(admin))


def test_user_reset_password(admin, world, backend):
    name = uniq("rst")
    add_user(admin, world, name).check()
    before = backend.query("SELECT c.password_hash FROM user_credentials c JOIN users u "
                           "ON u.id = c.user_id WHERE u.username = '%s'" % name)
    r = admin.run("user", "reset-password", "--username", name, "--password-stdin",
                  input="a new pass phrase\n").check()
    assert "every session ended" in r.stdout, r
    after = backend.query("SELECT c.password_hash FROM user_credentials c JOIN users u "
                          "ON u.id = c.user_id WHERE u.username = '%s'" % name)
    assert after != before and after[0][0].startswith("$argon2id$"), (before, after)
    # a user without a password gets one
    ext = uniq("ext")
    admin.run("user", "add", "--username", ext, "--tenant", world["tenant"], "--role",
              world["role"], "--no-password").check()
    admin.run("user", "reset-password", "--username", ext, "--password-stdin",
              input="a new pass phrase\n").check()
    shown = json.loads(admin.run("user", "show", "--username", ext, "--json").check().stdout)
    assert shown["password"] is True, shown


def test_client_rotate_secret_and_delete(admin, backend):
    cid = uniq("c")
    first = SECRET_RE.findall(admin.run("client", "add", "--client-id", cid).check().stdout)
    r = admin.run("client", "rotate-secret", "--client-id", cid).check()
    second = SECRET_RE.findall(r.stdout)
    assert len(second) == 1 and second != first, r
    assert second[0] not in all_text(backend)
    public = uniq("pub")
    admin.run("client", "add", "--client-id", public, "--public").check()
    r = admin.run("client", "rotate-secret", "--client-id", public)
    assert r.returncode == 1 and "public" in r.stderr and not SECRET_RE.findall(r.stdout), r
    admin.run("client", "delete", "--client-id", cid).check()
    assert backend.query("SELECT client_id FROM auth_clients WHERE client_id = '%s'" % cid) == []


def test_activity_names_users_and_tenants(admin, world, backend):
    name = uniq("act")
    add_user(admin, world, name).check()
    uid, tid = backend.query("SELECT u.id, t.id FROM users u, tenants t WHERE u.username = '%s' "
                             "AND t.tenant_key = '%s'" % (name, world["tenant"]))[0]
    import time
    backend.query("INSERT INTO login_activity (id, actor, tenant_id, login_time, login_type, "
                  "ip_address, client_id) VALUES ('%s', '%s', '%s', %d, 'ACCESS', '127.0.0.1', "
                  "'%s')" % (uuid.uuid4(), uid, tid, int(time.time() * 1000), world["client"]))
    out = admin.run("activity", "--limit", "1000").check().stdout
    mine = [line.split("\t") for line in out.splitlines() if "\t%s\t" % name in line]
    assert mine and mine[0][1:4] == ["ACCESS", name, world["tenant"]], out
    data = json.loads(admin.run("activity", "--limit", "1000", "--json").check().stdout)
    rows = [x for x in data["activity"] if x["actor"] == name]
    assert rows and rows[0]["tenant"] == world["tenant"] and rows[0]["type"] == "ACCESS", data
    assert rows[0]["client"] == world["client"] and rows[0]["ip"] == "127.0.0.1", rows
    assert data["active_users"] and all(d["active_users"] >= 1 for d in data["active_users"])


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
        "blocklisted-password": (["user", "add", "--username", uniq("u"), "--tenant", t,
                                  "--role", role, "--password-stdin"], "password\n", 1),
        "password-is-username": (["user", "add", "--username", "longusername", "--tenant", t,
                                  "--role", role, "--password-stdin"], "LongUserName\n", 1),
        "seven-characters-in-eight-bytes": (["user", "add", "--username", uniq("u"),
                                             "--tenant", t, "--role", role,
                                             "--password-stdin"], "h\u00e9llo!!\n", 1),
        "missing-blocklist": (["user", "add", "--username", uniq("u"), "--tenant", t,
                               "--role", role, "--password-stdin", "--blocklist",
                               "/nonexistent/blocklist.txt"], pw, 1),
        "bad-min-length": (["user", "add", "--username", uniq("u"), "--tenant", t,
                            "--role", role, "--password-stdin", "--min-length", "7"], pw, 2),
        "under-min-length": (["user", "add", "--username", uniq("u"), "--tenant", t,
                              "--role", role, "--password-stdin", "--min-length", "30"], pw, 1),
        "reset-blocklisted": (["user", "reset-password", "--username", existing_user,
                               "--password-stdin"], "Password1\n", 1),
        "reset-unknown-user": (["user", "reset-password", "--username", uniq("nobody"),
                                "--password-stdin"], pw, 1),
        "show-unknown-tenant": (["tenant", "show", "--key", uniq("nope")], None, 1),
        "show-unknown-role": (["role", "show", "--tenant", t, "--name", uniq("nope")], None, 1),
        "role-list-unknown-tenant": (["role", "list", "--tenant", uniq("nope")], None, 1),
        "show-unknown-client": (["client", "show", "--client-id", uniq("nope")], None, 1),
        "show-unknown-user": (["user", "show", "--username", uniq("nope")], None, 1),
        "disable-unknown-user": (["user", "disable", "--username", uniq("nope")], None, 1),
        "enable-unknown-user": (["user", "enable", "--username", uniq("nope")], None, 1),
        "delete-unknown-user": (["user", "delete", "--username", uniq("nope")], None, 1),
        "delete-unknown-client": (["client", "delete", "--client-id", uniq("nope")], None, 1),
        "rotate-unknown-client": (["client", "rotate-secret", "--client-id", uniq("nope")],
                                  None, 1),
        "json-takes-no-value": (["client", "list", "--json=yes"], None, 2),
        "show-missing-key": (["tenant", "show"], None, 2),
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
                  "links-unknown-user", "blocklisted-password", "password-is-username",
                  "seven-characters-in-eight-bytes", "missing-blocklist", "bad-min-length",
                  "under-min-length", "reset-blocklisted", "reset-unknown-user",
                  "show-unknown-tenant", "show-unknown-role", "role-list-unknown-tenant",
                  "show-unknown-client", "show-unknown-user", "disable-unknown-user",
                  "enable-unknown-user", "delete-unknown-user", "delete-unknown-client",
                  "rotate-unknown-client", "json-takes-no-value", "show-missing-key",
                  "unknown-command", "unknown-subcommand", "missing-subcommand"]


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


# ---- a running httpd hears of disable and enable --------------------------------------------

@pytest.fixture(scope="module")
def httpd_extra_config(accounts):
    return accounts.httpd_config()


def _login_token(client, accounts, user):
    return client.post_json("/auth/login-token", {
        "client_id": "web", "client_secret": accounts.client_secrets["web"],
        "username": user.username, "password": user.password})


def _me(client, access_token):
    return client.get("/auth/me", headers={"Authorization": "Bearer " + access_token})


def test_disabled_user_is_refused_by_httpd_until_enabled(backend, accounts, server, client):
    from harness.accounts import add_users
    user = add_users(backend, accounts, [uniq("dis")])[0]
    admin = backend.admin()
    r = _login_token(client, accounts, user)
    assert r.status == 200, r
    access, refresh = r.json["accessToken"], r.json["refreshToken"]
    assert _me(client, access).status == 200

    admin.run("user", "disable", "--username", user.username).check()
    assert _me(client, access).status == 401, "a disabled user's access token still works"
    r = client.post_json("/auth/token-refresh", {"refreshToken": refresh})
    assert r.status != 200, r
    assert _login_token(client, accounts, user).status != 200

    admin.run("user", "enable", "--username", user.username).check()
    r = _login_token(client, accounts, user)
    assert r.status == 200, r
    assert _me(client, r.json["accessToken"]).status == 200
    assert _me(client, access).status == 401, "enable brought an ended session back"


def test_key_generate_eddsa_is_an_ed25519_pkcs8_key(admin, tmp_path):
    import subprocess
    out = tmp_path / "ed25519.pem"
    r = admin.run("key", "generate", "--alg", "EdDSA", "--out", str(out), global_args=False)
    assert r.returncode == 0, r
    assert (os.stat(out).st_mode & 0o777) == 0o600
    assert out.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    text = subprocess.run(["openssl", "pkey", "-in", str(out), "-noout", "-text"],
                          stdout=subprocess.PIPE, text=True, check=True).stdout
    assert text.startswith("ED25519 Private-Key"), text
