"""One wrk run and what it printed: requests per second, latency percentiles, errors."""
import re
import resource
import subprocess

WRK = "/usr/bin/wrk"

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    if not m:
        raise ValueError("not a wrk duration: %r" % text)
    return float(m.group(1)) * _UNITS[m.group(2)]


def parse(output):
    """{'rps', 'p50_ms', 'p99_ms', 'requests', 'non2xx', 'socket_errors'} from wrk's text."""
    out = {"non2xx": 0, "socket_errors": 0}
    m = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not m:
        raise RuntimeError("wrk printed no Requests/sec:\n" + output)
    out["rps"] = float(m.group(1))
    m = re.search(r"(\d+) requests in", output)
    out["requests"] = int(m.group(1)) if m else 0
    for pct, key in (("50", "p50_ms"), ("99", "p99_ms")):
        m = re.search(r"^\s+%s(?:\.000)?%%\s+(\S+)" % pct, output, re.M)
        out[key] = _ms(m.group(1)) if m else None
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if m:
        out["non2xx"] = int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if m:
        out["socket_errors"] = sum(int(x) for x in m.groups())
    return out


def run(url, seconds, threads=2, connections=32, script=None, script_args=(), timeout_s=10,
        prefix=()):
    """Runs wrk against url (its command line after prefix: taskset); returns parse() of
    its output plus 'cpu_s' (wrk's own CPU seconds) and 'output'."""
    argv = list(prefix) + [WRK, "-t%d" % threads, "-c%d" % connections, "-d%ds" % seconds, "--latency",
            "--timeout", "%ds" % timeout_s]
    if script:
        argv += ["-s", script]
    argv.append(url)
    if script_args:
        argv += ["--"] + [str(a) for a in script_args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=seconds + 60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise RuntimeError("wrk failed (exit %d): %s\n%s" % (r.returncode, " ".join(argv), r.stdout))
    out = parse(r.stdout)
    out["cpu_s"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    out["output"] = r.stdout
    return out


def version():
    r = subprocess.run([WRK, "-v"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    m = re.search(r"wrk (\S+)", r.stdout)
    return m.group(1) if m else "unknown"
