"""A real relying party: mod_auth_openidc (Debian's libapache2-mod-auth-openidc) on a
second vhost of the test httpd (app.example.org, HTTPS), configured by README's
mod_auth_openidc block as written (host names, ports, files and the secret replaced) and
registered by README's `authsvc-admin client` commands, protects /private against the
provider on the HTTPS vhost 127.0.0.1:<tls port> (the issuer). Headless Chromium opens
/private/page, signs in on the provider's login page, sees the page (a proxied echo of
the request: the OIDC_CLAIM_* headers and REMOTE_USER mod_auth_openidc passed on), is
signed in again without the form when only the relying party forgot it (the provider's
session is reused), logs out through mod_auth_openidc's logout URL (which ends the
provider's session too through /oauth2/logout) and is then asked to sign in again.
The same round also runs with a plain cookie-keeping HTTP client (requests), and once
more in Chromium with a user who has an authenticator (the login page's second step).
Screenshots go to t/artifacts/browser/<db>/oidc-*/ with the browser's JSON."""
import json
import os
import re
import secrets
import shlex
import socket
import subprocess
import urllib.parse

import pytest
import requests
import urllib3

from harness import util
from harness.accounts import SECRET_RE, add_users
from harness.httpd import module_dir
from harness.oidc import UserAgent, issuer_directive, issuer_of, provider_vhost
from harness.oidc_provider import provider_accounts
from harness.readme import fenced_blocks, in_section
from test_otp import enrol, safe_now
from test_tokens import Api

SECTION = "Use it as an OpenID Connect provider"
MODULES = [("ssl_module", "mod_ssl.so"), ("socache_shmcb_module", "mod_socache_shmcb.so"),
           ("authz_user_module", "mod_authz_user.so"), ("proxy_module", "mod_proxy.so"),
           ("proxy_http_module", "mod_proxy_http.so"), ("headers_module", "mod_headers.so"),
           ("dir_module", "mod_dir.so")]
OPENIDC = ("auth_openidc_module", "mod_auth_openidc.so")
RP_HOST = "app.example.org"
BROWSER_DIR = os.path.join(util.REPO, "t", "browser")
SHOTS = os.path.join(util.ARTIFACTS, "browser")
HOME_TEXT = "APP-HOME signed out of the app"



def readme_blocks():
    blocks = in_section(fenced_blocks(), SECTION)
    apache = [b for b in blocks if b.lang == "apache"]
    shell = [b for b in blocks if b.lang == "sh"]
    assert len(apache) == 1 and len(shell) == 1, blocks
    return apache[0], shell[0]


def shell_commands(block):
    """The block's commands: comments cut, backslash continuations joined, split."""
    text = re.sub(r"\\\n", " ", block.text)
    out = []
    for line in text.splitlines():
        line = re.sub(r"\s+#.*$", "", line).strip()
        if line and not line.startswith("#"):
            out.append(shlex.split(line))
    return out


@pytest.fixture(scope="module")
def ports(backend):
    return {"tls": util.free_port(), "rp": util.free_port()}


def rp_base(ports):
    return "https://%s:%d" % (RP_HOST, ports["rp"])


@pytest.fixture(scope="module")
def accounts(accounts, backend, ports):
    """conftest's accounts; README's client commands (the client `app`, its redirect and
    post-logout URIs on the relying party's port); a user of it; TLS files."""
    with provider_accounts(accounts, backend, "oidc-rp") as acc:
        _, shell = readme_blocks()
        admin = backend.admin()
        for argv in shell_commands(shell):
            assert argv[0] == "authsvc-admin" and argv[1] == "client", argv
            argv = [a.replace("https://%s/" % RP_HOST, rp_base(ports) + "/") for a in argv[1:]]
            r = admin.run(*argv).check()
            if argv[:2] == ["client", "add"]:
                acc.app_secret = SECRET_RE.findall(r.stdout)[0]
        acc.rp_user, acc.rp_totp, acc.rp_http = add_users(
            backend, acc, ["rp-user", "rp-totp", "rp-http"], clients=("web", "app"))
        admin.run("user", "mfa", "--username", "rp-totp", "--required", "yes").check()
        yield acc


@pytest.fixture(scope="module")
def rp_docroot(accounts):
    root = os.path.join(accounts.workdir, "app")
    os.makedirs(root)
    with open(os.path.join(root, "index.html"), "w") as f:
        f.write("<!DOCTYPE html><title>App</title><p>%s</p>\n" % HOME_TEXT)
    os.chmod(root, 0o755)
    os.chmod(os.path.join(root, "index.html"), 0o644)
    return root


@pytest.fixture(scope="module")
def httpd_extra_config(accounts, ports):
    return accounts.httpd_config() + [issuer_directive(ports["tls"]),
                                      'AuthsvcTotpIssuer "Example Corp"']


@pytest.fixture(scope="module")
def httpd_modules():
    if not os.path.exists(os.path.join(module_dir(), OPENIDC[1])):
        pytest.fail("mod_auth_openidc is not installed: scripts/install-deps --test installs "
                    "libapache2-mod-auth-openidc")
    return MODULES, [OPENIDC]


def rp_vhost(accounts, ports, echo, docroot):
    """README's block with the test's values, plus what only the test needs: the
    provider's self-signed certificate as the CA to trust, the page (a proxied echo of
    the request), a home page, and no API handler (inherited from the main server)."""
    apache, _ = readme_blocks()
    crt, key = accounts.tls
    text = apache.text
    for old, new in (("*:443", "127.0.0.1:%d" % ports["rp"]),
                     ("https://sso.example.org", issuer_of(ports["tls"])),
                     ("https://%s/" % RP_HOST, rp_base(ports) + "/"),
                     ("/etc/ssl/certs/app.example.org.pem", crt),
                     ("/etc/ssl/private/app.example.org.key", key),
                     ("the-secret-client-add-printed", accounts.app_secret),
                     ("a-long-random-passphrase-of-your-own", secrets.token_hex(16))):
        assert old in text, (old, text)
        text = text.replace(old, new)
    extra = ['    OIDCCABundlePath "%s"' % crt,
             "    <Location />", "        SetHandler none", "    </Location>",
             '    DocumentRoot "%s"' % docroot,
             '    <Directory "%s">' % docroot, "        Require all granted", "    </Directory>",
             "    ProxyPass /private/page http://127.0.0.1:%d/page" % echo.port,
             "    <Location /private/page>",
             "        RequestHeader set X-Remote-User expr=%{REMOTE_USER}",
             "    </Location>"]
    assert text.count("</VirtualHost>") == 1, text
    text = text.replace("</VirtualHost>", "\n".join(extra) + "\n</VirtualHost>")
    return ["Listen 127.0.0.1:%d" % ports["rp"]] + text.splitlines()


@pytest.fixture(scope="module")
def httpd_tail_config(accounts, ports, echo, rp_docroot):
    return (provider_vhost(ports["tls"], accounts.tls, accounts.signin_secret)
            + rp_vhost(accounts, ports, echo, rp_docroot))


def rp_get(ports, path):
    """A request to the relying party's vhost (its name is not in DNS: Host header)."""
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    return requests.get("https://127.0.0.1:%d%s" % (ports["rp"], path),
                        headers={"Host": "%s:%d" % (RP_HOST, ports["rp"])},
                        allow_redirects=False, verify=False, timeout=15)


def test_relying_party_sends_the_browser_to_our_authorization_endpoint(server, ports):
    """mod_auth_openidc read our discovery: the redirect goes to /oauth2/authorize with
    the code flow, PKCE S256, the configured scopes and its redirect URI."""
    r = rp_get(ports, "/private/page")
    assert r.status_code == 302, (r.status_code, r.text[:300], server.log_text()[-2000:])
    loc = urllib.parse.urlsplit(r.headers["Location"])
    assert "%s://%s%s" % (loc.scheme, loc.netloc, loc.path) == \
        issuer_of(ports["tls"]) + "/oauth2/authorize", loc
    q = dict(urllib.parse.parse_qsl(loc.query))
    assert q["response_type"] == "code" and q["client_id"] == "app", q
    assert q["code_challenge_method"] == "S256" and len(q["code_challenge"]) == 43, q
    assert set(q["scope"].split()) == {"openid", "email", "profile"}, q
    assert q["redirect_uri"] == rp_base(ports) + "/private/redirect_uri", q
    assert q.get("state") and q.get("nonce"), q


def test_mod_auth_openidc_signs_in_and_out_with_a_plain_http_client(server, backend, ports,
                                                                    accounts, monkeypatch):
    """The relying party's whole round without a browser (requests with a cookie jar, the
    relying party's name resolved to 127.0.0.1 here): mod_auth_openidc exchanges the
    code, validates the ID token and passes the claims on; its logout URL ends the
    provider's session too; the next visit needs the login form again."""
    real = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *a, **kw: real(
        "127.0.0.1" if host == RP_HOST else host, *a, **kw))
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    user = accounts.rp_http
    ua = UserAgent(issuer_of(ports["tls"]), False)  # the RP's certificate is for 127.0.0.1
    r = ua.http.get(rp_base(ports) + "/private/page?from=http", timeout=15)
    assert r.status_code == 200 and 'id="login-form"' in r.text, (r.url, r.status_code)
    assert r.url.startswith(issuer_of(ports["tls"]) + "/authsvc/login?return="), r.url
    form = ua.submit_login(r, user)
    assert form.status_code == 303, (form.status_code, form.text[:300])
    r = ua.http.get(urllib.parse.urljoin(ua.base, form.headers["Location"]), timeout=15)
    assert r.url == rp_base(ports) + "/private/page?from=http", (r.url, server.log_text()[-3000:])
    headers = echo_of(r.text)
    assert headers.get("X-Remote-User") == user.username, headers
    assert headers.get("OIDC_CLAIM_sub") == user.id, headers
    assert headers.get("OIDC_CLAIM_amr") == "pwd", headers
    sessions = "SELECT COUNT(*) FROM gateway_sessions WHERE user_id = '%s'" % user.id
    assert int(backend.query(sessions)[0][0]) == 1
    r = ua.http.get(rp_base(ports) + "/private/redirect_uri?logout="
                    + urllib.parse.quote(rp_base(ports) + "/", safe=""), timeout=15)
    assert r.url == rp_base(ports) + "/" and HOME_TEXT in r.text, (r.url, r.text[:300])
    hops = [h.url.split("?")[0] for h in r.history]
    assert issuer_of(ports["tls"]) + "/oauth2/logout" in hops, hops
    assert int(backend.query(sessions)[0][0]) == 0
    r = ua.http.get(rp_base(ports) + "/private/page?after=logout", timeout=15)
    assert 'id="login-form"' in r.text, (r.url, r.status_code)


def run_browser(backend, ports, user, shots_name, totp_secret=None):
    if not os.path.isdir(os.path.join(BROWSER_DIR, "node_modules", "playwright-core")):
        pytest.fail("playwright-core missing: (cd t/browser && npm ci) -- scripts/test does it")
    shots = os.path.join(SHOTS, backend.kind, shots_name)
    os.makedirs(shots, exist_ok=True)
    argv = ["node", os.path.join(BROWSER_DIR, "oidc-apache.mjs"), rp_base(ports), user.username,
            user.password, shots]
    if totp_secret:
        argv.append(totp_secret)
    run = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         timeout=110)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout.strip().splitlines()[-1])
    with open(os.path.join(shots, "result.json"), "w") as f:
        json.dump(out, f, indent=1)
    return out, shots


def echo_of(body):
    """The echo backend's JSON (the protected page): {header name: value}."""
    doc = json.loads(body)
    assert doc["content"] == "BACKEND-CONTENT", doc
    return {k: v for k, v in doc["headers"]}


def assert_browser_went_on(out, server):
    blocked = [m for m in out.get("console", []) if "Content Security Policy" in m]
    assert not blocked, ("the browser refused to go on (its console): %s" % blocked, out)
    assert "error" not in out, (out, server.log_text()[-3000:])


def assert_signed_in_and_out(out, ports, user, server, amr):
    login_prefix = issuer_of(ports["tls"]) + "/authsvc/login?return="
    assert_browser_went_on(out, server)
    assert out["loginUrl"].startswith(login_prefix), out
    ret = urllib.parse.unquote(out["loginUrl"][len(login_prefix):])
    assert ret.startswith("/oauth2/authorize?"), out
    assert out["loginStatus"] == 200 and out["loginHasForm"], out
    assert out["afterLoginUrl"].startswith(rp_base(ports) + "/private/page?from=test"), \
        (out, server.log_text()[-3000:])
    headers = echo_of(out["afterLoginBody"])
    assert headers.get("X-Remote-User") == user.username, headers
    assert headers.get("OIDC_CLAIM_sub") == user.id, headers
    assert headers.get("OIDC_CLAIM_email") == user.username + "@example.org", headers
    assert headers.get("OIDC_CLAIM_preferred_username") == user.username, headers
    assert set(headers.get("OIDC_CLAIM_amr", "").split(",")) == set(amr), headers
    # the provider's session, reused: back on the page without the login form
    assert out["againUrl"].startswith(rp_base(ports) + "/private/page?again=1"), out
    assert echo_of(out["againBody"]).get("X-Remote-User") == user.username, out
    # logout: mod_auth_openidc -> /oauth2/logout -> the registered post-logout URI
    assert out["logoutUrl"].startswith(rp_base(ports) + "/"), out
    assert HOME_TEXT in out["logoutBody"], out
    # both sessions ended: the next visit needs the login form again
    assert out["afterLogoutUrl"].startswith(login_prefix), out
    assert out["afterLogoutHasForm"], out


def test_chromium_signs_in_through_mod_auth_openidc_and_logs_out(server, backend, ports,
                                                                  accounts):
    user = accounts.rp_user
    out, shots = run_browser(backend, ports, user, "oidc-password")
    assert_signed_in_and_out(out, ports, user, server, ["pwd"])
    for name in ("oidc-login-page", "oidc-private-page", "oidc-logged-out",
                 "oidc-after-logout"):
        assert os.path.getsize(os.path.join(shots, name + ".png")) > 1000, name
    # the provider's browser session of that user is gone
    rows = backend.query("SELECT COUNT(*) FROM gateway_sessions WHERE user_id = '%s'"
                         % user.id)
    assert int(rows[0][0]) == 0, rows


def test_chromium_with_an_authenticator_as_second_factor(server, backend, ports, accounts,
                                                         client, tmp_path):
    """The same with a user who owes a second factor: after the password the login page
    asks for the authenticator's code (computed by the script from the secret enrolled
    here as test_otp.py does), and the claims say so (amr pwd otp mfa)."""
    user = accounts.rp_totp
    _, secret = enrol(Api(client, accounts), tmp_path, user.username)
    safe_now()
    out, shots = run_browser(backend, ports, user, "oidc-totp", secret)
    assert_browser_went_on(out, server)
    assert out["secondStepUrl"].startswith(issuer_of(ports["tls"]) + "/authsvc/login"), out
    assert out["secondStepHasField"] and "authenticator app" in out["secondStepText"], out
    assert_signed_in_and_out(out, ports, user, server, ["pwd", "otp", "mfa"])
    assert os.path.getsize(os.path.join(shots, "oidc-second-step.png")) > 1000
