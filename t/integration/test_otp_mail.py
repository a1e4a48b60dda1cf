"""The second factor by e-mail through a real httpd and a real SMTP sink (aiosmtpd), on
SQLite and PostgreSQL: an MFA user logs in, POST /auth/send-otp mails a 6-digit code,
/auth/verify-otp trades the MFA-pending code and the mailed code for a normal code, and
/auth/token gives tokens. Row T-50: five attempts per code (the sixth, even right, is
refused), at most three sends per user in 15 minutes (the fourth answers the same 204
and sends nothing), an expired code is refused; send-otp answers 204 whatever the key.
This module's codes live 3 s (AuthsvcOtpLifetime) so expiry can be seen."""
import time

import pytest

from harness import util
from harness.accounts import provisioned
from harness.client import assert_envelope
from harness.mailbox import sink  # noqa: F401 (a fixture)
from harness.mailbox import address, mailed_code_message
from harness.smtp_sink import SmtpSink
from test_tokens import Api

OTP_TTL = 3


@pytest.fixture(scope="module")
def accounts(backend):
    names = ["otp-amy", "otp-bo", "otp-cy", "otp-di", "otp-ed"]
    with provisioned(backend, names) as acc:
        for name in names:
            backend.admin().run("user", "mfa", "--username", name, "--required", "yes").check()
        yield acc


@pytest.fixture(scope="module")
def httpd_extra_config(accounts, sink):
    return accounts.httpd_config() + [
        "AuthsvcMailServer smtp://127.0.0.1:%d" % sink.port,
        "AuthsvcMailStartTLS Off",
        "AuthsvcMailFrom noreply@example.test",
        'AuthsvcMailTemplates "%s/conf/templates"' % util.REPO,
        'AuthsvcMailProductName "Example Portal"',
        "AuthsvcMailLimit 100 100000 900",
        "AuthsvcOtpLifetime %d" % OTP_TTL]


@pytest.fixture(scope="module")
def api(client, accounts):
    return Api(client, accounts)


def send(api, key, secret=None):
    return api.c.post_json("/auth/send-otp", {
        "client_id": "web", "key": key,
        "client_secret": secret or api.acc.client_secrets["web"]})


def mailed_code(sink, name, count):
    code, msg = mailed_code_message(sink, name, count)
    assert code in msg["Subject"], msg["Subject"]
    assert "Example Portal" in SmtpSink.text(msg)
    return code


def verify(api, key, otp):
    return api.c.post_json("/auth/verify-otp", {"key": key, "otp": otp})


def test_mailed_code_completes_the_login(api, sink):
    pending = api.code("otp-amy")
    assert_envelope(api.token(pending), 401, "UserVerificationFailed")
    r = send(api, pending)
    assert r.status == 204 and r.body == b"", r
    otp = mailed_code(sink, "otp-amy", 1)
    r = verify(api, pending, otp)
    assert r.status == 200 and set(r.json) == {"code"}, r
    pair = api.token(r.json["code"])
    assert pair.status == 200, pair
    assert api.me(pair.json["accessToken"]).json["username"] == "otp-amy"
    # used: neither the code nor the pending code works again
    assert_envelope(verify(api, pending, otp), 401, "OtpExpired")


def test_five_attempts_per_code(api, sink):
    """T-50: six wrong codes, then the right one: dead after five."""
    pending = api.code("otp-bo")
    assert send(api, pending).status == 204
    otp = mailed_code(sink, "otp-bo", 1)
    wrong = "%06d" % ((int(otp) + 1) % 1000000)
    for _ in range(5):
        assert_envelope(verify(api, pending, wrong), 401, "OtpInvalid")
    assert_envelope(verify(api, pending, wrong), 401, "OtpExpired")
    assert_envelope(verify(api, pending, otp), 401, "OtpExpired")


def test_three_sends_per_window(api, sink):
    """T-50: the fourth send in 15 minutes answers alike and mails nothing."""
    pending = api.code("otp-cy")
    codes = []
    for n in range(1, 4):  # one after the other, so that the mails come in this order
        assert send(api, pending).status == 204
        codes.append(mailed_code(sink, "otp-cy", n))
    assert send(api, pending).status == 204
    time.sleep(1.5)  # the worker had time for a fourth
    assert len(sink.to(address("otp-cy"))) == 3
    # the latest code is the one that counts
    assert_envelope(verify(api, pending, codes[0]), 401, "OtpInvalid")
    assert verify(api, pending, codes[2]).status == 200


def test_sends_at_once_stay_within_three(api, sink):
    """T-50: eight sends at the same moment (both httpd children's workers run them in
    parallel) still mail three codes: the count and the send are one step."""
    import concurrent.futures
    pending = api.code("otp-ed")
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: send(api, pending).status, range(8)))
    assert answers == [204] * 8, answers
    sink.wait_for(address("otp-ed"), count=3)
    time.sleep(2)  # the workers had time for more
    assert len(sink.to(address("otp-ed"))) == 3


def test_expired_code_is_refused(api, sink):
    """T-50: a code after its lifetime."""
    pending = api.code("otp-di")
    assert send(api, pending).status == 204
    otp = mailed_code(sink, "otp-di", 1)
    time.sleep(OTP_TTL + 1)
    assert_envelope(verify(api, pending, otp), 401, "OtpExpired")


def test_send_answers_alike_whatever_the_key(api, sink, accounts):
    before = len(sink.messages)
    normal = api.code("alice")          # not MFA-pending: nothing to send
    for key in ("0" * 64, "alice", normal):
        r = send(api, key)
        assert r.status == 204 and r.body == b"", (key, r)
    time.sleep(1)
    assert len(sink.messages) == before
    assert_envelope(send(api, normal, secret="not-the-secret"), 401, "ClientVerificationFailed")
