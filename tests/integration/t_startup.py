#!/usr/bin/env python3
"""What safeshare-milter refuses at start, and what it does to itself
before it reads a key (issue 18).

The milter binary is run as an admin would run it, as root, on a lab
configuration (pflab's, without an MTA: nothing here needs mail to flow):
- started as root with no UserID it refuses, naming the file and the key,
  and `-n` says the same; AllowRoot yes lets it run, with a warning;
- whatever the core-file limit it was started with, it runs with none and
  non-dumpable: killed with SIGABRT it leaves no core holding keys or mail.

Needs root.  Run alone with:
    sudo SS_BUILDDIR=/path/to/build python3 tests/integration/t_startup.py
"""

import os
import resource
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean in VPATH builds
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pflab  # noqa: E402


class MilterOnly(pflab.Lab):
    """The lab's milter half alone: directories, keys, configuration."""

    def start(self):
        if os.geteuid() != 0:
            raise pflab.LabError("the start-up checks need root")
        self.make_dirs("safeshare-start-", ())
        self.smtpd_port = pflab.free_port()
        self.write_milter_config()

    def stop_mta(self):
        pass

    def set_conf(self, drop=(), add=""):
        """Rewrite the config without the keys in drop, with add appended."""
        with open(self.milter_config) as f:
            lines = [ln for ln in f if ln.split()[:1] not in [[k] for k in drop]]
        with open(self.milter_config, "w") as f:
            f.write("".join(lines) + add)

    def run(self, *args, timeout=10):
        """(exit status, output); a milter still running after timeout is
        stopped and reported as status None: it started."""
        p = subprocess.Popen([pflab.milter_binary(), "-c", self.milter_config] + list(args),
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
        try:
            out, _ = p.communicate(timeout=timeout)
            return p.returncode, out.decode(errors="replace")
        except subprocess.TimeoutExpired:
            p.terminate()
            out, _ = p.communicate(timeout=30)
            return None, out.decode(errors="replace")

    def start_with_core_limit(self):
        """Start the milter as systemd might with LimitCORE=infinity; its cwd
        is a directory of its own, where a core would be written."""
        os.makedirs(self.path("cwd"), exist_ok=True)

        def unlimited():
            resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY,
                                                      resource.RLIM_INFINITY))
        self._milter_err = open(self.milter_log, "ab")
        self.milter_proc = subprocess.Popen(
            [pflab.milter_binary(), "-c", self.milter_config, "-f"], cwd=self.path("cwd"),
            stdin=subprocess.DEVNULL, stdout=self._milter_err, stderr=self._milter_err,
            preexec_fn=unlimited)
        self.wait_milter_ready()


def core_limit(pid):
    with open("/proc/%d/limits" % pid) as f:
        for ln in f:
            if ln.startswith("Max core file size"):
                return ln.split()[4:6]
    return None


def t_root_without_user_refused(lab):
    lab.set_conf(drop=("AllowRoot", "UserID"))
    bad, diag = [], []
    for args in ((), ("-n",)):
        rc, out = lab.run(*(args or ("-f",)))
        what = " ".join(args) or "start"
        diag.append("%s: exit %s: %s" % (what, rc, out.strip()))
        if rc != 1:
            bad.append("%s: %s, not exit 1" % (what, "it started" if rc is None
                                                  else "exit %d" % rc))
        if "%s: UserID: not set" % lab.milter_config not in out or "AllowRoot yes" not in out:
            bad.append("the message does not name the file and UserID, or the way out")
    if os.path.exists(lab.milter_socket):
        bad.append("a socket was created anyway")
    return bad, diag


def t_allow_root_warns(lab):
    lab.set_conf(drop=("AllowRoot", "UserID"), add="AllowRoot yes\n")
    lab.start_with_core_limit()
    time.sleep(0.5)
    warned = "running as root (AllowRoot yes, no UserID)" in lab.milter_stderr()
    return ([] if warned else ["no warning about running as root at start"]), []


def t_no_core(lab):
    """Started with an unlimited core limit, running as root (dumpable
    before the fix): no core limit left, and SIGABRT leaves no core."""
    pid = lab.milter_proc.pid
    limit = core_limit(pid)
    bad = []
    if limit != ["0", "0"]:
        bad.append("core file size limit is %r, not 0 0" % (limit,))
    with open("/proc/sys/kernel/core_pattern") as f:
        pattern = f.read().strip()
    os.kill(pid, signal.SIGABRT)
    lab.milter_proc.wait(timeout=20)
    time.sleep(0.5)
    cores = [n for n in os.listdir(lab.path("cwd")) if n.startswith("core")]
    if cores:
        bad.append("a core was left: %r" % cores)
    lab.milter_proc = None
    lab._milter_err.close()
    return bad, ["limit %r, core_pattern %r, killed by %s" % (limit, pattern, "SIGABRT")]


CHECKS = [
    (t_root_without_user_refused, "as root with no UserID the milter and -n refuse, naming "
                                  "the file and UserID (and AllowRoot yes as the way out)"),
    (t_allow_root_warns, "AllowRoot yes: it runs as root and warns at start"),
    (t_no_core, "started with an unlimited core limit it runs with none, and SIGABRT "
                "leaves no core file"),
]


def main():
    return pflab.run_tap(CHECKS, MilterOnly, lambda lab: (lab,))


if __name__ == "__main__":
    sys.exit(main())
