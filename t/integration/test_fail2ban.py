"""Logs for operations, on SQLite and PostgreSQL: every refused login, refresh-token
reuse and use of a revoked token writes one warn line with client=ADDR, and the fail2ban
filter of conf/fail2ban, run by Debian's fail2ban-regex on httpd's real error log,
matches exactly those lines, with exactly the addresses the requests came from.

Each kind of event comes from its own loopback address (127.0.0.x; Linux routes all of
127/8 to the loopback), so the addresses fail2ban finds say which events it matched.
A wrong client secret (reason=bad-client) is logged but not matched (README)."""
import collections
import os
import re
import shutil
import subprocess
import uuid

import pytest

from harness import util
from harness.accounts import provisioned
from harness.httpd import GATEWAY_SITE_MODULES, gateway_site_config

FILTER = os.path.join(util.REPO, "conf", "fail2ban", "filter.d", "authsvc.conf")
LOCK_FAILURES, IP_FAILURES = 3, 5

# one address per kind of event
BAD_PASSWORD, LOCKOUT, UNKNOWN, IP_LIMIT, FORGERY, BAD_CLIENT = (
    "127.0.0.%d" % n for n in range(61, 67))
REUSE, REVOKED_API, REVOKED_GATEWAY, QUIET = ("127.0.0.%d" % n for n in range(67, 71))
FORGED = "10.66.66.66"
# a username that would start a forged line if it reached the log as it is (within the
# 128 characters the log keeps of a username)
FORGED_LINE = ("[Sat Dec 05 12:00:00 2026] [authsvc:warn] [pid 1] authsvc2001: login refused: "
               "reason=locked client=%s" % FORGED)
EVIL_NAME = "e\r\n" + FORGED_LINE + " x\x1b[2K"


@pytest.fixture(scope="module")
def accounts(backend):
    with provisioned(backend, ["f2b-locked", "f2b-guessed"]) as acc:
        yield acc


@pytest.fixture(scope="module")
def docroot():
    root = util.make_docroot({"site/index.html": "PROTECTED-CONTENT\n"})
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def httpd_extra_config(accounts):
    return accounts.httpd_config(limits=[
        "AuthsvcAccountLockout %d 60 60" % LOCK_FAILURES,
        "AuthsvcIpLoginLimit %d 60" % IP_FAILURES])


@pytest.fixture(scope="module")
def httpd_modules():
    return GATEWAY_SITE_MODULES, []


@pytest.fixture(scope="module")
def httpd_tail_config(docroot):
    return gateway_site_config(docroot)


def login(client, accounts, username, password, source, secret=None):
    return client.post_json("/auth/login-token", {
        "client_id": "web", "client_secret": secret or accounts.client_secrets["web"],
        "username": username, "password": password}, source=source)


def session(client, accounts, source, username="alice"):
    r = login(client, accounts, username, accounts[username].password, source)
    assert r.status == 200, r
    return r.json


def bearer(token):
    return {"Authorization": "Bearer " + token}


def expect(status, r, code=None):
    assert r.status == status, r
    if code:
        assert r.json["error"]["code"] == code, r


@pytest.fixture(scope="module")
def events(client, accounts):
    """Makes every event once; returns {address: lines the filter must match} and the
    tokens handed out (which must not reach the log)."""
    matched = collections.Counter()
    tokens = []

    def refused(source, r, status=401):
        expect(status, r)
        matched[source] += 1

    for _ in range(2):
        refused(BAD_PASSWORD, login(client, accounts, "f2b-guessed", "wrong", BAD_PASSWORD))
    for _ in range(LOCK_FAILURES + 1):  # the last one finds the account locked
        refused(LOCKOUT, login(client, accounts, "f2b-locked", "wrong", LOCKOUT))
    refused(UNKNOWN, login(client, accounts, "ghost-" + uuid.uuid4().hex, "wrong", UNKNOWN))
    for _ in range(IP_FAILURES):
        refused(IP_LIMIT, login(client, accounts, "ghost-" + uuid.uuid4().hex, "x", IP_LIMIT))
    refused(IP_LIMIT, login(client, accounts, "alice", accounts["alice"].password, IP_LIMIT),
            status=429)
    refused(FORGERY, login(client, accounts, EVIL_NAME, "wrong", FORGERY))
    expect(401, login(client, accounts, "alice", accounts["alice"].password, BAD_CLIENT,
                      secret="not-the-secret"))

    first = session(client, accounts, REUSE)
    r = client.post_json("/auth/token-refresh", {"refreshToken": first["refreshToken"]},
                         headers=bearer(first["accessToken"]), source=REUSE)
    expect(200, r)
    tokens += [first["accessToken"], first["refreshToken"], r.json["accessToken"],
               r.json["refreshToken"]]
    refused(REUSE, client.post_json("/auth/token-refresh",
                                    {"refreshToken": first["refreshToken"]},
                                    headers=bearer(first["accessToken"]), source=REUSE))

    gone = session(client, accounts, QUIET)
    tokens += [gone["accessToken"], gone["refreshToken"]]
    expect(200, client.get("/site/index.html", headers=bearer(gone["accessToken"]),
                           source=QUIET))
    expect(200, client.post_json("/logout", {"refreshToken": gone["refreshToken"]},
                                 headers=bearer(gone["accessToken"]), source=QUIET))
    r = client.get("/auth/me", headers=bearer(gone["accessToken"]), source=REVOKED_API)
    expect(401, r, "TokenRevoked")
    matched[REVOKED_API] += 1
    r = client.get("/site/index.html", headers=bearer(gone["accessToken"]),
                   source=REVOKED_GATEWAY)
    expect(401, r)
    matched[REVOKED_GATEWAY] += 1
    return matched, tokens


@pytest.fixture(scope="module")
def log_text(server, events):
    with open(server.error_log, encoding="utf-8", errors="replace") as f:
        return f.read()


@pytest.fixture(scope="module")
def fail2ban(server, events):
    """The addresses fail2ban-regex finds in the error log, one per matched line."""
    out = subprocess.run(["fail2ban-regex", "-o", "ip", server.error_log, FILTER],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out
    return collections.Counter(out.stdout.split())


def authsvc_lines(log_text, number):
    return re.findall(r"^\[[^]]*\] \[authsvc:(\w+)\] .*?authsvc%s: (.*)$" % number,
                      log_text, re.M)


def test_fail2ban_matches_one_line_per_event_with_its_address(events, fail2ban):
    expected, _ = events
    assert fail2ban == expected
    assert sum(fail2ban.values()) == 2 + LOCK_FAILURES + 1 + 1 + IP_FAILURES + 1 + 1 + 3


def test_refused_logins_are_warn_lines_with_reason_and_client(log_text):
    reasons = collections.Counter(
        (level, m.group(1), m.group(2))
        for level, text in authsvc_lines(log_text, 2001)
        for m in [re.match(r"login refused: reason=(\S+) client=(\S+) ", text)])
    assert reasons == collections.Counter({
        ("warn", "bad-password", BAD_PASSWORD): 2,
        ("warn", "bad-password", LOCKOUT): LOCK_FAILURES,
        ("warn", "locked", LOCKOUT): 1,
        ("warn", "unknown-user", UNKNOWN): 1,
        ("warn", "unknown-user", IP_LIMIT): IP_FAILURES,
        ("warn", "ip-limited", IP_LIMIT): 1,
        ("warn", "unknown-user", FORGERY): 1,
        ("warn", "bad-client", BAD_CLIENT): 1}), reasons


def test_token_refusals_are_warn_lines_with_reason_and_client(log_text):
    assert [(lv, t.split(" family=")[0]) for lv, t in authsvc_lines(log_text, "0604")] == [
        ("warn", "token refused: reason=refresh-reuse client=%s" % REUSE)]
    assert [(lv, t.split(" jti=")[0]) for lv, t in authsvc_lines(log_text, 2501)] == [
        ("warn", "token refused: reason=revoked client=%s" % REVOKED_API)]
    assert [(lv, t.split(" jti=")[0]) for lv, t in authsvc_lines(log_text, 1123)] == [
        ("warn", "token refused: reason=revoked client=%s" % REVOKED_GATEWAY)]


def test_a_wrong_client_secret_is_not_banned(events, fail2ban):
    assert BAD_CLIENT not in fail2ban


def test_control_characters_in_a_username_forge_no_line_and_no_address(log_text, fail2ban):
    assert FORGED not in fail2ban
    assert fail2ban[FORGERY] == 1
    assert "\x1b" not in log_text and "\r" not in log_text
    assert not [line for line in log_text.splitlines() if line.startswith(FORGED_LINE[:27])]
    lines = [t for _, t in authsvc_lines(log_text, 2001) if "client=%s " % FORGERY in t]
    assert len(lines) == 1, lines
    assert lines[0].endswith('user="e%0D%0A[Sat%20Dec%2005%2012:00:00%202026]%20'
                             '[authsvc:warn]%20[pid%201]%20authsvc2001:%20login%20refused:%20'
                             'reason=locked%20client=10.66.66.66%20x%1B[2K"'), lines


def test_no_token_reaches_the_log(events, log_text):
    _, tokens = events
    leaked = [t[:12] for t in tokens if t in log_text]
    assert not leaked, leaked
