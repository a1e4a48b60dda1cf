"""What the module mailed to the harness's SMTP sink (harness/smtp_sink.py), as the tests
read it: the 6-digit code of a second-factor mail, the link of a reset or invite mail
(as a path of the server), and a file a browser walk waits for (t/browser/lib/walk.mjs,
waitForFile) holding such a value; and the module fixture `sink` (one sink per
database, so each run reads only its own mails): `from harness.mailbox import sink`."""
import os
import re
import threading

import pytest

from .smtp_sink import SmtpSink

CODE_RE = re.compile(r"^\s+(\d{6})\s*$", re.M)


@pytest.fixture(scope="module")
def sink(backend):
    """An SMTP sink for the module's httpd (AuthsvcMailServer smtp://127.0.0.1:PORT)."""
    s = SmtpSink().start()
    yield s
    s.stop()


def address(name):
    """The e-mail address the harness gives user NAME (harness/accounts.py)."""
    return name + "@example.org"


def mailed_code_message(sink, name, count):
    """The one code in the COUNT-th mail to user NAME, and that mail."""
    msg = sink.wait_for(address(name), count=count)
    found = CODE_RE.findall(SmtpSink.text(msg))
    assert len(found) == 1, SmtpSink.text(msg)
    return found[0], msg


def mailed_code(sink, name, count):
    """The one code in the COUNT-th mail to user NAME."""
    return mailed_code_message(sink, name, count)[0]


def mailed_path(sink, rcpt, marker, count=1):
    """The path (from MARKER on, e.g. "/authsvc/reset?token=") of the one link with MARKER
    in the COUNT-th mail to RCPT."""
    msg = sink.wait_for(rcpt, count=count)
    links = [u for u in SmtpSink.links(msg) if marker in u]
    assert len(links) == 1, SmtpSink.text(msg)
    return links[0][links[0].index(marker):]


def write_when(path, produce):
    """Starts a thread that writes produce() to PATH whole (a rename) for a walk waiting
    on it; join() the returned thread after the walk (its .error is what produce raised)."""
    def run():
        try:
            value = produce()
            with open(path + ".tmp", "w") as f:
                f.write(value + "\n")
            os.rename(path + ".tmp", path)
        except Exception as e:  # reported by the test after the walk
            thread.error = e
    thread = threading.Thread(target=run, daemon=True)
    thread.error = None
    thread.start()
    return thread
