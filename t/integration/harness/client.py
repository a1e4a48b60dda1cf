"""A small HTTP/1.1 client on http.client that sends exactly what a test asks for:
raw bodies, any Content-Type / Content-Length, chunked bodies. One connection per
request (Connection: close), so a broken request never spills into the next."""
import http.client
import json
import socket

JSON_CT = "application/json; charset=utf-8"

# LoopBack's error names by status, as the envelope carries them.
ERROR_NAMES = {
    400: "BadRequestError",
    401: "UnauthorizedError",
    403: "ForbiddenError",
    404: "NotFoundError",
    405: "MethodNotAllowedError",
    409: "ConflictError",
    413: "PayloadTooLargeError",
    415: "UnsupportedMediaTypeError",
    422: "UnprocessableEntityError",
    429: "TooManyRequestsError",
    501: "NotImplementedError",
    503: "ServiceUnavailableError",
}

_UNSET = object()


class Response:
    def __init__(self, method, path, status, reason, headers, body):
        self.method = method
        self.path = path
        self.status = status
        self.reason = reason
        self.headers = headers          # http.client.HTTPMessage (case-insensitive)
        self.body = body                # bytes
        self._json = _UNSET

    def header(self, name):
        return self.headers.get(name)

    @property
    def json(self):
        """The parsed body, or None when it is not JSON."""
        if self._json is _UNSET:
            try:
                self._json = json.loads(self.body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                self._json = None
        return self._json

    def __repr__(self):
        body = self.body[:600]
        return "<%s %s -> %d %s; Content-Type=%r; body=%r>" % (
            self.method, self.path, self.status, self.reason,
            self.header("Content-Type"), body)


class HttpClient:
    def __init__(self, host, port, timeout=5.0):
        self.host = host
        self.port = port
        self.timeout = timeout

    def request(self, method, path, body=None, content_type=None, headers=None,
                chunked=False, chunk_size=1000, content_length=None, timeout=None,
                source=None):
        """body: bytes, str (sent as UTF-8) or any other value (sent as JSON, with
        Content-Type application/json unless content_type says otherwise).
        content_type None sends no Content-Type header. content_length overrides the
        Content-Length header (only without chunked). source: the local address to
        connect from (any 127.x.y.z works on Linux loopback)."""
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            if content_type is None:
                content_type = "application/json"
        if isinstance(body, str):
            body = body.encode("utf-8")
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout or self.timeout,
                                          source_address=(source, 0) if source else None)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            conn.putheader("Connection", "close")
            if content_type is not None:
                conn.putheader("Content-Type", content_type)
            for k, v in (headers.items() if isinstance(headers, dict) else headers or ()):
                conn.putheader(k, v)
            if chunked:
                conn.putheader("Transfer-Encoding", "chunked")
            elif content_length is not None:
                conn.putheader("Content-Length", str(content_length))
            elif body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders()
            try:
                if chunked:
                    data = body or b""
                    for i in range(0, len(data), chunk_size):
                        piece = data[i:i + chunk_size]
                        conn.send(b"%x\r\n%s\r\n" % (len(piece), piece))
                    conn.send(b"0\r\n\r\n")
                elif body:
                    conn.send(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server may answer (413) and close before reading it all
            resp = conn.getresponse()
            data = resp.read()
            return Response(method, path, resp.status, resp.reason, resp.msg, data)
        finally:
            conn.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post_json(self, path, value, **kw):
        return self.request("POST", path, body=json.dumps(value),
                            content_type=kw.pop("content_type", "application/json"), **kw)

    def post_form(self, path, text, **kw):
        return self.request("POST", path, body=text,
                            content_type=kw.pop("content_type",
                                                "application/x-www-form-urlencoded"), **kw)


def assert_json_headers(resp):
    """Every answer of the service, error or success, is JSON and never cached."""
    assert resp.header("Content-Type") == JSON_CT, "Content-Type: %r" % (resp,)
    assert resp.header("Cache-Control") == "no-store", "Cache-Control: %r" % (resp,)


def assert_envelope(resp, status, code=None):
    """resp is the error envelope {"error":{statusCode,name,message,code[,details]}}
    for status (and code, when given). Returns the inner error object."""
    assert resp.status == status, "expected %d: %r" % (status, resp)
    assert_json_headers(resp)
    doc = resp.json
    assert isinstance(doc, dict) and set(doc) == {"error"}, "not an envelope: %r" % (resp,)
    err = doc["error"]
    assert isinstance(err, dict), resp
    assert set(err) <= {"statusCode", "name", "message", "code", "details"}, resp
    assert err.get("statusCode") == status and type(err.get("statusCode")) is int, resp
    if status in ERROR_NAMES:
        assert err.get("name") == ERROR_NAMES[status], resp
    else:
        assert isinstance(err.get("name"), str) and err["name"], resp
    assert isinstance(err.get("message"), str) and err["message"], resp
    assert isinstance(err.get("code"), str) and err["code"], resp
    if code is not None:
        assert err["code"] == code, "expected code %r: %r" % (code, resp)
    return err


def is_timeout(exc):
    return isinstance(exc, (socket.timeout, TimeoutError))


def raw_exchange(host, port, data, timeout=10.0):
    """Sends raw bytes on one connection and parses every response that comes back
    until the server closes it (the last request should say Connection: close).
    Returns a list of (status, headers dict with lower-case names, body bytes)."""
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.sendall(data)
        buf = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            buf += chunk
    responses = []
    while buf:
        head, sep, rest = buf.partition(b"\r\n\r\n")
        if not sep:
            raise AssertionError("truncated response head: %r" % buf[:300])
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        if "content-length" in headers:
            n = int(headers["content-length"])
            body, buf = rest[:n], rest[n:]
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size_line, _, rest = rest.partition(b"\r\n")
                size = int(size_line.split(b";")[0], 16)
                body += rest[:size]
                rest = rest[size + 2:]
                if size == 0:
                    rest = rest.partition(b"\r\n")[2] if rest.startswith(b"\r\n") else rest
                    break
            buf = rest
        else:
            body, buf = rest, b""
        responses.append((status, headers, body))
    return responses
