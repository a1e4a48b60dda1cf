"""Runs a browser walk (a t/browser/*.mjs script: headless Chromium driven by
playwright-core, see t/browser/lib/walk.mjs) and returns the JSON object it printed.
Screenshots go to t/artifacts/browser/<database>/."""
import json
import os
import subprocess

import pytest

from . import util

BROWSER_DIR = os.path.join(util.REPO, "t", "browser")
SHOTS = os.path.join(util.ARTIFACTS, "browser")


def shots_dir(kind):
    """The screenshot folder of one database kind (sqlite, pgsql), made when missing."""
    path = os.path.join(SHOTS, kind)
    os.makedirs(path, exist_ok=True)
    return path


def run_walk(script, args, timeout=110):
    """node t/browser/SCRIPT ARGS...: the walk's JSON line, after checking it ran to the
    end (exit 0, no "error" key)."""
    if not os.path.isdir(os.path.join(BROWSER_DIR, "node_modules", "playwright-core")):
        pytest.fail("playwright-core missing: (cd t/browser && npm ci) -- scripts/test does it")
    run = subprocess.run(["node", os.path.join(BROWSER_DIR, script)] + [str(a) for a in args],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         timeout=timeout)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert "error" not in out, out
    return out


def assert_accessible(out):
    """Every page the walk checked with axe-core has no violation; returns their names."""
    assert out["axe"], "the walk checked no page with axe-core"
    assert all(v == [] for v in out["axe"].values()), out["axe"]
    return set(out["axe"])
