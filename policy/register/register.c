/* The secure-domain register: strict parsing and matching (spec register.md).
 *
 * Parsing refuses the whole file at the first problem, naming FILE:LINE:KEY,
 * because a register that is half-understood could trust a domain nobody
 * meant to trust. The caller keeps the last good copy.
 *
 * Matching walks the recipient's domain from the full name up through its
 * parents, one hash lookup per label, so a register of thousands of DCB1596
 * entries costs the same per recipient as a register of ten. */
#include "register.h"
#include "base/buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILE_BYTES (64u * 1024 * 1024)
#define MAX_LINE_BYTES 4096
#define MAX_TOKENS 32

/* ---- attributes ------------------------------------------------------ */

enum { A_ORG, A_BASIS, A_UNTIL, A_REF, A_ODS, A_ALT, A_TLS, A_MATCH,
       A_PIN, A_MIN, A_BROAD, A_REASON, A_N };

struct reg_entry {
    char *pattern;          /* normalised, as shown: "*.x.gov.uk", "!x" */
    unsigned line;
    int exclusion;
    int wildcard;
    char *v[A_N];           /* attribute values, NULL when absent */
};

/* One hash node per normalised base name; a name can carry an exact entry,
 * a wildcard entry below it, and an exclusion of either. */
enum { SLOT_EXACT, SLOT_WILD, SLOT_EXACT_EXCL, SLOT_WILD_EXCL, SLOT_N };

struct reg_node {
    char *key;              /* NULL = empty bucket */
    uint64_t hash;
    size_t slot[SLOT_N];    /* entry index + 1, 0 = none */
};

struct ss_register {
    unsigned long long serial;
    char *publisher;
    time_t issued;
    time_t expires;
    ss_buf warnings;
    struct reg_entry *entries;
    size_t n_entries, cap_entries;
    struct reg_node *nodes;
    size_t n_nodes, cap_nodes;  /* cap is a power of two */
};

/* ---- parse state and errors ---------------------------------------- */

enum { D_FORMAT, D_PUBLISHER, D_SERIAL, D_ISSUED, D_EXPIRES, D_N };
static const char *const DIRECTIVES[D_N] = {
    "%format", "%publisher", "%serial", "%issued", "%expires"
};

struct parse {
    const char *name;
    unsigned line;
    char *err;
    size_t errlen;
    ss_register *r;
    int seen_entry;
    unsigned dir_line[D_N];     /* line each directive was given on, 0 = not yet */
};

__attribute__((format(printf, 3, 4)))
static int fail(struct parse *p, const char *key, const char *fmt, ...)
{
    if (!p->err || p->errlen == 0)
        return -1;
    int n = snprintf(p->err, p->errlen, "%s:%u: %s: ", p->name, p->line, key);
    if (n >= 0 && (size_t)n < p->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

__attribute__((format(printf, 3, 4)))
static void add_warning(struct parse *p, const char *key, const char *fmt, ...)
{
    ss_buf_printf(&p->r->warnings, "%s:%u: %s: ", p->name, p->line, key);
    va_list ap;
    va_start(ap, fmt);
    ss_buf_vprintf(&p->r->warnings, fmt, ap);
    va_end(ap);
    ss_buf_addc(&p->r->warnings, '\n');
}

/* ---- small validators ----------------------------------------------- */

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int num(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* YYYY-MM-DD naming a day that exists. */
static int valid_date(const char *s)
{
    static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (!s || strlen(s) < 10 || s[4] != '-' || s[7] != '-')
        return 0;
    if (!all_digits(s, 4) || !all_digits(s + 5, 2) || !all_digits(s + 8, 2))
        return 0;
    int y = num(s, 4), m = num(s + 5, 2), d = num(s + 8, 2);
    if (y < 1970 || m < 1 || m > 12 || d < 1)
        return 0;
    int max = mdays[m - 1] + (m == 2 && is_leap(y));
    return d <= max;
}

/* YYYY-MM-DDTHH:MM:SSZ, UTC, exactly. */
static int parse_utc(const char *s, time_t *out)
{
    if (strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
        return -1;
    char day[11];
    memcpy(day, s, 10);
    day[10] = '\0';
    if (!valid_date(day) || !all_digits(s + 11, 2) || !all_digits(s + 14, 2)
        || !all_digits(s + 17, 2))
        return -1;
    struct tm tm = { 0 };
    tm.tm_year = num(s, 4) - 1900;
    tm.tm_mon = num(s + 5, 2) - 1;
    tm.tm_mday = num(s + 8, 2);
    tm.tm_hour = num(s + 11, 2);
    tm.tm_min = num(s + 14, 2);
    tm.tm_sec = num(s + 17, 2);
    if (tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59)
        return -1;
    *out = timegm(&tm);
    return 0;
}

static int in_list(const char *v, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(v, *list) == 0)
            return 1;
    return 0;
}

/* Strict UTF-8: no overlongs, no surrogates, nothing past U+10FFFF.
 * Returns the length of the valid sequence at s, or 0. */
static size_t utf8_seq(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t n;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (avail < n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return n;
}

/* ---- attribute checks ----------------------------------------------- */

static const char *const BASES[] = {
    "dcb1596", "nhsmail", "gov-secure-email", "cjsm", "psn", "local-agreement", NULL
};
static const char *const TLS_LEVELS[] = {
    "may", "encrypt", "verify", "secure", "dane", "dane-only", "fingerprint", "sts", NULL
};

typedef int (*attr_check)(struct parse *p, const char *key, char **val);

static int text_ok(struct parse *p, const char *key, const char *v, size_t max)
{
    if (strlen(v) > max)
        return fail(p, key, "longer than %zu bytes", max);
    for (const unsigned char *s = (const unsigned char *)v; *s; s++)
        if (*s < 0x20 || *s == 0x7f)
            return fail(p, key, "control character in value");
    return 0;
}

/* org and reason end up inside the practitioner's reply ("on the
 * secure-domain register (ORG)"), so they must fit the ss_match fields. */
static int chk_org(struct parse *p, const char *key, char **val)
{
    return text_ok(p, key, *val, 127);
}

static int chk_reason(struct parse *p, const char *key, char **val)
{
    return text_ok(p, key, *val, 200);
}

static int chk_text(struct parse *p, const char *key, char **val)
{
    return text_ok(p, key, *val, 255);
}

static int chk_basis(struct parse *p, const char *key, char **val)
{
    if (!in_list(*val, BASES))
        return fail(p, key, "\"%s\" is not one of dcb1596, nhsmail, gov-secure-email, "
                    "cjsm, psn, local-agreement", *val);
    return 0;
}

static int chk_until(struct parse *p, const char *key, char **val)
{
    if (strlen(*val) != 10 || !valid_date(*val))
        return fail(p, key, "\"%s\" is not a real date in the form YYYY-MM-DD", *val);
    return 0;
}

static int chk_ods(struct parse *p, const char *key, char **val)
{
    size_t n = strlen(*val);
    int ok = n >= 2 && n <= 12;
    for (size_t i = 0; ok && i < n; i++) {
        char c = (*val)[i];
        ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }
    if (!ok)
        return fail(p, key, "\"%s\" is not an ODS code (2-12 letters and digits)", *val);
    return 0;
}

static int chk_alt(struct parse *p, const char *key, char **val)
{
    char norm[256];
    if (ss_domain_normalise(*val, norm, sizeof norm) < 0)
        return fail(p, key, "\"%s\" is not a valid domain name", *val);
    free(*val);
    *val = ss_xstrdup(norm);
    return 0;
}

static int chk_tls(struct parse *p, const char *key, char **val)
{
    if (!in_list(*val, TLS_LEVELS))
        return fail(p, key, "\"%s\" is not one of may, encrypt, verify, secure, dane, "
                    "dane-only, fingerprint, sts", *val);
    return 0;
}

/* Postfix match syntax: names, ".parent" or keywords, colon separated. */
static int chk_match(struct parse *p, const char *key, char **val)
{
    const char *s = *val;
    if (strlen(s) > 255)
        return fail(p, key, "longer than 255 bytes");
    size_t run = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == ':') {
            if (run == 0)
                break;
            run = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                   || (c >= '0' && c <= '9') || c == '-' || c == '.') {
            run++;
        } else
            return fail(p, key, "\"%s\" is not a colon-separated list of names", *val);
    }
    if (run == 0)
        return fail(p, key, "\"%s\" has an empty name", *val);
    return 0;
}

static int hexdigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* One pin: 64 hex digits, bare or as 32 colon-separated pairs. */
static int pin_ok(const char *s, size_t n)
{
    if (n == 64) {
        for (size_t i = 0; i < n; i++)
            if (!hexdigit(s[i]))
                return 0;
        return 1;
    }
    if (n != 95)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (i % 3 == 2 ? s[i] != ':' : !hexdigit(s[i]))
            return 0;
    }
    return 1;
}

static int chk_pin(struct parse *p, const char *key, char **val)
{
    const char *s = *val;
    for (;;) {
        const char *end = strchr(s, ',');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        if (n < 7 || strncmp(s, "sha256:", 7) != 0 || !pin_ok(s + 7, n - 7))
            return fail(p, key, "each pin must be sha256: and 64 hex digits "
                        "(several separated by commas)");
        if (!end)
            return 0;
        s = end + 1;
    }
}

static int chk_min(struct parse *p, const char *key, char **val)
{
    if (strcmp(*val, "1.2") != 0 && strcmp(*val, "1.3") != 0)
        return fail(p, key, "\"%s\" must be 1.2 or 1.3 (older TLS is not secure)", *val);
    return 0;
}

static int chk_broad(struct parse *p, const char *key, char **val)
{
    if (strcmp(*val, "yes") != 0 && strcmp(*val, "no") != 0)
        return fail(p, key, "\"%s\" must be yes or no", *val);
    return 0;
}

static const struct attr_def {
    const char *key;
    int on_entry;           /* allowed on a domain entry */
    int on_exclusion;       /* allowed on a !exclusion */
    attr_check check;
} ATTRS[A_N] = {
    [A_ORG]    = { "org",    1, 0, chk_org },
    [A_BASIS]  = { "basis",  1, 0, chk_basis },
    [A_UNTIL]  = { "until",  1, 0, chk_until },
    [A_REF]    = { "ref",    1, 1, chk_text },
    [A_ODS]    = { "ods",    1, 0, chk_ods },
    [A_ALT]    = { "alt",    1, 1, chk_alt },
    [A_TLS]    = { "tls",    1, 0, chk_tls },
    [A_MATCH]  = { "match",  1, 0, chk_match },
    [A_PIN]    = { "pin",    1, 0, chk_pin },
    [A_MIN]    = { "min",    1, 0, chk_min },
    [A_BROAD]  = { "broad",  1, 0, chk_broad },
    [A_REASON] = { "reason", 0, 1, chk_reason },
};

/* ---- suffix policy -------------------------------------------------- */

/* Public suffixes a wildcard must not sit directly over without broad=yes:
 * "*.gov.uk" trusts every council, school and agency at once. Any
 * single-label base (a TLD) counts too. */
static const char *const BROAD_SUFFIXES[] = {
    "gov.uk", "nhs.uk", "sch.uk", "police.uk", "org.uk", "co.uk", "ac.uk",
    "ltd.uk", "plc.uk", "me.uk", "net.uk", NULL
};

static int is_broad(const char *base)
{
    return !strchr(base, '.') || in_list(base, BROAD_SUFFIXES);
}

/* Retired networks: their names may linger in address books, but nothing
 * under them is secure any more. */
static const struct { const char *suffix; const char *why; } OBSOLETE[] = {
    { "gsi.gov.uk",    "the GSi network was retired by March 2019" },
    { "gse.gov.uk",    "the GSi network was retired by March 2019" },
    { "gcsx.gov.uk",   "the GCSx network was retired by March 2019" },
    { "gsx.gov.uk",    "the GSX network was retired by March 2019" },
    { "pnn.police.uk", "police email moved from pnn.police.uk to police.uk" },
};

static int obsolete_index(const char *d)
{
    size_t dn = strlen(d);
    for (size_t i = 0; i < sizeof OBSOLETE / sizeof OBSOLETE[0]; i++) {
        const char *s = OBSOLETE[i].suffix;
        size_t sn = strlen(s);
        if (dn == sn && strcmp(d, s) == 0)
            return (int)i;
        if (dn > sn && d[dn - sn - 1] == '.' && strcmp(d + dn - sn, s) == 0)
            return (int)i;
    }
    return -1;
}

/* ---- hash table ----------------------------------------------------- */

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static struct reg_node *node_find(const ss_register *r, const char *key, uint64_t h)
{
    if (r->cap_nodes == 0)
        return NULL;
    size_t mask = r->cap_nodes - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct reg_node *n = &r->nodes[i];
        if (!n->key)
            return NULL;
        if (n->hash == h && strcmp(n->key, key) == 0)
            return n;
    }
}

static void node_grow(ss_register *r)
{
    size_t cap = r->cap_nodes ? r->cap_nodes * 2 : 64;
    struct reg_node *nodes = ss_xcalloc(cap, sizeof *nodes);
    for (size_t i = 0; i < r->cap_nodes; i++) {
        struct reg_node *o = &r->nodes[i];
        if (!o->key)
            continue;
        size_t j = o->hash & (cap - 1);
        while (nodes[j].key)
            j = (j + 1) & (cap - 1);
        nodes[j] = *o;
    }
    free(r->nodes);
    r->nodes = nodes;
    r->cap_nodes = cap;
}

/* Find or create; load stays at most one half so probes stay short. */
static struct reg_node *node_get(ss_register *r, const char *key)
{
    uint64_t h = fnv1a(key);
    struct reg_node *n = node_find(r, key, h);
    if (n)
        return n;
    if ((r->n_nodes + 1) * 2 > r->cap_nodes)
        node_grow(r);
    size_t mask = r->cap_nodes - 1;
    size_t i = h & mask;
    while (r->nodes[i].key)
        i = (i + 1) & mask;
    n = &r->nodes[i];
    n->key = ss_xstrdup(key);
    n->hash = h;
    r->n_nodes++;
    return n;
}

/* ---- tokeniser ------------------------------------------------------ */

struct tok {
    char *s;        /* NUL-terminated, quotes removed */
    char *eq;       /* first '=' in s, or NULL */
    int quoted;
};

/* The key a tokeniser error is reported under. */
static const char *tok_key(struct tok *t, size_t idx, int directive, char *keybuf, size_t kn)
{
    if (idx == 0)
        return directive ? t->s : "pattern";
    if (directive)
        return keybuf;
    if (t->eq) {
        size_t n = (size_t)(t->eq - t->s);
        snprintf(keybuf, kn, "%.*s", (int)(n < kn ? n : kn - 1), t->s);
        return keybuf;
    }
    return t->s;
}

/* Split line in place into tokens. A double-quoted section may start a token
 * or follow its first '=', and must end the token. '#' at a token's start
 * begins a comment. Quotes have no escapes: a value cannot hold '"'. */
static int tokenise(struct parse *p, char *line, struct tok *t, size_t *nt)
{
    char *r = line;
    size_t n = 0;
    int directive = line[strspn(line, " \t")] == '%';
    char keybuf[64];
    snprintf(keybuf, sizeof keybuf, "%%");
    for (;;) {
        r += strspn(r, " \t");
        if (*r == '\0' || *r == '#')
            break;
        if (n == MAX_TOKENS)
            return fail(p, n ? t[0].s : "pattern", "too many attributes on one line");
        struct tok *k = &t[n];
        char *w = r;
        k->s = w;
        k->eq = NULL;
        k->quoted = 0;
        while (*r && *r != ' ' && *r != '\t') {
            if (*r == '"') {
                int at_start = w == k->s || (k->eq && w == k->eq + 1);
                *w = '\0';
                const char *key = tok_key(k, n, directive, keybuf, sizeof keybuf);
                if (!at_start || k->quoted)
                    return fail(p, key, "quote in the middle of a value");
                char *close = strchr(r + 1, '"');
                if (!close)
                    return fail(p, key, "unterminated quote");
                if (close[1] && close[1] != ' ' && close[1] != '\t')
                    return fail(p, key, "text after the closing quote");
                size_t len = (size_t)(close - r - 1);
                memmove(w, r + 1, len);
                w += len;
                r = close + 1;
                k->quoted = 1;
                continue;
            }
            if (*r == '=' && !k->eq)
                k->eq = w;
            *w++ = *r++;
        }
        if (*r)
            r++;            /* step past the separator before w may land on it */
        *w = '\0';
        if (n == 0 && directive)
            snprintf(keybuf, sizeof keybuf, "%s", k->s);
        n++;
    }
    *nt = n;
    return 0;
}

/* ---- directives ----------------------------------------------------- */

static int parse_serial(const char *s, unsigned long long *out)
{
    size_t n = strlen(s);
    if (n == 0 || n > 20 || !all_digits(s, n) || s[0] == '0')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, NULL, 10);
    if (errno == ERANGE)
        return -1;
    *out = v;
    return 0;
}

static int format_missing(struct parse *p)
{
    return fail(p, "%format", "missing; the file must start with "
                "\"%%format safeshare-register 1\"");
}

static int directive_value(struct parse *p, int d, const char *v)
{
    ss_register *r = p->r;
    const char *key = DIRECTIVES[d];
    switch (d) {
    case D_PUBLISHER:
        if (text_ok(p, key, v, 255) < 0)
            return -1;
        r->publisher = ss_xstrdup(v);
        return 0;
    case D_SERIAL:
        if (parse_serial(v, &r->serial) < 0)
            return fail(p, key, "\"%s\" is not a positive integer", v);
        return 0;
    case D_ISSUED:
    case D_EXPIRES:
        if (parse_utc(v, d == D_ISSUED ? &r->issued : &r->expires) < 0)
            return fail(p, key, "\"%s\" is not a UTC time YYYY-MM-DDTHH:MM:SSZ", v);
        if (r->issued && r->expires && r->expires <= r->issued)
            return fail(p, key, "%%expires must be later than %%issued");
        return 0;
    default:
        return 0;
    }
}

static int do_directive(struct parse *p, struct tok *t, size_t n)
{
    int d = 0;
    while (d < D_N && strcmp(t[0].s, DIRECTIVES[d]) != 0)
        d++;
    if (d == D_N)
        return fail(p, t[0].s, "unknown header directive");
    if (p->dir_line[d])
        return fail(p, t[0].s, "given twice (first on line %u)", p->dir_line[d]);
    if (p->seen_entry)
        return fail(p, t[0].s, "header directives must come before the first entry");
    if (d != D_FORMAT && !p->dir_line[D_FORMAT])
        return format_missing(p);
    p->dir_line[d] = p->line;

    if (d == D_FORMAT) {
        if (n != 3 || t[1].quoted || t[2].quoted
            || strcmp(t[1].s, "safeshare-register") != 0 || strcmp(t[2].s, "1") != 0)
            return fail(p, t[0].s, "unsupported format; expected \"safeshare-register 1\"");
        return 0;
    }
    if (n != 2)
        return fail(p, t[0].s, "expects one value (use double quotes for a value with spaces)");
    return directive_value(p, d, t[1].s);
}

/* ---- entries -------------------------------------------------------- */

static void entry_free(struct reg_entry *e)
{
    free(e->pattern);
    for (int i = 0; i < A_N; i++)
        free(e->v[i]);
}

/* Pattern: [!][*.]domain. The star is only ever the whole leftmost label. */
static int parse_pattern(struct parse *p, struct tok *t, struct reg_entry *e, char *base,
                         size_t baselen)
{
    const char *s = t->s;
    if (t->quoted)
        return fail(p, "pattern", "a domain pattern must not be quoted");
    if (*s == '!') {
        e->exclusion = 1;
        s++;
    }
    if (s[0] == '*' && s[1] == '.') {
        e->wildcard = 1;
        s += 2;
    }
    if (strchr(s, '*'))
        return fail(p, "pattern", "\"%s\": '*' may only be the whole leftmost label, "
                    "as in *.example.gov.uk", t->s);
    if (*s == '\0' && e->wildcard)
        return fail(p, "pattern", "\"%s\": a wildcard needs a domain after \"*.\"", t->s);
    if (ss_domain_normalise(s, base, baselen) < 0)
        return fail(p, "pattern", "\"%s\" is not a valid domain name", t->s);
    ss_buf b = SS_BUF_INIT;
    ss_buf_printf(&b, "%s%s%s", e->exclusion ? "!" : "", e->wildcard ? "*." : "", base);
    e->pattern = ss_buf_steal(&b);
    return 0;
}

static int parse_attrs(struct parse *p, struct tok *t, size_t n, struct reg_entry *e)
{
    for (size_t i = 1; i < n; i++) {
        if (!t[i].eq)
            return fail(p, t[i].s, "expected key=value");
        *t[i].eq = '\0';
        const char *key = t[i].s;
        char *val = t[i].eq + 1;
        int a = 0;
        while (a < A_N && strcmp(key, ATTRS[a].key) != 0)
            a++;
        if (a == A_N)
            return fail(p, key, "unknown attribute");
        if (e->exclusion ? !ATTRS[a].on_exclusion : !ATTRS[a].on_entry)
            return fail(p, key, e->exclusion ? "not allowed on an exclusion"
                        : "only allowed on an exclusion (!pattern)");
        if (e->v[a])
            return fail(p, key, "given twice");
        if (*val == '\0')
            return fail(p, key, "empty value");
        e->v[a] = ss_xstrdup(val);
        if (ATTRS[a].check(p, key, &e->v[a]) < 0)
            return -1;
    }
    return 0;
}

static int check_required(struct parse *p, const struct reg_entry *e)
{
    if (e->exclusion) {
        if (!e->v[A_REASON])
            return fail(p, "reason", "missing (required on every exclusion)");
        return 0;
    }
    static const int req[] = { A_ORG, A_BASIS, A_UNTIL };
    for (size_t i = 0; i < sizeof req / sizeof req[0]; i++)
        if (!e->v[req[i]])
            return fail(p, ATTRS[req[i]].key, "missing (required on every entry)");
    return 0;
}

/* Rules that tie attributes to each other or to the pattern. */
static int check_policy(struct parse *p, const struct reg_entry *e, const char *base)
{
    const char *tls = e->v[A_TLS];
    int fp = tls && strcmp(tls, "fingerprint") == 0;
    if (fp && !e->v[A_PIN])
        return fail(p, "tls", "fingerprint needs pin=sha256:...");
    if (e->v[A_PIN] && !fp)
        return fail(p, "pin", "only used with tls=fingerprint");

    int oi;
    if (e->v[A_ALT] && (oi = obsolete_index(e->v[A_ALT])) >= 0)
        return fail(p, "alt", "\"%s\" is under %s, which was retired (%s)",
                    e->v[A_ALT], OBSOLETE[oi].suffix, OBSOLETE[oi].why);
    if (e->exclusion)
        return 0;       /* distrusting a retired or broad name is always fine */
    if ((oi = obsolete_index(base)) >= 0)
        return fail(p, "pattern", "\"%s\" is under %s, which was retired (%s) "
                    "and must not be trusted", e->pattern, OBSOLETE[oi].suffix,
                    OBSOLETE[oi].why);

    int broad_yes = e->v[A_BROAD] && strcmp(e->v[A_BROAD], "yes") == 0;
    if (e->wildcard && is_broad(base)) {
        if (!broad_yes)
            return fail(p, "broad", "\"%s\" trusts every domain under the public suffix "
                        "%s; add broad=yes if that is really meant", e->pattern, base);
        add_warning(p, "broad", "\"%s\" trusts every domain under the public suffix %s",
             e->pattern, base);
    } else if (broad_yes) {
        add_warning(p, "broad", "broad=yes has no effect on \"%s\"", e->pattern);
    }
    return 0;
}

static int add_entry(struct parse *p, struct reg_entry *e, const char *base)
{
    ss_register *r = p->r;
    struct reg_node *node = node_get(r, base);
    int s = e->wildcard ? (e->exclusion ? SLOT_WILD_EXCL : SLOT_WILD)
                        : (e->exclusion ? SLOT_EXACT_EXCL : SLOT_EXACT);
    if (node->slot[s])
        return fail(p, "pattern", "\"%s\" duplicates line %u", e->pattern,
                    r->entries[node->slot[s] - 1].line);
    if (r->n_entries == r->cap_entries) {
        r->cap_entries = r->cap_entries ? r->cap_entries * 2 : 64;
        r->entries = ss_xrealloc(r->entries, r->cap_entries * sizeof *r->entries);
    }
    r->entries[r->n_entries++] = *e;
    node->slot[s] = r->n_entries;
    return 0;
}

static int do_entry(struct parse *p, struct tok *t, size_t n)
{
    if (!p->dir_line[D_FORMAT])
        return format_missing(p);
    p->seen_entry = 1;

    struct reg_entry e;
    memset(&e, 0, sizeof e);
    e.line = p->line;
    char base[256];
    if (parse_pattern(p, &t[0], &e, base, sizeof base) < 0
        || parse_attrs(p, t, n, &e) < 0
        || check_required(p, &e) < 0
        || check_policy(p, &e, base) < 0
        || add_entry(p, &e, base) < 0) {
        entry_free(&e);
        return -1;
    }
    return 0;       /* the register owns e's strings now */
}

/* ---- lines ---------------------------------------------------------- */

static int check_bytes(struct parse *p, const char *line, size_t len)
{
    if (len > MAX_LINE_BYTES)
        return fail(p, "line", "longer than %d bytes", MAX_LINE_BYTES);
    const unsigned char *s = (const unsigned char *)line;
    for (size_t i = 0; i < len;) {
        if (s[i] == '\r')
            return fail(p, "line-ending", "carriage return (CR) found; "
                        "the register must use LF line endings");
        if (s[i] == '\0')
            return fail(p, "encoding", "NUL byte at column %zu", i + 1);
        size_t k = utf8_seq(s + i, len - i);
        if (k == 0)
            return fail(p, "encoding", "invalid UTF-8 byte 0x%02x at column %zu", s[i], i + 1);
        i += k;
    }
    return 0;
}

static int do_line(struct parse *p, const char *line, size_t len)
{
    if (check_bytes(p, line, len) < 0)
        return -1;
    char *work = ss_xstrndup(line, len);
    struct tok t[MAX_TOKENS];
    size_t n = 0;
    int rc = tokenise(p, work, t, &n);
    if (rc == 0 && n > 0)
        rc = t[0].s[0] == '%' && !t[0].quoted ? do_directive(p, t, n) : do_entry(p, t, n);
    free(work);
    return rc;
}

int ss_register_parse(const char *name, const char *data, size_t len,
                      ss_register **out, char *err, size_t errlen)
{
    struct parse p;
    memset(&p, 0, sizeof p);
    p.name = name ? name : "register";
    p.err = err;
    p.errlen = errlen;
    if (err && errlen)
        err[0] = '\0';
    *out = NULL;
    p.r = ss_xcalloc(1, sizeof *p.r);
    p.line = 1;

    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        fail(&p, "encoding", "byte-order mark at the start; save as UTF-8 without BOM");
        ss_register_free(p.r);
        return -1;
    }
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t l = nl ? (size_t)(nl - (data + pos)) : len - pos;
        if (do_line(&p, data + pos, l) < 0) {
            ss_register_free(p.r);
            return -1;
        }
        pos += l + 1;
        p.line++;
    }
    if (!p.dir_line[D_FORMAT]) {
        if (err && errlen)
            snprintf(err, errlen, "%s: %%format: missing; the file must start with "
                     "\"%%format safeshare-register 1\"", p.name);
        ss_register_free(p.r);
        return -1;
    }
    *out = p.r;
    return 0;
}

int ss_register_load(const char *path, ss_register **out, char *err, size_t errlen)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err && errlen)
            snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    ss_buf b = SS_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > MAX_FILE_BYTES)
            break;
        ss_buf_add(&b, chunk, n);
    }
    int bad = ferror(f) ? 1 : (n > 0 ? 2 : 0);
    fclose(f);
    if (bad) {
        if (err && errlen)
            snprintf(err, errlen, "%s: %s", path,
                     bad == 1 ? "read error" : "larger than 64 MiB");
        ss_buf_free(&b);
        return -1;
    }
    int rc = ss_register_parse(path, b.p ? b.p : "", b.len, out, err, errlen);
    ss_buf_free(&b);
    return rc;
}

void ss_register_free(ss_register *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_entries; i++)
        entry_free(&r->entries[i]);
    free(r->entries);
    for (size_t i = 0; i < r->cap_nodes; i++)
        free(r->nodes[i].key);
    free(r->nodes);
    free(r->publisher);
    ss_buf_free(&r->warnings);
    free(r);
}

unsigned long long ss_register_serial(const ss_register *r)
{
    return r ? r->serial : 0;
}

const char *ss_register_publisher(const ss_register *r)
{
    return r && r->publisher ? r->publisher : "";
}

time_t ss_register_expires(const ss_register *r)
{
    return r ? r->expires : 0;
}

time_t ss_register_issued(const ss_register *r)
{
    return r ? r->issued : 0;
}

size_t ss_register_count(const ss_register *r)
{
    return r ? r->n_entries : 0;
}

const char *ss_register_warnings(const ss_register *r)
{
    return r && r->warnings.p ? r->warnings.p : "";
}

void ss_register_entry(const ss_register *r, size_t i, ss_reg_entry *out)
{
    const struct reg_entry *e = &r->entries[i];
    memset(out, 0, sizeof *out);
    out->pattern = e->pattern;
    out->domain = e->pattern + (e->exclusion ? 1 : 0) + (e->wildcard ? 2 : 0);
    out->line = e->line;
    out->exclusion = e->exclusion;
    out->wildcard = e->wildcard;
    const char **slot[A_N] = {
        [A_ORG] = &out->org, [A_BASIS] = &out->basis, [A_UNTIL] = &out->until,
        [A_REF] = &out->ref, [A_ODS] = &out->ods, [A_ALT] = &out->alt,
        [A_TLS] = &out->tls, [A_MATCH] = &out->match, [A_PIN] = &out->pin,
        [A_MIN] = &out->min, [A_BROAD] = &out->broad, [A_REASON] = &out->reason,
    };
    for (int a = 0; a < A_N; a++)
        *slot[a] = e->v[a];
}

size_t ss_register_live_count(const ss_register *r)
{
    size_t n = 0;
    for (size_t i = 0; r && i < r->n_entries; i++)
        n += !r->entries[i].exclusion;
    return n;
}

/* ---- matching ------------------------------------------------------- */

/* The domain of an address: after the last '@', inside optional <> and
 * surrounding whitespace. Returns 0 and writes out, or -1. */
static int address_domain(const char *address, char *out, size_t outlen)
{
    if (!address)
        return -1;
    const char *s = address, *e = address + strlen(address);
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    int open = s < e && *s == '<', close = e > s && e[-1] == '>';
    if (open != close || (open && e - s < 2))
        return -1;
    if (open) {
        s++;
        e--;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
    }
    const char *at = NULL;
    for (const char *q = s; q < e; q++)
        if (*q == '@')
            at = q;
    if (!at || e - (at + 1) <= 0 || (size_t)(e - (at + 1)) >= outlen)
        return -1;
    size_t n = (size_t)(e - (at + 1));
    memcpy(out, at + 1, n);
    out[n] = '\0';
    return 0;
}

/* Most specific first: the exact name (an exclusion before an entry), then
 * "*.parent" for each parent from the nearest up. */
static const struct reg_entry *find_entry(const ss_register *r, const char *domain)
{
    const char *s = domain;
    int exact = 1;
    while (s) {
        const struct reg_node *n = node_find(r, s, fnv1a(s));
        if (n) {
            size_t excl = n->slot[exact ? SLOT_EXACT_EXCL : SLOT_WILD_EXCL];
            size_t ent = n->slot[exact ? SLOT_EXACT : SLOT_WILD];
            if (excl)
                return &r->entries[excl - 1];
            if (ent)
                return &r->entries[ent - 1];
        }
        s = strchr(s, '.');
        if (s)
            s++;
        exact = 0;
    }
    return NULL;
}

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

void ss_register_check(const ss_register *r, const char *address,
                       const char *today, ss_match *m)
{
    memset(m, 0, sizeof *m);
    char raw[1024];
    if (address_domain(address, raw, sizeof raw) < 0
        || ss_domain_normalise(raw, m->domain, sizeof m->domain) < 0) {
        m->domain[0] = '\0';
        copy(m->why, sizeof m->why, "the address's domain is not valid");
        return;
    }
    /* Checked before the register: even a broad=yes wildcard above a
     * retired network must not make it secure again. */
    int oi = obsolete_index(m->domain);
    if (oi >= 0) {
        snprintf(m->why, sizeof m->why, "%s was retired and is not a secure domain",
                 OBSOLETE[oi].suffix);
        return;
    }
    const struct reg_entry *e = r ? find_entry(r, m->domain) : NULL;
    if (!e) {
        copy(m->why, sizeof m->why, "not on the secure-domain register");
        return;
    }
    copy(m->entry, sizeof m->entry, e->pattern);
    copy(m->org, sizeof m->org, e->v[A_ORG]);
    copy(m->basis, sizeof m->basis, e->v[A_BASIS]);
    copy(m->alt, sizeof m->alt, e->v[A_ALT]);
    copy(m->until, sizeof m->until, e->v[A_UNTIL]);
    if (e->exclusion)
        snprintf(m->why, sizeof m->why, "excluded from the register: %s", e->v[A_REASON]);
    else if (!today || strlen(today) != 10 || !valid_date(today))
        copy(m->why, sizeof m->why, "the date of the check is not valid");
    else if (strcmp(today, e->v[A_UNTIL]) > 0)
        snprintf(m->why, sizeof m->why, "accreditation expired %s", e->v[A_UNTIL]);
    else {
        m->secure = 1;
        snprintf(m->why, sizeof m->why, "on the secure-domain register (%s)", e->v[A_ORG]);
    }
}
