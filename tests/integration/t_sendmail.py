#!/usr/bin/env python3
"""safeshare-milter behind a real Sendmail on loopback (issue 18).

The same milter binary as t_postfix.py, wired in with the lines of
contrib/sendmail/safeshare.m4 (F=T), in front of Debian's own Sendmail
unpacked privately (smlab.py).  Each check is what a practitioner, a DSL
or a mail admin would notice: the reply to an insecure share, a secure
share arriving whole, a held message released by the DSL and delivered
once, and a dead milter holding mail rather than leaking it.

Needs root.  Run alone with:
    sudo SS_BUILDDIR=/path/to/build python3 tests/integration/t_sendmail.py
or via `make check-integration`.  SMLAB_SENDMAIL_DIR says where Sendmail's
.debs are unpacked (fetch-sendmail.sh fetches them if need be).
"""

import os
import re
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean in VPATH builds
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pflab  # noqa: E402
import smlab  # noqa: E402
import t_postfix  # noqa: E402
from t_postfix import (INSECURE, SECURE, SENDER, Run, body_of,  # noqa: E402
                       mail_with_attachment, reply_diag)

SETTLE = 1.5     # seconds a refused or held message is given to (wrongly) arrive
SENDMAIL_QID = re.compile(r"^[0-9A-Za-z]{14}$")   # e.g. 6B61vPso012757


class SendmailRun(Run):
    def ctl(self, *args):
        p = subprocess.run([pflab.ctl_binary(), "-c", self.lab.milter_config] + list(args),
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
        return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")

    def record(self, ref):
        recs = [a for a in self.lab.audit_records() if a.get("reference") == ref]
        return recs[-1] if recs else None


def t_insecure_refused(r):
    before = len(r.lab.delivered())
    code, text = r.lab.send(SENDER, [INSECURE],
                            pflab.load_mail("safeguarding-nhs.eml", to=[INSECURE]))
    bad = r.insecure_reply_problems(code, text, [INSECURE, pflab.DSL_NAME])
    time.sleep(SETTLE)
    if len(r.lab.delivered()) != before or r.lab.queued():
        bad.append("something reached the sink or waits in Sendmail's queue")
    ref = pflab.reference_in(text)
    rec = r.record(ref) if ref else None
    if not rec or rec.get("action") != "reject":
        bad.append("no audit record with action reject for %s" % ref)
    elif not SENDMAIL_QID.match(rec.get("queue_id") or ""):
        bad.append("the audit record's queue id %r is not Sendmail's" % rec.get("queue_id"))
    return bad, reply_diag(code, text)


def t_secure_delivered(r):
    """t_postfix's check, and the reference header naming the audit record."""
    bad, diag = t_postfix.t_secure_delivered(r)
    got = r.lab.delivered_messages()[-1][1] if r.lab.delivered() else b""
    m = re.search(rb"(?im)^X-Safeshare-Ref:\s*(SS-[A-Z0-9]{4}-[A-Z0-9]{4})", got)
    rec = r.record(m.group(1).decode()) if m else None
    if not bad and (not rec or rec.get("action") != "accept"):
        bad.append("no X-Safeshare-Ref naming an accept record in the audit log")
    return bad, diag


def t_held_then_released(r):
    """An attachment that cannot be read, to an insecure address: held
    (OnUnscannable quarantine), the client told 250 and nothing sent; the
    DSL releases it and it goes through Sendmail and the milter once, the
    token honoured and removed."""
    with open(os.path.join(pflab.testdata_dir(), "attach", "encrypted.zip"), "rb") as f:
        raw = mail_with_attachment([INSECURE], "Records", "records.zip", f.read(),
                                   "application", "zip")
    before = len(r.lab.delivered())
    store = r.lab.path("quarantine")
    code, text = r.lab.send(SENDER, [INSECURE], raw)
    time.sleep(SETTLE)
    refs = sorted(n[:-5] for n in os.listdir(store) if n.endswith(".json"))
    bad = []
    if code != 250 or len(refs) != 1 or len(r.lab.delivered()) != before:
        return ["expected 250, one held entry and nothing sent; got %d, %r, %d sent"
                % (code, refs, len(r.lab.delivered()) - before)], reply_diag(code, text)
    reason = "The social worker confirmed the password by phone"
    rc, out, err = r.ctl("quarantine", "release", refs[0], "--reason", reason,
                         "--reviewer", pflab.DSL_NAME)
    if rc != 0:
        return ["release exited %d: %s" % (rc, err)], [out]
    if not r.lab.wait_delivered(before + 1, 30):
        return ["released but nothing reached the sink"], [out, r.lab.read_maillog()[-2000:]]
    time.sleep(SETTLE)
    new = r.lab.delivered_messages()[before:]
    if len(new) != 1:
        bad.append("expected one delivery, got %d" % len(new))
    env, got = new[0]
    if env["rcpts"] != ["<%s>" % INSECURE] or env["mail_from"] != "<%s>" % SENDER:
        bad.append("delivered with envelope %r" % env)
    if re.search(rb"(?im)^X-Safeshare-Release:", got):
        bad.append("the release token reached the recipient")
    if body_of(got) != body_of(raw):
        bad.append("the released body differs from the one held")
    rel = [a for a in r.lab.audit_records() if a.get("rule") == "ReleasedByDSL"]
    if len(rel) != 1 or rel[0].get("action") != "accept" \
            or not SENDMAIL_QID.match(rel[0].get("queue_id") or ""):
        bad.append("expected one accept/ReleasedByDSL record with Sendmail's queue id: %r"
                   % rel)
    rc, out, err = r.ctl("quarantine", "list", "--state", "delivered")
    if refs[0] not in out:
        bad.append("%s is not listed as delivered" % refs[0])
    return bad, [out]


def t_killed_milter_tempfails(r):
    """F=T: with the milter dead Sendmail answers 4xx (at MAIL FROM), queues
    nothing and delivers nothing; once it is back, mail flows again."""
    r.lab.kill_milter()
    before = len(r.lab.delivered())
    code, text = r.lab.send(SENDER, [INSECURE],
                            pflab.load_mail("safeguarding-nhs.eml", to=[INSECURE]))
    stage = r.lab.sends[-1]["stage"]
    time.sleep(SETTLE)
    bad = []
    if not 400 <= code < 500 or stage != "mail":
        bad.append("expected a 4xx at MAIL FROM with the milter dead, got %d at %s"
                   % (code, stage))
    if len(r.lab.delivered()) != before or r.lab.queued():
        bad.append("mail got through or was queued with the milter dead: %r"
                   % r.lab.queued())
    r.lab.restart_milter()
    code2, text2 = r.lab.send(SENDER, [SECURE], pflab.load_mail("safeguarding-nhs.eml",
                                                                to=[SECURE]))
    if code2 != 250 or not r.lab.wait_delivered(before + 1):
        bad.append("after a restart a secure share got %d and %s delivered"
                   % (code2, "was" if len(r.lab.delivered()) > before else "was not"))
    return bad, ["milter dead, at %s: %d %s" % (stage, code, text),
                 "restarted: %d %s" % (code2, text2)]


def t_no_identifier_in_logs(r):
    bad = []
    for p in r.lab.log_files() + [r.lab.path("log", "sendmail.stdout")]:
        with open(p, "rb") as f:
            if pflab.CLEAR_NHS.search(f.read().decode(errors="replace")):
                bad.append("%s holds the NHS number in clear" % os.path.basename(p))
    return bad, []


CHECKS = [
    (t_insecure_refused, "Sendmail: insecure share to gmail.com refused 550 5.7.1 with the "
                         "guidance (what, who, the DSL, a reference); nothing sent or queued; "
                         "the audit record carries Sendmail's queue id"),
    (t_secure_delivered, "Sendmail: secure share stmarys.sch.uk -> nhs.net delivered whole, "
                         "with an X-Safeshare-Ref naming its audit record"),
    (t_held_then_released, "Sendmail: an unreadable attachment to gmail.com is held (250, "
                           "nothing sent); released by the DSL it goes once, token removed"),
    (t_killed_milter_tempfails, "Sendmail with F=T: milter killed -> 4xx, nothing delivered or "
                                "queued; after a restart mail flows again"),
    (t_no_identifier_in_logs, "Sendmail: the NHS number appears in clear in no log "
                              "(maillog at LogLevel 14, milter, audit)"),
]


def main():
    return pflab.run_tap(CHECKS, lambda: smlab.Lab(), lambda lab: (SendmailRun(lab),),
                         failure_note="Sendmail ")


if __name__ == "__main__":
    sys.exit(main())
