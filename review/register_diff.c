/* safesharectl register diff OLD NEW: what a new register changes, in
 * words a DSL and an admin can check before it is signed or installed:
 * who was added, who was removed, and what changed for whom. */
#include "ctl.h"
#include "regctl.h"
#include "register/trust.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

static const char *const KEYS[] = { "org", "basis", "until", "ref", "ods", "alt", "tls",
                                    "match", "pin", "min", "broad", "reason" };
#define NKEYS (sizeof KEYS / sizeof *KEYS)

static void values(const ss_reg_entry *e, const char *v[NKEYS])
{
    const char *all[NKEYS] = { e->org, e->basis, e->until, e->ref, e->ods, e->alt, e->tls,
                               e->match, e->pin, e->min, e->broad, e->reason };
    memcpy(v, all, sizeof all);
}

static GHashTable *index_of(const ss_register *r, GArray *store)
{
    GHashTable *h = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t i = 0; i < ss_register_count(r); i++) {
        ss_reg_entry e;
        ss_register_entry(r, i, &e);
        g_array_append_val(store, e);
    }
    for (guint i = 0; i < store->len; i++) {
        ss_reg_entry *e = &g_array_index(store, ss_reg_entry, i);
        g_hash_table_insert(h, (gpointer)e->pattern, e);
    }
    return h;
}

/* "NHSmail (nhsmail, until 2027-03-31, tls=verify)" or the exclusion's reason. */
static void summary(const ss_reg_entry *e, GString *s)
{
    if (e->exclusion)
        g_string_append_printf(s, "excluded: %s", e->reason);
    else
        g_string_append_printf(s, "%s (%s, until %s%s%s)", e->org, e->basis, e->until,
                               e->tls ? ", tls=" : ", no tls=", e->tls ? e->tls : "");
}

static void changes(const ss_reg_entry *a, const ss_reg_entry *b, GString *s)
{
    const char *va[NKEYS], *vb[NKEYS];
    values(a, va);
    values(b, vb);
    for (size_t k = 0; k < NKEYS; k++) {
        if ((!va[k] && !vb[k]) || (va[k] && vb[k] && !strcmp(va[k], vb[k])))
            continue;
        g_string_append_printf(s, "%s%s %s -> %s", s->len ? "; " : "", KEYS[k],
                               va[k] ? va[k] : "(none)", vb[k] ? vb[k] : "(none)");
    }
}

static int cmp_entry(gconstpointer a, gconstpointer b)
{
    return strcmp(((const ss_reg_entry *)a)->domain, ((const ss_reg_entry *)b)->domain);
}

/* Lines of one kind (+ added, - removed, ~ changed), sorted by domain. */
static size_t section(const char *title, char mark, GList *list, GHashTable *other)
{
    list = g_list_sort(list, cmp_entry);
    size_t n = g_list_length(list);
    if (n)
        printf("%s (%zu):\n", title, n);
    for (GList *l = list; l; l = l->next) {
        const ss_reg_entry *e = l->data;
        GString *s = g_string_new(NULL);
        if (mark == '~')
            changes(g_hash_table_lookup(other, e->pattern), e, s);
        else
            summary(e, s);
        printf("  %c %-28s %s\n", mark, e->pattern, s->str);
        g_string_free(s, TRUE);
    }
    g_list_free(list);
    return n;
}

static void headers(const ss_register *a, const ss_register *b)
{
    char ea[32], eb[32];
    ss_utc_string(ss_register_expires(a), ea);
    ss_utc_string(ss_register_expires(b), eb);
    printf("serial     %llu -> %llu%s\n", ss_register_serial(a), ss_register_serial(b),
           ss_register_serial(b) > ss_register_serial(a) ? ""
           : "   (NOT HIGHER: the milter will refuse the new one)");
    if (strcmp(ea, eb))
        printf("expires    %s -> %s\n", ea, eb);
    if (strcmp(ss_register_publisher(a), ss_register_publisher(b)))
        printf("publisher  \"%s\" -> \"%s\"\n", ss_register_publisher(a),
               ss_register_publisher(b));
}

static size_t compare(const ss_register *a, const ss_register *b)
{
    GArray *sa = g_array_new(FALSE, FALSE, sizeof(ss_reg_entry));
    GArray *sb = g_array_new(FALSE, FALSE, sizeof(ss_reg_entry));
    GHashTable *ha = index_of(a, sa), *hb = index_of(b, sb);
    GList *added = NULL, *removed = NULL, *changed = NULL;
    for (guint i = 0; i < sb->len; i++) {
        ss_reg_entry *e = &g_array_index(sb, ss_reg_entry, i), *o;
        GString *s = g_string_new(NULL);
        if (!(o = g_hash_table_lookup(ha, e->pattern)))
            added = g_list_prepend(added, e);
        else if (changes(o, e, s), s->len)
            changed = g_list_prepend(changed, e);
        g_string_free(s, TRUE);
    }
    for (guint i = 0; i < sa->len; i++) {
        ss_reg_entry *e = &g_array_index(sa, ss_reg_entry, i);
        if (!g_hash_table_contains(hb, e->pattern))
            removed = g_list_prepend(removed, e);
    }
    size_t n = section("added", '+', added, ha) + section("removed", '-', removed, hb)
               + section("changed", '~', changed, ha);
    g_hash_table_destroy(ha);
    g_hash_table_destroy(hb);
    g_array_free(sa, TRUE);
    g_array_free(sb, TRUE);
    return n;
}

int ss_regctl_diff(int argc, char **argv)
{
    if (argc != 4) {
        fputs(SS_REGCTL_USAGE, stderr);
        return 2;
    }
    ss_register *a = NULL, *b = NULL;
    char err[1024];
    int rc = 2;
    if (ss_register_load(argv[2], &a, err, sizeof err) != 0
        || ss_register_load(argv[3], &b, err, sizeof err) != 0) {
        fprintf(stderr, "safesharectl: %s\n", err);
    } else {
        printf("%s -> %s\n", argv[2], argv[3]);
        headers(a, b);
        size_t n = compare(a, b);
        if (!n)
            printf("no entry changed\n");
        rc = n ? 1 : 0;
    }
    ss_register_free(a);
    ss_register_free(b);
    return rc;
}
