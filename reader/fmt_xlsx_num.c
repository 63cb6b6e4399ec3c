/* Numeric cells of a workbook as Excel shows them.
 *
 * A date in a sheet is a serial number of days (42067 is 4 March 2015)
 * shown as a date by its cell's number format; a DOB column of real
 * Excel dates is a column of 5-digit numbers in the XML. So the styles
 * part is read (cellXfs: style index → numFmtId; numFmts: custom codes)
 * and a serial under a date format is written dd/mm/yyyy, as a UK user
 * sees it. Large numbers are written without an exponent
 * ("9.434765919E9" shows as 9434765919) and a simple digit pattern such
 * as "000 000 0000" is applied, so a number reads as on screen. */
#include "fmt_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_XF 65536

typedef struct {
    ssx_xlsx_styles *st;
    int in_cellxfs, in_numfmts;
} styles_parse;

static void st_start(void *ctx, const char *name, size_t nlen,
                     const char *attrs, size_t alen, int empty)
{
    styles_parse *p = ctx;
    ss_buf v = SS_BUF_INIT;
    (void)empty;
    if (ssx_xml_is(name, nlen, "cellXfs")) {
        p->in_cellxfs = 1;
    } else if (ssx_xml_is(name, nlen, "numFmts")) {
        p->in_numfmts = 1;
    } else if (p->in_cellxfs && ssx_xml_is(name, nlen, "xf") && p->st->nxf < MAX_XF) {
        unsigned id = ssx_xml_attr(attrs, alen, "numFmtId", &v) ? (unsigned)atoi(v.p) : 0;
        if (p->st->nxf == p->st->xfcap) {
            p->st->xfcap = p->st->xfcap ? p->st->xfcap * 2 : 16;
            p->st->xf = ss_xrealloc(p->st->xf, p->st->xfcap * sizeof *p->st->xf);
        }
        p->st->xf[p->st->nxf++] = id;
    } else if (p->in_numfmts && ssx_xml_is(name, nlen, "numFmt") && p->st->nfmt < 256) {
        unsigned id = ssx_xml_attr(attrs, alen, "numFmtId", &v) ? (unsigned)atoi(v.p) : 0;
        if (ssx_xml_attr(attrs, alen, "formatCode", &v)) {
            p->st->fmt_id[p->st->nfmt] = id;
            p->st->fmt_code[p->st->nfmt++] = ss_xstrdup(v.p);
        }
    }
    ss_buf_free(&v);
}

static void st_end(void *ctx, const char *name, size_t nlen)
{
    styles_parse *p = ctx;
    if (ssx_xml_is(name, nlen, "cellXfs"))
        p->in_cellxfs = 0;
    else if (ssx_xml_is(name, nlen, "numFmts"))
        p->in_numfmts = 0;
}

void ssx_xlsx_styles_read(ssx_xlsx_styles *st, const char *xml, size_t len,
                          const char *workbook, size_t wlen)
{
    memset(st, 0, sizeof *st);
    styles_parse p = { st, 0, 0 };
    ssx_xml_sax h = { st_start, st_end, NULL, &p };
    if (xml)
        ssx_xml_parse(xml, len, &h);
    st->date1904 = workbook && memmem(workbook, wlen, "date1904=\"1\"", 12) != NULL;
}

void ssx_xlsx_styles_free(ssx_xlsx_styles *st)
{
    for (size_t i = 0; i < st->nfmt; i++)
        free(st->fmt_code[i]);
    free(st->xf);
    memset(st, 0, sizeof *st);
}

static const char *custom_code(const ssx_xlsx_styles *st, unsigned id)
{
    for (size_t i = 0; i < st->nfmt; i++)
        if (st->fmt_id[i] == id)
            return st->fmt_code[i];
    return NULL;
}

/* d, m or y outside quotes, brackets and escapes: a date code. Elapsed
 * time ([h]:mm) and plain numbers are not. */
static int date_code(const char *c)
{
    for (; *c; c++) {
        if (*c == '"') {
            const char *q = strchr(c + 1, '"');
            if (!q)
                return 0;
            c = q;
        } else if (*c == '[') {
            const char *q = strchr(c + 1, ']');
            if (!q)
                return 0;
            c = q;
        } else if (*c == '\\' && c[1]) {
            c++;
        } else if (*c == 'd' || *c == 'D' || *c == 'y' || *c == 'Y' ||
                   ((*c == 'm' || *c == 'M') && !strchr(c, 'h') && !strchr(c, 's'))) {
            return 1;
        }
    }
    return 0;
}

static int builtin_date(unsigned id)
{
    return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) ||
           (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

/* An Excel serial → y, m, d. 1900 system: 1 is 1900-01-01 and 60 the
 * 29 February 1900 that never was; 1904 system: 0 is 1904-01-01. */
static void serial_date(long serial, int date1904, int *y, int *m, int *d)
{
    long z = date1904 ? serial - 24107 : serial >= 61 ? serial - 25569 : serial - 25568;
    /* days since 1970-01-01 → civil date (H. Hinnant's algorithm) */
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = (long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

/* "000 000 0000": digits, '0'/'#' placeholders and literal spaces or
 * dashes only. The value's digits fill it, zero-padded on the left. */
static int apply_pattern(ss_buf *out, const char *code, unsigned long long v)
{
    size_t slots = 0;
    for (const char *c = code; *c; c++) {
        if (*c == '0' || *c == '#')
            slots++;
        else if (*c != ' ' && *c != '-')
            return 0;
    }
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%0*llu", (int)(slots < 30 ? slots : 30), v);
    if (n < 0 || (size_t)n != slots)
        return 0;
    size_t k = 0;
    for (const char *c = code; *c; c++)
        ss_buf_addc(out, (*c == '0' || *c == '#') ? digits[k++] : *c);
    return 1;
}

void ssx_xlsx_number(ss_buf *out, const char *v, const ssx_xlsx_styles *st, long style)
{
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || x != x || x > 1e300 || x < -1e300) {
        ss_buf_adds(out, v);
        return;
    }
    unsigned id = (st && style >= 0 && (size_t)style < st->nxf) ? st->xf[style] : 0;
    const char *code = st ? custom_code(st, id) : NULL;
    if ((builtin_date(id) || (code && date_code(code))) && x >= 1 && x < 2958466) {
        int y, m, d;
        serial_date((long)x, st->date1904, &y, &m, &d);
        ss_buf_printf(out, "%02d/%02d/%04d", d, m, y);
        return;
    }
    if (x > -1e15 && x < 1e15 && (double)(long long)x == x) {   /* whole */
        if (x >= 0 && code && apply_pattern(out, code, (unsigned long long)x))
            return;
        ss_buf_printf(out, "%.0f", x);   /* 9.434765919E9 → 9434765919 */
        return;
    }
    ss_buf_adds(out, v);
}
