#!/usr/bin/env python3
"""Quarantine the DSL can trust, through a real Postfix on loopback (issue 4).

With `OnInsecure quarantine` an insecure share is held in the milter's store
(the client sees it accepted, nothing is delivered), listed and shown by
`safesharectl quarantine`, and released (delivered once, through the milter,
with a single-use token) or refused (never delivered) by a DSL with a reason
on record.  A forged token counts as no token.

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
import traceback

sys.dont_write_bytecode = True  # keep the source tree clean in VPATH builds
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pflab  # noqa: E402

SENDER = "j.smith@stmarys.sch.uk"
INSECURE = "sam.taylor.sw@gmail.com"
SECURE = "hv.team@nhs.net"
CLEAR_NHS = re.compile(r"943[\s\-.]{0,3}476[\s\-.]{0,3}5919")
SETTLE = 1.5  # seconds a held message is given to (wrongly) reach the sink
TOKEN_HEADER = b"x-safeshare-release"


def ctl_binary():
    builddir = os.environ.get("SS_BUILDDIR") or pflab.SRCDIR
    return os.path.join(builddir, "review", "safesharectl")


class QuarantineLab(pflab.Lab):
    """The lab with `OnInsecure quarantine` in place of its `reject`."""

    def write_milter_config(self):
        super().write_milter_config()
        with open(self.milter_config) as f:
            conf = f.read()
        conf, n = re.subn(r"(?m)^OnInsecure\s+reject$", "OnInsecure      quarantine", conf)
        if n != 1:
            raise pflab.LabError("the lab config has no `OnInsecure reject` line to replace")
        with open(self.milter_config, "w") as f:
            f.write(conf)


class Run:
    def __init__(self, lab):
        self.lab = lab
        self.held = {}      # name -> reference

    def ctl(self, *args, timeout=60):
        p = subprocess.run([ctl_binary(), "-c", self.lab.milter_config] + list(args),
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        return (p.returncode, p.stdout.decode("utf-8", "replace"),
                p.stderr.decode("utf-8", "replace"))

    def quarantine_refs(self):
        d = self.lab.path("quarantine")
        return sorted(n[:-5] for n in os.listdir(d) if n.endswith(".json"))

    def hold_one(self, name, raw=None):
        """Send the safeguarding mail to an insecure address; return
        (problems, reference of the new held entry)."""
        before_sink = len(self.lab.delivered())
        before = set(self.quarantine_refs())
        raw = raw or pflab.load_mail("safeguarding-nhs.eml", to=[INSECURE])
        code, text = self.lab.send(SENDER, [INSECURE], raw)
        bad = []
        if code != 250:
            bad.append("expected the client to see 250 (held), got %d %s" % (code, text))
        time.sleep(SETTLE)
        if len(self.lab.delivered()) != before_sink:
            bad.append("a held message reached the sink")
        new = sorted(set(self.quarantine_refs()) - before)
        if len(new) != 1:
            bad.append("expected one new store entry, found %r" % new)
            return bad, None
        self.held[name] = new[0]
        return bad, new[0]

    def delivered_since(self, n):
        return self.lab.delivered_messages()[n:]


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


def t_store_failure_tempfails(r):
    """A store that cannot keep the message: the MTA must keep it (4xx)."""
    q = r.lab.path("quarantine")
    os.rename(q, q + ".away")
    try:
        with open(q, "w") as f:
            f.write("not a directory\n")
        before = len(r.lab.delivered())
        code, text = r.lab.send(SENDER, [INSECURE],
                                pflab.load_mail("safeguarding-nhs.eml", to=[INSECURE]))
        bad = []
        if not 400 <= code < 500:
            bad.append("expected a 4xx tempfail, got %d %s" % (code, text))
        time.sleep(SETTLE)
        if len(r.lab.delivered()) != before:
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
    before = len(r.lab.delivered())
    reason = "Confirmed with the social worker: her secure address bounces today"
    rc, out, err = r.ctl("quarantine", "release", ref, "--reason", reason,
                         "--reviewer", "Ms Amara Patel")
    bad = []
    if rc != 0:
        return ["release exited %d: %s" % (rc, err)], [out]
    if not r.lab.wait_delivered(before + 1):
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


def t_second_release_refused(r):
    ref = r.held.get("first")
    before = len(r.lab.delivered())
    rc, out, err = r.ctl("quarantine", "release", ref, "--reason", "again")
    bad = []
    if rc != 1 or "already released" not in err:
        bad.append("second release: exit %d, %r" % (rc, err))
    time.sleep(SETTLE)
    if len(r.lab.delivered()) != before:
        bad.append("a second copy was delivered")
    return bad, [err]


def t_refuse_never_delivers(r):
    bad, ref = r.hold_one("refused")
    if not ref:
        return bad, []
    before = len(r.lab.delivered())
    rc, out, err = r.ctl("quarantine", "refuse", ref, "--reason",
                         "Not needed: the family have moved; no share")
    if rc != 0:
        bad.append("refuse exited %d: %s" % (rc, err))
    time.sleep(SETTLE)
    if len(r.lab.delivered()) != before:
        bad.append("a refused message was delivered")
    rc, out, err = r.ctl("quarantine", "release", ref, "--reason", "changed my mind")
    if rc != 1 or "already refused" not in err:
        bad.append("release after refuse: exit %d, %r" % (rc, err))
    rc, out, err = r.ctl("quarantine", "refuse", ref)
    if rc != 2:
        bad.append("refuse without --reason exited %d" % rc)
    return bad, []


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
    (t_store_failure_tempfails, "when the store cannot keep a message the client gets 4xx, "
                                "nothing is delivered, the audit says OnInternalError"),
    (t_listed, "quarantine list shows reference, sender, insecure recipient, what was found; "
               "--json and --sender work; no identifier"),
    (t_show_masks, "quarantine show gives headers and every part's text with the NHS number "
                   "masked as [NHS number]; unknown reference exits 1"),
    (t_release_delivers_once, "release --reason delivers exactly once through the milter, "
                              "token header stripped, audited as ReleasedByDSL with reason"),
    (t_second_release_refused, "a second release is refused with 'already released'"),
    (t_refuse_never_delivers, "refuse never delivers; release after refuse says 'already refused'"),
    (t_forged_token_held, "a forged X-Safeshare-Release on a fresh insecure message is "
                          "treated as no token: held again, logged"),
    (t_purge_logged, "purge --older-than 0 removes decided entries, keeps held ones, audits each"),
    (t_no_identifier_in_logs, "no log holds the NHS number in clear"),
]


def main():
    if os.geteuid() != 0:
        print("1..0 # SKIP not root")
        return 0 if "AM_TAP_AWK" in os.environ else 77
    print("1..%d" % len(CHECKS), flush=True)
    try:
        lab = QuarantineLab(milter_conf="BodyMemoryMax 64K\n").__enter__()
    except Exception as e:
        print("Bail out! lab did not start: %s" % str(e).splitlines()[0])
        for ln in str(e).splitlines()[1:]:
            print("# " + ln)
        return 1
    failed = 0
    try:
        run = Run(lab)
        for n, (check, desc) in enumerate(CHECKS, 1):
            try:
                bad, diag = check(run)
            except Exception:
                bad, diag = ["raised"], traceback.format_exc().splitlines()
            print("%s %d - %s" % ("not ok" if bad else "ok", n, desc))
            if bad:
                failed += 1
                for ln in bad + diag:
                    print("# " + CLEAR_NHS.sub("[NHS number]", ln))
            sys.stdout.flush()
        if failed:
            print("# lab files kept in %s" % lab.dir)
            lab.keep = True
    finally:
        lab.__exit__(None, None, None)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
