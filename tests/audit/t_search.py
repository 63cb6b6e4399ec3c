#!/usr/bin/env python3
"""safesharectl audit search, as a DPO asks: "every message that held this
NHS number, who it went to and why".

A trail of 300 decisions and their review events is written through the
milter's writer across three files (audit.log.2.gz, audit.log.1,
audit.log), with keyed hashes computed here, independently, from the key
file. Each search must return exactly the records the test computes:
the matching decisions, and every other record about the same messages."""

import csv
import datetime
import hashlib
import hmac
import io
import json
import os
import random
import re
import sys
import zoneinfo

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import trailkit  # noqa: E402

TZ = "Europe/London"
NHS = ["9434765919", "4010232137", "9990000018"]      # valid check digits
NAMES = ["reuben robinson", "siobhan o'neill", "amelia evans"]
SENDERS = ["j.smith@stmarys.sch.uk", "office@stmarys.sch.uk", "dc.jones@police.uk"]
RCPTS = [("hv.team@nhs.net", True), ("sw@exampleshire.gov.uk", True),
         ("parent.carer@gmail.com", False), ("sam.taylor@hotmail.co.uk", False)]
REVIEWERS = ["Ms Amara Patel", "Mr Tom Reid"]
CLEAR = re.compile(r"943\s?476\s?5919|9434765919|reuben robinson", re.I)


def keyed(key, t, value):
    return hmac.new(key, ("%s:%s" % (t, value)).encode(), hashlib.sha256).hexdigest()


def build():
    t = trailkit.Trail()
    with open(t.key, "rb") as f:
        key = f.read()
    rnd = random.Random(19)
    start = datetime.datetime(2026, 6, 28, 20, 0, tzinfo=datetime.timezone.utc)
    records = []
    for i in range(300):
        when = start + datetime.timedelta(minutes=47 * i)
        ref = "SS-%04d-%04d" % (i // 7, i)
        finds, values = [], []
        for _ in range(rnd.choice([0, 0, 1, 2])):
            if rnd.random() < 0.6:
                v = rnd.choice(NHS)
                finds.append({"type": "nhs", "confidence": "high", "location": "the message body",
                              "redacted": "*** *** " + v[-4:], "hmac": keyed(key, "nhs", v)})
                values.append(("nhs", v))
            else:
                v = rnd.choice(NAMES)
                finds.append({"type": "named_child", "confidence": "high",
                              "location": "the subject", "redacted": "X. Y. (aged 3)",
                              "hmac": keyed(key, "named_child", v)})
                values.append(("named_child", v))
        rcpts = rnd.sample(RCPTS, rnd.choice([1, 1, 2]))
        insecure = any(not s for _, s in rcpts)
        action = "quarantine" if finds and insecure else "accept"
        rec = {"time": when.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "reference": ref,
               "source": "milter", "queue_id": "Q%05d" % i, "message_id": None,
               "sender": {"address": rnd.choice(SENDERS), "secure": True},
               "recipients": [{"address": a, "secure": s} for a, s in rcpts],
               "findings": finds, "unscanned": [], "action": action,
               "rule": "OnInsecure" if action == "quarantine" else "default", "reasons": []}
        records.append(rec)
        if action == "quarantine":
            event = rnd.choice(["release", "refuse"])
            records.append({"time": (when + datetime.timedelta(hours=2)).strftime(
                "%Y-%m-%dT%H:%M:%S.000Z"), "source": "review", "event": event,
                "reference": ref, "reviewer": rnd.choice(REVIEWERS),
                "reason": "=HYPERLINK(\"x\") checked with the social worker"})
    t.append_in_three_files(records)
    for n, r in enumerate(records, 1):
        r["seq"] = n
    return t, key, records


def expected(records, pred):
    """Records matching pred, and every record about the same messages."""
    refs = {r["reference"] for r in records if pred(r)}
    return sorted(r["seq"] for r in records if r["reference"] in refs)


def has_value(t, v, key):
    h = keyed(key, t, v)
    return lambda r: any(f.get("hmac") == h for f in r.get("findings", []))


def local_day(r):
    when = datetime.datetime.strptime(r["time"], "%Y-%m-%dT%H:%M:%S.000Z").replace(
        tzinfo=datetime.timezone.utc)
    return when.astimezone(zoneinfo.ZoneInfo(TZ)).date().isoformat()


def search(t, *args, stdin=None):
    os.environ["TZ"] = TZ
    code, out, err = t.ctl("audit", "search", *args, stdin=stdin)
    return code, out, err


def seqs_of(t, *args, stdin=None):
    code, out, err = search(t, "--json", *args, stdin=stdin)
    if code not in (0, 1):
        raise RuntimeError("search %s: exit %d: %s" % (args, code, err))
    return sorted(r["seq"] for r in (json.loads(out) if out.strip() else []))


def compare(t, want, *args, stdin=None):
    got = seqs_of(t, *args, stdin=stdin)
    if got != want:
        return ["search %s: expected %d records, got %d" % (" ".join(args), len(want), len(got)),
                "missing: %s" % sorted(set(want) - set(got))[:20],
                "extra: %s" % sorted(set(got) - set(want))[:20]]
    if not want:
        return ["the test expects nothing for %s: choose data that finds something" % (args,)]
    return []


def by_nhs(s):
    t, key, recs = s
    want = expected(recs, has_value("nhs", "9434765919", key))
    bad = compare(t, want, "--nhs", "943 476 5919")
    bad += compare(t, want, "--nhs", stdin="943-476-5919\n")
    bad += compare(t, want, "nhs", "9434765919")
    return bad


def by_name(s):
    t, key, recs = s
    want = expected(recs, has_value("named_child", "reuben robinson", key))
    bad = compare(t, want, "--name", "Reuben  ROBINSON")
    bad += compare(t, want, "--name", stdin="reuben\u00a0Robinson\n")
    want = expected(recs, has_value("named_child", "siobhan o'neill", key))
    return bad + compare(t, want, "--name", stdin="Siobh\u00e1n O\u2019Neill\n")


def by_every_file(s):
    t, key, recs = s
    h = keyed(key, "nhs", "4010232137")
    files = set()
    for p in (t.log + ".2.gz", t.log + ".1", t.log):
        if any(h.encode() in ln for ln in trailkit.read_lines(p)):
            files.add(p)
    code, out, _ = search(t, "--csv", "--nhs", "401 023 2137")
    where = {row["where"].rsplit(":", 1)[0] for row in csv.DictReader(io.StringIO(out))}
    bad = [] if len(files) == 3 else ["test data: the number should be in all three files"]
    return bad + ([] if where == files else ["found in %s, expected %s" % (where, files)])


def by_date_and_party(s):
    t, key, recs = s
    day = local_day(recs[40])
    bad = compare(t, expected(recs, lambda r: "action" in r and local_day(r) == day),
                  "--from", day, "--to", day)
    bad += compare(t, expected(recs, lambda r: r.get("sender", {}).get("address") ==
                               "dc.jones@police.uk"), "--sender", "DC.Jones@police.uk")
    bad += compare(t, expected(recs, lambda r: any(p["address"] == "parent.carer@gmail.com"
                                                   for p in r.get("recipients", []))),
                   "--recipient", "parent.carer@gmail.com")
    bad += compare(t, expected(recs, lambda r: any(p["address"].endswith("gmail.com")
                                                   for p in r.get("recipients", []))),
                   "--domain", "gmail.com")
    return bad


def by_action_type_reviewer(s):
    t, key, recs = s
    bad = compare(t, expected(recs, lambda r: r.get("event") == "refuse"), "--action", "refuse")
    bad += compare(t, expected(recs, lambda r: r.get("action") == "quarantine"),
                   "--action", "quarantine")
    bad += compare(t, expected(recs, lambda r: any(f["type"] == "named_child"
                                                   for f in r.get("findings", []))),
                   "--type", "named_child")
    bad += compare(t, expected(recs, lambda r: r.get("reviewer") == "Mr Tom Reid"),
                   "--reviewer", "Mr Tom Reid")
    ref = recs[50]["reference"]
    bad += compare(t, expected(recs, lambda r: r["reference"] == ref), "--ref", ref.lower())
    bad += compare(t, expected(recs, lambda r: r.get("queue_id") == "Q00050"),
                   "--queue-id", "Q00050")
    v = "9434765919"
    both = expected(recs, lambda r: has_value("nhs", v, key)(r) and
                    any(p["address"] == "parent.carer@gmail.com"
                        for p in r.get("recipients", [])))
    return bad + compare(t, both, "--nhs", v, "--recipient", "parent.carer@gmail.com") \
        if both else bad


def readable_and_safe(s):
    t, key, recs = s
    bad = []
    code, out, err = search(t, "--nhs", stdin="9434765919\n")
    lines = out.splitlines()
    if code != 0 or not lines or not lines[0].startswith("TIME") or "REFERENCE" not in lines[0]:
        bad.append("no table header: %r" % lines[:1])
    if CLEAR.search(out + err):
        bad.append("the searched value appears in the output")
    if not re.search(r"\d+ records about \d+ messages in 3 files", err):
        bad.append("no summary on stderr: %r" % err)
    code, out, _ = search(t, "--csv", "--action", "release")
    rows = list(csv.DictReader(io.StringIO(out)))
    if not rows or any(r["notes"].startswith("=") for r in rows):
        bad.append("CSV notes not made inert for spreadsheets: %r" % rows[:1])
    code, out, err = search(t, "--nhs", "943 476 5918")
    if code != 2 or "not an NHS number" not in err:
        bad.append("a mistyped number: (%d) %s" % (code, err))
    code, out, err = search(t, "--ref", "SS-9999-9999")
    if code != 1 or out:
        bad.append("nothing found should exit 1 quietly: (%d) %r" % (code, out))
    return bad


CHECKS = [
    (by_nhs, "--nhs finds exactly the messages with that number, however it is typed "
             "(argument, standard input, old form)"),
    (by_name, "--name finds a named child whatever the case, spacing, accents or apostrophe"),
    (by_every_file, "the search reads rotated and gzipped files"),
    (by_date_and_party, "--from/--to (local days), --sender, --recipient, --domain"),
    (by_action_type_reviewer, "--action, --type, --reviewer, --ref, --queue-id, and combined"),
    (readable_and_safe, "a readable table, inert CSV, no value in clear, clear refusals"),
]


if __name__ == "__main__":
    state = []
    try:
        sys.exit(trailkit.run_tap(CHECKS, lambda: state.append(build()) or state[0]))
    finally:
        if state:
            state[0][0].close()
