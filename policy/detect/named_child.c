/* Named child (spec identifiers.md §9.3). See named_child.h for the
 * interface and README.md for the design; the executable rule is
 * named_child_reference.py, and each function below names the part of it
 * (and of §9.3) that it implements.
 *
 * Positions are byte offsets into the normalised segment. The reference
 * counts its windows (150, 300, 80, 40, 12) in characters; so does this
 * file (a segment that is all ASCII takes the short cut). */
#include "named_child.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "named_child_tables.h"

#define WINDOW_SIGNAL 150   /* "Child signal within 150 characters of the name" */
#define WINDOW_TERM 300     /* "within 300 characters" (§9.3 Confidence, §10) */
#define AFTER_ROLE 80       /* the reference reads 80 characters after a name for roles/places/ages */
#define AFTER_AGE 40        /* ... and 40 for an age right after it */
#define BEFORE_HON 12       /* ... and 12 before it for an honorific */
#define TAIL_OK 40          /* _word_ok's tail */
#define TERM_MAXLEN 64      /* longer than any §9.1 term match, for the binary search */

/* ------------------------------------------------------------------ */
/* memory                                                               */

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL)
        abort();
    return q;
}

#define VEC(T) struct { T *v; size_t n, cap; }
#define VPUSH(vec, val)                                                   \
    do {                                                                  \
        if ((vec).n == (vec).cap) {                                       \
            (vec).cap = (vec).cap ? 2 * (vec).cap : 16;                   \
            (vec).v = xrealloc((vec).v, (vec).cap * sizeof *(vec).v);     \
        }                                                                 \
        (vec).v[(vec).n++] = (val);                                       \
    } while (0)

/* ------------------------------------------------------------------ */
/* characters                                                           */

/* byte classes for the scanning loop */
enum {
    B_ALPHA = 1,     /* ASCII letter */
    B_DIGIT = 2,
    B_WORD = 4,      /* \w: letter, digit, '_' */
    B_UPPER = 8,
    B_SPECIAL = 16,  /* a byte the loop looks at: space, tab, newline, . ! ? , */
    B_HIGH = 32      /* >= 0x80 */
};
static unsigned char bcls[256];

static void init_bcls(void)
{
    for (int c = 0; c < 256; c++) {
        unsigned k = 0;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            k |= B_ALPHA | B_WORD;
        if (c >= 'A' && c <= 'Z')
            k |= B_UPPER;
        if (c >= '0' && c <= '9')
            k |= B_DIGIT | B_WORD;
        if (c == '_')
            k |= B_WORD;
        if (c == ' ' || c == '\t' || c == '\n' || c == '.' || c == '!' || c == '?' || c == ',')
            k |= B_SPECIAL;
        if (c >= 0x80)
            k |= B_HIGH;
        bcls[c] = (unsigned char)k;
    }
}

/* Decode the code point at i (i < n). Invalid UTF-8: the byte alone, as
 * U+FFFD (no class). */
static uint32_t dec(const unsigned char *s, size_t n, size_t i, size_t *len)
{
    unsigned c = s[i];
    if (c < 0x80) {
        *len = 1;
        return c;
    }
    size_t l;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF)
        l = 2, v = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        l = 3, v = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        l = 4, v = c & 0x07, min = 0x10000;
    else
        goto bad;
    if (i + l > n)
        goto bad;
    for (size_t k = 1; k < l; k++) {
        if ((s[i + k] & 0xC0) != 0x80)
            goto bad;
        v = (v << 6) | (s[i + k] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        goto bad;
    *len = l;
    return v;
bad:
    *len = 1;
    return 0xFFFD;
}

/* The code point ending at i (i > 0). */
static uint32_t dec_before(const unsigned char *s, size_t n, size_t i, size_t *len)
{
    if (s[i - 1] < 0x80) {
        *len = 1;
        return s[i - 1];
    }
    size_t k = i - 1;
    while (k > 0 && i - k < 4 && (s[k] & 0xC0) == 0x80)
        k--;
    size_t l;
    uint32_t cp = dec(s, n, k, &l);
    if (k + l == i) {
        *len = l;
        return cp;
    }
    *len = 1;
    return 0xFFFD;
}

static unsigned ucf(uint32_t cp)
{
    return ss_nc_uc_flags(cp);
}

static int lc_ascii(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* ------------------------------------------------------------------ */
/* lexicon (generated perfect hash)                                     */

static uint64_t load64le(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
           (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
           (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

/* gen_tables.py's lex_hash; k is zero-padded to a multiple of 8 bytes. */
static uint64_t lex_hash(const unsigned char *k, size_t len)
{
    uint64_t h = 0x243F6A8885A308D3ull ^ ss_nc_lex_seed ^ (uint64_t)len;
    for (size_t i = 0; i < len; i += 8) {
        h = (h ^ load64le(k + i)) * 0x9E3779B97F4A7C15ull;
        h ^= h >> 29;
    }
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 32;
    return h;
}

#define LEX_KEYMAX 31

/* The slot a hash points at, when the bloom filter and the slot's length
 * agree with the key: v (a non-zero slot value) and its index, else 0. */
static uint32_t lex_probe(uint64_t h, size_t len, unsigned *slotp)
{
    const uint64_t bm = (1u << SS_NC_LEX_BLOOM_BITS) - 1;
    uint64_t b1 = (h >> 8) & bm, b2 = (h >> 25) & bm;
    if (!((ss_nc_lex_bloom[b1 >> 6] >> (b1 & 63)) & (ss_nc_lex_bloom[b2 >> 6] >> (b2 & 63)) & 1))
        return 0;
    unsigned b = (unsigned)(h >> (64 - SS_NC_LEX_BUCKET_BITS));
    unsigned slot = ((unsigned)h ^ ss_nc_lex_disp[b]) & ((1u << SS_NC_LEX_SLOT_BITS) - 1);
    uint32_t v = ss_nc_lex_slot[slot];
    if (((v >> 20) & 31) != len)
        return 0;
    *slotp = slot;
    return v;
}

/* The slot of key (padded buffer of at least 32 bytes), or -1. */
static int lex_find(const unsigned char *key, size_t len, unsigned *stop)
{
    if (len == 0 || len > LEX_KEYMAX)
        return -1;
    unsigned slot;
    uint32_t v = lex_probe(lex_hash(key, len), len, &slot);
    if (v == 0)
        return -1;
    /* key is zero-padded to 32 bytes; the pool has 8 bytes of padding */
    const unsigned char *e = (const unsigned char *)ss_nc_lex_pool + (v & 0xFFFFF);
    for (size_t i = 0; i < len; i += 8) {
        uint64_t x = load64le(e + i) ^ load64le(key + i);
        if (len - i < 8)
            x &= (1ull << (8 * (len - i))) - 1;
        if (x)
            return -1;
    }
    *stop = (v >> 25) & 3;
    return (int)slot;
}

int ss_nc_lexicon_has(const char *key, size_t len, unsigned *stop)
{
    unsigned char buf[LEX_KEYMAX + 9];
    unsigned dummy;
    if (len > LEX_KEYMAX)
        return 0;
    memset(buf, 0, sizeof buf);
    memcpy(buf, key, len);
    return lex_find(buf, len, stop ? stop : &dummy) >= 0;
}

/* fold_accents(c).lower() of a non-ASCII code point, ASCII; NULL if none */
static const char *uc_fold(uint32_t cp)
{
    size_t lo = 0, hi = ss_nc_uc_nfolds;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ss_nc_uc_folds[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ss_nc_uc_nfolds && ss_nc_uc_folds[lo].cp == cp ? ss_nc_uc_folds[lo].fold : NULL;
}

static uint32_t uc_lower(uint32_t cp)
{
    if (cp < 0x80)
        return (uint32_t)lc_ascii((int)cp);
    size_t lo = 0, hi = ss_nc_uc_nlowers;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ss_nc_uc_lowers[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ss_nc_uc_nlowers && ss_nc_uc_lowers[lo].cp == cp ? ss_nc_uc_lowers[lo].lower : cp;
}

/* ------------------------------------------------------------------ */
/* keywords: the fixed words the scan and the resolution look for       */

enum {
    KW_ROLE = 1u << 0,        /* child son daughter baby infant toddler sibling unborn (lower case) */
    KW_ROLE_SS = 1u << 1,     /* the same in Title case, at a sentence start */
    KW_YOUNG = 1u << 2,       /* young person / Young person */
    KW_LOOKED = 1u << 3,      /* looked after */
    KW_YP = 1u << 4,          /* YP, CYP */
    KW_STAGE3 = 1u << 5,      /* reception, nursery: lower, Title or UPPER */
    KW_PUPIL = 1u << 6,       /* pupil */
    KW_SIXTH = 1u << 7,       /* Sixth Form */
    KW_YEAR = 1u << 8,        /* Year N */
    KW_Y = 1u << 9,           /* YN */
    KW_STUDENT = 1u << 10,    /* student at X */
    KW_AGE = 1u << 11,        /* age / aged N */
    KW_BORN = 1u << 12,       /* born YYYY */
    KW_ENDER = 1u << 13,      /* ends a surname, any case (t.title() in SURNAME_ENDERS) */
    KW_ENDER_EXACT = 1u << 14,/* ends a surname written exactly (DC, DS, PC) */
    KW_STOP_REF = 1u << 15,   /* stop-list word (reference list) */
    KW_STOP_EXTRA = 1u << 16, /* stop-list word (shipped additions) */
    KW_PLACE = 1u << 17,      /* Street, Road, ... Trust */
    KW_HONOR = 1u << 18,      /* adult honorific or rank */
    KW_MONTH = 1u << 19
};
#define KW_SIGNALS (KW_ROLE | KW_ROLE_SS | KW_YOUNG | KW_LOOKED | KW_YP | KW_STAGE3 | \
                    KW_PUPIL | KW_SIXTH | KW_YEAR | KW_Y | KW_STUDENT | KW_AGE | KW_BORN)

typedef struct {
    char lc[16];      /* lower case */
    char form[16];    /* the honorific as listed (case matters) */
    unsigned len;
    unsigned flags;
} kw_entry;

#define KW_SLOTS 1024
static kw_entry kw_tab[KW_SLOTS];

static unsigned kw_hash(const char *lc, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)lc[i]) * 16777619u;
    return (h ^ (h >> 15)) & (KW_SLOTS - 1);
}

static void kw_add(const char *word, unsigned flags)
{
    char lc[16];
    size_t len = strlen(word);
    for (size_t i = 0; i < len; i++)
        lc[i] = (char)lc_ascii((unsigned char)word[i]);
    unsigned h = kw_hash(lc, len);
    while (kw_tab[h].len != 0 && !(kw_tab[h].len == len && memcmp(kw_tab[h].lc, lc, len) == 0))
        h = (h + 1) & (KW_SLOTS - 1);
    kw_entry *e = &kw_tab[h];
    if (e->len == 0) {
        memcpy(e->lc, lc, len);
        e->len = (unsigned)len;
    }
    e->flags |= flags;
    if (flags & KW_HONOR)
        memcpy(e->form, word, len);
}

/* Entry for the ASCII letters p[0..len), any case, or NULL. */
static const kw_entry *kw_find(const unsigned char *p, size_t len)
{
    if (len == 0 || len > 12)
        return NULL;
    char lc[16];
    for (size_t i = 0; i < len; i++)
        lc[i] = (char)(p[i] | 0x20);
    unsigned h = kw_hash(lc, len);
    for (;;) {
        const kw_entry *e = &kw_tab[h];
        if (e->len == 0)
            return NULL;
        if (e->len == len && memcmp(e->lc, lc, len) == 0)
            return e;
        h = (h + 1) & (KW_SLOTS - 1);
    }
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void sk_init(void);

static void init_tables(void)
{
    init_bcls();
    static const char *const roles[] = { "child", "son", "daughter", "baby", "infant",
                                         "toddler", "sibling", "unborn" };
    for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
        kw_add(roles[i], KW_ROLE | KW_ROLE_SS | KW_ENDER);
    kw_add("young", KW_YOUNG);
    kw_add("looked", KW_LOOKED);
    kw_add("yp", KW_YP);
    kw_add("cyp", KW_YP);
    kw_add("reception", KW_STAGE3 | KW_ENDER);
    kw_add("nursery", KW_STAGE3 | KW_ENDER);
    kw_add("pupil", KW_PUPIL | KW_ENDER);
    kw_add("sixth", KW_SIXTH | KW_ENDER);
    kw_add("year", KW_YEAR | KW_ENDER);
    kw_add("y", KW_Y);
    kw_add("student", KW_STUDENT);
    kw_add("age", KW_AGE);
    kw_add("aged", KW_AGE);
    kw_add("born", KW_BORN);
    static const char *const months[] = { "January", "February", "March", "April", "May",
                                          "June", "July", "August", "September", "October",
                                          "November", "December" };
    for (size_t i = 0; i < 12; i++)
        kw_add(months[i], KW_ENDER | KW_MONTH);
    static const char *const hon[] = { "Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Cllr",
                                       "Sgt", "Insp", "Rev", "Sir", "Dame" };
    for (size_t i = 0; i < sizeof hon / sizeof *hon; i++)
        kw_add(hon[i], KW_ENDER | KW_HONOR);
    static const char *const hon_exact[] = { "DC", "DS", "PC" };
    for (size_t i = 0; i < 3; i++)
        kw_add(hon_exact[i], KW_ENDER_EXACT | KW_HONOR);
    static const char *const places[] = { "Street", "Road", "Avenue", "Lane", "Close", "House",
                                          "Court", "Primary", "Academy", "School", "Centre",
                                          "Surgery", "Ward", "Trust" };
    for (size_t i = 0; i < sizeof places / sizeof *places; i++)
        kw_add(places[i], KW_PLACE);
    for (size_t i = 0; i < ss_nc_stop_nwords; i++)
        kw_add(ss_nc_stop_words[i].word,
               (ss_nc_stop_words[i].flags & SS_NC_LEX_STOP_REF ? KW_STOP_REF : 0) |
               (ss_nc_stop_words[i].flags & SS_NC_LEX_STOP_EXTRA ? KW_STOP_EXTRA : 0));
    sk_init();
}

/* ------------------------------------------------------------------ */
/* the segment being scanned                                            */

enum { SEP_NONE, SEP_SPACES, SEP_COMMA, SEP_OTHER };

/* token flags */
enum {
    TF_POSS = 1,          /* ends in 's (possessive) */
    TF_GIVEN = 2,         /* its base is a given name */
    TF_SURNAME = 4,       /* a surname word */
    TF_INITIAL = 8,       /* a single upper-case letter */
    TF_MULTI = 16,        /* its base has more than one character */
    TF_SURCHK = 32,       /* TF_SURNAME has been worked out */
    TF_GIVCHK = 64        /* TF_GIVEN has been worked out */
};

typedef struct {          /* a _WORD token: letters joined by ' ’ - */
    size_t a, b, be;      /* start, end, end of the base (without 's) */
    unsigned fl;
    int sep;              /* the text between the previous token and this one */
    size_t st;            /* sentence start: after the last . ! ? \n before a */
    size_t ls;            /* its line's start */
    unsigned col;         /* tabs before it on its line */
    int ascii;            /* every byte < 0x80 */
} tok;

enum { ORD_GIVEN_SURNAME, ORD_SURNAME_GIVEN, ORD_ALONE };

typedef struct {          /* a name candidate */
    size_t s, e;
    size_t ga, ge;        /* the given name (base) */
    size_t pa[2], pe[2];  /* surname words (base), or the initial "E." */
    int np;
    int order;
    size_t st, ls;
    unsigned col;
} cand;

typedef struct {          /* a capitalised word of two or more characters */
    uint32_t a, be;       /* start, end of its base */
    uint32_t st, ls;      /* sentence start, line start */
    uint32_t col;         /* tabs before it on its line */
} capw;

enum { H_AGED, H_OLD, H_YO, H_YRS, H_BORN, H_LABEL, H_STAGE, H_ROLE, H_ROLE_SS, H_NKINDS };

typedef struct {
    size_t s, e;
} span;

typedef struct {          /* consecutive lines holding a tab */
    size_t s;             /* start of its first line (the header row) */
    size_t e;             /* end of its last line */
    size_t hdr_e;         /* end of the header line */
} tblock;

typedef VEC(span) spanv;

typedef struct {
    const unsigned char *s;
    size_t n;
    int ascii;
    const ss_nc_segctx *ctx;
    unsigned stop_mask;   /* KW_STOP_* that count */
    unsigned lex_stop;    /* SS_NC_LEX_STOP_* that count */
    int ref_year;
    int reference;

    /* scanning state */
    tok pend[3];
    int npend;
    tok cur;
    int cur_on;
    int sep;
    int prevw;            /* the previous code point is \w */
    size_t st;            /* sentence start for a token starting now */
    size_t ls;            /* current line start */
    unsigned tabs;        /* tabs so far on the current line */
    int line_tab;         /* the current line has a tab */
    int block_open;       /* the previous line had a tab: the block goes on */

    /* records */
    VEC(cand) cands;      /* Given Surname, Surname Given */
    VEC(capw) caps;       /* every capitalised word: a given name alone, maybe */
    spanv hits[H_NKINDS];
    size_t hit_end[H_NKINDS];
    VEC(size_t) closings, discs, quotes;   /* line starts */
    spanv greets, hdrs;
    VEC(tblock) blocks;

    /* resolution */
    spanv excl;           /* greeting, signature and header spans, merged */
    spanv skip;           /* signature and disclaimer spans, merged */
    VEC(ss_nc_term) counted; /* terms outside skip */
    spanv allhits;        /* every signal word and dob_child span, by end */
    size_t p_hit, p_w2, p_blk, hit_maxlen;
    size_t sent_lo, sent_hi;  /* no sentence boundary in [lo, hi); hi is one (or n) */
} seg;

/* ------------------------------------------------------------------ */
/* small matchers on the text                                           */

/* \w at i (code point starting at i); 0 past the end */
static int word_at(const seg *g, size_t i)
{
    if (i >= g->n)
        return 0;
    unsigned c = g->s[i];
    if (c < 0x80)
        return (bcls[c] & B_WORD) != 0;
    size_t l;
    return (ucf(dec(g->s, g->n, i, &l)) & SS_NC_UC_WORD) != 0;
}

/* letter ([^\W\d_]) at i */
static int letter_at(const seg *g, size_t i, size_t *len)
{
    if (i >= g->n)
        return 0;
    unsigned c = g->s[i];
    if (c < 0x80) {
        *len = 1;
        return (bcls[c] & B_ALPHA) != 0;
    }
    return (ucf(dec(g->s, g->n, i, len)) & SS_NC_UC_LETTER) != 0;
}

/* \w limited to [0, lim): past lim is the end of the window */
static int word_at_lim(const seg *g, size_t i, size_t lim)
{
    return i < lim && word_at(g, i);
}

/* ASCII case-insensitive match of lit (lower case, l bytes) at i, within lim */
static inline int ci_atn(const seg *g, size_t i, size_t lim, const char *lit, size_t l)
{
    if (i + l > lim || i + l > g->n)
        return 0;
    for (size_t k = 0; k < l; k++)
        if (lc_ascii(g->s[i + k]) != lit[k])
            return 0;
    return 1;
}

/* exact match of lit (l bytes) at i, within lim */
static inline int ex_atn(const seg *g, size_t i, size_t lim, const char *lit, size_t l)
{
    return i + l <= lim && i + l <= g->n && memcmp(g->s + i, lit, l) == 0;
}

#define ci_at(g, i, lim, lit) ci_atn(g, i, lim, lit, sizeof(lit) - 1)
#define ex_at(g, i, lim, lit) ex_atn(g, i, lim, lit, sizeof(lit) - 1)

static size_t skip_sp(const seg *g, size_t i, size_t lim)
{
    while (i < lim && (g->s[i] == ' ' || g->s[i] == '\t'))
        i++;
    return i;
}

static size_t digits_end(const seg *g, size_t i, size_t lim)
{
    while (i < lim && g->s[i] >= '0' && g->s[i] <= '9')
        i++;
    return i;
}

static int digit_at(const seg *g, size_t i, size_t lim)
{
    return i < lim && g->s[i] >= '0' && g->s[i] <= '9';
}

static int num(const seg *g, size_t a, size_t b)
{
    int v = 0;
    for (size_t i = a; i < b; i++)
        v = v * 10 + (g->s[i] - '0');
    return v;
}

/* [p, p + n) holds no byte >= 0x80 */
static int all_ascii(const unsigned char *p, size_t n)
{
    uint64_t acc = 0;
    size_t i = 0;
    for (; i + 32 <= n; i += 32)
        acc |= load64le(p + i) | load64le(p + i + 8) | load64le(p + i + 16) | load64le(p + i + 24);
    for (; i + 8 <= n; i += 8)
        acc |= load64le(p + i);
    for (; i < n; i++)
        acc |= p[i];
    return (acc & 0x8080808080808080ull) == 0;
}

/* i + k characters (clamped) */
static size_t fwd(const seg *g, size_t i, size_t k)
{
    if (g->ascii || (i + k <= g->n && all_ascii(g->s + i, k)))
        return i + k < g->n ? i + k : g->n;
    while (k > 0 && i < g->n) {
        i++;
        while (i < g->n && (g->s[i] & 0xC0) == 0x80)
            i++;
        k--;
    }
    return i;
}

/* i - k characters (clamped) */
static size_t back(const seg *g, size_t i, size_t k)
{
    if (g->ascii || (i >= k && all_ascii(g->s + i - k, k)))
        return i > k ? i - k : 0;
    while (k > 0 && i > 0) {
        i--;
        while (i > 0 && (g->s[i] & 0xC0) == 0x80)
            i--;
        k--;
    }
    return i;
}

/* code points in [a, b) */
static size_t nchars(const seg *g, size_t a, size_t b)
{
    if (g->ascii)
        return b - a;
    size_t k = 0;
    for (size_t i = a; i < b; i++)
        k += (g->s[i] & 0xC0) != 0x80;
    return k;
}

/* the end of the letter run at i (maximal [^\W\d_]+), clipped at lim */
static size_t letters_end(const seg *g, size_t i, size_t lim)
{
    size_t l;
    while (i < lim && letter_at(g, i, &l))
        i += l;
    return i < lim ? i : lim;
}

static const kw_entry *kw_at(const seg *g, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if (g->s[i] >= 0x80)
            return NULL;
    return kw_find(g->s + a, b - a);
}

/* the run [a, b) is written as lc in lower case / Title / UPPER */
static int is_lower_form(const seg *g, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if (!(g->s[i] >= 'a' && g->s[i] <= 'z'))
            return 0;
    return 1;
}

static int is_title_form(const seg *g, size_t a, size_t b)
{
    return g->s[a] >= 'A' && g->s[a] <= 'Z' && is_lower_form(g, a + 1, b);
}

static int is_upper_form(const seg *g, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if (!(g->s[i] >= 'A' && g->s[i] <= 'Z'))
            return 0;
    return 1;
}

/* ------------------------------------------------------------------ */
/* _word_ok (reference): a role or stage word counts only as a whole   */
/* word, not inside a code name, an anonymised label or a place name   */

static int word_ok(const seg *g, size_t ms, size_t me, int word)
{
    if (ms > 0) {
        size_t l;
        uint32_t pre = dec_before(g->s, g->n, ms, &l);
        if ((ucf(pre) & SS_NC_UC_ALNUM) || pre == '_' || pre == '.' || pre == '\\')
            return 0;
        if (word && pre == '-')
            return 0;
    }
    size_t lim = fwd(g, me, TAIL_OK);
    size_t l;
    if (word && me < lim && g->s[me] == '-' && me + 1 < lim && letter_at(g, me + 1, &l))
        return 0;
    /* _CODE: [ \t]+process(es)?\b | \\?[_./:#(]\w */
    size_t q = skip_sp(g, me, lim);
    if (q > me && ex_at(g, q, lim, "process")) {
        size_t r = q + 7;
        if (ex_at(g, r, lim, "es") && !word_at_lim(g, r + 2, lim))
            return 0;
        if (!word_at_lim(g, r, lim))
            return 0;
    }
    size_t p = me;
    if (p < lim && g->s[p] == '\\')
        p++;
    if (p < lim && strchr("_./:#(", g->s[p]) && g->s[p] != '\0' && word_at_lim(g, p + 1, lim))
        return 0;
    /* _ANON: [ \t]+([A-Z]|[0-9]{1,2})\b | [0-9] */
    if (q > me && q < lim) {
        if (g->s[q] >= 'A' && g->s[q] <= 'Z' && !word_at_lim(g, q + 1, lim))
            return 0;
        size_t r = digits_end(g, q, lim);
        if (r > q && r - q <= 2 && !word_at_lim(g, r, lim))
            return 0;
    }
    if (digit_at(g, me, lim))
        return 0;
    /* the next word is a place suffix (Hillside Infant School) */
    if (q > me) {
        size_t r = letters_end(g, q, lim);
        const kw_entry *k = r > q ? kw_at(g, q, r) : NULL;
        if (k && (k->flags & KW_PLACE))
            return 0;
    }
    return 1;
}

static void add_hit(seg *g, int kind, size_t s, size_t e)
{
    VPUSH(g->hits[kind], ((span){ s, e }));
}

/* _sentence_start: pos opens the segment, a line or a sentence */
static int sentence_start(const seg *g, size_t pos)
{
    size_t k = pos;
    while (k > 0 && (g->s[k - 1] == ' ' || g->s[k - 1] == '\t'))
        k--;
    return k == 0 || g->s[k - 1] == '\n' || g->s[k - 1] == '.' || g->s[k - 1] == '!' ||
           g->s[k - 1] == '?';
}

/* ------------------------------------------------------------------ */
/* child-signal words found by the scan (candidate-independent)          */

/* "(1[0-3]|[1-9])\b" at p: the end, or 0 */
static size_t school_year_num(const seg *g, size_t p)
{
    size_t q = digits_end(g, p, g->n);
    if (q == p + 1 && g->s[p] != '0' && !word_at(g, q))
        return q;
    if (q == p + 2 && g->s[p] == '1' && g->s[p + 1] <= '3' && !word_at(g, q))
        return q;
    return 0;
}

/* A letter run [a, b) (ASCII) that is a keyword: record the signals it opens. */
static void run_signals(seg *g, const kw_entry *k, size_t a, size_t b, int prevw)
{
    unsigned f = k->flags;
    size_t n = g->n;
    int bound = !prevw && !word_at(g, b);           /* \b on both sides of the run */
    if (f & KW_ROLE) {
        if (bound && is_lower_form(g, a, b) && word_ok(g, a, b, 1))
            add_hit(g, H_ROLE, a, b);
        if (bound && is_title_form(g, a, b) && sentence_start(g, a) && word_ok(g, a, b, 1))
            add_hit(g, H_ROLE_SS, a, b);
    }
    if ((f & KW_YOUNG) && !prevw && ex_at(g, b, n, " person") && !word_at(g, b + 7)) {
        if (is_lower_form(g, a, b) && word_ok(g, a, b + 7, 1))
            add_hit(g, H_ROLE, a, b + 7);
        if (g->s[a] == 'Y' && is_lower_form(g, a + 1, b) && sentence_start(g, a) &&
            word_ok(g, a, b + 7, 1))
            add_hit(g, H_ROLE_SS, a, b + 7);
    }
    if ((f & KW_LOOKED) && !prevw && is_lower_form(g, a, b) && ex_at(g, b, n, " after") &&
        !word_at(g, b + 6) && word_ok(g, a, b + 6, 1))
        add_hit(g, H_ROLE, a, b + 6);
    if ((f & KW_YP) && bound && is_upper_form(g, a, b) && word_ok(g, a, b, 1))
        add_hit(g, H_ROLE, a, b);
    if ((f & KW_STAGE3) && bound &&
        (is_lower_form(g, a, b) || is_title_form(g, a, b) || is_upper_form(g, a, b)) &&
        word_ok(g, a, b, 1))
        add_hit(g, H_STAGE, a, b);
    if ((f & KW_PUPIL) && bound && is_lower_form(g, a, b) && word_ok(g, a, b, 1))
        add_hit(g, H_STAGE, a, b);
    if ((f & KW_SIXTH) && !prevw && b < n && g->s[b] == ' ') {
        const char *form = is_title_form(g, a, b) ? "Form" : is_upper_form(g, a, b) ? "FORM"
                         : is_lower_form(g, a, b) ? "form" : NULL;
        if (form && ex_atn(g, b + 1, n, form, 4) && !word_at(g, b + 5) && word_ok(g, a, b + 5, 1))
            add_hit(g, H_STAGE, a, b + 5);
    }
    if ((f & KW_YEAR) && !prevw &&
        (is_title_form(g, a, b) || is_upper_form(g, a, b) || is_lower_form(g, a, b))) {
        size_t p = b;
        if (p < n && (g->s[p] == ' ' || g->s[p] == '\t'))
            p++;
        size_t q = digit_at(g, p, n) ? school_year_num(g, p) : 0;
        if (q && word_ok(g, a, q, 1))
            add_hit(g, H_STAGE, a, q);
    }
    if ((f & KW_Y) && !prevw && digit_at(g, b, n)) {
        size_t q = school_year_num(g, b);
        if (q && word_ok(g, a, q, 1))
            add_hit(g, H_STAGE, a, q);
    }
    if ((f & KW_STUDENT) && !prevw && is_lower_form(g, a, b) && ex_at(g, b, n, " at") &&
        b + 3 < n && (g->s[b + 3] == ' ' || g->s[b + 3] == '\t')) {
        size_t p = skip_sp(g, b + 3, n);
        if (p < n && g->s[p] >= 'A' && g->s[p] <= 'Z' && !word_at(g, p + 1) &&
            word_ok(g, a, p + 1, 1))
            add_hit(g, H_STAGE, a, p + 1);
    }
    if ((f & KW_AGE) && !prevw) {
        /* \bage[d]?[ \t]*([0-9]{1,2})\b(?![/.:][0-9]) */
        size_t p = skip_sp(g, b, n);
        size_t q = digits_end(g, p, n);
        if (q > p && q - p <= 2 && !word_at(g, q) &&
            !(q + 1 < n && strchr("/.:", g->s[q]) && g->s[q] != '\0' && digit_at(g, q + 1, n)) &&
            num(g, p, q) < 18 && word_ok(g, a, q, 0))
            add_hit(g, H_AGED, a, q);
    }
    if ((f & KW_BORN) && !prevw && b < n && (g->s[b] == ' ' || g->s[b] == '\t')) {
        /* \bborn[ \t]+(?:in[ \t]+)?((?:19|20)[0-9]{2})\b */
        size_t p = skip_sp(g, b, n);
        if (ci_at(g, p, n, "in") && p + 2 < n && (g->s[p + 2] == ' ' || g->s[p + 2] == '\t'))
            p = skip_sp(g, p + 2, n);
        size_t q = digits_end(g, p, n);
        if (q == p + 4 && !word_at(g, q) && (ex_at(g, p, n, "19") || ex_at(g, p, n, "20"))) {
            int y = num(g, p, q);
            if (g->ref_year - y >= 0 && g->ref_year - y < 18)
                add_hit(g, H_BORN, a, q);
        }
    }
}

/* _LABEL (no word boundary): child's name | name of child | pupil name |
 * young person[ \t]*: | child[ \t]*:  -- found from the run its first word ends */
static void run_labels(seg *g, size_t a, size_t b)
{
    size_t len = b - a, n = g->n;
    int last = lc_ascii(g->s[b - 1]);
    size_t s = 0, e = 0;
    if (last == 'd' && len >= 5 && ci_at(g, b - 5, b, "child")) {
        if (ci_at(g, b, n, "'s name")) {
            s = b - 5, e = b + 7;
        } else {
            size_t p = skip_sp(g, b, n);
            if (p < n && g->s[p] == ':')
                s = b - 5, e = p + 1;
        }
    } else if (last == 'e' && len >= 4 && ci_at(g, b - 4, b, "name")) {
        if (ci_at(g, b, n, " of child"))
            s = b - 4, e = b + 9;
    } else if (last == 'l' && len >= 5 && ci_at(g, b - 5, b, "pupil")) {
        if (ci_at(g, b, n, " name"))
            s = b - 5, e = b + 5;
    } else if (last == 'g' && len >= 5 && ci_at(g, b - 5, b, "young")) {
        if (ci_at(g, b, n, " person")) {
            size_t p = skip_sp(g, b + 7, n);
            if (p < n && g->s[p] == ':')
                s = b - 5, e = p + 1;
        }
    }
    if (e && s >= g->hit_end[H_LABEL]) {
        add_hit(g, H_LABEL, s, e);
        g->hit_end[H_LABEL] = e;
    }
}

/* A digit run [d0, d1) opening a \w run: 3 years old, 3yo, 3 yrs. */
static void digit_signals(seg *g, size_t d0, size_t d1)
{
    size_t n = g->n;
    int v = num(g, d0, d1);
    if (v >= 18)
        return;
    /* \b([0-9]{1,2})[ \t]?yo\b  and  \b([0-9]{1,2})[ \t]?yrs?\b */
    size_t p = d1;
    if (p < n && (g->s[p] == ' ' || g->s[p] == '\t'))
        p++;
    if (ci_at(g, p, n, "yo") && !word_at(g, p + 2)) {
        if (word_ok(g, d0, p + 2, 0))
            add_hit(g, H_YO, d0, p + 2);
    } else if (ci_at(g, p, n, "yr")) {
        size_t q = p + 2;
        if (q < n && lc_ascii(g->s[q]) == 's' && !word_at(g, q + 1))
            q++;
        else if (word_at(g, q))
            q = 0;
        if (q && word_ok(g, d0, q, 0))
            add_hit(g, H_YRS, d0, q);
    }
    /* \b([0-9]{1,2})[ \t-]*years?[ \t-]*old\b */
    p = d1;
    while (p < n && (g->s[p] == ' ' || g->s[p] == '\t' || g->s[p] == '-'))
        p++;
    if (ci_at(g, p, n, "year")) {
        p += 4;
        if (p < n && lc_ascii(g->s[p]) == 's')
            p++;
        while (p < n && (g->s[p] == ' ' || g->s[p] == '\t' || g->s[p] == '-'))
            p++;
        if (ci_at(g, p, n, "old") && !word_at(g, p + 3) && word_ok(g, d0, p + 3, 0))
            add_hit(g, H_OLD, d0, p + 3);
    }
}

/* ------------------------------------------------------------------ */
/* line starts: greetings, closings, quotes, disclaimers, header lines   */

static size_t line_end(const seg *g, size_t i)
{
    const unsigned char *p = memchr(g->s + i, '\n', g->n - i);
    return p ? (size_t)(p - g->s) : g->n;
}

/* ^[ \t>]*on\b[^\n]{0,200}wrote:[ \t]*$ at p1 (after the prefix) */
static int on_wrote(const seg *g, size_t p1, size_t *le_out)
{
    if (!ci_at(g, p1, g->n, "on") || word_at(g, p1 + 2))
        return 0;
    size_t le = line_end(g, p1);
    size_t k = le;
    while (k > p1 && (g->s[k - 1] == ' ' || g->s[k - 1] == '\t'))
        k--;
    if (k < p1 + 8 || !ci_at(g, k - 6, k, "wrote:"))
        return 0;
    if (nchars(g, p1 + 2, k - 6) > 200)
        return 0;
    *le_out = le;
    return 1;
}

typedef struct {
    const char *w;
    size_t len;
} lit;
#define LIT(x) { x, sizeof(x) - 1 }

static void line_start(seg *g, size_t q)
{
    size_t n = g->n, p = q;
    if (q >= n)
        return;   /* an empty segment, or a line break that ends it */
    while (p < n && (g->s[p] == ' ' || g->s[p] == '\t' || g->s[p] == '>'))
        p++;
    if (g->s[q] == '>')
        VPUSH(g->quotes, q);   /* a quoted line */
    if (p >= n)
        return;
    unsigned c = (unsigned)lc_ascii(g->s[p]);
    size_t le;
    switch (c) {
    case 'h': case 'd': case 'm': case 'k': case 'b': case 't': case 'r': case 'w':
    case 'y': case 'a': case 'o': case 'f': case 'c': case 's': case '-':
        break;
    default:
        return;
    }
    /* greeting: (Hi|Hello|Dear|Morning|HI|HELLO|DEAR|hi|hello|dear|morning)\b[^,\n]* */
    static const lit greet_h[] = { LIT("Hi"), LIT("Hello"), LIT("HI"), LIT("HELLO"), LIT("hi"),
                                   LIT("hello"), { NULL, 0 } };
    static const lit greet_d[] = { LIT("Dear"), LIT("DEAR"), LIT("dear"), { NULL, 0 } };
    static const lit greet_m[] = { LIT("Morning"), LIT("morning"), { NULL, 0 } };
    const lit *gl = c == 'h' ? greet_h : c == 'd' ? greet_d : c == 'm' ? greet_m : NULL;
    for (; gl && gl->w; gl++) {
        if (ex_atn(g, p, n, gl->w, gl->len) && !word_at(g, p + gl->len)) {
            size_t e = p + gl->len;
            while (e < n && g->s[e] != ',' && g->s[e] != '\n')
                e++;
            VPUSH(g->greets, ((span){ q, e }));
            break;
        }
    }
    /* closing (case-insensitive), then [ \t]*(,|[.!]?[ \t]*$) */
    static const lit cl_k[] = { LIT("kind regards"), { NULL, 0 } };
    static const lit cl_b[] = { LIT("best wishes"), LIT("best regards"), LIT("best"), { NULL, 0 } };
    static const lit cl_m[] = { LIT("many thanks"), { NULL, 0 } };
    static const lit cl_t[] = { LIT("thanks"), LIT("thank you"), { NULL, 0 } };
    static const lit cl_r[] = { LIT("regards"), { NULL, 0 } };
    static const lit cl_w[] = { LIT("warm regards"), LIT("with thanks"), { NULL, 0 } };
    static const lit cl_y[] = { LIT("yours sincerely"), LIT("yours faithfully"), { NULL, 0 } };
    static const lit cl_a[] = { LIT("all the best"), { NULL, 0 } };
    const lit *cl = c == 'k' ? cl_k : c == 'b' ? cl_b : c == 'm' ? cl_m : c == 't' ? cl_t
                  : c == 'r' ? cl_r : c == 'w' ? cl_w : c == 'y' ? cl_y : c == 'a' ? cl_a : NULL;
    for (; cl && cl->w; cl++) {
        if (!ci_atn(g, p, n, cl->w, cl->len))
            continue;
        size_t r = skip_sp(g, p + cl->len, n);
        int ok;
        if (r < n && g->s[r] == ',') {
            ok = 1;
        } else {
            if (r < n && (g->s[r] == '.' || g->s[r] == '!'))
                r = skip_sp(g, r + 1, n);
            ok = r >= n || g->s[r] == '\n';
        }
        if (ok) {
            VPUSH(g->closings, q);
            break;
        }
    }
    /* quoted or forwarded message (the '>' line was recorded above) */
    if (g->s[q] != '>') {
        int quote = 0;
        if (c == 'o')
            quote = on_wrote(g, p, &le);
        else if (c == '-' && p + 1 < n && g->s[p + 1] == '-') {
            size_t r = p;
            while (r < n && g->s[r] == '-')
                r++;
            r = skip_sp(g, r, n);
            quote = ci_at(g, r, n, "original message") || ci_at(g, r, n, "forwarded message");
        } else if (c == 'b')
            quote = ci_at(g, p, n, "begin forwarded message");
        else if (c == 'f')
            quote = ci_at(g, p, n, "from:") && p + 5 < n && (g->s[p + 5] == ' ' || g->s[p + 5] == '\t');
        if (quote)
            VPUSH(g->quotes, q);
    }
    /* disclaimer */
    int disc = 0;
    if (c == 'd')
        disc = ci_at(g, p, n, "disclaimer") && !word_at(g, p + 10);
    else if (c == 'c')
        disc = ci_at(g, p, n, "confidentiality notice");
    else if (c == 't' && ci_at(g, p, n, "this ")) {
        size_t r = p + 5, w = 0;
        if (ci_at(g, r, n, "email"))
            w = 5;
        else if (ci_at(g, r, n, "e-mail"))
            w = 6;
        else if (ci_at(g, r, n, "message"))
            w = 7;
        if (w && !word_at(g, r + w)) {
            /* [^\n]{0,60}\b(confidential|intended) */
            size_t x = r + w, lim = fwd(g, x, 60);
            for (size_t y = x; y <= lim && y < n && g->s[y] != '\n'; y++) {
                if (ci_at(g, y, n, "confidential") || ci_at(g, y, n, "intended")) {
                    size_t l;
                    uint32_t pre = dec_before(g->s, n, y, &l);   /* \b before a letter */
                    if (!(ucf(pre) & SS_NC_UC_WORD)) {
                        disc = 1;
                        break;
                    }
                }
            }
        }
    } else if (c == 't' && ci_at(g, p, n, "the information ")) {
        size_t r = p + 16;
        if (ci_at(g, r, n, "in "))
            r += 3;
        else if (ci_at(g, r, n, "contained in "))
            r += 13;
        else
            r = 0;
        if (r && ci_at(g, r, n, "this "))
            disc = ci_at(g, r + 5, n, "email") || ci_at(g, r + 5, n, "e-mail") ||
                   ci_at(g, r + 5, n, "message");
    }
    if (disc)
        VPUSH(g->discs, q);
    /* header lines of a quoted message: (from|to|cc|bcc|sent|reply-to):[^\n]*$ or On ... wrote: */
    if (strchr("ftcbsr", (int)c)) {
        static const lit hdr[] = { LIT("from:"), LIT("to:"), LIT("cc:"), LIT("bcc:"), LIT("sent:"),
                                   LIT("reply-to:") };
        for (size_t i = 0; i < sizeof hdr / sizeof *hdr; i++) {
            if (ci_atn(g, p, n, hdr[i].w, hdr[i].len)) {
                VPUSH(g->hdrs, ((span){ q, line_end(g, p) }));
                return;
            }
        }
    }
    if (c == 'o' && on_wrote(g, p, &le))
        VPUSH(g->hdrs, ((span){ q, le }));
}

/* ------------------------------------------------------------------ */
/* tables                                                               */

static void line_done(seg *g, size_t end)
{
    if (g->line_tab) {
        if (g->block_open) {
            g->blocks.v[g->blocks.n - 1].e = end;
        } else {
            tblock b = { g->ls, end, end };
            VPUSH(g->blocks, b);
        }
    }
    g->block_open = g->line_tab;
    g->line_tab = 0;
    g->tabs = 0;
}

/* ------------------------------------------------------------------ */
/* tokens and name candidates                                           */

/* Lexicon key of [a, b): fold_accents(t).lower(); also istitle/isupper and
 * the number of code points. Returns the key length, or 0 when it can
 * hold no lexicon name. */
static size_t tok_key(const seg *g, size_t a, size_t b, unsigned char key[LEX_KEYMAX + 9],
                      int *title, int *upper, size_t *nch)
{
    size_t k = 0, cnt = 0;
    int ok = 1;
    /* str.istitle / str.isupper */
    int cased = 0, prev_cased = 0, t_ok = 1, u_ok = 1, u_cased = 0;
    memset(key, 0, LEX_KEYMAX + 9);
    for (size_t i = a; i < b;) {
        size_t l;
        uint32_t cp = dec(g->s, g->n, i, &l);
        unsigned f = ucf(cp);
        cnt++;
        if ((f & SS_NC_UC_UPPER) || (f & SS_NC_UC_TITLE)) {
            if (prev_cased)
                t_ok = 0;
            prev_cased = cased = 1;
        } else if (f & SS_NC_UC_LOWER) {
            if (!prev_cased)
                t_ok = 0;
            prev_cased = cased = 1;
        } else {
            prev_cased = 0;
        }
        if ((f & SS_NC_UC_LOWER) || (f & SS_NC_UC_TITLE))
            u_ok = 0;
        else if (f & SS_NC_UC_UPPER)
            u_cased = 1;
        if (ok) {
            if (cp < 0x80) {
                if (k < LEX_KEYMAX)
                    key[k++] = (unsigned char)lc_ascii((int)cp);
                else
                    ok = 0;
            } else {
                const char *fo = uc_fold(cp);
                if (fo == NULL) {
                    ok = 0;
                } else {
                    for (; *fo; fo++) {
                        if (k < LEX_KEYMAX)
                            key[k++] = (unsigned char)*fo;
                        else
                            ok = 0;
                    }
                }
            }
        }
        i += l;
    }
    *title = t_ok && cased;
    *upper = u_ok && u_cased;
    *nch = cnt;
    return ok ? k : 0;
}

/* lex_find for a key of at most 8 bytes packed little-endian in w */
static inline int lex_find8(uint64_t w, size_t len, unsigned *stop)
{
    uint64_t h = 0x243F6A8885A308D3ull ^ ss_nc_lex_seed ^ (uint64_t)len;
    h = (h ^ w) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 32;
    unsigned slot;
    uint32_t v = lex_probe(h, len, &slot);
    if (v == 0)
        return -1;
    uint64_t e = load64le((const unsigned char *)ss_nc_lex_pool + (v & 0xFFFFF));
    if (len < 8)
        e &= (1ull << (8 * len)) - 1;
    if (e != w)
        return -1;
    *stop = (v >> 25) & 3;
    return (int)slot;
}

/* is_given_name on the base [a, be) */
static int given_name(const seg *g, size_t a, size_t be)
{
    unsigned char key[LEX_KEYMAX + 9];
    size_t len = be - a;
    if (len < 2)
        return 0;
    unsigned stop;
    /* pure ASCII letters, at most 8: the whole test on one packed word */
    if (len <= 8 && a + 8 <= g->n) {
        uint64_t mask = len == 8 ? ~0ull : (1ull << (8 * len)) - 1;
        uint64_t w = load64le(g->s + a) & mask;
        uint64_t lw = w | (0x2020202020202020ull & mask);
        /* letters: every byte of lw in 'a'..'z' */
        uint64_t lo = lw - (0x6161616161616161ull & mask);            /* byte - 'a' */
        uint64_t hi = lw + (0x0505050505050505ull & mask);            /* byte + 5 > 0x7F when > 'z' */
        if (((lo | hi | w) & 0x8080808080808080ull & mask) == 0) {
            uint64_t cb = w & 0x2020202020202020ull & mask;          /* lower-case bits */
            int upper = cb == 0;
            int title = (cb & 0xFF) == 0 && cb == (0x2020202020202020ull & mask & ~0xFFull);
            if (!(title || upper))
                return 0;
            return lex_find8(lw, len, &stop) >= 0 && !(stop & g->lex_stop);
        }
    }
    /* ASCII: letters and the joins ' and -; Title or UPPER case */
    if (len <= LEX_KEYMAX) {
        const unsigned char *t = g->s + a;
        int ascii = 1, title = 1, upper = 1, prev_letter = 0, letters = 0;
        for (size_t i = 0; i < len; i++) {
            unsigned c = t[i];
            if (c >= 0x80) {
                ascii = 0;
                break;
            }
            int up = c >= 'A' && c <= 'Z', lo = c >= 'a' && c <= 'z';
            if (up) {
                if (prev_letter)
                    title = 0;
            } else if (lo) {
                if (!prev_letter)
                    title = 0;
                upper = 0;
            }
            prev_letter = up || lo;
            letters += prev_letter;
            key[i] = (unsigned char)(c | (prev_letter ? 0x20 : 0));
        }
        if (ascii) {
            if (!letters || !(title || upper))
                return 0;
            memset(key + len, 0, sizeof key - len);
            return lex_find(key, len, &stop) >= 0 && !(stop & g->lex_stop);
        }
    }
    int title, upper;
    size_t nch;
    size_t k = tok_key(g, a, be, key, &title, &upper, &nch);
    if (nch < 2 || !(title || (upper && nch > 1)) || k == 0)
        return 0;
    return lex_find(key, k, &stop) >= 0 && !(stop & g->lex_stop);
}

/* _is_surname_word's ender test: t.title() or t in SURNAME_ENDERS */
static int ender(const seg *g, size_t a, size_t be)
{
    for (size_t i = a; i < be; i++)
        if (!((g->s[i] | 0x20) >= 'a' && (g->s[i] | 0x20) <= 'z'))
            return 0;
    const kw_entry *k = kw_find(g->s + a, be - a);
    if (k == NULL)
        return 0;
    if (k->flags & (KW_ENDER | (g->stop_mask & (KW_STOP_REF | KW_STOP_EXTRA))))
        return 1;
    return (k->flags & KW_ENDER_EXACT) && is_upper_form(g, a, be);
}

/* is_given_name, worked out when a candidate first needs it */
static int given(const seg *g, tok *t)
{
    if (!(t->fl & TF_GIVCHK)) {
        t->fl |= TF_GIVCHK;
        if ((t->fl & TF_MULTI) && given_name(g, t->a, t->be))
            t->fl |= TF_GIVEN;
    }
    return (t->fl & TF_GIVEN) != 0;
}

/* _is_surname_word, worked out when a candidate first needs it */
static int surname(const seg *g, tok *t)
{
    if (!(t->fl & TF_SURCHK)) {
        t->fl |= TF_SURCHK;
        if ((t->fl & TF_MULTI) && !ender(g, t->a, t->be))
            t->fl |= TF_SURNAME;
    }
    return (t->fl & TF_SURNAME) != 0;
}

static void emit_cand(seg *g, const tok *t0, size_t end, size_t ga, size_t ge,
                      const size_t *pa, const size_t *pe, int np, int order)
{
    cand c;
    memset(&c, 0, sizeof c);
    c.s = t0->a;
    c.e = end;
    c.ga = ga;
    c.ge = ge;
    c.np = np;
    for (int i = 0; i < np; i++)
        c.pa[i] = pa[i], c.pe[i] = pe[i];
    c.order = order;
    c.st = t0->st;
    c.ls = t0->ls;
    c.col = t0->col;
    VPUSH(g->cands, c);
}

static void pop(seg *g, int k)
{
    memmove(g->pend, g->pend + k, (size_t)(g->npend - k) * sizeof *g->pend);
    g->npend -= k;
}

/* name_candidates(), for pend[0], with pend[1..] as what follows */
static void decide(seg *g)
{
    tok *t0 = &g->pend[0];
    /* Given Surname needs a word or an initial after it: only then look it up */
    if (!(t0->fl & TF_POSS) && g->npend >= 2 && g->pend[1].sep == SEP_SPACES &&
        ((g->pend[1].fl & TF_MULTI) ||
         ((g->pend[1].fl & TF_INITIAL) && g->pend[1].b < g->n && g->s[g->pend[1].b] == '.')) &&
        given(g, t0)) {
        size_t pa[2], pe[2], end = t0->b;
        int ns = 0, used = 1;
        for (int j = 1; j < g->npend && ns < 2; j++) {
            tok *tj = &g->pend[j];
            if (tj->sep != SEP_SPACES)
                break;
            if (tj->fl & TF_INITIAL) {
                if (ns == 0 && tj->b < g->n && g->s[tj->b] == '.') {
                    pa[0] = tj->a, pe[0] = tj->b + 1;
                    end = tj->b + 1;
                    ns = 1;
                    used = 2;
                }
                break;
            }
            if (!surname(g, tj))
                break;
            pa[ns] = tj->a, pe[ns] = tj->be;
            ns++;
            end = tj->be;
            used = j + 1;
            if (tj->fl & TF_POSS)
                break;
        }
        if (ns) {
            emit_cand(g, t0, end, t0->a, t0->b, pa, pe, ns, ORD_GIVEN_SURNAME);
            pop(g, used);
            return;
        }
    }
    if (g->npend >= 2 && !(t0->fl & TF_POSS)) {
        const tok *t1 = &g->pend[1];
        tok *t1m = &g->pend[1];
        if (t1->sep == SEP_COMMA && !(t1->fl & TF_POSS) && given(g, t1m) && surname(g, t0)) {
            size_t pa = t0->a, pe = t0->be;
            emit_cand(g, t0, t1->b, t1->a, t1->b, &pa, &pe, 1, ORD_SURNAME_GIVEN);
            pop(g, 2);
            return;
        }
    }
    pop(g, 1);
}

static void flush(seg *g)
{
    while (g->npend > 0)
        decide(g);
}

/* A complete token [t->a, t->b) whose first code point is upper case:
 * classify it and feed the candidate window. */
static void tok_cap(seg *g, tok *t)
{
    size_t a = t->a, b = t->b;
    const unsigned char *s = g->s;
    t->fl = 0;
    t->be = b;
    if (b - a >= 3 && s[b - 1] == 's' && s[b - 2] == '\'')
        t->fl |= TF_POSS, t->be = b - 2;
    else if (b - a >= 5 && s[b - 1] == 's' && s[b - 2] == 0x99 && s[b - 3] == 0x80 && s[b - 4] == 0xE2)
        t->fl |= TF_POSS, t->be = b - 4;
    size_t nch_tok = t->ascii ? b - a : nchars(g, a, b);
    size_t nch = t->ascii ? t->be - a : nchars(g, a, t->be);
    if (nch_tok == 1)
        t->fl |= TF_INITIAL;
    if (nch > 1) {
        t->fl |= TF_MULTI;
        capw w = { (uint32_t)a, (uint32_t)t->be, (uint32_t)t->st, (uint32_t)t->ls, t->col };
        VPUSH(g->caps, w);
    }
    if (!(t->fl & (TF_MULTI | TF_INITIAL))) {
        if (g->npend)
            flush(g);
        return;
    }
    if (t->sep != SEP_SPACES && t->sep != SEP_COMMA && g->npend)
        flush(g);
    g->pend[g->npend++] = *t;
    while (g->npend == 3)
        decide(g);
}

/* ------------------------------------------------------------------ */
/* the signal words the scan looks up for every ASCII letter run: a     */
/* perfect hash of their first 8 lower-case bytes, found at start-up    */

#define SK_BITS 7
typedef struct {
    uint64_t key;         /* first 8 bytes, lower case, zero-padded */
    unsigned len;         /* 0 = empty slot */
    unsigned char ninth;  /* "reception": the 9th byte */
    const kw_entry *kw;
} sk_entry;
static sk_entry sk_tab[1u << SK_BITS];
static uint64_t sk_mul;
/* prefilter: bit (second letter & 31) of sk_pre[len][first letter & 31] is set
 * when some signal word of that length starts with those two letters */
static uint32_t sk_pre[16][32];

static inline unsigned sk_slot(uint64_t key, size_t len, uint64_t mul)
{
    return (unsigned)(((key + (uint64_t)len) * mul) >> (64 - SK_BITS));
}

static uint64_t sk_pack(const unsigned char *p, size_t len)
{
    uint64_t k = 0;
    for (size_t i = 0; i < len && i < 8; i++)
        k |= (uint64_t)(p[i] | 0x20) << (8 * i);
    return k;
}

static void sk_init(void)
{
    const kw_entry *words[64];
    size_t nw = 0;
    for (size_t i = 0; i < KW_SLOTS; i++)
        if (kw_tab[i].len && (kw_tab[i].flags & KW_SIGNALS) && nw < 64)
            words[nw++] = &kw_tab[i];
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (;;) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;    /* xorshift: a deterministic search */
        uint64_t mul = x | 1;
        memset(sk_tab, 0, sizeof sk_tab);
        size_t k;
        for (k = 0; k < nw; k++) {
            const kw_entry *w = words[k];
            uint64_t key = sk_pack((const unsigned char *)w->lc, w->len);
            sk_entry *e = &sk_tab[sk_slot(key, w->len, mul)];
            if (e->len)
                break;
            e->key = key, e->len = w->len, e->kw = w;
            e->ninth = w->len > 8 ? (unsigned char)w->lc[8] : 0;
        }
        if (k == nw) {
            sk_mul = mul;
            for (size_t i = 0; i < nw; i++) {
                const kw_entry *w = words[i];
                unsigned c1 = (unsigned)w->lc[0] & 31;
                if (w->len == 1)   /* "y": the byte after it is anything */
                    sk_pre[1][c1] = 0xFFFFFFFFu;
                else
                    sk_pre[w->len][c1] |= 1u << ((unsigned)w->lc[1] & 31);
            }
            return;
        }
    }
}

/* the signal word the ASCII letter run [a, a + len) is, or NULL */
static inline const kw_entry *sk_find(const unsigned char *s, size_t n, size_t a, size_t len)
{
    if (len > 9)
        return NULL;
    uint64_t key;
    if (a + 8 <= n) {
        key = load64le(s + a) | 0x2020202020202020ull;
        if (len < 8)
            key &= (1ull << (8 * len)) - 1;
    } else {
        key = sk_pack(s + a, len);
    }
    const sk_entry *e = &sk_tab[sk_slot(key, len, sk_mul)];
    if (e->len != len || e->key != key)
        return NULL;
    if (len == 9 && (s[a + 8] | 0x20) != e->ninth)
        return NULL;
    return e->kw;
}

/* ------------------------------------------------------------------ */
/* the pass                                                             */

#ifdef __SSE2__
#include <emmintrin.h>
/* bit k set when p[k] is an ASCII letter */
static inline unsigned alpha_mask16(const unsigned char *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i lo = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i x = _mm_add_epi8(lo, _mm_set1_epi8((char)(0x80 - 'a')));
    return (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(x, _mm_set1_epi8((char)(-128 + 26))));
}
#endif

/* the end of the ASCII letters from i */
static inline size_t alpha_end(const unsigned char *s, size_t n, size_t i)
{
#ifdef __SSE2__
    while (i + 16 <= n) {
        unsigned m = ~alpha_mask16(s + i) & 0xFFFFu;
        if (m)
            return i + (size_t)__builtin_ctz(m);
        i += 16;
    }
#endif
    while (i < n && (bcls[s[i]] & B_ALPHA))
        i++;
    return i;
}

/* the bookkeeping shared by both paths of the scan */
typedef struct {
    int sep;              /* the separator since the last token */
    int prevw;            /* the previous code point is \w */
    size_t st;            /* sentence start */
} scanstate;

/* an ASCII letter run [a, b): signal words and label words */
static inline void run_words(seg *g, size_t a, size_t b, int prevw)
{
    const unsigned char *s = g->s;
    size_t len = b - a;
    /* (length, first two letters) prefilter before the perfect hash */
    unsigned row = len < 16 ? (unsigned)len : 15;
    if ((sk_pre[row][s[a] & 31] >> (s[a + 1 < g->n ? a + 1 : a] & 31)) & 1) {
        const kw_entry *kw = sk_find(s, g->n, a, len);
        if (kw)
            run_signals(g, kw, a, b, prevw);
    }
    if (len >= 4) {
        /* the label words: runs ending in child, name, pupil or young */
        uint32_t l4 = ((uint32_t)s[b - 4] | (uint32_t)s[b - 3] << 8 | (uint32_t)s[b - 2] << 16 |
                       (uint32_t)s[b - 1] << 24) | 0x20202020u;
        if (l4 == 0x646c6968u || l4 == 0x656d616eu || l4 == 0x6c697075u || l4 == 0x676e756fu)
            run_labels(g, a, b);
    }
}

/* The end of the letter run from i (ASCII and non-ASCII letters); *ascii
 * is cleared when it holds a non-ASCII letter. */
static size_t letter_run_end(const seg *g, size_t i, int *ascii)
{
    const unsigned char *s = g->s;
    size_t n = g->n;
    for (;;) {
        i = alpha_end(s, n, i);
        size_t l;
        if (i < n && s[i] >= 0x80 && (ucf(dec(s, n, i, &l)) & SS_NC_UC_LETTER)) {
            i += l;
            *ascii = 0;
            continue;
        }
        return i;
    }
}

/* A token that starts at i with the letter cp (length l) and is not a
 * plain ASCII word: letter runs joined by ' ’ -, or non-ASCII letters.
 * Returns its end. */
static __attribute__((noinline)) size_t token_slow(seg *g, size_t i, uint32_t cp, size_t l,
                                                   scanstate *ss)
{
    const unsigned char *s = g->s;
    size_t n = g->n;
    tok *t = &g->cur;
    int cap = (ucf(cp) & SS_NC_UC_UPPER) != 0;
    t->a = i;
    t->sep = ss->sep;
    t->st = ss->st;
    t->ls = g->ls;
    t->col = g->tabs;
    t->ascii = 1;
    int prevw = ss->prevw;
    size_t a = i, b;
    for (;;) {
        int ascii = s[a] < 0x80;
        b = letter_run_end(g, a + (ascii ? 1 : l), &ascii);
        if (!ascii)
            t->ascii = 0;
        if (ascii)
            run_words(g, a, b, prevw);
        else if (b - a >= 4) {
            uint32_t l4 = ((uint32_t)s[b - 4] | (uint32_t)s[b - 3] << 8 | (uint32_t)s[b - 2] << 16 |
                           (uint32_t)s[b - 1] << 24) | 0x20202020u;
            if (l4 == 0x646c6968u || l4 == 0x656d616eu || l4 == 0x6c697075u || l4 == 0x676e756fu)
                run_labels(g, a, b);
        }
        /* a join (' ’ -) followed by a letter continues the token */
        size_t jl = 0, l3;
        if (b + 1 < n) {
            unsigned j = s[b];
            if (j == '\'' || j == '-')
                jl = 1;
            else if (j == 0xE2 && b + 3 < n && s[b + 1] == 0x80 && s[b + 2] == 0x99)
                jl = 3;
        }
        if (jl && b + jl < n && letter_at(g, b + jl, &l3)) {
            if (jl == 3)
                t->ascii = 0;
            a = b + jl;
            l = l3;
            prevw = 0;
            continue;
        }
        break;
    }
    t->b = b;
    if (cap)
        tok_cap(g, t);
    else if (g->npend)
        flush(g);
    return b;
}

/* A plain ASCII word [a, b) (b = end of its ASCII letters), or the start
 * of a token the slow path takes. Returns the position after the token. */
static inline size_t do_word(seg *g, size_t a, size_t b, scanstate *ss)
{
    const unsigned char *s = g->s;
    size_t n = g->n;
    unsigned j = b < n ? s[b] : 0;
    if (j >= 0x80 || j == '\'' || j == '-') {
        /* non-ASCII letters or joins may go on with it */
        b = token_slow(g, a, s[a], 1, ss);
    } else {
        run_words(g, a, b, ss->prevw);
        if (bcls[s[a]] & B_UPPER) {
            tok *t = &g->cur;
            t->a = a;
            t->b = b;
            t->sep = ss->sep;
            t->st = ss->st;
            t->ls = g->ls;
            t->col = g->tabs;
            t->ascii = 1;
            tok_cap(g, t);
        } else if (g->npend) {
            flush(g);
        }
    }
    ss->sep = SEP_NONE;
    ss->prevw = 1;
    return b;
}

/* A byte at i that is neither an ASCII letter nor a space. Returns the
 * next position. */
static size_t do_byte(seg *g, size_t i, scanstate *ss)
{
    const unsigned char *s = g->s;
    size_t n = g->n;
    unsigned c = s[i];
    unsigned k = bcls[c];
    if (k & B_DIGIT) {
        size_t e = i + 1;
        while (e < n && s[e] >= '0' && s[e] <= '9')
            e++;
        if (!ss->prevw && e - i <= 2)
            digit_signals(g, i, e);
        ss->sep = SEP_OTHER;
        ss->prevw = 1;
        return e;
    }
    if (k & B_SPECIAL) {
        switch (c) {
        case '\t':
            if (ss->sep == SEP_NONE)
                ss->sep = SEP_SPACES;
            g->tabs++;
            g->line_tab = 1;
            break;
        case ',':
            ss->sep = ss->sep == SEP_NONE ? SEP_COMMA : SEP_OTHER;
            break;
        case '\n':
            ss->sep = SEP_OTHER;
            ss->st = i + 1;
            line_done(g, i);
            g->ls = i + 1;
            if (i + 1 < n)
                line_start(g, i + 1);
            break;
        case ' ':
            if (ss->sep == SEP_NONE)
                ss->sep = SEP_SPACES;
            break;
        default:   /* . ! ? */
            ss->sep = SEP_OTHER;
            ss->st = i + 1;
            break;
        }
        ss->prevw = 0;
        return i + 1;
    }
    if (k & B_HIGH) {
        size_t l;
        uint32_t cp = dec(s, n, i, &l);
        unsigned f = ucf(cp);
        if (f & SS_NC_UC_LETTER) {
            size_t e = token_slow(g, i, cp, l, ss);
            ss->sep = SEP_NONE;
            ss->prevw = 1;
            return e;
        }
        ss->sep = SEP_OTHER;
        ss->prevw = (f & SS_NC_UC_WORD) != 0;
        return i + l;
    }
    /* any other ASCII byte */
    ss->sep = SEP_OTHER;
    ss->prevw = (k & B_WORD) != 0;
    return i + 1;
}

#ifdef __SSE2__
/* bit k: p[k] is a space */
static inline unsigned space_mask16(const unsigned char *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')));
}
#endif

/* The pass. Text is read 64 bytes at a time: one mask of ASCII letters and
 * one of spaces, then the words and other bytes of the block are visited
 * by bit scans, so finding the next word costs no memory round trip. */
static void scan(seg *g)
{
    const unsigned char *s = g->s;
    const size_t n = g->n;
    size_t i = 0;
    scanstate ss = { SEP_OTHER, 0, 0 };
    line_start(g, 0);
#ifdef __SSE2__
    while (i + 64 <= n) {
        uint64_t L = (uint64_t)alpha_mask16(s + i) | (uint64_t)alpha_mask16(s + i + 16) << 16 |
                     (uint64_t)alpha_mask16(s + i + 32) << 32 | (uint64_t)alpha_mask16(s + i + 48) << 48;
        uint64_t SP = (uint64_t)space_mask16(s + i) | (uint64_t)space_mask16(s + i + 16) << 16 |
                      (uint64_t)space_mask16(s + i + 32) << 32 | (uint64_t)space_mask16(s + i + 48) << 48;
        /* word starts (i itself never sits inside a word) and every byte that
         * is neither a letter nor a space */
        uint64_t ev = (L & ~(L << 1)) | (~L & ~SP);
        size_t cur = i;   /* everything before cur is done */
        while (ev) {
            size_t p = i + (size_t)__builtin_ctzll(ev);
            if (p > cur) {   /* only spaces since cur */
                if (ss.sep == SEP_NONE)
                    ss.sep = SEP_SPACES;
                ss.prevw = 0;
            }
            unsigned k = (unsigned)(p - i);
            if ((L >> k) & 1) {
                uint64_t rest = ~(L >> k);
                /* rest is 0 when the block is all letters: ctz(0) is undefined */
                size_t b = rest != 0 && k + (size_t)__builtin_ctzll(rest) < 64
                         ? p + (size_t)__builtin_ctzll(rest) : alpha_end(s, n, i + 64);
                cur = do_word(g, p, b, &ss);
            } else {
                cur = do_byte(g, p, &ss);
            }
            if (cur >= i + 64)
                break;
            ev &= ~0ull << (cur - i);
        }
        if (cur < i + 64) {   /* spaces to the end of the block */
            if (cur < i + 64 && ((SP >> (cur - i)) != 0)) {
                if (ss.sep == SEP_NONE)
                    ss.sep = SEP_SPACES;
                ss.prevw = 0;
            }
            cur = i + 64;
        }
        i = cur;
    }
#endif
    while (i < n) {   /* the tail, a byte at a time */
        unsigned c = s[i];
        if (bcls[c] & B_ALPHA) {
            i = do_word(g, i, alpha_end(s, n, i + 1), &ss);
        } else if (c == ' ') {
            if (ss.sep == SEP_NONE)
                ss.sep = SEP_SPACES;
            ss.prevw = 0;
            i++;
        } else {
            i = do_byte(g, i, &ss);
        }
    }
    flush(g);
    line_done(g, n);
}

/* ------------------------------------------------------------------ */
/* resolution                                                           */

static int span_cmp(const void *x, const void *y)
{
    const span *a = x, *b = y;
    return a->s < b->s ? -1 : a->s > b->s ? 1 : (a->e < b->e ? -1 : a->e > b->e);
}

static void merge(spanv *v)
{
    if (v->n == 0)
        return;
    if (v->n > 1)   /* qsort must not see a NULL array */
        qsort(v->v, v->n, sizeof *v->v, span_cmp);
    size_t w = 0;
    for (size_t i = 1; i < v->n; i++) {
        if (v->v[i].s <= v->v[w].e) {
            if (v->v[i].e > v->v[w].e)
                v->v[w].e = v->v[i].e;
        } else {
            v->v[++w] = v->v[i];
        }
    }
    v->n = w + 1;
}

/* a <= pos < b for a span of the merged list */
static int inside(const spanv *v, size_t pos)
{
    size_t lo = 0, hi = v->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v->v[mid].e <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < v->n && v->v[lo].s <= pos && pos < v->v[lo].e;
}

/* the first line start in list greater than after, or n */
static size_t next_after(const size_t *v, size_t nv, size_t after, size_t n)
{
    size_t lo = 0, hi = nv;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v[mid] <= after)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < nv ? v[lo] : n;
}

static void build_spans(seg *g)
{
    size_t n = g->n;
    spanv sig = { 0 };
    for (size_t i = 0; i < g->closings.n; i++) {
        size_t c = g->closings.v[i];
        size_t e1 = next_after(g->discs.v, g->discs.n, c, n);
        size_t e2 = next_after(g->quotes.v, g->quotes.n, c, n);
        VPUSH(sig, ((span){ c, e1 < e2 ? e1 : e2 }));
    }
    if (!g->ctx->is_filename) {
        for (size_t i = 0; i < g->greets.n; i++)
            VPUSH(g->excl, g->greets.v[i]);
        for (size_t i = 0; i < sig.n; i++)
            VPUSH(g->excl, sig.v[i]);
        for (size_t i = 0; i < g->hdrs.n; i++)
            VPUSH(g->excl, g->hdrs.v[i]);
    }
    merge(&g->excl);
    for (size_t i = 0; i < sig.n; i++)
        VPUSH(g->skip, sig.v[i]);
    for (size_t i = 0; i < g->discs.n; i++) {
        size_t d = g->discs.v[i];
        VPUSH(g->skip, ((span){ d, next_after(g->quotes.v, g->quotes.n, d, n) }));
    }
    merge(&g->skip);
    free(sig.v);
}

/* sg_score outside signatures and disclaimers; fills g->counted */
static int seg_score(seg *g)
{
    unsigned char seen[256];
    memset(seen, 0, sizeof seen);
    int score = 0;
    for (size_t i = 0; i < g->ctx->nterms; i++) {
        const ss_nc_term *t = &g->ctx->terms[i];
        if (t->s >= g->n || inside(&g->skip, t->s))
            continue;
        VPUSH(g->counted, *t);
        unsigned id = t->term & 255;
        if (!seen[id]) {
            seen[id] = 1;
            score += (int)t->weight;
        }
    }
    return score;
}

/* --- exclusions (reference exclusion()) --- */

/* 'a name after an adult honorific or rank' */
static int honorific_before(const seg *g, size_t start)
{
    size_t w0 = back(g, start, BEFORE_HON);
    size_t p = start;
    if (p > w0 && g->s[p - 1] == '\n')   /* $ matches before a final newline */
        p--;
    size_t q = p;
    while (q > w0 && (g->s[q - 1] == ' ' || g->s[q - 1] == '\t'))
        q--;
    if (q == p)
        return 0;
    if (q > w0 && g->s[q - 1] == '.')
        q--;
    size_t r = q;
    while (r > w0) {
        size_t l;
        uint32_t cp = dec_before(g->s, g->n, r, &l);
        if (!(ucf(cp) & SS_NC_UC_LETTER) || r - l < w0)
            break;
        r -= l;
    }
    if (r == q)
        return 0;
    const kw_entry *k = kw_at(g, r, q);
    if (k == NULL || !(k->flags & KW_HONOR))
        return 0;
    if (q - r == strlen(k->form) && memcmp(g->s + r, k->form, q - r) == 0)
        return 1;
    return is_upper_form(g, r, q) && q - r > 2;
}

/* 'a name followed by an adult role' (_ADULT_ROLE) */
static int adult_role(const seg *g, size_t e, size_t lim)
{
    size_t p = skip_sp(g, e, lim);
    /* \((?i:mum|dad)\) with the optional punctuation left out */
    if (ex_at(g, p, lim, "(") && (ci_at(g, p + 1, lim, "mum)") || ci_at(g, p + 1, lim, "dad)")))
        return 1;
    if (p < lim && (g->s[p] == ',' || g->s[p] == '-' || g->s[p] == '('))
        p = skip_sp(g, p + 1, lim);
    if (ex_at(g, p, lim, "is "))
        p += 3;
    else if (ex_at(g, p, lim, "was "))
        p += 4;
    static const char *const art[] = { "the ", "our ", "a ", "an ", "my " };
    for (size_t i = 0; i < 5; i++)
        if (ex_atn(g, p, lim, art[i], strlen(art[i]))) {
            p += strlen(art[i]);
            break;
        }
    if (ex_at(g, p, lim, "DSL") && !word_at_lim(g, p + 3, lim))
        return 1;
    if (ex_at(g, p, lim, "(") && (ci_at(g, p + 1, lim, "mum)") || ci_at(g, p + 1, lim, "dad)")))
        return 1;
    static const char *const roles[] = { "headteacher", "head teacher", "head of year",
                                         "social worker", "designated safeguarding lead",
                                         "school nurse", "health visitor",
                                         "detective constable", "team manager", "mother",
                                         "father", "carer" };
    for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
        if (ci_atn(g, p, lim, roles[i], strlen(roles[i])) && !word_at_lim(g, p + strlen(roles[i]), lim))
            return 1;
    /* ((?:[A-Z][\w'&-]*|of|for|and|&)[ \t]+){0,5}(Lead|Officer|...|Teacher)\b */
    static const char *const suffix[] = { "Lead", "Officer", "Adviser", "Advisor", "Manager",
                                          "Coordinator", "Co-ordinator", "Worker", "Nurse",
                                          "Teacher" };
    for (int k = 0; k <= 5; k++) {
        for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++)
            if (ex_atn(g, p, lim, suffix[i], strlen(suffix[i])) &&
                !word_at_lim(g, p + strlen(suffix[i]), lim))
                return 1;
        if (k == 5 || p >= lim)
            break;
        size_t r;
        if (g->s[p] >= 'A' && g->s[p] <= 'Z') {
            r = p + 1;
            while (r < lim && (word_at(g, r) || g->s[r] == '\'' || g->s[r] == '&' || g->s[r] == '-')) {
                size_t l;
                dec(g->s, g->n, r, &l);
                r += l;
            }
        } else if (ex_at(g, p, lim, "of") || ex_at(g, p, lim, "&")) {
            r = p + (g->s[p] == '&' ? 1 : 2);
        } else if (ex_at(g, p, lim, "for") || ex_at(g, p, lim, "and")) {
            r = p + 3;
        } else {
            break;
        }
        if (r > lim || r >= lim || !(g->s[r] == ' ' || g->s[r] == '\t'))
            break;
        p = skip_sp(g, r, lim);
    }
    return 0;
}

/* 'an age of 18 or more' (_ATTACHED_AGE) */
static int adult_age(const seg *g, size_t e, size_t lim)
{
    size_t p = skip_sp(g, e, lim);
    int spaces = p > e;
    if (p < lim && (g->s[p] == ',' || g->s[p] == '(')) {
        p = skip_sp(g, p + 1, lim);
        if (ci_at(g, p, lim, "age")) {
            p += 3;
            if (p < lim && lc_ascii(g->s[p]) == 'd')
                p++;
            p = skip_sp(g, p, lim);
        }
    } else if (spaces) {
        size_t r;
        if (ci_at(g, p, lim, "is"))
            r = p + 2;
        else if (ci_at(g, p, lim, "age"))
            r = p + 3 + (p + 3 < lim && lc_ascii(g->s[p + 3]) == 'd');
        else
            return 0;
        p = skip_sp(g, r, lim);
        if (p == r)
            return 0;
        if (ci_at(g, p, lim, "age")) {
            p += 3;
            if (p < lim && lc_ascii(g->s[p]) == 'd')
                p++;
            p = skip_sp(g, p, lim);
        }
    } else {
        return 0;
    }
    size_t q = digits_end(g, p, lim);
    if (q == p || q - p > 3 || word_at_lim(g, q, lim))
        return 0;
    if (q + 1 < lim && strchr("/.:", g->s[q]) && g->s[q] != '\0' && digit_at(g, q + 1, lim))
        return 0;
    return num(g, p, q) >= 18;
}

/* 'place and organisation names' */
static int place(const seg *g, const cand *c, size_t lim)
{
    if (c->order == ORD_GIVEN_SURNAME)
        for (int i = 0; i < c->np; i++) {
            size_t a = c->pa[i], b = c->pe[i];
            if (b > a && g->s[b - 1] == '.')
                b--;
            const kw_entry *k = kw_at(g, a, b);
            if (k && (k->flags & KW_PLACE))
                return 1;
        }
    size_t p = skip_sp(g, c->e, lim);
    if (p == c->e)
        return 0;
    size_t q = letters_end(g, p, lim);
    const kw_entry *k = q > p ? kw_at(g, p, q) : NULL;
    return k && (k->flags & KW_PLACE);
}

static int excluded(const seg *g, const cand *c)
{
    if (honorific_before(g, c->s))
        return 1;
    if (inside(&g->excl, c->s))
        return 1;
    size_t lim = fwd(g, c->e, AFTER_ROLE);
    return adult_role(g, c->e, lim) || place(g, c, lim) || adult_age(g, c->e, lim);
}

/* --- child signal (reference child_signal()) --- */

/* _AGE_AFTER: ( N [yrs | years old] ) not followed by ':', or , N , */
static int age_after(const seg *g, size_t e, size_t lim, size_t *ns, size_t *ne)
{
    size_t p = skip_sp(g, e, lim);
    if (p < lim && g->s[p] == '(') {
        size_t d = skip_sp(g, p + 1, lim);
        size_t q = digits_end(g, d, lim);
        if (q == d || q - d > 2)
            return 0;
        size_t closes[3], nc = 0;
        size_t r = skip_sp(g, q, lim);                       /* [ \t]*yrs? */
        if (ci_at(g, r, lim, "yr")) {
            size_t r2 = r + 2;
            if (r2 < lim && lc_ascii(g->s[r2]) == 's')
                closes[nc++] = r2 + 1;
            closes[nc++] = r2;
        }
        r = q;                                               /* [ \t-]*years?[ \t-]*old */
        while (r < lim && (g->s[r] == ' ' || g->s[r] == '\t' || g->s[r] == '-'))
            r++;
        if (ci_at(g, r, lim, "year")) {
            r += 4;
            if (r < lim && lc_ascii(g->s[r]) == 's')
                r++;
            while (r < lim && (g->s[r] == ' ' || g->s[r] == '\t' || g->s[r] == '-'))
                r++;
            if (ci_at(g, r, lim, "old"))
                closes[nc++] = r + 3;
        }
        closes[nc++] = q;
        for (size_t i = 0; i < nc; i++) {
            size_t x = skip_sp(g, closes[i], lim);
            if (x < lim && g->s[x] == ')') {
                size_t y = skip_sp(g, x + 1, lim);
                if (y < lim && g->s[y] == ':')
                    continue;
                *ns = d, *ne = q;
                return 1;
            }
        }
        return 0;
    }
    if (p < lim && g->s[p] == ',') {
        size_t d = skip_sp(g, p + 1, lim);
        size_t q = digits_end(g, d, lim);
        if (q == d || q - d > 2)
            return 0;
        size_t x = skip_sp(g, q, lim);
        if (x < lim && g->s[x] == ',') {
            *ns = d, *ne = q;
            return 1;
        }
    }
    return 0;
}

/* _IS_AGE: [ \t]+is[ \t]+N\b(?![/.:][0-9]) */
static int is_age(const seg *g, size_t e, size_t lim, size_t *ns, size_t *ne)
{
    size_t p = skip_sp(g, e, lim);
    if (p == e || !ex_at(g, p, lim, "is"))
        return 0;
    size_t d = skip_sp(g, p + 2, lim);
    if (d == p + 2)
        return 0;
    size_t q = digits_end(g, d, lim);
    if (q == d || q - d > 2 || word_at_lim(g, q, lim))
        return 0;
    if (q + 1 < lim && strchr("/.:", g->s[q]) && g->s[q] != '\0' && digit_at(g, q + 1, lim))
        return 0;
    *ns = d, *ne = q;
    return 1;
}

/* the first hit of a kind overlapping [w0, w1) */
static const span *hit_in(const spanv *v, size_t w0, size_t w1)
{
    size_t lo = 0, hi = v->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v->v[mid].e <= w0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < v->n && v->v[lo].s < w1 ? &v->v[lo] : NULL;
}

/* _table_header: the column header over the cell, when it names a child */
static int column_header(const seg *g, const cand *c, size_t *hs, size_t *he)
{
    size_t lo = 0, hi = g->blocks.n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (g->blocks.v[mid].e < c->ls)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo >= g->blocks.n)
        return 0;
    const tblock *b = &g->blocks.v[lo];
    if (!(b->s <= c->ls && c->ls <= b->e) || b->s == c->ls)
        return 0;
    /* cell col of the header line */
    size_t p = b->s, le = line_end(g, b->s);
    for (unsigned k = 0; k < c->col; k++) {
        while (p < le && g->s[p] != '\t')
            p++;
        if (p >= le)
            return 0;
        p++;
    }
    size_t q = p;
    while (q < le && g->s[q] != '\t')
        q++;
    /* ^\s*(...)\s*$ with Python's \s */
    size_t a = p, z = q;
    while (a < z && (ucf(g->s[a]) & SS_NC_UC_SPACE))
        a++;
    while (z > a && (ucf(g->s[z - 1]) & SS_NC_UC_SPACE))
        z--;
    char cell[40];
    if (z - a >= sizeof cell)
        return 0;
    for (size_t i = a; i < z; i++)
        cell[i - a] = (char)lc_ascii(g->s[i]);
    cell[z - a] = '\0';
    static const char *const who[] = { "child", "pupil", "young person", "student" };
    int ok = 0;
    for (size_t i = 0; i < 4 && !ok; i++) {
        size_t l = strlen(who[i]);
        if (strncmp(cell, who[i], l) != 0)
            continue;
        const char *r = cell + l;
        if (strncmp(r, "'s", 2) == 0)
            r += 2;
        if (strcmp(r, " name") == 0)
            r += 5;
        ok = *r == '\0';
    }
    if (!ok && strncmp(cell, "name of ", 8) == 0)
        ok = strcmp(cell + 8, "child") == 0 || strcmp(cell + 8, "pupil") == 0 ||
             strcmp(cell + 8, "young person") == 0;
    if (ok)
        *hs = a, *he = z;
    return ok;
}

static int bound_at(const seg *g, size_t i)
{
    unsigned c = g->s[i];
    return c == '.' || c == '!' || c == '?' || c == '\n';
}

/* first . ! ? \n at or after from (amortised: queries come in order) */
static size_t sentence_end(seg *g, size_t from)
{
    if (from >= g->sent_lo && from <= g->sent_hi)
        return g->sent_hi;
    size_t i = from;
    while (i < g->n && !bound_at(g, i))
        i++;
    g->sent_lo = from;
    g->sent_hi = i;
    return i;
}

typedef struct {
    int kind;
    size_t s, e;          /* the signal's text in the segment */
    const char *lit;      /* or a fixed text */
    char num[4];          /* "age N" / "is N" */
} sigres;

static int child_signal(seg *g, const cand *c, sigres *r)
{
    memset(r, 0, sizeof *r);
    size_t w0 = back(g, c->s, WINDOW_SIGNAL), w1 = fwd(g, c->e, WINDOW_SIGNAL);
    size_t lim = fwd(g, c->e, AFTER_AGE), ns, ne;
    if (age_after(g, c->e, lim, &ns, &ne) && num(g, ns, ne) < 18) {
        r->kind = SS_NC_SIG_AGE_AFTER, r->s = ns, r->e = ne;
        return 1;
    }
    if (is_age(g, c->e, lim, &ns, &ne) && num(g, ns, ne) < 18) {
        r->kind = SS_NC_SIG_IS_AGE, r->s = ns, r->e = ne;
        return 1;
    }
    static const int order[] = { H_AGED, H_OLD, H_YO, H_YRS, H_BORN };
    static const int kinds[] = { SS_NC_SIG_AGED, SS_NC_SIG_YEARS_OLD, SS_NC_SIG_YO, SS_NC_SIG_YRS, SS_NC_SIG_BORN };
    for (size_t i = 0; i < 5; i++) {
        const span *h = hit_in(&g->hits[order[i]], w0, w1);
        if (h) {
            r->kind = kinds[i], r->s = h->s, r->e = h->e;
            return 1;
        }
    }
    for (size_t i = 0; i < g->ctx->ndobs; i++)
        if (g->ctx->dobs[i].s < w1 && g->ctx->dobs[i].e > w0) {
            r->kind = SS_NC_SIG_DOB, r->lit = "dob_child";
            return 1;
        }
    const span *h = hit_in(&g->hits[H_LABEL], w0, w1);
    if (h) {
        r->kind = SS_NC_SIG_LABEL, r->s = h->s, r->e = h->e;
        return 1;
    }
    if (column_header(g, c, &ns, &ne)) {
        r->kind = SS_NC_SIG_COLUMN, r->s = ns, r->e = ne;
        return 1;
    }
    static const int order2[] = { H_STAGE, H_ROLE, H_ROLE_SS };
    static const int kinds2[] = { SS_NC_SIG_STAGE, SS_NC_SIG_ROLE, SS_NC_SIG_ROLE_START };
    for (size_t i = 0; i < 3; i++) {
        h = hit_in(&g->hits[order2[i]], w0, w1);
        if (h) {
            r->kind = kinds2[i], r->s = h->s, r->e = h->e;
            return 1;
        }
    }
    /* a weight-2 §9.1 term in the same sentence: the first in SG_TERMS order */
    size_t en = sentence_end(g, c->e);
    const ss_nc_term *best = NULL;
    const ss_nc_term *t = g->ctx->terms;
    size_t lo = 0, hi = g->ctx->nterms;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t[mid].s < c->st)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < g->ctx->nterms && t[i].s < en; i++)
        if (t[i].weight == 2 && t[i].e <= en && (best == NULL || t[i].term < best->term))
            best = &t[i];
    if (best) {
        r->kind = SS_NC_SIG_SG_TERM, r->s = best->s, r->e = best->e;
        return 1;
    }
    return 0;
}

/* --- a cheap, conservative test before child_signal for the many
 * capitalised words (queries come in text order: moving pointers) --- */

#define COARSE (4 * WINDOW_SIGNAL + 8)   /* 150 characters are at most this many bytes */

static int pos_cmp(const void *x, const void *y)
{
    const span *a = x, *b = y;
    return a->e < b->e ? -1 : a->e > b->e;
}

static void near_init(seg *g)
{
    g->allhits.n = 0;
    for (int k = 0; k < H_NKINDS; k++)
        for (size_t i = 0; i < g->hits[k].n; i++)
            VPUSH(g->allhits, g->hits[k].v[i]);
    for (size_t i = 0; i < g->ctx->ndobs; i++)
        VPUSH(g->allhits, ((span){ g->ctx->dobs[i].s, g->ctx->dobs[i].e }));
    if (g->allhits.n > 1)   /* qsort must not see a NULL array */
        qsort(g->allhits.v, g->allhits.n, sizeof *g->allhits.v, pos_cmp);   /* by end */
    g->hit_maxlen = 0;
    for (size_t i = 0; i < g->allhits.n; i++)
        if (g->allhits.v[i].e - g->allhits.v[i].s > g->hit_maxlen)
            g->hit_maxlen = g->allhits.v[i].e - g->allhits.v[i].s;
    g->p_hit = g->p_w2 = g->p_blk = 0;
}

/* can child_signal find anything for the word w? (never 0 when it could) */
static int maybe_signal(seg *g, const capw *w)
{
    size_t a = w->a, e = w->be, n = g->n;
    /* right after the name: "(7)", ", 7,", " is 14" */
    size_t p = skip_sp(g, e, n);
    if (p < n && (g->s[p] == '(' || g->s[p] == ',' || (p > e && g->s[p] == 'i')))
        return 1;
    /* any signal word (or dob_child) ending after a - COARSE and starting before e + COARSE */
    size_t lo = a > COARSE ? a - COARSE : 0;
    while (g->p_hit < g->allhits.n && g->allhits.v[g->p_hit].e <= lo)
        g->p_hit++;
    /* sorted by end: past e + COARSE + the longest hit, every start is past e + COARSE */
    for (size_t i = g->p_hit; i < g->allhits.n && g->allhits.v[i].e <= e + COARSE + g->hit_maxlen; i++)
        if (g->allhits.v[i].s < e + COARSE)
            return 1;
    /* a table cell under a header row */
    while (g->p_blk < g->blocks.n && g->blocks.v[g->p_blk].e < w->ls)
        g->p_blk++;
    if (g->p_blk < g->blocks.n && g->blocks.v[g->p_blk].s < w->ls && w->ls <= g->blocks.v[g->p_blk].e)
        return 1;
    /* a weight-2 term later in its sentence */
    const ss_nc_term *t = g->ctx->terms;
    while (g->p_w2 < g->ctx->nterms && (t[g->p_w2].s < w->st || t[g->p_w2].weight != 2))
        g->p_w2++;
    if (g->p_w2 < g->ctx->nterms) {
        size_t en = sentence_end(g, e);
        for (size_t i = g->p_w2; i < g->ctx->nterms && t[i].s < en; i++)
            if (t[i].weight == 2 && t[i].e <= en)
                return 1;
    }
    return 0;
}

/* a counted §9.1 term within 300 characters */
static int near_term(const seg *g, const cand *c)
{
    size_t lo_w = back(g, c->s, WINDOW_TERM), hi_w = fwd(g, c->e, WINDOW_TERM);
    size_t from = lo_w > TERM_MAXLEN ? lo_w - TERM_MAXLEN : 0;
    size_t lo = 0, hi = g->counted.n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (g->counted.v[mid].s < from)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < g->counted.n && g->counted.v[i].s < hi_w; i++)
        if (g->counted.v[i].e > lo_w)
            return 1;
    if (c->s < TERM_MAXLEN || lo_w <= TERM_MAXLEN) {   /* terms longer than the margin */
        for (size_t i = 0; i < lo && i < g->counted.n; i++)
            if (g->counted.v[i].e > lo_w && g->counted.v[i].s < hi_w)
                return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* message                                                              */

typedef struct {
    size_t seg, s, e;
    size_t off, len;      /* the span in the original segment (ctx->span) */
    unsigned flags;
    int signal;
    char redacted[96];
    char name[128];
    char given[64];       /* the given name as written (alone: to match a full name) */
} pfind;

typedef struct {
    char given[64];       /* the given name as written */
    char raw[128];        /* given and surname words as written, one space apart; folded at finish */
    size_t order;         /* kept in this order: the first full name wins */
} gname;

struct ss_nc_message {
    ss_nc_opts o;
    int sg;
    VEC(pfind) f;
    VEC(gname) given;
    ss_nc_finding *out;
    size_t nout;
};

ss_nc_message *ss_nc_message_new(const ss_nc_opts *o)
{
    pthread_once(&init_once, init_tables);
    ss_nc_message *m = calloc(1, sizeof *m);
    if (m == NULL)
        abort();
    if (o)
        m->o = *o;
    return m;
}

/* append the bytes [a, b) to buf (NUL-terminated, truncated on a code point) */
static void put(char *buf, size_t cap, size_t *w, const unsigned char *p, size_t len)
{
    if (*w + len + 1 > cap) {
        len = cap - 1 - *w;
        while (len > 0 && (p[len] & 0xC0) == 0x80)
            len--;
    }
    memcpy(buf + *w, p, len);
    *w += len;
    buf[*w] = '\0';
}

/* the first code point of [a, b) */
static size_t first_cp(const seg *g, size_t a)
{
    size_t l;
    dec(g->s, g->n, a, &l);
    return l;
}

/* fold_accents(x).lower() of [a, b), appended */
static void put_folded(const seg *g, char *buf, size_t cap, size_t *w, size_t a, size_t b)
{
    for (size_t i = a; i < b;) {
        if (g->s[i] < 0x80) {
            if (*w + 1 >= cap)
                return;
            buf[(*w)++] = (char)lc_ascii(g->s[i]);
            buf[*w] = '\0';
            i++;
            continue;
        }
        size_t l;
        uint32_t cp = dec(g->s, g->n, i, &l);
        if (cp < 0x80) {
            unsigned char ch = (unsigned char)lc_ascii((int)cp);
            put(buf, cap, w, &ch, 1);
        } else {
            const char *fo = uc_fold(cp);
            if (fo) {
                put(buf, cap, w, (const unsigned char *)fo, strlen(fo));
            } else {
                uint32_t lo = uc_lower(cp);
                unsigned char u[4];
                size_t ul;
                if (lo < 0x80)
                    u[0] = (unsigned char)lo, ul = 1;
                else if (lo < 0x800)
                    u[0] = (unsigned char)(0xC0 | lo >> 6), u[1] = (unsigned char)(0x80 | (lo & 63)), ul = 2;
                else if (lo < 0x10000)
                    u[0] = (unsigned char)(0xE0 | lo >> 12), u[1] = (unsigned char)(0x80 | ((lo >> 6) & 63)),
                    u[2] = (unsigned char)(0x80 | (lo & 63)), ul = 3;
                else
                    u[0] = (unsigned char)(0xF0 | lo >> 18), u[1] = (unsigned char)(0x80 | ((lo >> 12) & 63)),
                    u[2] = (unsigned char)(0x80 | ((lo >> 6) & 63)), u[3] = (unsigned char)(0x80 | (lo & 63)), ul = 4;
                put(buf, cap, w, u, ul);
            }
        }
        i += l;
    }
}

static void describe(const seg *g, const cand *c, const sigres *r, pfind *f)
{
    size_t w = 0;
    f->redacted[0] = '\0';
    /* initials: given first, then the surname words */
    put(f->redacted, sizeof f->redacted, &w, g->s + c->ga, first_cp(g, c->ga));
    put(f->redacted, sizeof f->redacted, &w, (const unsigned char *)".", 1);
    for (int i = 0; i < c->np; i++) {
        put(f->redacted, sizeof f->redacted, &w, (const unsigned char *)" ", 1);
        put(f->redacted, sizeof f->redacted, &w, g->s + c->pa[i], first_cp(g, c->pa[i]));
        put(f->redacted, sizeof f->redacted, &w, (const unsigned char *)".", 1);
    }
    char sig[80];
    size_t sw = 0;
    sig[0] = '\0';
    if (r->kind == SS_NC_SIG_AGE_AFTER)
        put(sig, sizeof sig, &sw, (const unsigned char *)"age ", 4);
    else if (r->kind == SS_NC_SIG_IS_AGE)
        put(sig, sizeof sig, &sw, (const unsigned char *)"is ", 3);
    else if (r->kind == SS_NC_SIG_COLUMN)
        put(sig, sizeof sig, &sw, (const unsigned char *)"column: ", 8);
    if (r->lit)
        put(sig, sizeof sig, &sw, (const unsigned char *)r->lit, strlen(r->lit));
    else
        put(sig, sizeof sig, &sw, g->s + r->s, r->e - r->s);
    put(f->redacted, sizeof f->redacted, &w, (const unsigned char *)" (", 2);
    put(f->redacted, sizeof f->redacted, &w, (const unsigned char *)sig, sw);
    put(f->redacted, sizeof f->redacted, &w, (const unsigned char *)")", 1);
    /* the keyed-hash name: given then surname, folded, lower case */
    size_t nw = 0;
    f->name[0] = '\0';
    put_folded(g, f->name, sizeof f->name, &nw, c->ga, c->ge);
    for (int i = 0; i < c->np; i++) {
        put(f->name, sizeof f->name, &nw, (const unsigned char *)" ", 1);
        put_folded(g, f->name, sizeof f->name, &nw, c->pa[i], c->pe[i]);
    }
    size_t gw = 0;
    f->given[0] = '\0';
    put(f->given, sizeof f->given, &gw, g->s + c->ga, c->ge - c->ga);
}

/* a kept full name: its given name as written and its normalised full
 * name, for a given name alone elsewhere in the message */
static void record_given(const seg *g, const cand *c, ss_nc_message *m)
{
    if (m->given.n == m->given.cap) {
        m->given.cap = m->given.cap ? 2 * m->given.cap : 16;
        m->given.v = xrealloc(m->given.v, m->given.cap * sizeof *m->given.v);
    }
    gname *gn = &m->given.v[m->given.n];
    gn->order = m->given.n++;
    size_t gw = 0, nw = 0;
    gn->given[0] = gn->raw[0] = '\0';
    put(gn->given, sizeof gn->given, &gw, g->s + c->ga, c->ge - c->ga);
    put(gn->raw, sizeof gn->raw, &nw, g->s + c->ga, c->ge - c->ga);
    for (int i = 0; i < c->np; i++) {
        put(gn->raw, sizeof gn->raw, &nw, (const unsigned char *)" ", 1);
        put(gn->raw, sizeof gn->raw, &nw, g->s + c->pa[i], c->pe[i] - c->pa[i]);
    }
}

static void seg_free(seg *g)
{
    free(g->cands.v);
    free(g->caps.v);
    for (int i = 0; i < H_NKINDS; i++)
        free(g->hits[i].v);
    free(g->closings.v);
    free(g->discs.v);
    free(g->quotes.v);
    free(g->greets.v);
    free(g->hdrs.v);
    free(g->blocks.v);
    free(g->excl.v);
    free(g->skip.v);
    free(g->counted.v);
    free(g->allhits.v);
}

/* The finding's span in the original segment, where the caller maps it. */
static void orig_span(const ss_nc_segctx *ctx, pfind *f)
{
    if (ctx->span)
        ctx->span(ctx->spanctx, f->s, f->e, &f->off, &f->len);
    else
        f->off = f->s, f->len = f->e - f->s;
}

void ss_nc_scan_segment(ss_nc_message *m, size_t segidx, const char *text, size_t len,
                     const ss_nc_segctx *ctx)
{
    static const ss_nc_segctx none = { 0 };
    if (ctx == NULL)
        ctx = &none;
    if (text == NULL)
        text = "", len = 0;
    if (len > (size_t)UINT32_MAX - 1)   /* word records keep 32-bit offsets */
        len = (size_t)UINT32_MAX - 1;
    seg g;
    memset(&g, 0, sizeof g);
    unsigned char *copy = NULL;
    if (ctx->is_filename) {
        /* filename_segment: _ - . read as spaces (same length, same offsets) */
        copy = xrealloc(NULL, len + 1);
        for (size_t i = 0; i < len; i++) {
            unsigned char ch = (unsigned char)text[i];
            copy[i] = (ch == '_' || ch == '-' || ch == '.') ? ' ' : ch;
        }
        g.s = copy;
    } else {
        g.s = (const unsigned char *)text;
    }
    g.n = len;
    g.ascii = all_ascii(g.s, len);
    g.ctx = ctx;
    g.reference = (m->o.flags & SS_NC_OPT_REFERENCE) != 0;
    g.stop_mask = g.reference ? KW_STOP_REF : KW_STOP_REF | KW_STOP_EXTRA;
    g.lex_stop = g.reference ? SS_NC_LEX_STOP_REF : SS_NC_LEX_STOP_REF | SS_NC_LEX_STOP_EXTRA;
    g.ref_year = m->o.ref_year;
    g.sent_lo = g.sent_hi = (size_t)-1;
    scan(&g);
    build_spans(&g);
    if (seg_score(&g) >= 2)
        m->sg = 1;

    /* full names: excluded ones are not kept; kept ones lend their given name */
    spanv kept = { 0 };
    for (size_t i = 0; i < g.cands.n; i++) {
        cand *c = &g.cands.v[i];
        if (excluded(&g, c))
            continue;
        VPUSH(kept, ((span){ c->s, c->e }));
        record_given(&g, c, m);
        sigres r;
        if (!child_signal(&g, c, &r))
            continue;
        pfind f;
        memset(&f, 0, sizeof f);
        f.seg = segidx, f.s = c->s, f.e = c->e, f.signal = r.kind;
        orig_span(ctx, &f);
        if (c->order == ORD_SURNAME_GIVEN)
            f.flags |= SS_NC_F_SURNAME_FIRST;
        if (ctx->is_filename)
            f.flags |= SS_NC_F_FILENAME;
        if (near_term(&g, c))
            f.flags |= SS_NC_F_NEAR_TERM;
        describe(&g, c, &r, &f);
        VPUSH(m->f, f);
    }
    /* given names alone, outside the kept full names: a capitalised word
     * with a child signal near it is looked up in the lexicon */
    g.sent_lo = g.sent_hi = (size_t)-1;
    size_t k = 0;
    near_init(&g);
    for (size_t i = 0; i < g.caps.n; i++) {
        const capw *w = &g.caps.v[i];
        if (!maybe_signal(&g, w))
            continue;
        cand cc, *c = &cc;
        memset(c, 0, sizeof *c);
        c->s = c->ga = w->a;
        c->e = c->ge = w->be;
        c->order = ORD_ALONE;
        c->st = w->st;
        c->ls = w->ls;
        c->col = w->col;
        while (k < kept.n && kept.v[k].e <= c->s)
            k++;
        if (k < kept.n && kept.v[k].s <= c->s)
            continue;
        sigres r;
        if (!given_name(&g, c->s, c->e) || !child_signal(&g, c, &r) || excluded(&g, c))
            continue;
        pfind f;
        memset(&f, 0, sizeof f);
        f.seg = segidx, f.s = c->s, f.e = c->e, f.signal = r.kind;
        orig_span(ctx, &f);
        f.flags |= SS_NC_F_ALONE;
        if (ctx->is_filename)
            f.flags |= SS_NC_F_FILENAME;
        if (near_term(&g, c))
            f.flags |= SS_NC_F_NEAR_TERM;
        describe(&g, c, &r, &f);
        VPUSH(m->f, f);
    }
    free(kept.v);
    seg_free(&g);
    if (copy) {
        explicit_bzero(copy, len);
        free(copy);
    }
}

static int gname_cmp(const void *x, const void *y)
{
    const gname *a = x, *b = y;
    int d = strcmp(a->given, b->given);
    return d ? d : a->order < b->order ? -1 : a->order > b->order;
}

/* The first full name recorded with this given name: the names are
 * sorted once at finish, so each lone given name costs a binary search. */
static const gname *full_name_of(const ss_nc_message *m, const char *given)
{
    size_t lo = 0, hi = m->given.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(m->given.v[mid].given, given) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->given.n && strcmp(m->given.v[lo].given, given) == 0 ? &m->given.v[lo] : NULL;
}

static int find_cmp(const void *x, const void *y)
{
    const ss_nc_finding *a = x, *b = y;
    if (a->seg != b->seg)
        return a->seg < b->seg ? -1 : 1;
    return a->s < b->s ? -1 : a->s > b->s ? 1 : 0;
}

size_t ss_nc_message_finish(ss_nc_message *m, const ss_nc_msgctx *mc, const ss_nc_finding **out)
{
    static const ss_nc_msgctx none = { 0 };
    if (mc == NULL)
        mc = &none;
    int sg = m->sg || mc->sg_context;
    free(m->out);
    m->out = xrealloc(NULL, (m->f.n ? m->f.n : 1) * sizeof *m->out);
    if (m->given.n > 1)
        qsort(m->given.v, m->given.n, sizeof *m->given.v, gname_cmp);
    m->nout = 0;
    for (size_t i = 0; i < m->f.n; i++) {
        pfind *f = &m->f.v[i];
        const gname *full = NULL;
        if (f->flags & SS_NC_F_ALONE) {
            full = full_name_of(m, f->given);
            if (full == NULL)
                continue;
        }
        ss_nc_finding *o = &m->out[m->nout++];
        memset(o, 0, sizeof *o);
        o->seg = f->seg, o->s = f->s, o->e = f->e, o->off = f->off, o->len = f->len;
        o->flags = f->flags | (sg ? SS_NC_F_SG : 0);
        o->signal = f->signal;
        o->confidence = (sg || (f->flags & SS_NC_F_NEAR_TERM) || mc->marking_sensitive ||
                         mc->other_identifier) ? SS_NC_CONF_HIGH : SS_NC_CONF_MEDIUM;
        memcpy(o->redacted, f->redacted, sizeof o->redacted);
        if (full) {
            /* fold the full name as describe() does for a full-name finding */
            seg tg;
            memset(&tg, 0, sizeof tg);
            tg.s = (const unsigned char *)full->raw;
            tg.n = strlen(full->raw);
            size_t w = 0;
            o->name[0] = '\0';
            put_folded(&tg, o->name, sizeof o->name, &w, 0, tg.n);
        } else {
            memcpy(o->name, f->name, sizeof o->name);
        }
    }
    if (m->nout > 1)   /* qsort must not see a NULL array */
        qsort(m->out, m->nout, sizeof *m->out, find_cmp);
    *out = m->out;
    return m->nout;
}

void ss_nc_message_free(ss_nc_message *m)
{
    if (m == NULL)
        return;
    if (m->f.v)
        explicit_bzero(m->f.v, m->f.cap * sizeof *m->f.v);
    if (m->given.v)
        explicit_bzero(m->given.v, m->given.cap * sizeof *m->given.v);
    if (m->out)
        explicit_bzero(m->out, m->nout * sizeof *m->out);
    free(m->f.v);
    free(m->given.v);
    free(m->out);
    free(m);
}

int ss_nc_is_given_name(const char *word, size_t len, unsigned opt_flags)
{
    pthread_once(&init_once, init_tables);
    seg g;
    memset(&g, 0, sizeof g);
    g.s = (const unsigned char *)word;
    g.n = len;
    g.lex_stop = (opt_flags & SS_NC_OPT_REFERENCE) ? SS_NC_LEX_STOP_REF
                                                : SS_NC_LEX_STOP_REF | SS_NC_LEX_STOP_EXTRA;
    size_t be = len;
    if (len >= 3 && word[len - 1] == 's' && word[len - 2] == '\'')
        be = len - 2;
    else if (len >= 5 && word[len - 1] == 's' && memcmp(word + len - 4, "\xe2\x80\x99", 3) == 0)
        be = len - 4;
    return given_name(&g, 0, be);
}
