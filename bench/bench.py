#!/usr/bin/env python3
"""mod_authsvc benchmarks (bench/run calls this after building): the gateway against
the unprotected limit and against mod_auth_openidc, and the API's routes, measured side
by side in one run on this machine. Absolute figures on a shared machine are noise; the
ratios of interleaved runs are the result.

    bench/run [--seconds 10] [--rounds 5] [--warmup 2] [--soak 60]
              [--only gateway,api,soak,propagation] [--db sqlite,pgsql]
              [--revocations 1000] [--no-pin] [--out FILE]

Every workload is a wrk run (2 threads, 32 connections unless it measures latency
alone with 1 connection) against an httpd of its own on 127.0.0.1. With two cores or
more the httpd instances run on one half of them and wrk on the other (taskset). A
round runs each configuration once, in the same order (the gateway's algorithms take
turns at starting the round), so that load on the machine hits them alike; medians,
min and max are over rounds, and ratios are medians of per-round ratios. Beside req/s each run has the server's CPU time per request (utime + stime of
the httpd processes from /proc before and after the run, over the requests wrk
counted), which depends far less on what else the machine does than req/s."""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "t", "integration"))
sys.path.insert(0, HERE)

from harness import jose, util  # noqa: E402
from harness.database import PgDatabase, SqliteDatabase  # noqa: E402
from harness.pg import PostgresServer  # noqa: E402

from benchlib import procs, provision, servers, wrk  # noqa: E402

LUA = os.path.join(HERE, "lua")
ALGS = ("RS256", "ES256", "HS256")
NOISY_CPU_PERCENT = 15.0
TARGETS = {"gateway": 0.95, "peer": 1.0, "me": 0.8, "overhead_ms": 1.0, "rss_growth": 0.05}


# ---- runs ---------------------------------------------------------------------------

class Bench:
    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        self.results = {}      # label -> [run, ...] (one per round)
        self.servers = []      # every httpd started, for CPU accounting and cleanup
        self.databases = []    # PostgreSQL servers the bench started
        self.pinning = procs.Pinning(not args.no_pin)
        self.notes = []

    def our_pids(self):
        """The bench's own processes: its httpd instances and PostgreSQL servers with
        all their children (backends included), so that the noise check counts only
        what else the machine ran."""
        pids = []
        for s in self.servers:
            if s.proc is not None:
                pids.append(s.proc.pid)
                pids += procs.descendants_of(s.proc.pid)
        for pg in self.databases:
            postmaster = postmaster_pid(pg)
            if postmaster:
                pids += [postmaster] + procs.descendants_of(postmaster)
        return pids

    def start(self, server):
        server.start()
        self.servers.append(server)
        return server

    def start_postgres(self):
        pg = PostgresServer().start()
        self.databases.append(pg)
        return pg

    def measure(self, label, server, url, script, script_args, threads=2, connections=32,
                seconds=None, warmup_args=None):
        """One wrk run after a warm-up (with warmup_args when the script's arguments are
        used up by a run, as single-use tokens are); stored under label."""
        seconds = seconds or self.args.seconds
        # pinned for the measurement only: provisioning and token minting (argon2id) use
        # every core
        self.pinning.pin_server(server.proc.pid)
        if self.args.warmup:
            wrk.run(url, self.args.warmup, threads, connections, script,
                    script_args if warmup_args is None else warmup_args,
                    prefix=self.pinning.client_prefix())
        children = procs.children_of(server.proc.pid)
        procs.reset_peaks(children)
        server_pids = [server.proc.pid] + procs.descendants_of(server.proc.pid)
        watch = procs.CpuWatch(self.our_pids)
        watch.start()
        server_cpu = procs.cpu_seconds(server_pids)
        run = wrk.run(url, seconds, threads, connections, script, script_args,
                      prefix=self.pinning.client_prefix())
        server_cpu = procs.cpu_seconds(server_pids) - server_cpu
        run["other_cpu"] = watch.stop(run["cpu_s"])
        run["server_us"] = server_cpu * 1e6 / run["requests"] if run["requests"] else None
        run["peak_rss_kib"] = max([procs.status_kib(p, "VmHWM") or 0 for p in children] or [0])
        run.pop("output")
        self.results.setdefault(label, []).append(run)
        flag = " (noisy: other processes %.0f%% CPU)" % run["other_cpu"] \
            if run["other_cpu"] > NOISY_CPU_PERCENT else ""
        print("  %-34s %9.0f req/s  server %7.1f us/req  p50 %7.2f ms  p99 %7.2f ms  "
              "non-2xx %d  errors %d  peak RSS %d MiB%s"
              % (label, run["rps"], run["server_us"] or 0, run["p50_ms"] or 0,
                 run["p99_ms"] or 0, run["non2xx"], run["socket_errors"],
                 run["peak_rss_kib"] // 1024, flag), flush=True)
        return run


def postmaster_pid(pg):
    """The PID of a running PostgreSQL server (its postmaster.pid), or None."""
    try:
        with open(os.path.join(pg.datadir, "postmaster.pid")) as f:
            return int(f.readline().strip())
    except (OSError, ValueError):
        return None


def token_file(bench, name, tokens):
    return provision.write_lines(os.path.join(bench.workdir, name), tokens)


def expect_status(url, token, status):
    headers = {"Authorization": "Bearer " + token} if token else {}
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            got = resp.status
    except urllib.error.HTTPError as e:
        got = e.code
    if got != status:
        raise RuntimeError("%s with %s: %d, expected %d" % (
            url, "a token" if token else "no token", got, status))


def tampered(token):
    """The token with one bit of its signature flipped."""
    head, sig = token.rsplit(".", 1)
    raw = bytearray(jose.b64u_decode(sig))
    raw[len(raw) // 2] ^= 0x01
    return head + "." + jose.b64u_encode(bytes(raw))


# ---- the gateway ----------------------------------------------------------------------

def gateway_servers(bench, acc, db, docroot, module_so=None, prefix="", issuers=None):
    """One mod_authsvc httpd per algorithm (its key signs first), on one database;
    module_so: another build's module (the baseline), accepting the tokens of the
    issuers {alg: URL} (the servers that minted them)."""
    out = {}
    keys = acc.key_files()
    for alg in ALGS:
        order = [keys[alg]] + [keys[a] for a in ALGS if a != alg]
        extra = ["AuthsvcGatewayIssuer %s" % issuers[alg]] if issuers else []
        out[alg] = bench.start(servers.AuthsvcBench(db, "bench-%sgw-%s" % (prefix, alg.lower()),
                                                    docroot, order, acc.hs_secret_file,
                                                    extra=extra, module_so=module_so))
    return out


def baseline_module(bench):
    """The module of --baseline DIR (a build tree of another commit), or None."""
    if not bench.args.baseline:
        return None
    so = os.path.join(os.path.abspath(bench.args.baseline), ".libs", "mod_authsvc.so")
    if not os.path.exists(so):
        raise RuntimeError("--baseline %s: no .libs/mod_authsvc.so there (build it first)"
                           % bench.args.baseline)
    return so


def gateway_tokens(bench, acc, gws):
    """{alg: (one-token file, pool file, a token)}: 1000 users' tokens from each issuer."""
    out = {}
    for alg, server in gws.items():
        started = time.monotonic()
        sessions = provision.mint_sessions(server, acc, acc.usernames)
        tokens = [s["accessToken"] for s in sessions]
        assert jose.header_of(tokens[0])["alg"] == alg, jose.header_of(tokens[0])
        assert len(set(tokens)) == len(tokens)
        print("  %d %s tokens from %s in %.1f s" % (len(tokens), alg, server.issuer,
                                                   time.monotonic() - started), flush=True)
        out[alg] = (token_file(bench, "one-%s.txt" % alg, tokens[:1]),
                    token_file(bench, "pool-%s.txt" % alg, tokens), tokens[0])
    return out


def openidc_server(bench, acc, gws, tokens, docroot):
    """mod_auth_openidc verifying the same tokens: HS256 by shared key, RS256 by
    certificate file, ES256 by a JWKS URL (its certificate-file form crashes on EC keys
    in 2.4.12.3), served over https by the same httpd."""
    jwks_dir = os.path.join(bench.workdir, "jwks")
    os.makedirs(jwks_dir, exist_ok=True)
    with urllib.request.urlopen(gws["ES256"].issuer + "/.well-known/jwks.json") as resp:
        with open(os.path.join(jwks_dir, "jwks.json"), "wb") as f:
            f.write(resp.read())
    cert_pem = os.path.join(bench.workdir, "rs256-cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-new", "-key", acc.rs_key, "-days", "2",
                    "-subj", "/CN=bench-issuer", "-out", cert_pem],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tls_key = os.path.join(bench.workdir, "tls-key.pem")
    tls_cert = os.path.join(bench.workdir, "tls-cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-keyout", tls_key, "-out", tls_cert],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for path in (jwks_dir, os.path.join(jwks_dir, "jwks.json"), cert_pem, tls_key, tls_cert):
        os.chmod(path, 0o755 if os.path.isdir(path) else 0o644)
    tls_port = util.free_port()
    kid = {alg: jose.header_of(tokens[alg][2])["kid"] for alg in ALGS}
    verify = {"HS256": ["OIDCOAuthVerifySharedKeys plain#%s#%s" % (kid["HS256"], acc.hs_secret)],
              "RS256": ['OIDCOAuthVerifyCertFiles "%s#%s"' % (kid["RS256"], cert_pem)],
              "ES256": ["OIDCOAuthVerifyJwksUri https://127.0.0.1:%d/jwks.json" % tls_port]}
    vhosts = {alg: {"port": util.free_port(), "issuer": gws[alg].issuer,
                    "audience": provision.CLIENT, "verify": verify[alg]} for alg in ALGS}
    server = bench.start(servers.OpenidcBench("bench-openidc", docroot, vhosts,
                                              (tls_port, tls_cert, tls_key, jwks_dir)))
    return server, vhosts


def openidc_version():
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libapache2-mod-auth-openidc"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return r.stdout.strip() or "not installed"


def gateway_checks(gws, tokens, peer, vhosts):
    """Every configuration answers as it should before anything is measured: a token
    is let through, no token and a token with a flipped bit are refused (T-07 under the
    benchmark's configuration, cache on)."""
    for alg, server in gws.items():
        url = server.issuer + "/protected/file.html"
        token = tokens[alg][2]
        expect_status(url, token, 200)
        expect_status(url, token, 200)  # now from the cache
        expect_status(url, None, 401)
        expect_status(url, tampered(token), 401)
        expect_status(server.issuer + "/static/file.html", None, 200)
        if peer is None:
            continue
        purl = "http://127.0.0.1:%d/protected/file.html" % vhosts[alg]["port"]
        expect_status(purl, token, 200)
        expect_status(purl, None, 401)
        expect_status(purl, tampered(token), 401)
    if peer is not None:
        expect_status(peer.issuer + "/static/file.html", None, 200)


def openidc_installed():
    from harness.httpd import module_dir
    return os.path.exists(os.path.join(module_dir(), "mod_auth_openidc.so"))


def rotated(items, rnd):
    """items starting at rnd's place: each algorithm's servers run first in one round,
    last in another, so that a position in the round (the machine warming up, a
    neighbour's periodic work) does not stick to one algorithm. Before, HS256 always ran
    last and alone missed its ratio by 0.2 %."""
    k = rnd % len(items)
    return tuple(items[k:]) + tuple(items[:k])


def run_gateway(bench, acc, db, docroot):
    print("== gateway (SQLite issuer; tokens of %d users per algorithm)" % provision.USERS)
    gws = gateway_servers(bench, acc, db, docroot)
    tokens = gateway_tokens(bench, acc, gws)
    peer = vhosts = None
    if openidc_installed():
        peer, vhosts = openidc_server(bench, acc, gws, tokens, docroot)
    else:
        bench.notes.append("mod_auth_openidc is not installed here: the peer was not "
                           "measured (bench/run installs it when run as root).")
    gateway_checks(gws, tokens, peer, vhosts)
    builds = [("", gws)]
    base_so = baseline_module(bench)
    if base_so:  # the same tokens (same keys, same database), verified by another build
        base = gateway_servers(bench, acc, db, docroot, base_so, "base-",
                               {alg: gws[alg].issuer for alg in ALGS})
        gateway_checks(base, tokens, None, None)
        builds.append(("baseline ", base))
        bench.notes.append("Labels starting with \"baseline\" ran the module of %s, in the "
                           "same rounds as this tree's, interleaved." % base_so)
    bearer = os.path.join(LUA, "rotate.lua")
    for rnd in range(bench.args.rounds):
        print("-- gateway round %d/%d" % (rnd + 1, bench.args.rounds), flush=True)
        for alg in rotated(ALGS, rnd):
            one, pool, _ = tokens[alg]
            for label, servers_of in builds:
                s = servers_of[alg]
                bench.measure("%sgw %s unprotected" % (label, alg), s,
                              s.issuer + "/static/file.html", bearer, ["bearer", pool])
                bench.measure("%sgw %s one token" % (label, alg), s,
                              s.issuer + "/protected/file.html", bearer, ["bearer", one])
                bench.measure("%sgw %s 1000 users" % (label, alg), s,
                              s.issuer + "/protected/file.html", bearer, ["bearer", pool])
                bench.measure("%sgw %s unprotected after" % (label, alg), s,
                              s.issuer + "/static/file.html", bearer, ["bearer", pool])
        if peer is None:
            continue
        bench.measure("openidc unprotected", peer, peer.issuer + "/static/file.html", bearer,
                      ["bearer", tokens["RS256"][1]])
        for alg in ALGS:
            bench.measure("openidc %s 1000 users" % alg, peer,
                          "http://127.0.0.1:%d/protected/file.html" % vhosts[alg]["port"],
                          bearer, ["bearer", tokens[alg][1]])
    return gws


# ---- the API --------------------------------------------------------------------------

TIMING = re.compile(r"timing: (\S+) (\d+) us in all, (\d+) us password work, (\d+) us "
                    r"beyond it")


def login_timings(server, offset):
    """[(all, password work, beyond), ...] in ms from the module's TRACE1 timing lines
    (authsvc2841) written to server's error log after offset."""
    with open(server.error_log, errors="replace") as f:
        f.seek(offset)
        text = f.read()
    return [(int(m.group(2)) / 1000.0, int(m.group(3)) / 1000.0, int(m.group(4)) / 1000.0)
            for m in TIMING.finditer(text) if m.group(1) != "-"]


def log_size(server):
    try:
        return os.path.getsize(server.error_log)
    except OSError:
        return 0


def quiet_log_size(server, idle=0.05, limit=180.0):
    """The error log's size once the server is idle: its processes used less than `idle`
    of a core over a second (at most `limit` seconds of waiting). wrk stops sending at the
    end of a run, but httpd finishes the requests it has queued (32 logins waiting for
    the password hash): their timing lines, whose time in all includes that queue, must
    not be read as the next run's. A log that stops growing is not enough: on a busy
    machine one queued hash can take longer than any pause chosen."""
    pids = [server.proc.pid] + procs.descendants_of(server.proc.pid)
    started = time.monotonic()
    while time.monotonic() - started < limit:
        before = procs.cpu_seconds(pids)
        time.sleep(1.0)
        if procs.cpu_seconds(pids) - before < idle:
            break
    return log_size(server)


def activity_path(acc):
    since = int(time.time() * 1000) - 30 * 86400 * 1000
    flt = {"where": {"and": [{"loginType": "ACCESS"}, {"loginTime": {"gte": since}}]},
           "order": "loginTime DESC", "limit": 20}
    return "/login-activity?filter=" + urllib.parse.quote(json.dumps(flt, separators=(",", ":")))


def refresh_seed(bench, server, acc, kind, count):
    sessions = provision.mint_sessions(server, acc, acc.usernames[:count])
    return token_file(bench, "refresh-%s.txt" % kind, ["%s %s" % (s["refreshToken"], s["accessToken"]) for s in sessions])


def api_server(bench, acc, db, docroot, label, module_so):
    """An API server of one build (label "" or "baseline "), with its tokens and files."""
    kind = db.kind
    keys = acc.key_files()
    name = "bench-%sapi-%s" % ("base-" if label else "", kind)
    # the module's timing line per login (authsvc2841), for the overhead beyond the hash
    server = bench.start(servers.AuthsvcBench(db, name, docroot, [keys["RS256"]], None,
                                              extra=["LogLevel warn authsvc:trace1"],
                                              module_so=module_so))
    sessions = provision.mint_sessions(server, acc, acc.usernames[:100])
    tag = "%s%s" % ("base-" if label else "", kind)
    files = {"me": token_file(bench, "me-%s.txt" % tag, [s["accessToken"] for s in sessions]),
             "viewer": token_file(bench, "viewer-%s.txt" % tag, [sessions[0]["accessToken"]]),
             "tag": tag}
    expect_status(server.issuer + "/auth/me", sessions[0]["accessToken"], 200)
    expect_status(server.issuer + activity_path(acc), sessions[0]["accessToken"], 200)
    return server, files


def api_round(bench, acc, server, files, logins, prefix):
    """One round of every API configuration against server; labels start with prefix."""
    kind, tag = server.db.kind, files["tag"]
    bearer = post = os.path.join(LUA, "rotate.lua")  # with "bearer" or "json" first
    refresh = os.path.join(LUA, "refresh.lua")
    base, path = server.issuer, activity_path(acc)
    label = prefix + kind
    bench.measure("%s unprotected" % label, server, base + "/static/file.html", bearer,
                  ["bearer", files["me"]])
    bench.measure("%s GET /auth/me" % label, server, base + "/auth/me", bearer,
                  ["bearer", files["me"]])
    bench.measure("%s token-refresh" % label, server, base + "/auth/token-refresh", refresh,
                  [refresh_seed(bench, server, acc, tag + "-run", 96), 2],
                  warmup_args=[refresh_seed(bench, server, acc, tag + "-warm", 96), 2])
    bench.measure("%s token-refresh c1" % label, server, base + "/auth/token-refresh",
                  refresh, [refresh_seed(bench, server, acc, tag + "-run1", 4), 1], 1, 1,
                  warmup_args=[refresh_seed(bench, server, acc, tag + "-warm1", 4), 1])
    bench.measure("%s login-token" % label, server, base + "/auth/login-token", post,
                  ["json", logins])
    offset = quiet_log_size(server)
    bench.measure("%s login-token c1" % label, server, base + "/auth/login-token", post,
                  ["json", logins], 1, 1)
    timings = login_timings(server, offset)
    if timings:
        row = {"all": med([t[0] for t in timings]), "password": med([t[1] for t in timings]),
               "beyond": med([t[2] for t in timings]), "count": len(timings)}
        bench.results.setdefault("%s login overhead" % label, []).append(row)
        print("  %-34s median %.2f ms beyond the password work (%.2f ms of %.2f ms; "
              "%d logins)" % ("%s login-token c1, in process" % label, row["beyond"],
                              row["password"], row["all"], row["count"]), flush=True)
    bench.measure("%s login-activity filter" % label, server, base + path, bearer,
                  ["bearer", files["viewer"]])
    bench.measure("%s login-activity c1" % label, server, base + path, bearer,
                  ["bearer", files["viewer"]], 1, 1)


def run_api(bench, acc, db, docroot):
    """The API's routes; with --baseline, the baseline build's server in the same rounds
    (each configuration of this tree, then the same of the baseline's)."""
    kind = db.kind
    print("== API on %s" % kind)
    builds = [("", None)]
    base_so = baseline_module(bench)
    if base_so:
        builds.append(("baseline ", base_so))
    started = [(prefix,) + api_server(bench, acc, db, docroot, prefix, so)
               for prefix, so in builds]
    logins = token_file(bench, "logins-%s.txt" % kind,
                        [json.dumps(provision.login_body(acc, u)) for u in acc.usernames])
    # PostgreSQL: two servers' pools (DBDMax 64 per process) exceed the bench database's
    # max_connections, and a refused connection ends refresh chains: one server at a time
    alternate = len(started) > 1 and kind == "pgsql"
    if alternate:
        for _prefix, server, _files in started:
            server.stop()
    for rnd in range(bench.args.rounds):
        print("-- API round %d/%d (%s)" % (rnd + 1, bench.args.rounds, kind), flush=True)
        for prefix, server, files in started:
            if alternate:
                server.start_again()
            api_round(bench, acc, server, files, logins, prefix)
            if alternate:
                server.stop()
    for _prefix, server, _files in started:
        server.stop()
    return started[0][1]


# ---- revocation propagation between nodes ----------------------------------------------

class KeepAlive:
    """One keep-alive HTTP connection to a node."""

    def __init__(self, server):
        import http.client
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)

    def status(self, method, path, token, body=None):
        headers = {"Authorization": "Bearer " + token}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=headers)
        resp = self.conn.getresponse()
        resp.read()
        return resp.status


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def run_propagation(bench, docroot, count):
    """Node A issues and revokes (logout); gateway nodes B and C on the same PostgreSQL
    database poll only every 300 s, so what they refuse sooner reached them by the push.
    For each of count tokens: both nodes let it through (cached), A logs it out, then each
    node is asked until it refuses; the time from the logout's answer is recorded."""
    print("== revocation propagation: %d revocations, 3 nodes on PostgreSQL" % count, flush=True)
    pg = bench.start_postgres()
    try:
        db = PgDatabase(pg, "bench-propagation")
        acc = provision.provision(db, bench.workdir)
        keys = [acc.key_files()["RS256"]]
        a = bench.start(servers.AuthsvcBench(db, "bench-prop-a", docroot, keys, None))
        gateway = ["AuthsvcGatewayIssuer %s" % a.issuer, "AuthsvcGatewayRevocationPoll 300"]
        nodes = [bench.start(servers.AuthsvcBench(db, "bench-prop-" + n, docroot, keys, None,
                                                  extra=gateway)) for n in ("b", "c")]
        sessions = provision.mint_sessions(a, acc, (acc.usernames * (count // len(acc.usernames) + 1))[:count])
        issuer, gws = KeepAlive(a), [KeepAlive(n) for n in nodes]
        times = {n.name: [] for n in nodes}
        polls = 0
        for s in sessions:
            at = s["accessToken"]
            for g in gws:
                assert g.status("GET", "/protected/file.html", at) == 200
            assert issuer.status("POST", "/logout", at, {"refreshToken": s["refreshToken"]}) == 200
            t0 = time.monotonic()
            for node, g in zip(nodes, gws):
                while g.status("GET", "/protected/file.html", at) != 401:
                    polls += 1
                    if time.monotonic() - t0 > 30:
                        raise RuntimeError("%s still accepts a token 30 s after its logout"
                                           % node.name)
                times[node.name].append((time.monotonic() - t0) * 1000)
        every = [t for ts in times.values() for t in ts]
        result = {"count": count, "median_ms": statistics.median(every),
                  "p99_ms": percentile(every, 0.99), "max_ms": max(every),
                  "nodes": {k: {"median_ms": statistics.median(v), "p99_ms": percentile(v, 0.99),
                                "max_ms": max(v)} for k, v in times.items()},
                  "extra_requests": polls}
        bench.results["propagation"] = [result]
        print("  propagation over %d revocations x %d nodes: median %.2f ms, p99 %.2f ms, "
              "max %.2f ms (%d requests still let through)" % (
                  count, len(nodes), result["median_ms"], result["p99_ms"], result["max_ms"],
                  polls), flush=True)
        for s in [a] + nodes:
            s.stop()
    finally:
        pg.stop()


def propagation_rows(bench):
    rows = ["| revocations pushed to other nodes | count | median ms | p99 ms | max ms | "
            "target | |", "|---|---|---|---|---|---|---|"]
    for r in bench.results.get("propagation", []):
        for name, v in sorted(r["nodes"].items()):
            rows.append("| node %s | %d | %.2f | %.2f | %.2f | <= 1000 ms | %s |" % (
                name, r["count"], v["median_ms"], v["p99_ms"], v["max_ms"],
                verdict(v["max_ms"], 1000.0, False)))
        rows.append("| both nodes | %d | %.2f | %.2f | %.2f | <= 1000 ms | %s |" % (
            2 * r["count"], r["median_ms"], r["p99_ms"], r["max_ms"],
            verdict(r["max_ms"], 1000.0, False)))
        rows.append("")
        rows.append("Measured from the logout's answer on node A until each node refuses "
                    "the token; a request the node still let through in between is "
                    "counted (%d in all). The poll interval was 300 s." % r["extra_requests"])
    return rows


# ---- memory over a long run ------------------------------------------------------------

def soak(bench, label, server, url, script, script_args, seconds):
    """RSS of each child 10 s into a long run and at its end."""
    children = procs.children_of(server.proc.pid)
    argv = bench.pinning.client_prefix() + [wrk.WRK, "-t2", "-c32", "-d%ds" % seconds, "-s",
                                            script, url, "--"] + list(script_args)
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(min(10, seconds / 3))
    start = {p: procs.status_kib(p, "VmRSS") for p in children}
    out = proc.communicate(timeout=seconds + 60)[0]
    end = {p: procs.status_kib(p, "VmRSS") for p in children}
    growth = max((end[p] - start[p]) / start[p] for p in children if start[p] and end[p])
    run = wrk.parse(out)
    run.update({"rss_start_kib": start, "rss_end_kib": end, "growth": growth,
                "seconds": seconds})
    bench.results.setdefault("soak " + label, []).append(run)
    print("  %-34s %9.0f req/s  RSS per child %s -> %s KiB (max growth %+.1f%%)"
          % ("soak " + label, run["rps"], sorted(start.values()), sorted(end.values()),
             growth * 100), flush=True)


def run_soak(bench, acc, gws, db, docroot):
    print("== memory: %d s runs" % bench.args.soak)
    pool = os.path.join(bench.workdir, "pool-RS256.txt")
    if gws is None or not os.path.exists(pool):
        gws = {"RS256": bench.start(servers.AuthsvcBench(db, "bench-soak", docroot,
                                                         [acc.rs_key], None))}
        tokens = provision.mint_sessions(gws["RS256"], acc, acc.usernames)
        token_file(bench, "pool-RS256.txt", [t["accessToken"] for t in tokens])
    s = gws["RS256"]
    soak(bench, "gateway RS256 1000 users", s, s.issuer + "/protected/file.html",
         os.path.join(LUA, "rotate.lua"), ["bearer", pool], bench.args.soak)
    logins = token_file(bench, "logins-soak.txt",
                        [json.dumps(provision.login_body(acc, u)) for u in acc.usernames])
    soak(bench, "login-token (argon2id)", s, s.issuer + "/auth/login-token",
         os.path.join(LUA, "rotate.lua"), ["json", logins], bench.args.soak)


# ---- the report -------------------------------------------------------------------------

def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ratio(bench, num, den):
    """Median of per-round ratios of req/s (den: a label, or runs as reference() gives
    them)."""
    a, b = bench.results.get(num, []), runs_of(bench, den)
    rs = [x["rps"] / y["rps"] for x, y in zip(a, b) if y["rps"]]
    return (med(rs), min(rs), max(rs)) if rs else None


def cpu_beyond(bench, num, den):
    """Median (min, max) over rounds of the server CPU us per request of num minus den's
    in the same round (den: a label, or runs as reference() gives them)."""
    a, b = bench.results.get(num, []), runs_of(bench, den)
    ds = [x["server_us"] - y["server_us"] for x, y in zip(a, b)
          if x.get("server_us") is not None and y.get("server_us") is not None]
    return (med(ds), min(ds), max(ds)) if ds else None


def runs_of(bench, what):
    return what if isinstance(what, list) else bench.results.get(what, [])


def reference(bench, build, alg):
    """A gateway's unprotected limit in each round: the mean of the unprotected runs just
    before and just after its protected runs, so that a machine getting faster or slower
    within the round moves both sides of the ratio alike (the one before alone when a
    report has no run after)."""
    before = bench.results.get("%sgw %s unprotected" % (build, alg), [])
    after = bench.results.get("%sgw %s unprotected after" % (build, alg), [])
    if len(after) != len(before):
        return before
    out = []
    for x, y in zip(before, after):
        cpu = (None if x.get("server_us") is None or y.get("server_us") is None
               else (x["server_us"] + y["server_us"]) / 2)
        out.append({"rps": (x["rps"] + y["rps"]) / 2, "server_us": cpu})
    return out


def versions():
    def first_line(argv):
        try:
            r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            return r.stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return "not found"
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return [("machine", "%s, %d cores, %s" % (cpu, os.cpu_count(), platform.platform())),
            ("httpd", first_line(["/usr/sbin/apache2", "-v"])),
            ("mod_auth_openidc", openidc_version()),
            ("wrk", wrk.version()),
            ("SQLite", first_line(["sqlite3", "--version"]).split()[0]),
            ("PostgreSQL", first_line(["/usr/lib/postgresql/15/bin/postgres", "--version"])),
            ("OpenSSL", first_line(["openssl", "version"]))]


def table_rows(bench):
    rows = ["| configuration | req/s median | min | max | server CPU us/req median | min | max "
            "| p50 ms | p99 ms | non-2xx | errors | peak RSS/child MiB | noisy runs |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for label, runs in bench.results.items():
        if label.endswith(" login overhead") or label.startswith("soak ") \
                or label == "propagation":
            continue
        rps = [r["rps"] for r in runs]
        cpu = [r["server_us"] for r in runs if r.get("server_us") is not None] or [0]
        noisy = sum(1 for r in runs if r["other_cpu"] > NOISY_CPU_PERCENT)
        rows.append("| %s | %.0f | %.0f | %.0f | %.1f | %.1f | %.1f | %.2f | %.2f | %d | %d "
                    "| %.0f | %d/%d |" % (
            label, med(rps), min(rps), max(rps), med(cpu), min(cpu), max(cpu),
            med([r["p50_ms"] for r in runs]),
            med([r["p99_ms"] for r in runs]), sum(r["non2xx"] for r in runs),
            sum(r["socket_errors"] for r in runs),
            max(r["peak_rss_kib"] for r in runs) / 1024.0, noisy, len(runs)))
    return rows


def verdict(value, target, higher=True):
    if value is None:
        return "not measured"
    ok = value >= target if higher else value <= target
    return "meets" if ok else "misses"


def ratio_rows(bench):
    rows = ["| ratio (median of rounds) | value | min | max | target | |", "|---|---|---|---|---|---|"]

    def add(name, r, target):
        if r:
            rows.append("| %s | %.3f | %.3f | %.3f | >= %.2f | %s |"
                        % (name, r[0], r[1], r[2], target, verdict(r[0], target)))
    for build in ("", "baseline "):
        for alg in ALGS:
            for what in ("one token", "1000 users"):
                add("%sgateway %s %s / unprotected" % (build, alg, what),
                    ratio(bench, "%sgw %s %s" % (build, alg, what),
                          reference(bench, build, alg)), TARGETS["gateway"])
        for alg in ALGS:
            for what in ("one token", "1000 users"):
                r = cpu_beyond(bench, "%sgw %s %s" % (build, alg, what),
                               reference(bench, build, alg))
                if r:
                    rows.append("| %sgateway %s %s: server CPU us/request beyond unprotected "
                                "| %+.1f | %+.1f | %+.1f | | |" % ((build, alg, what) + r))
    for alg in ALGS:
        add("gateway %s / mod_auth_openidc %s (1000 users)" % (alg, alg),
            ratio(bench, "gw %s 1000 users" % alg, "openidc %s 1000 users" % alg), TARGETS["peer"])
    for alg in ALGS:
        r = ratio(bench, "openidc %s 1000 users" % alg, "openidc unprotected")
        if r:
            rows.append("| mod_auth_openidc %s / its unprotected | %.3f | %.3f | %.3f | | |"
                        % (alg, r[0], r[1], r[2]))
    for kind in ("sqlite", "pgsql"):
        add("%s GET /auth/me / unprotected" % kind,
            ratio(bench, "%s GET /auth/me" % kind, "%s unprotected" % kind), TARGETS["me"])
    return rows


def overhead_rows(bench):
    """Login-token time beyond the password work, measured in the server process (the
    authsvc2841 timing lines: request line to answer, minus the time spent in the password
    hash itself), and token-refresh's p50 at one connection (it hashes no password)."""
    rows = ["| service overhead, 1 connection | ms | target | |", "|---|---|---|---|"]
    for kind in ("sqlite", "pgsql", "baseline sqlite", "baseline pgsql"):
        target = 1.5 if kind.endswith("pgsql") else TARGETS["overhead_ms"]
        refresh = bench.results.get("%s token-refresh c1" % kind)
        login = bench.results.get("%s login overhead" % kind)
        if refresh:
            v = med([r["p50_ms"] for r in refresh])
            rows.append("| %s token-refresh p50 (no hash) | %.2f | | |" % (kind, v))
        if login:
            v = med([r["beyond"] for r in login])
            rows.append("| %s login-token beyond the password hash, in process (median of "
                        "each round's median over %d round(s); hash %.2f ms of %.2f ms in "
                        "all) | %.2f | <= %.1f ms | %s |" % (
                            kind, len(login), med([r["password"] for r in login]),
                            med([r["all"] for r in login]), v, target,
                            verdict(v, target, False)))
    return rows


def soak_rows(bench):
    rows = ["| long run | seconds | req/s | RSS per child at 10 s (KiB) | at the end | max growth | target | |",
            "|---|---|---|---|---|---|---|---|"]
    for label, runs in bench.results.items():
        if not label.startswith("soak "):
            continue
        for r in runs:
            rows.append("| %s | %d | %.0f | %s | %s | %+.1f%% | <= +5%% | %s |" % (
                label[5:], r["seconds"], r["rps"], sorted(r["rss_start_kib"].values()),
                sorted(r["rss_end_kib"].values()), r["growth"] * 100,
                verdict(r["growth"], TARGETS["rss_growth"], False)))
    return rows


def report(bench, argv, started):
    lines = ["# mod_authsvc benchmark, %s" % started.strftime("%Y-%m-%d %H:%M UTC"), "",
             "Command: `%s` (%d rounds of %d s per configuration, %d s warm-up; wrk 2 "
             "threads x 32 connections, or 1 x 1 where the label says c1)." % (
                 " ".join(argv), bench.args.rounds, bench.args.seconds, bench.args.warmup), "",
             "Pinning: %s. Server CPU us/request: utime + stime of the httpd processes "
             "(/proc) over the run, divided by the requests wrk counted." %
             bench.pinning.describe(), ""]
    lines += ["| | |", "|---|---|"] + ["| %s | %s |" % v for v in versions()] + [""]
    lines += ["## Ratios", ""] + ratio_rows(bench) + [""]
    lines += ["## Service overhead beyond the password hash", ""] + overhead_rows(bench) + [""]
    if "propagation" in bench.results:
        lines += ["## Revocation propagation", ""] + propagation_rows(bench) + [""]
    if any(k.startswith("soak ") for k in bench.results):
        lines += ["## Memory", ""] + soak_rows(bench) + [""]
    lines += ["## Every configuration", ""] + table_rows(bench) + [""]
    lines += ["A run is noisy when processes other than its httpd and wrk took more than "
              "%d %% of the machine's CPU while it ran." % NOISY_CPU_PERCENT, ""]
    lines += bench.notes
    return "\n".join(lines) + "\n"


# ---- main -------------------------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--soak", type=int, default=60, help="seconds of each memory run (0: none)")
    p.add_argument("--only", default="gateway,api,soak,propagation")
    p.add_argument("--revocations", type=int, default=1000,
                   help="revocations timed by the propagation run")
    p.add_argument("--db", default="sqlite,pgsql")
    p.add_argument("--baseline", default=None, metavar="DIR",
                   help="also run the gateway with the module built in DIR (another "
                        "commit's tree), interleaved in the same rounds")
    p.add_argument("--no-pin", action="store_true",
                   help="do not pin httpd and wrk to separate cores")
    p.add_argument("--out", default=None, help="report file (default bench/results/DATE.md)")
    return p.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    only, kinds = set(args.only.split(",")), args.db.split(",")
    started = datetime.datetime.now(datetime.timezone.utc)
    workdir = util.make_tempdir("authsvc-bench-")
    bench = Bench(args, workdir)
    docroot = servers.make_docroot(os.path.join(workdir, "docroot"))
    pg = None
    try:
        sqlite = SqliteDatabase("bench")
        print("== provisioning SQLite (%d users, %d activity rows)"
              % (provision.USERS, provision.ACTIVITY_ROWS), flush=True)
        acc = provision.provision(sqlite, workdir)
        gws = run_gateway(bench, acc, sqlite, docroot) if "gateway" in only else None
        if "soak" in only and args.soak > 0:
            run_soak(bench, acc, gws, sqlite, docroot)
        if gws:
            for s in gws.values():
                s.stop()
        if "api" in only:
            if "sqlite" in kinds:
                run_api(bench, acc, sqlite, docroot)
            if "pgsql" in kinds:
                pg = bench.start_postgres()
                pgdb = PgDatabase(pg, "bench")
                print("== provisioning PostgreSQL", flush=True)
                pg_acc = provision.provision(pgdb, workdir)
                run_api(bench, pg_acc, pgdb, docroot)
        if "propagation" in only and args.revocations > 0:
            run_propagation(bench, docroot, args.revocations)
    finally:
        for s in bench.servers:
            try:
                s.stop(check=False)
            except Exception as e:  # keep going: stop the others
                print("bench: stopping %s: %s" % (s.name, e))
        crashes = [line for s in bench.servers for line in s.crash_lines()]
        if pg:
            pg.stop()
    text = report(bench, ["bench/run"] + argv, started)
    out = args.out or os.path.join(HERE, "results", started.strftime("%Y-%m-%d") + ".md")
    with open(out, "w") as f:
        f.write(text)
    print("\n" + text)
    print("report written to %s" % out)
    if crashes:
        print("bench: httpd error logs show crashes:\n" + "\n".join(crashes[:10]))
        return 1
    for s in bench.servers:
        s.cleanup()
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
