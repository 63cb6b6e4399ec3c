"""trailkit: a real audit trail in a temp directory, and safesharectl on it.

Records go in through tests/audit/audit-append, which is the milter's own
writer (ss_audit_append), so the files are chained exactly as in service;
rotation is done the way logrotate does it (rename, then gzip with
delaycompress).  Standard library only."""

import gzip
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.environ.get("SS_SRCDIR") or os.path.dirname(os.path.dirname(HERE))
BUILDDIR = os.environ.get("SS_BUILDDIR") or SRCDIR


def binary(*parts):
    return os.path.join(BUILDDIR, *parts)


class Trail:
    """AuditLog, AuditKey and a configuration naming them."""

    def __init__(self, extra_conf=""):
        # tmpfs when there is one: every record is fsynced twice, and the
        # writer's durability is the unit tests' business, not these.
        shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
        self.dir = tempfile.mkdtemp(prefix="ss-trail-", dir=shm)
        self.log = self.path("audit.log")
        self.key = self.path("audit.key")
        fd = os.open(self.key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(48))
        self.conf = self.path("safeshare.conf")
        with open(self.conf, "w") as f:
            f.write("Socket unix:%s\nRegister %s\nAuditLog %s\nAuditKey %s\n%s"
                    % (self.path("milter.sock"), self.path("register.txt"), self.log,
                       self.key, extra_conf))

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def append(self, records):
        """Write each record (a dict, or a JSON line as str) through the writer."""
        text = "".join((r if isinstance(r, str) else
                        json.dumps(r, separators=(",", ":"), ensure_ascii=False)) + "\n"
                       for r in records)
        r = subprocess.run([binary("tests", "audit", "audit-append"), self.conf],
                           input=text.encode(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        if r.returncode != 0:
            raise RuntimeError("audit-append failed: " + r.stderr.decode(errors="replace"))

    def append_in_three_files(self, records):
        """A third of the records, rotate, a third, rotate, the rest: the
        trail is then audit.log.2.gz, audit.log.1 and audit.log."""
        third = len(records) // 3
        self.append(records[:third])
        self.rotate()
        self.append(records[third:2 * third])
        self.rotate()
        self.append(records[2 * third:])

    def rotate(self):
        """logrotate with compress + delaycompress: audit.log.N(.gz) move up
        one, audit.log.1 is compressed as it becomes .2.gz, audit.log
        becomes audit.log.1 and the writer starts a new file."""
        n = 1
        while os.path.exists(self.log + ".%d.gz" % (n + 1)):
            n += 1
        for i in range(n, 1, -1):
            src = self.log + ".%d.gz" % i
            if os.path.exists(src):
                os.rename(src, self.log + ".%d.gz" % (i + 1))
        if os.path.exists(self.log + ".1"):
            with open(self.log + ".1", "rb") as f, gzip.open(self.log + ".2.gz", "wb") as g:
                g.write(f.read())
            os.unlink(self.log + ".1")
        os.rename(self.log, self.log + ".1")

    def ctl(self, *args, stdin=None, timeout=120):
        """safesharectl -c CONF ARGS: (status, stdout, stderr) as text."""
        r = subprocess.run([binary("review", "safesharectl"), "-c", self.conf] + list(args),
                           input=stdin.encode() if stdin is not None else None,
                           stdin=None if stdin is not None else subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


def read_lines(path):
    """The raw lines of a trail file (compressed or not), newlines kept."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        return f.read().splitlines(keepends=True)


def write_lines(path, lines):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "wb") as f:
        f.write(b"".join(lines))


def chain_of(line):
    """The chain value a raw line carries."""
    return json.loads(line)["chain"]


def run_tap(checks, setup=None):
    """Run (check, description) pairs as TAP; a check returns a list of
    problems (empty: pass) and may print diagnostics with "# "."""
    print("1..%d" % len(checks), flush=True)
    failed = 0
    state = setup() if setup else None
    for n, (check, desc) in enumerate(checks, 1):
        try:
            bad = check(state) if setup else check()
        except Exception:
            bad = ["raised"] + traceback.format_exc().splitlines()
        print("%s %d - %s" % ("not ok" if bad else "ok", n, desc))
        for ln in bad or []:
            print("# " + str(ln))
        failed += bool(bad)
        sys.stdout.flush()
    return 1 if failed else 0
