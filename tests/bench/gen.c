/* Benchmark input generators. The mix of tokens is tuned so a 5 KB mail
 * reads like a referral or a school newsletter: mostly prose, a few
 * numbers and dates, a phone number, now and then an identifier with its
 * keyword and a safeguarding term. */
#include "gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gen_seed(gen_rng *r, uint64_t seed)
{
    r->s = seed ? seed : 0x9E3779B97F4A7C15ull;
}

uint64_t gen_next(gen_rng *r)
{
    /* xorshift64*: fast, and identical everywhere */
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545F4914F6CDD1Dull;
}

static unsigned pick(gen_rng *r, unsigned n)
{
    return (unsigned)((gen_next(r) >> 33) % n);
}

static const char *const words[] = {
    "the", "the", "the", "and", "and", "to", "to", "of", "of", "a", "a", "in",
    "is", "for", "that", "we", "you", "it", "with", "on", "as", "be", "this",
    "will", "have", "are", "at", "from", "by", "our", "your", "please", "can",
    "would", "school", "pupils", "parents", "meeting", "week", "term", "class",
    "teacher", "year", "group", "today", "tomorrow", "Monday", "Friday",
    "support", "plan", "review", "attendance", "homework", "lunch", "trip",
    "letter", "form", "health", "nurse", "appointment", "clinic", "family",
    "mother", "father", "carer", "home", "visit", "report", "concern",
    "progress", "reading", "writing", "maths", "science", "library", "office",
    "team", "staff", "children", "child", "young", "people", "service",
    "council", "information", "update", "arrangements", "discussed", "agreed",
    "noted", "confirmed", "asked", "called", "sent", "attached", "below",
    "above", "following", "previous", "next", "after", "before", "during",
    "about", "again", "also", "only", "still", "very", "well", "good",
    "behaviour", "wellbeing", "assessment", "referral", "outcome", "action",
    "headteacher", "governors", "consent", "details", "address", "contact",
    "number", "date", "time", "room", "hall", "playground", "uniform",
    "transport", "bus", "register", "absence", "medical", "allergy", "inhaler",
    "Exampleshire", "Oakfield", "Riverside", "Ms", "Mr", "Mrs", "Jones",
    "Patel", "Smith", "Okafor", "Nowak", "Evans", "Khan", "Taylor", "Brown",
};
#define NWORDS (sizeof words / sizeof *words)

static const char *const sg[] = {
    "child protection plan", "social worker", "safeguarding", "early help",
    "strategy meeting", "looked after child", "DSL", "neglect",
    "child in need plan", "MASH", "designated safeguarding lead",
};

static const char *const kw[] = {
    "NHS number", "NHS No.", "patient number", "CHI number", "UPN", "ULN",
    "National Insurance number", "date of birth", "DOB", "GP",
};

/* A valid NHS number (mod 11, issued range), as the 3-3-4 or contiguous
 * form. */
static void nhs(gen_rng *r, ss_buf *out)
{
    for (;;) {
        char d[11];
        d[0] = (char)('4' + pick(r, 4) / 2 * 2);   /* 4xx or 6xx */
        int sum = (d[0] - '0') * 10;
        for (int i = 1; i < 9; i++) {
            d[i] = (char)('0' + pick(r, 10));
            sum += (d[i] - '0') * (10 - i);
        }
        int chk = 11 - sum % 11;
        if (chk == 10)
            continue;
        d[9] = (char)('0' + (chk == 11 ? 0 : chk));
        d[10] = '\0';
        if (pick(r, 2))
            ss_buf_printf(out, "%.3s %.3s %.4s", d, d + 3, d + 6);
        else
            ss_buf_adds(out, d);
        return;
    }
}

/* One token that is not a plain word. */
static void special(gen_rng *r, ss_buf *out, int utf8)
{
    switch (pick(r, 12)) {
    case 0: case 1: case 2:
        ss_buf_printf(out, "%u", pick(r, 2000));
        break;
    case 3: case 4:
        ss_buf_printf(out, "%02u/%02u/20%02u", 1 + pick(r, 28), 1 + pick(r, 12), pick(r, 26));
        break;
    case 5:
        ss_buf_printf(out, "01632 960%03u", pick(r, 1000));
        break;
    case 6:
        ss_buf_printf(out, "%s%u.%02u", utf8 ? "\xC2\xA3" : "GBP ", pick(r, 500), pick(r, 100));
        break;
    case 7:
        ss_buf_printf(out, "INV-%06u", pick(r, 1000000));
        break;
    case 8:
        ss_buf_printf(out, "9:%02u%s", pick(r, 60), utf8 ? " \xE2\x80\x93 10:00" : " - 10:00");
        break;
    case 9:
        ss_buf_adds(out, sg[pick(r, sizeof sg / sizeof *sg)]);
        break;
    case 10:
        ss_buf_adds(out, kw[pick(r, sizeof kw / sizeof *kw)]);
        break;
    default:
        if (pick(r, 4) == 0) {
            ss_buf_adds(out, "NHS number ");
            nhs(r, out);
        } else {
            ss_buf_printf(out, "07700 900%03u", pick(r, 1000));
        }
        break;
    }
}

static void sentence(gen_rng *r, ss_buf *out, int utf8)
{
    unsigned n = 6 + pick(r, 14);
    for (unsigned i = 0; i < n; i++) {
        if (i)
            ss_buf_addc(out, ' ');
        if (pick(r, 14) == 0) {
            special(r, out, utf8);
            continue;
        }
        const char *w = words[pick(r, NWORDS)];
        size_t at = out->len;
        ss_buf_adds(out, w);
        if (i == 0 && out->p[at] >= 'a' && out->p[at] <= 'z')
            out->p[at] = (char)(out->p[at] - 32);
        if (pick(r, 40) == 0)
            ss_buf_adds(out, utf8 ? "\xE2\x80\x99s" : "'s");
        else if (pick(r, 12) == 0)
            ss_buf_addc(out, ',');
    }
    ss_buf_adds(out, pick(r, 8) ? ". " : "? ");
}

void gen_prose(gen_rng *r, ss_buf *out, size_t bytes, int utf8)
{
    size_t end = out->len + bytes;
    while (out->len < end) {
        unsigned n = 2 + pick(r, 5);
        for (unsigned i = 0; i < n && out->len < end; i++)
            sentence(r, out, utf8);
        out->p[out->len - 1] = '\n';   /* the sentence's trailing space */
        ss_buf_addc(out, '\n');
    }
}

/* ---- HTML --------------------------------------------------------------*/

static void html_escape(ss_buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '&')
            ss_buf_adds(out, "&amp;");
        else if (s[i] == '<')
            ss_buf_adds(out, "&lt;");
        else if (s[i] == '>')
            ss_buf_adds(out, "&gt;");
        else if (i + 2 < n && memcmp(s + i, "\xE2\x80\x99", 3) == 0)
            ss_buf_adds(out, "&rsquo;"), i += 2;
        else
            ss_buf_addc(out, s[i]);
    }
}

void gen_html(const char *text, size_t len, ss_buf *out)
{
    ss_buf_adds(out, "<html><head><meta charset=\"utf-8\"><style>\n"
                "p.MsoNormal{margin:0cm;font-size:11pt;font-family:\"Calibri\",sans-serif}\n"
                "</style></head><body lang=\"EN-GB\"><div class=\"WordSection1\">\n");
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - text) : len;
        if (e > i) {
            ss_buf_adds(out, "<p class=\"MsoNormal\"><span style=\"font-size:11.0pt\">");
            html_escape(out, text + i, e - i);
            ss_buf_adds(out, "<o:p></o:p></span></p>\n");
        } else {
            ss_buf_adds(out, "<p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p>\n");
        }
        i = e + 1;
    }
    ss_buf_adds(out, "</div></body></html>\n");
}

/* ---- DOCX (ZIP with stored entries) -----------------------------------*/

static uint32_t crc32(const unsigned char *p, size_t n)
{
    static uint32_t table[256];
    if (table[1] == 0)
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static void le16(ss_buf *b, unsigned v)
{
    ss_buf_addc(b, (char)(v & 0xFF));
    ss_buf_addc(b, (char)((v >> 8) & 0xFF));
}

static void le32(ss_buf *b, uint32_t v)
{
    le16(b, v & 0xFFFF);
    le16(b, v >> 16);
}

typedef struct {
    const char *name;
    uint32_t crc, size, off;
} zentry;

static void zip_local(ss_buf *z, zentry *e, const char *data, size_t n)
{
    e->crc = crc32((const unsigned char *)data, n);
    e->size = (uint32_t)n;
    e->off = (uint32_t)z->len;
    le32(z, 0x04034b50);
    le16(z, 20), le16(z, 0), le16(z, 0), le16(z, 0), le16(z, 0x21);
    le32(z, e->crc), le32(z, e->size), le32(z, e->size);
    le16(z, (unsigned)strlen(e->name)), le16(z, 0);
    ss_buf_adds(z, e->name);
    ss_buf_add(z, data, n);
}

static void zip_central(ss_buf *z, const zentry *e, size_t n)
{
    uint32_t start = (uint32_t)z->len;
    for (size_t i = 0; i < n; i++) {
        le32(z, 0x02014b50);
        le16(z, 20), le16(z, 20), le16(z, 0), le16(z, 0), le16(z, 0), le16(z, 0x21);
        le32(z, e[i].crc), le32(z, e[i].size), le32(z, e[i].size);
        le16(z, (unsigned)strlen(e[i].name)), le16(z, 0), le16(z, 0);
        le16(z, 0), le16(z, 0), le32(z, 0), le32(z, e[i].off);
        ss_buf_adds(z, e[i].name);
    }
    uint32_t size = (uint32_t)z->len - start;
    le32(z, 0x06054b50);
    le16(z, 0), le16(z, 0), le16(z, (unsigned)n), le16(z, (unsigned)n);
    le32(z, size), le32(z, start), le16(z, 0);
}

static void xml_escape(ss_buf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '&')
            ss_buf_adds(out, "&amp;");
        else if (s[i] == '<')
            ss_buf_adds(out, "&lt;");
        else if (s[i] == '>')
            ss_buf_adds(out, "&gt;");
        else
            ss_buf_addc(out, s[i]);
    }
}

void gen_docx(const char *text, size_t len, ss_buf *out)
{
    static const char types[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
        "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
    static const char rels[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/"
        "2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
    ss_buf doc = SS_BUF_INIT;
    ss_buf_adds(&doc, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                "<w:document xmlns:w=\"http://schemas.openxmlformats.org/"
                "wordprocessingml/2006/main\"><w:body>");
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - text) : len;
        ss_buf_adds(&doc, "<w:p><w:r><w:t xml:space=\"preserve\">");
        xml_escape(&doc, text + i, e - i);
        ss_buf_adds(&doc, "</w:t></w:r></w:p>");
        i = e + 1;
    }
    ss_buf_adds(&doc, "</w:body></w:document>");
    zentry ent[3] = { { "[Content_Types].xml", 0, 0, 0 }, { "_rels/.rels", 0, 0, 0 },
                      { "word/document.xml", 0, 0, 0 } };
    zip_local(out, &ent[0], types, sizeof types - 1);
    zip_local(out, &ent[1], rels, sizeof rels - 1);
    zip_local(out, &ent[2], doc.p, doc.len);
    zip_central(out, ent, 3);
    ss_buf_free(&doc);
}

/* ---- PDF ---------------------------------------------------------------*/

#define PDF_LINE 90
#define PDF_LINES 60

/* One page's content stream from text[*i..], advancing *i. */
static void pdf_page_stream(const char *text, size_t len, size_t *i, ss_buf *s)
{
    ss_buf_adds(s, "BT /F1 10 Tf 12 TL 40 800 Td\n");
    for (int line = 0; line < PDF_LINES && *i < len; line++) {
        ss_buf_addc(s, '(');
        size_t n = 0;
        while (*i < len && n < PDF_LINE && text[*i] != '\n') {
            char ch = text[(*i)++];
            if (ch == '(' || ch == ')' || ch == '\\')
                ss_buf_addc(s, '\\');
            ss_buf_addc(s, (unsigned char)ch < 0x80 ? ch : '?');
            n++;
        }
        if (*i < len && text[*i] == '\n')
            (*i)++;
        ss_buf_adds(s, ") Tj T*\n");
    }
    ss_buf_adds(s, "ET\n");
}

void gen_pdf(const char *text, size_t len, ss_buf *out)
{
    size_t npages = 0;
    ss_buf pages[4096];
    for (size_t i = 0; i < len && npages < sizeof pages / sizeof *pages; npages++) {
        memset(&pages[npages], 0, sizeof pages[npages]);
        pdf_page_stream(text, len, &i, &pages[npages]);
    }
    /* objects: 1 catalog, 2 pages, 3 font, then (page, contents) pairs */
    size_t nobj = 3 + 2 * npages;
    size_t *off = ss_xcalloc(nobj + 1, sizeof *off);
    ss_buf_adds(out, "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
    off[1] = out->len;
    ss_buf_adds(out, "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
    off[2] = out->len;
    ss_buf_printf(out, "2 0 obj << /Type /Pages /Count %zu /Kids [", npages);
    for (size_t p = 0; p < npages; p++)
        ss_buf_printf(out, " %zu 0 R", 4 + 2 * p);
    ss_buf_adds(out, " ] >> endobj\n");
    off[3] = out->len;
    ss_buf_adds(out, "3 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                "/Encoding /WinAnsiEncoding >> endobj\n");
    for (size_t p = 0; p < npages; p++) {
        size_t po = 4 + 2 * p;
        off[po] = out->len;
        ss_buf_printf(out, "%zu 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                      "/Resources << /Font << /F1 3 0 R >> >> /Contents %zu 0 R >> endobj\n",
                      po, po + 1);
        off[po + 1] = out->len;
        ss_buf_printf(out, "%zu 0 obj << /Length %zu >> stream\n", po + 1, pages[p].len);
        ss_buf_add(out, pages[p].p, pages[p].len);
        ss_buf_adds(out, "endstream endobj\n");
        ss_buf_free(&pages[p]);
    }
    size_t xref = out->len;
    ss_buf_printf(out, "xref\n0 %zu\n0000000000 65535 f \n", nobj + 1);
    for (size_t o = 1; o <= nobj; o++)
        ss_buf_printf(out, "%010zu 00000 n \n", off[o]);
    ss_buf_printf(out, "trailer << /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
                  nobj + 1, xref);
    free(off);
}

/* ---- MIME --------------------------------------------------------------*/

static void base64(ss_buf *out, const unsigned char *p, size_t n)
{
    static const char a[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t col = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        char q[4] = { a[v >> 18], a[(v >> 12) & 63], i + 1 < n ? a[(v >> 6) & 63] : '=',
                      i + 2 < n ? a[v & 63] : '=' };
        ss_buf_add(out, q, 4);
        if ((col += 4) == 76) {
            ss_buf_addc(out, '\n');
            col = 0;
        }
    }
    if (col)
        ss_buf_addc(out, '\n');
}

void gen_mail(const char *body, size_t blen, const char *att_name,
              const char *att_type, const unsigned char *att, size_t alen,
              ss_buf *out)
{
    ss_buf_adds(out, "From: Ms Teacher <teacher@stmarys.sch.uk>\n"
                "To: Parent <parent@example.com>\n"
                "Date: Mon, 02 Nov 2026 09:00:00 +0000\n"
                "Message-ID: <bench.1@stmarys.sch.uk>\n"
                "Subject: Update on this week's arrangements\n"
                "MIME-Version: 1.0\n");
    if (att) {
        ss_buf_adds(out, "Content-Type: multipart/mixed; boundary=\"b0undary\"\n\n"
                    "--b0undary\n");
    }
    ss_buf_adds(out, "Content-Type: text/plain; charset=utf-8\n"
                "Content-Transfer-Encoding: 8bit\n\n");
    ss_buf_add(out, body, blen);
    if (att) {
        ss_buf_printf(out, "\n--b0undary\nContent-Type: %s; name=\"%s\"\n"
                      "Content-Disposition: attachment; filename=\"%s\"\n"
                      "Content-Transfer-Encoding: base64\n\n", att_type, att_name, att_name);
        base64(out, att, alen);
        ss_buf_adds(out, "--b0undary--\n");
    }
}
