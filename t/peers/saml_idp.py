"""A SAML 2.0 Identity Provider on loopback for the integration tests, written with
Lasso's own Python binding (Debian's python3-lasso), so the module talks to a second,
independent SAML stack over real HTTP.

  idp = SamlIdp(workdir, users).start()      # keys, metadata, HTTP server on 127.0.0.1
  idp.metadata_path                          # for AuthsvcSamlIdpMetadata
  idp.add_sp(sp_metadata_xml)                # the module's GET /auth/saml/metadata

Endpoints:
  GET  /saml/sso?SAMLRequest=...&SigAlg=...&Signature=...   HTTP-Redirect AuthnRequest
  POST /saml/sso  SAMLRequest=...                           HTTP-POST AuthnRequest
       -> 200 login form (hidden field "ticket"); an unsigned or forged request -> 400
  POST /saml/login  ticket, username, password [, knobs]    -> 200 auto-POST form to the
       SP's ACS with SAMLResponse and RelayState; wrong password -> 401
  GET  /saml/idp-initiated?sp=ENTITY&username=U&acs=URL     -> an unsolicited Response

Knobs (form fields of /saml/login, query of /saml/idp-initiated), so tests can ask for
broken answers a real IdP would never send:
  sign=both|response|assertion|none   what is signed (default both)
  alg=sha256|sha1            signature and digest algorithm (default sha256)
  audience=URI               Audience instead of the SP's entity id
  recipient=URL              Recipient of the SubjectConfirmationData
  lifetime=SECONDS           NotOnOrAfter relative to now (negative: already expired)
  in_response_to=ID          InResponseTo instead of the request's ID
  format=email|persistent|transient   the NameID format sent, whatever was asked
"""
import base64
import hashlib
import hmac
import html
import http.server
import os
import secrets
import subprocess
import threading
import time
import traceback
import urllib.parse

import lasso
from xml.dom import minidom

NAMEID_FORMATS = {
    "email": lasso.SAML2_NAME_IDENTIFIER_FORMAT_EMAIL,
    "persistent": lasso.SAML2_NAME_IDENTIFIER_FORMAT_PERSISTENT,
    "transient": lasso.SAML2_NAME_IDENTIFIER_FORMAT_TRANSIENT,
}
ALGS = {
    "sha256": lasso.SIGNATURE_METHOD_RSA_SHA256,
    "sha1": lasso.SIGNATURE_METHOD_RSA_SHA1,
}
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
AZURE_EMAIL = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"


def make_key_pair(workdir, name):
    """A self-signed RSA-2048 certificate and its key: (key_path, cert_path)."""
    key = os.path.join(workdir, name + ".key")
    cert = os.path.join(workdir, name + ".crt")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=" + name],
                   check=True, capture_output=True)
    os.chmod(key, 0o644)  # httpd reads the SP key as root at startup; tests only
    return key, cert


def _cert_body(cert_path):
    with open(cert_path) as f:
        lines = [line.strip() for line in f if line.strip() and "-----" not in line]
    return "".join(lines)


class SamlIdp:
    def __init__(self, workdir, users, host="127.0.0.1"):
        """users: {username: {"password", "email", "firstName", "lastName", "groups"}}"""
        self.workdir = workdir
        self.users = users
        self.host = host
        self.key_path, self.cert_path = make_key_pair(workdir, "saml-idp")
        self.persistent_secret = secrets.token_bytes(16)
        self.pending = {}     # ticket -> Lasso login dump
        self.sp_metadata = []
        self.lock = threading.Lock()
        self.httpd = http.server.ThreadingHTTPServer((host, 0), _Handler)
        self.httpd.idp = self
        self.port = self.httpd.server_address[1]
        self.base = "http://%s:%d" % (host, self.port)
        self.entity_id = self.base + "/saml/metadata"
        self.metadata_path = os.path.join(workdir, "saml-idp-metadata.xml")
        with open(self.metadata_path, "w") as f:
            f.write(self.metadata())
        self.thread = None

    # ---- setup -------------------------------------------------------------------

    def metadata(self):
        cert = _cert_body(self.cert_path)
        sso = self.base + "/saml/sso"
        return (
            '<?xml version="1.0"?>\n'
            '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
            'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="%s">\n'
            ' <md:IDPSSODescriptor WantAuthnRequestsSigned="true" '
            'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">\n'
            '  <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>'
            '%s</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\n'
            '  <md:NameIDFormat>%s</md:NameIDFormat>\n'
            '  <md:NameIDFormat>%s</md:NameIDFormat>\n'
            '  <md:NameIDFormat>%s</md:NameIDFormat>\n'
            '  <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
            'Location="%s"/>\n'
            '  <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
            'Location="%s"/>\n'
            ' </md:IDPSSODescriptor>\n'
            '</md:EntityDescriptor>\n') % (self.entity_id, cert, NAMEID_FORMATS["email"],
                                           NAMEID_FORMATS["persistent"],
                                           NAMEID_FORMATS["transient"], sso, sso)

    def add_sp(self, sp_metadata):
        with self.lock:
            self.sp_metadata.append(sp_metadata)

    def start(self):
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def _server(self, alg="sha256"):
        server = lasso.Server.newFromBuffers(self.metadata(), open(self.key_path).read(),
                                             None, open(self.cert_path).read())
        server.signatureMethod = ALGS[alg]
        with self.lock:
            for md in self.sp_metadata:
                server.addProviderFromBuffer(lasso.PROVIDER_ROLE_SP, md)
        return server

    # ---- the protocol --------------------------------------------------------------

    def receive_request(self, method, message):
        """Checks an AuthnRequest (query string or POSTed SAMLRequest) and keeps it
        for the login form; returns the ticket."""
        login = lasso.Login(self._server())
        login.processAuthnRequestMsg(message)   # raises on unsigned / forged requests
        ticket = secrets.token_urlsafe(16)
        with self.lock:
            self.pending[ticket] = (login.dump(), login.msgRelayState)
        return ticket

    def persistent_name_id(self, username, sp_entity):
        """The pairwise NameID this IdP sends the SP sp_entity for username (what an
        administrator would read in the IdP's console)."""
        return hmac.new(self.persistent_secret, (sp_entity + "|" + username).encode(),
                        hashlib.sha256).hexdigest()[:40]

    def _name_id(self, username, fmt, sp_entity):
        user = self.users[username]
        if fmt == NAMEID_FORMATS["persistent"]:
            return self.persistent_name_id(username, sp_entity)
        if fmt == NAMEID_FORMATS["transient"]:
            return "_" + secrets.token_hex(16)
        return user["email"]

    def _attributes(self, username):
        user = self.users[username]
        attrs = [("email", [user["email"]]), ("firstName", [user["firstName"]]),
                 ("lastName", [user["lastName"]]),
                 ("displayName", [user["firstName"] + " " + user["lastName"]]),
                 ("groups", list(user.get("groups", []))), (AZURE_EMAIL, [user["email"]])]
        statement = lasso.Saml2AttributeStatement()
        out = []
        for name, values in attrs:
            attribute = lasso.Saml2Attribute()
            attribute.name = name
            attribute.nameFormat = lasso.SAML2_ATTRIBUTE_NAME_FORMAT_BASIC
            nodes = []
            for v in values:
                value = lasso.Saml2AttributeValue()
                text = lasso.MiscTextNode.newWithString(v)
                text.textChild = True
                value.any = (text,)
                nodes.append(value)
            attribute.attributeValue = tuple(nodes)
            out.append(attribute)
        statement.attribute = tuple(out)
        return statement

    def _respond(self, login, username, knobs):
        """Builds, signs and posts the Response for an authenticated user."""
        now = time.time()
        lifetime = int(knobs.get("lifetime", "300"))
        fmt_instant = lambda t: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
        login.buildAssertion(lasso.SAML2_AUTHN_CONTEXT_PASSWORD, fmt_instant(now), None,
                             fmt_instant(now - 60), fmt_instant(now + lifetime))
        assertion = login.response.assertion[0]
        sp_entity = login.remoteProviderId
        fmt = login.request.nameIdPolicy.format if login.request and \
            login.request.nameIdPolicy and login.request.nameIdPolicy.format else \
            NAMEID_FORMATS["email"]
        if fmt not in NAMEID_FORMATS.values():
            fmt = NAMEID_FORMATS["email"]
        if "format" in knobs:  # an IdP may send another format than the one asked for
            fmt = NAMEID_FORMATS[knobs["format"]]
        name_id = lasso.Saml2NameID()
        name_id.content = self._name_id(username, fmt, sp_entity)
        name_id.format = fmt
        assertion.subject.nameID = name_id
        assertion.attributeStatement = (self._attributes(username),)
        data = assertion.subject.subjectConfirmation.subjectConfirmationData
        data.notOnOrAfter = fmt_instant(now + lifetime)
        if "in_response_to" in knobs:
            data.inResponseTo = knobs["in_response_to"]
            login.response.inResponseTo = knobs["in_response_to"]
        if "audience" in knobs:
            assertion.conditions.audienceRestriction[0].audience = knobs["audience"]
        login.setSignatureHint(lasso.PROFILE_SIGNATURE_HINT_FORCE)
        login.buildAuthnResponseMsg()
        body = login.msgBody
        if "recipient" in knobs:  # Lasso writes the ACS URL itself: edit, then sign again
            doc = minidom.parseString(base64.b64decode(body))
            doc.getElementsByTagNameNS(SAML, "SubjectConfirmationData")[0].setAttribute(
                "Recipient", knobs["recipient"])
            body = base64.b64encode(self.resign(doc.toxml()).encode()).decode()
        body = self._strip_signatures(body, knobs.get("sign", "both"))
        return login.msgUrl, body, login.msgRelayState

    def _strip_signatures(self, body, sign):
        """Lasso signs both the Response and the Assertion: sign=response removes the
        Assertion's signature (and signs the Response again with xmlsec1),
        sign=assertion the Response's, sign=none both."""
        if sign == "both":
            return body
        doc = minidom.parseString(base64.b64decode(body))
        response = doc.documentElement
        assertion = doc.getElementsByTagNameNS(SAML, "Assertion")[0]
        for parent, keep in ((assertion, sign == "assertion"), (response, sign == "response")):
            for sig in [n for n in parent.childNodes if n.localName == "Signature"]:
                if not keep:
                    parent.removeChild(sig)
        xml = doc.toxml()
        if sign == "response":
            xml = self.resign(xml, ("response",))
        return base64.b64encode(xml.encode()).decode()

    def resign(self, xml, which=("assertion", "response")):
        """Computes the named Signature elements again with xmlsec1 and the IdP's key,
        inner first: what a tampering IdP-key holder would send."""
        xpaths = {"assertion": "//*[local-name()='Assertion']/*[local-name()='Signature']",
                  "response": "/*/*[local-name()='Signature']"}
        for part in which:
            path = os.path.join(self.workdir, "resign-%s.xml" % secrets.token_hex(4))
            with open(path, "w") as f:
                f.write(xml)
            out = subprocess.run(
                ["xmlsec1", "--sign", "--privkey-pem", self.key_path,
                 "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:protocol:Response",
                 "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
                 "--node-xpath", xpaths[part], path], check=True, capture_output=True)
            os.unlink(path)
            xml = out.stdout.decode()
        return xml

    def login(self, ticket, username, password, knobs):
        """(acs_url, SAMLResponse, RelayState), or None for wrong credentials."""
        user = self.users.get(username)
        if not user or not hmac.compare_digest(user["password"], password):
            return None
        with self.lock:
            dump, relay = self.pending.pop(ticket)
        login = lasso.Login.newFromDump(self._server(knobs.get("alg", "sha256")), dump)
        login.msgRelayState = relay
        login.validateRequestMsg(True, True)
        return self._respond(login, username, knobs)

    def idp_initiated(self, sp_entity, username, knobs):
        login = lasso.Login(self._server(knobs.get("alg", "sha256")))
        login.initIdpInitiatedAuthnRequest(sp_entity)
        login.request.nameIdPolicy.format = NAMEID_FORMATS[knobs.get("format", "email")]
        login.request.nameIdPolicy.allowCreate = True
        login.request.protocolBinding = lasso.SAML2_METADATA_BINDING_POST
        login.processAuthnRequestMsg(None)
        login.validateRequestMsg(True, True)
        url, body, relay = self._respond(login, username, knobs)
        return knobs.get("acs", url), body, relay


def auto_post_form(url, response, relay):
    fields = '<input type="hidden" name="SAMLResponse" value="%s"/>' % html.escape(response)
    if relay:
        fields += '<input type="hidden" name="RelayState" value="%s"/>' % html.escape(relay)
    return ('<html><body onload="document.forms[0].submit()">'
            '<form method="post" action="%s">%s</form></body></html>'
            % (html.escape(url), fields))


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def _send(self, status, text, ctype="text/html; charset=utf-8"):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _form(self):
        length = int(self.headers.get("Content-Length", "0"))
        return dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))

    def _login_form(self, ticket):
        return self._send(200, '<form method="post" action="/saml/login">'
                          '<input type="hidden" name="ticket" value="%s"/>'
                          '<input name="username"/><input name="password" type="password"/>'
                          '</form>' % ticket)

    def do_GET(self):
        idp = self.server.idp
        path, _, query = self.path.partition("?")
        try:
            if path == "/saml/metadata":
                return self._send(200, idp.metadata(), "application/samlmetadata+xml")
            if path == "/saml/sso":
                return self._login_form(idp.receive_request("GET", query))
            if path == "/saml/idp-initiated":
                q = dict(urllib.parse.parse_qsl(query))
                url, body, relay = idp.idp_initiated(q.pop("sp"), q.pop("username"), q)
                return self._send(200, auto_post_form(url, body, relay))
        except lasso.Error as e:
            return self._send(400, "lasso: %s" % e.__class__.__name__)
        except Exception:  # a bug of the peer: say so instead of hanging up
            return self._send(500, traceback.format_exc(), "text/plain")
        return self._send(404, "not found")

    def do_POST(self):
        idp = self.server.idp
        form = self._form()
        try:
            if self.path == "/saml/sso":
                message = form.get("SAMLRequest", "")
                ticket = idp.receive_request("POST", message)
                with idp.lock:
                    dump, _ = idp.pending[ticket]
                    idp.pending[ticket] = (dump, form.get("RelayState"))
                return self._login_form(ticket)
            if self.path == "/saml/login":
                ticket = form.pop("ticket", "")
                username = form.pop("username", "")
                password = form.pop("password", "")
                answer = idp.login(ticket, username, password, form)
                if answer is None:
                    return self._send(401, "wrong username or password")
                return self._send(200, auto_post_form(*answer))
        except lasso.Error as e:
            return self._send(400, "lasso: %s" % e.__class__.__name__)
        except Exception:  # a bug of the peer: say so instead of hanging up
            return self._send(500, traceback.format_exc(), "text/plain")
        return self._send(404, "not found")
