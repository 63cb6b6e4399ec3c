#!/usr/bin/env python3
"""A child named, not numbered (issue 13, spec identifiers.md section 9.3),
through a real Postfix on loopback.

"An initial child protection conference for Reuben Robinson (aged 3)" sent
to a personal Hotmail address is refused with guidance that says what was
found; the same to a secure address is delivered and recorded.  A referral
form named Referral_Alfie_Smith_Year_3.txt and OFFICIAL-SENSITIVE mail
naming a child with an age are refused too; a newsletter praising a child
by name and age is not.  Every record keeps the child's initials and a
keyed hash of the name, and no reply, log line or record holds the name:
`safesharectl audit search --name` finds the child's records from the hash.

Needs root.  Run alone with:
    sudo SS_BUILDDIR=/path/to/build python3 tests/integration/t_named_child.py
or via `make check-integration`.
"""

import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import time
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pflab  # noqa: E402

SENDER = "dc.r.hughes@cjsm.net"          # a police officer's secure account
HOTMAIL = "r.family2019@hotmail.co.uk"
SECURE = "hv.team@nhs.net"
PARENT = "parent.carer@gmail.com"
ICPC = ("Hello,\r\n\r\nAn initial child protection conference for Reuben Robinson "
        "(aged 3) has been booked for Wednesday at 10am.\r\n\r\nThanks\r\n")
# the names the lab's mail holds, as a log or record might carry them
CLEAR_NAMES = re.compile(r"reuben|robinson|alfie|(?<!\w)smith|amelia|evans", re.I)
SETTLE = 1.0


def message(to, subject, body, attachment=None):
    m = EmailMessage(policy=SMTP_POLICY)
    m["From"] = SENDER
    m["To"] = to
    m["Subject"] = subject
    m["Message-ID"] = "<%s@cjsm.net>" % os.urandom(6).hex()
    m.set_content(body.replace("\r\n", "\n"))
    if attachment:
        name, text = attachment
        m.add_attachment(text.encode(), maintype="text", subtype="plain", filename=name)
    return m.as_bytes()


def diag(code, text):
    return ["reply %d:" % code] + ["  | " + ln for ln in text.splitlines()]


class Run:
    def __init__(self, lab):
        self.lab = lab
        self.refs = []

    def record(self, ref):
        recs = [r for r in self.lab.audit_records() if r.get("reference") == ref
                and "action" in r]
        return recs[-1] if recs else None

    def last_record(self):
        recs = [r for r in self.lab.audit_records() if "action" in r]
        return recs[-1] if recs else None

    def key(self):
        with open(self.lab.path("audit", "audit.key"), "rb") as f:
            return f.read()

    def name_hmac(self, name):
        return hmac.new(self.key(), b"named_child:" + name.encode(), hashlib.sha256).hexdigest()

    def ctl(self, *args):
        p = subprocess.run([pflab.ctl_binary(), "-c", self.lab.milter_config] + list(args),
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
        return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")

    def refused(self, msg, to, must_say):
        """Send to an insecure address: refused, nothing delivered, the reply
        saying must_say and naming no child; the record's named_child finding."""
        n = len(self.lab.delivered())
        code, text = self.lab.send(SENDER, [to], msg)
        bad = []
        if code != 550 or "5.7.1" not in text:
            bad.append("expected 550 5.7.1, got %d" % code)
        for want in must_say:
            if want not in text:
                bad.append("the reply does not say %r" % want)
        if CLEAR_NAMES.search(text):
            bad.append("the reply names the child")
        time.sleep(SETTLE)
        if len(self.lab.delivered()) != n:
            bad.append("the message was delivered")
        ref = pflab.reference_in(text)
        rec = self.record(ref) if ref else None
        found = [f for f in (rec or {}).get("findings", []) if f.get("type") == "named_child"]
        if not found:
            bad.append("no named_child finding on record for %s" % ref)
        else:
            self.refs.append(ref)
        return bad, found, diag(code, text)


def icpc_to_hotmail_is_refused(r):
    bad, found, out = r.refused(message(HOTMAIL, "ICPC Wednesday", ICPC), HOTMAIL,
                                ["not been sent", "a child's name with safeguarding details "
                                 "in the message body", "secure"])
    if found:
        f = found[0]
        if f.get("redacted") != "R. R. (aged 3)" or f.get("confidence") != "high":
            bad.append("finding %r %r, expected R. R. (aged 3) at high"
                       % (f.get("redacted"), f.get("confidence")))
        if f.get("hmac") != r.name_hmac("reuben robinson"):
            bad.append("the keyed hash is not of the normalised name")
    return bad, out


def icpc_to_secure_is_delivered_and_recorded(r):
    n = len(r.lab.delivered())
    code, text = r.lab.send(SENDER, [SECURE], message(SECURE, "ICPC Wednesday", ICPC))
    bad = [] if code == 250 else ["expected 250"]
    if not r.lab.wait_delivered(n + 1):
        return bad + ["nothing delivered"], diag(code, text)
    rec = r.last_record()
    found = [f for f in (rec or {}).get("findings", []) if f.get("type") == "named_child"]
    if not rec or rec.get("action") != "accept" or not rec.get("child_data") or not found:
        bad.append("record: action %r, child_data %r, named_child %r"
                   % (rec and rec.get("action"), rec and rec.get("child_data"), found))
    else:
        r.refs.append(rec["reference"])
    return bad, diag(code, text)


def referral_file_name_is_refused_and_masked(r):
    # the file name names the child and a school year; the body says why
    body = ("Hello,\r\n\r\nPlease find attached the referral for Monday's strategy "
            "meeting.\r\n\r\nThanks\r\n")
    msg = message(HOTMAIL, "Referral form", body,
                  ("Referral_Alfie_Smith_Year_3.txt", "Referral form: see the MASH notes.\n"))
    bad, found, out = r.refused(msg, HOTMAIL, ["a child's name", "attachment"])
    rec = r.last_record()
    if found and found[0].get("redacted", "")[:5] != "A. S.":
        bad.append("finding redacted as %r" % found[0].get("redacted"))
    if rec and CLEAR_NAMES.search(json.dumps(rec)):
        bad.append("the record names the child (a location quotes the file name)")
    return bad, out


def official_sensitive_name_and_age_is_refused(r):
    body = ("OFFICIAL-SENSITIVE\r\n\r\nAmelia Evans (aged 10) moves to Oakfield "
            "Academy in January; her new address is below.\r\n")
    bad, found, out = r.refused(message(HOTMAIL, "School move", body), HOTMAIL,
                                ["a child's name"])
    if found and found[0].get("confidence") != "high":
        bad.append("confidence %r, expected high" % found[0].get("confidence"))
    return bad, out


def newsletter_naming_a_child_is_delivered(r):
    n = len(r.lab.delivered())
    body = ("Dear parents,\r\n\r\nWell done to Aoife Yilmaz, 5, who raised money for "
            "the school fair.\r\n\r\nBest wishes\r\nMrs Khan\r\n")
    code, text = r.lab.send(SENDER, [PARENT], message(PARENT, "Newsletter", body))
    bad = [] if code == 250 and r.lab.wait_delivered(n + 1) else ["not delivered"]
    rec = r.last_record()
    found = [f for f in (rec or {}).get("findings", []) if f.get("type") == "named_child"]
    if not found or found[0].get("confidence") != "medium" or rec.get("child_data"):
        bad.append("expected a medium named_child recorded, not child data: %r" % found)
    return bad, diag(code, text)


def no_name_in_logs_and_search_finds_the_child(r):
    bad = []
    for path in r.lab.log_files():
        with open(path, encoding="utf-8", errors="replace") as f:
            for ln in f:
                if CLEAR_NAMES.search(ln):
                    bad.append("%s holds a child's name: %s" % (os.path.basename(path),
                                                                CLEAR_NAMES.sub("#", ln)[:160]))
                    break
    rc, out, err = r.ctl("audit", "search", "--json", "--name", "Reuben Robinson")
    got = sorted({rec.get("reference") for rec in json.loads(out)}) if rc == 0 else []
    want = sorted(r.refs[:2])
    if got != want:
        bad.append("search --name: expected %s, got %s (%s)" % (want, got, err.strip()))
    if CLEAR_NAMES.search(out.replace("Reuben Robinson", "")):
        bad.append("the search output holds a name")
    return bad, [err]


CHECKS = [
    (icpc_to_hotmail_is_refused,
     "ICPC for a named child of 3 to Hotmail: refused, guidance says what was found"),
    (icpc_to_secure_is_delivered_and_recorded,
     "the same to a secure address: delivered, recorded as child data"),
    (referral_file_name_is_refused_and_masked,
     "Referral_Alfie_Smith_Year_3.txt to Hotmail: refused, the file name masked on record"),
    (official_sensitive_name_and_age_is_refused,
     "OFFICIAL-SENSITIVE naming a child of 10 to Hotmail: refused"),
    (newsletter_naming_a_child_is_delivered,
     "a newsletter praising a child of 5 to a parent: delivered, recorded only"),
    (no_name_in_logs_and_search_finds_the_child,
     "no log or record holds a name; audit search --name finds the child's records"),
]

if __name__ == "__main__":
    sys.exit(pflab.run_tap(CHECKS, pflab.Lab, lambda lab: (Run(lab),)))
