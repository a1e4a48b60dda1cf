"""The gateway on other nodes: httpd B and C share the database of httpd A (the issuer)
but hold only A's published keys (AuthsvcGatewayJWKSFile). A token issued by A is
accepted by B; after a logout on A, B refuses it within the documented bound (the
revocation poll interval, 5 s by default). C has no database (AuthsvcDatabase Off):
it sees revocation only through exp, as documented. Security row T-28 (other nodes)."""
import time

import pytest

from harness.client import HttpClient
from harness.echo import headers_named
from harness.nodes import GATEWAY_PROXY_MODULES as PROXY_MODULES
from harness.nodes import jwks_file as write_jwks, remove_jwks_file
BOUND_S = 5  # AuthsvcGatewayRevocationPoll default


@pytest.fixture(scope="module")
def httpd_extra_config(accounts):
    return accounts.httpd_config()


@pytest.fixture(scope="module")
def jwks_file(client):
    path = write_jwks(client)
    yield path
    remove_jwks_file(path)


def gateway_node(httpd_factory, name, server, echo, jwks_file, database=True, jwks_url=None):
    extra = ['AuthsvcGatewayJWKSURL %s' % jwks_url if jwks_url
             else 'AuthsvcGatewayJWKSFile "%s"' % jwks_file,
             "AuthsvcGatewayIssuer %s" % server.issuer]
    if not database:
        extra.append("AuthsvcDatabase Off")
    tail = ["ProxyPass /app http://127.0.0.1:%d/app" % echo.port,
            "<Location /app>", "    SetHandler none", "    AuthType authsvc",
            "    Require valid-user", "</Location>"]
    srv = httpd_factory(name, extra, modules_before=PROXY_MODULES, tail_config=tail)
    return HttpClient("127.0.0.1", srv.port)


@pytest.fixture(scope="module")
def node_b(httpd_factory, server, echo, jwks_file):
    return gateway_node(httpd_factory, "b", server, echo, jwks_file)


@pytest.fixture(scope="module")
def node_c(httpd_factory, server, echo, jwks_file):
    return gateway_node(httpd_factory, "c", server, echo, jwks_file, database=False)


@pytest.fixture(scope="module")
def node_d(httpd_factory, server, echo, jwks_file):
    """Keys fetched from A's /.well-known/jwks.json when D reads its configuration."""
    return gateway_node(httpd_factory, "d", server, echo, None, database=False,
                        jwks_url=server.issuer + "/.well-known/jwks.json")


def session(client, accounts, username="alice"):
    user = accounts.users[username]
    r = client.post_json("/auth/login-token", {
        "client_id": "web", "client_secret": accounts.client_secrets["web"],
        "username": username, "password": user.password})
    assert r.status == 200, r
    return r.json


def bearer(token):
    return {"Authorization": "Bearer " + token}


def logout(client, s):
    r = client.post_json("/logout", {"refreshToken": s["refreshToken"]},
                         headers=bearer(s["accessToken"]))
    assert r.status == 200, r


def test_token_of_a_is_accepted_by_b_and_c(client, accounts, node_b, node_c):
    s = session(client, accounts)
    for node in (node_b, node_c):
        r = node.get("/app/who", headers=bearer(s["accessToken"]))
        assert r.status == 200, r
        assert headers_named(r.json, "X-Authsvc-User") == ["alice"], r.json


def test_keys_fetched_from_the_jwks_url(client, accounts, node_d):
    s = session(client, accounts)
    r = node_d.get("/app/who", headers=bearer(s["accessToken"]))
    assert r.status == 200, r
    assert headers_named(r.json, "X-Authsvc-User") == ["alice"], r.json
    r = node_d.get("/app/who", headers=bearer(s["accessToken"][:-2] + "AA"))
    assert r.status == 401, r


def test_unreachable_jwks_url_fails_configtest(backend):
    from harness import util as hutil
    from harness.httpd import HttpdServer
    srv = HttpdServer(backend, "jwks-url", ["AuthsvcGatewayJWKSURL http://127.0.0.1:%d/jwks.json"
                                            % hutil.free_port(), "AuthsvcDatabase Off"])
    try:
        rc, out = srv.configtest()
    finally:
        srv.cleanup()
    assert rc != 0 and "AuthsvcGatewayJWKSURL" in out and "cannot fetch" in out, out


def test_token_of_another_issuer_is_refused_by_b(node_b):
    r = node_b.get("/app/who", headers=bearer("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."))
    assert r.status == 401, r


def test_t28_logout_on_a_is_refused_by_b_within_the_bound(client, accounts, node_b, capsys):
    s = session(client, accounts)
    # warm B: the token is verified and cached in both of B's processes
    for _ in range(6):
        assert node_b.get("/app/x", headers=bearer(s["accessToken"])).status == 200
    logout(client, s)
    start = time.monotonic()
    delay = None
    while time.monotonic() - start < BOUND_S + 3:
        r = node_b.get("/app/x", headers=bearer(s["accessToken"]))
        assert r.status in (200, 401), r
        if r.status == 401:
            delay = time.monotonic() - start
            break
        time.sleep(0.05)
    assert delay is not None, "B still accepts the token %.1f s after the logout" % (BOUND_S + 3)
    with capsys.disabled():
        print("\n[gateway] revocation seen by another node after %.2f s (bound %d s)"
              % (delay, BOUND_S))
    assert delay <= BOUND_S + 1.5, delay  # the poll runs on a request: plus its latency
    # and every later request too, whichever process answers
    for _ in range(6):
        assert node_b.get("/app/x", headers=bearer(s["accessToken"])).status == 401


def test_gateway_without_database_sees_revocation_only_through_exp(client, accounts, node_c):
    s = session(client, accounts)
    logout(client, s)
    time.sleep(0.5)
    # documented: keys only, no database -> the token lives until its exp
    assert node_c.get("/app/x", headers=bearer(s["accessToken"])).status == 200
