"""Passwords through a real httpd, on SQLite and PostgreSQL: the policy when a password is
changed (row T-52: length 8-256 code points, no composition rules, the blocklist, not the
username, emoji, NFC and NFD taken as sent, no truncation), the stored hashes (row T-53:
argon2id at or above OWASP's minimum, a fresh salt each time), bcrypt hashes imported
from the old service ($2a$, $2b$, $2y$) that are rehashed to argon2id at the next login,
and AuthsvcPasswordHashCost (hashes under the configured cost are rehashed too).

This module's httpd raises the argon2id memory to 24576 KiB and loads the shipped
blocklist (conf/password-blocklist.txt)."""
import os
import re
import secrets
import unicodedata
import warnings

import pytest

from harness import util
from harness.accounts import add_users, provisioned
from harness.client import assert_envelope
from test_tokens import Api

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt  # libcrypt's bcrypt, to write hashes like the old service's

M_COST = 24576
ARGON2 = re.compile(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$")
BLOCKLIST = os.path.join(util.REPO, "conf", "password-blocklist.txt")


@pytest.fixture(scope="module")
def accounts(backend):
    with provisioned(backend, ["pat", "patricia-long", "twin-one", "twin-two"]) as acc:
        add_users(backend, acc, ["legacy-2a", "legacy-2b", "legacy-2y", "legacy-weak"])
        yield acc


@pytest.fixture(scope="module")
def httpd_extra_config(accounts):
    return accounts.httpd_config() + ["AuthsvcPasswordHashCost %d 2 1" % M_COST,
                                      'AuthsvcPasswordBlocklist "%s"' % BLOCKLIST]


@pytest.fixture(scope="module")
def api(client, accounts):
    return Api(client, accounts)


def stored_hash(backend, accounts, username):
    rows = backend.query("SELECT password_hash FROM user_credentials WHERE user_id = '%s' "
                         "AND provider = 'internal'" % accounts[username].id)
    assert len(rows) == 1, rows
    return rows[0][0]


def set_stored_hash(backend, accounts, username, value):
    backend.query("UPDATE user_credentials SET password_hash = '%s' WHERE user_id = '%s' "
                  "AND provider = 'internal'" % (value, accounts[username].id))


class Changer:
    """Changes one user's password through PATCH /auth/change-password, keeping its own
    session (a change ends the user's other sessions)."""

    def __init__(self, api, accounts, username):
        self.api, self.acc, self.username = api, accounts, username
        self.s = api.session(username)

    def change(self, new):
        user = self.acc[self.username]
        r = self.api.change_password({"refreshToken": self.s["refreshToken"],
                                      "username": self.username, "password": new,
                                      "oldPassword": user.password}, self.s["accessToken"])
        if r.status == 200:
            user.password = new
        return r

    def accepts(self, new):
        r = self.change(new)
        assert r.status == 200, "%r refused: %r" % (new, r)
        # the new password logs in, byte for byte
        self.api.code(self.username, password=new)

    def refuses(self, new, why):
        r = self.change(new)
        err = assert_envelope(r, 400, "PasswordInvalid")
        assert why in err["message"], (why, err)
        assert_envelope(self.api.login(self.username, password=new), 401, "InvalidCredentials")


@pytest.fixture
def pat(api, accounts):
    return Changer(api, accounts, "pat")


# ---- T-52: the policy -----------------------------------------------------------------------

def test_length_is_8_to_256_characters(pat):
    pat.refuses("kq3vzpx", "at least 8")
    pat.accepts("kq3vzpxw")
    pat.accepts("kq3vzpxw-15char")
    pat.accepts("k" * 40 + secrets.token_hex(12))
    pat.accepts(secrets.token_hex(128))
    pat.refuses("x" + secrets.token_hex(128), "at most 256")


def test_no_composition_rules(pat):
    pat.accepts("correcthorsebatterystaple")
    pat.accepts("                !   spaces count")


def test_blocklisted_passwords_are_refused(pat):
    pat.refuses("qwertyuiop", "common")
    pat.refuses("PassWord1", "common")


def test_the_username_is_refused_but_may_be_part_of_it(api, accounts):
    c = Changer(api, accounts, "patricia-long")
    c.refuses("Patricia-Long", "same as the username")
    c.accepts("patricia-long-is-my-name-7Qx")


def test_emoji_count_as_one_character_each(pat):
    pat.refuses("\U0001F512" * 7, "at least 8")
    pat.accepts("\U0001F512\U0001F511\U0001F5DD\U0001F510\U0001F9F7\U0001F9F2\U0001FAAA\U0001F9FF")


def test_nfc_and_nfd_are_different_passwords(api, pat):
    nfc = unicodedata.normalize("NFC", "caf\u00e9-cr\u00e8me-42")
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc.encode() != nfd.encode()
    pat.accepts(nfc)
    assert_envelope(api.login("pat", password=nfd), 401, "InvalidCredentials")


def test_a_long_password_is_never_truncated(api, pat):
    long_pw = secrets.token_hex(50)   # 100 bytes
    pat.accepts(long_pw)
    assert_envelope(api.login("pat", password=long_pw[:72]), 401, "InvalidCredentials")


# ---- T-53: stored hashes --------------------------------------------------------------------

def argon2_parts(h):
    m = ARGON2.match(h)
    assert m, "not an argon2id PHC string: %r" % h
    return int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4), m.group(5)


def test_stored_hashes_are_argon2id_with_fresh_salts(api, accounts, backend):
    same = "twin-password-" + secrets.token_hex(6)
    for name in ("twin-one", "twin-two"):
        Changer(api, accounts, name).accepts(same)
    one, two = (argon2_parts(stored_hash(backend, accounts, n)) for n in ("twin-one", "twin-two"))
    for m_cost, t_cost, par, salt, out in (one, two):
        assert m_cost == M_COST and t_cost >= 2 and par == 1
        assert len(salt) >= 22 and len(out) >= 43  # 16 and 32 bytes, unpadded base64
    assert one[3] != two[3] and one[4] != two[4]
    # the CLI's hashes (OWASP's minimum) are not weaker than the floor either
    for name in ("alice", "bob"):
        m_cost, t_cost, par, _, _ = argon2_parts(stored_hash(backend, accounts, name))
        assert m_cost >= 19456 and t_cost >= 2 and par == 1


def test_a_weaker_argon2id_hash_is_rehashed_at_login(api, accounts, backend):
    before = argon2_parts(stored_hash(backend, accounts, "legacy-weak"))
    assert before[0] == 19456  # made by authsvc-admin with the default cost
    api.code("legacy-weak")
    after = argon2_parts(stored_hash(backend, accounts, "legacy-weak"))
    assert after[0] == M_COST and after[3] != before[3]
    api.code("legacy-weak")


# ---- bcrypt hashes imported from the old service ------------------------------------------

@pytest.mark.parametrize("prefix", ["2a", "2b", "2y"])
def test_imported_bcrypt_logs_in_and_is_rehashed(api, accounts, backend, prefix):
    name = "legacy-" + prefix
    password = accounts[name].password
    bcrypt = crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << 5))
    assert bcrypt.startswith("$2b$05$"), bcrypt
    set_stored_hash(backend, accounts, name, "$%s$%s" % (prefix, bcrypt[4:]))
    assert_envelope(api.login(name, password="not-" + password), 401, "InvalidCredentials")
    assert stored_hash(backend, accounts, name).startswith("$%s$" % prefix)
    api.code(name)
    m_cost, _, _, _, _ = argon2_parts(stored_hash(backend, accounts, name))
    assert m_cost == M_COST
    api.code(name)
    assert_envelope(api.login(name, password="not-" + password), 401, "InvalidCredentials")
