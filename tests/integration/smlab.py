"""smlab: a private Sendmail on loopback, with safeshare-milter and a sink.

The Sendmail twin of pflab.py: a real SMTP client talks to a real Sendmail
daemon, which consults safeshare-milter over its unix socket with the
INPUT_MAIL_FILTER line from contrib/sendmail/safeshare.m4 (F=T), and
accepted mail is relayed to the same sink.  The milter's half of the lab
(configuration, start, kill, audit log, the client) is pflab.Lab's; only
the MTA differs.

Sendmail comes from Debian's .debs unpacked into a private prefix by
fetch-sendmail.sh: sendmail-bin conflicts with the installed postfix, so it
is never dpkg-installed.  Its sendmail.cf, queue, aliases, access map, pid
file and log live in the lab's temp dir, and nothing of the system's mail
set-up (/etc/mail, the queue, /etc/hosts, /dev) is touched.

Every sendmail command runs under unshare(1) in private UTS and mount
namespaces, because a stock Sendmail on a test machine has two problems no
.mc setting fixes, both before sendmail.cf is read: it qualifies the
kernel's host name at start-up and sleeps 60 s on every invocation when it
cannot ("My unqualified host name (vm) unknown; sleeping for retry"), and it
logs only through syslog(3), i.e. /dev/log, which a CI machine may lack.
In the namespace the host name is mx.lab.invalid, /etc/hosts,
/etc/nsswitch.conf and /etc/resolv.conf are the lab's (files only, no DNS),
and /dev is a small tmpfs whose "log" is the lab's syslog socket
(-> log/maillog).  The mounts die with the process.

Where the .debs are unpacked: $SMLAB_SENDMAIL_DIR, else
/var/cache/safeshare-lab/sendmail; the lab runs fetch-sendmail.sh there
when it holds no sendmail yet.  Needs root (and CAP_SYS_ADMIN for the
namespaces) and Python's stdlib only.

    with Lab() as lab:
        code, text = lab.send("a@stmarys.sch.uk", ["b@nhs.net"], raw_bytes)
"""

import os
import re
import signal
import socket
import socketserver
import subprocess
import threading

from pflab import Lab as PostfixLab, LabError, Sink, SRCDIR, free_port, wait_for

HERE = os.path.dirname(os.path.abspath(__file__))
FETCH_SCRIPT = os.path.join(HERE, "fetch-sendmail.sh")
# The snippet INSTALL tells admins to use; the lab uses it as it is, with
# only the socket path changed, so the documented flags are the tested ones.
# It is made from safeshare.m4.in with the installed socket path, so read
# the built one.
MC_SNIPPET = os.path.join(os.environ.get("SS_BUILDDIR") or SRCDIR, "contrib", "sendmail",
                          "safeshare.m4")
DEFAULT_SENDMAIL_DIR = "/var/cache/safeshare-lab/sendmail"
LAB_HOSTNAME = "mx.lab.invalid"

# Paths of the system's own mail set-up that the lab's sendmail.cf must not name.
SYSTEM_MAIL_PATHS = re.compile(r"(^|[\s=:,])(/etc/mail|/var/spool/mqueue|/var/spool/"
                               r"mqueue-client|/var/run/|/run/sendmail|/var/lib/sendmail)")


def sendmail_dir():
    return os.environ.get("SMLAB_SENDMAIL_DIR") or DEFAULT_SENDMAIL_DIR


def load_sendmail_env(directory=None):
    """The paths fetch-sendmail.sh wrote to DIR/env, fetching first if needed."""
    directory = directory or sendmail_dir()
    envfile = os.path.join(directory, "env")
    if not os.path.exists(envfile):
        r = subprocess.run(["sh", FETCH_SCRIPT, directory], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=600)
        if r.returncode != 0:
            raise LabError("fetch-sendmail.sh %s failed:\n%s"
                           % (directory, r.stdout.decode(errors="replace")))
    env = {}
    with open(envfile) as f:
        for ln in f:
            k, sep, v = ln.strip().partition("=")
            if sep:
                env[k] = v.strip("'")
    if not os.access(env.get("SM_BIN", ""), os.X_OK):
        raise LabError("%s names no executable sendmail (SM_BIN=%s)"
                       % (envfile, env.get("SM_BIN")))
    return env


def milter_lines(socket_path):
    """contrib/sendmail/safeshare.m4 with the lab's socket in S=."""
    with open(MC_SNIPPET) as f:
        text = f.read()
    text, n = re.subn(r"S=unix:[^,']+", "S=unix:" + socket_path, text)
    if n != 1:
        raise LabError("%s has no S=unix:PATH to point at the lab's socket" % MC_SNIPPET)
    return text


# ------------------------------------------------------ the private syslog

class _SyslogHandler(socketserver.BaseRequestHandler):
    def handle(self):
        msg = self.request[0]
        # "<22>Dec  6 01:40:00 sm-lab[123]: text" -> "Dec  6 ... text"
        m = re.match(rb"<\d+>", msg)
        if m:
            msg = msg[m.end():]
        with self.server.lock:
            self.server.logfile.write(msg.rstrip(b"\0\n") + b"\n")


class SyslogSocket(socketserver.ThreadingMixIn, socketserver.UnixDatagramServer):
    """Sendmail's syslog() datagrams, appended to the lab's maillog."""

    daemon_threads = True

    def __init__(self, path, logfile):
        self.logfile = open(logfile, "ab", buffering=0)
        self.lock = threading.Lock()
        super().__init__(path, _SyslogHandler)
        os.chmod(path, 0o666)
        self.thread = threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self):
        self.shutdown()
        self.server_close()
        self.logfile.close()


# ------------------------------------------------------------------ the lab

class Lab(PostfixLab):
    """A private Sendmail + sink (+ safeshare-milter) under one temp dir.

    milter=True / False / "down" and milter_conf as in pflab.Lab."""

    # The namespace every sendmail command runs in (module docstring).
    NS_SCRIPT = r'''
set -e
echo "$SMLAB_HOSTNAME" > /proc/sys/kernel/hostname
for f in hosts nsswitch.conf resolv.conf hosts.allow hosts.deny; do
    if [ -e "/etc/$f" ]; then mount --bind "$LAB/ns/$f" "/etc/$f"; fi
done
mount --bind /dev "$LAB/dev.orig"
mount -t tmpfs -o mode=0755,size=64k smlab-dev /dev
for n in null zero random urandom full tty; do
    if [ -e "$LAB/dev.orig/$n" ]; then
        : > "/dev/$n"; mount --bind "$LAB/dev.orig/$n" "/dev/$n"
    fi
done
ln -s /proc/self/fd /dev/fd
ln -s "$LAB/run/log" /dev/log
umount "$LAB/dev.orig"
exec "$@"
'''

    def __init__(self, milter=True, milter_conf="", register=None, keep=False):
        super().__init__(milter=milter, milter_conf=milter_conf, register=register,
                         keep=keep)
        self.syslog = None
        self.sm_proc = None
        self.banner = ""

    @property
    def cf(self):
        return self.path("etc", "sendmail.cf")

    @property
    def queue_dir(self):
        return self.path("spool", "mqueue")

    # -- start/stop

    def start(self):
        if os.geteuid() != 0:
            raise LabError("the lab needs root to start Sendmail")
        self.sm = load_sendmail_env()
        # Sendmail refuses group/world-writable directories on the path to
        # its config, maps, queue and milter socket: all 0755 or tighter.
        self.make_dirs("safeshare-smlab-", (("etc", 0o755), ("spool", 0o755),
                                            ("ns", 0o755), ("dev.orig", 0o755)))
        os.mkdir(self.queue_dir, 0o700)
        os.mkdir(self.path("spool", "hoststat"), 0o700)
        self.smtpd_port = free_port()
        self.sink_port = free_port()
        self.sink = Sink(self.sink_port, self.path("sink"))
        self.syslog = SyslogSocket(self.path("run", "log"), self.maillog)
        self.write_namespace_files()
        if self.milter_mode is True:
            self.write_milter_config()
            self.start_milter()
        self.write_sendmail_config()
        self.start_sendmail()

    def stop_mta(self):
        self.stop_sendmail()
        if self.syslog is not None:
            self.syslog.close()
            self.syslog = None

    # -- Sendmail's configuration

    def mc_text(self):
        p = self.path
        filt = milter_lines(self.milter_socket) if self.milter_mode is not False else ""
        return f"""\
divert(-1)
# Private Sendmail for safeshare integration tests; generated by smlab.py.
divert(0)dnl
VERSIONID(`safeshare smlab')dnl
dnl local delivery is never wanted: a stray one fails loudly, not via procmail
define(`PROCMAIL_MAILER_PATH', `/bin/false')dnl
dnl linux, not debian: OSTYPE(debian) includes a file only the package installs
OSTYPE(`linux')dnl
dnl ---- every file Sendmail reads or writes lives in the lab dir
define(`MAIL_SETTINGS_DIR', `{p('etc')}/')dnl
define(`QUEUE_DIR', `{self.queue_dir}')dnl
define(`ALIAS_FILE', `{p('etc', 'aliases')}')dnl
define(`HELP_FILE', `{p('etc', 'helpfile')}')dnl
define(`confPID_FILE', `{p('run', 'sendmail.pid')}')dnl
define(`confCW_FILE', `{p('etc', 'local-host-names')}')dnl
define(`confCT_FILE', `{p('etc', 'trusted-users')}')dnl
define(`confSERVICE_SWITCH_FILE', `{p('etc', 'service.switch')}')dnl
define(`confHOSTS_FILE', `{p('etc', 'hosts')}')dnl
define(`confHOST_STATUS_DIRECTORY', `{p('spool', 'hoststat')}')dnl
define(`confCONTROL_SOCKET_NAME', `')dnl
define(`confDEAD_LETTER_DROP', `{p('spool', 'dead.letter')}')dnl
dnl ---- a closed network: no DNS, no probing, no ident, a fixed name
define(`confDOMAIN_NAME', `{LAB_HOSTNAME}')dnl
define(`confDONT_PROBE_INTERFACES', `True')dnl
define(`confTO_IDENT', `0s')dnl
define(`confBIND_OPTS', `-DNSRCH -DEFNAMES')dnl
FEATURE(`nocanonify')dnl
dnl without it every sender is refused 553 5.1.8 (its domain does not resolve)
FEATURE(`accept_unresolvable_domains')dnl
FEATURE(`use_cw_file')dnl
FEATURE(`use_ct_file')dnl
dnl ---- a busy CI box must not push Sendmail into queue-only or refuse mode
define(`confQUEUE_LA', `999')dnl
define(`confREFUSE_LA', `999')dnl
define(`confDELAY_LA', `0')dnl
define(`confMIN_FREE_BLOCKS', `0')dnl
dnl ---- deliver at once; the daemon runs the queue every 10s for retries
define(`confDELIVERY_MODE', `background')dnl
define(`confMIN_QUEUE_AGE', `0s')dnl
define(`confTO_QUEUERETURN', `1h')dnl
define(`confTO_QUEUEWARN', `0')dnl
define(`confDEF_USER_ID', `mail:mail')dnl
dnl the lab lives under /tmp (1777): without this every file under it is
dnl "in an unsafe directory path"
define(`confDONT_BLAME_SENDMAIL', `TrustStickyBit')dnl
define(`confLOG_LEVEL', `14')dnl
define(`confMILTER_LOG_LEVEL', `14')dnl
define(`confPRIVACY_FLAGS', `authwarnings,noexpn,novrfy')dnl
dnl ---- 127.0.0.1 may relay; everything goes to the sink.  The port is set
dnl in RELAY_MAILER_ARGS: in SMART_HOST a ":" separates fallback hosts.
FEATURE(`access_db', `hash -T<TMPF> -o {p('etc', 'access')}')dnl
define(`SMART_HOST', `relay:[127.0.0.1]')dnl
define(`RELAY_MAILER_ARGS', `TCP $h {self.sink_port}')dnl
define(`confTO_CONNECT', `10s')dnl
dnl ---- one listener on loopback; no MSA on 0.0.0.0:587
FEATURE(`no_default_msa')dnl
DAEMON_OPTIONS(`Port={self.smtpd_port}, Addr=127.0.0.1, Family=inet, Name=MTA')dnl
dnl ---- the milter under test: contrib/sendmail/safeshare.m4
{filt}MAILER(`local')dnl
MAILER(`smtp')dnl
"""

    def put_etc(self, name, text):
        with open(self.path("etc", name), "w") as f:
            f.write(text)
        os.chmod(self.path("etc", name), 0o644)

    def write_sendmail_config(self):
        with open(self.path("etc", "sendmail.mc"), "w") as f:
            f.write(self.mc_text())
        r = subprocess.run(["m4", os.path.join(self.sm["SM_CF_DIR"], "m4", "cf.m4"),
                            self.path("etc", "sendmail.mc")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        if r.returncode != 0 or r.stderr.strip():
            raise LabError("m4 could not build sendmail.cf:\n"
                           + r.stderr.decode(errors="replace"))
        cf = r.stdout.decode()
        for ln in cf.splitlines():
            m = SYSTEM_MAIL_PATHS.search(ln) if not ln.startswith("#") else None
            if m:
                raise LabError("generated sendmail.cf still names %s: %s" % (m.group(2), ln))
        self.put_etc("sendmail.cf", cf)
        self.put_etc("local-host-names", LAB_HOSTNAME + "\n")
        self.put_etc("trusted-users", "root\n")
        self.put_etc("service.switch", "hosts\tfiles\naliases\tfiles\n")
        self.put_etc("hosts", "127.0.0.1\t%s localhost\n" % LAB_HOSTNAME)
        # A bounce or postmaster notice lands at the sink instead of being lost.
        self.put_etc("aliases", "postmaster: postmaster@sink.lab.invalid\n"
                                "MAILER-DAEMON: postmaster\nroot: postmaster\n")
        self.put_etc("access", "Connect:127.0.0.1\tRELAY\nConnect:localhost\tRELAY\n")
        self.put_etc("helpfile", "")
        with open(self.path("etc", "access"), "rb") as f:
            r = subprocess.run([self.sm["SM_MAKEMAP"], "-C", self.cf, "hash",
                                self.path("etc", "access")], input=f.read(),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env=self.sm_env(), timeout=60)
        if r.returncode != 0:
            raise LabError("makemap access failed:\n" + r.stdout.decode(errors="replace"))
        r = subprocess.run(self.sm_argv("-bi"), stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           env=self.sm_env(), timeout=120)
        if r.returncode != 0:
            raise LabError("sendmail -bi (newaliases) failed:\n"
                           + r.stdout.decode(errors="replace"))

    def write_namespace_files(self):
        for name, text in (
                ("hosts", "127.0.0.1\tlocalhost\n127.0.1.1\t%s %s\n"
                          % (LAB_HOSTNAME, LAB_HOSTNAME.split(".")[0])),
                ("nsswitch.conf", "passwd: files\ngroup: files\nshadow: files\n"
                                  "hosts: files\nservices: files\nprotocols: files\n"),
                # Nothing listens on 127.0.0.1:53: a stray lookup fails at once.
                ("resolv.conf", "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n"),
                # Debian's sendmail has TCP wrappers: keep the host's rules out.
                ("hosts.allow", ""), ("hosts.deny", "")):
            with open(self.path("ns", name), "w") as f:
                f.write(text)
        probe = subprocess.run(["unshare", "--mount", "--uts", "--propagation", "private",
                                "true"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if probe.returncode != 0:
            raise LabError("unshare --mount --uts failed (%s): the Sendmail lab needs "
                           "private namespaces (real root with CAP_SYS_ADMIN)"
                           % probe.stderr.decode(errors="replace").strip())

    def sm_argv(self, *args):
        """argv running the private sendmail with ARGS inside the namespace."""
        return ["unshare", "--mount", "--uts", "--propagation", "private",
                "sh", "-c", self.NS_SCRIPT, "smlab-ns",
                self.sm["SM_BIN"], "-C", self.cf] + list(args)

    def sm_env(self):
        return {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
                "LD_LIBRARY_PATH": self.sm["SM_LIBDIR"],
                "LAB": self.dir, "SMLAB_HOSTNAME": LAB_HOSTNAME}

    # -- the daemon

    def start_sendmail(self):
        # -bD: the daemon in the foreground (Popen owns its pid); -q10s: it
        # forks a queue runner every 10s for deferred mail.
        self._sm_out = open(self.path("log", "sendmail.stdout"), "ab")
        self.sm_proc = subprocess.Popen(self.sm_argv("-bD", "-q10s", "-L", "sm-lab"),
                                        stdin=subprocess.DEVNULL, stdout=self._sm_out,
                                        stderr=self._sm_out, env=self.sm_env(),
                                        start_new_session=True)

        def up():
            if self.sm_proc.poll() is not None:
                raise LabError("sendmail exited with status %s:\n%s"
                               % (self.sm_proc.returncode, self.read_maillog()))
            return self.smtpd_answers()
        wait_for(up, 90, "Sendmail on port %d" % self.smtpd_port, step=0.1)

    def smtpd_answers(self):
        with socket.create_connection(("127.0.0.1", self.smtpd_port), timeout=5) as s:
            s.settimeout(5)
            banner = s.recv(512)
            s.sendall(b"QUIT\r\n")
            self.banner = banner.decode(errors="replace").strip()
            return banner.startswith(b"220")

    def stop_sendmail(self):
        if self.sm_proc is None:
            return
        pgid = self.sm_proc.pid
        if self.sm_proc.poll() is None:
            self.sm_proc.send_signal(signal.SIGTERM)
            try:
                self.sm_proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.sm_proc.kill()
                self.sm_proc.wait(timeout=10)
        # Any session child or queue runner still alive in its session.
        try:
            os.killpg(pgid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            wait_for(lambda: not group_alive(pgid), 10, "Sendmail's children to exit")
        except LabError:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._sm_out.close()
        self.sm_proc = None

    def queued(self):
        """Queue files (qf*/df*): mail Sendmail accepted and has not sent."""
        try:
            return sorted(n for n in os.listdir(self.queue_dir) if n[:2] in ("qf", "df"))
        except FileNotFoundError:
            return []


def group_alive(pgid):
    """Whether a live (non-zombie) process is left in process group PGID.

    A session child that exits after the daemon is reparented to pid 1 and
    stays a zombie until init reaps it; killpg(pgid, 0) would wait for that."""
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                fields = f.read().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False
