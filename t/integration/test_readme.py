"""A README that runs (issue 16): the quick start's command starts the demo, and every
shell block of the quick start, "Login and tokens" and the gateway section runs as
written (bash, from the directory above the demo's, so that `. demo/env` is the demo's)
with assertions on what it prints. The demo's legacy site is README's "Protect a legacy
site" block with the demo's paths; the same recipe on a vhost and on a second httpd that
has only the JWK Set runs from README's blocks too.

The only substitutions are in the Apache blocks, README's example paths and ports for
the demo's: placeholders() below."""
import json
import os
import re
import subprocess
import urllib.parse

import pytest

from harness import util
from harness.client import HttpClient
from harness.demo import Demo
from harness.readme import Block, ConfigHttpd, fenced_blocks, in_section, substitute
from test_tokens import flip_char, jwt_parts

QUICK_START = "Quick start"
LOGIN = "Login and tokens"
GATEWAY = "Gateway"
RECIPE = "Protect a legacy site"
SHELL = ("sh", "bash")
LEGACY_H1 = "<h1>Legacy intranet</h1>"


def placeholders(demo, vhost_port=0):
    """README's example values in its Apache blocks -> the demo's (and the vhost's port)."""
    return {"http://127.0.0.1:8080": demo.base,
            "/var/www/legacy": os.path.join(demo.dir, "legacy"),
            "/etc/apache2/authsvc/demo-client.secret": os.path.join(demo.dir, "demo-client.secret"),
            "8081": str(vhost_port)}


def filled(block, demo, keys, vhost_port=0):
    """The block's text with the placeholders named by keys replaced (each must occur)."""
    p = placeholders(demo, vhost_port)
    return substitute(block.text, {k: p[k] for k in keys})


@pytest.fixture(scope="module")
def blocks():
    return fenced_blocks()


@pytest.fixture(scope="module")
def demo(blocks):
    """The demo, started with the command of README's first quick-start block."""
    first = in_section(blocks, QUICK_START, SHELL)[0]
    assert first.commands() == ["./scripts/demo"], first
    d = Demo(command=[os.path.join(util.REPO, first.commands()[0])])
    try:
        yield d.start()
    finally:
        d.stop()
        d.cleanup()


def run_block(demo, block):
    """The block's text as a bash script in the demo's parent directory, with an
    environment that has none of README's variables: the lines it printed."""
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    r = subprocess.run(["bash", "--noprofile", "--norc", "-c", "set -euo pipefail\n" + block.text],
                       cwd=demo.workdir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=60)
    assert r.returncode == 0 and r.stderr == "", (block, r.returncode, r.stdout, r.stderr)
    return r.stdout.splitlines()


def login_token(demo):
    r = demo.client().post_json("/auth/login-token", {
        "client_id": demo.creds["client_id"], "client_secret": demo.creds["client_secret"],
        "username": demo.creds["username"], "password": demo.creds["password"]})
    assert r.status == 200, r
    return r.json["accessToken"]


def bearer(token):
    return {"Authorization": "Bearer " + token}


def tampered(token):
    """The token with one character of its payload changed (signature unchanged)."""
    h, p, s = jwt_parts(token)
    return "%s.%s.%s" % (h, flip_char(p, len(p) // 2), s)


# ---- the shell blocks, each with what it must print ----------------------------------------

def check_quick_start(demo, lines):
    assert len(lines) == 3, lines
    assert lines[0] == demo.base, lines
    assert lines[1] == "Authentication Service", lines
    assert json.loads(lines[2])["status"] == "UP", lines


def check_login(demo, lines):
    user_id = demo.client().get("/auth/me", headers=bearer(login_token(demo))).json["id"]
    assert lines[0] == "demo", lines                      # /auth/me's username
    assert lines[1] == "401", lines                       # the refreshed-away token
    assert json.loads(lines[2]) == {"success": True, "key": user_id}, lines   # logout
    assert lines[3] == "401", lines                       # the logged-out token
    assert len(lines) == 4, lines


def check_gateway(demo, lines):
    assert lines[0] == LEGACY_H1, lines                   # the page, with a bearer token
    assert lines[1] == "401", lines                       # no token, an API client
    status, location = lines[2].split(" ", 1)             # no token, a browser
    assert status == "303", lines
    assert urllib.parse.unquote(location) == demo.base + "/authsvc/login?return=/legacy/", lines
    assert len(lines) == 3, lines


# (section, index among its shell blocks) -> check; the quick start's first block is the
# demo itself (the fixture). A shell block of these sections missing here fails the test.
CHECKS = {(QUICK_START, 1): check_quick_start,
          (LOGIN, 0): check_login,
          (GATEWAY, 0): check_gateway}


def shell_blocks(blocks):
    out = {}
    for section in (QUICK_START, LOGIN, GATEWAY):
        for i, b in enumerate(in_section(blocks, section, SHELL)):
            out[(section, i)] = b
    return out


def test_every_shell_block_has_its_check(blocks):
    found = set(shell_blocks(blocks))
    assert found - {(QUICK_START, 0)} == set(CHECKS), sorted(found)


@pytest.mark.parametrize("key", sorted(CHECKS), ids=lambda k: "%s-%d" % k)
def test_shell_block_runs_against_the_demo(demo, blocks, key):
    block = shell_blocks(blocks)[key]
    lines = run_block(demo, block)
    CHECKS[key](demo, lines)


def test_the_demo_prints_commands_that_run(demo):
    """The commands the demo prints under "Try, in another terminal" (indented, up to
    the blank line) run as printed; demo/env, which they read, is the owner's only."""
    out = demo.output().splitlines()
    start = next(i for i, line in enumerate(out) if line.startswith("Try, in another terminal"))
    body = [line[2:] for line in out[start:][:out[start:].index("")] if line.startswith("  ")]
    assert body[0] == ". %s/env" % demo.dir, body
    assert os.stat(os.path.join(demo.dir, "env")).st_mode & 0o777 == 0o600
    lines = run_block(demo, Block("demo output", None, "sh", "\n".join(body) + "\n", 0))
    assert lines == [demo.base, "demo", LEGACY_H1], lines


def test_readme_documents_the_demo_overrides():
    with open(os.path.join(util.REPO, "README.md")) as f:
        text = f.read()
    start = text.index("## " + QUICK_START)
    quick = text[start:text.index("\n## ", start)]
    for name in ("AUTHSVC_DEMO_PORT", "AUTHSVC_DEMO_DIR", ". demo/env"):
        assert name in quick, name


# ---- the legacy site ----------------------------------------------------------------------

def recipe_blocks(blocks):
    """README's Apache blocks of "Protect a legacy site": the demo's, the vhost's, the
    second server's."""
    found = [b for b in in_section(blocks, GATEWAY, ("apache",)) if b.subsection == RECIPE]
    assert len(found) == 3, found
    return found


def test_demo_config_is_the_readme_recipe(demo, blocks):
    recipe = filled(recipe_blocks(blocks)[0], demo,
                    ("/var/www/legacy", "/etc/apache2/authsvc/demo-client.secret"))
    with open(os.path.join(demo.dir, "httpd.conf")) as f:
        conf = f.read()
    assert recipe in conf, "README's recipe:\n%s\nis not in the demo's httpd.conf:\n%s" % (
        recipe, conf)
    assert demo.base + "/legacy/" in demo.output()       # the demo prints the site's URL


def test_bearer_token_opens_the_legacy_site(demo):
    client = demo.client()
    token = login_token(demo)
    r = client.get("/legacy/", headers=bearer(token))
    assert r.status == 200 and LEGACY_H1.encode() in r.body, r
    r = client.get("/legacy/reports.html", headers=bearer(token))
    assert r.status == 200 and b"<h1>Quarterly reports</h1>" in r.body, r
    r = client.get("/legacy/reports.html", headers={"Accept": "application/json"})
    assert r.status == 401 and r.json["error"]["code"] == "TokenInvalid", r
    assert b"Quarterly" not in r.body
    r = client.get("/legacy/reports.html", headers=dict(bearer(tampered(token)),
                                                        Accept="application/json"))
    assert r.status == 401 and b"Quarterly" not in r.body, r


def test_browser_is_sent_to_sign_in_and_back(demo):
    client = demo.client()
    r = client.get("/legacy/reports.html", headers={"Accept": "text/html"})
    assert r.status == 303 and b"Quarterly" not in r.body, r
    login = r.header("Location")
    assert urllib.parse.unquote(login) == "/authsvc/login?return=/legacy/reports.html", r
    page = client.get(login, headers={"Accept": "text/html"})
    m = re.search(rb'name="csrf" value="([0-9a-f]+)"', page.body)
    assert page.status == 200 and m, page
    cookies = [c.split(";", 1)[0] for c in page.headers.get_all("Set-Cookie") or []]
    form = urllib.parse.urlencode({"csrf": m.group(1).decode(), "return": "/legacy/reports.html",
                                   "username": "demo", "password": demo.creds["password"]})
    r = client.post_form("/authsvc/login", form, headers={"Cookie": "; ".join(cookies)})
    assert r.status == 303 and r.header("Location") == "/legacy/reports.html", r
    session = [c.split(";", 1)[0] for c in r.headers.get_all("Set-Cookie") or []
               if c.startswith("authsvc-session=")]
    assert len(session) == 1, r
    r = client.get("/legacy/reports.html", headers={"Cookie": session[0], "Accept": "text/html"})
    assert r.status == 200 and b"<h1>Quarterly reports</h1>" in r.body, r


@pytest.fixture
def recipe_server():
    made = []

    def start(name, lines):
        srv = ConfigHttpd("readme-" + name, lines)
        try:
            srv.start()
        except Exception:
            if srv.dir:
                srv.keep()
            raise
        made.append(srv)
        return srv

    yield start
    for srv in made:
        ok = False
        try:
            srv.stop(check=True)
            # README's recipes start and serve without a warning of httpd or the module
            bad = [line for line in srv.log_text().splitlines()
                   if re.search(r"\[[a-z_]+:(warn|error|crit|alert|emerg)\]", line)]
            assert not bad, "%s:\n%s" % (srv.error_log, "\n".join(bad))
            ok = True
        finally:
            if not ok:
                srv.keep()
            srv.cleanup()


def test_vhost_recipe_on_the_same_server(demo, blocks, recipe_server):
    """README's vhost block in an httpd that serves the API as the demo does (its
    database, key and issuer): the demo's token opens the vhost's site."""
    vhost_port = util.free_port()
    text = filled(recipe_blocks(blocks)[1], demo, ("8081", "/var/www/legacy",
                  "/etc/apache2/authsvc/demo-client.secret"), vhost_port)
    service = ["DBDriver sqlite3", 'DBDParams "%s"' % os.path.join(demo.dir, "authsvc.db"),
               "AuthsvcIssuer %s" % demo.base,
               'AuthsvcSigningKey "%s"' % os.path.join(demo.dir, "signing-rs256.pem"),
               "<Location />", "    SetHandler authsvc", "</Location>"]
    recipe_server("vhost", service + text.splitlines())
    vhost = HttpClient("127.0.0.1", vhost_port)
    token = login_token(demo)
    r = vhost.get("/", headers=bearer(token))
    assert r.status == 200 and LEGACY_H1.encode() in r.body, r
    # a page request with a refused token is sent to sign in, an API request gets 401
    r = vhost.get("/reports.html", headers=bearer(tampered(token)))
    assert r.status == 303 and b"Quarterly" not in r.body, r
    r = vhost.get("/reports.html", headers=dict(bearer(tampered(token)),
                                                Accept="application/json"))
    assert r.status == 401 and b"Quarterly" not in r.body, r
    r = vhost.get("/reports.html", headers={"Accept": "text/html"})
    assert r.status == 303 and b"Quarterly" not in r.body, r
    assert urllib.parse.unquote(r.header("Location")) == "/authsvc/login?return=/reports.html", r
    page = vhost.get(r.header("Location"))
    assert page.status == 200 and b'name="csrf"' in page.body, page


def test_second_server_with_only_the_jwks(demo, blocks, recipe_server):
    """README's second-httpd block, the demo's URL and paths put in: the token the
    demo issued opens the page there, no token and a tampered one do not."""
    text = filled(recipe_blocks(blocks)[2], demo, ("http://127.0.0.1:8080", "/var/www/legacy"))
    assert "AuthsvcSigningKey" not in text and "DBDriver" not in text, text
    srv = recipe_server("jwks", text.splitlines())
    second = HttpClient("127.0.0.1", srv.port)
    token = login_token(demo)
    r = second.get("/legacy/", headers=bearer(token))
    assert r.status == 200 and LEGACY_H1.encode() in r.body, r
    r = second.get("/legacy/")
    assert r.status == 401 and r.json["error"]["code"] == "TokenInvalid", r
    r = second.get("/legacy/", headers=bearer(tampered(token)))
    assert r.status == 401 and LEGACY_H1.encode() not in r.body, r
