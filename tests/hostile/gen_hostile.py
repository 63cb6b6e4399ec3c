#!/usr/bin/env python3
"""gen_hostile.py: a deterministic generator of hostile mail for safeshare.

    gen_hostile.py [--out DIR] [--seed N] [--random N]

Writes DIR/*.eml (and, for the milter class, DIR/*.eml.milter: the bytes the
milter itself assembles from the header and body callbacks) and
DIR/manifest.tsv with the columns

    file  class  variant  where  needle  expected  scan_as

needle   nhs: the test NHS number 943 476 5919 (with safeguarding context
         somewhere a reader sees it, so that finding the number at any
         confidence makes the message child data and missing it lets the
         message through); dob: a child's date of birth (4 March 2015).
expected must-detect: the needle is plainly shown to a reader and the
         message is otherwise well formed enough that safeshare must find it;
         must-detect-or-unscannable: safeshare must find it or report a part
         it could not read (fail closed).
scan_as  file: safesharectl explain reads the .eml; milter: it reads the
         .eml.milter (what the milter builds), while a reader gets the .eml.

Every message goes from teacher@stmarys.sch.uk (secure) to parent@gmail.com
(not secure). Python 3.11 standard library only; the same seed gives the same
bytes (no clock, no os.urandom: zip entries carry a fixed date).
"""

import base64
import io
import quopri
import struct
import zipfile

NHS = "943 476 5919"          # a test-range NHS number (valid mod-11 check)
NHS_DIGITS = "9434765919"
DOB_ISO = "2015-03-04"        # a child's date of birth (age 10 on 2025-09-01)
SENDER = "teacher@stmarys.sch.uk"
RECIPIENT = "parent@gmail.com"
CONTEXT = "Child protection plan review - strategy meeting"   # SG score 4
NEUTRAL = "Notes from today"


# ---------------------------------------------------------------- MIME bits

def headers(subject=CONTEXT, extra=(), to="Parent <parent@gmail.com>",
            frm="Mrs Teacher <teacher@stmarys.sch.uk>", msgid="hostile@stmarys.sch.uk",
            mime=True, subject_raw=None):
    """A list of header lines (bytes, no line ending)."""
    h = [b"From: " + enc(frm), b"To: " + enc(to)]
    if subject_raw is not None:
        h.append(b"Subject: " + subject_raw)
    elif subject is not None:
        h.append(b"Subject: " + enc(subject))
    h.append(b"Date: Mon, 01 Sep 2025 09:00:00 +0100")
    h.append(b"Message-ID: <" + enc(msgid) + b">")
    if mime:
        h.append(b"MIME-Version: 1.0")
    h.extend(enc(x) for x in extra)
    return h


def enc(x):
    return x if isinstance(x, bytes) else x.encode("utf-8")


def join(hdr_lines, body, eol=b"\n"):
    """Header lines + blank line + body; body line endings are left alone
    except that LF is turned into eol."""
    body = enc(body)
    if eol != b"\n":
        body = body.replace(b"\r\n", b"\n").replace(b"\n", eol)
    return eol.join(enc(h) for h in hdr_lines) + eol + eol + body


def part(ctype, body, cte=None, extra=()):
    """One MIME body part (headers + blank line + body), LF endings."""
    h = [b"Content-Type: " + enc(ctype)]
    if cte:
        h.append(b"Content-Transfer-Encoding: " + enc(cte))
    h.extend(enc(x) for x in extra)
    return b"\n".join(h) + b"\n\n" + enc(body)


def multipart_body(parts, boundary, preamble=b"", epilogue=b"", close=True):
    b = enc(boundary)
    out = enc(preamble)
    if out and not out.endswith(b"\n"):
        out += b"\n"
    for p in parts:
        out += b"--" + b + b"\n" + enc(p)
        if not out.endswith(b"\n"):
            out += b"\n"
    if close:
        out += b"--" + b + b"--\n"
    out += enc(epilogue)
    return out


def b64(data, width=76):
    s = base64.b64encode(enc(data))
    if not width:
        return s + b"\n"
    return b"\n".join(s[i:i + width] for i in range(0, len(s), width)) + b"\n"


def qp(data):
    return quopri.encodestring(enc(data))


def body_line(num=NHS, who="Jamie Smith"):
    return "Pupil: %s, %s. Please bring the file to the meeting.\n" % (who, num)


# ---------------------------------------------------------------- TNEF

# MS-OXTNEF 2.1.3.1 attribute identifiers (type in the high word).
ATT_TNEF_VERSION = 0x00089006
ATT_OEM_CODEPAGE = 0x00069007
ATT_MESSAGE_CLASS = 0x00078008
ATT_SUBJECT = 0x00018004
ATT_BODY = 0x0002800C
ATT_MAPI_PROPS = 0x00069003
ATT_ATTACH_RENDDATA = 0x00069002
ATT_ATTACH_TITLE = 0x00018010
ATT_ATTACH_DATA = 0x0006800F
ATT_ATTACHMENT = 0x00069005
LVL_MESSAGE, LVL_ATTACHMENT = 1, 2
TNEF_SIGNATURE = 0x223E9F78

PT_LONG, PT_STRING8, PT_UNICODE, PT_BINARY = 0x0003, 0x001E, 0x001F, 0x0102
PR_BODY = 0x1000
PR_BODY_HTML = 0x1013
PR_SUBJECT = 0x0037
PR_ATTACH_LONG_FILENAME = 0x3707
PR_ATTACH_FILENAME = 0x3704
PR_ATTACH_METHOD = 0x3705
PR_ATTACH_DATA_BIN = 0x3701


def tnef_attr(level, attid, data):
    """level, id, length, data, checksum (sum of the data bytes mod 2^16)."""
    return (struct.pack("<BII", level, attid, len(data)) + data +
            struct.pack("<H", sum(data) & 0xFFFF))


def _pad4(b):
    return b + b"\0" * ((4 - len(b) % 4) % 4)


def mapi_props(props):
    """MS-OXTNEF 2.1.3.4 MsgPropertyList: count, then tag + value each.
    props: (ptype, pid, value) with value str/bytes/int."""
    out = struct.pack("<I", len(props))
    for ptype, pid, val in props:
        out += struct.pack("<HH", ptype, pid)
        if ptype == PT_LONG:
            out += struct.pack("<i", val)
        elif ptype in (PT_STRING8, PT_UNICODE, PT_BINARY):
            if ptype == PT_STRING8:
                v = enc(val) + b"\0"
            elif ptype == PT_UNICODE:
                v = val.encode("utf-16-le") + b"\0\0"
            else:
                v = enc(val)
            out += struct.pack("<II", 1, len(v)) + _pad4(v)
        else:
            raise ValueError("unsupported property type %#x" % ptype)
    return out


def tnef(subject=None, att_body=None, pr_body=None, pr_body_unicode=None,
         pr_body_html=None, attachments=(), key=0x4B1D):
    """A winmail.dat. attachments: (filename, data bytes)."""
    out = struct.pack("<IH", TNEF_SIGNATURE, key)
    out += tnef_attr(LVL_MESSAGE, ATT_TNEF_VERSION, struct.pack("<I", 0x00010000))
    out += tnef_attr(LVL_MESSAGE, ATT_OEM_CODEPAGE, struct.pack("<II", 1252, 0))
    out += tnef_attr(LVL_MESSAGE, ATT_MESSAGE_CLASS, b"IPM.Microsoft Mail.Note\0")
    if subject is not None:
        out += tnef_attr(LVL_MESSAGE, ATT_SUBJECT, enc(subject) + b"\0")
    if att_body is not None:
        out += tnef_attr(LVL_MESSAGE, ATT_BODY, enc(att_body) + b"\0")
    props = []
    if subject is not None:
        props.append((PT_STRING8, PR_SUBJECT, subject))
    if pr_body is not None:
        props.append((PT_STRING8, PR_BODY, pr_body))
    if pr_body_unicode is not None:
        props.append((PT_UNICODE, PR_BODY, pr_body_unicode))
    if pr_body_html is not None:
        props.append((PT_BINARY, PR_BODY_HTML, enc(pr_body_html)))
    if props:
        out += tnef_attr(LVL_MESSAGE, ATT_MAPI_PROPS, mapi_props(props))
    for name, data in attachments:
        rend = struct.pack("<HIHHI", 1, 0xFFFFFFFF, 0, 0, 0)   # atyp file
        out += tnef_attr(LVL_ATTACHMENT, ATT_ATTACH_RENDDATA, rend)
        out += tnef_attr(LVL_ATTACHMENT, ATT_ATTACH_TITLE, enc(name) + b"\0")
        out += tnef_attr(LVL_ATTACHMENT, ATT_ATTACH_DATA, enc(data))
        out += tnef_attr(LVL_ATTACHMENT, ATT_ATTACHMENT, mapi_props([
            (PT_LONG, PR_ATTACH_METHOD, 1),
            (PT_STRING8, PR_ATTACH_LONG_FILENAME, name),
        ]))
    return out


# ---------------------------------------------------------------- XLSX

_CT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
_WB = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Pupils" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""
_WB_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""


def _x(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def excel_serial(iso):
    """1900 date system serial (with Excel's 1900-02-29)."""
    import datetime
    d = datetime.date.fromisoformat(iso)
    return (d - datetime.date(1899, 12, 30)).days


def _col(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def xlsx(rows, formats):
    """rows: list of lists of cells; a cell is a str (shared string) or a
    tuple ('n', value_text, style_index). formats: list of (numFmtId,
    formatCode or None) for cellXfs 1..n (cellXfs 0 is General)."""
    strings, index = [], {}
    sheet = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for r, row in enumerate(rows, 1):
        sheet.append('<row r="%d">' % r)
        for c, cell in enumerate(row):
            ref = "%s%d" % (_col(c), r)
            if isinstance(cell, str):
                if cell not in index:
                    index[cell] = len(strings)
                    strings.append(cell)
                sheet.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, index[cell]))
            else:
                _, val, style = cell
                s = ' s="%d"' % style if style else ""
                sheet.append('<c r="%s"%s><v>%s</v></c>' % (ref, s, val))
        sheet.append("</row>")
    sheet.append("</sheetData></worksheet>")
    sst = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
           % (len(strings), len(strings))]
    sst += ["<si><t>%s</t></si>" % _x(s) for s in strings]
    sst.append("</sst>")
    custom = [(i, code) for i, code in formats if code is not None]
    st = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">']
    if custom:
        st.append('<numFmts count="%d">' % len(custom))
        st += ['<numFmt numFmtId="%d" formatCode="%s"/>' % (i, _x(code)) for i, code in custom]
        st.append("</numFmts>")
    st.append('<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
              '<fills count="2"><fill><patternFill patternType="none"/></fill>'
              '<fill><patternFill patternType="gray125"/></fill></fills>'
              '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
              '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>')
    st.append('<cellXfs count="%d"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
              % (len(formats) + 1))
    st += ['<xf numFmtId="%d" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' % i
           for i, _ in formats]
    st.append("</cellXfs></styleSheet>")
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("[Content_Types].xml", _CT), ("_rels/.rels", _RELS),
                           ("xl/workbook.xml", _WB), ("xl/_rels/workbook.xml.rels", _WB_RELS),
                           ("xl/worksheets/sheet1.xml", "".join(sheet)),
                           ("xl/styles.xml", "".join(st)),
                           ("xl/sharedStrings.xml", "".join(sst))):
            zi = zipfile.ZipInfo(name, date_time=(2025, 9, 1, 9, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, text.encode("utf-8"))
    return bio.getvalue()


# ---------------------------------------------------------------- the milter's view

def postfix_milter_view(raw):
    """What safeshare's milter assembles (milter/callbacks.c: "name: value
    CRLF" per header, CRLF at end of headers, then the body) from a message
    as Postfix hands it over. Assumptions about Postfix (documented in the
    README): lines end at LF (a bare CR is data inside a line); a header
    ends at the first line that is neither a header field nor a
    continuation (an empty line is consumed, any other line starts the
    body); a line of only whitespace directly after a header is a
    continuation of it; values reach the milter without the leading space
    and with folds kept as LF + whitespace; libmilter hands header names and
    values over as C strings, so each is cut at its first NUL; the body
    reaches the milter with CRLF line endings."""
    hdrs, body = postfix_split(raw)
    out = b""
    for name, value in hdrs:
        out += name.split(b"\0")[0] + b": " + value.split(b"\0")[0] + b"\r\n"
    return out + b"\r\n" + body


def postfix_split(raw):
    """(headers [(name, value)], body with CRLF line endings) as Postfix
    hands a message to a milter (see postfix_milter_view)."""
    import re
    lines = raw.split(b"\n")
    hdrs = []
    i = 0
    body_start = None
    name_re = re.compile(rb"^[!-9;-~]+[ \t]*:")
    while i < len(lines):
        ln = lines[i].rstrip(b"\r") if lines[i].endswith(b"\r") else lines[i]
        if ln == b"":
            body_start = i + 1
            break
        if ln[:1] in (b" ", b"\t") and hdrs:
            hdrs[-1][1] += b"\n" + ln
            i += 1
            continue
        m = name_re.match(ln)
        if not m:
            body_start = i
            break
        name = ln[:m.end() - 1].rstrip(b" \t")
        hdrs.append([name, ln[m.end():].lstrip(b" \t")])
        i += 1
    if body_start is None:
        body_start = len(lines)
    body_lines = lines[body_start:]
    body = b"\r\n".join(l[:-1] if l.endswith(b"\r") else l for l in body_lines)
    return [(n, v) for n, v in hdrs], body


# ---------------------------------------------------------------- the classes

import os
import random
import re


def slug(s):
    return re.sub(r"[^A-Za-z0-9]+", "_", s).strip("_")[:90]


class Out:
    def __init__(self, outdir, seed):
        self.outdir = outdir
        self.rng = random.Random(seed)
        self.rows = []

    def add(self, cls, variant, data, where, needle="nhs", expected="must-detect",
            milter=None):
        name = "%s-%04d-%s.eml" % (cls, len(self.rows) + 1, slug(variant))
        with open(os.path.join(self.outdir, name), "wb") as f:
            f.write(data)
        scan_as = "file"
        if milter is not None:
            with open(os.path.join(self.outdir, name + ".milter"), "wb") as f:
                f.write(milter)
            scan_as = "milter"
        self.rows.append((name, cls, variant, where, needle, expected, scan_as))

    def write_manifest(self):
        with open(os.path.join(self.outdir, "manifest.tsv"), "w", encoding="utf-8") as f:
            f.write("file\tclass\tvariant\twhere\tneedle\texpected\tscan_as\n")
            for r in self.rows:
                f.write("\t".join(r) + "\n")


def encode_body(text, cte, charset_codec="utf-8"):
    data = text.encode(charset_codec) if isinstance(text, str) else text
    if cte == "base64":
        return b64(data)
    if cte == "quoted-printable":
        return qp(data)
    return data


HTML_BODY = ("<html><body><p>Dear parent,</p><p>Pupil: Jamie Smith, %s.</p>"
             "<p>Regards</p></body></html>\n" % NHS)


def leaf_with_ctypes(ctypes, body_text, cte=None, ctes=None, extra=()):
    """A leaf part with each of ctypes as a Content-Type line (in order) and
    each of ctes (or cte) as a Content-Transfer-Encoding line."""
    h = [b"Content-Type: " + enc(c) for c in ctypes]
    ctes = ctes if ctes is not None else ([cte] if cte else [])
    h += [b"Content-Transfer-Encoding: " + enc(c) for c in ctes]
    h += [enc(x) for x in extra]
    return h, body_text


def place(where, leaf_hdrs, leaf_body, subject=CONTEXT, boundary="b1-outer"):
    """Put a leaf (header lines + encoded body) somewhere in a message."""
    leaf = b"\n".join(leaf_hdrs) + b"\n\n" + enc(leaf_body)
    neutral = part("text/plain; charset=utf-8", "See the details below.\n")
    if where == "top":
        return join(headers(subject) + leaf_hdrs, leaf_body)
    if where == "multipart-first":
        return join(headers(subject, ['Content-Type: multipart/mixed; boundary="%s"' % boundary]),
                    multipart_body([leaf, neutral], boundary))
    if where == "multipart-second":
        return join(headers(subject, ['Content-Type: multipart/mixed; boundary="%s"' % boundary]),
                    multipart_body([neutral, leaf], boundary))
    if where == "alternative":
        return join(headers(subject, ['Content-Type: multipart/alternative; boundary="%s"' % boundary]),
                    multipart_body([neutral, leaf], boundary))
    if where == "nested-rfc822":
        inner = join(headers(subject, msgid="inner@stmarys.sch.uk") + leaf_hdrs, leaf_body)
        fwd = part("message/rfc822", inner)
        return join(headers("Fwd: " + subject, ['Content-Type: multipart/mixed; boundary="%s"' % boundary]),
                    multipart_body([neutral, fwd], boundary))
    raise ValueError(where)


PLACES = ["top", "multipart-first", "multipart-second", "alternative", "nested-rfc822"]


def cls_control(o):
    """Plainly readable messages: the harness must see safeshare find these."""
    t = body_line()
    for cte in (None, "base64", "quoted-printable"):
        for where in PLACES:
            h, b = leaf_with_ctypes(["text/plain; charset=utf-8"], encode_body(t, cte), cte)
            o.add("control", "plain-%s-%s" % (cte or "7bit", where), place(where, h, b), where)
    h, b = leaf_with_ctypes(["text/html; charset=utf-8"], HTML_BODY)
    o.add("control", "html", place("top", h, b), "html body")
    att = part('text/plain; charset=utf-8; name="notes.txt"', b64(t), "base64",
               ['Content-Disposition: attachment; filename="notes.txt"'])
    o.add("control", "attachment-txt",
          join(headers(CONTEXT, ['Content-Type: multipart/mixed; boundary="b1"']),
               multipart_body([part("text/plain", "See attached.\n"), att], "b1")),
          "attachment notes.txt")
    o.add("control", "dob-numeric", join(headers(CONTEXT, ["Content-Type: text/plain"]),
                                         "Jamie Smith, DOB 04/03/2015.\n"), "body", "dob")
    data = xlsx([["Name", "Date of birth"], ["Jamie Smith", "04/03/2015"]], [])
    o.add("control", "xlsx-dob-as-text", attach_msg("pupils.xlsx",
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data),
          "xlsx shared string", "dob")


def attach_msg(fname, ctype, data, text="Please see the attached file.\n", subject=CONTEXT,
               cte="base64"):
    att = part('%s; name="%s"' % (ctype, fname), b64(data) if cte == "base64" else data, cte,
               ['Content-Disposition: attachment; filename="%s"' % fname])
    return join(headers(subject, ['Content-Type: multipart/mixed; boundary="b1-att"']),
                multipart_body([part("text/plain; charset=utf-8", text), att], "b1-att"))


# ---- 1. duplicated Content-Type / Content-Transfer-Encoding

def cls_dup_ct(o):
    rng = o.rng
    seconds = ["application/octet-stream", "image/png", "application/pdf",
               'text/plain; charset="utf-32"', 'multipart/mixed; boundary="zz-not-here"',
               "message/rfc822", "application/ms-tnef", "application/zip", "audio/mpeg",
               "text/plain; charset=x-unknown-8"]
    firsts = ['text/plain; charset="utf-8"', "text/plain", 'text/html; charset="utf-8"']
    for second in seconds:
        for where in PLACES:
            first = rng.choice(firsts)
            cte = rng.choice([None, "base64", "quoted-printable"])
            body = HTML_BODY if "html" in first else body_line()
            h, b = leaf_with_ctypes([first, second], encode_body(body, cte), cte)
            o.add("dup-content-type", "%s-then-%s-%s-%s" % (first.split(";")[0], second.replace('"', ""),
                                                          cte or "7bit", where),
                  place(where, h, b), "%s (first Content-Type: %s)" % (where, first))
    # header name spellings and a blank-value second field
    for second_line in ["content-type: application/octet-stream", "CONTENT-TYPE: image/gif",
                        "Content-Type:", "Content-Type: ;", "Content-Type: application/x-foo; name=x.bin"]:
        hd = [b"Content-Type: text/plain; charset=utf-8", enc(second_line)]
        o.add("dup-content-type", "second-%s" % second_line, place("top", hd, body_line()),
              "top (first Content-Type: text/plain)")


def cls_dup_cte(o):
    pairs = [("7bit", "base64"), ("8bit", "base64"), ("quoted-printable", "base64"),
             ("binary", "base64"), ("7bit", "x-uuencode"), ("base64", "7bit"),
             ("base64", "8bit"), ("base64", "quoted-printable"), ("quoted-printable", "7bit"),
             ("7bit", "quoted-printable"), ("base64", "x-unknown")]
    for first, second in pairs:
        for where in PLACES:
            body = body_line() if where != "alternative" else HTML_BODY
            ct = "text/html; charset=utf-8" if where == "alternative" else "text/plain; charset=utf-8"
            if first == "quoted-printable":
                body = body.replace("Smith, ", "Smith,=20") if False else body
            h, b = leaf_with_ctypes([ct], encode_body(body, first), ctes=[first, second])
            o.add("dup-cte", "%s-then-%s-%s" % (first, second, where), place(where, h, b),
                  "%s (first Content-Transfer-Encoding: %s)" % (where, first))
    # the two fields apart, with another header between them
    h = [b"Content-Transfer-Encoding: 7bit", b"Content-Type: text/plain; charset=utf-8",
         b"Content-Transfer-Encoding: base64"]
    o.add("dup-cte", "7bit-then-base64-apart", place("top", h, body_line()), "top")


# ---- 2. broken boundaries

def cls_boundary(o):
    t = body_line()
    text_part = part("text/plain; charset=utf-8", t)
    qp_part = part("text/plain; charset=utf-8", qp(t), "quoted-printable")
    b64_part = part('text/plain; charset=utf-8; name="notes.txt"', b64(t), "base64",
                    ['Content-Disposition: attachment; filename="notes.txt"'])
    neutral = part("text/plain; charset=utf-8", "See you on Tuesday.\n")
    variants = []   # (name, content-type value, body maker(numpart) -> bytes)
    mb = multipart_body
    variants.append(("missing-param", "multipart/mixed", lambda p: mb([neutral, p], "b1")))
    variants.append(("missing-param-no-delims", "multipart/mixed", lambda p: p))
    variants.append(("empty", 'multipart/mixed; boundary=""', lambda p: mb([neutral, p], "")))
    variants.append(("empty-body-uses-b1", 'multipart/mixed; boundary=""', lambda p: mb([neutral, p], "b1")))
    variants.append(("twice-first-used", 'multipart/mixed; boundary="b1"; boundary="b2"',
                     lambda p: mb([neutral, p], "b1")))
    variants.append(("twice-second-used", 'multipart/mixed; boundary="b1"; boundary="b2"',
                     lambda p: mb([neutral, p], "b2")))
    variants.append(("mismatch", 'multipart/mixed; boundary="b1"', lambda p: mb([neutral, p], "b1x")))
    variants.append(("mismatch-prefix", 'multipart/mixed; boundary="b1-long"', lambda p: mb([neutral, p], "b1")))
    variants.append(("case", 'multipart/mixed; boundary="ABCdef"', lambda p: mb([neutral, p], "abcDEF")))
    variants.append(("trailing-space-param", 'multipart/mixed; boundary="b1 "', lambda p: mb([neutral, p], "b1")))
    variants.append(("unquoted-tspecial", "multipart/mixed; boundary=b1=x?y", lambda p: mb([neutral, p], "b1=x?y")))
    variants.append(("rfc2231-continuation", 'multipart/mixed; boundary*0="b1"; boundary*1="x"',
                     lambda p: mb([neutral, p], "b1x")))
    variants.append(("no-close", 'multipart/mixed; boundary="b1"', lambda p: mb([neutral, p], "b1", close=False)))
    variants.append(("garbage-after-delim", 'multipart/mixed; boundary="b1"',
                     lambda p: mb([neutral, p], "b1").replace(b"--b1\n", b"--b1 garbage\n")))
    variants.append(("close-only", 'multipart/mixed; boundary="b1"',
                     lambda p: p + b"\n--b1--\n"))
    variants.append(("leading-space-delim", 'multipart/mixed; boundary="b1"',
                     lambda p: mb([neutral, p], "b1").replace(b"--b1", b" --b1")))
    variants.append(("too-long", 'multipart/mixed; boundary="%s"' % ("x" * 200),
                     lambda p: mb([neutral, p], "x" * 200)))
    variants.append(("non-ascii", 'multipart/mixed; boundary="b\xc3\xa91"'.encode("latin-1").decode("utf-8"),
                     lambda p: mb([neutral, p], "b\u00e91")))
    variants.append(("same-as-parent", 'multipart/mixed; boundary="b1"',
                     lambda p: mb([neutral, b'Content-Type: multipart/alternative; boundary="b1"\n\n' + mb([p], "b1")], "b1")))
    variants.append(("alternative-missing", "multipart/alternative", lambda p: mb([neutral, p], "b1")))
    variants.append(("related-mismatch", 'multipart/related; boundary="r1"', lambda p: mb([p, neutral], "r2")))
    variants.append(("semicolon-in-quoted", 'multipart/mixed; boundary="b1;x"', lambda p: mb([neutral, p], "b1;x")))
    for name, ctv, maker in variants:
        for pname, p in (("plain", text_part), ("qp", qp_part), ("b64-att", b64_part)):
            body = maker(p)
            for where in ("top", "nested-rfc822", "inside-valid-multipart"):
                if where == "top":
                    msg = join(headers(CONTEXT, ["Content-Type: " + ctv]), body)
                elif where == "nested-rfc822":
                    inner = join(headers(CONTEXT, ["Content-Type: " + ctv], msgid="inner@x"), body)
                    msg = join(headers("Fwd: " + CONTEXT, ['Content-Type: multipart/mixed; boundary="o1"']),
                               mb([part("text/plain", "Forwarded.\n"), part("message/rfc822", inner)], "o1"))
                else:
                    inner_part = b"Content-Type: " + enc(ctv) + b"\n\n" + body
                    msg = join(headers(CONTEXT, ['Content-Type: multipart/mixed; boundary="o1"']),
                               mb([part("text/plain", "Details in the next part.\n"), inner_part], "o1"))
                o.add("boundary", "%s-%s-%s" % (name, pname, where), msg,
                      "%s, number in %s part" % (where, pname), expected="must-detect-or-unscannable")


# ---- 3. charsets

CHARSETS = [  # (declared charset, python codec used to write the bytes, cte)
    ("utf-32", "utf-32", "base64"), ("utf-32", "utf-32-le", "base64"),
    ("utf-32", "utf-32-be", "base64"), ("UTF-32LE", "utf-32-le", "base64"),
    ("utf-32be", "utf-32-be", "base64"), ("ucs-4", "utf-32-be", "base64"),
    ("utf-32", "utf-32", "8bit"), ("utf-16", "utf-16", "base64"),
    ("utf-16", "utf-16-le", "base64"), ("utf-16le", "utf-16-le", "base64"),
    ("utf-16be", "utf-16-be", "base64"), ("ucs-2", "utf-16-le", "base64"),
    ("utf-7", "utf-7", None), ("unicode-1-1-utf-7", "utf-7", None),
    ("ibm500", "cp500", "base64"), ("ebcdic-cp-us", "cp037", "base64"),
    ("cp1140", "cp1140", "base64"), ("x-unknown", "ascii", None), ("foo-bar-8", "ascii", None),
    ("", "ascii", None), ('utf-8"', "utf-8", None), ("utf8mb4", "utf-8", None),
    ("x-user-defined", "latin-1", None), ("iso-2022-jp", "iso2022_jp", None),
    ("gb18030", "gb18030", "base64"), ("shift_jis", "shift_jis", "base64"),
    ("big5", "big5", "base64"), ("koi8-r", "koi8_r", "quoted-printable"),
    ("hz-gb-2312", "hz", None), ("windows-1258", "cp1258", "quoted-printable"),
    ("utf-16", "utf-16-be", "base64"), ("unicode", "utf-16-le", "base64"),
    ("cesu-8", "utf-8", None), ("x-mac-roman", "mac_roman", "quoted-printable"),
]


def cls_charset(o):
    t = body_line() + "\u00a3 5 for the trip.\n"
    for cs, codec, cte in CHARSETS:
        data = t.encode(codec, "replace")
        for where in ("top", "multipart-second", "attachment", "html"):
            if where == "html":
                data_h = HTML_BODY.encode(codec, "replace")
                h, b = leaf_with_ctypes(['text/html; charset="%s"' % cs], encode_body(data_h, cte), cte)
                msg = place("top", h, b)
            elif where == "attachment":
                h = [enc('Content-Type: text/plain; charset="%s"; name="notes.txt"' % cs),
                     b"Content-Disposition: attachment; filename=notes.txt",
                     b"Content-Transfer-Encoding: base64"]
                msg = place("multipart-second", h, b64(data))
            else:
                h, b = leaf_with_ctypes(['text/plain; charset="%s"' % cs], encode_body(data, cte), cte)
                msg = place(where, h, b)
            o.add("charset", "%s-as-%s-%s-%s" % (cs or "empty", codec, cte or "raw", where), msg,
                  "%s, charset=%s" % (where, cs), expected="must-detect-or-unscannable")


# ---- 4. broken base64 / quoted-printable

def b64_chunks(data, cuts, sep=b"\n"):
    out, prev = [], 0
    for c in list(cuts) + [len(data)]:
        out.append(base64.b64encode(data[prev:c]))
        prev = c
    return sep.join(out) + b"\n"


def cls_base64(o):
    t = body_line().encode()
    i = t.index(NHS.encode())
    for cuts, sep, nm in (([i + 1], b"\n", "pad-in-number"), ([i + 4], b"\n", "pad-in-number-2"),
                          ([i + 5, i + 9], b"\n", "pad-twice"), ([i - 2], b"\n", "pad-before-number"),
                          ([i + 1], b"", "pad-same-line"), ([i + 7], b"", "pad-same-line-2"),
                          ([1, 2, 4, i + 2], b"\n", "pad-many"), ([i + 1], b"\r\n", "pad-crlf")):
        body = b64_chunks(t, cuts, sep)
        for where in ("top", "multipart-second", "attachment", "nested-rfc822"):
            if where == "attachment":
                h = [b'Content-Type: text/plain; charset=utf-8; name="notes.txt"',
                     b"Content-Disposition: attachment; filename=notes.txt",
                     b"Content-Transfer-Encoding: base64"]
                msg = place("multipart-second", h, body)
            else:
                h = [b"Content-Type: text/plain; charset=utf-8", b"Content-Transfer-Encoding: base64"]
                msg = place(where, h, body)
            o.add("base64", "%s-%s" % (nm, where), msg, where + ", base64 with = inside")
    # truncated attachment, no closing boundary
    long_t = (b"Notes\n" * 40) + t + (b"More notes follow.\n" * 60)
    enc_all = b64(long_t)
    pos = enc_all.index(base64.b64encode(long_t[:((len(b"Notes\n" * 40) + i + 12) // 3 + 1) * 3])[-8:]) + 8
    for cut_extra in (-3, -2, -1, 0, 1, 2, 3, 17, 40, 77, 200):
        body = enc_all[:pos + cut_extra]
        for fname, ct in (("notes.txt", "text/plain; charset=utf-8"),
                          ("notes.dat", "application/octet-stream")):
            att = b"Content-Type: %s; name=\"%s\"\nContent-Disposition: attachment; filename=\"%s\"\n" \
                  b"Content-Transfer-Encoding: base64\n\n" % (ct.encode(), fname.encode(), fname.encode()) + body
            msg = join(headers(CONTEXT, ['Content-Type: multipart/mixed; boundary="b1"']),
                       b"--b1\nContent-Type: text/plain\n\nSee attached.\n--b1\n" + att)
            o.add("base64", "truncated-attachment-%s-%+d" % (fname, cut_extra), msg,
                  "attachment %s, cut off, no closing boundary" % fname,
                  expected="must-detect" if ct.startswith("text") else "must-detect-or-unscannable")
    # other damage
    good = b64(t)
    damages = [
        ("junk-chars", good[:20] + b"!*%" + good[20:]),
        ("space-in-line", good[:12] + b" " + good[12:]),
        ("no-final-padding", good.rstrip(b"\n=") + b"\n"),
        ("one-long-line", base64.b64encode(t * 30) + b"\n"),
        ("trailing-text", good + b"\n-- \nSent from my phone 943\n"),
        ("urlsafe", base64.urlsafe_b64encode(b"?>?>" + t) + b"\n"),
        ("short-lines", b"\n".join(good.replace(b"\n", b"")[k:k + 3] for k in range(0, len(good), 3)) + b"\n"),
        ("leading-blank-lines", b"\n\n\n" + good),
        ("tab-indented", b"\t" + good.replace(b"\n", b"\n\t")),
    ]
    for nm, body in damages:
        for where in ("top", "attachment"):
            if where == "attachment":
                h = [b'Content-Type: text/plain; charset=utf-8; name="notes.txt"',
                     b"Content-Disposition: attachment; filename=notes.txt",
                     b"Content-Transfer-Encoding: base64"]
                msg = place("multipart-second", h, body)
            else:
                h = [b"Content-Type: text/plain; charset=utf-8", b"Content-Transfer-Encoding: base64"]
                msg = place(where, h, body)
            o.add("base64", "%s-%s" % (nm, where), msg, where + ", damaged base64",
                  expected="must-detect-or-unscannable")
    # quoted-printable damage
    qps = [
        ("soft-break-in-number", b"Pupil: Jamie Smith, 943 47=\n6 5919.\n"),
        ("soft-break-trailing-ws", b"Pupil: Jamie Smith, 943 47=  \n6 5919.\n"),
        ("soft-break-crlf", b"Pupil: Jamie Smith, 943 47=\r\n6 5919.\r\n"),
        ("soft-break-bare-cr", b"Pupil: Jamie Smith, 943 47=\r6 5919.\n"),
        ("lowercase-hex", b"Pupil: Jamie Smith, 943=c2=a0476=c2=a05919.\n"),
        ("invalid-escape-before", b"Pupil =ZZ Jamie Smith, 943 476 5919.\n"),
        ("encoded-digits", b"Pupil: Jamie Smith, =39=34=33 =34=37=36 =35=39=31=39.\n"),
        ("encoded-digits-lower-space", b"Pupil: Jamie Smith, 943=204=376=205919.\n"),
        ("dangling-equals-end", b"Pupil: Jamie Smith, 943 476 5919.=\n"),
        ("long-line", b"x" * 2000 + b" Pupil: Jamie Smith, 943 476 5919.\n"),
        ("equals-nul", b"Pupil: Jamie Smith, 943=00476 5919.\n"),
    ]
    for nm, body in qps:
        for where in ("top", "html"):
            if where == "html":
                body = b"<p>" + body.rstrip(b"\n") + b"</p>\n"
                h = [b"Content-Type: text/html; charset=utf-8", b"Content-Transfer-Encoding: quoted-printable"]
            else:
                h = [b"Content-Type: text/plain; charset=utf-8", b"Content-Transfer-Encoding: quoted-printable"]
            o.add("quoted-printable", "%s-%s" % (nm, where), place("top", h, body),
                  where + ", damaged quoted-printable", expected="must-detect-or-unscannable")


# ---- 5. HTML

HTML_VARIANTS = [
    ("img-alt", '<p>Photo:</p><img src="cid:x" alt="Jamie Smith %s">' % NHS),
    ("img-alt-only-number", '<img src="https://example.invalid/a.png" alt="%s">' % NHS),
    ("img-title", '<img src="cid:x" title="Jamie Smith %s">' % NHS),
    ("input-value", '<form><input type="text" value="%s" readonly></form>' % NHS),
    ("textarea", "<textarea>Jamie Smith %s</textarea>" % NHS),
    ("table-2", "<table><tr><td>Jamie Smith</td><td>943</td><td>476 5919</td></tr></table>"),
    ("table-3", "<table><tr><td>943</td><td>476</td><td>5919</td></tr></table>"),
    ("table-th", "<table><tr><th>943</th><th>476 5919</th></tr></table>"),
    ("table-nested", "<table><tr><td><table><tr><td>943 476</td></tr></table></td><td>5919</td></tr></table>"),
    ("table-nbsp", "<table><tr><td>943&nbsp;</td><td>476&nbsp;5919</td></tr></table>"),
    ("table-newlines", "<table>\n<tr>\n<td>943</td>\n<td>476</td>\n<td>5919</td>\n</tr>\n</table>"),
    ("div-table-cell", '<div style="display:table-row"><div style="display:table-cell">943 476</div>'
                       '<div style="display:table-cell">5919</div></div>'),
    ("option", "<select><option>Jamie Smith %s</option></select>" % NHS),
    ("abbr-title", '<abbr title="%s">NHS no.</abbr>' % NHS),
    ("a-title", '<a href="https://example.invalid/" title="%s">record</a>' % NHS),
    ("aria-label", '<span aria-label="%s">record</span>' % NHS),
    ("wbr", "<p>Jamie Smith 943<wbr>476<wbr>5919</p>"),
    ("comment-split", "<p>Jamie Smith 943<!-- x -->476 5919</p>"),
    ("placeholder", '<input placeholder="%s">' % NHS),
    ("entity-digits", "<p>Jamie Smith &#57;&#52;&#51; &#x34;&#x37;&#x36; &#53;&#57;&#49;&#57;</p>"),
    ("span-cells", '<span style="display:inline-block">943</span><span style="display:inline-block">476 5919</span>'),
    ("td-no-close", "<table><tr><td>943<td>476 5919</table>"),
    ("img-alt-unquoted", "<img src=x alt=%s>" % NHS.replace(" ", "&#32;")),
    ("object-fallback", '<object data="x.swf">Jamie Smith %s</object>' % NHS),
    ("noscript", "<noscript>Jamie Smith %s</noscript>" % NHS),
]


def cls_html(o):
    for nm, frag in HTML_VARIANTS:
        html = "<html><body><p>Dear parent,</p>%s<p>Regards</p></body></html>\n" % frag
        for where, cte in (("top", None), ("alternative", "quoted-printable"), ("multipart-second", "base64")):
            h, b = leaf_with_ctypes(["text/html; charset=utf-8"], encode_body(html, cte), cte)
            o.add("html", "%s-%s" % (nm, where), place(where, h, b), "%s, HTML %s" % (where, nm))


# ---- 6. digits in other scripts, NULs and invisible characters

def digits_in(zero):
    return "".join(chr(zero + int(c)) if c.isdigit() else c for c in NHS)


def cls_digits(o):
    forms = [("arabic-indic", digits_in(0x660)), ("ext-arabic-indic", digits_in(0x6F0)),
             ("devanagari", digits_in(0x966)), ("bengali", digits_in(0x9E6)),
             ("thai", digits_in(0xE50)), ("fullwidth", digits_in(0xFF10)),
             ("math-bold", digits_in(0x1D7CE)), ("math-double-struck", digits_in(0x1D7D8)),
             ("mixed-ascii-arabic", "943 " + digits_in(0x660)[4:]),
             ("nul-inside", "943\x00476 5919"), ("nul-in-group", "94\x003 476 5919"),
             ("soh-inside", "943\x01476 5919"), ("esc-inside", "943 476\x1b5919"),
             ("vt-inside", "943\x0b476 5919"), ("zwsp", "943\u200b476\u200b5919"),
             ("soft-hyphen", "943\u00ad476\u00ad5919"), ("word-joiner", "943\u2060476\u20605919"),
             ("bom", "943\ufeff476 5919"), ("lrm", "\u200e943 \u200e476 \u200e5919"),
             ("zwnj", "943\u200c476 5919"), ("nbsp-thin", "943\u2009476\u202f5919"),
             ("ideographic-space", "943\u3000476\u30005919")]
    for nm, num in forms:
        text = body_line(num)
        for where in ("plain-8bit", "plain-base64", "plain-qp", "html", "subject", "attachment"):
            if where == "subject":
                subj = b"=?utf-8?b?" + base64.b64encode((CONTEXT + " " + num).encode()) + b"?="
                msg = join(headers(subject_raw=subj, extra=["Content-Type: text/plain"]),
                           "See the subject.\n")
            elif where == "html":
                h, b = leaf_with_ctypes(["text/html; charset=utf-8"],
                                        ("<p>Pupil: Jamie Smith, %s.</p>\n" % num).encode(), "8bit")
                msg = place("top", h, b)
            elif where == "attachment":
                h = [b'Content-Type: text/plain; charset=utf-8; name="notes.txt"',
                     b"Content-Disposition: attachment; filename=notes.txt",
                     b"Content-Transfer-Encoding: base64"]
                msg = place("multipart-second", h, b64(text.encode()))
            else:
                cte = {"plain-8bit": "8bit", "plain-base64": "base64", "plain-qp": "quoted-printable"}[where]
                h, b = leaf_with_ctypes(["text/plain; charset=utf-8"], encode_body(text, cte), cte)
                msg = place("top", h, b)
            o.add("digits", "%s-%s" % (nm, where), msg, "%s, number written %s" % (where, nm))


# ---- 7. headers other than Subject

def cls_headers(o):
    sg = "Child protection plan %s" % NHS
    ew_b = "=?utf-8?b?%s?=" % base64.b64encode(sg.encode()).decode()
    ew_q = "=?utf-8?q?%s?=" % sg.replace(" ", "_")
    cases = [
        ("to-display-name", dict(to='"%s" <parent@gmail.com>' % sg)),
        ("to-display-name-b", dict(to="%s <parent@gmail.com>" % ew_b)),
        ("to-display-name-q", dict(to="%s <parent@gmail.com>" % ew_q)),
        ("to-comment", dict(to="parent@gmail.com (%s)" % sg)),
        ("to-group-name", dict(to="%s: parent@gmail.com;" % sg.replace(" ", "-"))),
        ("from-display-name", dict(frm='"%s" <teacher@stmarys.sch.uk>' % sg)),
        ("cc", dict(extra=['Cc: "%s" <office@gmail.com>' % sg])),
        ("reply-to", dict(extra=['Reply-To: "%s" <office@gmail.com>' % sg])),
        ("sender", dict(extra=['Sender: "%s" <teacher@stmarys.sch.uk>' % sg])),
        ("x-header", dict(extra=["X-Pupil-Reference: %s" % sg])),
        ("comments", dict(extra=["Comments: %s" % sg])),
        ("keywords", dict(extra=["Keywords: %s" % sg])),
        ("organization", dict(extra=["Organization: %s" % sg])),
        ("thread-topic", dict(extra=["Thread-Topic: %s" % sg])),
        ("content-description", dict(extra=["Content-Type: text/plain", "Content-Description: %s" % sg])),
        ("resent-to", dict(extra=['Resent-To: "%s" <parent@gmail.com>' % sg])),
        ("disposition-notification-to", dict(extra=['Disposition-Notification-To: "%s" <x@gmail.com>' % sg])),
        ("second-subject", dict(extra=["Subject: %s" % sg])),
        ("to-folded-in-number", dict(to='"Child protection plan 943 476\n 5919" <parent@gmail.com>')),
        ("x-header-b", dict(extra=["X-Note: %s" % ew_b])),
    ]
    for nm, kw in cases:
        kw = dict(kw)
        extra = kw.pop("extra", [])
        if not any(e.lower().startswith("content-type") for e in extra):
            extra = extra + ["Content-Type: text/plain; charset=utf-8"]
        subj = None if nm == "second-subject" else NEUTRAL
        h = headers(subject=subj if subj else NEUTRAL, extra=extra, **kw)
        o.add("headers", nm, join(h, "Please see the details above.\n"), "header: " + nm)
        # the same inside a forwarded message
        inner = join(headers(subject=NEUTRAL, extra=extra, msgid="inner@x", **kw),
                     "Please see the details above.\n")
        msg = join(headers("Fwd: " + NEUTRAL, ['Content-Type: multipart/mixed; boundary="o1"']),
                   multipart_body([part("text/plain", "Forwarded.\n"), part("message/rfc822", inner)], "o1"))
        o.add("headers", nm + "-in-forwarded", msg, "forwarded message header: " + nm)
    # the same header twice: readers show the first, safeshare reads one
    for nm, first, second in (("subject-first-of-two", "Subject: %s" % sg, "Subject: " + NEUTRAL),
                              ("to-first-of-two", 'To: "%s" <parent@gmail.com>' % sg, "To: parent@gmail.com")):
        h = [b"From: teacher@stmarys.sch.uk", enc(first), enc(second), b"Date: Mon, 01 Sep 2025 09:00:00 +0100",
             b"MIME-Version: 1.0", b"Content-Type: text/plain; charset=utf-8"]
        if not nm.startswith("to"):
            h.insert(1, b"To: parent@gmail.com")
        else:
            h.insert(3, b"Subject: " + NEUTRAL.encode())
        o.add("headers", nm, join(h, "Please see the details above.\n"), "header: " + nm)
    # a part's own header (not a file name)
    p = part("text/plain; charset=utf-8", "Details.\n", extra=["Content-Description: %s" % sg])
    msg = join(headers(NEUTRAL, ['Content-Type: multipart/mixed; boundary="o1"']),
               multipart_body([part("text/plain", "Hello.\n"), p], "o1"))
    o.add("headers", "part-content-description", msg, "part header Content-Description")


# ---- 8. the milter's view of the message

def cls_milter(o):
    ctx_line = "Pupil Jamie Smith %s, child protection plan\n" % NHS
    base_h = headers(NEUTRAL, ["Content-Type: text/plain; charset=utf-8"])
    cases = []
    cases.append(("no-blank-line", b"\n".join(base_h) + b"\n" + ctx_line.encode()))
    cases.append(("no-blank-line-crlf", b"\r\n".join(base_h) + b"\r\n" + ctx_line.encode().replace(b"\n", b"\r\n")))
    cases.append(("no-blank-line-colon", b"\n".join(base_h) + b"\nNote: " + ctx_line.encode()))
    for ws in (b" ", b"\t", b"  \t "):
        wsn = {b" ": "sp", b"\t": "tab"}.get(ws, "mixed")
        cases.append(("ws-line-%s" % wsn, b"\n".join(base_h) + b"\n" + ws + b"\n" + ctx_line.encode()))
        cases.append(("ws-line-crlf-%s" % wsn, b"\r\n".join(base_h) + b"\r\n" + ws + b"\r\n" +
                      ctx_line.encode().replace(b"\n", b"\r\n")))
    plain = join(base_h, ctx_line)
    cases.append(("bare-cr-all", plain.replace(b"\n", b"\r")))
    cases.append(("bare-cr-body", b"\n".join(base_h) + b"\n\n" + (ctx_line * 3).encode().replace(b"\n", b"\r")))
    cases.append(("bare-cr-headers", b"\r".join(base_h) + b"\r\r\n" + ctx_line.encode()))
    mp = join(headers(CONTEXT, ['Content-Type: multipart/mixed; boundary="b1"']),
              multipart_body([part("text/plain", "Hello.\n"), part("text/plain", body_line())], "b1"))
    cases.append(("bare-cr-multipart", mp.replace(b"\n", b"\r")))
    cases.append(("mixed-eol-multipart", b"".join(l + (b"\r" if k % 2 else b"\r\n")
                                                  for k, l in enumerate(mp.split(b"\n")))))
    for nm, subj in (("nul-qp-word", b"=?utf-8?q?Child_protection_plan_943=00476_5919?="),
                     ("nul-b-word", b"=?utf-8?b?" + base64.b64encode(b"Child protection plan \x00943 476 5919") + b"?="),
                     ("nul-before-number", b"=?utf-8?q?Child_protection_plan=00?= 943 476 5919"),
                     ("raw-nul", b"Child protection plan\x00 943 476 5919"),
                     ("nul-between-words", b"=?utf-8?q?Child_protection_plan_943?=\x00 =?utf-8?q?_476_5919?=")):
        cases.append(("subject-" + nm, join(headers(subject_raw=subj, extra=["Content-Type: text/plain"]),
                                            "See the subject.\n")))
        to = b'=?utf-8?q?Child_protection_plan_943=00476_5919?= <parent@gmail.com>' if "qp" in nm else None
        if to:
            h = [b"From: teacher@stmarys.sch.uk", b"To: " + to, b"Subject: " + NEUTRAL.encode(),
                 b"MIME-Version: 1.0", b"Content-Type: text/plain"]
            cases.append(("to-" + nm, join(h, "Hello.\n")))
    for nm, raw in cases:
        o.add("milter", nm + "-file", raw, "milter: " + nm + " (read from the file)")
        o.add("milter", nm + "-milter", raw, "milter: " + nm + " (as the milter assembles it)",
              milter=postfix_milter_view(raw))
        # the same message attached as a .eml file: the milter passes its
        # bytes through untouched, so the file reading is what counts
        att = part('message/rfc822; name="fwd.eml"', b64(raw), "base64",
                   ['Content-Disposition: attachment; filename="fwd.eml"'])
        msg = join(headers(NEUTRAL, ['Content-Type: multipart/mixed; boundary="o1"']),
                   multipart_body([part("text/plain", "Forwarding the message below.\n"), att], "o1"))
        o.add("milter", nm + "-attached-eml", msg, "milter: " + nm + " (attached as fwd.eml)")


# ---- 9. parts that carry text but are skipped

def cls_tnef(o):
    t = body_line().rstrip("\n")
    variants = [
        ("pr-body", dict(pr_body=t)),
        ("pr-body-unicode", dict(pr_body_unicode=t)),
        ("att-body", dict(att_body=t + "\r\n")),
        ("pr-body-html", dict(pr_body_html="<html><body><p>%s</p></body></html>" % t)),
        ("attachment-txt", dict(pr_body="See attached.", attachments=[("notes.txt", (t + "\r\n").encode())])),
        ("attachment-csv", dict(attachments=[("pupils.csv", ("name,nhs\r\nJamie Smith,%s\r\n" % NHS).encode())])),
        ("subject-only", dict(subject="Pupil %s" % NHS)),
        ("all", dict(subject="Notes", att_body=t, pr_body=t, attachments=[("n.txt", t.encode())])),
    ]
    for nm, kw in variants:
        data = tnef(**kw)
        for ct in ("application/ms-tnef", "application/vnd.ms-tnef", "application/octet-stream"):
            o.add("tnef", "%s-%s" % (nm, ct.split("/")[1]),
                  attach_msg("winmail.dat", ct, data, text="See the attached details.\n"),
                  "winmail.dat (%s) %s" % (ct, nm))
        if nm == "pr-body":
            o.add("tnef", "pr-body-alone", join(headers(CONTEXT, ['Content-Type: application/ms-tnef; name="winmail.dat"',
                                                                  "Content-Transfer-Encoding: base64"]), b64(data)),
                  "whole message is winmail.dat")


XLSX_DATE_FORMATS = [(14, None), (15, None), (16, None), (17, None), (22, None),
                     (164, "dd/mm/yyyy"), (164, "dd/mm/yy"), (164, "d mmmm yyyy"),
                     (164, "[$-809]dd/mm/yyyy;@"), (164, "yyyy-mm-dd"), (164, "dd-mmm-yy"),
                     (164, "dddd, d mmmm yyyy"), (164, 'dd"/"mm"/"yyyy')]


def cls_xlsx(o):
    serial = excel_serial(DOB_ISO)
    for fid, code in XLSX_DATE_FORMATS:
        for head in ("Date of birth", "DOB"):
            rows = [["Name", head, "Year group"], ["Jamie Smith", ("n", str(serial), 1), "Year 5"]]
            data = xlsx(rows, [(fid, code)])
            o.add("xlsx", "dob-serial-fmt%d-%s-%s" % (fid, code or "builtin", head), attach_msg(
                "pupils.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data),
                "xlsx cell B2: serial %d, numFmt %d %s" % (serial, fid, code or ""), needle="dob")
    for nm, val, fmt in (("nhs-numeric-general", NHS_DIGITS, []),
                         ("nhs-numeric-000-000-0000", NHS_DIGITS, [(165, "000 000 0000")]),
                         ("nhs-enotation-general", "9.434765919E9", []),
                         ("nhs-enotation-000-000-0000", "9.434765919E9", [(165, "000 000 0000")]),
                         ("nhs-float-general", "9434765919.0", [])):
        rows = [["Name", "Reference"], ["Jamie Smith", ("n", val, 1 if fmt else 0)]]
        data = xlsx(rows, fmt)
        o.add("xlsx", nm, attach_msg("pupils.xlsx",
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data),
              "xlsx numeric cell %s" % val)


def fold_at(line, pos, ws=" "):
    return line[:pos] + "\r\n" + ws + line[pos:]


def cls_ical_vcard(o):
    desc = "DESCRIPTION:Meeting about Jamie Smith %s child protection plan" % NHS
    start = desc.index(NHS)
    for k in range(0, len(NHS) + 1):
        for ws in (" ", "\t"):
            if ws == "\t" and k % 3:
                continue
            folded = fold_at(desc, start + k, ws)
            ics = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hostile//EN\r\nMETHOD:REQUEST\r\n"
                   "BEGIN:VEVENT\r\nUID:1@stmarys\r\nDTSTART:20250902T090000Z\r\nSUMMARY:Review\r\n"
                   "%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n" % folded)
            if k % 2 == 0:
                msg = join(headers(CONTEXT, ['Content-Type: multipart/alternative; boundary="a1"']),
                           multipart_body([part("text/plain", "Invitation.\n"),
                                           part('text/calendar; method=REQUEST; charset=utf-8', ics)], "a1"))
                w = "inline text/calendar"
            else:
                msg = attach_msg("invite.ics", "text/calendar; charset=utf-8", ics.encode())
                w = "attachment invite.ics"
            o.add("ical", "fold-at-%d-%s" % (k, "tab" if ws == "\t" else "sp"), msg,
                  "%s, DESCRIPTION folded %d chars into the number" % (w, k))
    note = "NOTE:Jamie Smith %s child protection plan" % NHS
    start = note.index(NHS)
    for k in (1, 3, 4, 6, 8, 10):
        vcf = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jamie Smith\r\n%s\r\nEND:VCARD\r\n" % fold_at(note, start + k))
        for ct in ("text/vcard", "text/x-vcard", "text/directory"):
            o.add("vcard", "fold-at-%d-%s" % (k, ct.split("/")[1]),
                  attach_msg("jamie.vcf", ct + "; charset=utf-8", vcf.encode()),
                  "vCard NOTE folded %d chars into the number (%s)" % (k, ct))


def cls_subject_words(o):
    s = "Child protection plan %s" % NHS
    i = s.index(NHS)
    for k in (1, 3, 4, 5, 7, 8, 10):
        a, b = s[:i + k], s[i + k:]
        for kind, sep in (("qq", " "), ("qq-fold", "\n "), ("bb", " "), ("qb", " "), ("bb-fold", "\r\n\t")):
            def w(x, t):
                if t == "q":
                    return "=?utf-8?q?%s?=" % "".join("_" if c == " " else c for c in x)
                return "=?utf-8?b?%s?=" % base64.b64encode(x.encode()).decode()
            subj = w(a, kind[0]) + sep + w(b, kind[1])
            msg = join(headers(subject_raw=subj.encode(), extra=["Content-Type: text/plain"]),
                       "Please see the subject.\n")
            o.add("subject-words", "split-%d-%s" % (k, kind), msg,
                  "Subject: two encoded-words split %d chars into the number" % k)


def cls_preamble(o):
    t = body_line()
    neutral = part("text/plain", "See you on Tuesday.\n")
    for nm, pre, epi, parts in (("preamble", t, "", [neutral]), ("epilogue", "", t, [neutral]),
                                ("preamble-no-parts", t, "", []), ("epilogue-html", "", t,
                                                                   [part("text/html", "<p>Hello</p>")]),
                                ("preamble-long", "This is a multi-part message in MIME format.\n" + t, "", [neutral]),
                                ("preamble-nested", None, None, None)):
        if nm == "preamble-nested":
            inner = b'Content-Type: multipart/alternative; boundary="i1"\n\n' + multipart_body([neutral], "i1", preamble=t)
            msg = join(headers(CONTEXT, ['Content-Type: multipart/mixed; boundary="o1"']),
                       multipart_body([part("text/plain", "Hello.\n"), inner], "o1"))
        else:
            msg = join(headers(CONTEXT, ['Content-Type: multipart/mixed; boundary="b1"']),
                       multipart_body(parts, "b1", preamble=pre, epilogue=epi))
        o.add("preamble", nm, msg, nm)


def cls_dob_words(o):
    forms = ["Jamie Smith was born on the fourth of March 2015.",
             "Jamie Smith, born on the 4th of March 2015.",
             "Date of birth: the fourth of March, 2015.",
             "DOB: March the fourth, 2015.",
             "Jamie Smith, born March 4th 2015.",
             "Born on 4th March two thousand and fifteen.",
             "Jamie Smith (born fourth March 2015).",
             "Date of birth: 4 Mar 15.",
             "d.o.b. 04.03.2015",
             "DOB 4/3/15",
             "Date of birth: Wednesday 4 March 2015",
             "born on 04-Mar-2015"]
    for k, f in enumerate(forms):
        for where in ("plain", "html"):
            if where == "html":
                h, b = leaf_with_ctypes(["text/html; charset=utf-8"], "<p>%s</p>\n" % f)
            else:
                h, b = leaf_with_ctypes(["text/plain; charset=utf-8"], f + "\n")
            o.add("dob-words", "form-%d-%s" % (k, where), place("top", h, b), "body: " + f, needle="dob")


# ---- 10. random mutations of ordinary messages

def base_templates():
    """(name, bytes) ordinary messages, each with the number once."""
    t = body_line()
    neutral = part("text/plain; charset=utf-8", "See you on Tuesday.\n")
    html = "<html><body><p>Dear parent,</p><p>Pupil: Jamie Smith, %s.</p></body></html>\n" % NHS
    out = [
        ("plain", join(headers(CONTEXT, ["Content-Type: text/plain; charset=utf-8",
                                         "Content-Transfer-Encoding: 7bit"]), "Hello,\n\n" + t + "\nThanks\n")),
        ("qp", join(headers(CONTEXT, ["Content-Type: text/plain; charset=utf-8",
                                      "Content-Transfer-Encoding: quoted-printable"]),
                    "Hello=2C\n\nPupil: Jamie Smith=2C 943 47=\n6 5919. Please bring the file=\n to the meeting.\n")),
        ("b64", join(headers(CONTEXT, ["Content-Type: text/plain; charset=utf-8",
                                       "Content-Transfer-Encoding: base64"]), b64("Hello,\n\n" + t))),
        ("alternative", join(headers(CONTEXT, ['Content-Type: multipart/alternative; boundary="alt-1"']),
                             multipart_body([part("text/plain; charset=utf-8", "Hello, see the HTML version.\n"),
                                             part("text/html; charset=utf-8", qp(html), "quoted-printable")],
                                            "alt-1"))),
        ("attachment", join(headers(CONTEXT, ['Content-Type: multipart/mixed; boundary="mix-1"']),
                            multipart_body([neutral, part('text/plain; charset=utf-8; name="notes.txt"',
                                                          b64(("Notes\n" * 20) + t + ("End\n" * 20)), "base64",
                                                          ['Content-Disposition: attachment; filename="notes.txt"'])],
                                           "mix-1"))),
        ("forwarded", join(headers("Fwd: " + CONTEXT, ['Content-Type: multipart/mixed; boundary="fwd-1"']),
                           multipart_body([part("text/plain", "Forwarding.\n"),
                                           part("message/rfc822", join(headers(CONTEXT, ["Content-Type: text/plain"],
                                                                               msgid="in@x"), t))],
                                          "fwd-1"))),
        ("html-b64", join(headers(CONTEXT, ["Content-Type: text/html; charset=utf-8",
                                            "Content-Transfer-Encoding: base64"]), b64(html))),
        ("csv", attach_msg("pupils.csv", "text/csv; charset=utf-8",
                           ("name,ref\r\nJamie Smith,%s\r\n" % NHS).encode())),
        ("related", join(headers(CONTEXT, ['Content-Type: multipart/related; boundary="rel-1"']),
                         multipart_body([part("text/html; charset=utf-8", html),
                                         part("image/png", b64(b"\x89PNG\r\n\x1a\n" + b"\0" * 40), "base64",
                                              ["Content-ID: <x>"])], "rel-1"))),
    ]
    return out


ODD_CHARSETS = ["utf-32", "utf-16", "x-unknown", "", "utf-7", "ibm500", "us-ascii", "iso-8859-1",
                "utf8", "UTF-8", "binary", "cp1252", "latin1", "utf-8; charset=utf-32",
                "iso-2022-jp", "x-mac-roman", "unicode", "windows-1252\"", "utf-32le"]


def m_truncate(rng, data):
    k = rng.randrange(len(data) // 4, len(data))
    return data[:k], "truncate@%d" % k


def m_dup_header(rng, data):
    lines = data.split(b"\n")
    idx = [k for k, l in enumerate(lines) if re.match(rb"^[A-Za-z-]+:", l)]
    if not idx:
        return data, "dup-none"
    k = rng.choice(idx)
    name = lines[k].split(b":")[0]
    alts = {b"content-type": [b"application/octet-stream", b"image/jpeg", b"text/plain; charset=utf-32",
                              b"multipart/mixed", b"text/html", b"message/rfc822"],
            b"content-transfer-encoding": [b"base64", b"7bit", b"quoted-printable", b"x-uuencode", b"8bit"]}
    choices = alts.get(name.lower())
    dup = name + b": " + rng.choice(choices) if choices else lines[k]
    if rng.random() < 0.5:
        lines.insert(k + 1, dup)
    else:
        lines.insert(k, dup)
    return b"\n".join(lines), "dup-%s" % name.decode("latin-1").lower()


def m_boundary(rng, data):
    m = re.search(rb'boundary="?([^";\s]+)"?', data)
    if not m:
        return data, "boundary-none"
    b = m.group(1)
    op = rng.choice(["drop-param", "empty", "twice", "mismatch-one", "drop-close", "drop-first",
                     "rename-all-body", "case"])
    if op == "drop-param":
        data = data[:m.start()] + b"x-dropped=1" + data[m.end():]
    elif op == "empty":
        data = data[:m.start()] + b'boundary=""' + data[m.end():]
    elif op == "twice":
        data = data[:m.end()] + b'; boundary="other-' + b + b'"' + data[m.end():]
    elif op == "mismatch-one":
        occ = [x.start() for x in re.finditer(b"\n--" + re.escape(b) + b"\n", data)]
        if occ:
            p = rng.choice(occ) + 3
            data = data[:p] + b"X" + data[p:]
    elif op == "drop-close":
        data = data.replace(b"--" + b + b"--", b"")
    elif op == "drop-first":
        data = data.replace(b"--" + b + b"\n", b"", 1)
    elif op == "rename-all-body":
        data = data[:m.end()] + data[m.end():].replace(b"--" + b, b"--Z" + b)
    elif op == "case":
        data = data[:m.end()] + data[m.end():].replace(b"--" + b, b"--" + b.swapcase())
    return data, "boundary-" + op


def m_eol(rng, data):
    lines = data.split(b"\n")
    mode = rng.choice(["crlf", "cr", "mixed", "mixed-cr"])
    seps = {"crlf": [b"\r\n"], "cr": [b"\r"], "mixed": [b"\n", b"\r\n"], "mixed-cr": [b"\n", b"\r\n", b"\r"]}[mode]
    out = b""
    for k, l in enumerate(lines):
        out += l + (rng.choice(seps) if k < len(lines) - 1 else b"")
    return out, "eol-" + mode


def m_charset(rng, data):
    cs = rng.choice(ODD_CHARSETS).encode()
    new, n = re.subn(rb'charset="?[^";\s]*"?', b'charset="' + cs + b'"', data, count=1)
    if not n:
        new = data.replace(b"Content-Type: text/plain", b'Content-Type: text/plain; charset="' + cs + b'"', 1)
    return new, "charset-" + cs.decode("latin-1")


def m_b64(rng, data):
    # damage a base64 run: a stray '=', junk, a dropped char or a cut line
    runs = [x for x in re.finditer(rb"(?m)^[A-Za-z0-9+/]{16,}={0,2}$", data)]
    if not runs:
        return data, "b64-none"
    r = rng.choice(runs)
    p = rng.randrange(r.start(), r.end())
    op = rng.choice(["pad", "junk", "drop", "cut", "space"])
    ins = {"pad": b"=", "junk": b"!#", "space": b" ", "drop": b"", "cut": b"\n"}[op]
    data = data[:p] + ins + data[p + (1 if op == "drop" else 0):]
    return data, "b64-" + op


def m_qp(rng, data):
    spots = [x.start() for x in re.finditer(rb"=\n|=[0-9A-F]{2}", data)]
    if not spots:
        return data, "qp-none"
    p = rng.choice(spots)
    op = rng.choice(["lower", "trailing-ws", "drop-eq", "bad-hex"])
    if op == "lower":
        data = data[:p] + data[p:p + 3].lower() + data[p + 3:]
    elif op == "trailing-ws":
        data = data[:p + 1] + b"  " + data[p + 1:]
    elif op == "drop-eq":
        data = data[:p] + data[p + 1:]
    else:
        data = data[:p] + b"=G" + data[p + 1:]
    return data, "qp-" + op


def m_nest(rng, data):
    n = rng.randint(1, 6)
    for k in range(n):
        data = join(headers("Fwd: " + NEUTRAL, ['Content-Type: multipart/mixed; boundary="nest-%d"' % k],
                            msgid="n%d@x" % k),
                    multipart_body([part("text/plain", "Fwd.\n"), part("message/rfc822", data)], "nest-%d" % k))
    return data, "nest-rfc822x%d" % n


def m_deep(rng, data):
    n = rng.choice([3, 8, 15, 25, 40, 60, 100, 150])
    hdr, _, body = data.partition(b"\n\n")
    ct = re.search(rb"(?mi)^Content-Type:.*(\n[ \t].*)*", hdr)
    cte = re.search(rb"(?mi)^Content-Transfer-Encoding:.*", hdr)
    leaf = (ct.group(0) if ct else b"Content-Type: text/plain") + b"\n" + \
           (cte.group(0) + b"\n" if cte else b"") + b"\n" + body
    for k in range(n):
        leaf = b'Content-Type: multipart/mixed; boundary="d%d"\n\n' % k + multipart_body([leaf], "d%d" % k)
    # the message's own header block, then the nested leaf's header lines
    return b"\n".join(headers(CONTEXT, msgid="deep@x")) + b"\n" + leaf, "deep-multipart-x%d" % n


def m_header_ws(rng, data):
    op = rng.choice(["space-before-colon", "tab-after-colon", "lowercase-names", "no-space", "fold-ct"])
    if op == "space-before-colon":
        data = data.replace(b"Content-Type:", b"Content-Type :", 1)
    elif op == "tab-after-colon":
        data = data.replace(b"Content-Type: ", b"Content-Type:\t")
    elif op == "lowercase-names":
        data = re.sub(rb"(?m)^Content-([A-Za-z-]+):", lambda m: m.group(0).lower(), data)
    elif op == "no-space":
        data = data.replace(b"Content-Type: ", b"Content-Type:")
    else:
        data = data.replace(b"; boundary=", b";\n\tboundary=").replace(b"; charset=", b";\n charset=")
    return data, "hdr-" + op


def m_flip(rng, data):
    i = data.find(NHS.encode())
    for _ in range(rng.randint(1, 4)):
        p = rng.randrange(len(data))
        if i >= 0 and i - 2 <= p <= i + len(NHS) + 2:
            continue
        data = data[:p] + bytes([rng.randrange(256)]) + data[p + 1:]
    return data, "flip"


MUTATORS = {"truncate": m_truncate, "dupheader": m_dup_header, "boundary": m_boundary,
            "eol": m_eol, "charset": m_charset, "b64": m_b64, "qp": m_qp, "nest": m_nest,
            "deep": m_deep, "header-ws": m_header_ws, "flip": m_flip}


def _quick_reader_sees(data):
    """A cut-down reader (email.policy.default, decoded parts, tags
    dropped): enough to find where a truncation starts to show the number."""
    import email
    import email.policy
    try:
        msg = email.message_from_bytes(data, policy=email.policy.default)
        for p in msg.walk():
            if p.is_multipart():
                continue
            pl = p.get_payload(decode=True) or b""
            t = re.sub(rb"<[^>]*>|\s", b"", pl)
            if NHS_DIGITS.encode() in t:
                return True
    except Exception:
        pass
    return False


def first_visible_prefix(data):
    """The shortest prefix of data in which a reader shows the number (or None)."""
    if not _quick_reader_sees(data):
        return None
    lo, hi = 1, len(data)
    while lo < hi:
        mid = (lo + hi) // 2
        if _quick_reader_sees(data[:mid]):
            hi = mid
        else:
            lo = mid + 1
    return lo


def cls_random(o, count):
    rng = o.rng
    bases = base_templates()
    # truncation at many offsets of each base (every ~1/25 of its length,
    # plus the bytes around the number)
    for bname, data in bases:
        offs = sorted(set([len(data) * k // 25 for k in range(3, 25)]))
        j = first_visible_prefix(data)
        if j:
            offs += [j - 2, j - 1, j, j + 1, j + 2, j + 5, j + 11, j + 30]
        offs = sorted(set(x for x in offs if 0 < x < len(data)))
        for k in offs:
            o.add("mut-truncate", "%s-at-%d" % (bname, k), data[:k], "%s cut at byte %d" % (bname, k),
                  expected="must-detect-or-unscannable")
    names = sorted(MUTATORS)
    for n in range(count):
        bname, data = bases[rng.randrange(len(bases))]
        if n % 3 == 2:
            picks = [rng.choice(names) for _ in range(rng.randint(2, 3))]
            cls = "mut-combo"
        else:
            picks = [names[n % len(names)] if n % 3 == 0 else rng.choice(names)]
            cls = "mut-" + picks[0]
        desc = []
        for p in picks:
            data, d = MUTATORS[p](rng, data)
            desc.append(d)
        o.add(cls, "%s-%s" % (bname, "+".join(desc)), data, "%s with %s" % (bname, ", ".join(desc)),
              expected="must-detect-or-unscannable")


def main():
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus"))
    ap.add_argument("--seed", type=int, default=20250901)
    ap.add_argument("--random", type=int, default=1500, help="randomly mutated messages (default 1500)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for f in os.listdir(a.out):
        if f.endswith((".eml", ".milter")) or f == "manifest.tsv":
            os.unlink(os.path.join(a.out, f))
    o = Out(a.out, a.seed)
    cls_control(o)
    cls_dup_ct(o)
    cls_dup_cte(o)
    cls_boundary(o)
    cls_charset(o)
    cls_base64(o)
    cls_html(o)
    cls_digits(o)
    cls_headers(o)
    cls_milter(o)
    cls_tnef(o)
    cls_xlsx(o)
    cls_ical_vcard(o)
    cls_subject_words(o)
    cls_preamble(o)
    cls_dob_words(o)
    cls_random(o, a.random)
    o.write_manifest()
    counts = {}
    for r in o.rows:
        counts[r[1]] = counts.get(r[1], 0) + 1
    print("%d messages in %s" % (len(o.rows), a.out))
    for c in sorted(counts):
        print("  %-20s %d" % (c, counts[c]))


if __name__ == "__main__":
    main()
