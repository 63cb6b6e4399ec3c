#!/usr/bin/env python3
"""safesharectl audit verify, as a DPO would use it after someone tampered.

Each check builds a trail of 30 records across three files as logrotate
leaves them (audit.log.2.gz: records 1-10, audit.log.1: 11-20, audit.log:
21-30), changes it the way an insider might, and checks that verify names
the right file, line and record, and says what kind of break it is."""

import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import trailkit  # noqa: E402
from trailkit import read_lines, write_lines, chain_of  # noqa: E402


def build():
    t = trailkit.Trail()
    for first in (1, 11, 21):
        t.append({"time": "2026-11-%02dT09:00:00.000Z" % (first // 10 + 20), "n": n,
                  "reference": "SS-TEST-%04d" % n, "action": "accept"}
                 for n in range(first, first + 10))
        if first < 21:
            t.rotate()
    return t


def verify(t, *args):
    return t.ctl("audit", "verify", *args)


def expect_break(t, where, pattern, *args):
    """verify fails (1) and its first line is WHERE: ... matching pattern."""
    code, out, err = verify(t, *args)
    first = out.splitlines()[0] if out else ""
    bad = []
    if code != 1:
        bad.append("exit %d, expected 1" % code)
    want = t.path(where) + ("" if where.endswith(":") else ":")
    if not first.startswith(want):
        bad.append("expected a break at %s, got: %s" % (want, first))
    elif not re.search(pattern, first):
        bad.append("expected /%s/ in: %s" % (pattern, first))
    return bad + (["stdout: " + ln for ln in out.splitlines()] +
                  ["stderr: " + ln for ln in err.splitlines()] if bad else [])


def tampered(change):
    def check():
        t = build()
        try:
            return change(t)
        finally:
            t.close()
    return check


def clean(t):
    code, out, err = verify(t)
    last = read_lines(t.log)[-1]
    want = "verified 30 records in 3 files, head 30:%s" % chain_of(last)
    if code != 0 or out.strip() != want:
        return ["expected: " + want, "got (%d): %s %s" % (code, out.strip(), err.strip())]
    return []


def edit_line(name, index, old, new):
    def change(t):
        p = t.path(name)
        lines = read_lines(p)
        lines[index] = lines[index].replace(old, new)
        write_lines(p, lines)
        return expect_break(t, "%s:%d" % (name, index + 1),
                            r"record %d was changed" % int(lines[index].split(b",")[0][7:]))
    return change


def delete(t):
    lines = read_lines(t.log)
    del lines[4]
    write_lines(t.log, lines)
    return expect_break(t, "audit.log:5", r"record 25 is missing before this one")


def reorder(t):
    lines = read_lines(t.log)
    lines[1], lines[2] = lines[2], lines[1]
    write_lines(t.log, lines)
    return expect_break(t, "audit.log:2", r"record 23 is out of order: record 22 should be here")


def truncate_record(t):
    p = t.log + ".1"
    lines = read_lines(p)
    lines[6] = lines[6][:len(lines[6]) // 2] + b"\n"
    write_lines(p, lines)
    return expect_break(t, "audit.log.1:7", r"not a chained record")


def truncate_file(t):
    with open(t.log, "rb+") as f:
        f.truncate(os.path.getsize(t.log) - 40)
    return expect_break(t, "audit.log:10", r"the last record is unfinished")


def drop_last(t):
    lines = read_lines(t.log)
    write_lines(t.log, lines[:-2])
    return expect_break(t, "audit.log:9",
                        r"the trail ends at record 28, but the head file .* says record 30 "
                        r"was written")


def swap_rotated(t):
    a, b = t.log + ".1", t.log
    os.rename(a, a + ".tmp")
    os.rename(b, a)
    os.rename(a + ".tmp", b)
    return expect_break(t, "audit.log.1:1", r"records 11 to 20 are missing between .*"
                        r"audit\.log\.2\.gz and this file")


def swap_oldest(t):
    a, b = t.log + ".2.gz", t.log + ".1"
    os.rename(a, a + ".tmp")
    os.rename(b, a)
    os.rename(a + ".tmp", b)
    return expect_break(t, "audit.log.2.gz:1", r"records 1 to 10 are not before this one")


def drop_middle(t):
    os.unlink(t.log + ".1")
    return expect_break(t, "audit.log:1", r"records 11 to 20 are missing between")


def drop_oldest(t):
    kept = chain_of(read_lines(t.log + ".2.gz")[-1])
    os.unlink(t.log + ".2.gz")
    bad = expect_break(t, "audit.log.1:1", r"records 1 to 10 are not before this one")
    code, out, err = verify(t, "--after", "10:" + kept)
    if code != 0 or not out.startswith("verified 20 records in 2 files"):
        bad.append("--after the removed file's head: (%d) %s %s" % (code, out, err))
    return bad


def files_in_order_given(t):
    files = [t.log + ".2.gz", t.log + ".1", t.log]
    code, out, _ = verify(t, *files)
    bad = [] if code == 0 and out.startswith("verified 30 records in 3 files") \
        else ["in order: (%d) %s" % (code, out)]
    code, out, _ = verify(t, files[1], files[0], files[2])
    if code != 1 or not out.startswith(t.log + ".1:1: records 1 to 10 are not before"):
        bad.append("out of order: (%d) %s" % (code, out))
    return bad


def digest_head(t):
    rec25 = chain_of(read_lines(t.log)[4])
    bad = []
    code, out, _ = verify(t, "--head", "25:" + rec25)
    if code != 0:
        bad.append("the right digest: (%d) %s" % (code, out))
    wrong = ("0" if rec25[0] != "0" else "1") + rec25[1:]
    bad += expect_break(t, "audit.log:5", r"record 25 is not the record --head names",
                        "--head", "25:" + wrong)
    return bad


def damaged_gzip(t):
    p = t.log + ".2.gz"
    with open(p, "rb+") as f:
        f.truncate(os.path.getsize(p) - 30)
    return expect_break(t, "audit.log.2.gz:", r"compressed data cut short or damaged")


CHECKS = [
    (tampered(clean), "an untouched trail of three files verifies, with its head"),
    (tampered(edit_line("audit.log.1", 3, b'"n":14', b'"n":41')),
     "an edited record is found at its file and line"),
    (tampered(edit_line("audit.log.2.gz", 6, b'"action":"accept"', b'"action":"reject"')),
     "an edited record inside a gzipped file is found"),
    (tampered(delete), "a deleted record is found where it was"),
    (tampered(reorder), "two records swapped: the first out of place is named"),
    (tampered(truncate_record), "a record cut short is found"),
    (tampered(truncate_file), "a file cut mid-record is found at its last line"),
    (tampered(drop_last), "the last records removed: the head file shows it"),
    (tampered(swap_rotated), "two rotated files swapped: found at the first misplaced file"),
    (tampered(swap_oldest), "the oldest file swapped with the next: found"),
    (tampered(drop_middle), "a rotated file removed: found at the next file"),
    (tampered(drop_oldest), "the oldest file removed: found, and --after accepts it"),
    (tampered(files_in_order_given), "files given on the command line are read in that order"),
    (tampered(digest_head), "a kept digest (--head) is checked against the trail"),
    (tampered(damaged_gzip), "a damaged gzip file is reported, not read as fewer records"),
]

if __name__ == "__main__":
    sys.exit(trailkit.run_tap(CHECKS))
