"""The router of mod_authsvc through a real httpd, on SQLite and PostgreSQL: 404,
405, 415, 413, 400, 422, 501, the JSON envelope and headers, the OpenAPI document,
discovery and health, and that every seed route is routed."""
import json
import os

import pytest

from harness import util
from harness.client import HttpClient, assert_envelope, assert_json_headers, raw_exchange
from harness.httpd import BODY_LIMIT, HttpdServer
from seed_routes import INFO_ROUTES, SEED_ROUTES, body_kind, concrete

LOGIN = "/auth/login"
VALID_LOGIN = {"client_id": "webapp", "client_secret": "s3cret", "username": "alice",
               "password": "correct horse"}


def details_of(err):
    details = err.get("details")
    assert isinstance(details, list) and details, "422 without details: %r" % (err,)
    for d in details:
        assert isinstance(d, dict), details
        assert isinstance(d.get("path"), str), d
        assert d["path"] == "" or d["path"].startswith("/"), d
        assert isinstance(d.get("code"), str) and d["code"], d
        assert isinstance(d.get("message"), str), d
    return details


def names_field(detail, field):
    """A detail names field either in its path ("/username") or, AJV-style, with the
    parent's path and the property in info ({"path":"","info":{"missingProperty":...}})."""
    if detail["path"] == "/" + field:
        return True
    info = detail.get("info") or {}
    return detail["path"] == "" and field in info.values()


# ---- 404 -------------------------------------------------------------------------

@pytest.mark.parametrize("method,path", [
    ("GET", "/no/such/path"),
    ("POST", "/auth/no-such-flow"),
    ("GET", "/auth/login/extra"),
    ("GET", "/"),
])
def test_unknown_path_is_404(client, method, path):
    r = client.request(method, path)
    err = assert_envelope(r, 404, "NotFound")
    assert err["name"] == "NotFoundError"


# ---- 405 -------------------------------------------------------------------------

@pytest.mark.parametrize("method,path,allow", [
    ("GET", "/auth/login", {"POST"}),
    ("DELETE", "/auth/me", {"GET"}),
    ("PUT", "/auth/google", {"GET", "POST"}),
    ("DELETE", "/login-activity/42", {"GET"}),
    ("POST", "/.well-known/openid-configuration", {"GET"}),
])
def test_wrong_method_is_405_with_allow(client, method, path, allow):
    r = client.request(method, path)
    assert_envelope(r, 405, "MethodNotAllowed")
    header = r.header("Allow")
    assert header, "405 without Allow: %r" % (r,)
    listed = {m.strip() for m in header.split(",") if m.strip()}
    # HEAD may be listed next to GET (HEAD matches GET rows); nothing else may be.
    assert listed - {"HEAD"} == allow, "Allow %r, expected %r" % (header, allow)


# ---- 415 -------------------------------------------------------------------------

@pytest.mark.parametrize("path,content_type,body", [
    (LOGIN, "text/plain", json.dumps(VALID_LOGIN)),
    (LOGIN, None, json.dumps(VALID_LOGIN)),
    (LOGIN, "application/x-www-form-urlencoded", "client_id=a&username=b&password=c"),
    (LOGIN, "application/json; charset=latin1", json.dumps(VALID_LOGIN)),
    ("/auth/google", "application/json", json.dumps({"client_id": "a", "client_secret": "b"})),
], ids=["login-text-plain", "login-no-content-type", "login-as-form", "login-latin1",
        "google-form-route-as-json"])
def test_unsupported_media_type_is_415(client, path, content_type, body):
    r = client.request("POST", path, body=body, content_type=content_type)
    assert_envelope(r, 415, "UnsupportedMediaType")


# ---- 413 -------------------------------------------------------------------------

def _login_body_of_size(n):
    prefix, suffix = '{"username":"', '"}'
    return prefix + "a" * (n - len(prefix) - len(suffix)) + suffix


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_body_over_limit_is_413(client, chunked):
    body = _login_body_of_size(BODY_LIMIT + 1)
    r = client.request("POST", LOGIN, body=body, content_type="application/json",
                       chunked=chunked, chunk_size=1000)
    assert_envelope(r, 413, "PayloadTooLarge")
    big = _login_body_of_size(BODY_LIMIT * 8)
    r = client.request("POST", LOGIN, body=big, content_type="application/json",
                       chunked=chunked, chunk_size=4096)
    assert_envelope(r, 413, "PayloadTooLarge")


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_body_at_limit_is_read(client, chunked):
    # Exactly AuthsvcMaxBodySize bytes are accepted: the body reaches the schema (422:
    # username is too long), it is not refused for its size.
    body = _login_body_of_size(BODY_LIMIT)
    assert len(body) == BODY_LIMIT
    r = client.request("POST", LOGIN, body=body, content_type="application/json",
                       chunked=chunked, chunk_size=777)
    assert_envelope(r, 422, "VALIDATION_FAILED")


# ---- 400: bodies -----------------------------------------------------------------

def _nested(depth):
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize("body", [
    b'{"1":1,',
    b'{"username":"a","username":"admin","password":"x","client_id":"c"}',
    b'{"username":"\xff\xfe","password":"x","client_id":"c"}',
    b'{"username":"a\xc0\xafb","password":"x","client_id":"c"}',
    b'{"username":"a\x00b","password":"x","client_id":"c"}',
    b'{"username":"a\\u0000b","password":"x","client_id":"c"}',
    b"",
    _nested(33).encode(),
    _nested(200).encode(),
    b'{"username":"a"} trailing',
], ids=["truncated", "duplicate-member", "invalid-utf8", "overlong-utf8", "raw-nul",
        "escaped-nul", "empty", "depth-33", "depth-200", "trailing-garbage"])
def test_malformed_json_is_400(client, body):
    r = client.request("POST", LOGIN, body=body, content_type="application/json")
    err = assert_envelope(r, 400)
    assert err["name"] == "BadRequestError"


def test_malformed_json_code(client):
    r = client.request("POST", LOGIN, body=b'{"1":1,', content_type="application/json")
    assert_envelope(r, 400, "MalformedJson")
    r = client.request("POST", LOGIN, body=b"", content_type="application/json")
    assert_envelope(r, 400, "MalformedJson")


def test_nesting_limit_is_32(client):
    # 32 levels are valid JSON (the schema then refuses the unknown member); 33 are not.
    r = client.request("POST", LOGIN, body=_nested(32), content_type="application/json")
    assert_envelope(r, 422, "VALIDATION_FAILED")
    r = client.request("POST", LOGIN, body=_nested(33), content_type="application/json")
    assert_envelope(r, 400)


# ---- 400: query ------------------------------------------------------------------

def test_duplicate_query_parameter_is_400(client):
    r = client.get("/auth/verify-reset-password-link?token=a&token=b")
    assert_envelope(r, 400, "DuplicateParameter")


def test_missing_required_query_parameter_is_400(client):
    r = client.get("/auth/verify-reset-password-link")
    err = assert_envelope(r, 400, "MissingParameter")
    assert "token" in err["message"], err
    r = client.get("/auth/verify-reset-password-link?other=1")
    assert_envelope(r, 400, "MissingParameter")


def test_malformed_query_is_400(client):
    r = client.get("/auth/verify-reset-password-link?token=%zz")
    assert_envelope(r, 400)


# ---- 422 -------------------------------------------------------------------------

def _post_login(client, value):
    return client.request("POST", LOGIN, body=json.dumps(value), content_type="application/json")


def test_missing_required_field_is_422(client):
    body = dict(VALID_LOGIN)
    del body["username"]
    err = assert_envelope(_post_login(client, body), 422, "VALIDATION_FAILED")
    assert err["name"] == "UnprocessableEntityError"
    details = details_of(err)
    assert any(d["code"] == "required" and names_field(d, "username") for d in details), details
    # Only what is wrong is reported.
    assert not any(names_field(d, "password") for d in details), details


def test_all_missing_fields_are_listed(client):
    err = assert_envelope(_post_login(client, {}), 422, "VALIDATION_FAILED")
    details = details_of(err)
    for field in ("client_id", "username", "password"):
        assert any(d["code"] == "required" and names_field(d, field) for d in details), \
            (field, details)


def test_wrong_type_is_422(client):
    body = dict(VALID_LOGIN, username=12345)
    err = assert_envelope(_post_login(client, body), 422, "VALIDATION_FAILED")
    details = details_of(err)
    assert any(names_field(d, "username") and d["code"] != "required" for d in details), details


def test_unknown_field_is_422(client):
    body = dict(VALID_LOGIN, isAdmin=True)
    err = assert_envelope(_post_login(client, body), 422, "VALIDATION_FAILED")
    details = details_of(err)
    assert any(d["code"] == "additionalProperties" for d in details), details


@pytest.mark.parametrize("value", [[VALID_LOGIN], "alice", 42, None, True],
                         ids=["array", "string", "number", "null", "boolean"])
def test_non_object_body_is_422(client, value):
    err = assert_envelope(_post_login(client, value), 422, "VALIDATION_FAILED")
    details = details_of(err)
    assert any(d["path"] == "" for d in details), details


def test_too_long_string_is_422(client):
    body = dict(VALID_LOGIN, username="u" * 256)  # LoginRequest.username: maxLength 255
    err = assert_envelope(_post_login(client, body), 422, "VALIDATION_FAILED")
    assert any(names_field(d, "username") for d in details_of(err))


# ---- 501 -------------------------------------------------------------------------

def not_built_routes():
    """The "METHOD PATH" lines of t/unit/routes-not-built.txt (routes answering 501)."""
    path = os.path.join(util.REPO, "t", "unit", "routes-not-built.txt")
    with open(path) as f:
        return {line.strip() for line in f if line.strip() and not line.startswith("#")}


def test_every_route_is_built():
    # Every flow is built: no route answers 501 any more (the unit test test_routes.c
    # holds the list to the table's NULL handlers; the seed-route test below refuses 5xx).
    assert not_built_routes() == set()


# ---- headers of every answer ---------------------------------------------------------

@pytest.mark.parametrize("method,path,body,content_type,status", [
    ("GET", "/nowhere", None, None, 404),
    ("GET", "/auth/login", None, None, 405),
    ("POST", "/auth/login", "x", "text/plain", 415),
    ("POST", "/auth/login", "{", "application/json", 400),
    ("POST", "/auth/login", "{}", "application/json", 422),
    ("POST", "/auth/login", "a" * (BODY_LIMIT + 10), "application/json", 413),
    ("GET", "/.well-known/openid-configuration", None, None, 200),
    ("GET", "/.well-known/jwks.json", None, None, 200),
    ("GET", "/openapi.json", None, None, 200),
    ("GET", "/authsvc/health/live", None, None, 200),
    ("GET", "/authsvc/health/ready", None, None, 200),
])
def test_answers_are_json_and_not_cached(client, method, path, body, content_type, status):
    r = client.request(method, path, body=body, content_type=content_type)
    assert r.status == status, r
    assert_json_headers(r)
    assert r.json is not None, r
    assert int(r.header("Content-Length")) == len(r.body), r


# ---- the service's description ---------------------------------------------------------

def test_openapi_lists_every_route(client):
    r = client.get("/openapi.json")
    assert r.status == 200, r
    assert_json_headers(r)
    doc = r.json
    assert isinstance(doc, dict), r
    assert isinstance(doc.get("openapi"), str) and doc["openapi"].startswith("3."), doc.get("openapi")
    paths = doc.get("paths")
    assert isinstance(paths, dict), doc.keys()
    missing = [(m, p) for m, p in SEED_ROUTES + INFO_ROUTES[:3]
               if not isinstance(paths.get(p), dict) or m.lower() not in paths[p]]
    assert not missing, "routes missing from openapi.json: %r" % missing
    op_ids = [op.get("operationId") for item in paths.values() for op in item.values()
              if isinstance(op, dict) and "operationId" in op]
    assert len(op_ids) == len(set(op_ids)), "duplicate operationIds"


def test_openid_configuration(client, server):
    r = client.get("/.well-known/openid-configuration")
    assert r.status == 200, r
    assert_json_headers(r)
    doc = r.json
    assert doc["issuer"] == server.issuer, doc
    assert doc["jwks_uri"] == server.issuer + "/.well-known/jwks.json", doc


def issuer_at(port):
    return HttpClient("127.0.0.1", port).get("/.well-known/openid-configuration").json["issuer"]


def test_default_issuer_takes_scheme_and_port_from_the_server(backend):
    """Issue 14: without AuthsvcIssuer the issuer is ServerName's scheme and host and the
    port the server listens on (the harness's ServerName 127.0.0.1 names none)."""
    srv = HttpdServer(backend, "default-issuer-%s" % backend.kind, issuer_directive=False)
    srv.start()
    try:
        assert issuer_at(srv.port) == "http://127.0.0.1:%d" % srv.port
    finally:
        srv.stop()
        srv.cleanup()


def test_default_issuer_of_vhosts(backend):
    """A vhost with Authsvc directives of its own names its own issuer (its address's
    port); one without shares the main server's and must not change it; the main server,
    now listening on three ports, names none and warns."""
    own, shared = util.free_port(), util.free_port()
    srv = HttpdServer(backend, "default-issuer-vhost-%s" % backend.kind, issuer_directive=False,
                      tail_config=["Listen 127.0.0.1:%d" % own, "Listen 127.0.0.1:%d" % shared,
                                   "<VirtualHost 127.0.0.1:%d>" % own,
                                   "    ServerName https://auth.example",
                                   "    AuthsvcTokenLeeway 30", "</VirtualHost>",
                                   "<VirtualHost 127.0.0.1:%d>" % shared,
                                   "    ServerName shared.example", "</VirtualHost>"])
    srv.start()
    try:
        assert issuer_at(srv.port) == "http://127.0.0.1"
        assert issuer_at(shared) == "http://127.0.0.1"
        assert issuer_at(own) == "https://auth.example:%d" % own
        with open(srv.error_log, errors="replace") as f:
            assert "authsvc2201" in f.read(), srv.error_log
    finally:
        srv.stop()
        srv.cleanup()


def test_jwks(client):
    r = client.get("/.well-known/jwks.json")
    assert r.status == 200, r
    assert_json_headers(r)
    assert isinstance(r.json, dict) and isinstance(r.json.get("keys"), list), r


def test_health_live(client):
    r = client.get("/authsvc/health/live")
    assert r.status == 200, r
    assert_json_headers(r)
    assert r.json == {"status": "UP"}, r


def test_health_ready_uses_the_database(client, backend):
    # Run a few times: with 2 httpd children and pooled connections, more than one
    # connection (and its prepared statements) is exercised.
    for _ in range(6):
        r = client.get("/authsvc/health/ready")
        assert r.status == 200, r
        assert_json_headers(r)
        doc = r.json
        assert doc.get("database") == backend.driver, doc
        version = doc.get("schemaVersion")
        assert isinstance(version, int) and version >= 1, doc


# ---- every seed route is routed ------------------------------------------------------

@pytest.mark.parametrize("method,template", SEED_ROUTES,
                         ids=["%s %s" % r for r in SEED_ROUTES])
def test_seed_route_is_routed(client, method, template):
    kind = body_kind(method, template)
    path = concrete(template)
    if kind == "json":
        r = client.request(method, path, body="{}", content_type="application/json")
    elif kind == "form":
        r = client.request(method, path, body="client_id=c&client_secret=s",
                           content_type="application/x-www-form-urlencoded")
    else:
        r = client.request(method, path)
    assert r.status not in (404, 405), r
    assert r.status < 500, r
    if r.status >= 400:
        assert_envelope(r, r.status)


# ---- keep-alive: a body the router does not read never becomes the next request ------------

SMUGGLED = (b"GET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
# Statuses after which httpd closes the connection (ap_status_drops_connection).
HTTPD_DROPS = {400, 408, 411, 413, 414, 417, 500, 501, 503}
LIVE_CLOSE = (b"GET /authsvc/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              b"Connection: close\r\n\r\n")


def _with_body(head, body, chunked=False):
    if chunked:
        framed = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
        return head + b"Transfer-Encoding: chunked\r\n\r\n" + framed
    return head + b"Content-Length: %d\r\n\r\n" % len(body) + body


@pytest.mark.parametrize("head,status", [
    (b"POST /no/such/path HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n", 404),
    (b"DELETE /auth/me HTTP/1.1\r\nHost: 127.0.0.1\r\n", 405),
    (b"POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n", 415),
    (b"GET /authsvc/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n", 200),
    (b"GET /auth/verify-reset-password-link?token=a&token=b HTTP/1.1\r\nHost: 127.0.0.1\r\n", 400),
], ids=["404", "405", "415", "get-with-body", "400-query"])
@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_unread_body_is_not_a_request(server, head, status, chunked):
    data = _with_body(head, SMUGGLED, chunked) + LIVE_CLOSE
    responses = raw_exchange("127.0.0.1", server.port, data)
    got = [r[0] for r in responses]
    if status in HTTPD_DROPS:
        # httpd itself closes the connection after these statuses.
        assert got == [status], "statuses %r (a body was parsed as a request?)" % got
    else:
        assert got == [status, 200], "statuses %r (a body was parsed as a request?)" % got
        assert json.loads(responses[1][2]) == {"status": "UP"}, responses[1]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_connection_closes_after_413(server, chunked):
    body = b"{" + b" " * (BODY_LIMIT + 100) + SMUGGLED
    head = b"POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    responses = raw_exchange("127.0.0.1", server.port, _with_body(head, body, chunked) + LIVE_CLOSE)
    got = [r[0] for r in responses]
    assert got == [413], "statuses %r: nothing may be answered after a 413" % got


def test_keep_alive_serves_requests_in_order(server):
    head = b"POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    text = head.replace(b"application/json", b"text/plain")
    data = (_with_body(head, b"{}") + b"GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            + _with_body(text, b"{}") + b"GET /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            + b"GET /openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            + _with_body(head, b"[]") + LIVE_CLOSE)
    responses = raw_exchange("127.0.0.1", server.port, data)
    assert [r[0] for r in responses] == [422, 404, 415, 405, 200, 422, 200], \
        [r[0] for r in responses]
    assert json.loads(responses[4][2]).get("openapi", "").startswith("3."), responses[4]
    assert json.loads(responses[6][2]) == {"status": "UP"}, responses[6]
    # After a 400 httpd closes the connection: nothing behind it is answered.
    data = _with_body(head, b'{"1":1,') + LIVE_CLOSE
    assert [r[0] for r in raw_exchange("127.0.0.1", server.port, data)] == [400]
    # A refused login (unknown client: 401) keeps the connection: the next one is served.
    data = _with_body(head, json.dumps(VALID_LOGIN).encode()) + LIVE_CLOSE
    assert [r[0] for r in raw_exchange("127.0.0.1", server.port, data)] == [401, 200]


# ---- the database under concurrent requests ----------------------------------------------

def test_health_ready_concurrently(client, backend):
    import concurrent.futures

    def one(_):
        r = client.get("/authsvc/health/ready", timeout=10)
        return r.status, (r.json or {}).get("database")

    with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(one, range(240)))
    bad = [r for r in results if r != (200, backend.driver)]
    assert not bad, "%d of %d failed, e.g. %r" % (len(bad), len(results), bad[:5])
