/* What the fuzz targets share (fuzz.h): C strings, archive inputs, a sink
 * for readers' output. */
#include "targets.h"
#include "reader/reader.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define SS_FUZZ_ROW(name) { #name, name },
const ss_fuzz_target ss_fuzz_targets[] = { SS_FUZZ_TARGETS(SS_FUZZ_ROW) };
const size_t ss_fuzz_ntargets = sizeof ss_fuzz_targets / sizeof *ss_fuzz_targets;

const ss_fuzz_target *ss_fuzz_find(const char *name)
{
    for (size_t i = 0; name && i < ss_fuzz_ntargets; i++)
        if (!strcmp(ss_fuzz_targets[i].name, name))
            return &ss_fuzz_targets[i];
    return NULL;
}

char *ss_fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = ss_xmalloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

static void le16(ss_buf *b, unsigned v)
{
    unsigned char x[2] = { (unsigned char)v, (unsigned char)(v >> 8) };
    ss_buf_add(b, x, 2);
}

static void le32(ss_buf *b, unsigned long v)
{
    le16(b, (unsigned)(v & 0xFFFF));
    le16(b, (unsigned)(v >> 16));
}

/* One stored entry's local header and data; its central record into cd. */
static void zip_entry(ss_buf *z, ss_buf *cd, const char *name, size_t nlen,
                      const uint8_t *p, size_t n)
{
    unsigned long crc = crc32(0L, p, (uInt)n), at = (unsigned long)z->len;
    le32(z, 0x04034b50); le16(z, 20); le16(z, 0); le16(z, 0); le16(z, 0); le16(z, 0);
    le32(z, crc); le32(z, (unsigned long)n); le32(z, (unsigned long)n);
    le16(z, (unsigned)nlen); le16(z, 0);
    ss_buf_add(z, name, nlen);
    ss_buf_add(z, p, n);
    le32(cd, 0x02014b50); le16(cd, 20); le16(cd, 20); le16(cd, 0); le16(cd, 0);
    le16(cd, 0); le16(cd, 0); le32(cd, crc); le32(cd, (unsigned long)n);
    le32(cd, (unsigned long)n); le16(cd, (unsigned)nlen); le16(cd, 0); le16(cd, 0);
    le16(cd, 0); le16(cd, 0); le32(cd, 0); le32(cd, at);
    ss_buf_add(cd, name, nlen);
}

/* "@@NAME\n" starts an entry at the input's start or after a newline. */
static const uint8_t *next_entry(const uint8_t *start, const uint8_t *p, const uint8_t *end)
{
    for (; p + 2 <= end; p++)
        if (p[0] == '@' && p[1] == '@' && (p == start || p[-1] == '\n'))
            return p;
    return end;
}

void ss_fuzz_archive(const uint8_t *data, size_t size, ss_buf *out)
{
    ss_buf_reset(out);
    if (size == 0)
        return;
    if (!(data[0] & 1)) {
        ss_buf_add(out, data + 1, size - 1);
        return;
    }
    ss_buf cd = SS_BUF_INIT;
    const uint8_t *start = data + 1, *end = data + size, *p = next_entry(start, start, end);
    unsigned count = 0;
    while (p < end && count < 0xFFFF) {
        const uint8_t *name = p + 2, *nl = memchr(name, '\n', (size_t)(end - name));
        if (!nl)
            break;
        const uint8_t *body = nl + 1, *stop = next_entry(start, body, end);
        zip_entry(out, &cd, (const char *)name, (size_t)(nl - name), body,
                  (size_t)(stop - body));
        count++;
        p = stop;
    }
    unsigned long cd_at = (unsigned long)out->len;
    ss_buf_add(out, cd.p ? cd.p : "", cd.len);
    le32(out, 0x06054b50); le16(out, 0); le16(out, 0); le16(out, count); le16(out, count);
    le32(out, (unsigned long)cd.len); le32(out, cd_at); le16(out, 0);
    ss_buf_free(&cd);
}

size_t ss_fuzz_text_bytes;
static volatile size_t touched;   /* keeps the reads below from being optimised out */

static void out_text(ssx_out *o, const char *sub, const char *utf8, size_t len)
{
    (void)o;
    /* Read every byte, so ASan sees a length that overruns the text. */
    size_t sum = strlen(sub);
    for (size_t i = 0; i < len; i++)
        sum += (unsigned char)utf8[i];
    touched += sum;
    ss_fuzz_text_bytes += len;
}

static void out_skip(ssx_out *o, const char *sub, const char *why, int unreadable)
{
    (void)o;
    touched += strlen(sub) + strlen(why) + (size_t)unreadable;
}

void ss_fuzz_out(ssx_out *o)
{
    memset(o, 0, sizeof *o);
    o->text = out_text;
    o->skip = out_skip;
}
