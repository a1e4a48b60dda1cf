"""The source layering of docs/design.md, checked on the built objects by
scripts/check-layers: no two files use each other, a folder uses only lower layers, and
services see no HTTP. Problems not mended yet are listed in t/layers-known.txt, which may
only shrink."""
import os
import subprocess

from harness import util

SCRIPT = os.path.join(util.REPO, "scripts", "check-layers")
KNOWN = os.path.join(util.REPO, "t", "layers-known.txt")
LIBRARY = os.path.join(util.BUILD, ".libs", "libauthsvc.a")


def run(*args):
    return subprocess.run([SCRIPT] + list(args), capture_output=True, text=True)


def test_the_layering_has_no_problem_beyond_the_known_list():
    result = run("--known", KNOWN, LIBRARY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ", 0 new, 0 gone" in result.stdout


def test_the_check_finds_a_layering_problem_when_there_is_one(tmp_path):
    # Without the known list the same tree reports every listed problem: the check
    # reads the objects and is not blind.
    with open(KNOWN, encoding="utf-8") as f:
        listed = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    result = run(LIBRARY)
    printed = result.stdout.splitlines()[:-1]
    assert printed == listed
    assert result.returncode == (1 if listed else 0)
    empty = tmp_path / "none.txt"
    empty.write_text("")
    if listed:
        assert run("--known", str(empty), LIBRARY).returncode == 1
