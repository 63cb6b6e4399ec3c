#!/usr/bin/env python3
"""Outgoing mail only, through a real Postfix set up as the snippet says.

The lab's Postfix has three doors, as a school's would:
  - port 25 (the lab's main smtpd), where the internet delivers to the
    school: no milter, as contrib/postfix-master.cf.snippet leaves it;
  - the snippet's own "submission" and internal-relay services, read from
    the snippet itself (only the socket path, the ports and TLS are
    changed for the lab), where practitioners and the school's servers
    send: the milter is attached there;
  - one more smtpd with the milter attached as if from main.cf, to show
    the milter passes incoming mail by itself too.
InternalHosts is 127.0.0.2 (the school's own mail server). Clients on
127.0.0.1 are "the internet": a parent's provider, or a teacher at home
who logs in on the submission port (SMTP AUTH against dovecot_auth.py).

Needs root.  Run alone with:
    sudo SS_BUILDDIR=/path/to/build python3 tests/integration/t_outgoing.py
"""

import os
import signal
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pflab  # noqa: E402

PARENT = "parent.carer@gmail.com"
SCHOOL = "office@stmarys.sch.uk"
TEACHER = "j.smith@stmarys.sch.uk"
GMAIL = "sam.taylor.sw@gmail.com"
NHS = "hv.team@nhs.net"
LOGIN = ("j.smith", "correct horse")
INTERNAL = "127.0.0.2"
SETTLE = 1.0


def snippet_path():
    """The snippet as built (paths substituted), else the source copy."""
    for top in (os.environ.get("SS_BUILDDIR"), pflab.SRCDIR):
        p = os.path.join(top or "", "contrib", "postfix-master.cf.snippet")
        if os.path.exists(p):
            return p
    raise pflab.LabError("contrib/postfix-master.cf.snippet not found")


def snippet_services():
    """[(service, [param=value])] from the snippet's master.cf lines."""
    services = []
    with open(snippet_path()) as f:
        for ln in f:
            if ln.startswith("#") or not ln.strip():
                continue
            if ln[0].isspace():
                flag, opt = ln.split(None, 1)
                assert flag == "-o", ln
                services[-1][1].append(opt.strip())
            else:
                services.append((ln.split()[0], []))
    return services


def lab_options(options):
    """The snippet's options for the lab: its socket, no TLS certificate."""
    out = []
    for o in options:
        name, value = o.split("=", 1)
        if name == "smtpd_milters":
            value = "unix:{milter}"
        if name == "smtpd_tls_security_level":
            value = "none"
        out.append("%s=%s" % (name, value))
    return out


def make_lab():
    services = [(name, lab_options(opts)) for name, opts in snippet_services()]
    services.append(("everywhere", ["smtpd_milters=unix:{milter}"]))
    return pflab.Lab(milter_conf="InternalHosts %s\n" % INTERNAL,
                     postfix_main={"smtpd_milters": "", "mynetworks": INTERNAL + "/32",
                                   "relay_domains": "stmarys.sch.uk"},
                     services=services, sasl_users={LOGIN[0]: LOGIN[1]})


class Run:
    def __init__(self, lab):
        self.lab = lab
        self.submission = lab.ports["submission"]
        self.internal = lab.ports[[n for n in lab.ports if n.isdigit()][0]]
        self.everywhere = lab.ports["everywhere"]

    def send(self, sender, rcpts, mail, **kw):
        """(code, text, what arrived at the sink, new audit records)."""
        delivered = len(self.lab.delivered())
        records = len(self.lab.audit_records())
        code, text = self.lab.send(sender, rcpts, pflab.load_mail(mail, to=rcpts), **kw)
        if code == 250:
            self.lab.wait_delivered(delivered + 1, timeout=10)
        time.sleep(SETTLE)
        return (code, text, self.lab.delivered_messages()[delivered:],
                self.lab.audit_records()[records:])


def diag(code, text, arrived, records):
    return (["reply: %d" % code] + ["  | " + ln for ln in text.splitlines()]
            + ["arrived: %d, audit records: %s" % (len(arrived),
                                                   [r.get("action") for r in records])])


def untouched(code, text, arrived, records):
    bad = []
    if code != 250:
        bad.append("expected 250, got %d" % code)
    if len(arrived) != 1:
        bad.append("%d messages reached the school, not 1" % len(arrived))
    elif b"X-Safeshare-Ref" in arrived[0][1]:
        bad.append("the milter added X-Safeshare-Ref: it inspected the message")
    if records:
        bad.append("%d audit record(s) written for incoming mail" % len(records))
    return bad


def refused(code, text, arrived, records, must_name):
    bad = []
    if code != 550 or "5.7.1" not in text:
        bad.append("expected 550 5.7.1, got %d" % code)
    if must_name not in text:
        bad.append("the reply does not name %s" % must_name)
    if arrived:
        bad.append("%d message(s) reached the sink" % len(arrived))
    if [r.get("action") for r in records] != ["reject"]:
        bad.append("audit records %r, not one reject" % [r.get("action") for r in records])
    return bad


def t_parent_port25(r):
    got = r.send(PARENT, [SCHOOL], "parent-inbound.eml")
    return untouched(*got), diag(*got)


def t_parent_milter_everywhere(r):
    got = r.send(PARENT, [SCHOOL], "parent-inbound.eml", port=r.everywhere)
    bad = untouched(*got)
    log = r.lab.milter_stderr()
    if "not inspected: incoming: client 127.0.0.1 is not in InternalHosts" not in log:
        bad.append("the milter did not log why it passed the message")
    return bad, diag(*got)


def t_teacher_to_gmail_refused(r):
    got = r.send(TEACHER, [GMAIL], "safeguarding-nhs.eml", port=r.submission, auth=LOGIN)
    return refused(*got, must_name=GMAIL), diag(*got)


def t_teacher_to_nhs_delivered(r):
    code, text, arrived, records = got = r.send(TEACHER, [NHS], "safeguarding-nhs.eml",
                                                port=r.submission, auth=LOGIN)
    bad = []
    if code != 250 or len(arrived) != 1:
        bad.append("expected 250 and one delivery, got %d and %d" % (code, len(arrived)))
    elif b"X-Safeshare-Ref" not in arrived[0][1]:
        bad.append("no X-Safeshare-Ref on the delivered share")
    if [x.get("action") for x in records] != ["accept"]:
        bad.append("audit records %r, not one accept" % [x.get("action") for x in records])
    return bad, diag(*got)


def t_submission_needs_login(r):
    got = r.send(TEACHER, [GMAIL], "newsletter.eml", port=r.submission)
    code = got[0]
    bad = [] if 500 <= code < 600 else ["submission without a login answered %d" % code]
    if got[2]:
        bad.append("mail sent without a login reached the sink")
    return bad, diag(*got)


def t_internal_relay_inspected(r):
    got = r.send(TEACHER, [GMAIL], "safeguarding-nhs.eml", port=r.internal, source=INTERNAL)
    return refused(*got, must_name=GMAIL), diag(*got)


def t_inspect_incoming(r):
    with open(r.lab.milter_config, "a") as f:
        f.write("InspectIncoming yes\n")
    mark = len(r.lab.milter_stderr())
    r.lab.signal_milter(signal.SIGUSR1)
    try:
        pflab.wait_for(lambda: "reloaded" in r.lab.milter_stderr()[mark:], 10, "the reload")
    except pflab.LabError as e:
        return [str(e)], r.lab.milter_stderr()[mark:].splitlines()
    got = r.send(PARENT, [SCHOOL], "parent-inbound.eml", port=r.everywhere)
    return refused(*got, must_name=PARENT), diag(*got)


CHECKS = [
    (t_parent_port25, "a parent's mail to the school with their child's NHS number, on "
                      "port 25 (no milter, as the snippet sets up): delivered, no audit record"),
    (t_parent_milter_everywhere, "the same mail through an smtpd with the milter attached: "
                                 "the milter passes it untouched, no record, logs why"),
    (t_teacher_to_gmail_refused, "a teacher logged in on the snippet's submission service "
                                 "shares to Gmail: 550 5.7.1 naming the recipient, recorded"),
    (t_teacher_to_nhs_delivered, "the same teacher shares to nhs.net: delivered with "
                                 "X-Safeshare-Ref, recorded as accept"),
    (t_submission_needs_login, "the snippet's submission service refuses a client that "
                               "did not log in"),
    (t_internal_relay_inspected, "the school's own server (InternalHosts) on the snippet's "
                                 "internal relay shares to Gmail: refused and recorded"),
    (t_inspect_incoming, "with InspectIncoming yes (reloaded), the parent's mail through "
                         "the milter is inspected and refused"),
]


def main():
    return pflab.run_tap(CHECKS, make_lab, lambda lab: (Run(lab),))


if __name__ == "__main__":
    sys.exit(main())
