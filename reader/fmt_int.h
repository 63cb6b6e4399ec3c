/* Internals shared by the format readers (libssread.a only): a small XML
 * tokenizer and ZIP entry access. Not part of any contract. */
#ifndef SS_FMT_INT_H
#define SS_FMT_INT_H

#include <stddef.h>
#include "reader.h"
#include "base/buf.h"

/* ---- XML (reader/fmt_xml.c) -------------------------------------------- */

/* One pass, no DTD, no external or custom entities (so no XXE and no
 * entity expansion bombs). Names are qualified ("w:t"); compare with
 * ssx_xml_is, which looks at the local part only. Text is entity-decoded. */
typedef struct {
    void (*start)(void *ctx, const char *name, size_t nlen,
                  const char *attrs, size_t alen, int empty);
    void (*end)(void *ctx, const char *name, size_t nlen);
    void (*text)(void *ctx, const char *s, size_t n);
    void *ctx;
} ssx_xml_sax;

void ssx_xml_parse(const char *xml, size_t len, const ssx_xml_sax *h);
int ssx_xml_is(const char *name, size_t nlen, const char *local);
/* The decoded value of attribute `local` (prefix ignored) into val
 * (reset first). Returns 1 if present. */
int ssx_xml_attr(const char *attrs, size_t alen, const char *local, ss_buf *val);

/* Text extraction by rules, for document-like XML. Element lists are
 * NULL-terminated local names; a NULL list means "none" (text_in NULL:
 * all text is kept). Line and tab breaks go at an element's end (or its
 * empty form) so cells and paragraphs never run into each other. */
typedef struct {
    const char *const *text_in;     /* keep character data only inside these */
    const char *const *newline_at;
    const char *const *tab_at;
    const char *const *space_at;
} ssx_xml_rules;

void ssx_xml_text(const char *xml, size_t len, const ssx_xml_rules *r,
                  ss_buf *out);

/* ---- ZIP (reader/fmt_zip.c) -------------------------------------------- */

typedef struct {
    char *name;
    unsigned char *data;
    size_t len;
} ssx_entry;

typedef struct {
    ssx_entry *e;
    size_t n, cap;
} ssx_entries;

/* Decompress the entries for which want(name) is true (all if want is
 * NULL), counting bytes against the limits. On a limit, encryption or
 * damage it reports at `sub` (unreadable) and returns -1; entries read so
 * far stay in *out. */
int ssx_zip_load(const unsigned char *data, size_t len, const char *sub,
                 const ss_attach_limits *lim, ssx_out *o,
                 int (*want)(const char *name), ssx_entries *out);
/* Every regular entry that want(name) accepts (all if want is NULL),
 * decompressed under the limits, handed to fn; fn returning nonzero
 * stops the walk. -1 when the archive could not be read (reported). */
typedef int (*ssx_entry_fn)(void *ctx, const char *name, ss_buf *data);
int ssx_zip_each(const unsigned char *data, size_t len, const char *sub,
                 const ss_attach_limits *lim, ssx_out *o,
                 int (*want)(const char *name), ssx_entry_fn fn, void *ctx);
/* Names only, no decompression (format detection). -1 if unreadable. */
int ssx_zip_names(const unsigned char *data, size_t len, size_t max,
                  ssx_entries *out);
const ssx_entry *ssx_entry_find(const ssx_entries *z, const char *name);
void ssx_entries_free(ssx_entries *z);

/* ---- XLSX numbers (reader/fmt_xlsx_num.c) ------------------------------ */

typedef struct {
    unsigned *xf;                 /* cellXfs: style index → numFmtId */
    size_t nxf, xfcap;
    unsigned fmt_id[256];         /* numFmts: custom format codes */
    char *fmt_code[256];
    size_t nfmt;
    int date1904;                 /* workbook.xml: the 1904 date system */
} ssx_xlsx_styles;

/* styles.xml (may be NULL) and workbook.xml (for date1904). */
void ssx_xlsx_styles_read(ssx_xlsx_styles *st, const char *xml, size_t len,
                          const char *workbook, size_t wlen);
void ssx_xlsx_styles_free(ssx_xlsx_styles *st);
/* A numeric cell's value v in style index style (-1: none) as Excel
 * shows it: dates dd/mm/yyyy, whole numbers without an exponent, simple
 * digit patterns ("000 000 0000") applied. */
void ssx_xlsx_number(ss_buf *out, const char *v, const ssx_xlsx_styles *st, long style);

/* A code point as UTF-8; surrogates, NUL and out-of-range become U+FFFD. */
void ssx_put_utf8(ss_buf *b, unsigned long cp);


#endif
