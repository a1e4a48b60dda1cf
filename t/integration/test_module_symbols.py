"""The built module exports its module record and nothing else, and the admin CLI's code
is not linked into it (cli/ is the authsvc-admin program's own)."""
import subprocess

from harness import util


def symbols(*args):
    out = subprocess.run(["nm"] + list(args) + [util.MODULE_SO], capture_output=True,
                         text=True, check=True).stdout
    return [line.split()[-1] for line in out.splitlines() if line.strip()]


def test_the_module_exports_only_its_record():
    exported = symbols("-D", "--defined-only")
    assert exported == ["authsvc_module"], exported


def test_the_admin_cli_is_not_linked_into_the_module():
    linked = symbols()
    assert any(s.startswith("authsvc_gateway_") for s in linked), "nm read no symbols"
    cli = [s for s in linked if s.startswith("authsvc_admin_")]
    assert not cli, cli[:10]
