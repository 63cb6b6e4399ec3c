#!/usr/bin/env python3
"""A release by root is delivered once and the sender hears once (issue 15).

The milter runs as its service user (UserID), as a deployment does.  An
administrator runs `safesharectl quarantine release` as root.  Before
issue 15 the files that wrote were root's, the milter could not read them,
the release token was "not honoured (store unreadable)", the message was
held again under a new reference, and the teacher got both "your message
has been sent" and "your message is being checked".  safesharectl now
becomes UserID before it touches the store or the log: the message is
delivered exactly once, the entry ends `delivered`, the sender gets one
"held" and one "released" notice, and every file stays the service user's.

Needs root.  Run alone with:
    sudo SS_BUILDDIR=/path/to/build SS_TESTDATA=/path/to/tests/data \\
        python3 tests/integration/t_root_release.py
or via `make check-integration`.
"""

import os
import pwd
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean in VPATH builds
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pflab  # noqa: E402
from t_quarantine import (QuarantineLab, Run, SENDER, INSECURE, SETTLE,  # noqa: E402
                          check_notice)

SERVICE_USER = "safeshare-lab"


def owners(lab):
    """{path: owner name} for the store's files and the audit log."""
    d = lab.path("quarantine")
    paths = [os.path.join(d, n) for n in os.listdir(d)] + [lab.audit_log]
    return {p: pwd.getpwuid(os.stat(p).st_uid).pw_name for p in paths if os.path.exists(p)}


def t_held_by_service_user(r):
    bad, ref = r.hold_one("first")
    if not ref:
        return bad, []
    wrong = {p: o for p, o in owners(r.lab).items() if o != SERVICE_USER}
    if wrong:
        bad.append("not the service user's: %r" % wrong)
    return bad, ["reference %s" % ref]


def t_root_release_delivered_once(r):
    ref = r.held.get("first")
    if not ref:
        return ["no held message from the first check"], []
    if os.geteuid() != 0:
        return ["this check must run as root"], []
    before_mail, before_refs = len(r.mail()), set(r.quarantine_refs())
    rc, out, err = r.ctl("quarantine", "release", ref, "--reason",
                         "Checked with the social worker by phone")
    bad = []
    if rc != 0:
        return ["release as root exited %d: %s" % (rc, err)], [out]
    try:
        pflab.wait_for(lambda: len(r.mail()) >= before_mail + 1, 20, "the released message")
    except pflab.LabError:
        return ["released but nothing reached the sink"], [r.lab.milter_stderr()[-2000:]]
    time.sleep(3 * SETTLE)
    if len(r.mail()) != before_mail + 1:
        bad.append("delivered %d times" % (len(r.mail()) - before_mail))
    again = set(r.quarantine_refs()) - before_refs
    if again:
        bad.append("held again under %r" % sorted(again))
    log = r.lab.milter_stderr()
    if "not honoured" in log:
        bad.append("the milter did not honour the release: %s"
                   % [ln for ln in log.splitlines() if "not honoured" in ln])
    rc, out, err = r.ctl("quarantine", "list", "--state", "delivered")
    if ref not in out:
        bad.append("%s is not listed as delivered: %s" % (ref, out.strip()))
    rel = [a for a in r.lab.audit_records()
           if a.get("event") == "release" and a.get("reference") == ref]
    if len(rel) != 1 or rel[0].get("login") != "root" or rel[0].get("source") != "review":
        bad.append("the release record does not name root through safesharectl: %r" % rel)
    wrong = {p: o for p, o in owners(r.lab).items() if o != SERVICE_USER}
    if wrong:
        bad.append("root left files the milter cannot read: %r" % wrong)
    return bad, [out.strip()]


def t_sender_told_once(r):
    ref = r.held.get("first")
    if not ref:
        return ["no held message from the first check"], []
    bad = []
    check_notice(r, "released", ref, [SENDER],
                 [ref, "Their reason: Checked with the social worker by phone"], bad)
    time.sleep(SETTLE)
    kinds = [k for k, rf, env, raw in r.notices() if SENDER in " ".join(env["rcpts"])]
    if kinds.count("held") != 1 or kinds.count("released") != 1:
        bad.append("the sender got %r, not one held and one released notice" % kinds)
    return bad, ["sender's notices: %r" % kinds]


CHECKS = [
    (t_held_by_service_user, "the milter as its service user holds an insecure share; the "
                             "store and the audit log are the service user's"),
    (t_root_release_delivered_once, "release run as root is delivered exactly once, ends "
                                    "delivered, recorded with root's name, leaves no root file"),
    (t_sender_told_once, "the sender is told once that it is held and once that it is sent"),
]


def main():
    return pflab.run_tap(CHECKS, lambda: QuarantineLab(user=SERVICE_USER),
                         lambda lab: (Run(lab),))


if __name__ == "__main__":
    sys.exit(main())
