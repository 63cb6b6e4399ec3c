#!/usr/bin/env python3
"""Quarantine the DSL can trust, through a real Postfix on loopback (issue 4).

With `OnInsecure quarantine` an insecure share is held in the milter's store
(the client sees it accepted, nothing is delivered), listed and shown by
`safesharectl quarantine`, and released (delivered once, through the milter,
with a single-use token) or refused (never delivered) by a DSL with a reason
on record.  A forged token counts as no token.  The sender is told at once
that the message is held and later the outcome with the reason, the DSL that
a message is waiting; no notice holds the identifier in any form.

Needs root.  Run alone with:
    sudo SS_BUILDDIR=/path/to/build SS_TESTDATA=/path/to/tests/data \\
        python3 tests/integration/t_quarantine.py
or via `make check-integration`.
"""

import json
import os
import re
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean in VPATH builds
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pflab  # noqa: E402

SENDER = "j.smith@stmarys.sch.uk"
INSECURE = "sam.taylor.sw@gmail.com"
SECURE = "hv.team@nhs.net"
CLEAR_NHS = pflab.CLEAR_NHS
SETTLE = 1.5  # seconds a held message is given to (wrongly) reach the sink
TOKEN_HEADER = b"x-safeshare-release"
NOTICE_HEADER = b"x-safeshare-notice"
NOTIFY_FROM = "safeshare@stmarys.sch.uk"
DSL_ADDRESS = "dsl@stmarys.sch.uk"
NHS_DIGITS = "9434765919"
NOTICE_WAIT = 20  # seconds a notice may take: background thread, Postfix, sink


class QuarantineLab(pflab.Lab):
    """The lab with `OnInsecure quarantine` in place of its `reject`."""

    def write_milter_config(self):
        super().write_milter_config()
        with open(self.milter_config) as f:
            conf = f.read()
        conf, n = re.subn(r"(?m)^OnInsecure\s+reject$", "OnInsecure      quarantine", conf)
        if n != 1:
            raise pflab.LabError("the lab config has no `OnInsecure reject` line to replace")
        conf += "NotifyFrom      %s\nDSLAddress      %s\nSiteName        St Mary's Primary\n" \
            % (NOTIFY_FROM, DSL_ADDRESS)
        with open(self.milter_config, "w") as f:
            f.write(conf)


class Run:
    def __init__(self, lab):
        self.lab = lab
        self.held = {}      # name -> reference

    def ctl(self, *args, timeout=60):
        p = subprocess.run([pflab.ctl_binary(), "-c", self.lab.milter_config] + list(args),
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        return (p.returncode, p.stdout.decode("utf-8", "replace"),
                p.stderr.decode("utf-8", "replace"))

    def mail(self):
        """The sink's messages that are not safeshare's own notices."""
        return [p for p in self.lab.delivered() if notice_of(read(p)) is None]

    def notices(self):
        """[(kind, reference, envelope, raw)] for every notice at the sink."""
        out = []
        for env, raw in self.lab.delivered_messages():
            n = notice_of(raw)
            if n:
                out.append((n[0], n[1], env, raw))
        return out

    def wait_notice(self, kind, ref, timeout=NOTICE_WAIT):
        """The (envelope, raw) of the notice KIND about REF, or None."""
        deadline = time.monotonic() + timeout
        while True:
            for k, r, env, raw in self.notices():
                if k == kind and r == ref:
                    return env, raw
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.2)

    def quarantine_refs(self):
        d = self.lab.path("quarantine")
        return sorted(n[:-5] for n in os.listdir(d) if n.endswith(".json"))

    def hold_one(self, name, raw=None):
        """Send the safeguarding mail to an insecure address; return
        (problems, reference of the new held entry)."""
        before_sink = len(self.mail())
        before = set(self.quarantine_refs())
        raw = raw or pflab.load_mail("safeguarding-nhs.eml", to=[INSECURE])
        code, text = self.lab.send(SENDER, [INSECURE], raw)
        bad = []
        if code != 250:
            bad.append("expected the client to see 250 (held), got %d %s" % (code, text))
        time.sleep(SETTLE)
        if len(self.mail()) != before_sink:
            bad.append("a held message reached the sink")
        new = sorted(set(self.quarantine_refs()) - before)
        if len(new) != 1:
            bad.append("expected one new store entry, found %r" % new)
            return bad, None
        self.held[name] = new[0]
        return bad, new[0]

    def delivered_since(self, n):
        return [(env, raw) for env, raw in self.lab.delivered_messages()
                if notice_of(raw) is None][n:]


def read(path):
    with open(path, "rb") as f:
        return f.read()


def notice_of(raw):
    """(kind, reference) from X-Safeshare-Notice, or None for other mail."""
    head = re.sub(rb"\r?\n", b"\n", raw).partition(b"\n\n")[0]
    for ln in head.split(b"\n"):
        name, _, value = ln.partition(b":")
        if name.strip().lower() == NOTICE_HEADER:
            parts = value.decode("ascii", "replace").split()
            return (parts[0] if parts else "", parts[1] if len(parts) > 1 else "")
    return None


def body_text(raw):
    """A notice's body as one line: the wrap can fall anywhere."""
    body = re.sub(rb"\r?\n", b"\n", raw).partition(b"\n\n")[2]
    return " ".join(body.decode("utf-8", "replace").split())


def identifier_in(raw):
    """Whether the NHS number is in a notice in any form: spaced, dashed,
    dotted, or its digits run together once everything else is removed."""
    text = raw.decode("utf-8", "replace")
    body = re.sub(r"\r?\n", "\n", text).partition("\n\n")[2]
    return bool(CLEAR_NHS.search(text)) or NHS_DIGITS in re.sub(r"\D", "", body) \
        or bool(re.search(r"9\D{0,3}4\D{0,3}3\D{0,3}4\D{0,3}7\D{0,3}6\D{0,3}5\D{0,3}9"
                          r"\D{0,3}1\D{0,3}9", text))


def headers_of(raw):
    head = re.sub(rb"\r?\n", b"\n", raw).partition(b"\n\n")[0]
    return [ln.split(b":", 1)[0].strip().lower() for ln in head.split(b"\n")
            if ln and ln[:1] not in (b" ", b"\t")]


# ------------------------------------------------------------------ checks

def t_insecure_held(r):
    bad, ref = r.hold_one("first")
    if ref:
        recs = [a for a in r.lab.audit_records() if a.get("reference") == ref]
        if len(recs) != 1:
            bad.append("expected one audit record for %s, found %d" % (ref, len(recs)))
        elif recs[0].get("action") != "quarantine":
            bad.append("audit action %r, not quarantine" % recs[0].get("action"))
        st = os.stat(os.path.join(r.lab.path("quarantine"), ref + ".msg"))
        if st.st_mode & 0o077:
            bad.append("held message is mode %o" % (st.st_mode & 0o777))
    return bad, ["reference %s" % ref]


def check_notice(r, kind, ref, rcpts, wants, bad):
    """Wait for the notice KIND about REF; check its envelope, that it says
    each of WANTS (wrapping aside) and that it holds no identifier.  Returns
    the body as one line, for the diagnostics."""
    got = r.wait_notice(kind, ref)
    if got is None:
        bad.append("no %s notice about %s reached the sink in %ds" % (kind, ref, NOTICE_WAIT))
        return ""
    env, raw = got
    if env["mail_from"].split()[0] != "<%s>" % NOTIFY_FROM:
        bad.append("%s notice sent from %s" % (kind, env["mail_from"]))
    if sorted(env["rcpts"]) != sorted("<%s>" % a for a in rcpts):
        bad.append("%s notice went to %r" % (kind, env["rcpts"]))
    text = body_text(raw)
    for want in wants:
        if want not in text:
            bad.append("the %s notice does not say %r" % (kind, want))
    head = raw.decode("utf-8", "replace").partition("\r\n\r\n")[0]
    if ref and ref not in re.search(r"(?im)^Subject:.*$", head).group(0):
        bad.append("the %s notice's subject does not give the reference" % kind)
    if b"auto-submitted: auto-generated" not in raw.lower():
        bad.append("the %s notice is not marked Auto-Submitted" % kind)
    if identifier_in(raw):
        bad.append("the %s notice holds the NHS number" % kind)
    return text


def t_held_notices(r):
    ref = r.held.get("first")
    if not ref:
        return ["no held message from the first check"], []
    bad = []
    held = check_notice(r, "held", ref, [SENDER], [
        ref, INSECURE, "has not gone yet", "an NHS number in the message body",
        pflab.DSL_NAME, pflab.DSL_CONTACT, pflab.PORTAL_URL, "You have not done anything wrong",
        "do not wait"], bad)
    waiting = check_notice(r, "waiting", ref, [DSL_ADDRESS], [
        ref, SENDER, INSECURE, "an NHS number (high) in the message body",
        "safesharectl quarantine show %s" % ref], bad)
    if "notice held %s sent" % ref not in r.lab.milter_stderr():
        bad.append("the milter did not log the held notice as sent")
    return bad, ["held: " + held[:600], "waiting: " + waiting[:600]]


def t_store_failure_tempfails(r):
    """A store that cannot keep the message: the MTA must keep it (4xx)."""
    q = r.lab.path("quarantine")
    os.rename(q, q + ".away")
    try:
        with open(q, "w") as f:
            f.write("not a directory\n")
        before = len(r.mail())
        code, text = r.lab.send(SENDER, [INSECURE],
                                pflab.load_mail("safeguarding-nhs.eml", to=[INSECURE]))
        bad = []
        if not 400 <= code < 500:
            bad.append("expected a 4xx tempfail, got %d %s" % (code, text))
        time.sleep(SETTLE)
        if len(r.mail()) != before:
            bad.append("delivered although it could not be held")
        last = r.lab.audit_records()[-1]
        if last.get("action") != "tempfail" or last.get("rule") != "OnInternalError":
            bad.append("audit says %s/%s, not tempfail/OnInternalError"
                       % (last.get("action"), last.get("rule")))
        if "could not hold the message" not in r.lab.milter_stderr():
            bad.append("the milter did not log why it could not hold the message")
    finally:
        os.unlink(q)
        os.rename(q + ".away", q)
    return bad, ["reply: %d %s" % (code, text)]


def t_listed(r):
    ref = r.held.get("first")
    if not ref:
        return ["no held message from the first check"], []
    rc, out, err = r.ctl("quarantine", "list")
    bad = []
    if rc != 0:
        bad.append("list exited %d: %s" % (rc, err))
    line = next((ln for ln in out.splitlines() if ref in ln), "")
    if not line:
        bad.append("%s not in list" % ref)
    for want in (SENDER, INSECURE, "NHS number", "held"):
        if want not in line:
            bad.append("list line does not show %r" % want)
    if CLEAR_NHS.search(out + err):
        bad.append("list prints the NHS number in clear")
    rc, js, err = r.ctl("quarantine", "list", "--json", "--sender", SENDER.upper())
    try:
        entries = {e["reference"]: e for e in json.loads(js)}
        if entries.get(ref, {}).get("insecure_recipients") != [INSECURE]:
            bad.append("list --json for %s: %r" % (ref, entries.get(ref)))
    except ValueError:
        bad.append("list --json is not JSON: %r" % js[:200])
    rc, out, err = r.ctl("quarantine", "list", "--sender", "nobody@example.org")
    if ref in out:
        bad.append("--sender filter did not filter")
    return bad, out.splitlines()


def t_show_masks(r):
    ref = r.held.get("first")
    if not ref:
        return ["no held message from the first check"], []
    rc, out, err = r.ctl("quarantine", "show", ref.lower())
    bad = []
    if rc != 0:
        bad.append("show exited %d: %s" % (rc, err))
    for want in ("[NHS number]", "Child protection plan", "the message body", SENDER,
                 "Attendance has"):
        if want not in out:
            bad.append("show does not include %r" % want)
    rc2, js, err2 = r.ctl("quarantine", "show", ref, "--json")
    try:
        doc = json.loads(js)
        if not any("[NHS number]" in p["text"] for p in doc["parts"]):
            bad.append("show --json parts are not masked")
        if doc["recipients"] != [INSECURE]:
            bad.append("show --json recipients %r" % doc["recipients"])
    except (ValueError, KeyError) as e:
        bad.append("show --json: %s" % e)
    if CLEAR_NHS.search(out + err + js + err2):
        bad.append("show prints the NHS number in clear")
    rc, out3, err3 = r.ctl("quarantine", "show", "SS-0000-0000")
    if rc != 1 or "unknown reference" not in err3:
        bad.append("show of an unknown reference: exit %d, %r" % (rc, err3))
    return bad, [CLEAR_NHS.sub("[NHS number]", ln) for ln in out.splitlines()[:30]]


def t_release_delivers_once(r):
    ref = r.held.get("first")
    if not ref:
        return ["no held message from the first check"], []
    before = len(r.mail())
    reason = "Confirmed with the social worker: her secure address bounces today"
    rc, out, err = r.ctl("quarantine", "release", ref, "--reason", reason,
                         "--reviewer", "Ms Amara Patel")
    bad = []
    if rc != 0:
        return ["release exited %d: %s" % (rc, err)], [out]
    try:
        pflab.wait_for(lambda: len(r.mail()) >= before + 1, 20, "the released message")
    except pflab.LabError:
        return ["released but nothing reached the sink"], [out, r.lab.milter_stderr()[-2000:]]
    time.sleep(SETTLE)
    new = r.delivered_since(before)
    if len(new) != 1:
        bad.append("expected exactly one delivery, got %d" % len(new))
    env, raw = new[0]
    if env["rcpts"] != ["<%s>" % INSECURE] or env["mail_from"] != "<%s>" % SENDER:
        bad.append("delivered with envelope %r" % env)
    if TOKEN_HEADER in headers_of(raw):
        bad.append("the X-Safeshare-Release header reached the recipient")
    sent = pflab.load_mail("safeguarding-nhs.eml", to=[INSECURE])
    if re.sub(rb"\r?\n", b"\n", raw).partition(b"\n\n")[2].rstrip() != \
            re.sub(rb"\r?\n", b"\n", sent).partition(b"\n\n")[2].rstrip():
        bad.append("the released body differs from the one held")
    recs = r.lab.audit_records()
    rel = [a for a in recs if a.get("rule") == "ReleasedByDSL"]
    if len(rel) != 1 or rel[0].get("action") != "accept":
        bad.append("expected one accept/ReleasedByDSL audit record, got %r" % rel)
    elif not any(ref in x and reason in x for x in rel[0].get("reasons", [])):
        bad.append("the release record does not carry the reference and reason")
    rev = [a for a in recs if a.get("source") == "review" and a.get("event") == "release"]
    if not rev or rev[-1].get("reviewer") != "Ms Amara Patel" or rev[-1].get("reference") != ref:
        bad.append("no review audit record with reviewer and reference: %r" % rev)
    rc, out, err = r.ctl("quarantine", "list", "--state", "delivered")
    if ref not in out:
        bad.append("%s is not listed as delivered" % ref)
    return bad, [out]


def t_release_notice(r):
    ref = r.held.get("first")
    if not ref:
        return ["no held message from the first check"], []
    bad = []
    text = check_notice(r, "released", ref, [SENDER], [
        ref, "Ms Amara Patel has checked your message", "sent it on",
        "Their reason: Confirmed with the social worker: her secure address bounces today"], bad)
    return bad, ["released: " + text[:600]]


def t_second_release_refused(r):
    ref = r.held.get("first")
    before = len(r.mail())
    rc, out, err = r.ctl("quarantine", "release", ref, "--reason", "again")
    bad = []
    if rc != 1 or "already released" not in err:
        bad.append("second release: exit %d, %r" % (rc, err))
    time.sleep(SETTLE)
    if len(r.mail()) != before:
        bad.append("a second copy was delivered")
    return bad, [err]


def t_refuse_never_delivers(r):
    bad, ref = r.hold_one("refused")
    if not ref:
        return bad, []
    before = len(r.mail())
    rc, out, err = r.ctl("quarantine", "refuse", ref, "--reason",
                         "Not needed: the family have moved; no share")
    if rc != 0:
        bad.append("refuse exited %d: %s" % (rc, err))
    time.sleep(SETTLE)
    if len(r.mail()) != before:
        bad.append("a refused message was delivered")
    rc, out, err = r.ctl("quarantine", "release", ref, "--reason", "changed my mind")
    if rc != 1 or "already refused" not in err:
        bad.append("release after refuse: exit %d, %r" % (rc, err))
    rc, out, err = r.ctl("quarantine", "refuse", ref)
    if rc != 2:
        bad.append("refuse without --reason exited %d" % rc)
    return bad, []


def t_refuse_notice(r):
    ref = r.held.get("refused")
    if not ref:
        return ["no refused message from the check before"], []
    bad = []
    check_notice(r, "held", ref, [SENDER], [ref], bad)
    text = check_notice(r, "refused", ref, [SENDER], [
        ref, "It has not been sent, and it will not be",
        "Their reason: Not needed: the family have moved; no share", pflab.PORTAL_URL], bad)
    n = sum(1 for k, rf, env, raw in r.notices() if k == "refused" and rf == ref)
    if n != 1:
        bad.append("expected one refused notice, got %d" % n)
    return bad, ["refused: " + text[:600]]


def t_remind(r):
    """The DSL and a deputy get one reminder listing what still waits."""
    bad = []
    held = [ref for name, ref in r.held.items() if name == "forged"]
    rc, out, err = r.ctl("quarantine", "remind", "--older-than", "1000")
    if rc != 0 or "nothing held longer than 1000 hours" not in out:
        bad.append("remind with nothing due: exit %d, %r %r" % (rc, out, err))
    deputy = "deputy.dsl@stmarys.sch.uk"
    rc, out, err = r.ctl("quarantine", "remind", "--older-than", "0", "--deputy", deputy)
    if rc != 0 or not out.startswith("reminded %s and %s of " % (DSL_ADDRESS, deputy)):
        bad.append("remind: exit %d, %r %r" % (rc, out, err))
    text = check_notice(r, "reminder", "", [DSL_ADDRESS, deputy],
                        held + [SENDER, "held for more than 0 hours"], bad)
    for name in ("first", "refused"):
        if r.held.get(name) and r.held[name] in text:
            bad.append("the reminder lists the decided message %s" % r.held[name])
    summary = out.strip()
    rc, out, err = r.ctl("quarantine", "remind", "--older-than", "soon")
    if rc != 2:
        bad.append("remind --older-than soon exited %d" % rc)
    return bad, [summary, "reminder: " + text[:600]]


def t_forged_token_held(r):
    ref = r.held.get("first") or "SS-7KQ2-M9XD"
    forged = "v1.%s.%d.%s.%s" % (ref, int(time.time()), "0" * 64, "f" * 64)
    raw = pflab.load_mail("safeguarding-nhs.eml", to=[INSECURE])
    raw = b"X-Safeshare-Release: " + forged.encode() + b"\r\n" + raw
    bad, new = r.hold_one("forged", raw)
    log = r.lab.milter_stderr()
    if "release token forged" not in log:
        bad.append("the milter did not log the forged token")
    return bad, []


def t_purge_logged(r):
    rc, out, err = r.ctl("quarantine", "purge", "--older-than", "0")
    bad = []
    if rc != 0:
        bad.append("purge exited %d: %s" % (rc, err))
    left = r.quarantine_refs()
    for name in ("first", "refused"):
        if r.held.get(name) in left:
            bad.append("%s entry %s was not purged" % (name, r.held[name]))
    if r.held.get("forged") not in left:
        bad.append("a held entry was purged")
    purges = [a for a in r.lab.audit_records() if a.get("event") == "purge"]
    if len(purges) != 2:
        bad.append("expected 2 purge audit records, got %d" % len(purges))
    return bad, [out]


def t_no_identifier_in_logs(r):
    bad = []
    for p in r.lab.log_files():
        with open(p, "rb") as f:
            if CLEAR_NHS.search(f.read().decode("utf-8", "replace")):
                bad.append("%s holds the NHS number in clear" % p)
    return bad, []


CHECKS = [
    (t_insecure_held, "OnInsecure quarantine: an insecure share is held (client 250), "
                      "not delivered, stored 0600, audited as quarantine"),
    (t_held_notices, "the sender is told at once that it is held (reference, what and where, "
                     "who reviews it and how to reach them) and the DSL that it waits; "
                     "neither notice holds the NHS number in any form"),
    (t_store_failure_tempfails, "when the store cannot keep a message the client gets 4xx, "
                                "nothing is delivered, the audit says OnInternalError"),
    (t_listed, "quarantine list shows reference, sender, insecure recipient, what was found; "
               "--json and --sender work; no identifier"),
    (t_show_masks, "quarantine show gives headers and every part's text with the NHS number "
                   "masked as [NHS number]; unknown reference exits 1"),
    (t_release_delivers_once, "release --reason delivers exactly once through the milter, "
                              "token header stripped, audited as ReleasedByDSL with reason"),
    (t_release_notice, "the sender is told of the release with the DSL's reason, no identifier"),
    (t_second_release_refused, "a second release is refused with 'already released'"),
    (t_refuse_never_delivers, "refuse never delivers; release after refuse says 'already refused'"),
    (t_refuse_notice, "the sender is told of the refusal once, with the reason and the secure "
                      "ways to share, no identifier"),
    (t_forged_token_held, "a forged X-Safeshare-Release on a fresh insecure message is "
                          "treated as no token: held again, logged"),
    (t_remind, "remind --older-than emails the DSL and a deputy one list of what still "
               "waits; nothing due is exit 0 with a one-line summary"),
    (t_purge_logged, "purge --older-than 0 removes decided entries, keeps held ones, audits each"),
    (t_no_identifier_in_logs, "no log holds the NHS number in clear"),
]


def main():
    return pflab.run_tap(CHECKS, lambda: QuarantineLab(milter_conf="BodyMemoryMax 64K\n"),
                         lambda lab: (Run(lab),))


if __name__ == "__main__":
    sys.exit(main())
