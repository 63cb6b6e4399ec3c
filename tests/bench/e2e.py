#!/usr/bin/env python3
"""make bench-e2e: safeshare end to end, through a real Postfix.

Three private Postfix instances on loopback relay to one smtp-sink: one
with no milter, one with a do-nothing libmilter milter (tests/bench/
nullmilter), one with safeshare-milter.  For each kind of message
(e2e_corpus.py) and each setup, `smtp-source -s 10` sends a batch; the
setups take turns within every repetition, so drift in a shared machine's
load falls on all three alike, and the spread over repetitions is printed
beside every ratio.  Then, one message at a time, the time from the end of
DATA to Postfix's answer (p50/p99), and the milter's peak RSS while it
checks one message of 1 KB, 1 MB, 10 MB and 50 MB.

    e2e.py [--reps N] [--scale F] [--smoke] [--conf 'Key value' ...]
           [--json FILE] [--soak N] [--memory]

--smoke: one repetition of small batches and the small sizes only (CI).
--memory: only the peak RSS rows, every size.
--soak N: send N messages through safeshare only and print its RSS every
5,000 (the "flat over 100,000 messages" figure).  Needs root (Postfix)."""

import argparse
import json
import os
import resource
import signal
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
import pflab  # noqa: E402
import e2e_corpus  # noqa: E402

BUILD = os.environ.get("SS_BUILDDIR") or os.path.dirname(os.path.dirname(HERE))
TICK = os.sysconf("SC_CLK_TCK")
# Messages per batch and kind at scale 1: about two seconds each on a
# quiet two-core machine with safeshare in front.
BATCH = {"text 5 KB": 400, "text 100 KB": 150, "DOCX referral": 300, "PDF letter": 300,
         "XLSX register": 300, "ZIP of three": 150, "insecure, refused": 300}
SIZES = [("1 KB", 1000), ("1 MB", 1 << 20), ("10 MB", 10 << 20), ("50 MB", 50 << 20)]


# ---------------------------------------------------------------- processes

def proc_stat(pid):
    """(utime+stime, cutime+cstime) of a process, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = [int(x) for x in fields[11:15]]
    return (ticks[0] + ticks[1]) / TICK, (ticks[2] + ticks[3]) / TICK


def children(pid):
    out = []
    for task in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/children" % (pid, task)) as f:
                out += [int(x) for x in f.read().split()]
        except OSError:
            pass
    return out


def status_kb(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class CpuMeter:
    """CPU of a milter and, apart, of the attachment readers it uses:
    one-shot readers are its own children (reaped: cutime), pool readers
    are children of safeshare-readerd (live ones read one by one)."""

    def __init__(self, pid):
        self.pid = pid

    def readerd(self):
        for c in children(self.pid):
            try:
                with open("/proc/%d/comm" % c) as f:
                    if f.read().strip().startswith("safeshare-read"):
                        return c
            except OSError:
                pass
        return None

    def sample(self):
        own, reaped = proc_stat(self.pid)
        readers = {}
        mgr = self.readerd()
        mgr_reaped = 0.0
        if mgr:
            mgr_reaped = proc_stat(mgr)[1]
            for r in children(mgr):
                try:
                    readers[r] = proc_stat(r)[0]
                except OSError:
                    pass
        return {"milter": own, "reaped": reaped, "mgr_reaped": mgr_reaped, "live": readers}

    @staticmethod
    def delta(a, b):
        """(milter CPU, readers CPU) in seconds between samples a and b."""
        readers = (b["reaped"] - a["reaped"]) + (b["mgr_reaped"] - a["mgr_reaped"])
        readers += sum(b["live"].values()) - sum(a["live"].values())
        return b["milter"] - a["milter"], readers


# ---------------------------------------------------------------- setups

class Setup:
    def __init__(self, name, lab, sink_port):
        self.name, self.lab = name, lab
        self.proc = None
        subprocess.run(["postconf", "-c", lab.postfix_conf, "-e",
                        "relayhost=[127.0.0.1]:%d" % sink_port,
                        "message_size_limit=%d" % (100 << 20)], check=True)
        subprocess.run(["postfix", "-c", lab.postfix_conf, "reload"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    @property
    def port(self):
        return self.lab.smtpd_port

    def milter_pid(self):
        if self.name == "safeshare":
            return self.lab.milter_proc.pid
        return self.proc.pid if self.proc else None


def start_setups(stack, conf):
    sink_port = pflab.free_port()
    sink = subprocess.Popen(["smtp-sink", "-u", "postfix", "127.0.0.1:%d" % sink_port, "1000"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stack.append(sink)
    pflab.wait_for(lambda: socket.create_connection(("127.0.0.1", sink_port), 2).close() or True,
                   10, "smtp-sink")
    setups = []
    none = pflab.Lab(milter=False)
    none.start()
    stack.append(none)
    setups.append(Setup("no milter", none, sink_port))
    null = pflab.Lab(milter="down")
    null.start()
    stack.append(null)
    s = Setup("do-nothing", null, sink_port)
    # --lean: it negotiates as safeshare does (no reply awaited per header),
    # so the ratio is what safeshare's work costs, not a protocol choice
    s.proc = subprocess.Popen([os.path.join(BUILD, "tests", "bench", "nullmilter"), "--lean",
                               "unix:" + null.milter_socket])
    stack.append(s.proc)
    pflab.wait_for(lambda: os.path.exists(null.milter_socket), 10, "nullmilter socket")
    setups.append(s)
    # the 50 MB row must be scanned, not refused as oversize
    safe = pflab.Lab(milter=True, milter_conf="".join(c + "\n" for c in ["MaxMessageSize 64M"] + conf))
    safe.start()
    stack.append(safe)
    setups.append(Setup("safeshare", safe, sink_port))
    return setups


def stop_all(stack):
    for thing in reversed(stack):
        try:
            if isinstance(thing, pflab.Lab):
                thing.stop()
            else:
                thing.terminate()
                thing.wait(timeout=10)
        except Exception as e:  # keep tearing down the rest
            print("# teardown: %s" % e, file=sys.stderr)


# ---------------------------------------------------------------- sending

def send_threads(setup, msg, rcpt, count, sessions):
    """What smtp-source cannot do: carry on when the answer is a refusal
    (it stops at the first 5xx). Sessions in threads, one message each."""
    left = [count]
    lock = threading.Lock()
    errors = []

    def worker():
        while True:
            with lock:
                if left[0] == 0:
                    return
                left[0] -= 1
            try:
                one(setup, msg, rcpt)
            except Exception as e:  # counted, reported after the batch
                errors.append(e)
    t0 = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError("%d of %d sends to %s failed: %s" % (len(errors), count, setup.name,
                                                               errors[0]))
    return time.monotonic() - t0


def smtp_source(setup, path, rcpt, count, sessions=10):
    """Send count copies of the file; the wall time it took."""
    if rcpt == e2e_corpus.INSECURE_RCPT:
        with open(path, "rb") as f:
            return send_threads(setup, f.read(), rcpt, count, sessions)
    t0 = time.monotonic()
    r = subprocess.run(["smtp-source", "-s", str(sessions), "-m", str(count), "-F", path,
                        "-f", e2e_corpus.SENDER, "-t", rcpt, "127.0.0.1:%d" % setup.port],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=900)
    took = time.monotonic() - t0
    if r.returncode != 0:
        raise RuntimeError("smtp-source to %s failed: %s" % (setup.name,
                                                               r.stdout.decode(errors="replace")))
    return took


def one(setup, msg, rcpt):
    """(seconds from end of DATA to the answer, reply code) for one message."""
    with smtplib.SMTP("127.0.0.1", setup.port, timeout=120) as c:
        c.ehlo("bench.stmarys.sch.uk")
        c.mail(e2e_corpus.SENDER)
        c.rcpt(rcpt)
        c.putcmd("data")
        code, _ = c.getreply()
        if code != 354:
            raise RuntimeError("DATA refused: %d" % code)
        c.send(msg.replace(b"\r\n.", b"\r\n..") + b".\r\n")
        t0 = time.monotonic()
        code, _ = c.getreply()
        return time.monotonic() - t0, code


# ---------------------------------------------------------------- measuring

def throughput(setups, corpus, files, reps, scale):
    """rows[kind][setup] = list of per-repetition dicts."""
    rows = {k: {s.name: [] for s in setups} for k in corpus}
    for rep in range(reps):
        for kind in corpus:
            n = max(5, int(BATCH[kind] * scale))
            order = setups[rep % 3:] + setups[:rep % 3]
            for s in order:
                pid = s.milter_pid()
                meter = CpuMeter(pid) if pid else None
                a = meter.sample() if meter else None
                took = smtp_source(s, files[kind], corpus[kind][1], n)
                cpu = CpuMeter.delta(a, meter.sample()) if meter else (0.0, 0.0)
                rows[kind][s.name].append({"n": n, "secs": took, "milter_cpu": cpu[0],
                                           "reader_cpu": cpu[1]})
        print("# repetition %d of %d done" % (rep + 1, reps), file=sys.stderr, flush=True)
    return rows


def latency(setups, corpus, count):
    out = {k: {} for k in corpus}
    for kind, (msg, rcpt) in corpus.items():
        for s in setups:
            t = sorted(one(s, msg, rcpt)[0] for _ in range(count))
            out[kind][s.name] = {"p50": t[len(t) // 2], "p99": t[min(len(t) - 1, len(t) * 99 // 100)]}
    return out


def memory(setup, sizes, workdir):
    """Peak RSS growth of the milter while it checks one message of each size."""
    pid = setup.milter_pid()
    out = {}
    for label, size in sizes:
        msg = e2e_corpus.sized(size)
        worst = 0
        for _ in range(2):
            with open("/proc/%d/clear_refs" % pid, "w") as f:
                f.write("5")            # the peak (VmHWM) starts again from now
            before = status_kb(pid, "VmRSS")
            took, code = one(setup, msg, e2e_corpus.SECURE_RCPT)
            worst = max(worst, status_kb(pid, "VmHWM") - before)
        out[label] = {"bytes": len(msg), "growth_kb": worst, "rss_kb": status_kb(pid, "VmRSS"),
                      "code": code, "secs": took}
    return out


# ---------------------------------------------------------------- report

def spread(values):
    return "%.2f" % values[0] if len(values) == 1 else "%.2f-%.2f" % (min(values), max(values))


def report(rows, lat, mem, machine):
    print("\n%s\n" % machine)
    print("| message | no milter msgs/s | do-nothing msgs/s | safeshare msgs/s | "
          "ratio to do-nothing (median, spread) | milter CPU ms/msg (do-nothing / safeshare) | "
          "reader CPU ms/msg | added latency p50 / p99 ms |")
    print("|---|---|---|---|---|---|---|---|")
    for kind, per in rows.items():
        rate = {s: [r["n"] / r["secs"] for r in v] for s, v in per.items()}
        ratios = [a / b for a, b in zip(rate["safeshare"], rate["do-nothing"])]

        def cpu(s, key):
            n = sum(r["n"] for r in per[s])
            return 1000 * sum(r[key] for r in per[s]) / n

        base = lat[kind]["no milter"]
        added = lat[kind]["safeshare"]
        print("| %s | %.0f | %.0f | %.0f | %.2f (%s) | %.2f / %.2f | %.2f | %.1f / %.1f |" % (
            kind, statistics.median(rate["no milter"]), statistics.median(rate["do-nothing"]),
            statistics.median(rate["safeshare"]), statistics.median(ratios), spread(ratios),
            cpu("do-nothing", "milter_cpu"), cpu("safeshare", "milter_cpu"),
            cpu("safeshare", "reader_cpu"),
            1000 * (added["p50"] - base["p50"]), 1000 * (added["p99"] - base["p99"])))
    report_memory(mem)


def report_memory(mem):
    print("\n| message size | milter peak RSS growth | answer |")
    print("|---|---|---|")
    for label, m in mem.items():
        print("| %s (%.1f MB sent) | %.1f MB | %d in %.2f s |" % (
            label, m["bytes"] / 1e6, m["growth_kb"] / 1024, m["code"], m["secs"]))


def machine_line():
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()
    return "machine: %s, %d CPUs online, load %.1f %.1f %.1f; %s" % (
        model, os.cpu_count(), load[0], load[1], load[2], time.strftime("%Y-%m-%d %H:%M %Z"))


def soak(setup, files, corpus, total):
    pid = setup.milter_pid()
    kinds = ["text 5 KB", "DOCX referral", "PDF letter", "ZIP of three"]
    sent, i = 0, 0
    print("| messages | milter RSS MB |\n|---|---|")
    print("| 0 | %.1f |" % (status_kb(pid, "VmRSS") / 1024), flush=True)
    while sent < total:
        kind = kinds[i % len(kinds)]
        smtp_source(setup, files[kind], corpus[kind][1], 5000 // len(kinds))
        sent += 5000 // len(kinds)
        i += 1
        if i % len(kinds) == 0:
            print("| %d | %.1f |" % (sent, status_kb(pid, "VmRSS") / 1024), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--latency", type=int, default=60)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--conf", action="append", default=[])
    ap.add_argument("--json")
    ap.add_argument("--soak", type=int, default=0)
    ap.add_argument("--memory", action="store_true")
    a = ap.parse_args()
    if a.smoke:
        a.reps, a.scale, a.latency = 1, 0.03, 5
    if os.geteuid() != 0:
        sys.exit("bench-e2e: needs root (it starts private Postfix instances)")
    resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
    work = tempfile.mkdtemp(prefix="safeshare-e2e-")
    corpus = e2e_corpus.build(work, os.path.join(BUILD, "tests", "bench", "mkdoc"))
    files = {}
    for i, (kind, (msg, _)) in enumerate(corpus.items()):
        files[kind] = os.path.join(work, "m%d.eml" % i)
        with open(files[kind], "wb") as f:
            f.write(msg)
    stack = []
    try:
        setups = start_setups(stack, a.conf)
        if a.soak:
            soak(setups[2], files, corpus, a.soak)
            return
        if a.memory:
            print("\n%s\n" % machine_line())
            report_memory(memory(setups[2], SIZES, work))
            return
        for kind, (msg, rcpt) in corpus.items():   # warm every path once
            for s in setups:
                one(s, msg, rcpt)
        rows = throughput(setups, corpus, files, a.reps, a.scale)
        lat = latency(setups, corpus, a.latency)
        mem = memory(setups[2], SIZES[:2] if a.smoke else SIZES, work)
        machine = machine_line()
        report(rows, lat, mem, machine)
        if a.json:
            with open(a.json, "w") as f:
                json.dump({"machine": machine, "rows": rows, "latency": lat, "memory": mem,
                           "conf": a.conf}, f, indent=1)
    finally:
        stop_all(stack)
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    main()
