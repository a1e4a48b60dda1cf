"""The sign-in page's SAML button (issue 18), on SQLite and PostgreSQL, against the real
Lasso IdP of test_saml.py (t/peers/saml_idp.py): "Sign in with single sign-on" sends an
AuthnRequest as the gateway client with our value as RelayState; the IdP's Response goes
to the API's ACS, which sends our code and the RelayState ("state") to the gateway
client's redirect URL <portal>/callback; that page opens the browser session (amr
"ext"). The IdP's answer brought to another browser's callback is refused."""
import os
import re
import shutil
import urllib.parse

import pytest
import requests

from harness import identity, util
from harness.accounts import provision
from harness.httpd import GATEWAY_SITE_MODULES, gateway_site_config
from test_saml import (IDP_PASSWORD, SamlHttpd, auto_post, idp, saml_config,  # noqa: F401
                       saml_provider, workdir)

RETURN = "/site/index.html"


@pytest.fixture(scope="module")
def site(backend, workdir, idp):  # noqa: F811
    d = os.path.join(workdir, "site-" + backend.kind)
    os.makedirs(d, exist_ok=True)
    acc = provision(backend, d)
    port = util.free_port()
    backend.query("UPDATE auth_clients SET redirect_url = "
                  "'http://127.0.0.1:%d/authsvc/callback' WHERE client_id = 'web'" % port)
    secret = os.path.join(d, "web.secret")
    with open(secret, "w") as f:
        f.write(acc.client_secrets["web"] + "\n")
    os.chmod(secret, 0o644)
    docroot = util.make_docroot({"site/index.html": "<p>PROTECTED-CONTENT</p>\n"})
    srv = SamlHttpd(backend, "test_login_page_saml-%s" % backend.kind,
                    saml_config(acc, idp, 'AuthsvcGatewayClient web "%s"' % secret),
                    port=port, modules_before=GATEWAY_SITE_MODULES,
                    tail_config=gateway_site_config(docroot) + [
                        "<Location /site>", "    AuthsvcGatewayMode browser", "</Location>"])
    srv.start()
    r = requests.get("http://127.0.0.1:%d/auth/saml/metadata" % port)
    assert r.status_code == 200, r.text
    idp.add_sp(r.text)
    identity.link(backend, "alice", saml_provider(idp),
                  idp.persistent_name_id("alice", srv.issuer + "/auth/saml/metadata"))
    srv.acc = acc
    try:
        yield srv
    finally:
        srv.stop(check=True)
        srv.cleanup()
        shutil.rmtree(docroot, ignore_errors=True)


def to_callback(site, idp, s):  # noqa: F811
    """The button, the IdP's login as alice, the POST to the ACS: our 303, not followed."""
    base = "http://127.0.0.1:%d" % site.port
    page = s.get(base + "/authsvc/login?return=" + urllib.parse.quote(RETURN, safe=""))
    assert page.status_code == 200 and 'id="social-saml"' in page.text, page.text
    assert ">Sign in with single sign-on</button>" in page.text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
    r = s.post(base + "/authsvc/social", allow_redirects=False,
               data={"csrf": csrf, "return": RETURN, "provider": "saml"})
    assert r.status_code == 303 and r.headers["Location"].startswith(idp.base), r.text
    login = requests.get(r.headers["Location"])
    ticket = re.search(r'name="ticket" value="([^"]+)"', login.text).group(1)
    answer = requests.post(idp.base + "/saml/login", data={
        "ticket": ticket, "username": "alice", "password": IDP_PASSWORD})
    action, saml_response, relay = auto_post(answer.text)
    r = s.post(base + urllib.parse.urlsplit(action).path, allow_redirects=False,
               data={"SAMLResponse": saml_response, "RelayState": relay})
    assert r.status_code == 303, r.text
    assert r.headers["Location"].startswith(base + "/authsvc/callback?code="), r.headers
    return r.headers["Location"]


def test_saml_button_signs_the_browser_in(site, idp, backend):  # noqa: F811
    s = requests.Session()
    loc = to_callback(site, idp, s)
    r = s.get(loc, allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == RETURN, r.text
    site_page = s.get("http://127.0.0.1:%d%s" % (site.port, RETURN), allow_redirects=False)
    assert site_page.status_code == 200 and "PROTECTED-CONTENT" in site_page.text
    rows = backend.query("SELECT amr FROM gateway_sessions WHERE user_id = '%s'"
                         % site.acc["alice"].id)
    assert ["ext"] in [list(row) for row in rows], rows


def test_saml_answer_in_another_browser_is_refused(site, idp):  # noqa: F811
    loc = to_callback(site, idp, requests.Session())
    other = requests.Session()
    r = other.get(loc, allow_redirects=False)
    assert r.status_code == 400 and "authsvc-session" not in other.cookies, r.text
