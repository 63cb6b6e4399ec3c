#!/usr/bin/env python3
"""The audit report's HTML page in a real browser (Debian's chromium,
headless): `safesharectl audit report --html` over a month of a school's
trail, opened from disk with networking off, screenshotted, and the
screenshot read back: the page renders at the size expected, and each
chart's bars are on it in their colours (shares, refused, held, what was
found, insecure destinations).

Set SS_REPORT_SCREENSHOT=path to keep the screenshot (doc/audit-report.png
is made this way).  Needs root, as chromium is run here with --no-sandbox."""

import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "audit"))
import reportkit  # noqa: E402

WIDTH, HEIGHT = 1024, 2600
COLOURS = {"shares": (0x1b, 0x7f, 0x5f), "refused": (0xb3, 0x26, 0x1e),
           "held and waits": (0xb3, 0x62, 0x00), "what was found": (0x2f, 0x5f, 0xa7),
           "insecure destinations": (0x6b, 0x3f, 0xa0)}


def chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def screenshot(page, png):
    profile = tempfile.mkdtemp(prefix="ss-chromium-")
    try:
        r = subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                            "--disable-background-networking", "--disable-component-update",
                            "--disable-sync", "--no-first-run", "--hide-scrollbars",
                            "--user-data-dir=" + profile, "--screenshot=" + png,
                            "--window-size=%d,%d" % (WIDTH, HEIGHT), "file://" + page],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        return r.returncode, r.stdout.decode(errors="replace")
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def read_png(path):
    """(width, height, rows of (r, g, b) tuples) of an 8-bit RGB/RGBA PNG."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and not interlace, "unexpected PNG format"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, rows, prev = zlib.decompress(idat), [], bytearray(w * bpp)
    stride = w * bpp + 1
    for y in range(h):
        ftype, line = raw[y * stride], bytearray(raw[y * stride + 1:(y + 1) * stride])
        for i in range(len(line)):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return w, h, rows


def main():
    if os.geteuid() != 0:
        print("1..0 # SKIP not root")
        return 0 if "AM_TAP_AWK" in os.environ else 77
    print("1..3", flush=True)
    t, records, first, last = reportkit.trail_of_a_month()
    work = tempfile.mkdtemp(prefix="ss-report-")
    failed = 0
    try:
        page, png = os.path.join(work, "report.html"), os.path.join(work, "report.png")
        code, out, err = t.ctl("audit", "report", "--from", first, "--to", last, "--html", page)
        ok = code == 0 and os.path.exists(page)
        print("%s 1 - audit report --html wrote the page" % ("ok" if ok else "not ok"))
        if not ok:
            print("# exit %d: %s" % (code, err.strip()))
        code, log = screenshot(page, png) if chromium() else (-1, "chromium is not installed")
        ok = code == 0 and os.path.exists(png)
        print("%s 2 - headless chromium opened it from disk and took a screenshot"
              % ("ok" if ok else "not ok"))
        if not ok:
            for ln in log.splitlines()[-10:]:
                print("# " + ln)
            return 1
        w, h, rows = read_png(png)
        counts = {name: 0 for name in COLOURS}
        for row in rows:
            for px in row:
                for name, colour in COLOURS.items():
                    if px == colour:
                        counts[name] += 1
        missing = [n for n, c in counts.items() if c < 400]
        ok = (w, h) == (WIDTH, HEIGHT) and not missing
        print("%s 3 - every chart's bars are on the rendered page" % ("ok" if ok else "not ok"))
        print("# %dx%d, pixels per colour: %s" % (w, h, counts))
        if os.environ.get("SS_REPORT_SCREENSHOT"):
            shutil.copyfile(png, os.environ["SS_REPORT_SCREENSHOT"])
        failed = 0 if ok else 1
    finally:
        t.close()
        shutil.rmtree(work, ignore_errors=True)
    return failed


if __name__ == "__main__":
    sys.exit(main())
