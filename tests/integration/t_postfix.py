#!/usr/bin/env python3
"""safeshare-milter behind a real Postfix on loopback, checked as a user would.

A school practitioner's mail client (smtplib) talks to a private Postfix
instance that consults safeshare-milter; accepted mail is relayed to a sink.
Each TAP line checks something a practitioner, a DSL or a mail admin would
notice: what the client is told, what arrived, what the audit trail says,
what the logs hold, and what happens when the milter reloads or dies.

Needs root.  Run alone with:
    sudo SS_BUILDDIR=/path/to/build SS_TESTDATA=/path/to/tests/data \\
        python3 tests/integration/t_postfix.py
or via `make check-integration`.  SAFESHARE_MILTER=path overrides the binary.
"""

import io
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY

sys.dont_write_bytecode = True  # keep the source tree clean in VPATH builds
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pflab  # noqa: E402

SENDER = "j.smith@stmarys.sch.uk"
SECURE = "hv.team@nhs.net"
INSECURE = "sam.taylor.sw@gmail.com"
PARENT = "parent.carer@gmail.com"

# The identifier in every form a log line might carry it.
CLEAR_NHS = pflab.CLEAR_NHS

SETTLE = 1.0  # seconds a refused message is given to (wrongly) reach the sink


def body_of(raw):
    raw = re.sub(rb"\r?\n", b"\r\n", raw)
    return raw.partition(b"\r\n\r\n")[2]


class Run:
    """State shared by the checks: one lab, and what each send returned."""

    def __init__(self, lab):
        self.lab = lab
        self.refused_refs = []

    def wait_quiet(self):
        time.sleep(SETTLE)
        return len(self.lab.delivered())

    def insecure_reply_problems(self, code, text, must_name):
        bad = []
        if code != 550:
            bad.append("expected 550, got %d" % code)
        if "5.7.1" not in text:
            bad.append("no 5.7.1 enhanced status")
        if "nhs number" not in text.lower():
            bad.append("reply does not say an NHS number was found")
        for a in must_name:
            if a not in text:
                bad.append("reply does not name %s" % a)
        ref = pflab.reference_in(text)
        if not ref:
            bad.append("no SS-XXXX-XXXX reference in the reply")
        else:
            self.refused_refs.append(ref)
        if CLEAR_NHS.search(text):
            bad.append("reply repeats the NHS number in clear")
        return bad


def reply_diag(code, text):
    return ["reply: %d" % code] + ["  | " + ln for ln in text.splitlines()]


# ------------------------------------------------------------------ checks
# Each returns (problems, diagnostics); no problems means ok.

def t_insecure_refused(r):
    before = len(r.lab.delivered())
    code, text = r.lab.send(SENDER, [INSECURE],
                            pflab.load_mail("safeguarding-nhs.eml", to=[INSECURE]))
    bad = r.insecure_reply_problems(code, text, [INSECURE])
    if r.wait_quiet() != before:
        bad.append("something reached the sink")
    return bad, reply_diag(code, text)


def t_secure_delivered(r):
    before = len(r.lab.delivered())
    raw = pflab.load_mail("safeguarding-nhs.eml", to=[SECURE])
    code, text = r.lab.send(SENDER, [SECURE], raw)
    bad = []
    if code != 250:
        bad.append("expected 250, got %d" % code)
    elif not r.lab.wait_delivered(before + 1):
        bad.append("accepted but never reached the sink")
    else:
        env, got = r.lab.delivered_messages()[before]
        if env["rcpts"] != ["<%s>" % SECURE]:
            bad.append("sink envelope recipients %r" % env["rcpts"])
        if body_of(got) != body_of(raw):
            bad.append("the body that arrived differs from the one sent")
    return bad, reply_diag(code, text)


def t_mixed_refused(r):
    before = len(r.lab.delivered())
    code, text = r.lab.send(SENDER, [SECURE, INSECURE],
                            pflab.load_mail("safeguarding-nhs.eml", to=[SECURE, INSECURE]))
    bad = r.insecure_reply_problems(code, text, [INSECURE])
    # The secure recipient may be mentioned, but never as the problem.
    for ln in text.splitlines():
        low = ln.lower()
        if SECURE in ln and any(w in low for w in ("not on", "insecure", "not secure",
                                                      "expired", "excluded")):
            bad.append("reply names %s as a problem: %r" % (SECURE, ln))
    if r.wait_quiet() != before:
        bad.append("something reached the sink (even the secure copy must not go)")
    return bad, reply_diag(code, text)


def t_newsletter_delivered(r):
    before = len(r.lab.delivered())
    code, text = r.lab.send("office@stmarys.sch.uk", [PARENT],
                            pflab.load_mail("newsletter.eml", to=[PARENT]))
    bad = []
    if code != 250:
        bad.append("expected 250, got %d" % code)
    elif not r.lab.wait_delivered(before + 1):
        bad.append("accepted but never reached the sink")
    return bad, reply_diag(code, text)


def t_html_split_refused(r):
    before = len(r.lab.delivered())
    code, text = r.lab.send(SENDER, [INSECURE],
                            pflab.load_mail("html-split.eml", to=[INSECURE]))
    bad = r.insecure_reply_problems(code, text, [INSECURE])
    if r.wait_quiet() != before:
        bad.append("something reached the sink")
    return bad, reply_diag(code, text)


def t_one_audit_record_each(r):
    expected = sum(1 for s in r.lab.sends if s["stage"] in ("data", "done"))
    deadline = time.monotonic() + 5
    recs = r.lab.audit_records()
    while len(recs) < expected and time.monotonic() < deadline:
        time.sleep(0.1)
        recs = r.lab.audit_records()
    bad = []
    if len(recs) != expected:
        bad.append("%d audit records for %d messages" % (len(recs), expected))
    by_ref = {rec.get("reference"): rec for rec in recs}
    for ref in r.refused_refs:
        rec = by_ref.get(ref)
        if rec is None:
            bad.append("reference %s from a reply is not in the audit log" % ref)
        elif rec.get("action") != "reject":
            bad.append("record %s has action %r, not reject" % (ref, rec.get("action")))
    diag = ["%s %s %s" % (rec.get("reference"), rec.get("action"),
                          [f.get("type") for f in rec.get("findings", [])]) for rec in recs]
    return bad, diag


def t_reload_keeps_serving(r):
    r.lab.signal_milter(signal.SIGUSR1)
    time.sleep(0.5)
    bad = []
    if not r.lab.milter_alive():
        return ["milter exited on SIGUSR1"], r.lab.milter_stderr().splitlines()[-5:]
    before = len(r.lab.delivered())
    code, text = r.lab.send(SENDER, [SECURE],
                            pflab.load_mail("safeguarding-nhs.eml", to=[SECURE]))
    if code != 250:
        bad.append("expected 250 after reload, got %d" % code)
    elif not r.lab.wait_delivered(before + 1):
        bad.append("accepted after reload but never reached the sink")
    return bad, reply_diag(code, text)


def t_reload_still_refuses(r):
    before = len(r.lab.delivered())
    code, text = r.lab.send(SENDER, [INSECURE],
                            pflab.load_mail("safeguarding-nhs.eml", to=[INSECURE]))
    bad = r.insecure_reply_problems(code, text, [INSECURE])
    if r.wait_quiet() != before:
        bad.append("something reached the sink")
    return bad, reply_diag(code, text)


def big_mail(to, filler_bytes, tail):
    """A practitioner's long case summary: filler first, the identifier last,
    so it is only seen if the part kept on disk is scanned too."""
    line = b"Attendance and progress notes for the term, no concerns recorded.\r\n"
    filler = line * (filler_bytes // len(line) + 1)
    head = ("From: <%s>\r\nTo: <%s>\r\nSubject: Case summary\r\n"
            "Message-ID: <big-%d@stmarys.sch.uk>\r\n\r\n"
            % (SENDER, ", ".join(to), filler_bytes)).encode()
    return head + filler + tail


TAIL = (b"Child on a child protection plan; the social worker is aware.\r\n"
        b"NHS number 943 476 5919.\r\n")


def t_spilled_body_scanned(r):
    """BodyMemoryMax is 64K in this lab: a 300 KB body is spilled to disk."""
    before = len(r.lab.delivered())
    code, text = r.lab.send(SENDER, [INSECURE], big_mail([INSECURE], 300_000, TAIL))
    bad = r.insecure_reply_problems(code, text, [INSECURE])
    if r.wait_quiet() != before:
        bad.append("something reached the sink")
    return bad, reply_diag(code, text)


def t_oversize_insecure_refused(r):
    """MaxMessageSize is 1M with OnOversize reject: too big to check, going
    somewhere insecure, is refused; the same to a secure address goes."""
    before = len(r.lab.delivered())
    code, text = r.lab.send(SENDER, [INSECURE], big_mail([INSECURE], 1_500_000, TAIL))
    bad = []
    if code != 550 or "5.7.1" not in text:
        bad.append("expected 550 5.7.1, got %d" % code)
    if "too large" not in text:
        bad.append("reply does not say the message is too large to check")
    if INSECURE not in text:
        bad.append("reply does not name %s" % INSECURE)
    if r.wait_quiet() != before:
        bad.append("something reached the sink")
    code2, text2 = r.lab.send(SENDER, [SECURE], big_mail([SECURE], 1_500_000, TAIL))
    if code2 != 250:
        bad.append("secure share of a large message: expected 250, got %d" % code2)
    elif not r.lab.wait_delivered(before + 1):
        bad.append("secure large message accepted but never reached the sink")
    return bad, reply_diag(code, text) + reply_diag(code2, text2)


def referral_docx():
    """A Word referral form as Word writes it: the NHS number split across
    two runs, so it is only seen if the document's XML is read as text."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<w:document %s><w:body>'
           '<w:p><w:r><w:t>Early Help referral form</w:t></w:r></w:p>'
           '<w:p><w:r><w:t xml:space="preserve">Child\'s NHS number: 943 47</w:t></w:r>'
           '<w:r><w:rPr><w:b/></w:rPr><w:t>6 5919</w:t></w:r></w:p>'
           '<w:p><w:r><w:t>Reason for referral: neglect concerns raised by the '
           'class teacher; the child is known to children\'s social care.</w:t></w:r></w:p>'
           '</w:body></w:document>' % w)
    types = ('<?xml version="1.0" encoding="UTF-8"?>'
             '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/word/document.xml" ContentType="application/'
             'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
             '</Types>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("word/document.xml", doc)
    return buf.getvalue()


def mail_with_attachment(to, subject, filename, data, maintype, subtype):
    m = EmailMessage()
    m["From"] = "Jo Smith <%s>" % SENDER
    m["To"] = ", ".join(to)
    m["Subject"] = subject
    m["Message-ID"] = "<%s@stmarys.sch.uk>" % filename.replace(".", "-")
    m.set_content("Hello,\n\nPlease see the attached.\n\nJo Smith\nSt Mary's Primary School\n")
    m.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return m.as_bytes(policy=SMTP_POLICY)


def t_docx_attachment_refused(r):
    """The number is in a Word attachment, not the body: refused all the
    same, and the reply says which attachment."""
    before = len(r.lab.delivered())
    raw = mail_with_attachment([INSECURE], "Referral form", "referral.docx",
                               referral_docx(), "application",
                               "vnd.openxmlformats-officedocument.wordprocessingml.document")
    code, text = r.lab.send(SENDER, [INSECURE], raw)
    bad = r.insecure_reply_problems(code, text, [INSECURE, 'attachment "referral.docx"'])
    if r.wait_quiet() != before:
        bad.append("something reached the sink")
    return bad, reply_diag(code, text)


def t_encrypted_zip_held(r):
    """A password-protected ZIP cannot be checked: going to gmail.com it is
    not sent (OnUnscannable, tempfail in this lab), the reply says which
    attachment could not be checked and why, and so does the audit record."""
    before = len(r.lab.delivered())
    with open(os.path.join(pflab.testdata_dir(), "attach", "encrypted.zip"), "rb") as f:
        data = f.read()
    raw = mail_with_attachment([INSECURE], "Records", "records.zip", data,
                               "application", "zip")
    code, text = r.lab.send(SENDER, [INSECURE], raw)
    bad = []
    if code != 451 or "4.7.1" not in text:
        bad.append("expected 451 4.7.1, got %d" % code)
    if 'could not check attachment "records.zip"' not in text:
        bad.append("reply does not say attachment \"records.zip\" could not be checked")
    if "password-protected" not in text:
        bad.append("reply does not say why (password-protected)")
    if INSECURE not in text:
        bad.append("reply does not name %s" % INSECURE)
    if r.wait_quiet() != before:
        bad.append("something reached the sink")
    recs = [rec for rec in r.lab.audit_records()
            if rec.get("message_id") == "records-zip@stmarys.sch.uk"]
    if not recs or recs[-1].get("action") != "tempfail":
        bad.append("no audit record with action tempfail for the message")
    elif not any(u.get("location") == 'attachment "records.zip"' and u.get("unreadable")
                 for u in recs[-1].get("unscanned", [])):
        bad.append("the audit record does not list attachment \"records.zip\" as unreadable")
    return bad, reply_diag(code, text)


def t_killed_milter_tempfails(r):
    r.lab.kill_milter()
    before = len(r.lab.delivered())
    code, text = r.lab.send(SENDER, [INSECURE],
                            pflab.load_mail("safeguarding-nhs.eml", to=[INSECURE]))
    bad = []
    if not 400 <= code < 500:
        bad.append("expected a 4xx with the milter dead, got %d" % code)
    if r.wait_quiet() != before:
        bad.append("mail got through with the milter dead")
    return bad, reply_diag(code, text)


def check_config(path):
    p = subprocess.run([pflab.milter_binary(), "-c", path, "-n"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
    return p.returncode, p.stdout.decode(errors="replace")


def t_config_check_good(r):
    rc, out = check_config(r.lab.milter_config)
    bad = [] if rc == 0 else ["-n on the lab's working config exited %d" % rc]
    return bad, out.splitlines()


def t_config_check_bad(r):
    with open(r.lab.milter_config) as f:
        lines = f.read().splitlines()
    bad_path = r.lab.path("bad.conf")
    lines.insert(3, "NoSuchKey yes")
    with open(bad_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    rc, out = check_config(bad_path)
    bad = []
    if rc != 1:
        bad.append("-n on a bad config exited %d, not 1" % rc)
    if "%s:4:" % bad_path not in out:
        bad.append("output does not point at %s:4:" % bad_path)
    return bad, out.splitlines()


def t_no_identifier_in_logs(r):
    bad, diag = [], []
    logs = r.lab.log_files()
    for want in (r.lab.maillog, r.lab.milter_log, r.lab.audit_log):
        if want not in logs:
            bad.append("log %s was never written" % want)
    for path in logs:
        with open(path, "rb") as f:
            text = f.read().decode(errors="replace")
        diag.append("%s: %d bytes" % (path, len(text)))
        for n, ln in enumerate(text.splitlines(), 1):
            if CLEAR_NHS.search(ln):
                # Say where, never print the line itself.
                bad.append("NHS number in clear at %s:%d" % (path, n))
    return bad, diag


CHECKS = [
    (t_insecure_refused, "insecure share to gmail.com refused 550 5.7.1, "
                         "reply names NHS number, recipient, reference; nothing delivered"),
    (t_secure_delivered, "secure share stmarys.sch.uk -> nhs.net delivered whole"),
    (t_mixed_refused, "mixed nhs.net + gmail.com refused naming only the gmail.com "
                      "recipient; nothing delivered"),
    (t_newsletter_delivered, "message with no child data to gmail.com delivered"),
    (t_html_split_refused, "NHS number split by HTML tags detected and refused"),
    (t_one_audit_record_each, "one audit record per message, refusals carry the "
                              "reference from the reply"),
    (t_reload_keeps_serving, "after SIGUSR1 reload the milter keeps serving "
                             "(secure share delivered)"),
    (t_reload_still_refuses, "after SIGUSR1 reload an insecure share is still refused"),
    (t_spilled_body_scanned, "a 300 KB body spilled to disk is scanned to its end and refused"),
    (t_oversize_insecure_refused, "a message over MaxMessageSize to gmail.com is refused as "
                                  "too large to check; to nhs.net it is delivered"),
    (t_docx_attachment_refused, "NHS number split across runs in a DOCX attachment to "
                                "gmail.com refused 550 5.7.1 naming attachment \"referral.docx\""),
    (t_encrypted_zip_held, "encrypted ZIP attachment to gmail.com not sent: 451 4.7.1 "
                           "saying which attachment could not be checked and why; "
                           "nothing delivered"),
    (t_killed_milter_tempfails, "with the milter killed (SIGKILL) the client gets "
                                "4xx and nothing is delivered"),
    (t_config_check_good, "safeshare-milter -n accepts the lab config (exit 0)"),
    (t_config_check_bad, "safeshare-milter -n on a bad config line exits 1 "
                         "and prints file:line:"),
    (t_no_identifier_in_logs, "NHS number appears in clear in no log "
                              "(maillog, milter stderr, audit log)"),
]


def main():
    # OnUnscannable tempfail: the encrypted-ZIP check reads the reply the
    # sender gets; held mail (the default, quarantine) is t_quarantine's.
    conf = ("BodyMemoryMax 64K\nMaxMessageSize 1M\n"
            "OnOversize reject\nOnUnscannable tempfail\n")
    return pflab.run_tap(CHECKS, lambda: pflab.Lab(milter_conf=conf),
                         lambda lab: (Run(lab),))


if __name__ == "__main__":
    sys.exit(main())
