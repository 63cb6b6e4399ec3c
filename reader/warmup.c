/* Before a pooled reader locks itself down (reader/serve.c), it reads one
 * small document of every kind, built here in memory, through the same
 * readers a job uses. Libraries load what they load lazily the first time
 * (glib's type system, libarchive's zip and zlib state, poppler's
 * GlobalParams and its data files, glibc's qsort page count, the gconv
 * modules text decoding uses) while opening files is still allowed; under
 * the filter any such open would kill the reader.
 *
 * Three things would otherwise open files on every job, and are fixed for
 * the reader's life instead: dates (TZ=UTC0, a rule with no file, so no
 * /etc/localtime), poppler's GlobalParams (created with the first open
 * document and deleted with the last: one document is kept open), and
 * glib's default log writer (it asks isatty() and the time zone for each
 * warning: replaced by one that discards; stderr is /dev/null anyway). */
#include "warmup.h"
#include "fmt_int.h"

#include <archive.h>
#include <archive_entry.h>
#include <poppler.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NHS "943 476 5919"
#define W "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
#define S "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
#define ODF "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" " \
            "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\""

typedef struct {
    const char *name;
    const char *data;
    size_t len;               /* 0: strlen(data) */
} entry;

/* A ZIP of the entries, deflated (stored where name is "mimetype"). */
static void zip_of(const entry *e, size_t n, ss_buf *out)
{
    size_t cap = 65536, used = 0;
    unsigned char *buf = ss_xmalloc(cap);
    struct archive *a = archive_write_new();
    archive_write_set_format_zip(a);
    archive_write_open_memory(a, buf, cap, &used);
    for (size_t i = 0; i < n; i++) {
        size_t len = e[i].len ? e[i].len : strlen(e[i].data);
        struct archive_entry *ae = archive_entry_new();
        archive_entry_set_pathname(ae, e[i].name);
        archive_entry_set_filetype(ae, AE_IFREG);
        archive_entry_set_perm(ae, 0644);
        archive_entry_set_size(ae, (la_int64_t)len);
        archive_write_zip_set_compression_deflate(a);
        if (!strcmp(e[i].name, "mimetype"))
            archive_write_zip_set_compression_store(a);
        archive_write_header(a, ae);
        archive_write_data(a, e[i].data, len);
        archive_entry_free(ae);
    }
    archive_write_close(a);
    archive_write_free(a);
    ss_buf_add(out, buf, used);
    free(buf);
}

/* A one-page PDF with a Type1 font, a UTF-16BE title, a text annotation
 * and dates: every path poppler takes for a letter. */
static void pdf(ss_buf *out)
{
    static const char *const obj[] = {
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> /Annots [6 0 R] >>",
        NULL,                   /* the page's content stream, below */
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        "<< /Type /Annot /Subtype /Text /Rect [0 0 10 10] /Contents (note) "
        "/M (D:20240101000000Z) >>",
        "<< /Title (\xfe\xff\\000w\\000a\\000r\\000m) /CreationDate (D:20240101000000Z) >>",
    };
    static const char content[] = "BT /F1 12 Tf 72 720 Td (warm page) Tj ET";
    size_t n = sizeof obj / sizeof *obj, at[sizeof obj / sizeof *obj];
    ss_buf_adds(out, "%PDF-1.4\n");
    for (size_t i = 0; i < n; i++) {
        at[i] = out->len;
        ss_buf_printf(out, "%zu 0 obj\n", i + 1);
        if (obj[i])
            ss_buf_printf(out, "%s\nendobj\n", obj[i]);
        else
            ss_buf_printf(out, "<< /Length %zu >>\nstream\n%s\nendstream\nendobj\n",
                          sizeof content - 1, content);
    }
    size_t xref = out->len;
    ss_buf_printf(out, "xref\n0 %zu\n0000000000 65535 f \n", n + 1);
    for (size_t i = 0; i < n; i++)
        ss_buf_printf(out, "%010zu 00000 n \n", at[i]);
    ss_buf_printf(out, "trailer\n<< /Size %zu /Root 1 0 R /Info 7 0 R >>\nstartxref\n%zu\n"
                  "%%%%EOF\n", n + 1, xref);
}

static void docx(ss_buf *out)
{
    const entry e[] = {
        { "[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>", 0 },
        { "word/document.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document " W
          "><w:body><w:p><w:r><w:t>warm &amp; NHS " NHS "</w:t></w:r></w:p><w:tbl><w:tr>"
          "<w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body>"
          "</w:document>", 0 },
        { "word/header1.xml", "<w:hdr " W "><w:p><w:r><w:t>head</w:t></w:r></w:p></w:hdr>", 0 },
        { "word/comments.xml", "<w:comments " W "><w:comment><w:p><w:r><w:t>c</w:t></w:r>"
          "</w:p></w:comment></w:comments>", 0 },
    };
    zip_of(e, sizeof e / sizeof *e, out);
}

static void xlsx(ss_buf *out)
{
    const entry e[] = {
        { "[Content_Types].xml", "<Types/>", 0 },
        { "xl/workbook.xml", "<workbook " S " xmlns:r=\"r\"><sheets><sheet name=\"P\" "
          "sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>", 0 },
        { "xl/_rels/workbook.xml.rels", "<Relationships><Relationship Id=\"rId1\" "
          "Target=\"worksheets/sheet1.xml\"/></Relationships>", 0 },
        { "xl/sharedStrings.xml", "<sst " S "><si><t>Name</t></si><si><t>NHS number</t>"
          "</si></sst>", 0 },
        { "xl/worksheets/sheet1.xml", "<worksheet " S "><sheetData><row r=\"1\"><c r=\"A1\" "
          "t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row><row r=\"2\"><c r=\"A2\" "
          "t=\"inlineStr\"><is><t>Ann</t></is></c><c r=\"B2\"><v>9434765919</v></c></row>"
          "</sheetData></worksheet>", 0 },
    };
    zip_of(e, sizeof e / sizeof *e, out);
}

static void pptx_odt_archive(ss_buf *pptx, ss_buf *odt, ss_buf *archive, const ss_buf *doc)
{
    const entry p[] = {
        { "ppt/presentation.xml", "<p:presentation/>", 0 },
        { "ppt/slides/slide2.xml", "<p:sld><a:p><a:r><a:t>two</a:t></a:r></a:p></p:sld>", 0 },
        { "ppt/slides/slide1.xml", "<p:sld><a:p><a:r><a:t>one</a:t></a:r></a:p></p:sld>", 0 },
    };
    zip_of(p, sizeof p / sizeof *p, pptx);
    const entry o[] = {
        { "mimetype", "application/vnd.oasis.opendocument.text", 0 },
        { "content.xml", "<office:document-content " ODF "><office:body><office:text>"
          "<text:p>warm<text:s/>odt</text:p></office:text></office:body>"
          "</office:document-content>", 0 },
        { "styles.xml", "<office:document-styles " ODF "/>", 0 },
    };
    zip_of(o, sizeof o / sizeof *o, odt);
    static const char utf16[] = "\xff\xfeN\0H\0S\0\n\0";
    const entry a[] = {
        { "pupils.csv", utf16, sizeof utf16 - 1 },
        { "notes.txt", "caf\xe9 \xa3" "5\n", 0 },
        { "inner.docx", doc->p, doc->len },
    };
    zip_of(a, sizeof a / sizeof *a, archive);
}

static void discard(ssx_out *o, const char *sub, const char *t, size_t n) {}
static void discard_skip(ssx_out *o, const char *sub, const char *why, int u) {}

static GLogWriterOutput discard_log(GLogLevelFlags level, const GLogField *fields, gsize n,
                                    gpointer data)
{
    return G_LOG_WRITER_HANDLED;
}

static void read_one(const void *data, size_t len, const char *name)
{
    static const ss_attach_limits lim = { 1u << 20, 4u << 20, 3, 100, 10, 0, 0 };
    ssx_out o = { discard, discard_skip, NULL, 0 };
    ssx_read_any(data, len, "", name, NULL, &lim, 0, &o);
}

void ssx_warm_up(void)
{
    setenv("TZ", "UTC0", 1);
    tzset();
    g_log_set_writer_func(discard_log, NULL, NULL);
    ss_text_init();
    ss_buf d = SS_BUF_INIT, x = SS_BUF_INIT, p = SS_BUF_INIT, o = SS_BUF_INIT,
           z = SS_BUF_INIT, f = SS_BUF_INIT;
    static const char rtf[] = "{\\rtf1\\ansi\\ansicpg1251{\\fonttbl x}\\'cf warm\\u1055?\\par}";
    docx(&d);
    xlsx(&x);
    pptx_odt_archive(&p, &o, &z, &d);
    pdf(&f);
    /* kept open for the reader's life: poppler's GlobalParams with it */
    static PopplerDocument *pinned;
    GBytes *bytes = g_bytes_new(f.p, f.len);
    pinned = poppler_document_new_from_bytes(bytes, NULL, NULL);
    g_bytes_unref(bytes);
    read_one(d.p, d.len, "w.docx");
    read_one(x.p, x.len, "w.xlsx");
    read_one(p.p, p.len, "w.pptx");
    read_one(o.p, o.len, "w.odt");
    read_one(z.p, z.len, "w.zip");
    read_one(f.p, f.len, "w.pdf");
    read_one(f.p, f.len / 2, "w.pdf");          /* damaged: poppler's error path */
    read_one(rtf, sizeof rtf - 1, "w.rtf");
    (void)pinned;
    ss_buf_free(&d);
    ss_buf_free(&x);
    ss_buf_free(&p);
    ss_buf_free(&o);
    ss_buf_free(&z);
    ss_buf_free(&f);
}
