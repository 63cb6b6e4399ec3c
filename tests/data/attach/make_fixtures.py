#!/usr/bin/env python3
"""Writes the attachment fixtures in this directory (deterministic: fixed
timestamps and order). Run it again after changing it and commit the
output; the tests read the committed files.

Identifiers are NHS test-range values only (943 476 5919, 999 …)."""
import io
import os
import struct
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
NHS = "943 476 5919"
STAMP = (1980, 1, 1, 0, 0, 0)

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def zip_bytes(entries, stored=()):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = (zipfile.ZIP_STORED if name in stored
                                  else zipfile.ZIP_DEFLATED)
            z.writestr(info, data)
    return buf.getvalue()


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def wdoc(root, body):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:%s %s>%s</w:%s>' % (root, W, body, root)).encode()


def docx():
    # the number split across three runs, as Word does after an edit
    body = ('<w:body><w:p><w:r><w:t>Child NHS </w:t></w:r>'
            '<w:r><w:t>943</w:t></w:r><w:r><w:t xml:space="preserve"> 476</w:t></w:r>'
            '<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve"> 5919</w:t></w:r></w:p>'
            '<w:p><w:r><w:instrText> PAGE 9990000018 </w:instrText></w:r></w:p>'
            '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>943</w:t></w:r></w:p></w:tc>'
            '<w:tc><w:p><w:r><w:t>476</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
            '<w:p><w:r><w:t>Fish &amp; chips &#163;5</w:t></w:r></w:p></w:body>')
    return zip_bytes([
        ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
        ("word/document.xml", wdoc("document", body)),
        ("word/header1.xml", wdoc("hdr", '<w:p><w:r><w:t>Header ' + NHS + '</w:t></w:r></w:p>')),
        ("word/footer1.xml", wdoc("ftr", '<w:p><w:r><w:t>OFFICIAL-SENSITIVE</w:t></w:r></w:p>')),
        ("word/comments.xml", wdoc("comments",
                                   '<w:comment w:id="0"><w:p><w:r><w:t>Check '
                                   + NHS + '</w:t></w:r></w:p></w:comment>')),
        ("word/media/image1.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
    ])


def xlsx():
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    wb = ('<workbook %s %s><sheets><sheet name="Pupils" sheetId="1" r:id="rId1"/>'
          '<sheet name="Staff &amp; rooms" sheetId="2" r:id="rId2"/></sheets></workbook>' % (ns, rns))
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId2" Type="ws" Target="worksheets/sheet2.xml"/>'
            '<Relationship Id="rId1" Type="ws" Target="/xl/worksheets/sheet1.xml"/>'
            '</Relationships>')
    sst = ('<sst %s count="3"><si><t>Name</t></si><si><t>NHS number</t></si>'
           '<si><r><t>An</t></r><r><t>n</t></r><rPh><t>ignored</t></rPh></si></sst>' % ns)
    s1 = ('<worksheet %s><sheetData>'
          '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
          '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>9434765919</v></c>'
          '<c r="D2" t="inlineStr"><is><t>' + NHS + '</t></is></c>'
          '<c r="E2"><f>SUM(B2)</f><v>3</v></c></row>'
          '</sheetData></worksheet>') % ns
    s2 = ('<worksheet %s><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Room</t></is></c>'
          '<c r="B1"><v>12</v></c></row></sheetData></worksheet>') % ns
    return zip_bytes([
        ("[Content_Types].xml", b"<Types/>"),
        ("xl/workbook.xml", wb.encode()),
        ("xl/_rels/workbook.xml.rels", rels.encode()),
        ("xl/sharedStrings.xml", sst.encode()),
        ("xl/worksheets/sheet1.xml", s1.encode()),
        ("xl/worksheets/sheet2.xml", s2.encode()),
    ])


def pptx():
    a = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    slide = '<p:sld %s><a:p><a:r><a:t>Slide %s</a:t></a:r></a:p></p:sld>'
    return zip_bytes([
        ("[Content_Types].xml", b"<Types/>"),
        ("ppt/presentation.xml", b"<p:presentation/>"),
        ("ppt/slides/slide10.xml", (slide % (a, "ten")).encode()),
        ("ppt/slides/slide2.xml", (slide % (a, "two " + NHS)).encode()),
        ("ppt/notesSlides/notesSlide1.xml", (slide % (a, "note")).encode()),
    ])


ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"')


def odf(mimetype, body, styles):
    content = ('<office:document-content %s><office:font-face-decls/>'
               '<office:body>%s</office:body></office:document-content>' % (ODF_NS, body))
    st = ('<office:document-styles %s><office:master-styles><style:master-page>'
          '%s</style:master-page></office:master-styles></office:document-styles>' % (ODF_NS, styles))
    return zip_bytes([("mimetype", mimetype.encode()),
                      ("content.xml", content.encode()),
                      ("styles.xml", st.encode()),
                      ("META-INF/manifest.xml", b"<manifest/>")],
                     stored=("mimetype",))


def odt():
    body = ('<office:text><text:p>NHS 943<text:span> 476</text:span><text:s/>5919</text:p>'
            '<text:p>second<text:tab/>line</text:p></office:text>')
    styles = '<style:header><text:p>Header ' + NHS + '</text:p></style:header>'
    return odf("application/vnd.oasis.opendocument.text", body, styles)


def ods():
    row = '<table:table-row>%s</table:table-row>'
    cell = '<table:table-cell><text:p>%s</text:p></table:table-cell>'
    body = ('<office:spreadsheet>'
            '<table:table table:name="Pupils">' + row % (cell % "Name" + cell % "NHS number")
            + row % (cell % "Ann" + '<table:table-cell table:number-columns-repeated="2"/>'
                     + cell % NHS) + '</table:table>'
            '<table:table table:name="Other">' + row % (cell % "x") + '</table:table>'
            '</office:spreadsheet>')
    return odf("application/vnd.oasis.opendocument.spreadsheet", body, "")


def rtf():
    return (b"{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss Arial 9434765919;}}"
            b"{\\colortbl;\\red0\\green0\\blue0;}{\\*\\generator Riched20 10.0.1;}"
            b"\\f0\\fs22 Fee \\'a3 5\\par NHS 943 476\\~5919 \\u8212? done\\par"
            b"{\\field{\\*\\fldinst HYPERLINK \"x\"}{\\fldrslt link}}"
            b"\\trowd\\cellx1000\\cellx2000 943\\cell 476\\cell\\row}")


CSV = "Name,NHS number\r\nAnn,943 476 5919\r\n"


def encrypted(zipdata):
    """Set the 'encrypted' flag bit on every local and central header."""
    b = bytearray(zipdata)
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = b.find(sig)
        while i >= 0:
            flags = struct.unpack_from("<H", b, i + off)[0]
            struct.pack_into("<H", b, i + off, flags | 1)
            i = b.find(sig, i + 4)
    return bytes(b)


def hostile():
    """The hostile-MIME classes' attachments (issue 13), written by the
    generator's own TNEF and XLSX writers (tests/hostile/gen_hostile.py)."""
    import sys
    sys.path.insert(0, os.path.join(HERE, "..", "..", "hostile"))
    import gen_hostile as g
    text = "Pupil: Jamie Smith, %s." % NHS
    inner = g.tnef(pr_body="Forwarded inside", attachments=[("inner.txt", b"inner " + NHS.encode())])
    write("winmail.dat", g.tnef(subject="Notes", pr_body=text,
                                attachments=[("pupils.csv", ("name,nhs\r\nJamie Smith,%s\r\n"
                                                             % NHS).encode()),
                                             ("inner.dat", inner)]))
    write("winmail-unicode.dat", g.tnef(pr_body_unicode=text))
    serial = g.excel_serial("2015-03-04")
    rows = [["Name", "Date of birth", "Born", "Reference", "Ref 2"],
            ["Jamie Smith", ("n", str(serial), 1), ("n", str(serial), 2),
             ("n", "9.434765919E9", 0), ("n", "9434765919", 3)]]
    write("dates.xlsx", g.xlsx(rows, [(14, None), (164, "[$-809]dd/mm/yyyy;@"),
                                      (165, "000 000 0000")]))
    # a DOCX or PPTX holding none of the parts the reader wants
    write("empty.docx", zip_bytes([("[Content_Types].xml", "<Types/>"),
                                   ("word/document.xml", "<w:document " + W + "/>")])
          .replace(b"word/document.xml", b"word/documenX.xml"))


def main():
    d = docx()
    hostile()
    write("referral.docx", d)
    write("pupils.xlsx", xlsx())
    write("deck.pptx", pptx())
    write("notes.odt", odt())
    write("pupils.ods", ods())
    write("letter.rtf", rtf())
    write("utf16le-bom.csv", b"\xff\xfe" + CSV.encode("utf-16-le"))
    write("utf16le-nobom.csv", CSV.encode("utf-16-le"))
    write("case.zip", zip_bytes([("notes/referral.docx", d),
                                 ("notes/readme.txt", ("Ref " + NHS + "\n").encode()),
                                 ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32)]))
    write("nested.zip", zip_bytes([("inner.zip", zip_bytes([("deep.zip", zip_bytes(
        [("deeper.zip", zip_bytes([("a.txt", b"deep")]))]))]))]))
    write("bomb.zip", zip_bytes([("zeros.txt", b"0" * (4 << 20))]))
    write("encrypted.zip", encrypted(zip_bytes([("secret.txt", ("NHS " + NHS).encode())],
                                               stored=("secret.txt",))))
    case = zip_bytes([("a.txt", b"x" * 5000), ("b.txt", b"y" * 5000)])
    write("corrupt.zip", case[:40] + b"\xde\xad\xbe\xef" * 16 + case[104:])


if __name__ == "__main__":
    main()
