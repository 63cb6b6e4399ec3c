#!/usr/bin/env python3
"""Smoke test for the accuracy corpus (TAP, run by `make check`).

Generates the whole corpus into a temp dir (checking it is complete and
labelled), then runs the real engine over a fixed subset in the locations
that work today: the subject, plain/QP/base64 bodies, HTML and a forwarded
message.  Every positive there must be held with a finding of its type,
every negative there accepted with no identifier finding, nothing may
crash.  The full table is `make accuracy`.

Environment: SS_BUILDDIR (review/safesharectl), SS_SRCDIR (the sources).
"""

import os
import sys
import tempfile

SRC = os.environ.get("SS_SRCDIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
BUILD = os.environ.get("SS_BUILDDIR") or "."
sys.path.insert(0, os.path.join(SRC, "tests", "accuracy"))

import gen_corpus  # noqa: E402
import report      # noqa: E402

SMOKE_LOCATIONS = ["subject", "body-plain", "body-qp", "body-b64", "html", "forwarded"]


def subset():
    """21 positives (each type in three of the six locations, both variants
    represented) and 14 negatives (each kind once), fixed by construction."""
    files = []
    for i, t in enumerate(gen_corpus.ID_TYPES):
        for j in range(3):
            loc = SMOKE_LOCATIONS[(i + 2 * j) % len(SMOKE_LOCATIONS)]
            files.append("pos-%s-%s-%d.eml" % (t, loc, (i + j) % 2))
    for i, kd in enumerate(gen_corpus.NEG_KINDS):
        loc = SMOKE_LOCATIONS[i % len(SMOKE_LOCATIONS)]
        files.append("neg-%s-%s-%d.eml" % (kd, loc, (i // len(SMOKE_LOCATIONS)) % 2))
    return files


def main():
    ctl = os.path.join(BUILD, "review", "safesharectl")
    files = subset()
    print("1..%d" % (len(files) + 1))
    with tempfile.TemporaryDirectory(prefix="ss-corpus-") as tmp:
        n, _, bad = gen_corpus.build(tmp)
        labels = report.load_labels(tmp)
        complete = (not bad and n >= 400 and len(labels) == n
                    and all(os.path.isfile(os.path.join(tmp, r["file"])) for r in labels))
        print("%s 1 - corpus: %d messages, %d labels%s" % (
            "ok" if complete else "not ok", n, len(labels),
            "" if not bad else "; snippets failing the spec rules: %s" % ", ".join(bad)))
        if not os.access(ctl, os.X_OK):
            for i, f in enumerate(files, 2):
                print("not ok %d - %s: %s is not built" % (i, f, ctl))
            return 1
        rows = report.evaluate(ctl, tmp, files, timeout=120.0, jobs=2)
    failed = not complete
    for i, r in enumerate(rows, 2):
        want = "held, finds %s" % r["type"] if r["expected"] == "child" else "accepted, no identifier"
        if r["ok"]:
            print("ok %d - %s (%s)" % (i, r["file"], want))
            continue
        failed = True
        got = r["crash"] or "%s, found %s" % (r["action"], ",".join(r["types"]) or "nothing")
        print("not ok %d - %s: want %s, got %s [%s]" % (i, r["file"], want, got, r["note"]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
