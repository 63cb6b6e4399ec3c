/* Detection text normalisation (spec identifiers.md §0.1): the NFKC subset
 * the detectors depend on, done by hand on UTF-8, with a map from every
 * normalised byte back to the original segment so findings point at what
 * the sender wrote. No ICU: only these folds matter for ASCII matching.
 *
 *   U+FF01..FF5E (full-width ASCII)            -> ASCII
 *   U+00A0, U+2000..200A, U+202F, U+205F, U+3000 (Unicode spaces) -> ' '
 *   invisible characters: C0 controls but TAB/LF/CR (NUL, ESC, VT...),
 *   DEL, C1 controls, format characters (U+00AD, U+200B..200F, U+2060,
 *   U+FEFF, LRM...)                            -> deleted
 *   U+2010..2013, U+2212, U+FE63               -> '-'
 *   superscript/subscript digits               -> ASCII digits (NFKC)
 *   Latin ligatures U+FB00..FB06 (PDF text)    -> their letters (NFKC)
 *   decimal digits of every script (Arabic-Indic, Devanagari, Thai,
 *   mathematical...)                           -> ASCII digits
 *
 * A reader shows "943<NUL>476 5919" as one number, whether the NUL reads
 * as nothing or as a gap: so when an invisible character sits beside a
 * digit (invisible_digits set), the driver also reads the text with each
 * invisible character as one space (ss_normalise_as(..., 1)). *
 * Everything else, including invalid UTF-8, is copied unchanged. */
#ifndef SS_NORMALISE_H
#define SS_NORMALISE_H

#include <stddef.h>

/* The map back to the original, as runs starting at normalised offset n:
 * a copied run maps byte n + k to o + k; a folded run maps all its bytes
 * to o (the folded character's start). Runs are sorted by n; folds are
 * rare, so this is small where a byte-for-byte map would be 8x the text. */
typedef struct {
    size_t n, o;
    int folded;
} ss_norm_run;

typedef struct {
    const char *text;     /* normalised bytes (the input itself when unchanged) */
    size_t len;
    const char *orig;     /* the original segment */
    size_t orig_len;
    char *own;            /* allocated text, NULL when text == orig */
    ss_norm_run *map;     /* NULL = identity */
    size_t nmap, mapcap;
    int invisible_digits; /* an invisible character was deleted beside a digit */
} ss_norm;

void ss_normalise(ss_norm *n, const char *s, size_t len);
/* invisible_space 1: each invisible character becomes one space. */
void ss_normalise_as(ss_norm *n, const char *s, size_t len, int invisible_space);
void ss_norm_free(ss_norm *n);

/* Original byte span [*ostart, *ostart + *olen) of normalised [start, end). */
void ss_norm_span(const ss_norm *n, size_t start, size_t end,
                  size_t *ostart, size_t *olen);

/* Regex-style character classes on (normalised) UTF-8 text.
 * Word characters follow Python's Unicode \w closely enough for keyword
 * boundaries: ASCII alnum and '_', and non-ASCII letters and digits;
 * punctuation blocks (curly quotes, dashes, CJK punctuation) are not. */
int ss_is_word_at(const char *t, size_t len, size_t i);   /* char starting at i */
int ss_is_word_before(const char *t, size_t i);           /* char ending at i */
int ss_is_space(unsigned char c);                         /* \s on ASCII */

static inline int ss_is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static inline int ss_is_alnum_ascii(unsigned char c)
{
    return ss_is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

#endif
