"""Runs the freshly built authsvc-admin."""
import os
import subprocess

from . import util

BLOCKLIST = os.path.join(util.REPO, "conf", "password-blocklist.txt")


class AdminResult:
    def __init__(self, argv, proc):
        self.argv = argv
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr

    def __repr__(self):
        return "<authsvc-admin %s: exit %d\nstdout: %s\nstderr: %s>" % (
            " ".join(self.argv[1:]), self.returncode, self.stdout, self.stderr)

    def check(self):
        assert self.returncode == 0, repr(self)
        return self


class AdminCli:
    """authsvc-admin --driver D --params P <command...>"""

    def __init__(self, driver, params):
        self.driver = driver
        self.params = params

    def argv(self, *args):
        return [util.ADMIN_CLI, "--driver", self.driver, "--params", self.params] + list(args)

    def run(self, *args, input=None, timeout=60, env=None, global_args=True):
        if not os.path.exists(util.ADMIN_CLI):
            raise RuntimeError("%s is missing: build first (scripts/build)" % util.ADMIN_CLI)
        argv = self.argv(*args) if global_args else [util.ADMIN_CLI] + list(args)
        e = dict(os.environ)
        e.setdefault("ASAN_OPTIONS", "detect_leaks=1")
        # The list authsvc.conf names, from the source tree (the build is not installed).
        e.setdefault("AUTHSVC_PASSWORD_BLOCKLIST", BLOCKLIST)
        if env:
            e.update(env)
        proc = subprocess.run(argv, input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, timeout=timeout, env=e)
        return AdminResult(argv, proc)

    def migrate(self):
        return self.run("migrate").check()
