"""Paths, users, free ports and temp directories shared by the harness."""
import os
import pwd
import shutil
import socket
import tempfile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
# Where the module and the CLI were built: this tree, or AUTHSVC_BUILD_DIR (a copy of
# the tree built elsewhere, e.g. while this one is being edited).
BUILD = os.path.abspath(os.environ.get("AUTHSVC_BUILD_DIR") or REPO)
MODULE_SO = os.path.join(BUILD, ".libs", "mod_authsvc.so")
ADMIN_CLI = os.path.join(BUILD, "authsvc-admin")
ARTIFACTS = os.path.join(REPO, "t", "artifacts")

IS_ROOT = os.geteuid() == 0
HTTPD_USER = "www-data"   # what httpd's children run as when started by root
PG_USER = "authsvc-pg"    # what PostgreSQL runs as when the tests run as root


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_tempdir(prefix):
    """A directory under /tmp that other users (www-data, authsvc-pg) can traverse:
    pytest's own tmp dirs are 0700 below /tmp/pytest-of-<user>."""
    path = tempfile.mkdtemp(prefix=prefix, dir="/tmp")
    os.chmod(path, 0o755)
    return path


def make_docroot(files):
    """A DocumentRoot for gateway locations: files maps paths relative to it to their
    text; everything readable by httpd's children. Remove it with shutil.rmtree."""
    root = make_tempdir("authsvc-docroot-")
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    for d, _, names in os.walk(root):
        os.chmod(d, 0o755)
        for name in names:
            os.chmod(os.path.join(d, name), 0o644)
    return root


def chown_to(path, user, recursive=False):
    pw = pwd.getpwnam(user)
    os.chown(path, pw.pw_uid, pw.pw_gid)
    if recursive:
        for root, dirs, files in os.walk(path):
            for name in dirs + files:
                os.lchown(os.path.join(root, name), pw.pw_uid, pw.pw_gid)


def keep_artifacts(name, directory, files):
    """Copies the text files that explain a failure (config, logs) into
    t/artifacts/<name>/ and returns that path; directory itself is left in place."""
    dest = os.path.join(ARTIFACTS, name)
    os.makedirs(dest, exist_ok=True)
    for f in files:
        src = os.path.join(directory, f)
        if os.path.isfile(src):
            shutil.copy(src, os.path.join(dest, os.path.basename(f)))
    return dest


# Paths kept for a failing run; conftest prints them in the terminal summary. With
# pytest-xdist the workers' lists are not the controller's: keep() also writes each line
# to KEPT_FILE, which the controller prints.
KEPT = []
KEPT_FILE = os.path.join(ARTIFACTS, "kept.txt")


def keep(line):
    KEPT.append(line)
    os.makedirs(ARTIFACTS, exist_ok=True)
    with open(KEPT_FILE, "a") as f:
        f.write(line + "\n")
