"""SAML 2.0 single sign-on through a real httpd, on SQLite and PostgreSQL, against a real
IdP on loopback written with Lasso's Python binding (t/peers/saml_idp.py):
POST /auth/saml -> signed AuthnRequest -> IdP login -> signed Response -> POST
/auth/saml-redirect -> 303 with our code -> /auth/token -> /auth/me, with email,
persistent and transient NameIDs and mapped attributes. Security rows T-40 (signature
wrapping, unsigned), T-41 (replay, audience, recipient, expiry, unknown InResponseTo,
unsolicited), T-42 (comment in NameID), T-43 (DOCTYPE/XXE, billion laughs), T-44 (SHA-1).
Every refusal is a 401 JSON envelope and the error log names the reason.

Linking by e-mail (issue 14; README "Linking external identities"): an IdP account
links to the local account with its e-mail only when the IdP vouches for e-mail
(AuthsvcSamlIdpVouchesEmail) and the account has no password, no other identity and no
protected role; everything else is 401 IdentityLinkRefused, a LINK_REFUSED activity
row and a log line. Local accounts for it: sam (no password, role staff: may be
linked), pat (password), priya (no password, role admin), kim (no password, linked to
keycloak already), una (no password; tried where the IdP does not vouch), tess
(transient NameIDs), ivy (password, admin; linked with `authsvc-admin user link`)."""
import base64
import os
import re
import shutil
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from xml.dom import minidom

import pytest

from harness import util
from harness.accounts import REDIRECT_URL, add_users, provision
from harness.client import HttpClient, assert_envelope
from harness.httpd import BODY_LIMIT, HttpdServer
from harness import identity
from test_tokens import Api, assert_token_response

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "peers"))
from saml_idp import DS, SAML, SamlIdp, make_key_pair  # noqa: E402

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
IDP_PASSWORD = "idp-password-1"
IDP_USERS = {
    # the provisioned alice (alice@example.org) as the IdP knows her
    "alice": {"password": IDP_PASSWORD, "email": "alice@example.org", "firstName": "Alice",
              "lastName": "Liddell", "groups": ["staff", "admins"]},
    "mallory": {"password": IDP_PASSWORD, "email": "mallory@elsewhere.example",
                "firstName": "Mallory", "lastName": "M", "groups": []},
    # an IdP account that claims the local administrator erin's address
    "eve": {"password": IDP_PASSWORD, "email": "erin@example.org", "firstName": "Eve",
            "lastName": "Intruder", "groups": ["admins"]},
}
LINK_USERS = {  # local account -> (role, has a password)
    "sam": ("staff", False), "pat": ("staff", True), "priya": ("admin", False),
    "kim": ("staff", False), "una": ("staff", False), "tess": ("staff", False),
    "ivy": ("admin", True)}
for _name in LINK_USERS:  # the IdP's names differ from the local ones (Sam, Pat, ...)
    IDP_USERS[_name] = {"password": IDP_PASSWORD, "email": _name + "@example.org",
                        "firstName": _name.capitalize() + "-idp", "lastName": "Idp",
                        "groups": ["idp-group"]}
SAML_BODY_LIMIT = 262144  # Responses with two signatures and certificates exceed 8 KiB


# ---- fixtures ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def workdir():
    d = util.make_tempdir("authsvc-saml-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def idp(workdir):
    peer = SamlIdp(workdir, IDP_USERS).start()
    yield peer
    peer.stop()


@pytest.fixture(scope="module")
def kind_dir(backend, workdir):
    """Files of one database's run: its accounts and the SP's key."""
    d = os.path.join(workdir, backend.kind)
    os.makedirs(d, exist_ok=True)
    return d


@pytest.fixture(scope="module")
def accounts(backend, kind_dir, idp):
    acc = provision(backend, kind_dir)
    backend.admin().run("role", "add", "--tenant", "t1", "--name", "staff").check()
    for name, (role, password) in LINK_USERS.items():
        add_users(backend, acc, [name], role=role, no_password=not password)
    identity.link(backend, "kim", "keycloak", "kim-at-keycloak")
    identity.link(backend, "ivy", saml_provider(idp), "ivy@example.org")
    return acc


def saml_provider(idp):
    """How user_credentials names the IdP."""
    return "saml:" + idp.entity_id


def saml_config(accounts, idp, *extra):
    key, cert = make_key_pair(accounts.workdir, "saml-sp")
    return accounts.httpd_config() + [
        'AuthsvcSamlSigningKey "%s" "%s"' % (key, cert),
        'AuthsvcSamlIdpMetadata "%s"' % idp.metadata_path,
        "AuthsvcSamlAttribute email email",
        "AuthsvcSamlAttribute firstName firstName",
        "AuthsvcSamlAttribute lastName lastName",
        "AuthsvcSamlAttribute groups groups",
        "AuthsvcSamlLinkByEmail On",
    ] + list(extra)


class SamlHttpd(HttpdServer):
    """The harness's httpd with room for SAML Responses in the body limit."""

    def config_text(self):
        return super().config_text().replace("AuthsvcMaxBodySize %d" % BODY_LIMIT,
                                             "AuthsvcMaxBodySize %d" % SAML_BODY_LIMIT)


def run_server(backend, name, config, idp):
    srv = SamlHttpd(backend, name, config)
    srv.start()
    r = HttpClient("127.0.0.1", srv.port).get("/auth/saml/metadata")
    assert r.status == 200, r
    idp.add_sp(r.body.decode())
    return srv


@pytest.fixture(scope="module")
def server(backend, accounts, idp):
    """The IdP vouches for e-mail here; alice's persistent NameID is linked to her with
    authsvc-admin (she has a password and an admin role: never linked by e-mail)."""
    srv = run_server(backend, "test_saml-%s" % backend.kind,
                     saml_config(accounts, idp, "AuthsvcSamlIdpVouchesEmail On"), idp)
    identity.link(backend, "alice", saml_provider(idp),
                  idp.persistent_name_id("alice", srv.issuer + "/auth/saml/metadata"))
    yield srv
    srv.stop(check=True)
    srv.keep() if os.environ.get("AUTHSVC_KEEP_ARTIFACTS") == "1" else srv.cleanup()


@pytest.fixture(scope="module")
def api(client, accounts):
    return Api(client, accounts)


# ---- the browser's part ------------------------------------------------------------

class Browser:
    """A browser: it keeps the binding cookie (docs/design.md section 8) the start sets and sends
    it with the POST to the ACS."""

    def __init__(self, client, accounts, idp):
        self.c = client
        self.acc = accounts
        self.idp = idp
        self.cookie = None

    def start(self, client_id="web", relay=None, secret=None):
        fields = {"client_id": client_id,
                  "client_secret": secret or self.acc.client_secrets[client_id]}
        if relay:
            fields["RelayState"] = relay
        r = self.c.post_form("/auth/saml", urllib.parse.urlencode(fields))
        set_cookie = r.header("Set-Cookie")
        if set_cookie:
            self.cookie = set_cookie.split(";", 1)[0]
            assert "HttpOnly" in set_cookie and "Path=/" in set_cookie, set_cookie
        return r

    def authn_request_url(self, **kw):
        r = self.start(**kw)
        assert r.status == 303, r
        return r.header("Location")

    def idp_login(self, url, username="alice", password=IDP_PASSWORD, **knobs):
        """The IdP's login form, then its auto-POST form: (action, SAMLResponse, RelayState)."""
        page = urllib.request.urlopen(url, timeout=10).read().decode()
        ticket = re.search(r'name="ticket" value="([^"]+)"', page).group(1)
        form = dict(knobs, ticket=ticket, username=username, password=password)
        page = urllib.request.urlopen(self.idp.base + "/saml/login",
                                      urllib.parse.urlencode(form).encode(), timeout=10)
        return auto_post(page.read().decode())

    def response(self, **knobs):
        """A fresh SP-initiated login up to the IdP's answer."""
        return self.idp_login(self.authn_request_url(), **knobs)

    def acs(self, action, saml_response, relay=None, query=None):
        path = urllib.parse.urlsplit(action).path
        if query:
            path += "?" + query
        fields = {"SAMLResponse": saml_response}
        if relay:
            fields["RelayState"] = relay
        headers = {"Cookie": self.cookie} if self.cookie else None
        return self.c.post_form(path, urllib.parse.urlencode(fields), headers=headers)


def auto_post(page):
    action = re.search(r'action="([^"]+)"', page).group(1)
    response = re.search(r'name="SAMLResponse" value="([^"]+)"', page).group(1)
    relay = re.search(r'name="RelayState" value="([^"]*)"', page)
    return action, response, relay.group(1) if relay else None


@pytest.fixture(scope="module")
def browser(client, accounts, idp, server):
    return Browser(client, accounts, idp)


def code_of(resp):
    """The code of a successful ACS answer: a 303 to the client's redirect URL."""
    assert resp.status == 303, resp
    location = resp.header("Location")
    assert location.startswith(REDIRECT_URL + "?code="), location
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    return query["code"][0], query.get("state", [None])[0]


def me_after(api, code):
    pair = assert_token_response(api.token(code))
    r = api.me(pair["accessToken"])
    assert r.status == 200, r
    return r.json


def refused(resp, server, reason):
    """401 SamlResponseInvalid, and the log line naming the reason."""
    assert_envelope(resp, 401, "SamlResponseInvalid")
    deadline = time.time() + 2
    while reason not in server.log_text() and time.time() < deadline:
        time.sleep(0.05)
    assert reason in server.log_text(), "log does not say %r" % reason


# ---- XML surgery for forged Responses ------------------------------------------------

def decode(saml_response):
    return minidom.parseString(base64.b64decode(saml_response))


def encode(doc_or_text):
    text = doc_or_text if isinstance(doc_or_text, str) else doc_or_text.toxml()
    return base64.b64encode(text.encode()).decode()


def first(doc, ns, name):
    return doc.getElementsByTagNameNS(ns, name)[0]


# ---- metadata and the start ---------------------------------------------------------

def test_metadata_names_entity_acs_and_signing_certificate(client, server, accounts):
    r = client.get("/auth/saml/metadata")
    assert r.status == 200, r
    assert r.header("Content-Type").startswith("application/samlmetadata+xml"), r
    doc = minidom.parseString(r.body)
    root = doc.documentElement
    assert root.getAttribute("entityID") == server.issuer + "/auth/saml/metadata"
    acs = first(doc, "urn:oasis:names:tc:SAML:2.0:metadata", "AssertionConsumerService")
    assert acs.getAttribute("Location") == server.issuer + "/auth/saml-redirect"
    sp = first(doc, "urn:oasis:names:tc:SAML:2.0:metadata", "SPSSODescriptor")
    assert sp.getAttribute("WantAssertionsSigned") == "true"
    cert = first(doc, DS, "X509Certificate").firstChild.data
    with open(os.path.join(accounts.workdir, "saml-sp.crt")) as f:
        assert cert == "".join(l.strip() for l in f if "-----" not in l)


def test_start_sends_a_signed_redirect_and_stores_the_request(browser, idp, backend):
    url = browser.authn_request_url()
    assert url.startswith(idp.base + "/saml/sso?"), url
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert q["SigAlg"] == ["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"], q
    assert set(q) >= {"SAMLRequest", "Signature"}, q
    rows = backend.query("SELECT client_id FROM saml_requests WHERE used_at IS NULL")
    assert ["web"] in rows, rows


def test_start_refuses_a_wrong_client_secret(browser):
    r = browser.start(secret="not-the-secret")
    assert_envelope(r, 401, "ClientVerificationFailed")


def test_idp_refuses_a_forged_authn_request_signature(browser):
    url = browser.authn_request_url()
    forged = re.sub(r"Signature=[^&]+", "Signature=" + urllib.parse.quote("A" * 344), url)
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(forged, timeout=10)
    assert e.value.code == 400


# ---- full flows ---------------------------------------------------------------------

def test_persistent_name_id_linked_with_the_cli_logs_in(browser, api, backend, idp, accounts):
    """A prepared link logs in an account that linking by e-mail never would."""
    for _ in range(2):
        code, _state = code_of(browser.acs(*browser.response(format="persistent")))
        assert me_after(api, code)["id"] == accounts["alice"].id
    rows = identity.links(backend, accounts["alice"].id)
    assert len(rows) == 1 and rows[0][0] == saml_provider(idp), rows
    assert re.match(r"^[0-9a-f]{40}$", rows[0][1]), rows  # the IdP's pairwise id


def test_mapped_names_leave_the_account_alone_by_default(browser, api, backend, accounts):
    """AuthsvcSamlUpdateProfile Off: the IdP's firstName/lastName (Alice Liddell) never
    replace alice's own (Alice, no last name); its groups are kept."""
    action, response, relay = browser.idp_login(
        browser.authn_request_url(relay="client-state-1"))
    code, state = code_of(browser.acs(action, response, relay))
    assert state == "client-state-1"
    me = me_after(api, code)
    assert me["username"] == "alice", me
    assert me["email"] == "alice@example.org"
    assert me["firstName"] == "Alice" and not me.get("lastName"), me
    assert me["groups"] == ["staff", "admins"], me
    assert identity.profile(backend, accounts["alice"].id)[2:4] == ("Alice", "")


def test_email_name_id_linked_with_the_cli_logs_in(browser, api):
    code, _state = code_of(browser.acs(*browser.response(username="ivy", format="email")))
    assert me_after(api, code)["username"] == "ivy"


def test_transient_name_id_logs_in_by_email_and_is_not_stored(browser, api, backend, accounts):
    """tess may be linked, but a transient NameID is never stored: every login is a
    match by e-mail under the rule."""
    for _ in range(2):
        code, _state = code_of(browser.acs(*browser.response(username="tess",
                                                             format="transient")))
        assert me_after(api, code)["username"] == "tess"
    rows = backend.query("SELECT external_id FROM user_credentials "
                         "WHERE substr(external_id, 1, 1) = '_'")
    assert rows == [], rows
    assert identity.links(backend, accounts["tess"].id) == []
    assert len(identity.activity(backend, accounts["tess"].id, "LINK")) == 2


def test_code_is_single_use_like_a_password_login_code(browser, api):
    code, _state = code_of(browser.acs(*browser.response()))
    assert_token_response(api.token(code))
    assert_envelope(api.token(code), 401, "CodeExpired")


def test_user_unknown_to_the_service_is_refused(browser, server):
    refused(browser.acs(*browser.response(username="mallory", format="transient")), server,
            "no user is linked")


# ---- linking by e-mail (README "Linking external identities") ----------------------

def link_refused(resp, server, backend, idp, user, reason):
    """401 IdentityLinkRefused, no link, a LINK_REFUSED row and a log line naming the
    reason (and no e-mail)."""
    assert_envelope(resp, 401, "IdentityLinkRefused")
    assert saml_provider(idp) not in [p for p, _subject in identity.links(backend, user.id)]
    rows = identity.activity(backend, user.id, "LINK_REFUSED")
    assert rows and rows[-1]["provider"] == saml_provider(idp), rows
    assert reason in rows[-1]["reason"], rows
    refused_line = "link by e-mail to user %s refused" % user.id
    deadline = time.time() + 2
    while refused_line not in server.log_text() and time.time() < deadline:
        time.sleep(0.05)
    line = [l for l in server.log_text().splitlines() if refused_line in l][-1]
    assert reason in line and "authsvc2101" in line and "@" not in line.split("refused")[0], line


def test_idp_user_with_an_admins_email_does_not_take_over_the_admin(browser, backend, server,
                                                                     accounts, idp):
    """Issue 14: eve's IdP account says erin@example.org (the IdP vouches for it); erin is
    a local administrator with a password. Refused; nothing of erin's changes."""
    erin = accounts["erin"]
    before = identity.profile(backend, erin.id)
    link_refused(browser.acs(*browser.response(username="eve")), server, backend, idp, erin,
                 "the account has a password; the account holds the protected role 'admin'")
    assert identity.profile(backend, erin.id) == before
    assert identity.links(backend, erin.id) == []


def test_first_link_of_an_account_without_password_identity_or_protected_role(
        browser, api, backend, server, accounts, idp):
    sam = accounts["sam"]
    code, _state = code_of(browser.acs(*browser.response(username="sam")))
    assert me_after(api, code)["id"] == sam.id
    name_id = idp.persistent_name_id("sam", server.issuer + "/auth/saml/metadata")
    assert identity.links(backend, sam.id) == [(saml_provider(idp), name_id)]
    rows = identity.activity(backend, sam.id, "LINK")
    assert len(rows) == 1 and rows[0]["provider"] == saml_provider(idp), rows
    assert "linked by e-mail to user %s" % sam.id in server.log_text()
    # the IdP's names (Sam-idp Idp) did not replace sam's own
    assert identity.profile(backend, sam.id)[2:4] == ("Sam", "")
    code, _state = code_of(browser.acs(*browser.response(username="sam")))  # by the link now
    assert me_after(api, code)["id"] == sam.id
    assert len(identity.activity(backend, sam.id, "LINK")) == 1


def test_account_with_a_password_is_not_linked(browser, backend, server, accounts, idp):
    link_refused(browser.acs(*browser.response(username="pat")), server, backend, idp,
                 accounts["pat"], "the account has a password")


def test_account_with_a_protected_role_is_not_linked(browser, backend, server, accounts, idp):
    link_refused(browser.acs(*browser.response(username="priya")), server, backend, idp,
                 accounts["priya"], "the account holds the protected role 'admin'")


def test_account_linked_to_another_identity_is_not_linked(browser, backend, server, accounts,
                                                          idp):
    link_refused(browser.acs(*browser.response(username="kim")), server, backend, idp,
                 accounts["kim"], "the account is linked to another identity")
    assert identity.links(backend, accounts["kim"].id) == [("keycloak", "kim-at-keycloak")]


# ---- T-41: replay, audience, recipient, expiry, InResponseTo, unsolicited ------------

def test_replayed_response_is_refused(browser, server):
    action, response, relay = browser.response()
    code_of(browser.acs(action, response, relay))
    refused(browser.acs(action, response, relay), server, "answered already")


def test_response_through_another_browser_is_refused(browser, server):
    """docs/design.md section 8: the Response must come back through the browser that started."""
    action, response, relay = browser.response()
    own = browser.cookie
    browser.cookie = None                     # no cookie at all
    refused(browser.acs(action, response, relay), server, "another browser")
    browser.response()                        # another login's cookie
    refused(browser.acs(action, response, relay), server, "another browser")
    browser.cookie = own                      # refused attempts did not use the request up
    code_of(browser.acs(action, response, relay))


def test_wrong_audience_is_refused(browser, server):
    refused(browser.acs(*browser.response(audience="https://other-sp.example/")), server,
            "Audience is not this service provider")


def test_wrong_recipient_is_refused(browser, server):
    refused(browser.acs(*browser.response(recipient="https://other-sp.example/acs")), server,
            "Recipient is not this service's ACS")


def test_expired_assertion_is_refused(browser, server):
    refused(browser.acs(*browser.response(lifetime="-600")), server, "expired")


def test_unknown_in_response_to_is_refused(browser, server):
    refused(browser.acs(*browser.response(in_response_to="_" + "ab" * 16)), server,
            "InResponseTo names no AuthnRequest")


def test_response_for_another_client_is_refused(browser, server):
    action, response, relay = browser.response()
    refused(browser.acs(action, response, relay, query="client=other"), server,
            "request of another client")


def test_unsolicited_response_is_refused_when_idp_initiated_is_off(browser, server, idp):
    page = urllib.request.urlopen(
        idp.base + "/saml/idp-initiated?" + urllib.parse.urlencode(
            {"sp": server.issuer + "/auth/saml/metadata", "username": "alice"}), timeout=10)
    action, response, relay = auto_post(page.read().decode())
    refused(browser.acs(action, response, relay, query="client=web"), server,
            "IdP-initiated logins are off")


# ---- T-40, T-42, T-44: signatures ----------------------------------------------------

def test_unsigned_response_is_refused(browser, server):
    refused(browser.acs(*browser.response(sign="none")), server, "the Assertion is not signed")


def test_signed_response_with_unsigned_assertion_is_refused(browser, server):
    refused(browser.acs(*browser.response(sign="response")), server,
            "the Assertion is not signed")


def test_signed_assertion_in_unsigned_response_is_accepted(browser, api):
    code, _state = code_of(browser.acs(*browser.response(sign="assertion")))
    assert me_after(api, code)["username"] == "alice"


def test_sha1_signatures_are_refused(browser, server):
    refused(browser.acs(*browser.response(alg="sha1")), server, "weaker than SHA-256")


def test_tampered_name_id_is_refused(browser, server):
    action, response, relay = browser.response(sign="assertion", format="email")
    doc = decode(response)
    first(doc, SAML, "NameID").firstChild.data = "bob@example.org"
    refused(browser.acs(action, encode(doc), relay), server, "verify signature")


def test_wrapped_assertion_in_extensions_is_refused(browser, server):
    """XSW: the signed Assertion hidden in Extensions, a forged one in its place."""
    action, response, relay = browser.response(format="email")
    doc = decode(response)
    root = doc.documentElement
    signed = first(doc, SAML, "Assertion")
    forged = signed.cloneNode(True)
    forged.setAttribute("ID", "_forged")
    forged.removeChild(first(forged, DS, "Signature"))
    first(forged, SAML, "NameID").firstChild.data = "bob@example.org"
    ext = doc.createElementNS(SAMLP, "samlp:Extensions")
    root.replaceChild(forged, signed)
    ext.appendChild(signed)
    root.insertBefore(ext, first(doc, SAMLP, "Status"))
    refused(browser.acs(action, encode(doc), relay), server, "not exactly one Assertion")


def test_second_unsigned_assertion_is_refused(browser, server):
    """XSW: a forged Assertion next to the signed one."""
    action, response, relay = browser.response(format="email")
    doc = decode(response)
    signed = first(doc, SAML, "Assertion")
    forged = signed.cloneNode(True)
    forged.setAttribute("ID", "_forged2")
    forged.removeChild(first(forged, DS, "Signature"))
    doc.documentElement.insertBefore(forged, signed)
    refused(browser.acs(action, encode(doc), relay), server, "not exactly one Assertion")


def test_assertion_signature_referencing_another_element_is_refused(browser, server, idp):
    """XSW: the Assertion's signature made over a different ID (re-signed with the IdP key)."""
    action, response, relay = browser.response(format="email")
    doc = decode(response)
    assertion = first(doc, SAML, "Assertion")
    ref = first(assertion, DS, "Reference")
    ref.setAttribute("URI", "#" + doc.documentElement.getAttribute("ID"))
    refused(browser.acs(action, encode(doc), relay), server, "Reference is not its own parent")


def test_comment_in_a_validly_signed_name_id_is_refused(browser, server, idp):
    """T-42: admin@corp.example<!---->.evil.example, signed again with the IdP's key."""
    action, response, relay = browser.response(format="email")
    text = base64.b64decode(response).decode()
    text = re.sub(r"(<saml:NameID[^>]*>)[^<]*", r"\1admin@corp.example<!---->.evil.example", text)
    resigned = idp.resign(text)
    refused(browser.acs(action, encode(resigned), relay), server, "comment")


# ---- T-43: DOCTYPE, external entities, billion laughs --------------------------------

def test_doctype_with_external_entity_is_refused_fast(browser, server):
    action, response, relay = browser.response()
    xml = base64.b64decode(response).decode()
    if xml.startswith("<?xml"):
        xml = xml.split("?>", 1)[1]
    xml = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>' + xml
    t = time.time()
    refused(browser.acs(action, encode(xml), relay), server, "DOCTYPE")
    assert time.time() - t < 2


def test_billion_laughs_is_refused_fast(browser, server):
    lol = "".join('<!ENTITY l%d "&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;">'
                  % ((i,) + (i - 1,) * 10) for i in range(1, 10))
    xml = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY l0 "lol">%s]>'
           '<samlp:Response xmlns:samlp="%s">&l9;</samlp:Response>' % (lol, SAMLP))
    t = time.time()
    refused(browser.acs("/auth/saml-redirect", encode(xml)), server, "DOCTYPE")
    assert time.time() - t < 2


@pytest.mark.parametrize("value", ["not base64 at all!", base64.b64encode(b"<a>").decode(),
                                   base64.b64encode(b"\xff\xfe<\x00").decode()])
def test_garbage_is_refused(browser, server, value):
    refused(browser.acs("/auth/saml-redirect", value), server, "SAML Response refused")


def test_error_log_holds_reasons_but_no_assertion_content(server):
    log = server.log_text()
    assert "SAML Response refused" in log
    for secret in ("alice@example.org", "Liddell", "bob@example.org", "evil.example",
                   "erin@example.org", "sam@example.org", "Intruder"):
        assert secret not in log, secret
    server.assert_no_crash()


# ---- IdP-initiated logins, and the replay cache they need ----------------------------

@pytest.fixture(scope="module")
def idp_initiated(backend, accounts, idp):
    """IdP-initiated logins on; also an IdP that vouches for e-mail and a list of
    protected roles that names staff only."""
    srv = run_server(backend, "test_saml_idp-%s" % backend.kind,
                     saml_config(accounts, idp, "AuthsvcSamlIdpInitiated On",
                                 "AuthsvcSamlIdpVouchesEmail On",
                                 'AuthsvcLinkProtectedRoles staff "no such role"'), idp)
    yield srv
    srv.stop(check=True)
    srv.cleanup()


def unsolicited(idp, srv, username="alice", **knobs):
    """An IdP-initiated Response (an e-mail NameID unless knobs say otherwise)."""
    page = urllib.request.urlopen(idp.base + "/saml/idp-initiated?" + urllib.parse.urlencode(
        dict(knobs, sp=srv.issuer + "/auth/saml/metadata", username=username)), timeout=10)
    return auto_post(page.read().decode())


def test_idp_initiated_login_and_its_replay(idp_initiated, idp, accounts):
    c = HttpClient("127.0.0.1", idp_initiated.port)
    b = Browser(c, accounts, idp)
    action, response, relay = unsolicited(idp, idp_initiated, "ivy")
    code, _state = code_of(b.acs(action, response, relay, query="client=web"))
    assert me_after(Api(c, accounts), code)["username"] == "ivy"
    refused(b.acs(action, response, relay, query="client=web"), idp_initiated,
            "used before (replay)")


def test_protected_roles_are_the_ones_the_directive_names(idp_initiated, idp, backend,
                                                          accounts):
    """AuthsvcLinkProtectedRoles staff: tess (staff) is refused, priya (admin, which grants
    a permission but is not listed) is linked."""
    c = HttpClient("127.0.0.1", idp_initiated.port)
    b = Browser(c, accounts, idp)
    link_refused(b.acs(*b.response(username="tess", format="transient")), idp_initiated,
                 backend, idp, accounts["tess"], "the account holds the protected role 'staff'")
    code, _state = code_of(b.acs(*b.response(username="priya")))
    assert me_after(Api(c, accounts), code)["username"] == "priya"
    assert [p for p, _subject in identity.links(backend, accounts["priya"].id)] == [
        saml_provider(idp)]


def test_idp_initiated_without_a_client_is_refused(idp_initiated, idp, accounts):
    b = Browser(HttpClient("127.0.0.1", idp_initiated.port), accounts, idp)
    refused(b.acs(*unsolicited(idp, idp_initiated)), idp_initiated, "names no client")


# ---- an IdP that does not vouch for e-mail; AuthsvcSamlUpdateProfile On -------------

@pytest.fixture(scope="module")
def unvouched(backend, accounts, idp):
    srv = run_server(backend, "test_saml_unvouched-%s" % backend.kind,
                     saml_config(accounts, idp, "AuthsvcSamlUpdateProfile On"), idp)
    yield srv
    srv.stop(check=True)
    srv.cleanup()


def test_email_the_idp_does_not_vouch_for_links_no_account(unvouched, idp, backend, accounts):
    """una could be linked (no password, no identity, role staff), but this IdP is not
    configured as vouching for the e-mail it sends."""
    b = Browser(HttpClient("127.0.0.1", unvouched.port), accounts, idp)
    link_refused(b.acs(*b.response(username="una")), unvouched, backend, idp, accounts["una"],
                 "the provider does not vouch for the e-mail")


def test_update_profile_on_copies_the_mapped_names(unvouched, idp, backend, accounts):
    c = HttpClient("127.0.0.1", unvouched.port)
    b = Browser(c, accounts, idp)
    ivy = accounts["ivy"]
    assert identity.profile(backend, ivy.id)[2:4] == ("Ivy", "")
    code, _state = code_of(b.acs(*b.response(username="ivy", format="email")))
    me = me_after(Api(c, accounts), code)
    assert (me["firstName"], me["lastName"]) == ("Ivy-idp", "Idp"), me
    assert me["groups"] == ["idp-group"], me


def test_saml_routes_without_configuration_answer_400(backend):
    """A vhost without SAML directives: the routes exist but say so (never 404 or 5xx)."""
    srv = SamlHttpd(backend, "test_saml_off-%s" % backend.kind, [])
    srv.start()
    try:
        c = HttpClient("127.0.0.1", srv.port)
        assert_envelope(c.get("/auth/saml/metadata"), 400, "SamlNotConfigured")
        assert_envelope(c.post_form("/auth/saml", "client_id=web&client_secret=x"), 400,
                        "SamlNotConfigured")
        assert_envelope(c.post_form("/auth/saml-redirect", "SAMLResponse=PGEvPg%3D%3D"), 400,
                        "SamlNotConfigured")
    finally:
        srv.stop(check=True)
        srv.cleanup()
