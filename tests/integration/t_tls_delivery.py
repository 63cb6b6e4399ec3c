#!/usr/bin/env python3
"""The register's tls= enforced by Postfix, and proof of how a share travelled
(issue 17).

A private Postfix uses the smtp_tls_policy_maps table `safesharectl register
export-postfix` writes from the lab register (nhs.net: verify).  nhs.net's
test MX is a TLS sink on 127.0.0.1 with certificates from a CA made here:
presenting a certificate for another name, Postfix refuses to deliver the
share (it stays deferred, nothing arrives); presenting the right one, the
same share is delivered over verified TLS.  safeshare-milter follows
Postfix's log (DeliveryLog) and appends a delivery record per recipient to
the audit trail, joined to its decision by reference; `safesharectl audit
show` prints both.

Needs root.  Run alone with:
    sudo SS_BUILDDIR=/path/to/build python3 tests/integration/t_tls_delivery.py
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pflab  # noqa: E402
import testca  # noqa: E402

SENDER = "j.smith@stmarys.sch.uk"
NHS = "hv.team@nhs.net"
PLAIN = "office@plain.example.org"     # not on the register: no policy, TLS "may"


def ctl(*args):
    builddir = os.environ.get("SS_BUILDDIR") or pflab.SRCDIR
    p = subprocess.run([os.path.join(builddir, "review", "safesharectl")] + list(args),
                       capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout + p.stderr


class Setup:
    """The CA, the certificates, the exported table and nhs.net's test MX."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="safeshare-tls-")
        os.chmod(self.dir, 0o755)          # Postfix's smtp reads the CA and the table
        ca = testca.TestCA(self.dir)
        self.ca = ca.cert
        certs = {"right": ca.issue("nhs.net", names=["plain.example.org"]),
                 "wrong": ca.issue("mx.somewhere-else.example")}
        for cert, _ in certs.values():
            os.chmod(cert, 0o644)
        os.chmod(self.ca, 0o644)
        self.table = os.path.join(self.dir, "safeshare_tls_policy")
        rc, out = ctl("-c", "/nonexistent.conf", "register", "export-postfix",
                      pflab.LAB_REGISTER, "--out", self.table)
        if rc != 0:
            raise pflab.LabError("export-postfix failed: " + out)
        os.chmod(self.table, 0o644)
        os.makedirs(os.path.join(self.dir, "mx"))
        self.mx_port = pflab.free_port()
        self.mx = pflab.TLSSink(self.mx_port, os.path.join(self.dir, "mx"), certs, "wrong")

    def delivered(self):
        d = os.path.join(self.dir, "mx")
        out = []
        for n in sorted(os.listdir(d)):
            if n.endswith(".json"):
                with open(os.path.join(d, n)) as f:
                    env = json.load(f)
                with open(os.path.join(d, n[:-5] + ".eml"), "rb") as f:
                    out.append((env, f.read()))
        return out

    def close(self):
        self.mx.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class Run:
    def __init__(self, lab, s):
        self.lab = lab
        self.s = s
        self.queue_id = None
        self.ref = None

    def wait(self, pred, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            v = pred()
            if v:
                return v
            time.sleep(0.3)
        return None

    def decision(self, to):
        recs = [r for r in self.lab.audit_records()
                if r.get("event") is None and any(p.get("address") == to
                                                  for p in r.get("recipients", []))]
        return recs[-1] if recs else None

    def deliveries(self, ref):
        return [r for r in self.lab.audit_records()
                if r.get("event") == "delivery" and r.get("reference") == ref]


def t_table_wired(r):
    conf = r.lab.postfix_conf
    p = subprocess.run(["postmap", "-c", conf, "-q", "nhs.net", "hash:" + r.s.table],
                       capture_output=True, text=True)
    bad = [] if p.stdout.strip() == "verify protocols=>=TLSv1.2" else \
        ["postmap -q nhs.net: %r" % p.stdout.strip()]
    p = subprocess.run(["postconf", "-c", conf, "-h", "smtp_tls_policy_maps"],
                       capture_output=True, text=True)
    if r.s.table not in p.stdout:
        bad.append("Postfix does not use the exported table: %r" % p.stdout.strip())
    return bad, []


def t_wrong_certificate_refused(r):
    code, text = r.lab.send(SENDER, [NHS], pflab.load_mail("safeguarding-nhs.eml", to=[NHS]))
    bad = []
    if code != 250:
        return ["the milter did not accept a secure share: %d" % code], text.splitlines()
    m = re.search(r"queued as (\w+)", text)
    r.queue_id = m.group(1) if m else None
    line = r.wait(lambda: re.search(r"%s: to=<%s>.*status=deferred \(([^)]*)" % (
        r.queue_id, re.escape(NHS)), r.lab.read_maillog()), timeout=30)
    if not line:
        bad.append("Postfix did not defer the share to an MX with the wrong certificate")
    elif "certificate" not in line.group(1).lower():
        bad.append("deferred, but not for the certificate: %s" % line.group(1))
    if r.s.delivered():
        bad.append("something reached the MX that presented a wrong certificate")
    if r.queue_id not in r.lab.queued():
        bad.append("the share is not waiting in Postfix's queue")
    dec = r.decision(NHS)
    r.ref = dec and dec.get("reference")
    if not dec or dec.get("action") != "accept" or dec.get("queue_id") != r.queue_id:
        bad.append("no accept decision recorded for queue id %s" % r.queue_id)
    elif r.deliveries(r.ref):
        bad.append("a delivery record exists for a share that was not delivered")
    return bad, [line.group(0) if line else ""] + text.splitlines()


def t_right_certificate_delivered(r):
    r.s.mx.presenting = "right"
    r.lab.flush()
    got = r.wait(lambda: r.s.delivered(), timeout=40)
    bad = []
    if not got:
        return ["not delivered once the MX presented the right certificate"], \
            r.lab.read_maillog().splitlines()[-6:]
    env, data = got[0]
    if env["rcpts"] != ["<%s>" % NHS] or b"Child protection plan" not in data:
        bad.append("the MX got something else: %r" % env)
    if not env.get("tls"):
        bad.append("the MX received it without TLS")
    log = r.lab.read_maillog()
    if not re.search(r"Verified TLS connection established to nhs\.net\[127\.0\.0\.1\]:%d"
                     % r.s.mx_port, log):
        bad.append("Postfix did not log a verified TLS connection to nhs.net")
    return bad, ["MX saw: %r" % env.get("tls")]


def t_delivery_record_joined(r):
    recs = r.wait(lambda: r.deliveries(r.ref), timeout=20)
    if not recs:
        return ["no delivery record joined to %s" % r.ref], \
            [json.dumps(x) for x in r.lab.audit_records()[-3:]]
    d = recs[0]
    tls = d.get("tls") or {}
    env, _ = r.s.delivered()[0]
    bad = []
    want = {"recipient": NHS, "status": "sent", "queue_id": r.queue_id,
            "relay": "nhs.net[127.0.0.1]:%d" % r.s.mx_port}
    for k, v in want.items():
        if d.get(k) != v:
            bad.append("delivery %s is %r, not %r" % (k, d.get(k), v))
    if tls.get("verified") is not True or tls.get("trust") != "Verified":
        bad.append("the record does not say the certificate was verified: %r" % tls)
    if tls.get("version") != env["tls"]["version"] or tls.get("cipher") != env["tls"]["cipher"]:
        bad.append("record says %s/%s, the MX saw %s/%s" % (
            tls.get("version"), tls.get("cipher"), env["tls"]["version"], env["tls"]["cipher"]))
    if len(recs) != 1:
        bad.append("%d delivery records for one recipient" % len(recs))
    rc, out = ctl("-c", r.lab.milter_config, "audit", "show", r.ref)
    for w in ("Reference  %s" % r.ref, "Decision", "accept", NHS, "sent",
              "nhs.net[127.0.0.1]:%d" % r.s.mx_port, "certificate verified",
              env["tls"]["version"]):
        if w not in out:
            bad.append("audit show lacks %r" % w)
    if rc != 0:
        bad.append("audit show exited %d" % rc)
    return bad, out.splitlines()


def t_unverified_is_said(r):
    """A recipient with no register policy goes with opportunistic TLS; the
    record says the certificate was not verified (its name does not match)."""
    r.s.mx.presenting = "wrong"
    code, text = r.lab.send("office@stmarys.sch.uk", [PLAIN],
                            pflab.load_mail("newsletter.eml", to=[PLAIN]))
    if code != 250:
        return ["newsletter not accepted: %d" % code], text.splitlines()
    dec = r.wait(lambda: r.decision(PLAIN))
    ref = dec and dec.get("reference")
    recs = r.wait(lambda: r.deliveries(ref), timeout=40)
    if not recs:
        return ["no delivery record for the newsletter"], r.lab.read_maillog().splitlines()[-5:]
    tls = recs[0].get("tls") or {}
    bad = []
    if recs[0].get("status") != "sent" or tls.get("verified") is not False:
        bad.append("record %r" % recs[0])
    rc, out = ctl("-c", r.lab.milter_config, "audit", "show", ref.lower())
    if "certificate NOT verified" not in out:
        bad.append("audit show does not say the certificate was not verified")
    return bad, out.splitlines()


CHECKS = [
    (t_table_wired, "Postfix uses the table export-postfix wrote (postmap -q nhs.net: verify)"),
    (t_wrong_certificate_refused, "nhs.net's MX presents a wrong certificate: the share is "
                                  "deferred, nothing arrives, no delivery is recorded"),
    (t_right_certificate_delivered, "with the right certificate the same share is delivered "
                                    "over verified TLS"),
    (t_delivery_record_joined, "the delivery record (relay, TLS version, cipher, verified) is "
                               "joined to the decision; audit show prints both"),
    (t_unverified_is_said, "a delivery over unverified TLS is recorded as not verified"),
]


def main():
    s = Setup()
    main_cf = {
        "relayhost": "",
        "smtp_tcp_port": str(s.mx_port),
        "smtp_host_lookup": "native",
        "smtp_tls_security_level": "may",
        "smtp_tls_policy_maps": "hash:" + s.table,
        "smtp_tls_CAfile": s.ca,
        "smtp_tls_loglevel": "1",
    }
    try:
        return pflab.run_tap(
            CHECKS,
            lambda: pflab.Lab(milter_conf="DeliveryLog {maillog}\n", postfix_main=main_cf,
                              smtp_hosts=["nhs.net", "plain.example.org"]),
            lambda lab: (subprocess.run(["postmap", "-c", lab.postfix_conf, "hash:" + s.table],
                                        check=True), Run(lab, s))[1:])
    finally:
        s.close()


if __name__ == "__main__":
    sys.exit(main())
