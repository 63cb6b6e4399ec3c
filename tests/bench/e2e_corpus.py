"""The messages `make bench-e2e` sends: what a school or a clinic sends
most days, secure address to secure address, plus one insecure share that
safeshare refuses.  Deterministic (a fixed seed, fixed boundaries), so
every run and every machine sends the same bytes.

    write_corpus(directory, mkdoc) -> {kind: path}

mkdoc is the path of tests/bench/mkdoc (cairo documents: the PDF letter,
the scanned page).  Messages are written with CRLF line ends, as
smtp-source sends a file as it is."""

import io
import os
import random
import subprocess
import zipfile

SENDER = "teacher@stmarys.sch.uk"
SECURE_RCPT = "social.worker@exampleshire.gov.uk"
INSECURE_RCPT = "parent.home@gmail.com"

STAMP = (2026, 11, 3, 9, 0, 0)
WORDS = ("the and to of a in is for that we with on as be this will have are at "
         "from by our please can would school pupils parents meeting week term "
         "class teacher year group today Monday Friday support plan review "
         "attendance homework lunch letter form health nurse appointment family "
         "mother father carer home visit report progress reading writing maths "
         "science office team staff children service council information update "
         "arrangements discussed agreed noted confirmed asked called sent attached "
         "following previous next after before during about again also only").split()


def nhs_number(rng):
    """A valid NHS number in the 9xx test range (never issued to anyone)."""
    while True:
        d = [9, 4] + [rng.randrange(10) for _ in range(7)]
        s = sum(v * (10 - i) for i, v in enumerate(d))
        check = 11 - s % 11
        if check == 11:
            check = 0
        if check != 10:
            n = "".join(map(str, d + [check]))
            return "%s %s %s" % (n[:3], n[3:6], n[6:])


def prose(rng, size, with_number=True):
    """About size bytes of paragraphs; one pupil's NHS number in the first."""
    out, length = [], 0
    first = True
    while length < size:
        words = [rng.choice(WORDS) for _ in range(rng.randrange(40, 90))]
        para = " ".join(words).capitalize() + "."
        if first and with_number:
            para += " The pupil's NHS number is %s." % nhs_number(rng)
            first = False
        out.append(para)
        length += len(para) + 2
    return "\n\n".join(out)[:size] + "\n"


def wrap(text, width=76):
    lines = []
    for para in text.split("\n"):
        while len(para) > width:
            cut = para.rfind(" ", 0, width)
            cut = cut if cut > 0 else width
            lines.append(para[:cut])
            para = para[cut + 1:]
        lines.append(para)
    return "\n".join(lines)


def zipped(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="%s" ContentType="%s"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="%s"/></Relationships>')
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx(rng, pages=6):
    """A referral form as Word writes one: styled runs, a table of the
    child's details, several pages of notes, and the styles part."""
    nhs = nhs_number(rng)
    rows = [("Child's name", "Alfie Smith"), ("Date of birth", "14/03/2017"),
            ("NHS number", nhs), ("School", "St Mary's Primary"),
            ("Reason for referral", "Concerns about neglect and missed appointments")]
    table = "".join('<w:tr><w:tc><w:p><w:r><w:rPr><w:b/></w:rPr><w:t>%s</w:t></w:r></w:p></w:tc>'
                    '<w:tc><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:tc></w:tr>' % r for r in rows)
    paras = []
    for _ in range(pages * 12):
        words = [rng.choice(WORDS) for _ in range(rng.randrange(30, 60))]
        runs = "".join('<w:r><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial"/><w:sz w:val="22"/>'
                       '</w:rPr><w:t xml:space="preserve">%s </w:t></w:r>' % " ".join(words[i:i + 8])
                       for i in range(0, len(words), 8))
        paras.append('<w:p><w:pPr><w:spacing w:after="160"/></w:pPr>%s</w:p>' % runs)
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document %s><w:body>'
           '<w:p><w:r><w:t>Early help referral form</w:t></w:r></w:p><w:tbl>%s</w:tbl>%s'
           '</w:body></w:document>' % (W, table, "".join(paras)))
    styles = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles %s>%s</w:styles>'
              % (W, "".join('<w:style w:type="paragraph" w:styleId="S%d"><w:name w:val="Style %d"/>'
                            '<w:rPr><w:sz w:val="%d"/></w:rPr></w:style>' % (i, i, 18 + i % 8)
                            for i in range(120))))
    return zipped([
        ("[Content_Types].xml", CT % ("/word/document.xml", "application/vnd.openxmlformats-"
                                      "officedocument.wordprocessingml.document.main+xml")),
        ("_rels/.rels", RELS % "word/document.xml"),
        ("word/document.xml", doc),
        ("word/styles.xml", styles),
        ("docProps/core.xml", '<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.'
         'openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/'
         'elements/1.1/"><dc:title>Referral</dc:title></cp:coreProperties>'),
    ])


def xlsx(rng, pupils=30):
    """A class register: name, date of birth, NHS number, year group."""
    S = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    first = "Alfie Amelia Oliver Isla Noah Ava Leo Mia Arthur Ivy Oscar Lily".split()
    last = "Smith Jones Patel Khan Evans Taylor Brown Nowak Okafor Wilson".split()
    strings = ["Name", "Date of birth", "NHS number", "Year"]
    rows = ['<row r="1">%s</row>' % "".join('<c r="%s1" t="s"><v>%d</v></c>' % (c, i)
                                           for i, c in enumerate("ABCD"))]
    for r in range(2, pupils + 2):
        name = "%s %s" % (rng.choice(first), rng.choice(last))
        dob = "%02d/%02d/%d" % (rng.randrange(1, 29), rng.randrange(1, 13), rng.randrange(2015, 2020))
        vals = [name, dob, nhs_number(rng)]
        cells = []
        for c, v in zip("ABC", vals):
            strings.append(v)
            cells.append('<c r="%s%d" t="s"><v>%d</v></c>' % (c, r, len(strings) - 1))
        cells.append('<c r="D%d"><v>%d</v></c>' % (r, rng.randrange(1, 7)))
        rows.append('<row r="%d">%s</row>' % (r, "".join(cells)))
    sst = ('<?xml version="1.0" encoding="UTF-8"?><sst %s count="%d">%s</sst>'
           % (S, len(strings), "".join("<si><t>%s</t></si>" % s for s in strings)))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet %s><sheetData>%s</sheetData>'
             '</worksheet>' % (S, "".join(rows)))
    wb = ('<?xml version="1.0" encoding="UTF-8"?><workbook %s xmlns:r="http://schemas.'
          'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Register" '
          'sheetId="1" r:id="rId1"/></sheets></workbook>' % S)
    wrels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
             'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
             'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
             'Target="worksheets/sheet1.xml"/></Relationships>')
    return zipped([
        ("[Content_Types].xml", CT % ("/xl/workbook.xml", "application/vnd.openxmlformats-"
                                      "officedocument.spreadsheetml.sheet.main+xml")),
        ("_rels/.rels", RELS % "xl/workbook.xml"),
        ("xl/workbook.xml", wb), ("xl/_rels/workbook.xml.rels", wrels),
        ("xl/sharedStrings.xml", sst), ("xl/worksheets/sheet1.xml", sheet),
    ])


BOUNDARY = "=_safeshare_bench_0001"
TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".txt": "text/plain",
}


def b64_lines(data):
    import base64
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76))


def message(subject, body, attachments=(), rcpt=SECURE_RCPT):
    """Headers as Outlook writes them; a multipart/mixed when attaching."""
    head = ["From: Ms Jo Teacher <%s>" % SENDER, "To: <%s>" % rcpt,
            "Subject: %s" % subject, "Date: Tue, 03 Nov 2026 09:00:00 +0000",
            "Message-ID: <bench.%d@stmarys.sch.uk>" % (abs(hash(subject)) % 10**8),
            "MIME-Version: 1.0"]
    text_part = ["Content-Type: text/plain; charset=utf-8",
                 "Content-Transfer-Encoding: 8bit", "", wrap(body)]
    if not attachments:
        out = head + text_part
    else:
        out = head + ['Content-Type: multipart/mixed; boundary="%s"' % BOUNDARY, "",
                      "This is a multi-part message in MIME format.", "--" + BOUNDARY]
        out += text_part
        for name, data in attachments:
            ctype = TYPES[os.path.splitext(name)[1]]
            out += ["--" + BOUNDARY, 'Content-Type: %s; name="%s"' % (ctype, name),
                    'Content-Disposition: attachment; filename="%s"' % name,
                    "Content-Transfer-Encoding: base64", "", b64_lines(data)]
        out.append("--" + BOUNDARY + "--")
    return ("\r\n".join("\r\n".join(x.split("\n")) for x in out) + "\r\n").encode()


def mkdoc_file(mkdoc, what, directory, name):
    path = os.path.join(directory, name)
    subprocess.run([mkdoc, what, path], check=True)
    with open(path, "rb") as f:
        return f.read()


def build(directory, mkdoc):
    """{kind: (message bytes, recipient)} for every kind the benchmark sends."""
    rng = random.Random(20261103)
    note = "Please find attached the %s we discussed. Kind regards, Jo"
    letter = mkdoc_file(mkdoc, "letter", directory, "letter.pdf")
    referral, register = docx(rng), xlsx(rng)
    return {
        "text 5 KB": (message("Year 4 attendance", prose(rng, 5000)), SECURE_RCPT),
        "text 100 KB": (message("Minutes of the review", prose(rng, 100000)), SECURE_RCPT),
        "DOCX referral": (message("Referral", note % "referral form",
                                  [("referral.docx", referral)]), SECURE_RCPT),
        "PDF letter": (message("Letter", note % "letter", [("letter.pdf", letter)]), SECURE_RCPT),
        "XLSX register": (message("Class register", note % "register",
                                  [("register.xlsx", register)]), SECURE_RCPT),
        "ZIP of three": (message("Case papers", note % "case papers",
                                 [("case.zip", zipped([("referral.docx", referral),
                                                       ("register.xlsx", register),
                                                       ("letter.pdf", letter)]))]), SECURE_RCPT),
        "insecure, refused": (message("Year 4 attendance", prose(rng, 5000), rcpt=INSECURE_RCPT),
                              INSECURE_RCPT),
    }


def sized(size, rng_seed=7):
    """A message of about size bytes for the memory rows: a text body and
    attachments of every kind the readers take, each a few MB at most, so
    a large message is many parts (as large mail is) rather than one."""
    rng = random.Random(rng_seed)
    body = prose(rng, min(size, 4000))
    parts, have, i = [], len(body), 0
    while have < size * 0.97:
        chunk = min(4 << 20, int((size - have) * 0.74))
        if chunk < 2000:
            break
        if i % 2 == 0:
            data = prose(rng, chunk).encode()
            parts.append(("notes%d.txt" % i, data))
        else:
            data = zipped([("part%d.txt" % i, prose(rng, chunk))])
            parts.append(("notes%d.zip" % i, data))
        have += len(data) * 4 // 3 + 300
        i += 1
    return message("Large %d" % size, body, parts)
