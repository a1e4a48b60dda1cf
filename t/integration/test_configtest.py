"""Configuration mistakes that `apache2 -t` (configtest) reports before the first request,
each naming the directive, its file and line or the fix; a configuration that passes
configtest starts and survives a graceful restart; vhosts without DBD directives start
without mod_dbd's AH02653 warnings. SQLite only: none of this depends on the dialect
(the database checks open it with the same code for both)."""
import http.client
import os
import shutil
import signal
import subprocess
import time

import pytest

from harness import util
from harness.accounts import provisioned
from harness.database import make_database
from harness.httpd import HttpdServer


@pytest.fixture(scope="module")
def backend():
    db = make_database("sqlite", "configtest")
    db.admin().migrate()
    yield db
    db.remove()


@pytest.fixture(scope="module")
def accounts(backend):
    with provisioned(backend) as acc:
        yield acc


def configtest(db, name, extra=(), tail=()):
    srv = HttpdServer(db, "configtest-%s" % name, list(extra), tail_config=list(tail))
    try:
        rc, out = srv.configtest()
        LINES[srv.conf_path] = srv.config_text().splitlines()
        return rc, out, srv.conf_path
    finally:
        srv.cleanup()


def assert_fails(result, *needles):
    rc, out, _conf = result
    assert rc != 0, "configtest passed:\n%s" % out
    assert "Syntax OK" not in out, out
    for needle in needles:
        assert needle in out, "no %r in:\n%s" % (needle, out)


LINES = {}  # config path -> its lines, kept after cleanup() removed the file


def line_of(conf, text):
    for number, line in enumerate(LINES[conf], 1):
        if text in line:
            return number
    raise AssertionError("%r not in %s" % (text, conf))


def templates_without(tmp_path, missing):
    """A copy of conf/templates without the file `missing`."""
    d = str(tmp_path / "templates")
    shutil.copytree(os.path.join(util.REPO, "conf", "templates"), d)
    os.remove(os.path.join(d, missing))
    return d


def mail_lines(accounts, templates):
    return accounts.httpd_config() + [
        "AuthsvcMailServer smtp://127.0.0.1:9",
        'AuthsvcMailFrom noreply@example.test "Example"',
        'AuthsvcMailTemplates "%s"' % templates]


def test_missing_otp_template_fails_configtest(backend, accounts, tmp_path):
    r = configtest(backend, "otp-template",
                   mail_lines(accounts, templates_without(tmp_path, "otp.txt")))
    assert_fails(r, "otp", "AuthsvcMailTemplates")


def test_missing_template_directory_fails_configtest(backend, accounts, tmp_path):
    r = configtest(backend, "no-templates", mail_lines(accounts, str(tmp_path / "nowhere")))
    assert_fails(r, "AuthsvcMailTemplates")


def test_missing_signing_key_file_names_directive_file_and_line(backend, tmp_path):
    missing = str(tmp_path / "absent.pem")
    rc, out, conf = configtest(backend, "no-key-file", ['AuthsvcSigningKey "%s"' % missing])
    assert_fails((rc, out, conf), "AuthsvcSigningKey", missing,
                 "line %d of %s" % (line_of(conf, "AuthsvcSigningKey"), conf))


def test_sign_up_naming_a_missing_tenant_or_role_fails_configtest(backend, accounts):
    templates = os.path.join(util.REPO, "conf", "templates")
    r = configtest(backend, "signup-tenant",
                   mail_lines(accounts, templates) + ["AuthsvcSignUp nosuch member web"])
    assert_fails(r, "AuthsvcSignUp nosuch member: there is no tenant nosuch")
    r = configtest(backend, "signup-role",
                   mail_lines(accounts, templates) + ["AuthsvcSignUp t2 nosuchrole web"])
    assert_fails(r, "AuthsvcSignUp t2 nosuchrole: tenant t2 has no role nosuchrole")
    ok = configtest(backend, "signup-ok",
                    mail_lines(accounts, templates) + ["AuthsvcSignUp t2 member web"])
    assert ok[0] == 0 and "Syntax OK" in ok[1], ok[1]


def test_incomplete_social_provider_fails_configtest(backend, accounts):
    r = configtest(backend, "social", accounts.httpd_config() + [
        "AuthsvcSocialProvider google client_id authsvc-google"])
    assert_fails(r, "provider google", "is required")


def test_saml_key_without_idp_metadata_fails_configtest(backend, accounts, tmp_path):
    key, cert = str(tmp_path / "sp.key"), str(tmp_path / "sp.crt")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "2", "-subj", "/CN=sp.example.test"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    r = configtest(backend, "saml", accounts.httpd_config() + [
        'AuthsvcSamlSigningKey "%s" "%s"' % (key, cert)])
    assert_fails(r, "SAML needs both AuthsvcSamlSigningKey and AuthsvcSamlIdpMetadata")


def test_gateway_cache_provider_not_loaded_fails_configtest(backend, accounts):
    r = configtest(backend, "cache", accounts.httpd_config() + [
        "AuthsvcGatewayCache memcache:127.0.0.1:11211"])
    assert_fails(r, "AuthsvcGatewayCache memcache:127.0.0.1:11211",
                 "LoadModule socache_memcache_module")


def test_gateway_vhost_without_keys_fails_configtest(backend, accounts):
    """The keys are in the API vhost only; the gateway vhost cannot verify a token."""
    tail = ["<VirtualHost 127.0.0.1:*>",
            "    ServerName api.example.test",
            '    AuthsvcSigningKey "%s"' % accounts.key_path,
            "</VirtualHost>",
            "<VirtualHost 127.0.0.1:*>",
            "    ServerName app.example.test",
            "    <Location /app>",
            "        AuthType authsvc",
            "    </Location>",
            "</VirtualHost>"]
    rc, out, conf = configtest(backend, "gateway-keys", tail=tail)
    assert_fails((rc, out, conf), "AuthType authsvc (%s:%d)" % (conf, line_of(conf, "AuthType")),
                 "AuthsvcGatewayJWKSFile")


def test_browser_gateway_without_database_fails_configtest(backend, accounts):
    tail = ["<VirtualHost 127.0.0.1:*>",
            "    ServerName app.example.test",
            "    AuthsvcDatabase Off",
            '    AuthsvcSigningKey "%s"' % accounts.key_path,
            "    <Location /app>",
            "        AuthType authsvc",
            "        AuthsvcGatewayMode browser",
            "    </Location>",
            "</VirtualHost>"]
    rc, out, conf = configtest(backend, "gateway-db", tail=tail)
    assert_fails((rc, out, conf), "AuthsvcGatewayMode browser (%s:%d)"
                 % (conf, line_of(conf, "AuthsvcGatewayMode")), "AuthsvcDatabase Off")


def test_wrong_sqlite_path_fails_configtest(accounts, tmp_path):
    db = make_database("sqlite", "configtest-wrong-path")
    try:
        db.path = os.path.join(db.dbdir, "typo.db")  # params: a file that is not there
        assert_fails(configtest(db, "wrong-path", accounts.httpd_config()),
                     "typo.db does not exist", "DBDParams")
    finally:
        db.remove()


def test_database_not_migrated_fails_configtest_saying_migrate(accounts):
    db = make_database("sqlite", "configtest-unmigrated")
    try:
        # an empty database file, made by the User as httpd would find it
        db.query("CREATE TABLE placeholder (x INTEGER)")
        assert_fails(configtest(db, "unmigrated", accounts.httpd_config()),
                     "schema version 0", "authsvc-admin migrate")
    finally:
        db.remove()


@pytest.mark.skipif(not util.IS_ROOT, reason="httpd changes to User only when started by root")
def test_sqlite_directory_not_writable_by_user_says_which_chown(accounts):
    db = make_database("sqlite", "configtest-owner")
    try:
        db.admin().migrate()
        os.chown(db.dbdir, 0, 0)
        assert_fails(configtest(db, "owner", accounts.httpd_config()),
                     "not writable by the User %s" % util.HTTPD_USER,
                     "chown %s %s" % (util.HTTPD_USER, db.dbdir))
    finally:
        db.remove()


@pytest.mark.skipif(not util.IS_ROOT, reason="httpd changes to User only when started by root")
def test_sqlite_file_read_only_for_its_owner_says_chmod(accounts):
    db = make_database("sqlite", "configtest-mode")
    try:
        db.admin().migrate()
        os.chmod(db.path, 0o444)
        assert_fails(configtest(db, "mode", accounts.httpd_config()),
                     "%s is not writable by the User" % db.path, "chmod u+w %s" % db.path)
    finally:
        db.remove()


def test_api_without_signing_key_warns_in_configtest(backend):
    rc, out, conf = configtest(backend, "api-no-key")
    assert rc == 0, out
    assert "SetHandler authsvc (%s:%d)" % (conf, line_of(conf, "SetHandler authsvc")) in out, out
    assert "set AuthsvcSigningKey" in out, out


class UnreachableDatabase:
    """PostgreSQL parameters of a port nobody listens on."""
    kind = "pgsql"
    driver = "pgsql"

    def __init__(self):
        self.params = ("host=127.0.0.1 port=%d dbname=authsvc user=authsvc connect_timeout=2"
                       % util.free_port())


def test_unreachable_database_is_a_warning_not_a_failure(accounts):
    rc, out, _conf = configtest(UnreachableDatabase(), "unreachable", accounts.httpd_config())
    assert rc == 0 and "Syntax OK" in out, out
    assert "cannot be reached now" in out and "starting anyway" in out, out
    # libpq's message on the line itself, not escaped line breaks
    line = next(l for l in out.splitlines() if "authsvc2703" in l)
    assert "Connection refused" in line and "\\n" not in line and "\\t" not in line, line


def ready_status(port, host):
    """GET /authsvc/health/ready with this Host header: its status."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.putrequest("GET", "/authsvc/health/ready", skip_host=True)
        conn.putheader("Host", host)
        conn.endheaders()
        return conn.getresponse().status
    finally:
        conn.close()


def vhost_lines(accounts):
    return ["<VirtualHost 127.0.0.1:*>",
            "    ServerName one.example.test",
            "</VirtualHost>",
            "<VirtualHost 127.0.0.1:*>",
            "    ServerName two.example.test",
            '    AuthsvcSigningKey "%s"' % accounts.key_path,
            "</VirtualHost>"]


def test_vhosts_without_dbd_directives_start_without_ah02653(backend, accounts):
    srv = HttpdServer(backend, "configtest-vhosts", accounts.httpd_config(),
                      tail_config=vhost_lines(accounts))
    srv.start()
    try:
        for host in ("one.example.test", "two.example.test", "127.0.0.1"):
            assert ready_status(srv.port, host) == 200, host
        log = srv.log_text()
        assert "AH02653" not in log and "conflicting SQL statements" not in log, log
    finally:
        srv.stop()
        srv.cleanup()


def test_graceful_restart_with_a_config_that_passes_configtest_keeps_serving(
        backend, accounts, tmp_path):
    srv = HttpdServer(backend, "configtest-graceful", accounts.httpd_config())
    srv.start()
    try:
        srv.reconfigure(mail_lines(accounts, os.path.join(util.REPO, "conf", "templates")))
        srv.tail_config = vhost_lines(accounts)
        srv._write_config()
        r = util_configtest(srv)
        assert r[0] == 0 and "Syntax OK" in r[1], r[1]
        os.kill(srv.proc.pid, signal.SIGUSR1)
        deadline = time.monotonic() + 20
        status = None
        while time.monotonic() < deadline:
            try:
                status = ready_status(srv.port, "two.example.test")
                if status == 200 and "resuming normal operations" in srv.log_text().split(
                        "Graceful restart requested")[-1]:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        assert srv.proc.poll() is None, srv.log_text()
        assert status == 200, srv.log_text()
    finally:
        srv.stop()
        srv.cleanup()


def util_configtest(srv):
    """`apache2 -t` on the config a running server will read at its graceful restart."""
    from harness.httpd import APACHE2, sanitizer_env
    r = subprocess.run([APACHE2, "-t", "-d", srv.dir, "-f", srv.conf_path],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=60, env=sanitizer_env())
    return r.returncode, r.stdout
