#!/usr/bin/env python3
"""False holds on real prose nobody here wrote (issue 13).

    realprose.py --corpus DIR --tool PATH/realprose [--refresh] [-v]

Collects, once, every text file under /usr/share/doc (gzip files
decompressed; binary files left out) and every man page on the machine
(rendered to text with `man -l`, 80 columns) into DIR, then runs the
realprose tool over all of it: each document is the body of a message a
school sends to a parent's personal address, decided by the real detectors
and policy. The issue's target is at most 1 in 1,000 documents held.
--refresh collects again; -v lists each held document with its redacted
findings (initials and signal, never a name).
"""

import argparse
import concurrent.futures
import gzip
import os
import pathlib
import subprocess
import sys

DOC, MAN = pathlib.Path("/usr/share/doc"), pathlib.Path("/usr/share/man")


def is_text(data):
    head = data[:65536]
    if b"\0" in head or not data.strip():
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as e:
        if e.start >= len(head) - 4:           # a character cut at 64 KiB
            return True
        printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in head)
        return printable >= 0.95 * len(head)


def collect_doc(out):
    for root, _, files in os.walk(DOC):
        for fn in files:
            p = pathlib.Path(root) / fn
            if p.is_symlink() or not p.is_file():
                continue
            try:
                data = p.read_bytes()
                if fn.endswith(".gz"):
                    data = gzip.decompress(data)
            except (OSError, EOFError, gzip.BadGzipFile):
                continue
            if is_text(data):
                dst = out / "doc" / (str(p.relative_to(DOC)) + ".txt")
                dst.parent.mkdir(parents=True, exist_ok=True)
                dst.write_bytes(data)


def render_man(p, out):
    dst = out / "man" / (str(p.relative_to(MAN)) + ".txt")
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        r = subprocess.run(["man", "-l", "-P", "cat", str(p)], capture_output=True, timeout=20,
                           env=dict(os.environ, MANWIDTH="80"))
        if r.stdout.strip():
            dst.write_bytes(r.stdout)
    except subprocess.TimeoutExpired:
        pass


def collect(out):
    collect_doc(out)
    pages = [p for p in MAN.rglob("*") if p.is_file() and not p.is_symlink()]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
        list(ex.map(lambda p: render_man(p, out), pages))
    (out / ".complete").write_text("collected\n")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--tool", required=True)
    ap.add_argument("--refresh", action="store_true")
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args(argv)
    out = pathlib.Path(a.corpus)
    if a.refresh or not (out / ".complete").exists():
        print("realprose: collecting /usr/share/doc and the man pages into %s" % out,
              file=sys.stderr)
        collect(out)
    files = sorted(str(p) for p in out.rglob("*.txt"))
    docs = sum(1 for f in files if "/doc/" in f[len(str(out)):])
    print("realprose: %d documents (%d from /usr/share/doc, %d man pages)"
          % (len(files), docs, len(files) - docs))
    r = subprocess.run([a.tool] + (["-v"] if a.v else []), input="\n".join(files) + "\n",
                       text=True)
    return r.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
