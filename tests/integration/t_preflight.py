#!/usr/bin/env python3
"""Start-up that tells the truth: -n checks what the start checks, as the
service user, and the start fails (or warns) with the same words.

Each check writes a configuration into a scratch directory, runs
`safeshare-milter -n` and then starts the daemon for real (as root, with
UserID the lab's service user, as systemd would), and compares what the
two say.  No MTA is needed: a start that succeeds is judged by its socket,
its PID file and its log, and stopped with SIGTERM.

Needs root.  Run alone with:
    sudo SS_BUILDDIR=/path/to/build python3 tests/integration/t_preflight.py
"""

import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pflab  # noqa: E402

USER = "safeshare-lab"


class Run:
    """A scratch directory with the service user's directories in it."""

    def __init__(self):
        self.pw = pflab.ensure_user(USER)
        self.top = tempfile.mkdtemp(prefix="safeshare-startup-")
        os.chmod(self.top, 0o755)
        self.n = 0

    def close(self):
        shutil.rmtree(self.top, ignore_errors=True)

    def site(self, extra="", register=None):
        """A fresh site: directories as tmpfiles.d makes them, keys, config."""
        self.n += 1
        d = os.path.join(self.top, "site%d" % self.n)
        for sub in ("", "run", "state", "spool", "log"):
            os.makedirs(os.path.join(d, sub), exist_ok=True)
            os.chmod(os.path.join(d, sub), 0o755)
            if sub:
                os.chown(os.path.join(d, sub), self.pw.pw_uid, self.pw.pw_gid)
        key = os.path.join(d, "audit.key")
        with open(key, "wb") as f:
            f.write(os.urandom(32))
        os.chmod(key, 0o600)
        os.chown(key, self.pw.pw_uid, self.pw.pw_gid)
        conf = os.path.join(d, "safeshare.conf")
        with open(conf, "w") as f:
            f.write(f"""\
Socket          unix:{d}/run/safeshare.sock
Register        {register or pflab.LAB_REGISTER}
AuditLog        {d}/log/audit.log
AuditKey        {key}
UserID          {USER}
StateDir        {d}/state
QuarantineDir   {d}/spool/quarantine
""" + extra.replace("{site}", d))
        return d, conf


def env():
    # The reader the build made, found as an installed one would be.
    return dict(os.environ, SAFESHARE_EXTRACT=pflab.worker_binary())


def check_n(conf):
    p = subprocess.run([pflab.milter_binary(), "-n", "-c", conf], env=env(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


class Daemon:
    """safeshare-milter -f as systemd runs it; its log is its stderr."""

    def __init__(self, site, conf):
        self.site = site
        self.log = os.path.join(site, "milter.log")
        self.out = open(self.log, "w")
        self.proc = subprocess.Popen([pflab.milter_binary(), "-f", "-c", conf], env=env(),
                                     stdin=subprocess.DEVNULL, stdout=self.out,
                                     stderr=self.out)
        self.sock = os.path.join(site, "run", "safeshare.sock")

    def wait_ready_or_exit(self, timeout=20):
        """True once it says it is starting (the socket listens earlier, as
        root opens it before the checks), False if it exits first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            if "starting on unix:" in self.text():
                return True
            time.sleep(0.1)
        return False

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.close()
        return self.proc.returncode

    def text(self):
        with open(self.log) as f:
            return f.read()


def run_both(site, conf):
    """(-n's exit, -n's output, the start's exit, the start's log, whether it served)."""
    rc, out, err = check_n(conf)
    d = Daemon(site, conf)
    up = d.wait_ready_or_exit()
    return rc, out + err, d, up


def same_failure(r, want, extra="", edit=None, prepare=None):
    """-n exits 1 saying `want`; the start exits 1 saying the same thing.

    want may hold {site}; edit changes the config text; prepare(site) sets
    up the files."""
    site, conf = r.site(extra)
    want = want.replace("{site}", site)
    if edit:
        with open(conf) as f:
            text = edit(f.read().replace("{site}", site), site)
        with open(conf, "w") as f:
            f.write(text)
    if prepare:
        prepare(site)
    rc, said, d, up = run_both(site, conf)
    code = d.stop()
    bad = [] if rc == 1 else ["-n exited %d, not 1" % rc]
    if want not in said:
        bad.append("-n did not say %r" % want)
    if up or code != 1:
        bad.append("the daemon %s (exit %s)" % ("served" if up else "stopped", code))
    elif want not in d.text():
        bad.append("the start did not fail saying %r" % want)
    if os.path.exists(d.sock):
        bad.append("the failed start left its socket behind")
    return bad, ["-n: exit %d" % rc] + ["  | " + ln for ln in said.splitlines()] + \
        ["start: exit %s" % code] + ["  | " + ln for ln in d.text().splitlines()]


def t_missing_log_dir(r):
    return same_failure(r, "AuditLog: {site}/nolog (the audit trail's directory) does not exist",
                        edit=lambda t, s: t.replace(s + "/log/audit.log", s + "/nolog/audit.log"))


def t_unknown_user(r):
    # the key root made for a user that is not there yet
    return same_failure(r, "UserID: no such user nosuchuser",
                        edit=lambda t, s: t.replace("UserID          " + USER,
                                                    "UserID          nosuchuser"),
                        prepare=lambda site: os.chown(os.path.join(site, "audit.key"), 0, 0))


def root_only_key(site):
    with open(os.path.join(site, "release.key"), "wb") as f:
        f.write(os.urandom(32))
    os.chmod(os.path.join(site, "release.key"), 0o600)


def t_key_unreadable_by_user(r):
    # root could read it; the service user, who reloads it, cannot
    return same_failure(r, "ReleaseKey: cannot read {site}/release.key: Permission denied "
                        "(as user %s)" % USER, extra="ReleaseKey {site}/release.key\n",
                        prepare=root_only_key)


def t_reader_missing(r):
    return same_failure(r, "ExtractWorker: {site}/no-such-reader or {site}/safeshare-readerd "
                        "is missing or not executable",
                        extra="ExtractWorker {site}/no-such-reader\n")


def fake_reader(site):
    """A 'safeshare-extract' that runs but reads nothing, beside the real
    readers' helper."""
    d = os.path.join(site, "fake")
    os.mkdir(d)
    os.chmod(d, 0o755)
    shutil.copy("/bin/true", os.path.join(d, "safeshare-extract"))
    helper = os.path.join(os.path.dirname(pflab.worker_binary()), "safeshare-readerd")
    os.symlink(helper, os.path.join(d, "safeshare-readerd"))


def t_reader_not_a_reader(r):
    return same_failure(r, "ExtractWorker: {site}/fake/safeshare-extract does not read a small "
                        "RTF document", extra="ExtractWorker {site}/fake/safeshare-extract\n",
                        prepare=fake_reader)


def root_dir(name):
    def prepare(site):
        os.makedirs(os.path.join(site, name), exist_ok=True)
        os.chmod(os.path.join(site, name), 0o700)
    return prepare


def t_temp_dir(r):
    return same_failure(r, "TempDirectory: user %s cannot write in {site}/tmp" % USER,
                        extra="TempDirectory {site}/tmp\n", prepare=root_dir("tmp"))


def t_pid_dir(r):
    return same_failure(r, "PidFile: user %s cannot write in {site}/rootrun" % USER,
                        extra="PidFile {site}/rootrun/safeshare.pid\n",
                        prepare=root_dir("rootrun"))


def register_expiring(path, days):
    """register-lab.txt, issued yesterday and going stale in `days` days."""
    now = time.time()
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    with open(pflab.LAB_REGISTER) as f:
        lines = f.read().splitlines()
    out = []
    for ln in lines:
        if ln.startswith("%issued"):
            issued = min(now - 86400, now + (days - 30) * 86400)
            ln = "%issued    " + time.strftime(fmt, time.gmtime(issued))
        elif ln.startswith("%expires"):
            ln = "%expires   " + time.strftime(fmt, time.gmtime(now + days * 86400 + 3600))
        out.append(ln)
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def t_warnings(r):
    site, conf = r.site("OnOversize accept\nOnUnscannable accept\n")
    reg = os.path.join(site, "register.txt")
    register_expiring(reg, 10)
    with open(conf) as f:
        text = f.read().replace(pflab.LAB_REGISTER, reg)
    with open(conf, "w") as f:
        f.write(text)
    rc, said, d, up = run_both(site, conf)
    time.sleep(0.5)
    code = d.stop()
    log = d.text()
    bad = [] if rc == 0 and up and code == 0 else \
        ["-n exit %d, served %s, stop exit %s" % (rc, up, code)]
    for want in ("OnOversize is accept: a message too large to check goes to an insecure "
                 "address unread",
                 "OnUnscannable is accept: a message with a part that could not be read",
                 "Register: the register in force (serial 2026112301) goes stale at ",
                 "in 10 day(s): install a fresh one before then"):
        if "WARNING: " not in said or want not in said:
            bad.append("-n did not warn %r" % want)
        if want not in log:
            bad.append("the start did not log %r" % want)
    return bad, said.splitlines() + ["start:"] + log.splitlines()


def t_good_start_and_stop(r):
    site, conf = r.site("PidFile {site}/run/safeshare.pid\n")
    key = os.path.join(site, "state", "release.key")
    pidfile = os.path.join(site, "run", "safeshare.pid")
    rc, said, d, up = run_both(site, conf)
    bad = []
    if rc != 0 or "configuration and register OK" not in said:
        bad.append("-n exited %d" % rc)
    if "ReleaseKey: %s does not exist yet; safeshare-milter makes it when it starts (0600, " \
       "owner %s)" % (key, USER) not in said:
        bad.append("-n did not say it will make the ReleaseKey")
    if not up:
        bad.append("the daemon did not serve")
    else:
        st = os.stat(key)
        if stat.S_IMODE(st.st_mode) != 0o600 or st.st_uid != r.pw.pw_uid or st.st_size != 32:
            bad.append("release.key is %o uid %d, %d bytes" % (stat.S_IMODE(st.st_mode),
                                                              st.st_uid, st.st_size))
        if "made the ReleaseKey %s (0600, owner %s)" % (key, USER) not in d.text():
            bad.append("the start did not log that it made the ReleaseKey")
        with open(pidfile) as f:
            pid = int(f.read())
        if pid != d.proc.pid:
            bad.append("the PID file says %d, the milter is %d" % (pid, d.proc.pid))
        with open("/proc/%d/status" % pid) as f:
            uid = [ln.split()[1] for ln in f if ln.startswith("Uid:")][0]
        if int(uid) != r.pw.pw_uid:
            bad.append("the milter runs as uid %s, not %s" % (uid, USER))
        # A reload first: the stop must not read the state it replaced.
        d.proc.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 20
        while "reloaded configuration" not in d.text() and time.monotonic() < deadline:
            time.sleep(0.1)
        if "reloaded configuration" not in d.text():
            bad.append("SIGUSR1 did not reload")
    code = d.stop()
    if code != 0:
        bad.append("SIGTERM after a reload: exit %s" % code)
    for left in (pidfile, d.sock):
        if os.path.exists(left):
            bad.append("%s is still there after the milter stopped" % left)
    return bad, said.splitlines() + ["start:"] + d.text().splitlines()


def t_stale_register_check(r):
    site, _ = r.site()
    reg = os.path.join(site, "stale.txt")
    register_expiring(reg, -2)
    p = subprocess.run([pflab.ctl_binary(), "register", "check", reg],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True, timeout=60)
    bad = [] if p.returncode != 0 else ["register check exited 0 on a stale register"]
    if "expired" not in p.stdout:
        bad.append("register check did not say it expired")
    return bad, p.stdout.splitlines()


CHECKS = [
    (t_good_start_and_stop, "without a ReleaseKey: -n says it will be made; the start makes "
                            "it 0600 for the service user, writes the PID file as that user; "
                            "after a reload, SIGTERM exits 0 and removes the PID file and "
                            "the socket"),
    (t_missing_log_dir, "AuditLog's directory missing: -n and the start both refuse, naming it"),
    (t_unknown_user, "UserID names no user: -n and the start both refuse"),
    (t_key_unreadable_by_user, "a ReleaseKey only root can read: -n (run as root) and the "
                               "start both refuse, as the service user"),
    (t_reader_missing, "the attachment reader missing: -n and the start both refuse"),
    (t_reader_not_a_reader, "a reader that does not read: -n and the start both refuse"),
    (t_temp_dir, "TempDirectory the service user cannot write: both refuse"),
    (t_pid_dir, "PidFile in a directory the service user cannot write: both refuse"),
    (t_warnings, "On* set to accept and a register going stale in 10 days: -n and the "
                 "start warn about each, and still start"),
    (t_stale_register_check, "safesharectl register check exits non-zero on a stale register"),
]


def main():
    if os.geteuid() != 0:
        print("1..0 # SKIP not root")
        return 0 if "AM_TAP_AWK" in os.environ else 77
    print("1..%d" % len(CHECKS), flush=True)
    r = Run()
    failed = 0
    try:
        for n, (check, desc) in enumerate(CHECKS, 1):
            try:
                bad, diag = check(r)
            except Exception as e:  # a check that raises fails, with why
                bad, diag = ["raised %r" % e], []
            print("%s %d - %s" % ("not ok" if bad else "ok", n, desc))
            if bad:
                failed += 1
                for ln in bad + diag:
                    print("# " + ln)
            sys.stdout.flush()
    finally:
        if failed:
            print("# files kept in %s" % r.top)
        else:
            r.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
