#!/usr/bin/env python3
"""Write the PDF fixtures for tests/unit/test_fmt_pdf.c.

Deterministic and stdlib only: each PDF is assembled object by object with
a correct cross-reference table, so the fixtures exercise poppler's normal
path rather than its repair path (except damaged.pdf, which is meant to).
The only identifier used is 943 476 5919, a number from the NHS test range.

Run from anywhere:  python3 tests/data/pdf/make_pdfs.py
"""
import hashlib
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
NHS = "943 476 5919"
FILE_ID = bytes.fromhex("5afe5a4e5afe5a4e5afe5a4e5afe5a4e")

# Standard security handler, revision 2 (40-bit RC4): PDF 1.7 §7.6.3.3.
PAD = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")


def rc4(key, data):
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) & 0xFF
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for b in data:
        i = (i + 1) & 0xFF
        j = (j + s[i]) & 0xFF
        s[i], s[j] = s[j], s[i]
        out.append(b ^ s[(s[i] + s[j]) & 0xFF])
    return bytes(out)


def padded(pw):
    return (pw.encode("latin-1") + PAD)[:32]


class Rc4Security:
    """Owner entry (algorithm 3), file key (2), user entry (4), object keys (1)."""

    def __init__(self, user_pw, owner_pw, perms=-44):
        self.perms = perms
        self.o = rc4(hashlib.md5(padded(owner_pw)).digest()[:5], padded(user_pw))
        h = hashlib.md5(padded(user_pw) + self.o + struct.pack("<i", perms) + FILE_ID)
        self.key = h.digest()[:5]
        self.u = rc4(self.key, PAD)

    def encrypt(self, num, data):
        k = hashlib.md5(self.key + struct.pack("<I", num)[:3] + b"\0\0").digest()[:10]
        return rc4(k, data)

    def dictionary(self):
        return (b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P %d /O <%s> /U <%s> >>"
                % (self.perms, self.o.hex().encode(), self.u.hex().encode()))


def pdf_string(text):
    return b"(" + text.encode("latin-1").replace(b"\\", b"\\\\").replace(
        b"(", b"\\(").replace(b")", b"\\)") + b")"


def text_page(lines):
    """Content stream: each entry of lines is one line of Tj strings."""
    ops = [b"BT /F1 12 Tf 72 720 Td 14 TL"]
    for parts in lines:
        ops.append(b" ".join(pdf_string(p) + b" Tj" for p in parts) + b" T*")
    ops.append(b"ET")
    return b"\n".join(ops) + b"\n"


def image_page():
    """A 2x2 grey image painted over the page: what a scan looks like to us."""
    return (b"q 400 0 0 400 100 300 cm\n"
            b"BI /W 2 /H 2 /CS /G /BPC 8 ID \x00\xff\xff\x00 EI\nQ\n")


def build(contents, security=None):
    """A PDF whose pages have the given content streams."""
    objs = {}
    n_pages = len(contents)
    first_page = 4
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(n_pages))
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n_pages)
    objs[3] = (b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
               b"/Encoding /WinAnsiEncoding >>")
    for i, content in enumerate(contents):
        page, stream = first_page + 2 * i, first_page + 2 * i + 1
        objs[page] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                      b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % stream)
        data = security.encrypt(stream, content) if security else content
        objs[stream] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data)
    trailer_extra = b""
    if security:
        enc = max(objs) + 1
        objs[enc] = security.dictionary()
        trailer_extra = b" /Encrypt %d 0 R" % enc
    return assemble(objs, trailer_extra)


def assemble(objs, trailer_extra):
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objs):
        offsets[num] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (num, objs[num])
    xref = len(out)
    size = max(objs) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for num in range(1, size):
        out += b"%010d 00000 n \n" % offsets[num]
    ident = FILE_ID.hex().encode()
    out += (b"trailer\n<< /Size %d /Root 1 0 R /ID [<%s> <%s>]%s >>\n"
            b"startxref\n%d\n%%%%EOF\n" % (size, ident, ident, trailer_extra, xref))
    return bytes(out)


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def one_page_with(catalog_extra, page_extra, content, more):
    """A one-page PDF with extra catalog and page entries and extra objects 6..."""
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R %s>>" % catalog_extra,
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        3: FONT,
        4: (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R %s>>" % page_extra),
        5: b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    }
    objs.update(more)
    return assemble(objs, b"")


def form_pdf():
    """A filled-in text field with no appearance stream: the value is only
    in /V, never drawn, as many fillable referral forms leave it."""
    return one_page_with(
        b"/AcroForm << /Fields [6 0 R] /NeedAppearances true "
        b"/DA (/Helv 0 Tf 0 g) /DR << /Font << /Helv 3 0 R >> >> >> ",
        b"/Annots [6 0 R] ",
        text_page([["Child's details"]]),
        {6: (b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (nhs_number) /V (%s) "
             b"/Rect [72 680 300 700] /P 4 0 R /DA (/Helv 12 Tf 0 g) /F 4 >>"
             % NHS.encode())})


def comment_pdf():
    """A sticky note whose text lives only in the annotation's /Contents."""
    return one_page_with(
        b"", b"/Annots [6 0 R] ",
        text_page([["Please see my note"]]),
        {6: (b"<< /Type /Annot /Subtype /Text /Rect [300 700 320 720] "
             b"/Contents (NHS no. %s) /Open false >>" % NHS.encode())})


def embedded_pdf():
    """A PDF carrying a file inside it (PDF 1.7 §7.11.4)."""
    inner = ("NHS number " + NHS + "\n").encode()
    return one_page_with(
        b"/Names << /EmbeddedFiles << /Names [(notes.txt) 7 0 R] >> >> ",
        b"",
        text_page([["See the attached notes"]]),
        {6: b"<< /Type /EmbeddedFile /Length %d >>\nstream\n%s\nendstream" % (len(inner), inner),
         7: b"<< /Type /Filespec /F (notes.txt) /UF (notes.txt) /EF << /F 6 0 R >> >>"})


def fixtures():
    one = build([text_page([["Referral for a pupil"], ["NHS number " + NHS]])])
    return {
        "one_page.pdf": one,
        "two_pages.pdf": build([text_page([["Referral for a pupil"]]),
                                text_page([["NHS number " + NHS]])]),
        # One number in two show-text operators on the same line, the way
        # word processors write kerned or re-styled runs.
        "split_tj.pdf": build([text_page([["NHS number 943 4", "76 5919"]])]),
        "encrypted.pdf": build([text_page([["NHS number " + NHS]])],
                               Rc4Security("open-sesame", "owner-secret")),
        # Encrypted with an empty user password (print/copy restrictions
        # only): anyone can open it, so we must read it.
        "restricted.pdf": build([text_page([["NHS number " + NHS]])],
                                Rc4Security("", "owner-secret")),
        "form.pdf": form_pdf(),
        "embedded.pdf": embedded_pdf(),
        "comment.pdf": comment_pdf(),
        "image_only.pdf": build([image_page()]),
        "text_then_scan.pdf": build([text_page([["Covering letter"]]), image_page()]),
        "blank_middle.pdf": build([text_page([["Referral for a pupil"]]), b"",
                                   text_page([["NHS number " + NHS]])]),
        # The header and the first objects of a real file, then nothing.
        "truncated.pdf": one[:120],
        "damaged.pdf": b"%PDF-1.4\n" + bytes((i * 37 + 11) & 0xFF for i in range(600)),
    }


def main():
    for name, data in sorted(fixtures().items()):
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
