/* OpenDocument (ODT, ODS, ODP): the text of content.xml's body, and the
 * page headers and footers in styles.xml. In a spreadsheet each table is a
 * segment of its own (`sheet "Pupils"`), one row per line and cells
 * tab-separated; in a text document tables stay inline.
 *
 * ODF encrypts per entry inside an ordinary-looking ZIP, announcing it in
 * META-INF/manifest.xml: such a file is reported, not read as noise. */
#include "fmt_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    ssx_out *o;
    const char *sub;
    int split;                  /* tables become segments (spreadsheets) */
    long in_body, in_table;
    unsigned long repeat;       /* columns the current cell stands for */
    int cell_para;              /* a paragraph ended in this cell */
    ss_buf main, table, name, attr;
} odf;

static ss_buf *target(odf *d)
{
    return d->split && d->in_table ? &d->table : &d->main;
}

static void od_start(void *ctx, const char *name, size_t nlen,
                     const char *attrs, size_t alen, int empty)
{
    odf *d = ctx;
    if (ssx_xml_is(name, nlen, "body")) {
        d->in_body++;
    } else if (ssx_xml_is(name, nlen, "table")) {
        if (d->in_table++ == 0 && d->split) {
            ss_buf_reset(&d->table);
            ssx_xml_attr(attrs, alen, "name", &d->name);
        }
    } else if (ssx_xml_is(name, nlen, "table-cell") ||
               ssx_xml_is(name, nlen, "covered-table-cell")) {
        d->repeat = 1;
        if (ssx_xml_attr(attrs, alen, "number-columns-repeated", &d->attr))
            d->repeat = strtoul(d->attr.p, NULL, 10);
        if (d->repeat == 0 || d->repeat > 1024)
            d->repeat = 1;      /* the trailing filler of a sheet */
    }
}

static void end_table(odf *d)
{
    char *shown = ssx_clean_name(d->name.p ? d->name.p : "");
    ss_buf label = SS_BUF_INIT;
    ss_buf_printf(&label, "sheet \"%s\"", shown);
    ssx_emit(d->o, d->sub, label.p, &d->table);
    free(shown);
    ss_buf_free(&label);
}

static void od_end(void *ctx, const char *name, size_t nlen)
{
    odf *d = ctx;
    ss_buf *b = target(d);
    if (ssx_xml_is(name, nlen, "body")) {
        d->in_body -= d->in_body > 0;
    } else if (ssx_xml_is(name, nlen, "table")) {
        if (d->in_table > 0 && --d->in_table == 0 && d->split)
            end_table(d);
    } else if (ssx_xml_is(name, nlen, "p") || ssx_xml_is(name, nlen, "h") ||
               ssx_xml_is(name, nlen, "line-break") ||
               ssx_xml_is(name, nlen, "table-row")) {
        if (!ssx_xml_is(name, nlen, "p") || !d->in_table)
            ss_buf_addc(b, '\n');
        else
            d->cell_para = 1;       /* a cell's paragraphs stay in the cell */
    } else if (ssx_xml_is(name, nlen, "table-cell") ||
               ssx_xml_is(name, nlen, "covered-table-cell")) {
        d->cell_para = 0;
        for (unsigned long i = 0; i < d->repeat; i++)
            ss_buf_addc(b, '\t');
    } else if (ssx_xml_is(name, nlen, "tab")) {
        ss_buf_addc(b, '\t');
    } else if (ssx_xml_is(name, nlen, "s")) {
        ss_buf_addc(b, ' ');
    }
}

static void od_text(void *ctx, const char *s, size_t n)
{
    odf *d = ctx;
    if (!d->in_body)
        return;
    if (d->cell_para)
        ss_buf_addc(target(d), ' ');
    d->cell_para = 0;
    ss_buf_add(target(d), s, n);
}

static void read_content(const ssx_entry *e, odf *d)
{
    ssx_xml_sax h = { od_start, od_end, od_text, d };
    ssx_xml_parse((const char *)e->data, e->len, &h);
}

/* styles.xml: only master-page headers and footers hold document text. */
static const char *const hf[] = { "header", "footer", "header-left", "footer-left",
                                  "header-first", "footer-first", NULL };
static const char *const hf_nl[] = { "p", "h", "line-break", "table-row", NULL };
static const char *const hf_tab[] = { "table-cell", "tab", NULL };
static const char *const hf_sp[] = { "s", NULL };
static const ssx_xml_rules hf_rules = { hf, hf_nl, hf_tab, hf_sp };

static int odf_want(const char *name)
{
    return !strcmp(name, "mimetype") || !strcmp(name, "content.xml") ||
           !strcmp(name, "styles.xml") || !strcmp(name, "META-INF/manifest.xml");
}

static int encrypted(const ssx_entries *z)
{
    const ssx_entry *m = ssx_entry_find(z, "META-INF/manifest.xml");
    return m && memmem(m->data, m->len, "encryption-data", 15) != NULL;
}

int ssx_read_odf(const unsigned char *data, size_t len, const char *sub,
                 const ss_attach_limits *lim, int depth, ssx_out *o)
{
    ssx_entries z = { 0 };
    int rc = ssx_zip_load(data, len, sub, lim, o, odf_want, &z);
    if (rc == 0 && encrypted(&z)) {
        o->skip(o, sub, "the document is password-protected", 1);
        ssx_entries_free(&z);
        return -1;
    }
    const ssx_entry *mt = ssx_entry_find(&z, "mimetype");
    odf d = { o, sub, 0, 0, 0, 1, 0, SS_BUF_INIT, SS_BUF_INIT, SS_BUF_INIT, SS_BUF_INIT };
    d.split = mt && memmem(mt->data, mt->len, "spreadsheet", 11) != NULL;
    const ssx_entry *content = ssx_entry_find(&z, "content.xml");
    if (content)
        read_content(content, &d);
    ssx_emit(o, sub, "", &d.main);
    const ssx_entry *styles = ssx_entry_find(&z, "styles.xml");
    if (styles) {
        ss_buf b = SS_BUF_INIT;
        ssx_xml_text((const char *)styles->data, styles->len, &hf_rules, &b);
        ssx_emit(o, sub, "the header or footer", &b);
        ss_buf_free(&b);
    }
    ss_buf_free(&d.main);
    ss_buf_free(&d.table);
    ss_buf_free(&d.name);
    ss_buf_free(&d.attr);
    ssx_entries_free(&z);
    return rc;
}
