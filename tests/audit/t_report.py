#!/usr/bin/env python3
"""safesharectl audit report: every figure equals what this test counts
itself from the same records (reportkit.expected), for a month of a
school's trail across three files, one of them gzipped; the text says the
same; the HTML page is one self-contained file with a chart per table, and
what came from the trail is escaped in it."""

import os
import re
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import json  # noqa: E402
import reportkit  # noqa: E402
import trailkit  # noqa: E402


def as_tables(got):
    """The report's JSON rows as the dicts reportkit.expected makes."""
    t = dict(got)
    t["shares_by_organisation"] = {(r["organisation"], r["basis"]): r["shares"]
                                   for r in got["shares_by_organisation"]}
    t["by_reason"] = {r["rule"]: [r["refused"], r["held"]] for r in got["by_reason"]}
    t["by_sender_domain"] = {r["domain"]: [r["refused"], r["held"]]
                             for r in got["by_sender_domain"]}
    t["identifier_types"] = {r["type"]: [r["messages"], r["findings"]]
                             for r in got["identifier_types"]}
    t["insecure_destinations"] = {r["domain"]: r["messages"] for r in got["insecure_destinations"]}
    return t


def compare(got, want):
    bad = []
    for k, v in want.items():
        if got.get(k) != v:
            bad.append("%s: report says %r, counted %r" % (k, got.get(k), v))
    return bad


def figures_match(s):
    t, records, first, last = s
    code, out, err = t.ctl("audit", "report", "--from", first, "--to", last, "--json")
    if code != 0:
        return ["exit %d: %s" % (code, err)]
    got = as_tables(json.loads(out))
    bad = compare(got, reportkit.expected(records, first, last))
    if got["files"] != 3 or got["records"] != len(records):
        bad.append("read %s records in %s files" % (got["records"], got["files"]))
    if got["shares"] == 0 or got["held"] == 0 or got["review"]["waiting_overdue"] == 0:
        bad.append("the test data should exercise every figure")
    return bad


def a_shorter_period(s):
    t, records, first, last = s
    mid = sorted(r["time"] for r in records)[len(records) // 2][:10]
    code, out, err = t.ctl("audit", "report", "--from", mid, "--to", mid, "--json")
    got = as_tables(json.loads(out)) if code == 0 else {}
    want = reportkit.expected(records, mid, mid)
    return compare(got, {k: want[k] for k in ("messages", "shares", "refused", "held",
                                              "by_reason", "identifier_types")})


def duration(s):
    if s is None:
        return None
    if s >= 86400:
        return "%dd %dh" % (s // 86400, s % 86400 // 3600)
    if s >= 3600:
        return "%dh %dm" % (s // 3600, s % 3600 // 60)
    return "%dm" % (s // 60) if s >= 60 else "%ds" % s


def text_says_the_same(s):
    t, records, first, last = s
    code, out, err = t.ctl("audit", "report", "--from", first, "--to", last)
    w = reportkit.expected(records, first, last)
    want = [
        r"Messages checked +%d\n" % w["messages"],
        r"Shares of child data +%d +\(a purpose stated for %d\)" % (w["shares"],
                                                                 w["shares_with_purpose"]),
        r"Refused +%d\n" % w["refused"], r"Held for the DSL +%d\n" % w["held"],
        r"reviewed %d: median wait %s, longest %s" % (w["review"]["reviewed"],
                                                      duration(w["review"]["median_seconds"]),
                                                      duration(w["review"]["longest_seconds"])),
        r"still waiting, overdue +%d\n" % w["review"]["waiting_overdue"],
        r"NHS number +%d +%d\n" % tuple(w["identifier_types"]["nhs"]),
        r"gmail\.com +%d\n" % w["insecure_destinations"]["gmail.com"],
        r"child data to an insecure address +%d +%d\n" % tuple(
            w["by_reason"]["OnInsecure"]),
    ]
    bad = ["text lacks /%s/" % p for p in want if not re.search(p, out)]
    return bad + (["output:"] + out.splitlines() if bad else [])


def html_is_one_page(s):
    t, records, first, last = s
    with tempfile.TemporaryDirectory() as d:
        page = os.path.join(d, "report.html")
        code, out, err = t.ctl("audit", "report", "--from", first, "--to", last, "--html", page)
        if code != 0 or not os.path.exists(page):
            return ["exit %d: %s" % (code, err)]
        with open(page, encoding="utf-8") as f:
            html = f.read()
    w = reportkit.expected(records, first, last)
    bad = []
    for pattern in (r"https?:", r"<script", r"<link", r"\bsrc=", r"url\(", r"@import"):
        if re.search(pattern, html, re.I):
            bad.append("the page refers outside itself or runs script: /%s/" % pattern)
    if html.count("<svg") != 6:
        bad.append("expected 6 charts, found %d" % html.count("<svg"))
    if "<Sixth Form>" in html or "Oakfield Academy &amp; &lt;Sixth Form&gt;" not in html:
        bad.append("an organisation's name from the trail is not escaped")
    if "<title>Oakfield Academy &amp; &lt;Sixth Form&gt; (local-agreement)</title>" not in html:
        bad.append("a label cut to fit its chart does not carry the whole of it")
    rv = w["review"]
    said = "%d of the %d still waiting are overdue" % (rv["waiting_overdue"], rv["waiting"])
    if said not in html:
        bad.append("the waits chart does not say '%s'" % said)
    for n in (w["messages"], w["shares"], w["refused"], w["held"]):
        if "<b>%d</b>" % n not in html:
            bad.append("the headline %d is not on the page" % n)
    return bad


def help_names_it(s):
    t = s[0]
    code, out, err = t.ctl("--help")
    bad = [] if code == 0 else ["--help exit %d" % code]
    for line in ("audit report [--from DATE] [--to DATE]", "audit digest [--after SEQ:CHAIN]",
                 "audit verify [--head SEQ:CHAIN]"):
        if line not in out:
            bad.append("safesharectl --help does not show '%s'" % line)
    return bad


CHECKS = [
    (figures_match, "every figure (shares by organisation and basis, refused and held by "
                    "reason and sender domain, types, destinations, review times) as counted here"),
    (a_shorter_period, "--from/--to take only the decisions of those days"),
    (text_says_the_same, "the plain-text report says the same figures"),
    (html_is_one_page, "--html writes one self-contained page, six charts, escaped, "
                          "long labels whole on hover, the overdue waiting counted"),
    (help_names_it, "safesharectl --help shows audit report, digest and verify's --head"),
]

if __name__ == "__main__":
    state = []
    try:
        sys.exit(trailkit.run_tap(CHECKS, lambda: state.append(
            reportkit.trail_of_a_month()) or state[0]))
    finally:
        if state:
            state[0][0].close()
