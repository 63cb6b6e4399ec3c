#!/usr/bin/env python3
"""Watch safeshare-milter decide five sends, as a practitioner and a DSL would see them.

Starts a private Postfix on 127.0.0.1 with safeshare-milter in front of a
sink (tests/integration/pflab.py), sends five messages from a school, and
for each prints what the sender's mail client is told, whether the mail
arrived, and what the audit trail recorded.  Nothing leaves this machine.

Needs root (Postfix's master starts as root).  From a build tree:
    sudo SS_BUILDDIR=$PWD SS_TESTDATA=/path/to/src/tests/data \\
        python3 /path/to/src/contrib/demo.py
SAFESHARE_MILTER=/path/to/safeshare-milter picks another binary.
"""

import os
import sys
import time

SRCDIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(SRCDIR, "tests", "integration"))
import pflab  # noqa: E402
from t_postfix import mail_with_attachment, referral_docx  # noqa: E402

DOCX = "vnd.openxmlformats-officedocument.wordprocessingml.document"


def referral_form(rcpts):
    """A referral form attached as a Word document, the number inside it."""
    return mail_with_attachment(rcpts, "Referral form", "referral.docx",
                                referral_docx(), "application", DOCX)


SENDER = "j.smith@stmarys.sch.uk"
SCENARIOS = [
    ("Secure share: school to the NHS health visiting team",
     SENDER, ["hv.team@nhs.net"], "safeguarding-nhs.eml"),
    ("Insecure share: school to a social worker's personal Gmail",
     SENDER, ["sam.taylor.sw@gmail.com"], "safeguarding-nhs.eml"),
    ("Mixed recipients: NHS team and the personal Gmail together",
     SENDER, ["hv.team@nhs.net", "sam.taylor.sw@gmail.com"], "safeguarding-nhs.eml"),
    ("No child data: the school newsletter to a parent's Gmail",
     "office@stmarys.sch.uk", ["parent.carer@gmail.com"], "newsletter.eml"),
    ("A referral form attached as a Word document, to a personal Gmail",
     SENDER, ["sam.taylor.sw@gmail.com"], referral_form),
]


def new_audit_records(lab, seen, timeout=3.0):
    """The records written since `seen` were counted (one per message, at end of data)."""
    deadline = time.monotonic() + timeout
    while True:
        recs = lab.audit_records()
        if len(recs) > seen or time.monotonic() >= deadline:
            return recs[seen:]
        time.sleep(0.1)


def describe_finding(f):
    parts = [f.get("type", "?"), f.get("redacted", "")]
    extra = ", ".join(str(f[k]) for k in ("confidence", "location") if f.get(k) is not None)
    return " ".join(p for p in parts if p) + (" (%s)" % extra if extra else "")


def show(lab, n, title, sender, rcpts, mail):
    delivered_before = len(lab.delivered())
    audit_before = len(lab.audit_records())
    raw = mail(rcpts) if callable(mail) else pflab.load_mail(mail, to=rcpts)
    code, text = lab.send(sender, rcpts, raw)
    if code == 250:
        lab.wait_delivered(delivered_before + 1, timeout=10)
    else:
        time.sleep(0.5)
    arrived = len(lab.delivered()) > delivered_before

    print("%d. %s" % (n, title))
    print("   from:   %s" % sender)
    print("   to:     %s" % ", ".join(rcpts))
    lines = text.splitlines() or [""]
    print("   reply:  %d %s" % (code, lines[0]))
    for ln in lines[1:]:
        print("           %d %s" % (code, ln))
    print("   sink:   %s" % ("delivered" if arrived else "nothing arrived"))
    recs = new_audit_records(lab, audit_before)
    if not recs:
        print("   audit:  (no record)")
    for rec in recs:
        print("   audit:  %s  ref %s" % (rec.get("action"), rec.get("reference")))
        findings = rec.get("findings") or []
        if not findings:
            print("           no findings")
        for f in findings:
            print("           found %s" % describe_finding(f))
    print()
    return bool(recs)


def main():
    if os.geteuid() != 0:
        print("demo.py needs root: Postfix's master must start as root.", file=sys.stderr)
        return 1
    lab = pflab.Lab(keep=True)
    try:
        lab.__enter__()
    except pflab.LabError as e:
        print("could not start the lab: %s" % e, file=sys.stderr)
        return 1
    try:
        print("safeshare demo: Postfix on 127.0.0.1:%d, milter %s\n"
              % (lab.smtpd_port, pflab.milter_binary()))
        undecided = [n for n, (title, sender, rcpts, mail) in enumerate(SCENARIOS, 1)
                     if not show(lab, n, title, sender, rcpts, mail)]
        print("audit log:  %s" % lab.audit_log)
        print("all files:  %s  (remove with: rm -rf %s)" % (lab.dir, lab.dir))
        logdir = lab.path("log")
    finally:
        lab.__exit__(None, None, None)
    # Every sample is outgoing mail, so each must have a recorded decision;
    # a demo that printed only "451" would otherwise still say it worked.
    if undecided:
        print("demo: safeshare recorded no decision for message %s; the milter's log is in %s"
              % (", ".join(map(str, undecided)), logdir), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
