"""The OpenID Connect provider as the relying-party tests use it (test_oidc_rp_apache.py,
test_oidc_rp_library.py, test_oidc_negative.py): an HTTPS vhost of the test httpd that
is the issuer and names a sign-in client (AuthsvcGatewayClient), clients registered with
`authsvc-admin client add` + `client oidc`, and a Python "browser" (requests with a
cookie jar) that goes through /oauth2/authorize -> the login page -> back, the way a
user does, without following the last redirect (the relying party's).

    tls = make_tls(workdir)                      # (crt, key): self-signed for 127.0.0.1
    lines = provider_vhost(port, tls, "web", secret_file)
    secret = register(db, "rp", ["https://rp/cb"], post_logout=[...], grant_types=[...])
    ua = UserAgent(base, tls[0]); answer = ua.authorize(params, user)
"""
import base64
import hashlib
import json
import os
import re
import secrets
import subprocess
import urllib.parse

import requests

from .accounts import SECRET_RE

SIGNIN_CLIENT = "web"   # the provider vhost's AuthsvcGatewayClient (harness.accounts)


def make_tls(workdir):
    """A self-signed certificate for 127.0.0.1 (its own CA): clients trust it by file
    (requests' verify=, Node's NODE_EXTRA_CA_CERTS), mod_auth_openidc does not check."""
    crt, key = os.path.join(workdir, "tls.crt"), os.path.join(workdir, "tls.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", crt],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.chmod(crt, 0o644)
    os.chmod(key, 0o644)  # httpd's children (www-data) never read it; the parent does
    return crt, key


def write_secret(workdir, accounts, client_id=SIGNIN_CLIENT):
    path = os.path.join(workdir, client_id + ".secret")
    with open(path, "w") as f:
        f.write(accounts.client_secrets[client_id] + "\n")
    os.chmod(path, 0o644)
    return path


def issuer_of(port):
    return "https://127.0.0.1:%d" % port


def provider_vhost(port, tls, secret_path, client_id=SIGNIN_CLIENT):
    """The provider's vhost: HTTPS, the API handler (inherited <Location />), the login
    page of the sign-in client. The issuer directive goes to the server level
    (issuer_directive below): tokens, discovery and the API all say this URL."""
    crt, key = tls
    return ["Listen 127.0.0.1:%d" % port,
            "<VirtualHost 127.0.0.1:%d>" % port,
            "    ServerName 127.0.0.1",
            "    SSLEngine on",
            '    SSLCertificateFile "%s"' % crt,
            '    SSLCertificateKeyFile "%s"' % key,
            '    AuthsvcGatewayClient %s "%s"' % (client_id, secret_path),
            "</VirtualHost>"]


def issuer_directive(port):
    """A second AuthsvcIssuer after the harness' own (http://127.0.0.1:<main port>):
    the last one wins, so the issuer is the HTTPS vhost."""
    return "AuthsvcIssuer %s" % issuer_of(port)


def register(db, client_id, redirect_uris=(), post_logout=(), grant_types=None,
             public=False, code_ttl=None, access_ttl=None):
    """`client add` then `client oidc`; returns the secret (None for a public client)."""
    admin = db.admin()
    argv = ["client", "add", "--client-id", client_id]
    if public:
        argv.append("--public")
    if code_ttl is not None:
        argv += ["--code-ttl", str(code_ttl)]
    if access_ttl is not None:
        argv += ["--access-ttl", str(access_ttl)]
    r = admin.run(*argv).check()
    found = SECRET_RE.findall(r.stdout)
    secret = None
    if not public:
        assert len(found) == 1, "client add printed no single secret: %r" % r
        secret = found[0]
    argv = ["client", "oidc", "--client-id", client_id]
    if grant_types:
        argv += ["--grant-types", " ".join(grant_types)]
    for uri in redirect_uris:
        argv += ["--redirect-uri", uri]
    for uri in post_logout:
        argv += ["--post-logout-uri", uri]
    admin.run(*argv).check()
    return secret


def pkce_pair():
    verifier = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
    challenge = base64.urlsafe_b64encode(
        hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def jwt_claims(token):
    """The payload of a JWS, unverified (the tests verify signatures elsewhere or do not
    need to: they read what the provider put there)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


class Answer:
    """Where the provider sent the browser back to: the redirect URI's query, or the
    last page when there was no redirect out of the provider."""

    def __init__(self, location=None, page=None):
        self.location = location
        self.page = page
        self.query = {}
        if location:
            self.query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))

    def __repr__(self):
        return "<Answer %r %r>" % (self.location, self.page)


class UserAgent:
    """A browser without JavaScript: a cookie jar, redirects followed by hand inside the
    provider (base), the first redirect to anywhere else returned as an Answer."""

    def __init__(self, base, ca_file):
        self.base = base
        self.http = requests.Session()
        self.http.verify = ca_file
        self.http.trust_env = False  # else REQUESTS_CA_BUNDLE in the environment wins over verify
        self.login_pages = 0

    def get(self, url, **kw):
        return self.http.get(self._abs(url), allow_redirects=False, timeout=15, **kw)

    def _abs(self, url):
        return url if url.startswith("http") else self.base + url

    def authorize(self, params, user=None, password=None, max_steps=8):
        """GET /oauth2/authorize?params; signs in as user when the login page comes."""
        url = "/oauth2/authorize?" + urllib.parse.urlencode(params)
        r = self.get(url)
        for _ in range(max_steps):
            if r.status_code not in (302, 303):
                if user and b'id="login-form"' in r.content:
                    r = self.submit_login(r, user, password)
                    continue
                return Answer(page=r)
            location = urllib.parse.urljoin(self._abs(url), r.headers["Location"])
            if not location.startswith(self.base + "/"):
                return Answer(location=location, page=r)
            url = location
            r = self.get(url)
        raise AssertionError("too many redirects, last %r %r" % (url, r))

    def submit_login(self, page, user, password=None):
        """Fills the login page's form (the page must be the provider's)."""
        self.login_pages += 1
        form = dict(re.findall(rb'<input type="hidden" name="([a-z_]+)" value="([^"]*)"',
                               page.content))
        form = {k.decode(): _unescape(v.decode()) for k, v in form.items()}
        form["username"] = user.username
        form["password"] = password or user.password
        return self.http.post(self.base + "/authsvc/login", data=form, allow_redirects=False,
                              timeout=15)


def _unescape(value):
    return (value.replace("&quot;", '"').replace("&#39;", "'").replace("&lt;", "<")
            .replace("&gt;", ">").replace("&amp;", "&"))
