#!/usr/bin/env python3
"""differential.py: what a lenient reader shows versus what safeshare decides.

    differential.py --ctl PATH/safesharectl [--corpus DIR] [--jobs N]
                    [--timeout S] [--out results.tsv] [--class C ...]
                    [--files F,F] [--markdown FILE] [--worker PATH]
                    [--milter PATH/safeshare-milter] [--check]

For each message listed in DIR/manifest.tsv (written by gen_hostile.py):

 (a) the reader: Python's email package (email.policy.default,
     email.message_from_bytes) walks the message the way a lenient mail
     client shows it: every header value (decoded), every text part
     (get_content(), falling back to get_payload(decode=True) in the part's
     charset, or Latin-1 when the charset is unknown), a multipart whose
     parts could not be found as its raw text, the preamble and epilogue,
     nested messages; HTML as the text and the alt/title/value attributes a
     person sees (table cells side by side); iCalendar/vCard unfolded;
     winmail.dat (TNEF) bodies and attached files; XLSX cells as Excel shows
     them (date serials under a date format as dates); base64 also read
     chunk by chunk after mid-stream '=' padding, as Thunderbird/Outlook do.
     The needle is visible when, after folding every Unicode decimal digit
     to ASCII and dropping controls/format characters and whitespace, the
     text holds 9434765919 (needle nhs) or the date 4 March 2015 in any
     usual written form (needle dob).
 (b) safeshare: `safesharectl explain FILE --from teacher@stmarys.sch.uk
     --to parent@gmail.com --json` with OnInsecure, OnInsecureUncertain and
     OnUnscannable all reject; for scan_as=milter the .eml.milter file (what
     the milter assembles) is what safeshare reads.

Outcome per message, for reader-visible needles:
    found        held (not accept) with a finding of the needle
    unscannable  held without a finding of the needle (fail closed)
    LEAK         accepted
    crash        non-zero exit, signal, timeout, or output that is not JSON
Messages whose needle the reader cannot see are counted apart (not-visible).

With --milter, every message is also handed to a running safeshare-milter
over the milter protocol (gen_hostile.postfix_split decides, as Postfix
does, where the headers end), and a second table is printed.

Writes one row per message to --out (TSV; results-milter.tsv beside it for
--milter) and prints the table per class, then the leaking files per class.
Exit status 0 when the run completed; with --check, 1 when anything leaked,
crashed, or a must-detect message was only held as unscannable.
"""

import argparse
import base64
import binascii
import concurrent.futures
import datetime
import email
import email.header
import email.policy
import io
import json
import os
import re
import secrets
import struct
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from html.parser import HTMLParser

SENDER, RECIPIENT, DATE = "teacher@stmarys.sch.uk", "parent@gmail.com", "2025-09-01"
HERE = os.path.dirname(os.path.abspath(__file__))
MAX_DEPTH = 60

# ---------------------------------------------------------------- normalising

def normalise(s):
    """Digits folded to ASCII; controls, format characters and whitespace
    dropped; lower case."""
    out = []
    for ch in s:
        d = unicodedata.decimal(ch, None)
        if d is not None:
            out.append(str(d))
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Zs", "Zl", "Zp") or ch.isspace():
            continue
        out.append(ch.lower())
    return "".join(out)


def spaced(s):
    """Digits folded, controls dropped, runs of whitespace as one space,
    lower case: for dates written in words."""
    out = []
    for ch in s:
        d = unicodedata.decimal(ch, None)
        if d is not None:
            out.append(str(d))
            continue
        cat = unicodedata.category(ch)
        if ch.isspace() or cat in ("Zs", "Zl", "Zp"):
            out.append(" ")
        elif cat in ("Cc", "Cf"):
            continue
        else:
            out.append(ch.lower())
    return re.sub(r" +", " ", "".join(out))


NHS_RE = re.compile(r"(?<!\d)9434765919(?!\d)")
_D = r"(?:4|04|4th|fourth)"
_M = r"(?:march|mar)"
_Y = r"(?:2015|15|two thousand and fifteen)"
DOB_RES = [re.compile(p) for p in (
    r"(?<!\d)0?4[/.\-]0?3[/.\-](?:20)?15(?!\d)",
    r"2015-03-04",
    r"(?<![a-z0-9])(?:the )?%s(?: of)? %s,? %s(?![0-9])" % (_D, _M, _Y),
    r"%s (?:the )?%s,? %s(?![0-9])" % (_M, _D, _Y),
    r"(?<!\d)0?4-%s-%s(?!\d)" % (_M, _Y),
)]


def needle_visible(needle, text):
    if needle == "nhs":
        return bool(NHS_RE.search(normalise(text)))
    s = spaced(text)
    return any(r.search(s) for r in DOB_RES)


# ---------------------------------------------------------------- HTML

class _Html(HTMLParser):
    BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table",
             "ul", "ol", "blockquote", "pre", "hr", "section", "article", "form",
             "select", "body", "html"}
    SHOWN_ATTRS = ("alt", "title", "value", "placeholder", "aria-label")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head", "title"):
            self.skip += 1
            return
        if tag in ("td", "th"):
            self.out.append(" ")
        elif tag in self.BLOCK:
            self.out.append("\n")
        for k, v in attrs:
            if k in self.SHOWN_ATTRS and v:
                self.out.append(" %s " % v)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style", "head", "title"):
            self.skip -= 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head", "title"):
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th"):
            self.out.append(" ")
        elif tag in self.BLOCK:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def html_text(s):
    p = _Html()
    try:
        p.feed(s)
        p.close()
    except Exception:
        return s
    return "".join(p.out)


# ---------------------------------------------------------------- TNEF

def tnef_texts(data):
    """Bodies and attached files of a winmail.dat (MS-OXTNEF)."""
    out = []
    if len(data) < 6 or struct.unpack_from("<I", data)[0] != 0x223E9F78:
        return out
    pos = 6
    title = None
    while pos + 9 <= len(data):
        level, attid, ln = struct.unpack_from("<BII", data, pos)
        pos += 9
        val = data[pos:pos + ln]
        pos += ln + 2
        if attid in (0x0002800C, 0x00018004):          # attBody, attSubject
            out.append(("tnef " + hex(attid), val.rstrip(b"\0").decode("cp1252", "replace")))
        elif attid == 0x00018010:                       # attAttachTitle
            title = val.rstrip(b"\0").decode("cp1252", "replace")
        elif attid == 0x0006800F:                       # attAttachData
            out.append(("tnef attachment %s" % title, val.decode("utf-8", "replace")))
        elif attid in (0x00069003, 0x00069005):         # attMAPIProps, attAttachment
            for name, text in mapi_texts(val):
                out.append(("tnef " + name, text))
    return out


_FIXED = {0x0002: 4, 0x0003: 4, 0x0004: 4, 0x0005: 8, 0x0006: 8, 0x0007: 8, 0x000A: 4,
          0x000B: 4, 0x0014: 8, 0x0040: 8, 0x0048: 16, 0x0001: 4}


def mapi_texts(b):
    out = []
    try:
        n = struct.unpack_from("<I", b)[0]
        p = 4
        for _ in range(n):
            ptype, pid = struct.unpack_from("<HH", b, p)
            p += 4
            if pid >= 0x8000:                 # named property
                p += 16
                kind = struct.unpack_from("<I", b, p)[0]
                p += 4
                if kind == 0:
                    p += 4
                else:
                    nl = struct.unpack_from("<I", b, p)[0]
                    p += 4 + nl + (-nl % 4)
            multi = ptype & 0x1000
            base = ptype & 0x0FFF
            count = 1
            if multi or base in (0x001E, 0x001F, 0x0102, 0x000D):
                count = struct.unpack_from("<I", b, p)[0]
                p += 4
            for _ in range(count):
                if base in (0x001E, 0x001F, 0x0102, 0x000D):
                    ln = struct.unpack_from("<I", b, p)[0]
                    p += 4
                    v = b[p:p + ln]
                    p += ln + (-ln % 4)
                    if base == 0x001F:
                        t = v.decode("utf-16-le", "replace").rstrip("\0")
                    else:
                        t = v.rstrip(b"\0").decode("cp1252", "replace")
                    if pid == 0x1013 or (base == 0x0102 and b"<" in v[:200]):
                        t = html_text(v.decode("utf-8", "replace"))
                    if base != 0x000D:
                        out.append(("MAPI %04x" % pid, t))
                elif base in _FIXED:
                    p += _FIXED[base]
                else:
                    return out
    except struct.error:
        pass
    return out


# ---------------------------------------------------------------- XLSX

_BUILTIN_DATES = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _is_date_code(code):
    c = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code)
    return bool(re.search(r"[dmyDMY]", c))


def _fmt_number(val, code):
    try:
        f = float(val)
    except ValueError:
        return val
    if code and re.fullmatch(r"[0# \-]+", code):
        digits = str(int(round(f)))
        n0 = code.count("0") + code.count("#")
        digits = digits.rjust(n0, "0")
        out, k = [], len(digits)
        extra = digits[:len(digits) - n0] if len(digits) > n0 else ""
        k = len(extra)
        for ch in code:
            if ch in "0#":
                out.append(digits[k])
                k += 1
            else:
                out.append(ch)
        return extra + "".join(out)
    if f.is_integer() and abs(f) < 1e11:
        return str(int(f))
    return val


def xlsx_text(data):
    import xml.etree.ElementTree as ET
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        names = set(z.namelist())
        strings = []
        if "xl/sharedStrings.xml" in names:
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(_NS + "si"):
                strings.append("".join(t.text or "" for t in si.iter(_NS + "t")))
        custom, xfs = {}, []
        if "xl/styles.xml" in names:
            st = ET.fromstring(z.read("xl/styles.xml"))
            for nf in st.iter(_NS + "numFmt"):
                custom[int(nf.get("numFmtId"))] = nf.get("formatCode") or ""
            cx = st.find(_NS + "cellXfs")
            if cx is not None:
                xfs = [int(x.get("numFmtId", "0")) for x in cx.findall(_NS + "xf")]
        out = []
        for n in sorted(x for x in names if x.startswith("xl/worksheets/") and x.endswith(".xml")):
            for row in ET.fromstring(z.read(n)).iter(_NS + "row"):
                cells = []
                for c in row.iter(_NS + "c"):
                    t = c.get("t", "n")
                    v = c.find(_NS + "v")
                    v = v.text if v is not None and v.text else ""
                    if t == "s":
                        cells.append(strings[int(v)] if v.isdigit() and int(v) < len(strings) else "")
                    elif t == "inlineStr":
                        cells.append("".join(x.text or "" for x in c.iter(_NS + "t")))
                    elif t in ("str", "b", "e"):
                        cells.append(v)
                    else:
                        fid = xfs[int(c.get("s", "0"))] if int(c.get("s", "0")) < len(xfs) else 0
                        code = custom.get(fid)
                        if v and (fid in _BUILTIN_DATES or (code and _is_date_code(code))):
                            d = datetime.date(1899, 12, 30) + datetime.timedelta(days=int(float(v)))
                            cells.append(d.strftime("%d/%m/%Y"))
                        else:
                            cells.append(_fmt_number(v, code))
                out.append("  ".join(cells))
        return "\n".join(out)
    except Exception:
        return ""


# ---------------------------------------------------------------- the reader

def header_texts(msg, where):
    out = []
    for name, raw in msg.raw_items():
        try:
            v = str(email.policy.default.header_fetch_parse(name, raw))
        except Exception:
            try:
                v = str(email.header.make_header(email.header.decode_header(raw)))
            except Exception:
                v = str(raw)
        out.append(("%sheader %s" % (where, name), v))
    return out


def charset_decode(data, charset):
    if charset:
        try:
            return data.decode(charset, "replace")
        except (LookupError, ValueError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def b64_segments(raw):
    """Base64 read chunk by chunk: each run up to and including '=' padding
    is decoded on its own, and decoding goes on after it."""
    s = re.sub(rb"[^A-Za-z0-9+/=]", b"", raw)
    out = b""
    for chunk in re.findall(rb"[A-Za-z0-9+/]+=*", s):
        chunk = chunk.rstrip(b"=")
        chunk = chunk[:len(chunk) - len(chunk) % 4] + (
            chunk[len(chunk) - len(chunk) % 4:] + b"==="
        )[: (4 if len(chunk) % 4 else 0)]
        try:
            out += binascii.a2b_base64(chunk)
        except binascii.Error:
            pass
    return out


def leaf_texts(p, where, depth):
    out = []
    ctype = p.get_content_type()
    fname = (p.get_filename() or "").lower()
    cte = (p.get("content-transfer-encoding") or "").strip().lower()
    charset = p.get_content_charset()
    try:
        raw = p.get_payload(decode=True) or b""
    except Exception:
        raw = b""
    payload = p.get_payload()
    texty = ctype.startswith("text/") or fname.endswith((".txt", ".csv", ".ics", ".vcf"))
    if ctype in ("application/ms-tnef", "application/vnd.ms-tnef") or fname == "winmail.dat":
        for w, t in tnef_texts(raw):
            out.append((where + " " + w, t))
        return out
    if fname.endswith(".xlsx") or "spreadsheetml" in ctype:
        out.append((where + " xlsx", xlsx_text(raw)))
        return out
    if ctype in ("message/rfc822", "message/global") or fname.endswith(".eml"):
        try:
            inner = email.message_from_bytes(raw, policy=email.policy.default)
            return message_texts(inner, where + "attached message > ", depth + 1)
        except Exception:
            return out
    if not texty:
        return out
    texts = []
    try:
        c = p.get_content()
        texts.append(c if isinstance(c, str) else charset_decode(c, charset))
    except Exception:
        texts.append(charset_decode(raw, charset))
    if cte == "base64" and isinstance(payload, str):
        seg = b64_segments(payload.encode("ascii", "replace"))
        if seg != raw:
            texts.append(charset_decode(seg, charset))
    for t in texts:
        if ctype == "text/html":
            t = html_text(t)
        elif ctype in ("text/calendar", "text/vcard", "text/x-vcard", "text/directory") or \
                fname.endswith((".ics", ".vcf")):
            t = re.sub(r"\r?\n[ \t]", "", t).replace("\\n", "\n").replace("\\,", ",")
        out.append((where + ctype, t))
    return out


def body_texts(p, where, depth):
    """The text a reader shows for the body of p (not its own headers)."""
    if depth > MAX_DEPTH:
        return []
    out = []
    if p.is_multipart():
        if p.get_content_maintype() == "message":
            cte = (p.get("content-transfer-encoding") or "").strip().lower()
            if cte in ("base64", "quoted-printable"):
                # Python parses the still-encoded text as a message: decode
                # it first, as a reader does
                raw = p.as_bytes().replace(b"\r\n", b"\n").partition(b"\n\n")[2]
                data = b64_segments(raw) if cte == "base64" else __import__("quopri").decodestring(raw)
                try:
                    inner = email.message_from_bytes(data, policy=email.policy.default)
                except Exception:
                    return out
                return message_texts(inner, where + "message > ", depth + 1)
            for inner in p.get_payload():
                out += message_texts(inner, where + "message > ", depth + 1)
            return out
        if p.preamble:
            out.append((where + "preamble", p.preamble))
        if p.epilogue:
            out.append((where + "epilogue", p.epilogue))
        for k, sub in enumerate(p.get_payload()):
            w = where + "part %d: " % (k + 1)
            out += header_texts(sub, w) + body_texts(sub, w, depth + 1)
        return out
    if p.get_content_maintype() == "multipart":
        # the parts could not be found: a reader shows the raw body, and a
        # lenient one finds the parts by the delimiter lines it does have
        pl = p.get_payload()
        pl = pl if isinstance(pl, str) else str(pl)
        out.append((where + "unparsed multipart", pl))
        out += guessed_parts(pl, where, depth)
        return out
    return leaf_texts(p, where, depth)


def guessed_parts(body, where, depth):
    """The parts of a multipart whose declared boundary is missing or
    wrong, split at the delimiter lines the body has."""
    counts = {}
    for m in re.finditer(r"(?m)^[ \t]*--([^\s-][^\r\n]*?)[ \t]*\r?$", body):
        b = m.group(1)
        if b.endswith("--"):
            b = b[:-2]
        b = b.split()[0] if b.split() else b
        counts[b] = counts.get(b, 0) + 1
    out = []
    for b in sorted(counts, key=lambda k: -counts[k])[:2]:
        fixed = re.sub(r"(?m)^[ \t]*--" + re.escape(b), "--" + b, body)
        try:
            m = email.message_from_string('Content-Type: multipart/mixed; boundary="%s"\n\n%s' % (b, fixed),
                                          policy=email.policy.default)
        except Exception:
            continue
        if m.is_multipart() and m.get_payload():
            out += body_texts(m, where + "multipart (delimiters guessed) ", depth + 1)
            break
    return out


def message_texts(msg, where, depth):
    return header_texts(msg, where) + body_texts(msg, where, depth)


def reader_view(raw):
    """[(where, text)] a lenient reader shows; never raises."""
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        return message_texts(msg, "", 0)
    except Exception as e:                    # the reader gives up: nothing shown
        return [("reader error", "")]


def reader_sees(raw, needle):
    hits = [w for w, t in reader_view(raw) if t and needle_visible(needle, t)]
    return hits


# ---------------------------------------------------------------- safeshare

def find_worker(ctl):
    path = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(ctl)), "..", "reader",
                                         "safeshare-extract"))
    return path if os.access(path, os.X_OK) else None


def write_config(tmp, register, worker):
    key = os.path.join(tmp, "audit.key")
    fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(secrets.token_bytes(48))
    os.makedirs(os.path.join(tmp, "state"), mode=0o700, exist_ok=True)  # the milter refuses a missing StateDir
    conf = os.path.join(tmp, "safeshare.conf")
    with open(conf, "w") as f:
        f.write("Socket unix:%s\nRegister %s\nAuditLog %s\nAuditKey %s\n"
                "OnInsecure reject\nOnInsecureUncertain reject\nOnUnscannable reject\n"
                % (os.path.join(tmp, "sock"), register, os.path.join(tmp, "audit.log"), key))
        f.write("PidFile %s\nTempDirectory %s\nStateDir %s\n"
                % (os.path.join(tmp, "milter.pid"), tmp, os.path.join(tmp, "state")))
        if os.geteuid() == 0:         # a private test milter: root is fine here
            f.write("AllowRoot yes\n")
        if worker:
            f.write("ExtractWorker %s\n" % worker)
    return conf


def run_engine(ctl, conf, path, timeout):
    cmd = [ctl, "-c", conf, "explain", path, "--from", SENDER, "--to", RECIPIENT, "--json",
           "--date", DATE]
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout (over %gs)" % timeout, None
    if p.returncode < 0:
        return "signal %d" % -p.returncode, None
    if p.returncode != 0:
        err = p.stderr.decode("utf-8", "replace").strip().splitlines()
        return "exit %d: %s" % (p.returncode, err[-1][:100] if err else ""), None
    try:
        return None, json.loads(p.stdout.decode("utf-8"))
    except ValueError:
        return "output is not JSON", None


def needle_found(needle, answer):
    for f in answer.get("findings", []):
        t = f.get("type")
        if needle == "nhs" and t in ("nhs", "chi", "hcn", "uln") and "5919" in (f.get("redacted") or ""):
            return True
        if needle == "dob" and t in ("dob_child", "dob"):
            return True
    return False


def outcome(needle, crash, answer):
    if crash:
        return "crash"
    held = answer.get("action") != "accept"
    if held and needle_found(needle, answer):
        return "found"
    if held:
        return "unscannable"
    return "LEAK"


# ---------------------------------------------------------------- the milter protocol

class MilterClient:
    """Just enough of the MTA side of the milter protocol (version 6) to
    hand one message to safeshare-milter the way Postfix does: headers
    split by gen_hostile.postfix_split, each name and value a C string,
    the body with CRLF line endings in chunks of at most 65535 bytes."""

    def __init__(self, path, timeout):
        import socket
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(path)
        self.buf = b""

    def send(self, cmd, data=b""):
        self.s.sendall(struct.pack(">I", len(data) + 1) + cmd + data)

    def recv(self):
        while len(self.buf) < 4 or len(self.buf) < 4 + struct.unpack(">I", self.buf[:4])[0]:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError("milter closed the connection")
            self.buf += chunk
        n = struct.unpack(">I", self.buf[:4])[0]
        pkt, self.buf = self.buf[4:4 + n], self.buf[4 + n:]
        return pkt[:1], pkt[1:]

    def step(self, cmd, data=b"", macros=None):
        """Send one step; the final answer (b'c' to go on)."""
        if macros:
            self.send(b"D", cmd + b"".join(k + b"\0" + v + b"\0" for k, v in macros))
        self.send(cmd, data)
        while True:
            c, d = self.recv()
            if c in (b"h", b"i", b"m", b"p", b"+", b"-", b"b", b"e", b"2", b"f"):
                continue          # header changes and progress: not a verdict
            return c, d

    def close(self):
        try:
            self.send(b"Q")
        except OSError:
            pass
        self.s.close()


def milter_verdict(path, raw, timeout):
    """(crash or None, {'action', 'reply'})."""
    import gen_hostile
    hdrs, body = gen_hostile.postfix_split(raw)
    try:
        m = MilterClient(path, timeout)
        m.send(b"O", struct.pack(">III", 6, 0x1FF, 0))
        c, d = m.recv()
        if c != b"O":
            return "negotiation refused (%r)" % c, None
        qid = [(b"i", b"HOSTILE1")]
        steps = [(b"C", b"localhost\0" + b"4" + struct.pack(">H", 25) + b"127.0.0.1\0", None),
                 (b"H", b"localhost\0", None),
                 (b"M", b"<%s>\0" % SENDER.encode(), qid),
                 (b"R", b"<%s>\0" % RECIPIENT.encode(), qid),
                 (b"T", b"", qid)]
        steps += [(b"L", n + b"\0" + v + b"\0", qid) for n, v in hdrs]
        steps.append((b"N", b"", qid))
        steps += [(b"B", body[k:k + 65535], qid) for k in range(0, len(body), 65535)]
        steps.append((b"E", b"", qid))
        for cmd, data, mac in steps:
            c, d = m.step(cmd, data, mac)
            if c != b"c" or cmd == b"E":
                break
        m.close()
    except (OSError, EOFError) as e:
        return "milter protocol: %s" % e, None
    reply = d.decode("utf-8", "replace")
    if c in (b"a", b"c"):
        action = "accept"
    elif c == b"r" or (c == b"y" and reply[:1] == "5"):
        action = "reject"
    elif c == b"t" or (c == b"y" and reply[:1] == "4"):
        action = "tempfail"
    elif c == b"q":
        action = "quarantine"
    elif c == b"d":
        action = "discard"
    else:
        action = "answer %r" % c
    return None, {"action": action, "reply": reply}


def milter_outcome(needle, crash, ans):
    if crash:
        return "crash"
    if ans["action"] == "accept":
        return "LEAK"
    word = {"nhs": "NHS number", "dob": "date of birth"}[needle]
    return "found" if word in ans["reply"] else "unscannable"


def start_milter(binary, conf, sock, log):
    import time
    p = subprocess.Popen([binary, "-f", "-c", conf], stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    for _ in range(100):
        if os.path.exists(sock):
            return p
        if p.poll() is not None:
            break
        time.sleep(0.1)
    p.kill()
    sys.exit("differential: the milter did not start (see %s)" % log.name)


# ---------------------------------------------------------------- the run

def load_manifest(corpus):
    rows = []
    with open(os.path.join(corpus, "manifest.tsv"), encoding="utf-8") as f:
        head = f.readline().rstrip("\n").split("\t")
        for line in f:
            if line.strip():
                rows.append(dict(zip(head, line.rstrip("\n").split("\t"))))
    return rows


COLS = ["found", "unscannable", "LEAK", "crash"]


def summarise(results):
    classes = []
    table = {}
    for r in results:
        c = r["class"]
        if c not in table:
            classes.append(c)
            table[c] = dict(total=0, visible=0, found=0, unscannable=0, LEAK=0, crash=0,
                            invisible=0, invisible_accept=0, weak=0)
        t = table[c]
        t["total"] += 1
        if r["visible"]:
            t["visible"] += 1
            t[r["outcome"]] += 1
            if r["outcome"] == "unscannable" and r["expected"] == "must-detect":
                t["weak"] += 1
        else:
            t["invisible"] += 1
            if r["outcome"] == "crash":
                t["crash"] += 1
            elif r["outcome"] == "LEAK":
                t["invisible_accept"] += 1
    return classes, table


def markdown_table(classes, table):
    lines = ["| class | messages | reader sees needle | found | unscannable (fail closed) | **LEAK** | crash/timeout | must-detect but only unscannable | reader cannot see |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    tot = {k: 0 for k in ("total", "visible", "found", "unscannable", "LEAK", "crash", "weak", "invisible")}
    for c in classes:
        t = table[c]
        for k in tot:
            tot[k] += t[k]
        lines.append("| %s | %d | %d | %d | %d | %s | %d | %d | %d |" % (
            c, t["total"], t["visible"], t["found"], t["unscannable"],
            ("**%d**" % t["LEAK"]) if t["LEAK"] else "0", t["crash"], t["weak"], t["invisible"]))
    lines.append("| **all** | %d | %d | %d | %d | **%d** | %d | %d | %d |" % (
        tot["total"], tot["visible"], tot["found"], tot["unscannable"], tot["LEAK"], tot["crash"],
        tot["weak"], tot["invisible"]))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description="reader vs safeshare differential")
    ap.add_argument("--ctl", required=True)
    ap.add_argument("--corpus", default=os.path.join(HERE, "corpus"))
    ap.add_argument("--register", default=None)
    ap.add_argument("--worker", default=None)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--out", default="hostile-results.tsv")
    ap.add_argument("--markdown", default=None, help="also write the table as Markdown here")
    ap.add_argument("--class", dest="classes", action="append")
    ap.add_argument("--files", default=None)
    ap.add_argument("--check", action="store_true",
                    help="exit 1 if any reader-visible needle leaks or crashes, or a must-detect "
                         "message is only held as unscannable (for a test suite)")
    ap.add_argument("--milter-class", dest="milter_classes", default=None,
                    help="with --milter: only these classes (comma-separated) go through "
                         "the milter protocol")
    ap.add_argument("--known", default=None, metavar="FILE",
                    help="with --check: the files (one a line, '#' comments) still known to "
                         "fail; any other failure fails the check, and so does a listed file "
                         "that no longer fails (take it off the list)")
    ap.add_argument("--milter", default=None, metavar="BIN",
                    help="also hand each message to this safeshare-milter over the milter "
                         "protocol (as Postfix would) and report that table too")
    a = ap.parse_args()
    rows = load_manifest(a.corpus)
    if a.classes:
        rows = [r for r in rows if r["class"] in a.classes]
    if a.files:
        want = set(a.files.split(","))
        rows = [r for r in rows if r["file"] in want]
    register = a.register or os.path.join(os.path.dirname(os.path.abspath(a.ctl)), "..", "..",
                                          "tests", "integration", "register-lab.txt")
    if not os.path.exists(register):
        sys.exit("differential: no register at %s (give --register)" % register)
    with tempfile.TemporaryDirectory(prefix="ss-hostile-") as tmp:
        conf = write_config(tmp, os.path.abspath(register), a.worker or find_worker(a.ctl))

        def one(r):
            path = os.path.join(a.corpus, r["file"])
            with open(path, "rb") as f:
                raw = f.read()
            hits = reader_sees(raw, r["needle"])
            scan = path + ".milter" if r.get("scan_as") == "milter" else path
            crash, answer = run_engine(a.ctl, conf, scan, a.timeout)
            res = dict(r, visible=bool(hits), seen_at=hits[0] if hits else "",
                       outcome=outcome(r["needle"], crash, answer), crash=crash or "",
                       action=answer.get("action", "") if answer else "",
                       rule=answer.get("rule", "") if answer else "",
                       findings=",".join("%s/%s@%s" % (f.get("type"), f.get("confidence"), f.get("location"))
                                         for f in (answer or {}).get("findings", [])),
                       unscanned="; ".join("%s: %s" % (u.get("location"), u.get("why"))
                                           for u in (answer or {}).get("unscanned", [])))
            return res

        with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
            results = list(ex.map(one, rows))
        mresults = []
        if a.milter:
            sock = os.path.join(tmp, "sock")
            with open(a.out + ".milter.log", "wb") as log:
                proc = start_milter(a.milter, conf, sock, log)
                try:
                    want = set(a.milter_classes.split(",")) if a.milter_classes else None
                    for r in results:
                        if want is not None and r["class"] not in want:
                            continue
                        with open(os.path.join(a.corpus, r["file"]), "rb") as f:
                            raw = f.read()
                        crash, ans = milter_verdict(sock, raw, a.timeout)
                        if crash and proc.poll() is not None:
                            crash += " (the milter died: restarted)"
                            proc = start_milter(a.milter, conf, sock, log)
                        mresults.append(dict(r, outcome=milter_outcome(r["needle"], crash, ans),
                                             crash=crash or "", action=ans["action"] if ans else "",
                                             rule="milter", findings=(ans or {}).get("reply", "")[:300],
                                             unscanned=""))
                finally:
                    proc.terminate()
                    proc.wait()
    cols = ["file", "class", "variant", "where", "needle", "expected", "scan_as", "visible", "seen_at",
            "outcome", "action", "rule", "crash", "findings", "unscanned"]
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("\t".join(cols) + "\n")
        for r in results:
            f.write("\t".join(str(r[c]).replace("\t", " ").replace("\n", " ") for c in cols) + "\n")
    classes, table = summarise(results)
    md = "safesharectl explain (the file as it is):\n\n" + markdown_table(classes, table)
    if mresults:
        with open(os.path.splitext(a.out)[0] + "-milter.tsv", "w", encoding="utf-8") as f:
            f.write("\t".join(cols) + "\n")
            for r in mresults:
                f.write("\t".join(str(r[c]).replace("\t", " ").replace("\n", " ") for c in cols) + "\n")
        mc, mt = summarise(mresults)
        md += "\n\nsafeshare-milter over the milter protocol (headers and body as Postfix hands them over):\n\n" \
            + markdown_table(mc, mt)
    print(md)
    if a.markdown:
        with open(a.markdown, "w", encoding="utf-8") as f:
            f.write(md + "\n")
    for title, res in (("explain", results), ("milter protocol", mresults)):
        if not res:
            continue
        print("\nLeaks and crashes (%s):" % title)
        for c in classes:
            leaks = [r for r in res if r["class"] == c and r["visible"] and r["outcome"] in ("LEAK", "crash")]
            if not leaks:
                continue
            print("%s: %d leaking or crashing" % (c, len(leaks)))
            for r in leaks:
                print("  %s  %s%s" % (r["outcome"], r["file"], ("  [" + r["crash"] + "]") if r["crash"] else ""))
    if a.check:
        bad = [r for r in results + mresults if r["outcome"] == "crash" or
               (r["visible"] and (r["outcome"] == "LEAK" or
                                  (r["outcome"] == "unscannable" and r["expected"] == "must-detect")))]
        known = load_known(a.known)
        failing = set(r["file"] for r in bad)
        new = [r for r in bad if r["file"] not in known]
        ran = set(r["file"] for r in results)
        mended = sorted(f for f in known if f in ran and f not in failing)
        for r in new:
            print("not ok: %s %s (%s)" % (r["outcome"], r["file"], r.get("crash") or r["rule"]))
        for f in mended:
            print("not ok: %s no longer fails: take it off %s" % (f, a.known))
        nbad = len(new) + len(mended)
        print("\nknown failures still failing: %d" % (len(bad) - len(new)))
        print("\n%d passed, %d failed" % (len(results) + len(mresults) - len(bad), nbad))
        return 1 if nbad else 0
    return 0


def load_known(path):
    if not path:
        return set()
    with open(path, encoding="utf-8") as f:
        return set(l.split("#")[0].strip() for l in f if l.split("#")[0].strip())


if __name__ == "__main__":
    sys.exit(main())
