/* Bytes in any charset → UTF-8. The MIME walk (policy/extract) and the
 * attachment readers (reader/) both decode text, so this stage sits below
 * both. Conversion never fails: a charset we cannot convert falls back to
 * windows-1252, and bad bytes become U+FFFD rather than vanishing, so a
 * dropped byte can never join two digit groups into one number. */
#ifndef SS_TEXT_CHARSET_H
#define SS_TEXT_CHARSET_H

#include <stddef.h>
#include "base/buf.h"

/* Process-wide GMime set-up (its charset tables and the MIME parser);
 * idempotent, thread-safe. The functions here and in policy/extract call
 * it themselves, so calling it is optional. */
void ss_text_init(void);

/* What a NUL byte becomes: U+2060 WORD JOINER, invisible like the NUL
 * itself (a reader shows neither), and never the end of a C string. */
#define SS_NUL_CP 0x2060u

/* charset → UTF-8 appended to out: bad bytes become U+FFFD, NUL becomes
 * SS_NUL_CP. charset may be NULL (UTF-8 if valid, else windows-1252). */
void ssx_to_utf8(ss_buf *out, const char *s, size_t n, const char *charset);
/* ssx_to_utf8 without the GMime set-up (callers have done it). */
void ssx_charset_utf8(ss_buf *b, const char *s, size_t n, const char *charset);
/* RFC 3676 format=flowed: join soft line breaks in place. */
void ssx_unflow(ss_buf *b, int delsp);

/* The Unicode code point of a windows-1252 byte, 0 for the five bytes it
 * leaves undefined. Shared by the charset fallback, the HTML reader
 * (HTML5 reads &#150; as windows-1252) and the RTF reader. */
unsigned ss_cp1252_codepoint(unsigned char c);

/* textfile.c: bytes of a text attachment → UTF-8 with LF line ends.
 * A BOM (UTF-8, UTF-16 LE/BE) wins over the declared charset; UTF-16
 * without a BOM is recognised by its NUL pattern. */
void ssx_text_decode(ss_buf *out, const unsigned char *data, size_t len,
                     const char *charset);

/* directory.c: iCalendar and vCard. Is a text/SUBTYPE part or a file of
 * this name one of them? Then unfold its lines and undo its escapes, in
 * place. */
int ssx_is_directory_text(const char *subtype, const char *fname);
void ssx_unfold_directory(ss_buf *b);

#endif
