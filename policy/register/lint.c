/* Register lint (lint.h). Patterns are looked up in a GLib hash table so a
 * register of thousands of DCB1596 entries is checked in one pass. */
#include "lint.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const ss_register *r;
    const char *name;
    GHashTable *by_pattern;     /* pattern -> entry index + 1 */
    ss_buf *out;
    size_t n;
} lint;

__attribute__((format(printf, 4, 5)))
static void warn(lint *l, unsigned line, const char *key, const char *fmt, ...)
{
    if (line)
        ss_buf_printf(l->out, "%s:%u: %s: ", l->name, line, key);
    else
        ss_buf_printf(l->out, "%s: %s: ", l->name, key);
    va_list ap;
    va_start(ap, fmt);
    ss_buf_vprintf(l->out, fmt, ap);
    va_end(ap);
    ss_buf_addc(l->out, '\n');
    l->n++;
}

static int find(const lint *l, const char *prefix, const char *domain, ss_reg_entry *e)
{
    char key[300];
    snprintf(key, sizeof key, "%s%s", prefix, domain);
    size_t i = GPOINTER_TO_SIZE(g_hash_table_lookup(l->by_pattern, key));
    if (i)
        ss_register_entry(l->r, i - 1, e);
    return i != 0;
}

/* The pattern that would decide for `domain` (an exact entry) or for the
 * names below it (a wildcard) if that entry were not there: the nearest
 * wildcard over a parent, its exclusion first. */
static int nearest_above(const lint *l, const char *domain, ss_reg_entry *e)
{
    for (const char *p = strchr(domain, '.'); p; p = strchr(p + 1, '.')) {
        if (find(l, "!*.", p + 1, e) || find(l, "*.", p + 1, e))
            return 1;
    }
    return 0;
}

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int same_attrs(const ss_reg_entry *a, const ss_reg_entry *b)
{
    return same(a->org, b->org) && same(a->basis, b->basis) && same(a->until, b->until)
        && same(a->tls, b->tls) && same(a->match, b->match) && same(a->pin, b->pin)
        && same(a->min, b->min) && same(a->alt, b->alt);
}

static void shadows(lint *l, const ss_reg_entry *e)
{
    ss_reg_entry o;
    if (!e->exclusion && find(l, "!", e->pattern, &o)) {
        warn(l, e->line, "pattern", "%s never applies: the exclusion %s on line %u "
             "beats it", e->pattern, o.pattern, o.line);
        return;
    }
    int above = nearest_above(l, e->domain, &o) && !o.exclusion;
    if (!e->exclusion) {
        if (above && same_attrs(e, &o))
            warn(l, e->line, "pattern", "%s adds nothing: %s on line %u already says "
                 "the same", e->pattern, o.pattern, o.line);
        return;
    }
    if (!above && !find(l, e->wildcard ? "*." : "", e->domain, &o))
        warn(l, e->line, "pattern", "%s excludes nothing: no entry covers %s%s", e->pattern,
             e->wildcard ? "names below " : "", e->domain);
}

static void dates(lint *l, const ss_reg_entry *e, const char *today, const char *soon)
{
    if (e->exclusion)
        return;
    if (strcmp(e->until, today) < 0)
        warn(l, e->line, "until", "%s: accreditation expired on %s (mail to it is refused)",
             e->pattern, e->until);
    else if (strcmp(e->until, soon) <= 0)
        warn(l, e->line, "until", "%s expires on %s, within %d days", e->pattern, e->until,
             SS_LINT_SOON_DAYS);
    if (!e->tls)
        warn(l, e->line, "tls", "%s has no tls=; the MTA export leaves it to the default "
             "TLS level", e->pattern);
}

static void day(time_t t, char out[11])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

size_t ss_register_lint(const ss_register *r, const char *name, time_t now, ss_buf *out)
{
    lint l = { .r = r, .name = name, .out = out,
               .by_pattern = g_hash_table_new(g_str_hash, g_str_equal) };
    size_t n = ss_register_count(r);
    for (size_t i = 0; i < n; i++) {
        ss_reg_entry e;
        ss_register_entry(r, i, &e);
        g_hash_table_insert(l.by_pattern, (gpointer)e.pattern, GSIZE_TO_POINTER(i + 1));
    }
    const char *w = ss_register_warnings(r);
    for (const char *p = w; *p; p++)
        l.n += *p == '\n';
    ss_buf_adds(out, w);
    char today[11], soon[11], stale[11];
    day(now, today);
    day(now + SS_LINT_SOON_DAYS * 86400, soon);
    time_t exp = ss_register_expires(r);
    if (exp && exp > now && exp <= now + SS_LINT_SOON_DAYS * 86400) {
        day(exp, stale);
        warn(&l, 0, "%expires", "the register goes stale on %s, within %d days: publish a "
             "fresh one before then", stale, SS_LINT_SOON_DAYS);
    }
    for (size_t i = 0; i < n; i++) {
        ss_reg_entry e;
        ss_register_entry(r, i, &e);
        shadows(&l, &e);
        dates(&l, &e, today, soon);
    }
    g_hash_table_destroy(l.by_pattern);
    return l.n;
}
