#!/usr/bin/env python3
"""The milter's warm attachment readers, behind a real Postfix on loopback.

The readers are safeshare-extract built with the test hooks
(tests/unit/reader/hook-reader: an attachment starting "SSTEST:" does what
an exploited parser would try) and the real safeshare-readerd.  Checked as
a mail admin would: the readers run as their own user, in the sandbox;
attachments are read by them; a reader that crashes or breaks its sandbox
costs only its own attachment, which is unscannable, and is replaced;
waiting for a reader is bounded; bad reader settings stop the milter
before it starts.

Needs root.  Run with `make check-integration`."""

import os
import pwd
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pflab  # noqa: E402

SENDER = "j.smith@stmarys.sch.uk"
SECURE = "hv.team@nhs.net"
INSECURE = "sam.taylor.sw@gmail.com"
MAX_SCAN_TIME = 4
CONF = ("ReaderPool 2\nOnUnscannable tempfail\nMaxScanTime %d\n" % MAX_SCAN_TIME)


def attach(name, ctype, data, to=INSECURE):
    import base64
    b64 = base64.encodebytes(data).decode().replace("\n", "\r\n")
    return ("From: Jo <%s>\r\nTo: <%s>\r\nSubject: papers\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
            "Content-Type: text/plain\r\n\r\nSee attached.\r\n--b\r\n"
            "Content-Type: %s; name=\"%s\"\r\nContent-Disposition: attachment; "
            "filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s--b--\r\n"
            % (SENDER, to, ctype, name, name, b64)).encode()


def hook(what, name="scan.pdf"):
    """An attachment the test reader acts on (sniffed as a PDF: a reader's job)."""
    return attach(name, "application/pdf", ("SSTEST:" + what).encode())


def readers(lab):
    """The pids of the milter's readers: children of its safeshare-readerd."""
    out = []
    for mgr in children(lab.milter_proc.pid):
        if comm(mgr).startswith("safeshare-read"):
            out += children(mgr)
    return sorted(out)


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def comm(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return ""


def status(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return line.split()[1]
    return ""


def wait_readers(lab, n=2, timeout=20):
    try:
        pflab.wait_for(lambda: len(readers(lab)) == n, timeout, "%d readers" % n, step=0.1)
    except pflab.LabError:
        pass
    return readers(lab)


class Run:
    def __init__(self, lab):
        self.lab = lab


def t_readers_contained(r):
    bad, diag = [], []
    pids = wait_readers(r.lab)
    uid = str(pwd.getpwnam("safeshare-reader").pw_uid)
    if len(pids) != 2:
        bad.append("expected 2 readers (ReaderPool 2), found %d" % len(pids))
    ours = os.readlink("/proc/self/ns/net")
    for p in pids:
        got = (status(p, "Uid"), status(p, "Seccomp"), status(p, "NoNewPrivs"),
               status(p, "CapEff"), os.readlink("/proc/%d/ns/net" % p))
        diag.append("reader %d: uid %s seccomp %s nonewprivs %s capeff %s net %s" % ((p,) + got))
        if got[0] != uid:
            bad.append("reader %d runs as uid %s, not safeshare-reader (%s)" % (p, got[0], uid))
        if got[1:4] != ("2", "1", "0000000000000000"):
            bad.append("reader %d is not filtered, without privileges" % p)
        if got[4] == ours:
            bad.append("reader %d shares the milter's network" % p)
    return bad, diag


def t_docx_read_by_pool(r):
    bad, diag = [], []
    before = wait_readers(r.lab)
    with open(os.path.join(pflab.testdata_dir(), "attach", "referral.docx"), "rb") as f:
        docx = f.read()
    msg = attach("referral.docx", "application/vnd.openxmlformats-officedocument."
                 "wordprocessingml.document", docx, to=SECURE)
    delivered = len(r.lab.delivered())
    code, text = r.lab.send(SENDER, [SECURE], msg)
    diag.append("secure share: %d" % code)
    if code != 250 or not r.lab.wait_delivered(delivered + 1):
        bad.append("secure DOCX share not delivered: %d %s" % (code, text))
    rec = r.lab.audit_records()[-1]
    where = [f["location"] for f in rec["findings"] if f["type"] == "nhs"]
    diag.append("found at: %s" % where)
    if not any("referral.docx" in w for w in where):
        bad.append("the DOCX's NHS number was not found by a reader")
    if readers(r.lab) != before:
        bad.append("a reader was replaced after a good job (%s -> %s)" % (before, readers(r.lab)))
    return bad, diag


def unscannable(r, what, why, name="scan.pdf"):
    """Send a hook to an insecure address: 451 naming it and why; a fresh
    reader afterwards; nothing delivered."""
    bad, diag = [], []
    before = wait_readers(r.lab)
    delivered = len(r.lab.delivered())
    code, text = r.lab.send(SENDER, [INSECURE], hook(what, name))
    diag += ["%s: %d" % (what, code)] + ["  | " + ln for ln in text.splitlines()]
    if code != 451 or name not in text or why not in text:
        bad.append("expected 451 naming %s and \"%s\"" % (name, why))
    after = wait_readers(r.lab)
    diag.append("readers %s -> %s" % (before, after))
    if len(after) != 2 or after == before:
        bad.append("the reader was not replaced, or the pool did not refill")
    time.sleep(1)
    if len(r.lab.delivered()) != delivered:
        bad.append("it was delivered")
    return bad, diag


def t_crash_unscannable(r):
    return unscannable(r, "segv", "could not be read safely (the reader crashed)")


def t_sandbox_unscannable(r):
    bad, diag = unscannable(r, "open", "could not be read safely (the reader crashed)",
                            name="trick.pdf")
    log = r.lab.milter_stderr()
    if "killed by its seccomp filter" not in log:
        bad.append("no warning in the milter's log about the sandbox kill")
    for path in r.lab.log_files():
        with open(path, "rb") as f:
            if b"root:x:0:0" in f.read():
                bad.append("/etc/passwd text reached %s" % path)
    return bad, diag


def t_waiting_bounded(r):
    """Both readers held by attachments that never finish: every message
    is answered within MaxScanTime (and the MTA's patience), unscannable."""
    bad, diag = [], []
    wait_readers(r.lab)
    results = []

    def send(what, delay):
        time.sleep(delay)
        t0 = time.monotonic()
        code, text = r.lab.send(SENDER, [INSECURE], hook(what, "slow%s.pdf" % delay))
        results.append((code, text, time.monotonic() - t0))
    threads = [threading.Thread(target=send, args=("block", d)) for d in (0, 0, 0.5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for code, text, took in results:
        diag.append("%d after %.1f s: %s" % (code, took, text.splitlines()[-1] if text else ""))
        if code != 451:
            bad.append("expected 451, got %d" % code)
        if took > MAX_SCAN_TIME + 5:
            bad.append("an answer took %.1f s, MaxScanTime is %d" % (took, MAX_SCAN_TIME))
        if ("every attachment reader was busy" not in text
                and "the message took too long to check" not in text):
            bad.append("the reply does not say why it was not checked")
    if len(wait_readers(r.lab)) != 2:
        bad.append("the pool did not come back to 2 readers")
    return bad, diag


def check_conf(r, extra, want):
    conf = os.path.join(r.lab.dir, "bad.conf")
    with open(r.lab.milter_config) as f, open(conf, "w") as g:
        g.write(f.read() + extra)
    p = subprocess.run([pflab.milter_binary(), "-n", "-c", conf], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=30)
    out = p.stdout.decode(errors="replace")
    bad = [] if p.returncode == 1 and want in out else ["expected exit 1 and \"%s\"" % want]
    return bad, ["exit %d: %s" % (p.returncode, out.strip())]


def t_reader_user_checked(r):
    bad, diag = check_conf(r, "ReaderUser nosuchreader\n", "ReaderUser: no such user nosuchreader")
    b2, d2 = check_conf(r, "UserID nobody\nReaderUser nobody\n",
                        "ReaderUser: ReaderUser (nobody) must not be UserID")
    return bad + b2, diag + d2


CHECKS = [
    (t_readers_contained, "ReaderPool 2: two readers, each as safeshare-reader, under seccomp, "
                          "no new privileges, no capabilities, a network of its own"),
    (t_docx_read_by_pool, "a DOCX share is read by a pooled reader (its NHS number found "
                          "in the attachment), and the reader is kept"),
    (t_crash_unscannable, "an attachment that crashes its reader: 451 naming it, the reader "
                          "replaced, nothing delivered"),
    (t_sandbox_unscannable, "an attachment whose parser opens /etc/passwd: the filter kills it, "
                            "451, a warning logged, no file text anywhere"),
    (t_waiting_bounded, "all readers busy: every message answered 451 within MaxScanTime, "
                        "the pool back to 2"),
    (t_reader_user_checked, "-n refuses a ReaderUser that does not exist, or is UserID, "
                            "naming the key"),
]


def main():
    build = os.environ.get("SS_BUILDDIR") or pflab.SRCDIR
    bindir = tempfile.mkdtemp(prefix="safeshare-readers-")
    os.chmod(bindir, 0o755)
    os.symlink(os.path.join(build, "tests", "unit", "reader", "hook-reader"),
               os.path.join(bindir, "safeshare-extract"))
    os.symlink(os.path.join(build, "reader", "safeshare-readerd"),
               os.path.join(bindir, "safeshare-readerd"))
    os.environ["SAFESHARE_EXTRACT"] = os.path.join(bindir, "safeshare-extract")
    try:
        return pflab.run_tap(CHECKS, lambda: pflab.Lab(milter_conf=CONF),
                             lambda lab: (Run(lab),))
    finally:
        subprocess.run(["rm", "-rf", bindir])


if __name__ == "__main__":
    sys.exit(main())
