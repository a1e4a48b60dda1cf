"""Fixtures of the integration tests.

  pg_server  (session)  a private PostgreSQL 15, started on first use, stopped at the end
  backend    (module)   a fresh, migrated database: params ["sqlite", "pgsql"]
  server     (module)   a real httpd with mod_authsvc on that database, plus the
                        directives of httpd_extra_config (module; [] unless a module
                        overrides it, e.g. with harness.accounts for signing keys)
  client     (module)   an HttpClient aimed at the server
  accounts   (module)   harness.accounts provisioning of that database (a test module
                        passes accounts.httpd_config() through httpd_extra_config)
  echo       (module)   a loopback backend echoing the headers it receives

Every test that uses backend or server therefore runs once per database, and httpd
starts once per test module and database. The config and logs of an httpd whose
tests failed are kept (paths printed at the end); AUTHSVC_KEEP_ARTIFACTS=1 keeps all.
"""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from harness import util  # noqa: E402
from harness.accounts import provisioned  # noqa: E402
from harness.echo import EchoBackend  # noqa: E402
from harness.client import HttpClient  # noqa: E402
from harness.database import make_database  # noqa: E402
from harness.httpd import HttpdServer  # noqa: E402
from harness.pg import PostgresServer  # noqa: E402

KEEP_ALL = os.environ.get("AUTHSVC_KEEP_ARTIFACTS") == "1"
_failures = {"count": 0}


def pytest_addoption(parser):
    try:
        import pytest_timeout  # noqa: F401
    except ImportError:
        # pytest.ini sets 'timeout' for the plugin; without it, declare the key so
        # pytest does not warn about an unknown option.
        parser.addini("timeout", "per-test timeout (needs python3-pytest-timeout)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed:
        _failures["count"] += 1


def _is_xdist_worker(config):
    return hasattr(config, "workerinput")


def pytest_sessionstart(session):
    if not _is_xdist_worker(session.config) and os.path.exists(util.KEPT_FILE):
        os.unlink(util.KEPT_FILE)


def pytest_terminal_summary(terminalreporter):
    lines = []
    if os.path.exists(util.KEPT_FILE):
        with open(util.KEPT_FILE) as f:
            lines = [line.rstrip("\n") for line in f if line.strip()]
    if lines:
        terminalreporter.section("authsvc: kept configs and logs")
        for line in lines:
            terminalreporter.write_line(line)


def _missing_build():
    missing = [p for p in (util.MODULE_SO, util.ADMIN_CLI) if not os.path.exists(p)]
    if missing:
        pytest.exit("not built: %s -- run scripts/build first" % ", ".join(missing), returncode=3)


@pytest.fixture(scope="session")
def pg_server():
    start_failures = _failures["count"]
    pg = PostgresServer().start()
    yield pg
    pg.stop(keep=KEEP_ALL or _failures["count"] > start_failures)


@pytest.fixture(scope="module", params=["sqlite", "pgsql"])
def backend(request):
    """A fresh database of one kind, migrated with authsvc-admin."""
    _missing_build()
    kind = request.param
    pg = request.getfixturevalue("pg_server") if kind == "pgsql" else None
    name = "%s-%s" % (request.module.__name__.rsplit(".", 1)[-1], kind)
    db = make_database(kind, name, pg)
    start_failures = _failures["count"]
    db.admin().migrate()
    yield db
    if KEEP_ALL or _failures["count"] > start_failures:
        if db.dir:
            util.keep("database %s: %s" % (name, db.dir))
    else:
        db.remove()


@pytest.fixture(scope="module")
def accounts(backend):
    """The database provisioned by harness.accounts (signing key, tenants t1/t2, clients
    web/other, users alice, bob, ...) before httpd starts."""
    with provisioned(backend) as acc:
        yield acc


@pytest.fixture(scope="module")
def echo():
    """A backend on loopback that answers every request with the headers it got."""
    e = EchoBackend().start()
    yield e
    e.stop()


@pytest.fixture(scope="module")
def httpd_extra_config():
    """Server-level directives added to the httpd config. A test module overrides this
    fixture (e.g. with AuthsvcSigningKey of a key its provisioning fixture made) to
    prepare the database and files before httpd starts."""
    return []


@pytest.fixture(scope="module")
def httpd_port():
    """The port httpd listens on: None picks a free one at start. A test module whose
    peers must know our URLs beforehand overrides this with util.free_port()."""
    return None


@pytest.fixture(scope="module")
def httpd_modules():
    """(modules loaded before mod_authsvc, modules loaded after it): lists of
    (module struct, file) a test module adds to the hermetic list."""
    return [], []


@pytest.fixture(scope="module")
def httpd_tail_config():
    """Lines after the API's <Location />: sections of a test module that must win
    over it (gateway locations, proxies)."""
    return []


def _start_server(srv):
    try:
        srv.start()
    except Exception:
        if srv.dir:
            srv.keep()
        raise


def _finish_server(srv, start_failures):
    failed = False
    try:
        srv.stop(check=True)
    except AssertionError:
        failed = True
        raise
    finally:
        if failed or KEEP_ALL or _failures["count"] > start_failures:
            srv.keep()
        else:
            srv.cleanup()


@pytest.fixture(scope="module")
def server(backend, httpd_extra_config, httpd_port, httpd_modules, httpd_tail_config, request):
    name = "%s-%s" % (request.module.__name__.rsplit(".", 1)[-1], backend.kind)
    srv = HttpdServer(backend, name, httpd_extra_config, port=httpd_port,
                      modules_before=httpd_modules[0], modules_after=httpd_modules[1],
                      tail_config=httpd_tail_config)
    start_failures = _failures["count"]
    _start_server(srv)
    try:
        yield srv
    finally:
        _finish_server(srv, start_failures)


@pytest.fixture(scope="module")
def httpd_factory(backend, request):
    """make(name, extra_config, **HttpdServer keywords): more httpd instances on the same
    database (other nodes), started now and stopped when the test module ends."""
    made = []
    start_failures = _failures["count"]

    def make(name, extra_config=(), **kw):
        srv = HttpdServer(backend, "%s-%s-%s" % (request.module.__name__.rsplit(".", 1)[-1],
                                                 backend.kind, name), extra_config, **kw)
        _start_server(srv)
        made.append(srv)
        return srv

    yield make
    for srv in made:
        _finish_server(srv, start_failures)


@pytest.fixture(scope="module")
def client(server):
    return HttpClient("127.0.0.1", server.port)
