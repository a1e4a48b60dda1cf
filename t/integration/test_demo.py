"""The README's first command: ./scripts/demo, run as the README says (in a directory and
on a port of its own), serves the API with the demo client and user it prints. The
README's curl session (login -> token -> me -> refresh -> logout) works against it, and
its access token verifies with the published JWKS by an independent implementation
(openssl's command line), while a tampered one does not. A port already in use stops
the demo at once with one line naming AUTHSVC_DEMO_PORT. (t/integration/test_readme.py
runs README's own shell blocks against the demo.)"""
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.parse

import pytest
import requests

from harness import util
from harness.demo import Demo
from test_tokens import b64u_decode, flip_char, jwt_header, jwt_parts, openssl_verify, rsa_spki_pem


@pytest.fixture(scope="module")
def demo():
    d = Demo()
    try:
        d.start()
        yield d.client(), d.creds, d.output()
    finally:
        d.stop()
        d.cleanup()


def run_demo_on_busy_port(demo_dir):
    """scripts/demo with AUTHSVC_DEMO_PORT on a port a socket listens on: (result, port,
    seconds it took)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        env = dict(os.environ, AUTHSVC_DEMO_DIR=demo_dir, AUTHSVC_DEMO_PORT=str(port))
        start = time.monotonic()
        r = subprocess.run([os.path.join(util.REPO, "scripts", "demo")], cwd=util.REPO, env=env,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=120)
        return r, port, time.monotonic() - start


def test_busy_port_is_one_clear_line_and_a_failure():
    """Something listens on the port: the demo says so in one line naming
    AUTHSVC_DEMO_PORT and exits non-zero at once, before installing, building or
    writing anything."""
    workdir = util.make_tempdir("authsvc-demo-busy-")
    demo_dir = os.path.join(workdir, "demo")
    try:
        r, port, elapsed = run_demo_on_busy_port(demo_dir)
        assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
        assert r.stdout == "", r.stdout
        lines = r.stderr.splitlines()
        assert len(lines) == 1, r.stderr
        assert "AUTHSVC_DEMO_PORT" in lines[0] and str(port) in lines[0] and "in use" in lines[0], \
            lines
        assert not os.path.exists(demo_dir), "the demo wrote %s" % demo_dir
        assert elapsed < 10, elapsed
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def test_demo_prints_working_credentials_and_curl(demo):
    client, creds, output = demo
    assert creds["client_id"] == "demo-client" and creds["username"] == "demo"
    assert creds["client_secret"] in output and creds["password"] in output
    assert "curl" in output
    r = client.get("/.well-known/openid-configuration")
    assert r.status == 200 and r.json["issuer"].startswith("http://127.0.0.1:"), r


def test_readme_session_and_independent_jwks_check(demo, tmp_path):
    client, creds, _ = demo
    r = client.post_json("/auth/login", {"client_id": creds["client_id"],
                                         "client_secret": creds["client_secret"],
                                         "username": creds["username"],
                                         "password": creds["password"]})
    assert r.status == 200, r
    r = client.post_json("/auth/token", {"code": r.json["code"], "clientId": creds["client_id"]})
    assert r.status == 200, r
    at, rt = r.json["accessToken"], r.json["refreshToken"]
    auth = {"Authorization": "Bearer " + at}
    r = client.get("/auth/me", headers=auth)
    assert r.status == 200 and r.json["username"] == "demo", r

    # the token verifies with the published key, by openssl, and a tampered one does not
    keys = client.get("/.well-known/jwks.json").json["keys"]
    jwk = [k for k in keys if k["kid"] == jwt_header(at)["kid"]]
    assert len(jwk) == 1 and jwk[0]["kty"] == "RSA", keys
    pem = rsa_spki_pem(jwk[0]["n"], jwk[0]["e"])
    h, p, s = jwt_parts(at)
    ok = openssl_verify(str(tmp_path), pem, ("%s.%s" % (h, p)).encode(), b64u_decode(s))
    assert ok.returncode == 0 and "Verified OK" in ok.stdout, ok.stdout
    bad = openssl_verify(str(tmp_path), pem, ("%s.%s" % (h, flip_char(p, len(p) // 2))).encode(),
                         b64u_decode(s))
    assert bad.returncode != 0, bad.stdout

    r = client.post_json("/auth/token-refresh", {"refreshToken": rt}, headers=auth)
    assert r.status == 200, r
    at2, rt2 = r.json["accessToken"], r.json["refreshToken"]
    assert client.get("/auth/me", headers=auth).status == 401
    auth2 = {"Authorization": "Bearer " + at2}
    r = client.post_json("/logout", {"refreshToken": rt2}, headers=auth2)
    assert r.status == 200 and r.json["success"] is True, r
    assert client.get("/auth/me", headers=auth2).status == 401


def test_demo_user_reaches_the_pages_it_prints(demo):
    """The URLs the demo prints for people: the demo user signs in on the login page (a
    cookie-keeping client posting the form), then sees the account page and, through the
    demo role's ManageUsers and ViewLoginActivity, the admin console."""
    _, creds, output = demo
    base = re.search(r"URL:\s+(\S+)", output).group(1)
    for path in ("/authsvc/account", "/authsvc/admin"):
        assert "%s%s" % (base, path) in output, output
    ua = requests.Session()
    r = ua.get(base + "/authsvc/account", allow_redirects=False, timeout=30)
    assert r.status_code == 303 and "/authsvc/login?" in r.headers["Location"], r.headers
    r = ua.get(urllib.parse.urljoin(base, r.headers["Location"]), timeout=30)
    form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', r.text))
    assert r.status_code == 200 and form.get("csrf"), r.text
    form.update(username=creds["username"], password=creds["password"])
    r = ua.post(base + "/authsvc/login", data=form, allow_redirects=False, timeout=60)
    assert r.status_code == 303 and r.headers["Location"].endswith("/authsvc/account"), r.text
    r = ua.get(base + "/authsvc/account", allow_redirects=False, timeout=30)
    assert r.status_code == 200 and ">demo<" in r.text, r.text
    for page, needle in (("/authsvc/admin/users", ">demo<"),
                         ("/authsvc/admin/active-users", "<svg")):
        r = ua.get(base + page, allow_redirects=False, timeout=30)
        assert r.status_code == 200 and needle in r.text, (page, r.status_code, r.text[:500])
