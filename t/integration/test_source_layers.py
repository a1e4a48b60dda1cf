"""The source layering of docs/design.md, checked on the built objects by
scripts/check-layers: no two files use each other, a folder uses only lower layers,
services see no HTTP, and only src/db/ calls the statement catalogue by label. Problems
not mended yet would be listed in t/layers-known.txt, which may only shrink."""
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


def test_the_tree_has_no_layering_problem_at_all():
    result = run(LIBRARY)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1].endswith(" 0 problems"), result.stdout


SOURCES = {
    # core calls up into service, and service calls core: a cycle and an upward use
    "src/core/low.c": "int authsvc_t_high(void);\n"
                      "int authsvc_t_low(void) { return authsvc_t_high(); }\n",
    "src/service/high.c": "typedef struct request_rec request_rec;\n"
                          "int authsvc_t_low(void);\n"
                          "int authsvc_t_high(void) { return authsvc_t_low(); }\n"
                          "int authsvc_t_web(request_rec *r) { return r != 0; }\n",
    # an API file that reads the catalogue by label
    "src/api/flow.c": "int authsvc_db_exec (void *, const char *);\n"
                      "int authsvc_t_flow(void) { return authsvc_db_exec(0, \"label\"); }\n",
}


def test_the_check_reports_each_kind_of_problem_in_a_tree_that_has_them(tmp_path):
    objects = []
    for rel, text in SOURCES.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        obj = tmp_path / (path.stem + ".o")
        subprocess.run(["cc", "-c", "-o", str(obj), str(path)], check=True)
        objects.append(str(obj))
    library = tmp_path / "lib.a"
    subprocess.run(["ar", "rcs", str(library)] + objects, check=True)
    result = run("--top", str(tmp_path), str(library))
    out = result.stdout
    assert result.returncode == 1, out
    assert "files that use each other: high low" in out
    assert "src/core/low.c uses src/service/high.c (not a lower layer): authsvc_t_high" in out
    assert "src/service/high.c sees HTTP: request_rec" in out
    assert "src/api/flow.c calls the statement catalogue directly (1 calls)" in out
    # the same problems listed as known pass; the list must match exactly
    known = tmp_path / "known.txt"
    known.write_text("\n".join(out.splitlines()[:-1]) + "\n")
    assert run("--top", str(tmp_path), "--known", str(known), str(library)).returncode == 0
    known.write_text("\n".join(out.splitlines()[1:-1]) + "\n")
    assert run("--top", str(tmp_path), "--known", str(known), str(library)).returncode == 1
