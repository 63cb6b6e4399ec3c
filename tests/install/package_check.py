#!/usr/bin/env python3
"""Inside a throwaway Debian root where the safeshare .deb was just
installed: what the package made, then INSTALL's steps for a package
(README.Debian) followed literally, ending with mail through Postfix.

t_package.py copies this into the root and runs it there as root, in a
private network namespace (loopback only), so its Postfix and milter
cannot meet anyone else's. Prints TAP; exits 1 if any check failed.
"""

import glob
import grp
import json
import os
import pwd
import re
import smtplib
import stat
import subprocess
import sys
import time

import pflab   # copied beside this file: the lab's SMTP sink

CONF = "/etc/safeshare/safeshare.conf"
UNIT = "/lib/systemd/system/safeshare-milter.service"
DOCS = "/usr/share/doc/safeshare/examples"
SOCK = "/run/safeshare/safeshare.sock"
PIDF = "/run/safeshare/safeshare.pid"
AUDIT = "/var/log/safeshare/audit.log"
SINK_PORT = 2525
SINK_DIR = "/tmp/sink"
SHARE = ("From: teacher@stmarys.sch.uk\r\nTo: {to}\r\n"
         "Subject: Child protection plan\r\n\r\n"
         "NHS number 943 476 5919, date of birth 14/03/2019\r\n")

results = []


def check(ok, what, detail=""):
    results.append(bool(ok))
    print("%s %d - %s" % ("ok" if ok else "not ok", len(results), what))
    if not ok and detail:
        print("".join("# " + l + "\n" for l in str(detail).splitlines()), end="")
    sys.stdout.flush()
    return ok


def run(*cmd, **kw):
    return subprocess.run(list(cmd), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=kw.pop("timeout", 120), **kw)


def owner(path):
    st = os.stat(path)
    return (pwd.getpwuid(st.st_uid).pw_name, grp.getgrgid(st.st_gid).gr_name,
            stat.S_IMODE(st.st_mode))


def wait_for(pred, seconds):
    end = time.time() + seconds
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.1)
    return pred()


def package_made():
    for user in ("safeshare", "safeshare-reader"):
        try:
            pw = pwd.getpwnam(user)
            check(pw.pw_uid < 1000 and pw.pw_shell.endswith("nologin"),
                  "postinst made the system user %s" % user, str(pw))
        except KeyError:
            check(False, "postinst made the system user %s" % user)
    try:
        members = grp.getgrnam("safeshare-audit").gr_mem
        check("safeshare" in members, "safeshare is in the group safeshare-audit", members)
    except KeyError:
        check(False, "postinst made the group safeshare-audit")
    want = {"/run/safeshare": ("safeshare", "safeshare", 0o755),
            "/var/lib/safeshare": ("safeshare", "safeshare", 0o700),
            "/var/spool/safeshare": ("safeshare", "safeshare", 0o700),
            "/var/log/safeshare": ("safeshare", "safeshare-audit", 0o2750)}
    for d, w in want.items():
        got = owner(d) if os.path.isdir(d) else None
        check(got == w, "%s exists, %s:%s mode %o" % ((d,) + w), got)
    for key, w in (("/etc/safeshare/audit.key", ("safeshare", "safeshare-audit", 0o640)),
                   ("/var/lib/safeshare/release.key", ("safeshare", "safeshare", 0o600))):
        got = owner(key) if os.path.isfile(key) else None
        check(got == w and os.path.getsize(key) == 32,
              "%s: 32 random bytes, %s:%s mode %o" % ((key,) + w), got)
    conff = run("dpkg-query", "-W", "-f=${Conffiles}", "safeshare").stdout
    check(CONF in conff, "%s is a conffile (an admin's edits survive upgrades)" % CONF, conff)
    wants = "/etc/systemd/system/multi-user.target.wants/"
    check(os.path.islink(wants + "safeshare-milter.service"),
          "safeshare-milter.service is enabled")
    check(not os.path.exists("/etc/systemd/system/timers.target.wants/safeshare-remind.timer"),
          "the DSL reminder timer is left off (it needs NotifyFrom)")
    check(os.path.isfile("/etc/logrotate.d/safeshare") and os.path.isfile(
        "/usr/lib/tmpfiles.d/safeshare.conf"), "the logrotate and tmpfiles.d entries are in place")


def unit_lines(key):
    """The unit's own command lines, so the test starts it as systemd would."""
    with open(UNIT) as f:
        return [l.split("=", 1)[1].split() for l in f if l.startswith(key + "=")]


def waits_then_starts():
    p = run("safeshare-milter", "-n", "-c", CONF)
    check(p.returncode != 0 and "register.txt" in p.stdout,
          "before a register, -n refuses and names register.txt", p.stdout)
    with open(UNIT) as f:
        unit = f.read()
    check("ConditionPathExists=/etc/safeshare/register.txt" in unit,
          "the unit waits for /etc/safeshare/register.txt")
    # README.Debian, steps 1 and 2, as written.
    run("cp", DOCS + "/register.sample", "/etc/safeshare/register.txt")
    p = run("safesharectl", "register", "check", "/etc/safeshare/register.txt")
    check(p.returncode == 0, "safesharectl register check passes on the sample", p.stdout)
    for cmd in unit_lines("ExecStartPre"):
        p = run(*cmd)
        check(p.returncode == 0 and "OK" in p.stdout,
              "ExecStartPre (%s) says OK as the service user" % " ".join(cmd[1:]), p.stdout)
    cmd = unit_lines("ExecStart")[0]
    milter = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True)
    up = wait_for(lambda: os.path.exists(SOCK) and os.path.exists(PIDF), 30)
    check(up, "ExecStart: the socket and the PID file appear",
          "" if up or milter.poll() is None else milter.stdout.read())
    pid = open(PIDF).read().strip() if os.path.exists(PIDF) else ""
    check(pid == str(milter.pid), "the PID file holds the milter's pid", pid)
    uid = ""
    if os.path.exists("/proc/%d/status" % milter.pid):
        uid = [l for l in open("/proc/%d/status" % milter.pid) if l.startswith("Uid:")][0]
    check(uid.split()[1:2] == [str(pwd.getpwnam("safeshare").pw_uid)],
          "the milter runs as safeshare", uid)
    return milter


def postfix_up():
    """A private Postfix: README.Debian step 4 on top of a minimal main.cf."""
    if not os.path.exists("/etc/postfix/master.cf"):
        run("cp", "/etc/postfix/master.cf.proto", "/etc/postfix/master.cf")
    with open("/etc/postfix/main.cf", "w") as f:
        f.write("compatibility_level = 3.6\nmyhostname = mail.stmarys.sch.uk\n"
                "mydestination =\ninet_interfaces = loopback-only\ninet_protocols = ipv4\n"
                "mynetworks = 127.0.0.0/8\nrelayhost = [127.0.0.1]:%d\n"
                "maillog_file = /var/log/postfix.log\nsmtp_tls_security_level = none\n"
                "smtpd_tls_security_level = none\n" % SINK_PORT)
    for name, dest in (("main", "main.cf"), ("master", "master.cf")):
        with open(DOCS + "/postfix-%s.cf.snippet" % name) as s, \
                open("/etc/postfix/" + dest, "a") as d:
            d.write(s.read())
    p = run("postfix", "start")
    ok = check(p.returncode == 0, "Postfix starts with the package's snippets", p.stdout)
    return ok and wait_for(lambda: try_connect(10587), 30)


def try_connect(port):
    try:
        smtplib.SMTP("127.0.0.1", port, timeout=5).quit()
        return True
    except OSError:
        return False


def send(to):
    """The reply a practitioner's mail program would get, as (code, text)."""
    try:
        with smtplib.SMTP("127.0.0.1", 10587, timeout=60) as s:
            s.sendmail("teacher@stmarys.sch.uk", [to], SHARE.format(to=to).encode())
        return 250, ""
    except smtplib.SMTPRecipientsRefused as e:
        code, text = list(e.recipients.values())[0]
        return code, text.decode("utf-8", "replace")
    except smtplib.SMTPResponseException as e:
        return e.smtp_code, e.smtp_error.decode("utf-8", "replace")


def records():
    if not os.path.exists(AUDIT):
        return 0
    with open(AUDIT) as f:
        return sum(1 for l in f if l.strip())


def mail_flows():
    code, text = send("someone@gmail.com")
    check(code == 550 and "5.7.1" in text, "a share to gmail.com is refused: 550 5.7.1",
          "%s %s" % (code, text))
    code, text = send("hv.team@nhs.net")
    check(code == 250, "a share to nhs.net is accepted", "%s %s" % (code, text))
    arrived = wait_for(lambda: any("hv.team@nhs.net" in str(json.load(open(f))["rcpts"])
                                   for f in glob.glob(SINK_DIR + "/*.json")), 60)
    check(arrived, "and Postfix delivers it onwards",
          run("postqueue", "-p").stdout + open("/var/log/postfix.log").read()[-3000:])
    check(records() == 2, "two audit records in %s" % AUDIT, records())
    p = run("safesharectl", "-c", CONF, "audit", "verify", AUDIT)
    check(p.returncode == 0, "safesharectl audit verify: the chain holds", p.stdout)


def rotates():
    """logrotate with the package's snippet, then the SIGUSR1 it sends."""
    p = run("logrotate", "-f", "/etc/logrotate.d/safeshare")
    check(p.returncode == 0 and os.path.exists(AUDIT + ".1"),
          "logrotate rotates the audit log", p.stdout)
    code, _ = send("someone@gmail.com")
    check(code == 550 and wait_for(lambda: records() == 1, 10),
          "the next decision is recorded in the new audit.log", records())


def stops(milter):
    milter.terminate()
    try:
        milter.wait(30)
    except subprocess.TimeoutExpired:
        milter.kill()
    check(milter.returncode == 0, "SIGTERM stops the milter cleanly", milter.returncode)
    check(not os.path.exists(SOCK) and not os.path.exists(PIDF),
          "and removes its socket and PID file", os.listdir("/run/safeshare"))


def purges():
    run("postfix", "stop")
    p = run("dpkg", "--purge", "safeshare")
    check(p.returncode == 0, "dpkg --purge safeshare", p.stdout)
    gone = [f for f in ("/etc/safeshare/audit.key", "/var/lib/safeshare", "/var/spool/safeshare",
                        CONF, UNIT, "/usr/sbin/safeshare-milter") if os.path.exists(f)]
    check(not gone, "purge removes the keys, state, spool, configuration and programs", gone)
    check(os.path.exists(AUDIT), "purge keeps the audit trail (a record to keep)")


def main():
    package_made()
    milter = waits_then_starts()
    os.makedirs(SINK_DIR, exist_ok=True)
    sink = pflab.Sink(SINK_PORT, SINK_DIR)   # where Postfix relays: the world outside
    if check(postfix_up(), "Postfix listens on the internal relay, port 10587"):
        mail_flows()
        rotates()
    stops(milter)
    purges()
    print("1..%d" % len(results))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
