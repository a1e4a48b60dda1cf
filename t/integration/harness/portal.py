"""What the tests of the portal pages (sign-in, account, admin console) share: the
gateway client's secret as a file for AuthsvcGatewayClient, and module fixtures for a
protected site beside the pages. Import the fixtures a file uses:

    from harness.portal import docroot, httpd_modules  # noqa: F401 (fixtures)

and in its accounts fixture: `with signin_secret(acc): ... yield acc`."""
import contextlib
import os
import shutil

import pytest

from . import util
from .httpd import GATEWAY_SITE_MODULES


@contextlib.contextmanager
def signin_secret(acc, client_id="web"):
    """acc.secret_path: the client's secret in a file httpd's children may read,
    removed afterwards."""
    workdir = util.make_tempdir("authsvc-portal-")
    try:
        acc.secret_path = os.path.join(workdir, client_id + ".secret")
        with open(acc.secret_path, "w") as f:
            f.write(acc.client_secrets[client_id] + "\n")
        os.chmod(acc.secret_path, 0o644)
        yield acc
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="module")
def docroot():
    """A static site (site/index.html says PROTECTED-CONTENT) for a gateway location."""
    root = util.make_docroot({"site/index.html": "<p>PROTECTED-CONTENT</p>\n"})
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def httpd_modules():
    return GATEWAY_SITE_MODULES, []
