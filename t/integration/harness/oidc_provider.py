"""Module fixtures of a test file whose httpd is the OpenID Connect provider on its own
HTTPS vhost (harness/oidc.py): import the ones the file uses,

    from harness.oidc_provider import (httpd_extra_config, httpd_modules,
                                       httpd_tail_config, issuer, tls_port)

and give the file an `accounts` fixture that calls provider_accounts() first, then
registers its own clients and users."""
import contextlib
import shutil

import pytest

from . import util
from .oidc import issuer_directive, issuer_of, make_tls, provider_vhost, write_secret

MODULES = [("ssl_module", "mod_ssl.so"), ("socache_shmcb_module", "mod_socache_shmcb.so"),
           ("authz_user_module", "mod_authz_user.so")]


@contextlib.contextmanager
def provider_accounts(acc, backend, name):
    """acc with .workdir (removed afterwards), .tls (a certificate for 127.0.0.1 there)
    and .signin_secret (the sign-in client's secret file there)."""
    workdir = util.make_tempdir("authsvc-%s-%s-" % (name, backend.kind))
    try:
        acc.workdir = workdir
        acc.tls = make_tls(workdir)
        acc.signin_secret = write_secret(workdir, acc)
        yield acc
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def tls_port(backend):
    return util.free_port()


@pytest.fixture(scope="module")
def httpd_extra_config(accounts, tls_port):
    return accounts.httpd_config() + [issuer_directive(tls_port)]


@pytest.fixture(scope="module")
def httpd_modules():
    return MODULES, []


@pytest.fixture(scope="module")
def httpd_tail_config(accounts, tls_port):
    return provider_vhost(tls_port, accounts.tls, accounts.signin_secret)


@pytest.fixture(scope="module")
def issuer(server, tls_port):
    return issuer_of(tls_port)
