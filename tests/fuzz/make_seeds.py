#!/usr/bin/env python3
"""Write the fuzz targets' seed corpora (tests/fuzz/seeds/TARGET/) from the
test data already in the tree, plus a few hand-made inputs.

Run from anywhere; it rewrites the seed directories it owns.  Archive
seeds come in both of the forms fuzz.h describes: raw ("\\x00" + the file)
and as entries ("\\x01" + "@@NAME\\n" + content per entry), so the fuzzer
starts from valid documents either way."""

import glob
import hashlib
import os
import shutil
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(SRC, "tests", "data")
SEEDS = os.path.join(HERE, "seeds")


def put(target, data):
    d = os.path.join(SEEDS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read(*parts):
    with open(os.path.join(*parts), "rb") as f:
        return f.read()


def entries(path):
    out = b"\x01"
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            if not info.is_dir():
                out += b"@@" + info.filename.encode() + b"\n" + z.read(info)
    return out


def archive_seeds(target, names):
    for n in names:
        p = os.path.join(DATA, "attach", n)
        put(target, b"\x00" + read(p))
        if zipfile.is_zipfile(p):
            try:
                put(target, entries(p))
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error):
                pass   # encrypted or damaged: the raw form is the seed


def main():
    for t in os.listdir(SEEDS) if os.path.isdir(SEEDS) else []:
        shutil.rmtree(os.path.join(SEEDS, t))
    for p in sorted(glob.glob(os.path.join(DATA, "mail", "*.eml")) +
                    glob.glob(os.path.join(SRC, "tests", "integration", "mail", "*.eml"))):
        put("fuzz_mime", read(p))
    put("fuzz_mime", "From: a@b\r\nSubject: NHS 943 476 5919\r\nContent-Type: multipart/mixed;"
                     " boundary=X\r\n\r\n--X\r\nContent-Type: text/html\r\n\r\n<p>9434765919</p>"
                     "\r\n--X\r\nContent-Type: application/zip; name=a.zip\r\n"
                     "Content-Transfer-Encoding: base64\r\n\r\nUEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==\r\n"
                     "--X--\r\n")
    for h in ("<html><body><p>NHS&nbsp;no <b>943</b> 476 5919</p><!-- 943 476 5919 -->"
              "<div style=\"display:none\">hidden</div><script>x</script></body></html>",
              "<table><tr><td>DOB</td><td>05/11/2015</td></tr></table><img alt=\"943\">",
              "<p>&#57;&#x34;&#51;&amp;&lt;&unknown;&#150;<br/>text</p><style>p{}</style>"):
        put("fuzz_html", h)
    put("fuzz_text", b"utf-16le\n" + read(DATA, "attach", "utf16le-nobom.csv"))
    put("fuzz_text", b"\n" + read(DATA, "attach", "utf16le-bom.csv"))
    put("fuzz_text", b"windows-1252\nPupil\x92s NHS number 943 476 5919\r\n")
    put("fuzz_text", b"iso-2022-jp\n\x1b$B$3$s\x1b(B 943\n")
    archive_seeds("fuzz_docx", ["referral.docx"])
    archive_seeds("fuzz_xlsx", ["pupils.xlsx"])
    archive_seeds("fuzz_pptx", ["deck.pptx"])
    archive_seeds("fuzz_odf", ["notes.odt", "pupils.ods"])
    archive_seeds("fuzz_archive", ["case.zip", "nested.zip", "corrupt.zip", "encrypted.zip",
                                   "referral.docx"])
    put("fuzz_rtf", read(DATA, "attach", "letter.rtf"))
    put("fuzz_rtf", r"{\rtf1\ansi{\fonttbl{\f0 Arial;}}\u57?\'39 4\par{\*\x 943}\bin3 abc}")
    for p in sorted(glob.glob(os.path.join(DATA, "pdf", "*.pdf"))):
        put("fuzz_pdf", read(p))
    with open(os.path.join(DATA, "identifier-vectors.tsv"), encoding="utf-8") as f:
        rows = [ln.split("\t") for ln in f.read().splitlines()[1:] if "\t" in ln]
    for i in range(0, len(rows), 12):
        put("fuzz_detect", b"\x03\x1a" + "\n".join(r[1] for r in rows[i:i + 12]).encode())
    put("fuzz_detect", b"\x01\x1a" + "Name\tDOB\tCHI\nA B\t05/11/2015\t0511151234\n"
        "OFFICIAL-SENSITIVE child protection conference, aged 4\n".encode())
    put("fuzz_register", read(DATA, "register-sample.txt"))
    put("fuzz_register", read(SRC, "tests", "integration", "register-lab.txt"))
    put("fuzz_config", read(SRC, "contrib", "safeshare.conf.sample"))
    put("fuzz_config", "Socket unix:/run/s.sock\nRegister /r\nAuditLog /a\nAuditKey /k\n"
                       "OnInsecure quarantine # c\nMaxMimeDepth 20\nSocketMode 0660\n")
    rec = ('{"format":"safeshare-quarantine","version":1,"reference":"SS-AAAA-BBBB",'
           '"received":1764000000,"received_at":"2025-11-24T16:00:00Z",'
           '"sender":"a@stmarys.sch.uk","recipients":["b@gmail.com"],'
           '"summary":"an NHS number (high) in the message body","size":12,'
           '"sha256":"' + "0" * 64 + '","encrypted":false,"state":"released","history":['
           '{"state":"held","time":1764000000,"at":"x","by":"safeshare-milter","reason":"r"},'
           '{"state":"released","time":1764000100,"at":"x","by":"DSL \\u00e9","reason":"ok"}],'
           '"meta":{"envelope":{"from":"a@stmarys.sch.uk","to":["b@gmail.com","c\\u0040d"]},'
           '"audit":{"n":[1.5e3,true,null]}}}\n')
    put("fuzz_qrecord", rec)
    put("fuzz_qrecord", '{"envelope":{"from":"a\\"b","to":["x@y","\\u0041"]},"audit":{}}')
    put("fuzz_token", "X-Safeshare-Release: v1.SS-AAAA-BBBB.1800000000." + "a" * 64 + "." +
        "b" * 64 + "\r\nX-Safeshare-Release:  v1.x\r\nSubject: s\r\n\r\nbody\r\n\r\n")
    put("fuzz_token", "v1.SS-7KQ2-M9XD.1732352400." + "0" * 64 + "." + "f" * 64)


if __name__ == "__main__":
    main()
