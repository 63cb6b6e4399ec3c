/* Deterministic benchmark inputs, built in memory: English prose with the
 * numbers, dates, phone numbers, identifiers and safeguarding terms a
 * school or clinic mail carries, and the same text as HTML, DOCX, PDF and
 * whole MIME messages. Same seed, same bytes, on every machine. */
#ifndef SS_BENCH_GEN_H
#define SS_BENCH_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

typedef struct {
    uint64_t s;
} gen_rng;

void gen_seed(gen_rng *r, uint64_t seed);
uint64_t gen_next(gen_rng *r);

/* Append about `bytes` of prose in paragraphs separated by blank lines.
 * utf8: curly apostrophes, en dashes and pound signs as Outlook writes
 * them; otherwise pure ASCII. */
void gen_prose(gen_rng *r, ss_buf *out, size_t bytes, int utf8);

/* The same text as an Outlook-style HTML document. */
void gen_html(const char *text, size_t len, ss_buf *out);

/* A DOCX (ZIP, stored entries) whose body holds the text's paragraphs. */
void gen_docx(const char *text, size_t len, ss_buf *out);

/* A PDF 1.4 with the (ASCII) text laid out in Helvetica, 60 lines a page. */
void gen_pdf(const char *text, size_t len, ss_buf *out);

/* A whole message: text/plain body, and an attachment when att != NULL. */
void gen_mail(const char *body, size_t blen, const char *att_name,
              const char *att_type, const unsigned char *att, size_t alen,
              ss_buf *out);

#endif
