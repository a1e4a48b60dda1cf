"""Local identity-provider peers for the social-login tests, and a cookie-jar "browser"
that walks their login and consent forms.

  ensure_node_modules()           npm ci into t/peers/node_modules (git-ignored) once
  NodePeer(script, args, env)     a node process started and stopped by its own PID
  provider_login(session, url, username, password, stop_prefix, allow=True)
                                  follows the provider's redirects and forms until it
                                  redirects (GET) or form-posts (POST) to stop_prefix
"""
import html
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.parse

from . import util

PEERS = os.path.join(util.REPO, "t", "peers")
NODE_MODULES = os.path.join(PEERS, "node_modules")


def node_available():
    return shutil.which("node") is not None and shutil.which("npm") is not None


def ensure_node_modules():
    """Installs the peers' npm packages (package-lock.json) when they are missing."""
    if os.path.isdir(os.path.join(NODE_MODULES, "oidc-provider")):
        return
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", PEERS],
                   check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)


class NodePeer:
    def __init__(self, name, script, args, env=None, logdir=None):
        self.name = name
        self.script = os.path.join(PEERS, script)
        self.args = [str(a) for a in args]
        self.env = dict(os.environ, **(env or {}))
        self.logdir = logdir or util.make_tempdir("authsvc-peer-")
        self.log_path = os.path.join(self.logdir, "%s.log" % name)
        self.proc = None
        self.ready_line = None

    def start(self, timeout=30):
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(["node", self.script] + self.args, cwd=PEERS,
                                     stdout=subprocess.PIPE, stderr=log, env=self.env,
                                     start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline().decode(errors="replace")
            if line.startswith("ready"):
                self.ready_line = line.strip()
                return self
            if not line and self.proc.poll() is not None:
                break
        self.stop()
        raise RuntimeError("peer %s did not start; log %s:\n%s"
                           % (self.name, self.log_path, open(self.log_path).read()))

    def stop(self):
        if self.proc is None:
            return
        try:
            os.kill(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc = None

    def log_text(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""


FORM_RE = re.compile(r'<form[^>]*id="(?P<id>[^"]+)"[^>]*action="(?P<action>[^"]+)"', re.I)
POST_FORM_RE = re.compile(r'<form[^>]*method="post"[^>]*action="(?P<action>[^"]+)"', re.I)
INPUT_RE = re.compile(r'<input[^>]*type="hidden"[^>]*name="(?P<name>[^"]+)"[^>]*value="(?P<value>[^"]*)"', re.I)


class Callback:
    """Where the provider sent the browser back: method, url and (form_post) fields."""

    def __init__(self, method, url, form=None):
        self.method = method
        self.url = url
        self.form = form or {}

    @property
    def params(self):
        if self.method == "POST":
            return dict(self.form)
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.url).query))

    def send(self, session):
        """Delivers the callback to the service as the browser would."""
        if self.method == "POST":
            return session.post(self.url, data=self.form, allow_redirects=False)
        return session.get(self.url, allow_redirects=False)


def _form_action(page_url, text, form_id):
    for m in FORM_RE.finditer(text):
        if m.group("id") == form_id:
            return urllib.parse.urljoin(page_url, html.unescape(m.group("action")))
    return None


def provider_login(session, url, username, password, stop_prefix, allow=True, max_steps=20):
    """Drives a provider's pages with a cookie jar. Returns a Callback, or raises
    LoginRefused when the login form comes back with an error."""
    for _ in range(max_steps):
        if url.startswith(stop_prefix):
            return Callback("GET", url.split("#", 1)[0])
        r = session.get(url, allow_redirects=False)
        if r.status_code in (301, 302, 303, 307):
            url = urllib.parse.urljoin(url, r.headers["Location"])
            continue
        url = _next_from_page(session, r, username, password, allow)
        if isinstance(url, Callback):
            return url
    raise RuntimeError("no callback after %d steps" % max_steps)


class LoginRefused(Exception):
    pass


def _next_from_page(session, r, username, password, allow):
    text, page = r.text, r.url
    if 'id="login-error"' in text:
        raise LoginRefused(page)
    # form_post: an auto-submitting form to the redirect URI
    if "<form" in text and "login-form" not in text and "consent-form" not in text:
        m = POST_FORM_RE.search(text)
        if m:
            fields = {html.unescape(i.group("name")): html.unescape(i.group("value"))
                      for i in INPUT_RE.finditer(text)}
            return Callback("POST", html.unescape(m.group("action")), fields)
    login = _form_action(page, text, "login-form")
    if login:
        r = session.post(login, data={"username": username, "password": password},
                         allow_redirects=False)
    else:
        consent = _form_action(page, text, "consent-form")
        if not consent:
            raise RuntimeError("unexpected page %s (HTTP %d): %s" % (page, r.status_code, text[:300]))
        action = consent if allow else consent.rsplit("/", 1)[0] + "/abort"
        r = session.post(action, data={"allow": "yes"}, allow_redirects=False)
    if r.status_code in (301, 302, 303, 307):
        return urllib.parse.urljoin(page, r.headers["Location"])
    if 'id="login-error"' in r.text:
        raise LoginRefused(page)
    return _next_from_page(session, r, username, password, allow)
