"""Row T-45 through a real httpd, on SQLite and PostgreSQL: a refused login looks the
same whatever the reason: unknown user, known user with a wrong password, locked
username, disabled user, user without a password (social only). Same status, body and
headers; and, on this shared and noisy machine, only a loose timing bound (docs/design.md
section 13 and the row: median ratio < 1.5; strict statistics belong to the benchmarks).

Samples are taken round-robin across the five kinds so that load on the machine hits
them alike."""
import statistics
import time
import uuid

import pytest

from harness.accounts import provisioned

SAMPLES = 40
FAR_FUTURE_MS = int(time.time() * 1000) + 3600 * 1000


@pytest.fixture(scope="module")
def accounts(backend):
    with provisioned(backend, ["timing-known", "timing-locked", "timing-social"]) as acc:
        # a username locked by earlier failures
        backend.query("INSERT INTO login_attempts (scope, subject, failures, window_start, "
                      "locked_until) VALUES ('account', 'timing-locked', 5, %d, %d)"
                      % (FAR_FUTURE_MS - 7200 * 1000, FAR_FUTURE_MS))
        # a user who signs in through a provider only: no internal credential
        backend.query("DELETE FROM user_credentials WHERE user_id = '%s' AND provider = "
                      "'internal'" % acc["timing-social"].id)
        yield acc


@pytest.fixture(scope="module")
def httpd_extra_config(accounts):
    return accounts.httpd_config()


KINDS = ("unknown", "wrong-password", "locked", "disabled", "social-only")


def attempt(client, accounts, kind):
    username = {"unknown": "nobody-%s" % uuid.uuid4().hex[:12],
                "wrong-password": "timing-known",
                "locked": "timing-locked",
                "disabled": "carol",
                "social-only": "timing-social"}[kind]
    password = accounts["timing-locked"].password if kind == "locked" else "wrong-Pa55word"
    body = {"client_id": "web", "client_secret": accounts.client_secrets["web"],
            "username": username, "password": password}
    start = time.perf_counter()
    r = client.post_json("/auth/login", body)
    return r, time.perf_counter() - start


def shape(r):
    headers = sorted((k.lower(), v) for k, v in r.headers.items() if k.lower() != "date")
    return r.status, r.body, tuple(headers)


def test_refused_logins_look_alike(client, accounts):
    times = {k: [] for k in KINDS}
    shapes = {k: set() for k in KINDS}
    for _ in range(SAMPLES):
        for kind in KINDS:
            r, elapsed = attempt(client, accounts, kind)
            times[kind].append(elapsed)
            shapes[kind].add(shape(r))
    for kind in KINDS:
        assert len(shapes[kind]) == 1, (kind, shapes[kind])
    first = next(iter(shapes["unknown"]))
    assert first[0] == 401 and b"InvalidCredentials" in first[1], first
    for kind in KINDS:
        assert shapes[kind] == {first}, (kind, shapes[kind], first)
    medians = {k: statistics.median(v) for k, v in times.items()}
    ratio = max(medians.values()) / min(medians.values())
    print("T-45 medians (ms): %s; ratio %.2f" % (
        ", ".join("%s %.1f" % (k, v * 1000) for k, v in medians.items()), ratio))
    assert ratio < 1.5, medians
