"""1,000 random and garbage requests against the running server, per database.

Every answer must be a 4xx JSON error envelope, or a 501 envelope naming the route
when the request reached a seed route listed in t/unit/routes-not-built.txt (those
routes, and only those, may answer 501; the list is empty now); the service's own description routes may answer 200
JSON to a GET. Never another 5xx, never a hang (5 s per request), and no httpd child
may crash. The seed is printed; set AUTHSVC_FUZZ_SEED to replay a run and
AUTHSVC_FUZZ_COUNT to change the number of requests.

Paths never carry an encoded '/' or NUL, nor a '..' segment: httpd's core refuses
those before any module runs, with its own HTML page (AllowEncodedSlashes Off), which
says nothing about mod_authsvc."""
import json
import os
import random
import re
import string
import time
import urllib.parse

from harness.client import ERROR_NAMES, JSON_CT
from seed_routes import FORM_ROUTES, INFO_ROUTES, SEED_ROUTES, template_matches
from test_router import not_built_routes

SEED = int(os.environ.get("AUTHSVC_FUZZ_SEED", "20240611"))
COUNT = int(os.environ.get("AUTHSVC_FUZZ_COUNT", "1000"))
TIME_BUDGET = 60.0
NOT_BUILT = not_built_routes()

METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"]
CONTENT_TYPES = [
    None, "application/json", "application/json; charset=utf-8", "APPLICATION/JSON",
    "application/json;charset=\"utf-8\"", "application/json; charset=iso-8859-1",
    "application/json;", "application/jsonx", "text/plain", "text/json",
    "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8",
    "multipart/form-data; boundary=xyz", "", " ", "*/*", "application/*",
]
FIELD_NAMES = ["client_id", "client_secret", "username", "password", "code", "clientId",
               "refreshToken", "tenantId", "oldPassword", "key", "otp", "token", "email",
               "data", "RelayState", "SAMLResponse", "__proto__", "constructor", "", "a" * 300]
SEGMENT_CHARS = string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@{}"
PATH_SAFE = "-._~!$&'()*+,;=:@"


def _rand_text(rng, n):
    pools = [string.ascii_letters, string.printable, "éüñ中文🙂\u2028\ufeff", "\x00\x01\x1f\x7f"]
    pool = rng.choice(pools)
    return "".join(rng.choice(pool) for _ in range(n))


def _rand_json_value(rng, depth=0):
    r = rng.random()
    if depth > 4 or r < 0.35:
        return rng.choice([
            None, True, False, 0, -1, 2 ** 63, -2 ** 70, 1.5e308, 3.14, -0.0,
            _rand_text(rng, rng.randint(0, 40)), "", "x" * rng.randint(200, 5000),
        ])
    if r < 0.7:
        return {rng.choice(FIELD_NAMES + [_rand_text(rng, 5)]): _rand_json_value(rng, depth + 1)
                for _ in range(rng.randint(0, 6))}
    return [_rand_json_value(rng, depth + 1) for _ in range(rng.randint(0, 5))]


def _route_shaped(rng):
    """An object with the service's field names, some right, some wrong."""
    obj = {}
    for name in rng.sample(FIELD_NAMES[:16], rng.randint(0, 6)):
        obj[name] = _rand_text(rng, rng.randint(0, 20)) if rng.random() < 0.8 \
            else _rand_json_value(rng, 3)
    return obj


def _mutate_json_text(rng, text):
    ops = [
        lambda t: t[:rng.randint(0, len(t))],
        lambda t: t + rng.choice([",", "}", "]", " x", "\x00", "{}"]),
        lambda t: t.replace('"', "", 1),
        lambda t: t.replace(":", "::", 1),
        lambda t: t.replace("{", "{" + '"k":1,"k":2,', 1),
        lambda t: t.replace('"', '"\\u0000', 1),
        lambda t: t.replace('"', '"\\ud800', 1),
        lambda t: "[" * rng.randint(30, 40) + t + "]" * rng.randint(30, 40),
        lambda t: t.replace(" ", "\t\n\r"),
    ]
    return rng.choice(ops)(text)


def _rand_body(rng):
    """(bytes or None, suggested content type or None)."""
    r = rng.random()
    if r < 0.15:
        return None, None
    if r < 0.30:
        return bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 300))), None
    if r < 0.55:
        text = json.dumps(_route_shaped(rng), ensure_ascii=rng.random() < 0.5)
        if rng.random() < 0.3:
            text = _mutate_json_text(rng, text)
        return text.encode("utf-8", "surrogatepass"), "application/json"
    if r < 0.70:
        text = json.dumps(_rand_json_value(rng), ensure_ascii=rng.random() < 0.5)
        if rng.random() < 0.3:
            text = _mutate_json_text(rng, text)
        return text.encode("utf-8", "surrogatepass"), "application/json"
    if r < 0.82:
        pairs = []
        for _ in range(rng.randint(0, 6)):
            k = rng.choice(FIELD_NAMES[:16] + ["%zz", "a%", "%00", "", "=", "+"])
            v = rng.choice([_rand_text(rng, rng.randint(0, 12)), "%ff%fe", "%", "a+b", "%E2%82%AC"])
            pairs.append(k + "=" + urllib.parse.quote(v, safe="%+") if rng.random() < 0.8 else k)
        return "&".join(pairs).encode("latin-1", "replace"), "application/x-www-form-urlencoded"
    if r < 0.90:
        depth = rng.randint(20, 2000)
        return ("[" * depth + "]" * depth).encode(), "application/json"
    size = rng.choice([8191, 8192, 8193, 9000, 20000, 70000])
    pad = "a" * max(0, size - 16)
    return ('{"username":"%s"}' % pad).encode(), "application/json"


def _segment(rng):
    seg = "".join(rng.choice(SEGMENT_CHARS) for _ in range(rng.randint(1, 12)))
    if rng.random() < 0.2:  # bytes that must travel percent-encoded (never '/' or NUL)
        raw = bytes(rng.choice([b for b in range(1, 256) if b != 0x2F]) for _ in range(3))
        seg += urllib.parse.quote_from_bytes(raw, safe=PATH_SAFE)
    return seg if seg not in (".", "..") else "x" + seg


def _concrete(rng, template):
    out = []
    for seg in template.split("/"):
        if seg.startswith("{"):
            seg = rng.choice(["1", "daily", "weekly", "monthly", "-1", "abc", "9" * 30,
                              urllib.parse.quote("é", safe=""), _segment(rng)])
        out.append(seg)
    return "/".join(out)


def _mutate_path(rng, path):
    segs = path.split("/")[1:]
    op = rng.randrange(9)
    if op == 0 and segs:
        segs[rng.randrange(len(segs))] = _segment(rng)
    elif op == 1:
        segs.insert(rng.randint(0, len(segs)), _segment(rng))
    elif op == 2 and len(segs) > 1:
        del segs[rng.randrange(len(segs))]
    elif op == 3:
        return path.upper()
    elif op == 4:
        return path + "/"
    elif op == 5:
        return path.replace("/", "//", 1)
    elif op == 6 and path:
        i = rng.randrange(len(path))
        return path[:i] + path[i + 1:] if path[i] != "/" else path + "x"
    elif op == 7:
        i = rng.randrange(len(path))
        c = path[i]
        if c != "/":  # a character sent percent-encoded decodes back to itself
            return path[:i] + "%%%02X" % ord(c) + path[i + 1:]
    else:
        return path + rng.choice([".json", "~", ";x", "%20", "%2e", "-"])
    return "/" + "/".join(segs)


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _core_safe(path):
    """Keeps a mutated path within what httpd's core passes on to modules: valid
    percent-escapes only, none of them an encoded '/' or NUL."""
    path = _BAD_ESCAPE.sub("%25", path)
    return re.sub(r"%(2[Ff]|00)", "%25\\1", path)


def _rand_query(rng):
    parts = []
    for _ in range(rng.randint(1, 6)):
        k = rng.choice(["token", "client_id", "client_secret", "code", "state", "filter",
                        "where", "startDate", "endDate", "session_state", "client", "",
                        _segment(rng)])
        v = rng.choice(["", "a", "1", "%zz", "%", "%4", "%00", "%ff%fe", "a+b", "%E2%82%AC",
                        '{"where":{}}', "x" * rng.randint(100, 3000), _segment(rng)])
        v = urllib.parse.quote(v, safe="%+={}:,\"") if '"' in v or "{" in v else v
        parts.append(k + "=" + v if rng.random() < 0.85 else k)
    if rng.random() < 0.2:
        parts.append(parts[0])  # a duplicate
    return "?" + "&".join(parts)


def _route_body(rng, method, template):
    """A body of the kind the route takes: form fields for the social starts, a JSON
    object with the service's field names for the others; some of it right."""
    if (method, template) in FORM_ROUTES:
        fields = {"client_id": _rand_text(rng, rng.randint(0, 10)),
                  "client_secret": _rand_text(rng, rng.randint(0, 10))}
        for name in rng.sample(FIELD_NAMES[:16], rng.randint(0, 2)):
            fields[name] = _rand_text(rng, rng.randint(0, 10))
        pairs = list(fields.items())
        rng.shuffle(pairs)
        pairs = pairs[:rng.randint(0, len(pairs))]
        text = urllib.parse.urlencode(pairs)
        if rng.random() < 0.2:
            text += rng.choice(["&", "&&", "&client_id=dup", "&%zz=1", "&a=%", "&=x", "&k"])
        return text.encode(), rng.choice(["application/x-www-form-urlencoded",
                                          "application/x-www-form-urlencoded; charset=utf-8"])
    text = json.dumps(_route_shaped(rng), ensure_ascii=rng.random() < 0.5)
    if rng.random() < 0.2:
        text = _mutate_json_text(rng, text)
    return text.encode("utf-8", "surrogatepass"), rng.choice(
        ["application/json", "application/json; charset=utf-8"])


def _rand_request(rng):
    r = rng.random()
    if r < 0.55:
        method, template = rng.choice(SEED_ROUTES)
        path = _concrete(rng, template)
        if rng.random() < 0.25:
            method = rng.choice(METHODS)
    elif r < 0.80:
        method = rng.choice(METHODS)
        path = _core_safe(_mutate_path(rng, _concrete(rng, rng.choice(SEED_ROUTES)[1])))
    elif r < 0.85:
        method = rng.choice(METHODS)
        path = rng.choice(INFO_ROUTES)[1]
    else:
        method = rng.choice(METHODS)
        path = "/" + "/".join(_segment(rng) for _ in range(rng.randint(0, 5)))
    if rng.random() < 0.35:
        path += _rand_query(rng)
    if r < 0.55 and rng.random() < 0.7 and method != "GET":
        # The right method: mostly the right kind of body too, to reach the schema.
        body, content_type = _route_body(rng, method, template)
        return method, path, body, content_type, rng.random() < 0.15
    # httpd's core answers a request line over LimitRequestLine (8190) with its own 414.
    if len(path) > 7000:
        path = path[:7000]
        path = path[:path.rfind("%")] if "%" in path[-2:] else path
    body, suggested = _rand_body(rng)
    if body is not None and suggested and rng.random() < 0.6:
        content_type = suggested
    else:
        content_type = rng.choice(CONTENT_TYPES)
    chunked = body is not None and rng.random() < 0.15
    return method, path, body, content_type, chunked


def _decoded_path(path):
    return urllib.parse.unquote(path.split("?", 1)[0], errors="surrogateescape")


def _seed_route_of(method, path):
    p = _decoded_path(path)
    while "//" in p:  # httpd merges slashes (MergeSlashes On)
        p = p.replace("//", "/")
    for m, template in SEED_ROUTES:
        if m == method and template_matches(template, p):
            return template
    return None


def _problem(resp, method, path, operation_ids):
    """None when the answer is acceptable, else why not."""
    status = resp.status
    if 200 <= status < 300:
        p = _decoded_path(path)
        if method != "GET" or p not in {pth for _m, pth in INFO_ROUTES}:
            return "a success answer to a request that is not a GET of a description route"
        if resp.header("Content-Type") != JSON_CT or resp.json is None:
            return "200 that is not JSON"
        return None
    if resp.header("Content-Type") != JSON_CT:
        return "Content-Type %r" % resp.header("Content-Type")
    if resp.header("Cache-Control") != "no-store":
        return "Cache-Control %r" % resp.header("Cache-Control")
    doc = resp.json
    if not isinstance(doc, dict) or set(doc) != {"error"} or not isinstance(doc["error"], dict):
        return "not an error envelope"
    err = doc["error"]
    if err.get("statusCode") != status or type(err.get("statusCode")) is not int:
        return "statusCode %r" % err.get("statusCode")
    if status in ERROR_NAMES and err.get("name") != ERROR_NAMES[status]:
        return "name %r" % err.get("name")
    for key in ("name", "message", "code"):
        if not isinstance(err.get(key), str) or not err[key]:
            return "envelope without %s" % key
    if not set(err) <= {"statusCode", "name", "message", "code", "details"}:
        return "unexpected envelope members %r" % sorted(err)
    if status == 405 and not resp.header("Allow"):
        return "405 without Allow"
    if 400 <= status < 500:
        return None
    if status == 501:
        template = _seed_route_of(method, path)
        if template is None:
            return "501 for a request that matches no seed route"
        if "%s %s" % (method, template) not in NOT_BUILT:
            return "501 from a route that is built"
        if err.get("code") != "NotImplemented":
            return "501 with code %r" % err.get("code")
        op = operation_ids.get((method, template))
        if not op or op not in err["message"]:
            return "501 that does not name the route (%r)" % op
        return None
    return "status %d" % status


def test_fuzz(server, client):
    doc = client.get("/openapi.json").json or {}
    operation_ids = {}
    for path, item in (doc.get("paths") or {}).items():
        for method, op in item.items():
            if isinstance(op, dict) and op.get("operationId"):
                operation_ids[(method.upper(), path)] = op["operationId"]

    print("\nfuzz: seed %d, %d requests (replay: AUTHSVC_FUZZ_SEED=%d)" % (SEED, COUNT, SEED))
    rng = random.Random(SEED)
    problems = []
    statuses = {}
    started = time.monotonic()
    for i in range(COUNT):
        method, path, body, content_type, chunked = _rand_request(rng)
        what = "#%d %s %s ct=%r chunked=%s body=%r" % (
            i, method, path[:200], content_type, chunked, (body or b"")[:120])
        try:
            resp = client.request(method, path, body=body, content_type=content_type,
                                  chunked=chunked, chunk_size=rng.choice([1, 7, 100, 4096]),
                                  timeout=5)
        except Exception as e:  # noqa: BLE001 -- a timeout or reset is the finding
            problems.append("%s -> %s: %s" % (what, type(e).__name__, e))
            if server.proc is None or server.proc.poll() is not None:
                break
            continue
        statuses[resp.status] = statuses.get(resp.status, 0) + 1
        why = _problem(resp, method, path, operation_ids)
        if why:
            problems.append("%s -> %d %s: %r" % (what, resp.status, why, resp.body[:300]))
        assert time.monotonic() - started < TIME_BUDGET * 2, "fuzz run far over its time budget"
    elapsed = time.monotonic() - started
    print("fuzz: %.1f s, statuses %s" % (elapsed, dict(sorted(statuses.items()))))

    assert server.proc is not None and server.proc.poll() is None, "httpd is gone"
    server.assert_no_crash()
    assert not problems, "seed %d: %d bad answers, first ones:\n%s" % (
        SEED, len(problems), "\n".join(problems[:25]))
    assert elapsed < TIME_BUDGET, "fuzz took %.1f s" % elapsed
    # The run must have reached the deep gates, not only the router.
    for expected in (400, 404, 405, 415, 422):
        assert statuses.get(expected), "no %d answer in %d requests: %r" % (expected, COUNT, statuses)
