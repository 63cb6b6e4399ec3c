/* Tables inside a segment (spec §10, §7.5, §2). A CSV attachment or a
 * spreadsheet sheet arrives as one segment, one row per line, cells split
 * by TAB (sheets) or by commas (CSV as sent). In a table the column header
 * and the row stand in for proximity: a header two hundred rows up still
 * names the column, which a 300-character window cannot see.
 *
 * Recognition is cheap and strict on purpose, because prose must keep its
 * findings: the first non-blank line is the header; it needs two or more
 * non-empty cells, each a few words at most (a clause between commas is
 * longer), and one of the next few lines, before any empty line (prose
 * has paragraphs, a table's rows follow its header), must have exactly as
 * many separators. A quoted CSV cell may hold commas; a quoted cell
 * spanning lines is read as two rows. */
#include "detectors.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

#define HDR_CELL_MAX 64         /* a header cell, not a sentence: bytes */
#define HDR_CELL_SPACES 6       /* and spaces (seven words) */
#define PROBE_LINES 8           /* lines after the header tried for a match */
#define PROBE_BYTES 65536       /* and no further into the segment */
#define MAX_COLS 16384          /* a spreadsheet's widest row */

static size_t line_end(const char *t, size_t len, size_t i)
{
    const char *nl = memchr(t + i, '\n', len - i);
    return nl ? (size_t)(nl - t) : len;
}

static int blank(const char *t, size_t s, size_t e)
{
    for (; s < e; s++)
        if (!ss_is_space((unsigned char)t[s]))
            return 0;
    return 1;
}

/* Separators in [s, e); commas inside a double-quoted CSV cell do not count. */
static size_t count_sep(const char *t, size_t s, size_t e, char sep)
{
    size_t n = 0;
    int q = 0;
    for (; s < e; s++) {
        if (sep == ',' && t[s] == '"')
            q = !q;
        else if (t[s] == sep && !q)
            n++;
    }
    return n;
}

/* A cell without its surrounding spaces and one pair of double quotes. */
static ss_span trim(const char *t, size_t s, size_t e)
{
    while (s < e && ss_is_space((unsigned char)t[s]))
        s++;
    while (e > s && ss_is_space((unsigned char)t[e - 1]))
        e--;
    if (e - s >= 2 && t[s] == '"' && t[e - 1] == '"') {
        s++, e--;
        while (s < e && ss_is_space((unsigned char)t[s]))
            s++;
        while (e > s && ss_is_space((unsigned char)t[e - 1]))
            e--;
    }
    return (ss_span){ s, e };
}

/* Split [s, e) into cells; cb(ctx, col, trimmed cell). */
typedef void (*cell_cb)(void *ctx, size_t col, ss_span cell);
static void split(const char *t, size_t s, size_t e, char sep, cell_cb cb, void *ctx)
{
    size_t col = 0, from = s;
    int q = 0;
    for (size_t i = s; i <= e; i++) {
        if (i < e && sep == ',' && t[i] == '"') {
            q = !q;
        } else if (i == e || (t[i] == sep && !q)) {
            cb(ctx, col++, trim(t, from, i));
            from = i + 1;
        }
    }
}

static void add_hdr(void *ctx, size_t col, ss_span cell)
{
    ss_table *tb = ctx;
    (void)col;
    if ((tb->ncols & (tb->ncols - 1)) == 0)   /* 0, 1, 2, 4, …: double */
        tb->hdr = ss_xrealloc(tb->hdr, (tb->ncols ? 2 * tb->ncols : 1) * sizeof *tb->hdr);
    tb->hdr[tb->ncols++] = cell;
}

/* Two or more named columns, none longer than a header cell can be. */
static int header_ok(const ss_table *tb)
{
    size_t named = 0;
    for (size_t k = 0; k < tb->ncols; k++) {
        size_t n = tb->hdr[k].e - tb->hdr[k].s, spaces = 0;
        if (n > HDR_CELL_MAX)
            return 0;
        for (size_t i = tb->hdr[k].s; i < tb->hdr[k].e; i++)
            spaces += tb->t[i] == ' ';
        if (spaces > HDR_CELL_SPACES)
            return 0;
        named += n > 0;
    }
    return named >= 2;
}

/* No byte at all but a CR: the end of a paragraph. */
static int empty_line(const char *t, size_t s, size_t e)
{
    return e == s || (e == s + 1 && t[s] == '\r');
}

void ss_table_find(ss_table *tb, const char *t, size_t len)
{
    memset(tb, 0, sizeof *tb);
    size_t s = 0, e;
    for (;; s = e + 1) {           /* the first non-blank line */
        if (s >= len)
            return;
        e = line_end(t, len, s);
        if (!blank(t, s, e))
            break;
    }
    if (e >= len)
        return;                    /* one line is no table */
    char sep = memchr(t + s, '\t', e - s) ? '\t' : ',';
    size_t want = count_sep(t, s, e, sep);
    if (want == 0 || want >= MAX_COLS)
        return;
    size_t ls = e + 1;
    int match = 0;
    for (int n = 0; n < PROBE_LINES && ls < len && ls < PROBE_BYTES && !match; n++) {
        size_t le = line_end(t, len, ls);
        if (empty_line(t, ls, le))
            break;
        match = count_sep(t, ls, le, sep) == want;
        ls = le + 1;
    }
    if (!match)
        return;
    tb->t = t, tb->len = len, tb->hs = s, tb->he = e;
    split(t, s, e, sep, add_hdr, tb);
    if (!header_ok(tb)) {
        ss_table_free(tb);
        return;
    }
    tb->sep = sep;
}

void ss_table_free(ss_table *tb)
{
    free(tb->hdr);
    free(tb->lines);
    free(tb->hdr_mask);
    memset(tb, 0, sizeof *tb);
}

/* Starts of the data lines, built on first use. */
static void index_lines(ss_table *tb)
{
    size_t cap = 64;
    tb->lines = ss_xmalloc(cap * sizeof *tb->lines);
    for (size_t s = tb->he + 1; s < tb->len; s = line_end(tb->t, tb->len, s) + 1) {
        if (tb->nlines == cap)
            tb->lines = ss_xrealloc(tb->lines, (cap *= 2) * sizeof *tb->lines);
        tb->lines[tb->nlines++] = s;
    }
    tb->indexed = 1;
}

/* The data line holding pos, or nlines if pos is in the header or above. */
static size_t line_of(const ss_table *tb, size_t pos)
{
    size_t lo = 0, hi = tb->nlines;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tb->lines[mid] <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? tb->nlines : lo - 1;
}

int ss_table_locate(ss_table *tb, size_t pos, size_t *ls, size_t *le, size_t *col)
{
    if (tb == NULL || tb->sep == 0 || pos <= tb->he)
        return 0;
    if (!tb->indexed)
        index_lines(tb);
    size_t li = line_of(tb, pos);
    if (li >= tb->nlines)
        return 0;
    /* detectors ask in text order: carry the column count along a line so
     * a very long row is not recounted for each candidate in it */
    if (!(tb->cur_ok && tb->cur_line == li && tb->cur_pos <= pos)) {
        tb->cur_ok = 1, tb->cur_line = li, tb->cur_pos = tb->lines[li];
        tb->cur_col = 0, tb->cur_q = 0;
    }
    for (; tb->cur_pos < pos; tb->cur_pos++) {
        char ch = tb->t[tb->cur_pos];
        if (tb->sep == ',' && ch == '"')
            tb->cur_q = !tb->cur_q;
        else if (ch == tb->sep && !tb->cur_q)
            tb->cur_col++;
    }
    *ls = tb->lines[li];
    *le = line_end(tb->t, tb->len, pos);
    *col = tb->cur_col;
    return 1;
}

/* Types of the keyword hits lying wholly inside [s, e). */
static unsigned kw_types(const ss_segctx *c, size_t s, size_t e)
{
    unsigned m = 0;
    for (size_t i = ss_kw_first(c, s); i < c->nkw && c->kw[i].s < e; i++)
        if (c->kw[i].e <= e)
            m |= c->kw[i].mask;
    return m;
}

int ss_table_kw(const ss_segctx *c, unsigned mask, size_t pos)
{
    ss_table *tb = c->tab;
    size_t ls, le, col;
    if (!ss_table_locate(tb, pos, &ls, &le, &col))
        return 0;
    /* each header cell and each row is read once, however many
     * candidates ask about it */
    if (tb->hdr_mask == NULL) {
        tb->hdr_mask = ss_xmalloc(tb->ncols * sizeof *tb->hdr_mask);
        for (size_t k = 0; k < tb->ncols; k++)
            tb->hdr_mask[k] = kw_types(c, tb->hdr[k].s, tb->hdr[k].e);
    }
    if (!tb->row_ok || tb->row_line != tb->cur_line) {
        tb->row_ok = 1, tb->row_line = tb->cur_line;
        tb->row_mask = kw_types(c, ls, le);
    }
    return (((col < tb->ncols ? tb->hdr_mask[col] : 0) | tb->row_mask) & mask) != 0;
}

/* After a DOB label a header may only say how the date is written:
 * "DOB", "Date of birth (dd/mm/yyyy)", "D.O.B.:". */
static int format_hint(const char *t, size_t s, size_t e)
{
    for (; s < e; s++)
        if (!strchr(" \t:.-/()[]dmyDMY", t[s]) || t[s] == '\0')
            return 0;
    return 1;
}

int ss_table_hdr_dob(const ss_segctx *c, size_t col)
{
    if (c->tab == NULL || col >= c->tab->ncols)
        return 0;
    ss_span h = c->tab->hdr[col];
    /* the label ends the cell ("Pupil DOB"); "DOB checked on" heads a
     * column of check dates, not of births */
    for (size_t i = ss_kw_first(c, h.s); i < c->nkw && c->kw[i].s < h.e; i++) {
        const ss_kwhit *k = &c->kw[i];
        if ((k->mask & SS_KW_BIT(SS_T_DOB_CHILD)) && k->e <= h.e &&
            format_hint(c->tab->t, k->e, h.e))
            return 1;
    }
    return 0;
}

int ss_table_hdr_kw(const ss_segctx *c, size_t col, unsigned mask, unsigned without)
{
    if (c->tab == NULL || col >= c->tab->ncols)
        return 0;
    return ss_kw_within(c, mask, without, c->tab->hdr[col].s, c->tab->hdr[col].e);
}

typedef struct {
    const unsigned char *cols;
    size_t ncols;
    ss_table_cell_cb cb;
    void *ctx;
} walk;

static void on_cell(void *ctx, size_t col, ss_span cell)
{
    walk *w = ctx;
    if (col < w->ncols && w->cols[col] && cell.e > cell.s)
        w->cb(w->ctx, col, cell.s, cell.e);
}

void ss_table_cells(const ss_segctx *c, const unsigned char *cols,
                    ss_table_cell_cb cb, void *ctx)
{
    const ss_table *tb = c->tab;
    walk w = { cols, tb->ncols, cb, ctx };
    for (size_t s = tb->he + 1; s < tb->len;) {
        size_t e = line_end(tb->t, tb->len, s);
        split(tb->t, s, e, tb->sep, on_cell, &w);
        s = e + 1;
    }
}
