"""./scripts/demo run as README's quick start says, on a port and in a directory of its
own (AUTHSVC_DEMO_PORT, AUTHSVC_DEMO_DIR): <workdir>/demo, so that README's `. demo/env`
works with <workdir> as the current directory.

    demo = Demo().start()          # waits until /authsvc/health/ready answers 200
    demo.base, demo.dir, demo.creds, demo.output()
    demo.stop()                    # and demo.cleanup()
"""
import os
import shutil
import signal
import subprocess
import time

from . import util
from .client import HttpClient

START_TIMEOUT = 120  # seconds: install-deps and the build are no-ops after scripts/build


class Demo:
    def __init__(self, command=("./scripts/demo",)):
        self.command = list(command)
        self.workdir = util.make_tempdir("authsvc-demo-")
        self.dir = os.path.join(self.workdir, "demo")
        self.port = util.free_port()
        self.log_path = os.path.join(self.workdir, "demo.log")
        self.proc = None
        self.creds = {}

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.port

    def client(self):
        return HttpClient("127.0.0.1", self.port)

    def env(self):
        return dict(os.environ, AUTHSVC_DEMO_DIR=self.dir, AUTHSVC_DEMO_PORT=str(self.port))

    def output(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def start(self):
        log = open(self.log_path, "w")
        self.proc = subprocess.Popen(self.command, cwd=util.REPO, env=self.env(),
                                     stdin=subprocess.DEVNULL, stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        client = self.client()
        deadline = time.time() + START_TIMEOUT
        while True:
            assert self.proc.poll() is None, "demo exited: %s" % self.output()[-3000:]
            try:
                if client.get("/authsvc/health/ready").status == 200:
                    break
            except OSError:
                pass
            assert time.time() < deadline, self.output()[-3000:]
            time.sleep(0.5)
        with open(os.path.join(self.dir, "credentials")) as f:
            for line in f:
                key, _, value = line.strip().partition("=")
                self.creds[key] = value
        return self

    def stop(self):
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None

    def cleanup(self):
        shutil.rmtree(self.workdir, ignore_errors=True)
