"""R-10: the SMTP server is black-holed (it accepts connections and never speaks: a
hung or very slow server), or down (nothing listens on its port), and the webhook is
down (nothing listens). Mail-sending routes answer as usual, at once: delivery runs in
the child's background worker, bounded by AuthsvcMailTimeout, and each failure is one
error-log line. Also: AuthsvcSignUp unset means no self sign-up."""
import shutil
import socket
import time

import pytest

from harness import util
from harness.accounts import provision
from harness.client import HttpClient, assert_envelope

SMTP_TIMEOUT = 2


@pytest.fixture(scope="module")
def black_hole(backend):
    """A listener that never accepts: connects succeed, no greeting ever comes."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    yield s.getsockname()[1]
    s.close()


@pytest.fixture(scope="module")
def accounts(backend):
    workdir = util.make_tempdir("authsvc-accounts-%s-" % backend.kind)
    try:
        yield provision(backend, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def mail_config(smtp_port):
    return ["AuthsvcMailServer smtp://127.0.0.1:%d" % smtp_port,
            "AuthsvcMailStartTLS Off",
            "AuthsvcMailFrom noreply@example.test",
            'AuthsvcMailTemplates "%s/conf/templates"' % util.REPO,
            "AuthsvcMailTimeout 1 %d" % SMTP_TIMEOUT]


@pytest.fixture(scope="module")
def httpd_extra_config(accounts, black_hole):
    return accounts.httpd_config() + mail_config(black_hole) + [
        "AuthsvcMailWebhook http://127.0.0.1:%d/events" % util.free_port()]


def forget(client, accounts, username):
    body = {"username": username, "client_id": "web",
            "client_secret": accounts.client_secrets["web"]}
    t0 = time.monotonic()
    r = client.post_json("/auth/forget-password", body)
    return r, time.monotonic() - t0


def assert_same_answer_at_once(client, accounts, names):
    answers, times = set(), []
    for name in names:
        r, dt = forget(client, accounts, name)
        answers.add((r.status, r.body))
        times.append(dt)
    assert answers == {(204, b"")}, answers
    assert max(times) < 1.0, times           # far below the SMTP timeout


def test_smtp_black_hole_same_answer_bounded_time_and_logged(client, accounts, server):
    assert_same_answer_at_once(client, accounts, ("alice", "nobody-at-all", "bob"))
    deadline = time.monotonic() + 3 * SMTP_TIMEOUT + 5
    while time.monotonic() < deadline:
        log = server.log_text()
        if "not delivered" in log and "webhook event" in log:
            break
        time.sleep(0.2)
    lines = [l for l in server.log_text().splitlines() if "not delivered" in l]
    assert any("authsvc1621" in l for l in lines), lines      # SMTP
    assert any("authsvc1623" in l for l in lines), lines      # webhook
    assert "alice@example.org" not in server.log_text()
    server.assert_no_crash()


def test_smtp_server_down_same_answer_at_once_and_logged(httpd_factory, accounts):
    """Nothing listens on the SMTP port (connection refused): the same 204 for existing
    and unknown users, at once, and each lost mail is one error-log line."""
    node = httpd_factory("smtp-down", accounts.httpd_config() + mail_config(util.free_port()))
    assert_same_answer_at_once(HttpClient("127.0.0.1", node.port), accounts,
                               ("alice", "nobody-at-all", "dave"))
    deadline = time.monotonic() + 3 * SMTP_TIMEOUT + 5
    while time.monotonic() < deadline:
        lines = [l for l in node.log_text().splitlines() if "authsvc1621" in l]
        if len(lines) >= 2:
            break
        time.sleep(0.2)
    # one line per mail (alice and dave have accounts; the unknown name sends nothing)
    assert len(lines) == 2, lines
    assert "alice@example.org" not in node.log_text()
    node.assert_no_crash()


def test_many_requests_during_the_outage_stay_fast(client, accounts):
    times = [forget(client, accounts, "alice")[1] for _ in range(10)]
    assert max(times) < 1.0, times


def test_sign_up_is_off_unless_configured(client):
    r = client.post_json("/auth/sign-up/create-token", {"email": "x@example.org"})
    assert_envelope(r, 403, "SignUpDisabled")
