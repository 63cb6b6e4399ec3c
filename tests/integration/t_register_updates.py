#!/usr/bin/env python3
"""The signed register in a running milter, behind a real Postfix (issue 17).

A publisher's HTTPS server (test CA made here) serves a signed register;
safeshare-milter fetches it every 2 seconds (RegisterURL), checks it, swaps
it in, and refuses what it must: a rollback, a stranger's signature, an
empty register written over the file, a rolled-back file found at restart.
Mail keeps flowing through all of it (reload under load loses no message),
every audit record carries the serial in force, a stale register gives the
sender a reply that blames nobody, and the admin is told.

Needs root.  Run alone with:
    sudo SS_BUILDDIR=/path/to/build python3 tests/integration/t_register_updates.py
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pflab  # noqa: E402
import publisher  # noqa: E402
import testca  # noqa: E402

SENDER = "j.smith@stmarys.sch.uk"
NHS = "hv.team@nhs.net"
LEEDS = "safeguarding@leeds.nhs.uk"
ADMIN = "it@stmarys.sch.uk"
S1, S2, S3, S4, S5, S6 = 2026120601, 2026120602, 2026120603, 2026120604, 2026120605, 2026120606

BASE = ('stmarys.sch.uk org="St Mary\'s Primary" basis=local-agreement until=2099-01-01 '
        'tls=dane\n'
        'nhs.net org="NHSmail" basis=nhsmail until=2099-01-01 tls=verify\n')
LEEDS_ENTRY = 'leeds.nhs.uk org="Leeds Teaching Hospitals" basis=dcb1596 until=2099-01-01\n'


def register(serial, body=BASE, expires_in=30 * 86400):
    exp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + expires_in))
    return ("%%format safeshare-register 1\n%%publisher \"Lab partnership\"\n%%serial %d\n"
            "%%issued 2020-01-01T00:00:00Z\n%%expires %s\n\n%s" % (serial, exp, body)).encode()


class Pub:
    """The publisher: keys, the HTTPS server, and signing."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="safeshare-pub-")
        os.chmod(self.dir, 0o755)
        self.ca = testca.TestCA(self.dir)
        cert, key = self.ca.issue("localhost", ips=["127.0.0.1"])
        self.server = publisher.Server(cert, key)
        self.anchors = os.path.join(self.dir, "anchors")
        os.mkdir(self.anchors)
        for name in ("publisher", "stranger"):
            k = self.p(name + ".key")
            subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", k],
                           check=True, capture_output=True)
            os.chmod(k, 0o600)
        subprocess.run(["openssl", "pkey", "-in", self.p("publisher.key"), "-pubout", "-out",
                        os.path.join(self.anchors, "publisher.pub")], check=True,
                       capture_output=True)
        self.register = self.p("register.txt")       # the site's Register file

    def p(self, name):
        return os.path.join(self.dir, name)

    def sign(self, body, signer="publisher"):
        src = self.p("tosign")
        with open(src, "wb") as f:
            f.write(body)
        subprocess.run(["openssl", "pkeyutl", "-sign", "-rawin", "-inkey",
                        self.p(signer + ".key"), "-in", src, "-out", src + ".sig"],
                       check=True, capture_output=True)
        with open(src + ".sig", "rb") as f:
            return f.read()

    def publish(self, body, signer="publisher"):
        self.server.state.update(mode="serve", files={
            "/register.txt": body, "/register.txt.sig": self.sign(body, signer)})

    def install_locally(self, body, signer="publisher"):
        with open(self.register, "wb") as f:
            f.write(body)
        with open(self.register + ".sig", "wb") as f:
            f.write(self.sign(body, signer))

    def close(self):
        self.server.shutdown()
        shutil.rmtree(self.dir, ignore_errors=True)


class Run:
    def __init__(self, lab, pub):
        self.lab = lab
        self.pub = pub

    def log(self):
        return self.lab.milter_stderr()

    def wait_log(self, pattern, timeout=20, since=0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.log()[since:]
            m = re.search(pattern, text)
            if m:
                return m.group(0)
            time.sleep(0.2)
        return None

    def share(self, to, mail="safeguarding-nhs.eml"):
        return self.lab.send(SENDER, [to], pflab.load_mail(mail, to=[to]))

    def record_for(self, code, text, to):
        """The audit record of the last send to `to` (by the reply's
        reference when there is one)."""
        time.sleep(0.2)
        ref = pflab.reference_in(text)
        recs = [r for r in self.lab.audit_records()
                if r.get("event") is None and any(p.get("address") == to
                                                  for p in r.get("recipients", []))
                and (not ref or r.get("reference") == ref)]
        return recs[-1] if recs else None

    def delivered_share(self, to, serial):
        before = len(self.lab.delivered())
        code, text = self.share(to)
        bad = []
        if code != 250:
            bad.append("share to %s: %d, not 250" % (to, code))
        elif not self.lab.wait_delivered(before + 1):
            bad.append("share to %s accepted but not delivered" % to)
        rec = self.record_for(code, text, to)
        if not rec or rec.get("register_serial") != serial:
            bad.append("audit record's register_serial is %r, not %d"
                       % (rec and rec.get("register_serial"), serial))
        return bad, pflab_diag(code, text)

    def alerts(self):
        out = []
        for env, data in self.lab.delivered_messages():
            if "<%s>" % ADMIN in env["rcpts"] and b"X-Safeshare-Notice: register" in data:
                out.append(data.decode("utf-8", "replace"))
        return out


def pflab_diag(code, text):
    return ["reply: %d" % code] + ["  | " + ln for ln in text.splitlines()]


def t_signed_register_in_force(r):
    bad, diag = r.delivered_share(NHS, S1)
    if "signed by publisher.pub" not in subprocess.run(
            [pflab.milter_binary(), "-c", r.lab.milter_config, "-n"], capture_output=True,
            text=True).stdout:
        bad.append("-n does not name the anchor that signed the register")
    return bad, diag


def t_update_fetched(r):
    mark = len(r.log())
    r.pub.publish(register(S2, BASE + LEEDS_ENTRY))
    line = r.wait_log(r"register updated from \S+: serial %d" % S2, since=mark)
    if not line:
        return ["the milter did not take serial %d" % S2], r.log()[mark:].splitlines()[-10:]
    bad, diag = r.delivered_share(LEEDS, S2)
    with open(r.pub.register, "rb") as f:
        if b"%%serial %d" % S2 not in f.read():
            bad.append("the Register file was not replaced")
    return bad, [line] + diag


def t_reload_under_load(r):
    """24 shares from 6 clients while two updates arrive and SIGUSR1 is sent
    three times: every one accepted, delivered and recorded."""
    before = len(r.lab.delivered())
    nrec = len(r.lab.audit_records())
    results, lock = [], threading.Lock()

    def client():
        for _ in range(4):
            code, text = r.share(LEEDS)
            with lock:
                results.append((code, text))

    threads = [threading.Thread(target=client) for _ in range(6)]
    for t in threads:
        t.start()
    r.pub.publish(register(S3, BASE + LEEDS_ENTRY))
    for _ in range(3):
        time.sleep(0.7)
        r.lab.signal_milter(signal.SIGUSR1)
    r.pub.publish(register(S4, BASE + LEEDS_ENTRY))
    for t in threads:
        t.join(120)
    bad = []
    codes = [c for c, _ in results]
    if codes != [250] * 24:
        bad.append("replies under reload: %r" % sorted(set(codes)))
    if not r.lab.wait_delivered(before + 24, timeout=60):
        bad.append("%d of 24 delivered" % (len(r.lab.delivered()) - before))
    if not r.wait_log(r"register updated from \S+: serial %d" % S4, timeout=20):
        bad.append("serial %d never came into force" % S4)
    time.sleep(0.5)
    recs = r.lab.audit_records()[nrec:]
    shares = [x for x in recs if x.get("event") is None
              and any(p.get("address") == LEEDS for p in x.get("recipients", []))]
    if len(shares) != 24:
        bad.append("%d audit records for 24 shares" % len(shares))
    serials = sorted({x.get("register_serial") for x in shares})
    if not r.lab.milter_alive():
        bad.append("the milter died")
    return bad, ["serials seen: %r" % serials]


def t_rollback_refused(r):
    mark = len(r.log())
    r.pub.publish(register(S1, BASE + LEEDS_ENTRY))
    line = r.wait_log(r"register update failed: .*\(a rollback\).*", since=mark)
    bad, diag = r.delivered_share(LEEDS, S4)
    if not line:
        bad.append("no log line refusing the rollback")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not any("a rollback" in a for a in r.alerts()):
        time.sleep(0.3)
    if not any("a rollback" in a.replace("\r\n ", " ") for a in r.alerts()):
        bad.append("the admin was not told the update failed")
    return bad, [line or ""] + diag


def t_bad_signature_refused(r):
    mark = len(r.log())
    r.pub.publish(register(S5, BASE + LEEDS_ENTRY + 'gmail.com org="Gmail" basis=psn '
                           'until=2099-01-01\n'), signer="stranger")
    line = r.wait_log(r"register update failed: .*does not verify.*", since=mark)
    bad, diag = r.delivered_share(LEEDS, S4)
    if not line:
        bad.append("no log line refusing the stranger's signature")
    return bad, [line or ""] + diag


def t_empty_register_refused_on_reload(r):
    """The bug that opened issue 17: a file holding only %format."""
    mark = len(r.log())
    r.pub.install_locally(b"%format safeshare-register 1\n")    # signed, by mistake
    r.lab.signal_milter(signal.SIGUSR1)
    line = r.wait_log(r"register \S+ refused: it has no %serial.*stays in force", since=mark)
    bad, diag = r.delivered_share(LEEDS, S4)
    if not line:
        bad.append("no log line refusing the %format-only register")
    return bad, [line or ""] + diag


def t_restart_refuses_rollback(r):
    r.lab.kill_milter()
    r.pub.install_locally(register(S1, BASE))
    mark = len(r.log())
    r.lab.restart_milter()
    line = r.wait_log(r"register \S+ refused: serial %d is below the last good register's "
                      r"%d \(a rollback\).*stays in force" % (S1, S4), since=mark)
    bad, diag = r.delivered_share(LEEDS, S4)
    if not line:
        bad.append("no log line refusing the rolled-back file at start")
    return bad, [line or ""] + diag


def t_stale_register(r):
    mark = len(r.log())
    r.pub.publish(register(S6, BASE + LEEDS_ENTRY, expires_in=8))
    if not r.wait_log(r"register updated from \S+: serial %d" % S6, since=mark):
        return ["serial %d never came into force" % S6], r.log()[mark:].splitlines()[-8:]
    try:
        os.unlink(r.lab.path("state", "register.alerted"))   # as if a day had passed
    except FileNotFoundError:
        pass
    alerts_before = len(r.alerts())
    time.sleep(9)
    before = len(r.lab.delivered())
    code, text = r.share(NHS)
    flat = " ".join(text.split())
    bad = []
    if code != 451 or "4.7.1" not in text:
        bad.append("child data with a stale register: %d, not 451 4.7.1" % code)
    for want in ("the secure-domain register) is out of date", "not something you did wrong",
                 "tell your IT team (%s)" % ADMIN):
        if want not in flat:
            bad.append("the reply does not say %r" % want)
    for blame in ("your own address", "Not secure:"):
        if blame in flat:
            bad.append("the reply blames someone: %r" % blame)
    code2, text2 = r.lab.send("office@stmarys.sch.uk", [NHS],
                              pflab.load_mail("newsletter.eml", to=[NHS]))
    if code2 != 250:
        bad.append("mail without child data was not accepted: %d" % code2)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(r.alerts()) <= alerts_before:
        time.sleep(0.3)
    fresh = r.alerts()[alerts_before:]
    if not fresh or "went stale" not in " ".join(fresh[-1].split()):
        bad.append("the admin was not told the register went stale")
    rec = r.record_for(code, text, NHS)
    if not rec or rec.get("rule") != "OnRegisterStale" or rec.get("register_serial") != S6:
        bad.append("the audit record does not say OnRegisterStale with serial %d" % S6)
    time.sleep(1)
    for env, data in r.lab.delivered_messages()[before:]:
        if b"943 476 5919" in data:
            bad.append("the child-data share was delivered with a stale register")
    return bad, pflab_diag(code, text)


CHECKS = [
    (t_signed_register_in_force, "a signed register is in force: a secure share is delivered "
                                 "and recorded with its serial"),
    (t_update_fetched, "a newer signed register on RegisterURL is fetched, installed and "
                       "swapped in: its new domain is secure"),
    (t_reload_under_load, "reload under load loses no message: 24 shares during two updates "
                          "and three SIGUSR1, all accepted, delivered and recorded"),
    (t_rollback_refused, "a signed older serial served by the publisher is refused, logged and "
                         "alerted; the last good register stays in force"),
    (t_bad_signature_refused, "a register signed by a stranger is refused; nothing changes"),
    (t_empty_register_refused_on_reload, "a %format-only register written over the file is "
                                         "refused on SIGUSR1; mail still flows"),
    (t_restart_refuses_rollback, "after a restart a rolled-back file is refused and the kept "
                                 "last good copy is used"),
    (t_stale_register, "a stale register: child data gets 451 with a reply that blames nobody, "
                       "other mail flows, the admin is told"),
]


def main():
    pub = Pub()
    pub.install_locally(register(S1))
    pub.publish(register(S1))
    conf = ("RegisterTrustAnchors %s\nRegisterURL https://127.0.0.1:%d/register.txt\n"
            "RegisterCAFile %s\nRegisterFetchInterval 2\nRegisterFetchTimeout 5\n"
            "OnRegisterStale tempfail\nNotifyFrom safeshare@stmarys.sch.uk\n"
            "AdminAddress %s\nDSLAddress dsl@stmarys.sch.uk\n"
            % (pub.anchors, pub.server.server_address[1], pub.ca.cert, ADMIN))
    try:
        return pflab.run_tap(CHECKS, lambda: pflab.Lab(milter_conf=conf, register=pub.register),
                             lambda lab: (Run(lab, pub),))
    finally:
        pub.close()


if __name__ == "__main__":
    sys.exit(main())
