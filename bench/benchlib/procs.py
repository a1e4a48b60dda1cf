"""Figures of processes read from /proc: the children of an httpd, their resident set
(now and peak), the CPU time they used, and how much CPU other processes took during a
run; and the pinning of the servers and of wrk to separate cores (taskset)."""
import os
import subprocess


def children_of(pid):
    """PIDs whose parent is pid."""
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(name))
    return sorted(out)


def descendants_of(pid):
    """PIDs below pid (children, their children, ...)."""
    parents, out = {}, []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(name))
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return sorted(out)


def status_kib(pid, field):
    """VmRSS / VmHWM of pid in KiB, or None when it is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def reset_peaks(pids):
    """Sets each process's peak RSS (VmHWM) back to its current RSS (needs root or the
    same user); returns whether it worked for all."""
    ok = True
    for pid in pids:
        try:
            with open("/proc/%d/clear_refs" % pid, "w") as f:
                f.write("5")
        except OSError:
            ok = False
    return ok


def cpu_ticks(pids):
    """utime + stime of the given processes, in clock ticks."""
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total


def cpu_seconds(pids):
    """utime + stime of the given processes (all their threads), in seconds."""
    return cpu_ticks(pids) / float(os.sysconf("SC_CLK_TCK"))


def machine_ticks():
    """(busy, total) clock ticks of the whole machine since boot."""
    with open("/proc/stat") as f:
        parts = [int(x) for x in f.readline().split()[1:]]
    idle = parts[3] + (parts[4] if len(parts) > 4 else 0)
    total = sum(parts[:8])
    return total - idle, total


class CpuWatch:
    """How much of the machine's CPU went to processes other than `ours` between
    start() and stop(), in percent of all cores."""

    def __init__(self, ours):
        self.ours = ours
        self.start_busy = self.start_total = self.start_ours = 0

    def start(self):
        self.start_busy, self.start_total = machine_ticks()
        self.start_ours = cpu_ticks(self.ours())

    def stop(self, extra_seconds=0.0):
        """extra_seconds: CPU time of our own processes that have ended meanwhile (wrk)."""
        busy, total = machine_ticks()
        ours = (cpu_ticks(self.ours()) - self.start_ours
                + extra_seconds * os.sysconf("SC_CLK_TCK"))
        elapsed = max(1, total - self.start_total)
        others = max(0, (busy - self.start_busy) - ours)
        return 100.0 * others / elapsed


class Pinning:
    """Servers on the first half of the cores this process may use, wrk on the other
    half, when there are two or more (on one core nothing is pinned): server and load
    generator then do not take turns on one core, and the server's CPU time per request
    is its own."""

    def __init__(self, enabled=True):
        cpus = sorted(os.sched_getaffinity(0))
        half = len(cpus) // 2
        self.active = enabled and len(cpus) >= 2 and os.path.exists("/usr/bin/taskset")
        self.server = cpus[:half] if self.active else cpus
        self.client = cpus[half:] if self.active else cpus

    @staticmethod
    def _list(cpus):
        return ",".join(str(c) for c in cpus)

    def describe(self):
        if not self.active:
            return "not pinned (fewer than 2 cores, or no taskset)"
        return "httpd on CPU %s, wrk on CPU %s (taskset)" % (self._list(self.server),
                                                              self._list(self.client))

    def pin_server(self, pid):
        """The server and every thread of its processes; children it forks later
        inherit the parent's mask."""
        if not self.active:
            return
        for p in [pid] + descendants_of(pid):
            subprocess.run(["taskset", "-a", "-p", "-c", self._list(self.server), str(p)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def client_prefix(self):
        """What wrk's command line starts with."""
        return ["taskset", "-c", self._list(self.client)] if self.active else []
