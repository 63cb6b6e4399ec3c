#!/usr/bin/env python3
"""The purpose of a share, and the audit trail that records it, through a
real Postfix on loopback (issue 19).

The lab runs with `RequirePurpose yes`, `RemovePurposeTag yes` and
`OnInsecure quarantine`.  A practitioner's secure share of child data
without a purpose is refused with guidance on how to add one; with
`[share: ...]` in the subject it goes, the recipient sees the subject
without the tag, and the record holds the purpose (identifiers in it
masked).  A held message released by the DSL is recorded with the DSL's
reason.  At the end the trail the milter and safesharectl wrote verifies,
and a search by NHS number (typed on standard input) finds exactly the
messages that held it, each with its review and release.

Needs root.  Run alone with:
    sudo SS_BUILDDIR=/path/to/build python3 tests/integration/t_purpose.py
or via `make check-integration`.
"""

import email
import email.policy
import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pflab  # noqa: E402

SENDER = "j.smith@stmarys.sch.uk"
SECURE = "hv.team@nhs.net"
INSECURE = "sam.taylor.sw@gmail.com"
BODY = ("Hello,\r\n\r\nThe child protection conference for the child below is on "
        "Monday.\r\nNHS number: 943 476 5919\r\n\r\nThanks\r\n")


DPO = "dpo@exampleshire.gov.uk"


def purpose_lab():
    return pflab.Lab(on_insecure="quarantine",
                     milter_conf="RequirePurpose   yes\nRemovePurposeTag yes\n"
                                 "NotifyFrom       safeshare@stmarys.sch.uk\n"
                                 "AuditDigestTo    %s\n" % DPO)


def message(subject, to, extra="", body=BODY):
    return ("From: %s\r\nTo: %s\r\nSubject: %s\r\n%sMessage-ID: <%s@stmarys.sch.uk>\r\n\r\n%s"
            % (SENDER, to, subject, extra, os.urandom(6).hex(), body)).encode()


class Run:
    def __init__(self, lab):
        self.lab = lab
        self.refs = {}

    def ctl(self, *args, stdin=None):
        p = subprocess.run([pflab.ctl_binary(), "-c", self.lab.milter_config] + list(args),
                           input=stdin.encode() if stdin is not None else None,
                           stdin=None if stdin is not None else subprocess.DEVNULL,
                           capture_output=True, timeout=120)
        return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")

    def record(self, ref):
        recs = [r for r in self.lab.audit_records() if r.get("reference") == ref
                and "action" in r]
        return recs[-1] if recs else None

    def messages(self, notices=False):
        """The sink's messages (parsed): the practitioners' mail, or
        safeshare's own notices."""
        out = []
        for env, raw in self.lab.delivered_messages():
            m = email.message_from_bytes(raw, policy=email.policy.default)
            if bool(m.get("X-Safeshare-Notice")) == notices:
                out.append((env, m))
        return out

    def delivered_subjects(self):
        return [(str(m["Subject"]), m.get("X-Share-Purpose"), m.get("X-Safeshare-Ref"))
                for _, m in self.messages()]

    def wait_mail(self, n, notices=False, timeout=30):
        deadline = time.monotonic() + timeout
        while len(self.messages(notices)) < n and time.monotonic() < deadline:
            time.sleep(0.2)
        return len(self.messages(notices)) >= n


def diag(code, text):
    return ["reply %d:" % code] + ["  | " + ln for ln in text.splitlines()]


def no_purpose_is_refused_with_how_to_add_it(r):
    code, text = r.lab.send(SENDER, [SECURE], message("Referral for Monday", SECURE))
    bad = []
    if code != 550 or "5.7.1" not in text:
        bad.append("expected 550 5.7.1")
    for want in ("[share:", "secure address", "subject"):
        if want not in text:
            bad.append("the reply does not say %r" % want)
    ref = pflab.reference_in(text)
    rec = r.record(ref) if ref else None
    if not rec or rec.get("rule") != "RequirePurpose" or rec.get("purpose") is not None:
        bad.append("no RequirePurpose record: %r" % (rec and rec.get("rule")))
    time.sleep(1)
    if r.messages():
        bad.append("something was delivered")
    return bad, diag(code, text)


def tag_in_subject_goes_and_is_recorded(r):
    code, text = r.lab.send(SENDER, [SECURE],
                            message("Referral [share: s47 enquiry] for Monday", SECURE))
    bad = [] if code == 250 else ["expected 250"]
    if not r.wait_mail(1):
        return bad + ["nothing delivered"], diag(code, text)
    subject, _, ref = r.delivered_subjects()[-1]
    if subject != "Referral for Monday":
        bad.append("delivered subject %r still carries the tag" % subject)
    rec = r.record(ref)
    if not rec or rec.get("purpose") != "s47 enquiry" or rec.get("purpose_from") != "subject":
        bad.append("record: purpose %r from %r" % (rec and rec.get("purpose"),
                                                   rec and rec.get("purpose_from")))
    if rec and not rec.get("child_data"):
        bad.append("record does not say it shared child data")
    if rec and rec["recipients"][0].get("org") != "NHSmail":
        bad.append("record does not name the recipient's organisation")
    r.refs["tagged"] = ref
    return bad, diag(code, text)


def header_states_it_masked(r):
    n = len(r.messages())
    extra = "X-Share-Purpose: early help for NHS 401 023 2137\r\n"
    code, text = r.lab.send(SENDER, [SECURE], message("Team around the family", SECURE, extra))
    bad = [] if code == 250 else ["expected 250"]
    if not r.wait_mail(n + 1):
        return bad + ["nothing delivered"], diag(code, text)
    subject, header, ref = r.delivered_subjects()[-1]
    if subject != "Team around the family" or not header:
        bad.append("delivered: subject %r, X-Share-Purpose %r" % (subject, header))
    rec = r.record(ref)
    if not rec or rec.get("purpose") != "early help for NHS [NHS number]" \
            or rec.get("purpose_from") != "header":
        bad.append("record purpose %r" % (rec and rec.get("purpose")))
    with open(r.lab.audit_log, encoding="utf-8") as f:
        if re.search(r"401\D{0,3}023\D{0,3}2137", f.read()):
            bad.append("the number in the header is in the audit trail in clear")
    return bad, diag(code, text)


def no_child_data_needs_no_purpose(r):
    n = len(r.messages())
    code, text = r.lab.send(SENDER, [SECURE], message(
        "Staff rota", SECURE, body="The rota for next week is attached.\r\n"))
    bad = [] if code == 250 and r.wait_mail(n + 1) else ["not delivered"]
    return bad, diag(code, text)


def release_is_recorded_with_the_dsl_reason(r):
    n = len(r.messages())
    code, text = r.lab.send(SENDER, [INSECURE],
                            message("Referral [share: s47 enquiry]", INSECURE))
    time.sleep(1)
    held = [rec for rec in r.lab.audit_records() if rec.get("action") == "quarantine"]
    if code != 250 or not held or len(r.messages()) != n:
        return ["expected the insecure share held, not delivered"], diag(code, text)
    ref = held[-1]["reference"]
    rc, out, err = r.ctl("quarantine", "release", ref, "--reviewer", "Ms Amara Patel",
                         "--reason", "Parent confirmed by phone")
    if rc != 0:
        return ["release exited %d: %s" % (rc, err)], [out]
    if not r.wait_mail(n + 1):
        return ["the released message was not delivered"], [out, err]
    subject, _, new_ref = r.delivered_subjects()[-1]
    bad = [] if subject == "Referral" else ["released subject %r" % subject]
    rec = r.record(new_ref)
    rel = rec.get("released") if rec else None
    if not rel or rel.get("reference") != ref or rel.get("by") != "Ms Amara Patel" \
            or rel.get("reason") != "Parent confirmed by phone":
        bad.append("released record: %r" % rel)
    r.refs["held"] = ref
    return bad, [out]


def the_trail_verifies_and_searches(r):
    bad = []
    before = len(r.lab.audit_records())       # notices may still add records
    rc, out, err = r.ctl("audit", "verify")
    m = re.match(r"verified (\d+) records in 1 file, head \1:[0-9a-f]{64}$", out.strip())
    if rc != 0 or not m or not before <= int(m.group(1)) <= len(r.lab.audit_records()):
        bad.append("verify: (%d) %s %s" % (rc, out.strip(), err.strip()))
    with open(r.lab.path("audit", "audit.key"), "rb") as f:
        key = f.read()
    h = hmac.new(key, b"nhs:9434765919", hashlib.sha256).hexdigest()
    recs = r.lab.audit_records()
    refs = {rec["reference"] for rec in recs
            if any(f.get("hmac") == h for f in rec.get("findings", []))}
    refs |= {rec["released"]["reference"] for rec in recs
             if rec.get("released") and rec.get("reference") in refs}
    want = sorted(rec["seq"] for rec in recs
                  if rec.get("reference") in refs or
                  (rec.get("released") or {}).get("reference") in refs)
    rc, out, err = r.ctl("audit", "search", "--nhs", "--json", stdin="943 476 5919\n")
    got = sorted(rec["seq"] for rec in json.loads(out)) if rc == 0 else []
    if got != want:
        bad.append("search --nhs: expected records %s, got %s (%s)" % (want, got, err.strip()))
    rc, out, err = r.ctl("audit", "search", "--ref", r.refs.get("held", "SS-0000-0000"))
    kinds = [ln.split()[3] for ln in out.splitlines()[1:]]
    if "quarantine" not in kinds or "release" not in kinds or "accept" not in kinds:
        bad.append("search --ref of the held message: %r" % kinds)
    if pflab.CLEAR_NHS.search(out):
        bad.append("the search output holds the number")
    return bad, out.splitlines()


def digests(r):
    """The mailed digests: (subject, body) each."""
    return [(str(m["Subject"]), m.get_content().replace("\r\n", "\n"))
            for env, m in r.messages(notices=True)
            if m.get("X-Safeshare-Notice", "").startswith("audit")]


def wait_digests(r, n, timeout=30):
    deadline = time.monotonic() + timeout
    while len(digests(r)) < n and time.monotonic() < deadline:
        time.sleep(0.2)
    return len(digests(r)) >= n


def the_daily_digest_keeps_the_head_off_the_machine(r):
    rc, out, err = r.ctl("audit", "digest")
    bad = [] if rc == 0 else ["digest exit %d: %s" % (rc, err)]
    m = re.search(r"head ((\d+):[0-9a-f]{64})", out)
    if not m or not wait_digests(r, 1):
        return bad + ["no digest mailed to %s" % DPO], out.splitlines()
    subject, body = digests(r)[-1]
    if subject != "Audit trail check: all %s records verified" % m.group(2):
        bad.append("digest subject %r" % subject)
    if "safesharectl audit verify --head \\\n    %s\n" % m.group(1) not in body:
        bad.append("the digest does not give the command with today's head")
    # Someone edits a record: tomorrow's digest says where.
    with open(r.lab.audit_log, "rb") as f:
        lines = f.readlines()
    lines[1] = lines[1].replace(b'"action":"', b'"action":"x', 1)
    with open(r.lab.audit_log, "wb") as f:
        f.writelines(lines)
    rc, out, err = r.ctl("audit", "digest")
    if rc != 1 or not wait_digests(r, 2) \
            or digests(r)[-1][0] != "Audit trail check: BROKEN at %s:2" % r.lab.audit_log:
        bad.append("after an edit: exit %d, %r" % (rc, digests(r)[-1][0] if digests(r) else None))
    rc, out, err = r.ctl("audit", "verify", "--head", m.group(1), r.lab.audit_log)
    if rc != 1 or not out.startswith(r.lab.audit_log + ":2: record 2 was changed"):
        bad.append("verify --head after the edit: (%d) %s" % (rc, out))
    return bad, out.splitlines()


CHECKS = [
    (no_purpose_is_refused_with_how_to_add_it,
     "RequirePurpose: a secure share of child data with no purpose is refused, with how to add one"),
    (tag_in_subject_goes_and_is_recorded,
     "[share: ...] in the subject: delivered without the tag, the purpose on record"),
    (header_states_it_masked,
     "X-Share-Purpose: recorded with the identifier in it masked, none in clear"),
    (no_child_data_needs_no_purpose, "a message without child data needs no purpose"),
    (release_is_recorded_with_the_dsl_reason,
     "a held share released by the DSL: delivered once, recorded with who and why"),
    (the_trail_verifies_and_searches,
     "the trail the milter and safesharectl wrote verifies; search by NHS number finds it all"),
    (the_daily_digest_keeps_the_head_off_the_machine,
     "the daily digest mails the verified head; after an edit it says where the trail broke"),
]

if __name__ == "__main__":
    sys.exit(pflab.run_tap(CHECKS, purpose_lab, lambda lab: (Run(lab),)))
