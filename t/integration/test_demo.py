"""The README's first command: ./scripts/demo, run as the README says (in a directory and
on a port of its own), serves the API with the demo client and user it prints. The
README's curl session (login -> token -> me -> refresh -> logout) works against it, and
its access token verifies with the published JWKS by an independent implementation
(openssl's command line), while a tampered one does not."""
import os
import shutil
import signal
import subprocess
import time

import pytest

from harness import util
from harness.client import HttpClient
from test_tokens import b64u_decode, flip_char, jwt_header, jwt_parts, openssl_verify, rsa_spki_pem


@pytest.fixture(scope="module")
def demo():
    workdir = util.make_tempdir("authsvc-demo-")
    port = util.free_port()
    env = dict(os.environ, AUTHSVC_DEMO_DIR=os.path.join(workdir, "demo"),
               AUTHSVC_DEMO_PORT=str(port))
    log = open(os.path.join(workdir, "demo.log"), "w")
    proc = subprocess.Popen([os.path.join(util.REPO, "scripts", "demo")], cwd=util.REPO, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    client = HttpClient("127.0.0.1", port)
    try:
        deadline = time.time() + 120
        while True:
            assert proc.poll() is None, "demo exited: %s" % open(log.name).read()[-3000:]
            try:
                if client.get("/authsvc/health/ready").status == 200:
                    break
            except OSError:
                pass
            assert time.time() < deadline, open(log.name).read()[-3000:]
            time.sleep(0.5)
        creds = {}
        with open(os.path.join(workdir, "demo", "credentials")) as f:
            for line in f:
                key, _, value = line.strip().partition("=")
                creds[key] = value
        yield client, creds, open(log.name).read()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
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
