#!/usr/bin/env python3
"""Accuracy report: run the real engine over the labelled corpus.

    report.py --ctl PATH/safesharectl --corpus DIR [--check] [--timeout S]
              [--jobs N] [--files NAME,NAME,...] [--register FILE]

Each message goes through `safesharectl explain --json` from a secure
sender (teacher@stmarys.sch.uk) to an insecure recipient (parent@gmail.com)
on the reference date 2025-09-01, so the verdict is the measurement:

  positive detected   verdict reject/quarantine/tempfail AND a finding of the
                      labelled type
  false positive      a negative whose verdict is not accept, OR that has any
                      identifier-type finding (nhs chi hcn upn uln nino dob_child),
                      OR a named_child finding at high confidence (one that acts:
                      a medium named child is recorded and never acts, section 9.3)
  crash               non-zero exit, a signal, a hang past --timeout, or output
                      that is not the JSON answer; counted as a miss on a
                      positive and a false positive on a negative, and listed

The same table is printed for a naive baseline: one regex for ten digits
and one for 3-3-4 groups, over the raw undecoded message (headers too, as a
header_checks/body_checks pair would see it), type-blind.

Lists name files and notes only, never an identifier.  Exit status is 0
whenever the report ran; with --check it is 1 if recall is below 100 %, the
false-positive rate is 0.5 % or more, or anything crashed.
"""

import argparse
import concurrent.futures
import json
import os
import pathlib
import re
import secrets
import subprocess
import sys
import tempfile

ID_TYPES = ["nhs", "chi", "hcn", "upn", "uln", "nino", "dob_child", "named_child"]
STRICT_TYPES = set(ID_TYPES) - {"named_child"}   # any finding of these in a negative is wrong
LOCATIONS = ["subject", "body-plain", "body-qp", "body-b64", "html", "txt-1252",
             "txt-utf16", "csv", "docx", "xlsx", "odt", "ods", "pdf", "rtf", "zip",
             "forwarded", "eml-attachment", "filename"]
HOLD = {"reject", "quarantine", "tempfail"}
SENDER, RECIPIENT, DATE = "teacher@stmarys.sch.uk", "parent@gmail.com", "2025-09-01"
NAIVE = [re.compile(rb"(?<!\d)\d{10}(?!\d)"), re.compile(rb"\d{3} \d{3} \d{4}")]
FP_LIMIT = 0.005
HERE = pathlib.Path(__file__).resolve().parent


def load_labels(corpus):
    rows = []
    with open(os.path.join(corpus, "labels.tsv"), encoding="utf-8") as f:
        head = f.readline().rstrip("\n").split("\t")
        for line in f:
            if line.strip():
                rows.append(dict(zip(head, line.rstrip("\n").split("\t"))))
    return rows


def find_worker(ctl):
    """The attachment reader built beside safesharectl, if there is one: the
    report measures the build tree, not whatever is installed."""
    path = os.path.join(os.path.dirname(os.path.abspath(ctl)), "..", "reader", "safeshare-extract")
    return os.path.normpath(path) if os.access(path, os.X_OK) else None


def write_config(tmp, register, worker=None):
    """A throw-away config: the lab register, a fresh 0600 audit key and
    the build tree's attachment reader."""
    key = os.path.join(tmp, "audit.key")
    fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(secrets.token_bytes(48))
    conf = os.path.join(tmp, "safeshare.conf")
    with open(conf, "w") as f:
        f.write("# accuracy report: generated, thrown away after the run\n"
                "Socket unix:%s\nRegister %s\nAuditLog %s\nAuditKey %s\n"
                "OnInsecure reject\nOnUnscannable reject\n"
                % (os.path.join(tmp, "sock"), register, os.path.join(tmp, "audit.log"), key))
        if worker:
            f.write("ExtractWorker %s\n" % worker)
    return conf


def run_engine(ctl, conf, path, timeout):
    """(crash reason or None, parsed JSON answer or None)."""
    cmd = [ctl, "-c", conf, "explain", path, "--from", SENDER, "--to", RECIPIENT,
           "--json", "--date", DATE]
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "hang (over %gs)" % timeout, None
    if p.returncode < 0:
        return "killed by signal %d" % -p.returncode, None
    if p.returncode != 0:
        err = p.stderr.decode("utf-8", "replace").strip().splitlines()
        return "exit %d: %s" % (p.returncode, err[-1][:120] if err else ""), None
    try:
        return None, json.loads(p.stdout.decode("utf-8"))
    except ValueError:
        return "output is not JSON", None


def naive_hit(path):
    data = pathlib.Path(path).read_bytes()
    return any(rx.search(data) for rx in NAIVE)


def judge(label, crash, answer):
    """True when the engine got this message right."""
    positive = label["expected"] == "child"
    if crash:
        return False
    types = {f.get("type") for f in answer.get("findings", [])}
    if positive:
        return answer.get("action") in HOLD and label["type"] in types
    return answer.get("action") == "accept" and not (types & STRICT_TYPES) \
        and "named_child" not in acting(answer)


def acting(answer):
    """Finding types at high confidence: for a named child, the ones that act."""
    return {f.get("type") for f in answer.get("findings", []) if f.get("confidence") == "high"}


def evaluate(ctl, corpus, files=None, register=None, timeout=30.0, jobs=2, worker=None):
    """One result dict per message: label fields plus ok, naive_ok, crash, types."""
    labels = load_labels(corpus)
    if files is not None:
        wanted = set(files)
        labels = [r for r in labels if r["file"] in wanted]
        missing = wanted - {r["file"] for r in labels}
        if missing:
            raise SystemExit("report: not in labels.tsv: %s" % ", ".join(sorted(missing)))
    register = register or str(HERE.parent / "integration" / "register-lab.txt")
    with tempfile.TemporaryDirectory(prefix="ss-accuracy-") as tmp:
        conf = write_config(tmp, register, worker or find_worker(ctl))

        def one(label):
            path = os.path.join(corpus, label["file"])
            crash, answer = run_engine(ctl, conf, path, timeout)
            hit = naive_hit(path)
            positive = label["expected"] == "child"
            return dict(label, crash=crash, ok=judge(label, crash, answer),
                        naive_ok=hit if positive else not hit,
                        action=answer.get("action") if answer else None,
                        unscanned=sorted({u.get("why") or "?" for u in answer.get("unscanned", [])})
                        if answer else [],
                        types=sorted({f.get("type") for f in answer.get("findings", [])})
                        if answer else [],
                        acting=sorted(acting(answer)) if answer else [])

        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as ex:
            return list(ex.map(one, labels))


# ---------------------------------------------------------------------------
# The table


def pct(num, den):
    return "%6.1f%%" % (100.0 * num / den) if den else "     - "


def counts(rows, key):
    pos = [r for r in rows if r["expected"] == "child"]
    neg = [r for r in rows if r["expected"] != "child"]
    return (len(pos), sum(r[key] for r in pos), len(neg), sum(not r[key] for r in neg))


def line(label, rows):
    np_, hit, nn, fp = counts(rows, "ok")
    _, bhit, _, bfp = counts(rows, "naive_ok")
    return "%-22s %4d %s %s   %4d %s %s" % (label, np_, pct(hit, np_), pct(bhit, np_),
                                             nn, pct(fp, nn), pct(bfp, nn))


HEAD = ("%-22s %4s %7s %7s   %4s %7s %7s\n" % ("", "pos", "recall", "naive", "neg", "FP", "naive")
        + "-" * 66)


def table(rows):
    out = ["safeshare accuracy (engine: safesharectl explain; naive: 10-digit regex on raw bytes)",
           "recall = positives held with a finding of their type; FP = negatives not accepted "
           "or with an identifier finding", ""]
    pos = [r for r in rows if r["expected"] == "child"]
    neg = [r for r in rows if r["expected"] != "child"]
    out += ["By identifier type (FP here: negatives carrying a finding of that type; "
            "named_child: at high confidence)", HEAD]
    for t in ID_TYPES:
        p = [r for r in pos if r["type"] == t]
        if not p:
            continue
        _, hit, _, _ = counts(p, "ok")
        _, bhit, _, _ = counts(p, "naive_ok")
        spur = sum(t in r["types" if t in STRICT_TYPES else "acting"] for r in neg)
        out.append("%-22s %4d %s %s   %4d %s %7s" % (t, len(p), pct(hit, len(p)), pct(bhit, len(p)),
                                                     len(neg), pct(spur, len(neg)), "-"))
    out += ["", "By location", HEAD]
    for loc in LOCATIONS:
        sub = [r for r in rows if r["location"] == loc]
        if sub:
            out.append(line(loc, sub))
    kinds = []
    for r in neg:
        if _kind_of(r["file"]) not in kinds:
            kinds.append(_kind_of(r["file"]))
    if kinds:
        out += ["", "By kind of negative",
                "%-22s %4s %7s %7s\n" % ("", "neg", "FP", "naive") + "-" * 44]
        for kd in kinds:
            sub = [r for r in neg if _kind_of(r["file"]) == kd]
            _, _, nn, fp = counts(sub, "ok")
            _, _, _, bfp = counts(sub, "naive_ok")
            out.append("%-22s %4d %s %s" % (kd, nn, pct(fp, nn), pct(bfp, nn)))
    out += ["", HEAD.splitlines()[1], line("OVERALL", rows)]
    return out


def _kind_of(fname):
    """neg-KIND-LOCATION-V.eml -> KIND (kinds and locations may hold dashes)."""
    stem = fname[len("neg-"):-len(".eml")].rsplit("-", 1)[0]
    for loc in sorted(LOCATIONS, key=len, reverse=True):
        if stem.endswith("-" + loc):
            return stem[:-len(loc) - 1]
    return stem


def _got(r):
    """What the engine did, for the lists: verdict, finding types, and why a
    part went unread (reasons name formats and limits, never values)."""
    got = "%s; found: %s" % (r["action"], ",".join(r["types"]) or "nothing")
    if r["unscanned"]:
        got += "; unscanned: " + " / ".join(r["unscanned"])
    return got


def listing(rows):
    out = []
    crashes = [r for r in rows if r["crash"]]
    missed = [r for r in rows if r["expected"] == "child" and not r["ok"] and not r["crash"]]
    fps = [r for r in rows if r["expected"] != "child" and not r["ok"] and not r["crash"]]
    out += ["", "Crashes and hangs: %d" % len(crashes)]
    out += ["  %s: %s" % (r["file"], r["crash"]) for r in crashes]
    out += ["", "Missed positives: %d" % len(missed)]
    out += ["  %s [%s] %s" % (r["file"], _got(r), r["note"]) for r in missed]
    out += ["", "False positives: %d" % len(fps)]
    out += ["  %s [%s] %s" % (r["file"], _got(r), r["note"]) for r in fps]
    return out


def named_child_row(r):
    """A row of the named-child part of the corpus (issue 13)."""
    return r["type"] == "named_child" or r["file"].startswith("neg-nc-")


def verdict(rows):
    """(passes the issue's targets?, summary lines). The gate is issue 3's,
    over the identifier corpus; the named-child rows (issue 13) are
    reported beside it and not gated: the rule of spec section 9.3 itself
    holds a trainer or a social worker named next to a weight-2 term
    (doc/accuracy.md), which is for the spec to settle, not this report."""
    gated = [r for r in rows if not named_child_row(r)]
    np_, hit, nn, fp = counts(gated, "ok")
    crashes = sum(bool(r["crash"]) for r in rows)
    ok = hit == np_ and (fp / nn if nn else 0.0) < FP_LIMIT and crashes == 0
    out = ["targets %s: recall %d/%d, false positives %d/%d, crashes %d"
           % ("met" if ok else "NOT met", hit, np_, fp, nn, crashes)]
    nc = [r for r in rows if named_child_row(r)]
    if nc:
        cp, chit, cn, cfp = counts(nc, "ok")
        held = sum(r["expected"] != "child" and r["action"] in HOLD for r in nc)
        out.append("named children (reported, not gated): recall %d/%d (%s), false blocks "
                   "%d/%d (%s), negatives with any false finding %d/%d"
                   % (chit, cp, pct(chit, cp).strip(), held, cn, pct(held, cn).strip(), cfp, cn))
    return ok, out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ctl", required=True, help="the built safesharectl")
    ap.add_argument("--corpus", required=True, help="directory written by gen_corpus.py")
    ap.add_argument("--register", help="register file (default: tests/integration/register-lab.txt)")
    ap.add_argument("--worker", help="attachment reader (default: reader/safeshare-extract "
                    "beside the ctl's build tree, when built)")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds per message")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--files", help="comma-separated subset of corpus file names")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 unless recall is 100%%, FP rate < 0.5%% and nothing crashed")
    a = ap.parse_args(argv)
    rows = evaluate(a.ctl, a.corpus, a.files.split(",") if a.files else None,
                    a.register, a.timeout, a.jobs, a.worker)
    ok, summary = verdict(rows)
    print("\n".join(table(rows) + listing(rows) + [""] + summary))
    return 1 if a.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
