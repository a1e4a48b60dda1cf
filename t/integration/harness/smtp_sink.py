"""An SMTP sink on loopback (aiosmtpd, Debian's python3-aiosmtpd) that keeps every
message it receives, for tests that read what the module mailed.

    sink = SmtpSink().start()         # sink.port
    msg = sink.wait_for("alice@example.org")   # email.message.EmailMessage
    SmtpSink.text(msg), SmtpSink.links(msg)
    sink.stop()

Runs in this process, in aiosmtpd's own thread; nothing is written to disk.
"""
import email
import email.policy
import re
import threading
import time

from aiosmtpd.controller import Controller

from . import util

LINK_RE = re.compile(r"https?://[^\s\"'<>]+")


class _Handler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content or envelope.content,
                                       policy=email.policy.default)
        with self.sink.cond:
            self.sink.messages.append((envelope.mail_from, list(envelope.rcpt_tos), msg,
                                       envelope.original_content or envelope.content))
            self.sink.cond.notify_all()
        return "250 OK"


class SmtpSink:
    def __init__(self):
        self.messages = []          # (mail_from, rcpt_tos, EmailMessage, raw bytes)
        self.cond = threading.Condition()
        self.controller = None
        self.port = None

    def start(self):
        self.port = util.free_port()
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    def to(self, rcpt):
        with self.cond:
            return [m for m in self.messages if rcpt in m[1]]

    def wait_for(self, rcpt, count=1, timeout=15):
        """The count-th message to rcpt, waiting for it; AssertionError after timeout."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                got = [m for m in self.messages if rcpt in m[1]]
                if len(got) >= count:
                    return got[count - 1][2]
                left = deadline - time.monotonic()
                assert left > 0, "no mail #%d to %s within %ss" % (count, rcpt, timeout)
                self.cond.wait(left)

    @staticmethod
    def text(msg):
        part = msg.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""

    @staticmethod
    def html(msg):
        part = msg.get_body(preferencelist=("html",))
        return part.get_content() if part else ""

    @staticmethod
    def links(msg):
        return LINK_RE.findall(SmtpSink.text(msg))
