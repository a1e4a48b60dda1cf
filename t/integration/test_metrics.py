"""Operational metrics (`SetHandler authsvc-metrics`) through a real httpd, on SQLite and
PostgreSQL: the counters match what the test did (summed over httpd's two children),
`promtool check metrics` accepts the text, the counters survive a graceful restart, and
a real Prometheus server scrapes the endpoint and answers the same values. Nothing is
exposed where the handler is not configured."""
import os
import re
import signal
import subprocess
import time
import urllib.parse

import pytest

from harness import util
from harness.client import HttpClient

PROMTOOL = "/usr/bin/promtool"
PROMETHEUS = "/usr/bin/prometheus"
MODULES = [("proxy_module", "mod_proxy.so"), ("proxy_http_module", "mod_proxy_http.so"),
           ("socache_shmcb_module", "mod_socache_shmcb.so"),
           ("authz_user_module", "mod_authz_user.so")]
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$')


@pytest.fixture(scope="module")
def httpd_extra_config(accounts):
    return accounts.httpd_config()


@pytest.fixture(scope="module")
def httpd_modules():
    return MODULES, []


@pytest.fixture(scope="module")
def httpd_tail_config(echo):
    return ["<Location /metrics>", "    SetHandler authsvc-metrics", "</Location>",
            "ProxyPass /app http://127.0.0.1:%d/app" % echo.port,
            "<Location /app>", "    SetHandler none", "    AuthType authsvc",
            "    Require valid-user", "</Location>"]


def scrape(client):
    r = HttpClient("127.0.0.1", client.port).get("/metrics", headers={"Connection": "close"})
    assert r.status == 200, r
    assert r.header("Content-Type").startswith("text/plain; version=0.0.4"), r
    return r.body.decode()


def samples(text):
    """{'name{labels}': value} of every sample line."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, "not a sample line: %r" % line
        out[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return out


def login(client, accounts, password=None):
    body = {"client_id": "web", "client_secret": accounts.client_secrets["web"],
            "username": "alice", "password": password or accounts["alice"].password}
    return HttpClient("127.0.0.1", client.port).post_json(
        "/auth/login-token", body, headers={"Connection": "close"})


def delta(before, after, key):
    return after.get(key, 0) - before.get(key, 0)


def test_counters_match_what_happened(client, accounts):
    before = samples(scrape(client))
    for _ in range(3):
        assert HttpClient("127.0.0.1", client.port).get(
            "/.well-known/jwks.json", headers={"Connection": "close"}).status == 200
    pairs = [login(client, accounts).json for _ in range(2)]
    assert login(client, accounts, password="wrong-Pa55word").status == 401
    bearer = {"Authorization": "Bearer " + pairs[0]["accessToken"], "Connection": "close"}
    assert HttpClient("127.0.0.1", client.port).get("/app/x", headers=bearer).status == 200
    assert HttpClient("127.0.0.1", client.port).get("/app/x", headers=bearer).status == 200
    assert HttpClient("127.0.0.1", client.port).get(
        "/app/x", headers={"Accept": "application/json", "Connection": "close"}).status == 401
    r = HttpClient("127.0.0.1", client.port).post_json(
        "/logout", {"refreshToken": pairs[1]["refreshToken"]},
        headers={"Authorization": "Bearer " + pairs[1]["accessToken"]})
    assert r.status == 200, r
    after = samples(scrape(client))

    fam = 'authsvc_http_requests_total{family="%s",code="%s"}'
    assert delta(before, after, fam % ("DiscoveryController", 200)) == 3
    assert delta(before, after, fam % ("LoginController", 200)) == 2
    assert delta(before, after, fam % ("LoginController", 401)) == 1
    assert delta(before, after, fam % ("LogoutController", 200)) == 1
    hist = 'authsvc_http_request_duration_seconds_count{family="LoginController"}'
    assert delta(before, after, hist) == 3
    assert delta(before, after, 'authsvc_logins_total{outcome="success"}') == 2
    assert delta(before, after, 'authsvc_logins_total{outcome="bad_password"}') == 1
    assert delta(before, after, 'authsvc_tokens_total{event="issued"}') == 2
    assert delta(before, after, 'authsvc_tokens_total{event="revoked"}') == 1
    assert delta(before, after, 'authsvc_gateway_decisions_total{decision="allowed"}') == 2
    assert delta(before, after, 'authsvc_gateway_decisions_total{decision="refused"}') == 1
    looked_up = sum(delta(before, after, 'authsvc_gateway_cache_total{result="%s"}' % k)
                    for k in ("local_hit", "shared_hit", "miss"))
    assert looked_up == 2
    assert delta(before, after, 'authsvc_gateway_cache_total{result="miss"}') >= 1
    assert after["authsvc_revocation_set_entries"] >= 1
    assert after["authsvc_database_up"] == 1
    assert after["authsvc_database_unavailable_total"] == 0


def test_promtool_accepts_the_text(client):
    text = scrape(client)
    r = subprocess.run([PROMTOOL, "check", "metrics"], input=text, text=True,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    assert r.returncode == 0, r.stdout


def test_nothing_is_exposed_where_the_handler_is_not_configured(client):
    for path in ("/authsvc/metrics", "/metric", "/auth/metrics"):
        r = HttpClient("127.0.0.1", client.port).get(path)
        assert r.status == 404 or "authsvc_" not in r.body.decode("utf-8", "replace"), r
    r = HttpClient("127.0.0.1", client.port).request("POST", "/metrics", body=b"")
    assert r.status == 405, r


def test_counters_survive_a_graceful_restart(client, accounts, server):
    assert login(client, accounts).status == 200
    before = samples(scrape(client))
    os.kill(server.proc.pid, signal.SIGUSR1)
    time.sleep(1.5)
    deadline = time.monotonic() + 20
    while True:
        try:
            after = samples(scrape(client))
            break
        except (OSError, AssertionError):
            assert time.monotonic() < deadline, "httpd did not come back"
            time.sleep(0.2)
    key = 'authsvc_tokens_total{event="issued"}'
    assert after[key] == before[key] > 0
    assert login(client, accounts).status == 200
    assert samples(scrape(client))[key] == before[key] + 1


def test_a_prometheus_server_scrapes_it(client, accounts):
    assert login(client, accounts).status == 200
    wanted = samples(scrape(client))['authsvc_tokens_total{event="issued"}']
    work = util.make_tempdir("authsvc-prometheus-")
    port = util.free_port()
    with open(os.path.join(work, "prometheus.yml"), "w") as f:
        f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                "scrape_configs:\n  - job_name: authsvc\n    metrics_path: /metrics\n"
                "    static_configs:\n      - targets: ['127.0.0.1:%d']\n" % client.port)
    proc = subprocess.Popen([PROMETHEUS, "--config.file=%s/prometheus.yml" % work,
                             "--storage.tsdb.path=%s/data" % work,
                             "--web.listen-address=127.0.0.1:%d" % port],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        query = urllib.parse.quote('authsvc_tokens_total{event="issued"}')
        deadline = time.monotonic() + 30
        value = None
        while time.monotonic() < deadline:
            try:
                r = HttpClient("127.0.0.1", port).get("/api/v1/query?query=" + query)
                result = r.json["data"]["result"] if r.status == 200 else []
                if result:
                    value = float(result[0]["value"][1])
                    up = HttpClient("127.0.0.1", port).get("/api/v1/query?query=up").json
                    break
            except OSError:
                pass
            time.sleep(0.5)
        assert value == wanted, value
        assert up["data"]["result"][0]["value"][1] == "1", up
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        subprocess.run(["rm", "-rf", work])
