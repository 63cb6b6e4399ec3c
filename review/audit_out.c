#include "audit_out.h"

#include <stdlib.h>
#include <string.h>

static const char *const header[SS_COL__COUNT] = {
    "TIME", "REFERENCE", "WHAT", "WHO", "TO", "FOUND", "NOTES",
};
static const size_t cap[SS_COL__COUNT] = { 16, 12, 30, 32, 44, 30, 70 };

void ss_out_clean(ss_buf *b, const char *s)
{
    for (const char *p = s ? s : ""; *p;) {
        gunichar c = g_utf8_get_char_validated(p, -1);
        if (c == (gunichar)-1 || c == (gunichar)-2) {
            ss_buf_addc(b, '?');
            p++;
            continue;
        }
        const char *next = g_utf8_next_char(p);
        if (c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0x202a && c <= 0x202e)
            || (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f)
            ss_buf_addc(b, '?');
        else
            ss_buf_add(b, p, (size_t)(next - p));
        p = next;
    }
}

static char *clean(const char *s)
{
    ss_buf b = SS_BUF_INIT;
    ss_out_clean(&b, s);
    ss_buf_adds(&b, "");
    return ss_buf_steal(&b);
}

static void sep(ss_buf *b, const char *s)
{
    if (b->len)
        ss_buf_adds(b, s);
}

static void parties(JsonObject *o, ss_buf *b)
{
    JsonArray *a = ss_rec_arr(o, "recipients");
    for (guint i = 0; a && i < json_array_get_length(a); i++) {
        JsonObject *p = json_node_get_object(json_array_get_element(a, i));
        sep(b, ", ");
        ss_buf_adds(b, ss_rec_str(p, "address") ? ss_rec_str(p, "address") : "?");
        if (ss_rec_bool(p, "secure") == 0)
            ss_buf_adds(b, " (not secure)");
    }
    if (!a && ss_rec_str(o, "recipient"))
        ss_buf_adds(b, ss_rec_str(o, "recipient"));
}

/* "nhs high, dob_child medium": each kind once, at its highest. */
static void found(JsonObject *o, ss_buf *b)
{
    static const char *const levels[] = { "high", "medium", "low" };
    JsonArray *a = ss_rec_arr(o, "findings");
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t l = 0; l < 3; l++) {
        for (guint i = 0; a && i < json_array_get_length(a); i++) {
            JsonObject *f = json_node_get_object(json_array_get_element(a, i));
            const char *t = ss_rec_str(f, "type"), *c = ss_rec_str(f, "confidence");
            if (!t || !c || strcmp(c, levels[l]) || g_hash_table_contains(seen, t))
                continue;
            g_hash_table_add(seen, (gpointer)t);
            sep(b, ", ");
            ss_buf_printf(b, "%s %s", t, c);
        }
    }
    g_hash_table_destroy(seen);
}

static void note(JsonObject *o, ss_buf *b)
{
    JsonObject *rel = ss_rec_obj(o, "released");
    if (rel) {
        ss_buf_printf(b, "released from %s by %s", ss_rec_str(rel, "reference") ?
                      ss_rec_str(rel, "reference") : "?", ss_rec_str(rel, "by") ?
                      ss_rec_str(rel, "by") : "a reviewer");
        if (ss_rec_str(rel, "reason"))
            ss_buf_printf(b, ": %s", ss_rec_str(rel, "reason"));
    }
    JsonObject *tls = ss_rec_obj(o, "tls");
    if (ss_rec_str(o, "status")) {           /* a delivery (policy/delivery) */
        sep(b, "; ");
        ss_buf_printf(b, "%s via %s, %s", ss_rec_str(o, "status"), ss_rec_str(o, "relay") ?
                      ss_rec_str(o, "relay") : "?", !tls ? "no TLS logged"
                      : ss_rec_bool(tls, "verified") == 1 ? "TLS verified" : "TLS not verified");
    }
    static const char *const keys[] = { "purpose", "reason", "detail" };
    for (size_t i = 0; i < 3; i++) {
        const char *v = ss_rec_str(o, keys[i]);
        if (v && *v) {
            sep(b, "; ");
            ss_buf_printf(b, "%s: %s", keys[i], v);
        }
    }
}

static void what(JsonObject *o, ss_buf *b)
{
    const char *a = ss_rec_str(o, "action"), *rule = ss_rec_str(o, "rule");
    if (!a) {
        ss_buf_adds(b, ss_rec_str(o, "event") ? ss_rec_str(o, "event") : "?");
        return;
    }
    ss_buf_adds(b, a);
    if (rule && strcmp(rule, "default"))
        ss_buf_printf(b, " (%s)", rule);
}

void ss_row_make(const ss_rec *r, ss_row *row)
{
    JsonObject *o = r->o;
    char t[17];
    ss_rec_local_time(r->when, t);
    ss_buf c[SS_COL__COUNT];
    for (int i = 0; i < SS_COL__COUNT; i++)
        c[i] = (ss_buf)SS_BUF_INIT;
    ss_buf_adds(&c[SS_COL_TIME], r->when ? t : "?");
    ss_buf_adds(&c[SS_COL_REF], ss_rec_str(o, "reference") ? ss_rec_str(o, "reference") : "-");
    what(o, &c[SS_COL_WHAT]);
    const char *who = ss_rec_str(ss_rec_obj(o, "sender"), "address");
    if (!who)
        who = ss_rec_str(o, "reviewer") ? ss_rec_str(o, "reviewer") : ss_rec_str(o, "source");
    ss_buf_adds(&c[SS_COL_WHO], who && *who ? who : ss_rec_is_decision(o) ? "<>" : "-");
    parties(o, &c[SS_COL_TO]);
    found(o, &c[SS_COL_FOUND]);
    note(o, &c[SS_COL_NOTE]);
    for (int i = 0; i < SS_COL__COUNT; i++) {
        row->cell[i] = clean(c[i].p);
        ss_buf_free(&c[i]);
    }
    row->queue_id = clean(ss_rec_str(o, "queue_id"));
    ss_buf w = SS_BUF_INIT;
    ss_buf_printf(&w, "%s:%llu", r->file, r->line);
    row->where = ss_buf_steal(&w);
}

void ss_row_free(ss_row *row)
{
    for (int i = 0; i < SS_COL__COUNT; i++)
        free(row->cell[i]);
    free(row->queue_id);
    free(row->where);
}

/* s cut to at most n characters, the last one an ellipsis when cut. */
static void cell(FILE *f, const char *s, size_t width, size_t n, int last)
{
    size_t len = (size_t)g_utf8_strlen(s, -1);
    if (len > n) {
        const char *end = g_utf8_offset_to_pointer(s, (glong)n - 1);
        fprintf(f, "%.*s\xe2\x80\xa6", (int)(end - s), s);
        len = n;
    } else {
        fputs(s, f);
    }
    if (!last)
        fprintf(f, "%*s", (int)(width - len + 2), "");
}

static void table(FILE *f, const ss_row *rows, size_t n)
{
    size_t w[SS_COL__COUNT];
    for (int c = 0; c < SS_COL__COUNT; c++) {
        w[c] = strlen(header[c]);
        for (size_t i = 0; i < n; i++) {
            size_t l = (size_t)g_utf8_strlen(rows[i].cell[c], -1);
            w[c] = l > w[c] ? l : w[c];
        }
        w[c] = w[c] > cap[c] ? cap[c] : w[c];
    }
    for (int c = 0; c < SS_COL__COUNT; c++)
        cell(f, header[c], w[c], w[c], c == SS_COL__COUNT - 1);
    fputc('\n', f);
    for (size_t i = 0; i < n; i++) {
        for (int c = 0; c < SS_COL__COUNT; c++)
            cell(f, rows[i].cell[c], w[c], w[c], c == SS_COL__COUNT - 1);
        fputc('\n', f);
    }
}

/* RFC 4180, and a cell a spreadsheet would take as a formula starts "'". */
static void csv_cell(FILE *f, const char *s, int last)
{
    int formula = strchr("=+-@\t\r", s[0]) && s[0];
    fputc('"', f);
    if (formula)
        fputc('\'', f);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputs(last ? "\"\r\n" : "\",", f);
}

static void csv(FILE *f, const ss_row *rows, size_t n)
{
    fputs("time,reference,queue_id,what,who,to,found,notes,where\r\n", f);
    for (size_t i = 0; i < n; i++) {
        const ss_row *r = &rows[i];
        csv_cell(f, r->cell[SS_COL_TIME], 0);
        csv_cell(f, r->cell[SS_COL_REF], 0);
        csv_cell(f, r->queue_id, 0);
        for (int c = SS_COL_WHAT; c < SS_COL__COUNT; c++)
            csv_cell(f, r->cell[c], 0);
        csv_cell(f, r->where, 1);
    }
}

void ss_out_rows(FILE *f, int format, const ss_row *rows, char *const *raw, size_t n)
{
    if (format == SS_OUT_CSV) {
        csv(f, rows, n);
    } else if (format == SS_OUT_JSON) {
        fputs("[", f);
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%s\n%s", i ? "," : "", raw[i]);
        fputs("\n]\n", f);
    } else {
        table(f, rows, n);
    }
}
