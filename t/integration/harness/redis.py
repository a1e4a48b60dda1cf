"""A redis-server on loopback (Debian's redis-server), for the gateway's shared socache
(mod_socache_redis). Nothing is saved to disk.

    r = RedisServer().start()     # r.port
    r.keys()                      # the keys stored now
    r.stop(); r.start()           # down and up again on the same port
"""
import os
import shutil
import socket
import subprocess
import time

from . import util

REDIS = "/usr/bin/redis-server"


def available():
    return os.path.exists(REDIS)


class RedisServer:
    def __init__(self):
        self.port = None
        self.proc = None
        self.dir = None

    def start(self):
        if self.dir is None:
            self.dir = util.make_tempdir("authsvc-redis-")
        if self.port is None:
            self.port = util.free_port()
        self.proc = subprocess.Popen(
            [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.dir, "--protected-mode", "yes"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if self.command("PING") == "+PONG":
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server did not answer on port %d" % self.port)

    def command(self, *args):
        """One command in RESP; the first line of the answer."""
        payload = "*%d\r\n" % len(args) + "".join(
            "$%d\r\n%s\r\n" % (len(a.encode()), a) for a in args)
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
            s.sendall(payload.encode())
            data = b""
            while not data.endswith(b"\r\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
            return data.decode("utf-8", "replace").split("\r\n", 1)[0]

    def dbsize(self):
        return int(self.command("DBSIZE").lstrip(":"))

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
            self.proc = None

    def remove(self):
        self.stop()
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None
