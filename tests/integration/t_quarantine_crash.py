#!/usr/bin/env python3
"""Held mail survives crashes of the milter, through a real Postfix (issue 4).

With `OnInsecure quarantine`, a client thread sends insecure shares through
the lab's Postfix one after another while this thread SIGKILLs the milter
at random moments and starts it again (as systemd's Restart= would), and a
third thread keeps listing the store.  Afterwards:

  - every message the client saw accepted (250) is in the store whole (at
    least once: the store documents that a crash after its record is named
    but before the MTA hears the answer may hold a message twice, and the
    duplicates are reported), readable by `safesharectl quarantine show`,
    with its audit record;
  - `list` never failed and never listed an entry without its message;
  - what crashes left behind is only what ss_quarantine_fsck may remove, and
    `purge` (which runs it) removes it without touching an entry;
  - nothing reached the sink: an insecure share is never delivered;
  - with the milter down the MTA answered 4xx, and stored nothing.

Needs root.  SS_CRASH_SEED=N repeats a run; SS_CRASH_SENDS=N changes its size.
"""

import json
import os
import random
import re
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # keep the source tree clean in VPATH builds
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pflab  # noqa: E402

SENDER = "j.smith@stmarys.sch.uk"
INSECURE = "sam.taylor.sw@gmail.com"
SENDS = int(os.environ.get("SS_CRASH_SENDS", "60"))
SEED = int(os.environ.get("SS_CRASH_SEED", str(int(time.time()) % 100000)))
PAD = int(os.environ.get("SS_CRASH_PAD", "400000"))  # body bytes: a wider window to hit
BUDGET = 40          # seconds for the sending phase, whatever happens
TRIES = 6            # attempts per message
RETRY_PAUSE = 0.1    # seconds after a 4xx before the next attempt
SEQ_HEADER = "X-Crash-Seq"
SEQ_RE = re.compile(rb"(?im)^X-Crash-Seq:\s*(\d+)\s*$")


class CrashLab(pflab.Lab):
    """The lab with `OnInsecure quarantine`, and no notices (they would only
    add mail at the sink, and notices are not what this test is about)."""

    def write_milter_config(self):
        super().write_milter_config()
        with open(self.milter_config) as f:
            conf = f.read()
        conf, n = re.subn(r"(?m)^OnInsecure\s+reject$", "OnInsecure      quarantine", conf)
        if n != 1:
            raise pflab.LabError("the lab config has no `OnInsecure reject` line to replace")
        with open(self.milter_config, "w") as f:
            f.write(conf)


def padded(raw):
    """The safeguarding mail with PAD bytes of ordinary notes appended, so
    each transaction (transfer, scan, store) lasts long enough to be hit."""
    eol = b"\r\n" if b"\r\n" in raw else b"\n"
    lines, n = [], 0
    while n < PAD:
        ln = b"Attendance note %d: nothing new to add this week." % len(lines)
        lines.append(ln)
        n += len(ln) + len(eol)
    return raw.rstrip(b"\r\n") + eol + eol + eol.join(lines) + eol


def body_of(raw):
    return re.sub(rb"\r?\n", b"\n", raw).partition(b"\n\n")[2].rstrip()


class Run:
    def __init__(self, lab):
        self.lab = lab
        self.rng = random.Random(SEED)
        self.base = padded(pflab.load_mail("safeguarding-nhs.eml", to=[INSECURE]))
        self.answers = []        # (seq, code, text) for every attempt
        self.kills = 0
        self.list_runs = 0
        self.list_failures = []
        self.partial_listed = []
        self.done = threading.Event()
        self.started = threading.Event()   # the client has begun a send
        self.durations = []                # seconds per accepted send
        self.restarts = []                 # seconds each restart took
        self.client_error = None

    def ctl(self, *args, timeout=60):
        p = subprocess.run([pflab.ctl_binary(), "-c", self.lab.milter_config] + list(args),
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        return (p.returncode, p.stdout.decode("utf-8", "replace"),
                p.stderr.decode("utf-8", "replace"))

    @property
    def qdir(self):
        return self.lab.path("quarantine")

    def message(self, seq):
        return ("%s: %d\r\n" % (SEQ_HEADER, seq)).encode() + self.base

    # -- the three actors

    def client(self):
        """Send SENDS messages, each retried after a 4xx as a mail client or
        MTA would (sooner, and at most TRIES times): a message held just
        before a crash, whose 250 never came, is then held twice."""
        try:
            deadline = time.monotonic() + BUDGET
            for seq in range(1, SENDS + 1):
                for _ in range(TRIES):
                    if time.monotonic() > deadline:
                        return
                    self.started.set()
                    t0 = time.monotonic()
                    code, text = self.lab.send(SENDER, [INSECURE], self.message(seq),
                                               timeout=30)
                    self.answers.append((seq, code, text))
                    if code == 250:
                        self.durations.append(time.monotonic() - t0)
                        break
                    time.sleep(RETRY_PAUSE)
        except Exception as e:  # reported as a failed check, not a hang
            self.client_error = "%s: %s" % (type(e).__name__, e)
        finally:
            self.done.set()

    def lister(self):
        while not self.done.is_set():
            rc, out, err = self.ctl("quarantine", "list", "--state", "all", "--json")
            self.list_runs += 1
            try:
                entries = json.loads(out) if rc == 0 else None
            except ValueError:
                entries = None
            if entries is None:
                self.list_failures.append("exit %d: %s" % (rc, (err or out)[:200]))
            else:
                for e in entries:
                    if not os.path.exists(os.path.join(self.qdir, e["reference"] + ".msg")):
                        self.partial_listed.append(e["reference"])
            time.sleep(0.15)

    def next_send(self):
        """Wait for the client to begin a send; False when it has finished."""
        while not self.done.is_set():
            if self.started.wait(0.5):
                self.started.clear()
                return True
        return False

    def killer(self):
        """Let 0-3 attempts through, then SIGKILL at a random moment of the next
        one (a send takes milliseconds: a blind timer would rarely land
        inside one); stay down a random while, then start again."""
        while True:
            for _ in range(self.rng.randint(0, 3)):
                self.next_send()
            if not self.next_send():
                return
            d = sorted(self.durations)
            window = 1.3 * d[len(d) // 2] if d else 0.1
            time.sleep(self.rng.uniform(0.0, window))
            self.lab.kill_milter()
            self.kills += 1
            time.sleep(self.rng.uniform(0.0, 0.1))
            t0 = time.monotonic()
            self.lab.restart_milter()
            self.restarts.append(time.monotonic() - t0)

    def run(self):
        threads = [threading.Thread(target=self.client, daemon=True),
                   threading.Thread(target=self.lister, daemon=True)]
        for t in threads:
            t.start()
        self.killer()
        for t in threads:
            t.join(timeout=60)
        if not self.lab.milter_alive():
            self.lab.restart_milter()

    # -- what is in the store afterwards

    def store(self):
        """{seq: [ref, ...]}, {ref: problem} for the entries list gives."""
        rc, out, err = self.ctl("quarantine", "list", "--state", "all", "--json")
        if rc != 0:
            raise RuntimeError("list failed after the run: %s" % err)
        by_seq, problems = {}, {}
        want = body_of(self.base)
        for e in json.loads(out):
            ref = e["reference"]
            try:
                with open(os.path.join(self.qdir, ref + ".msg"), "rb") as f:
                    raw = f.read()
            except OSError as x:
                problems[ref] = "listed but its message cannot be read: %s" % x
                continue
            m = SEQ_RE.search(raw)
            if not m:
                problems[ref] = "held message has no %s header" % SEQ_HEADER
                continue
            if body_of(raw) != want:
                problems[ref] = "held body differs from the one sent (%d bytes, not %d)" % (
                    len(body_of(raw)), len(want))
            by_seq.setdefault(int(m.group(1)), []).append(ref)
        return by_seq, problems


def accepted(run):
    """The messages that got a 250 (each gets at most one: no retry after it)."""
    return sorted(s for s, code, _ in run.answers if code == 250)


def tempfailed(run):
    """Attempts answered 4xx, as (seq, text)."""
    return [(s, t) for s, code, t in run.answers if 400 <= code < 500]


# ------------------------------------------------------------------ checks

def t_ran(run, st):
    bad = []
    if run.client_error:
        bad.append("the client stopped: %s" % run.client_error)
    other = [(s, c, t) for s, c, t in run.answers if c != 250 and not 400 <= c < 500]
    if other:
        bad.append("answers neither 250 nor 4xx: %r" % other[:5])
    if run.kills < 3:
        bad.append("only %d kills: the run did not exercise crashes" % run.kills)
    if len(accepted(run)) < 5:
        bad.append("only %d messages accepted: too few to show anything" % len(accepted(run)))
    return bad, ["seed %d: %d messages in %d attempts: %d accepted (250), %d answers 4xx; "
                 "%d kills (restart %.2fs at most), %d list runs"
                 % (SEED, len({s for s, _, _ in run.answers}), len(run.answers),
                    len(accepted(run)), len(tempfailed(run)), run.kills,
                    max(run.restarts or [0]), run.list_runs)]


def t_accepted_are_held_whole(run, st):
    by_seq, problems = st["store"]
    bad = []
    for seq in accepted(run):
        if not by_seq.get(seq):
            bad.append("message %d was accepted (250) but is not in the store" % seq)
    for ref, why in sorted(problems.items()):
        bad.append("%s: %s" % (ref, why))
    for refs in by_seq.values():
        for ref in refs:
            rc, out, err = run.ctl("quarantine", "show", ref, "--json")
            if rc != 0:
                bad.append("show %s exited %d: %s" % (ref, rc, err.strip()))
    dups = {s: r for s, r in by_seq.items() if len(r) > 1}
    ok = set(accepted(run))
    extra = sum(len(r) - (s in ok) for s, r in by_seq.items())
    diag = ["%d entries for %d messages; %d held twice or more%s" % (
        sum(len(r) for r in by_seq.values()), len(by_seq), len(dups),
        (": " + ", ".join("%d=%s" % (s, "/".join(r)) for s, r in sorted(dups.items())))
        if dups else ""),
        "%d entr%s from attempts that saw 4xx (killed after the store confirmed, before the "
        "MTA heard: the retry holds such a message twice, never loses it)"
        % (extra, "y" if extra == 1 else "ies")]
    return bad, diag


def t_accepted_are_audited(run, st):
    by_seq, _ = st["store"]
    recs = {}
    for a in run.lab.audit_records():
        recs.setdefault(a.get("reference"), []).append(a)
    bad = []
    for seq in accepted(run):
        refs = by_seq.get(seq, [])
        if refs and not any(a.get("action") == "quarantine"
                            for ref in refs for a in recs.get(ref, [])):
            bad.append("message %d (%s) was accepted but has no quarantine audit record"
                       % (seq, "/".join(refs)))
    return bad, []


def t_list_never_partial(run, st):
    bad = ["list failed during the run: %s" % f for f in run.list_failures[:5]]
    if run.partial_listed:
        bad.append("list showed entries without their message: %r"
                   % sorted(set(run.partial_listed))[:5])
    if run.list_runs < 3:
        bad.append("list ran only %d times during the run" % run.list_runs)
    return bad, ["list ran %d times while the milter was being killed" % run.list_runs]


def entry_files(qdir):
    names = os.listdir(qdir)
    whole = {n[:-5] for n in names if n.endswith(".json") and n[:-5] + ".msg" in names}
    return names, whole


def t_leftovers_only_fsck_kind(run, st):
    qdir = run.qdir
    names, whole = entry_files(qdir)
    bad, leftovers = [], []
    for n in names:
        ref = n.rsplit(".", 1)[0]
        if ref in whole:
            continue
        if n.startswith(".tmp-") or (n.endswith(".msg") and ref + ".json" not in names):
            leftovers.append(n)
        else:
            bad.append("%s is neither part of a whole entry nor a leftover fsck may remove" % n)
    # purge runs ss_quarantine_fsck with an hour's grace: age the leftovers.
    old = time.time() - 7200
    for n in leftovers:
        os.utime(os.path.join(qdir, n), (old, old))
    rc, out, err = run.ctl("quarantine", "purge", "--older-than", "0")
    if rc != 0:
        bad.append("purge exited %d: %s" % (rc, err.strip()))
    after, whole_after = entry_files(qdir)
    if whole_after != whole:
        bad.append("purge changed the entries: lost %r" % sorted(whole - whole_after)[:5])
    rest = [n for n in after if n.rsplit(".", 1)[0] not in whole_after]
    if rest:
        bad.append("purge's fsck left %r" % rest[:5])
    by_seq, _ = run.store()
    if by_seq != st["store"][0]:
        bad.append("list after purge differs from list before it")
    return bad, ["%d leftover file(s) after the crashes, removed by purge's fsck" % len(leftovers)]


def t_nothing_delivered(run, st):
    time.sleep(2)
    got = run.lab.delivered()
    return (["%d message(s) reached the sink" % len(got)] if got else []), []


def t_down_means_4xx(run, st):
    """Deterministically: milter killed and not started, one send."""
    _, whole_before = entry_files(run.qdir)
    run.lab.kill_milter()
    try:
        code, text = run.lab.send(SENDER, [INSECURE], run.message(SENDS + 1), timeout=30)
    finally:
        run.lab.restart_milter()
    bad = []
    if not 400 <= code < 500:
        bad.append("with the milter down the MTA answered %d %s" % (code, text))
    time.sleep(1)
    if entry_files(run.qdir)[1] != whole_before:
        bad.append("something was stored while the milter was down")
    if run.lab.delivered():
        bad.append("delivered while the milter was down")
    return bad, ["milter down: %d %s" % (code, text.replace("\n", " | ")[:120])]


CHECKS = [
    (t_ran, "insecure shares sent through Postfix while the milter is SIGKILLed and "
            "restarted at random; every answer is 250 or 4xx"),
    (t_accepted_are_held_whole, "every message accepted with 250 is in the store whole "
                                "(at least once) and show reads it; duplicates reported"),
    (t_accepted_are_audited, "every accepted message has its quarantine audit record"),
    (t_list_never_partial, "list, run throughout, never failed and never listed a partial entry"),
    (t_leftovers_only_fsck_kind, "crashes leave only temp files and orphan messages, which "
                                 "purge's fsck removes without touching an entry"),
    (t_nothing_delivered, "no insecure share reached the sink"),
    (t_down_means_4xx, "with the milter down the MTA answers 4xx and nothing is stored"),
]


def crash_and_collect(lab):
    """The whole crash run first; the checks then read what it left."""
    run = Run(lab)
    try:
        run.run()
    except Exception as e:
        run.client_error = "the run stopped: %s: %s" % (type(e).__name__, e)
        run.done.set()
        if not lab.milter_alive():
            lab.restart_milter()
    st = {}
    try:
        st["store"] = run.store()
    except Exception as e:
        st["store"] = ({}, {"(store)": str(e)})
    return run, st


def main():
    return pflab.run_tap(CHECKS, CrashLab, crash_and_collect,
                         failure_note="seed %d; " % SEED)


if __name__ == "__main__":
    sys.exit(main())
