/* What kind of file an attachment is: magic bytes first (a sender cannot
 * hide a ZIP by calling it "photo.jpg"), then the declared content type,
 * then the file name's extension. Lives in libsafeshare because the milter
 * decides here whether a worker is needed at all. */
#include "reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int starts(const unsigned char *d, size_t len, const char *magic, size_t n)
{
    return len >= n && memcmp(d, magic, n) == 0;
}

static ssx_kind by_magic(const unsigned char *d, size_t len)
{
    if (starts(d, len, "PK\x03\x04", 4) || starts(d, len, "PK\x05\x06", 4))
        return SSX_ZIP;
    if (starts(d, len, "%PDF-", 5))
        return SSX_PDF;
    if (starts(d, len, "{\\rtf", 5))
        return SSX_RTF;
    if (starts(d, len, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
        return SSX_OLE;
    if (starts(d, len, "\x78\x9f\x3e\x22", 4))
        return SSX_TNEF;
    if (starts(d, len, "\x89PNG", 4) || starts(d, len, "\xFF\xD8\xFF", 3) ||
        starts(d, len, "GIF8", 4))
        return SSX_OTHER;
    return SSX_EMPTY;               /* no verdict */
}

static int ctype_is(const char *ctype, const char *want)
{
    size_t n = strlen(want);
    return ctype && strncasecmp(ctype, want, n) == 0 &&
           (ctype[n] == '\0' || ctype[n] == ';' || ctype[n] == ' ');
}

static ssx_kind by_ctype(const char *ctype)
{
    if (!ctype)
        return SSX_EMPTY;
    if (strncasecmp(ctype, "text/", 5) == 0 || ctype_is(ctype, "application/csv"))
        return SSX_TEXT;
    if (ctype_is(ctype, "application/pdf"))
        return SSX_PDF;
    if (ctype_is(ctype, "application/rtf"))
        return SSX_RTF;
    if (ctype_is(ctype, "application/zip") || ctype_is(ctype, "application/x-zip-compressed"))
        return SSX_ZIP;
    if (ctype_is(ctype, "application/ms-tnef") || ctype_is(ctype, "application/vnd.ms-tnef"))
        return SSX_TNEF;
    return SSX_EMPTY;
}

static ssx_kind by_name(const char *name)
{
    static const struct { const char *ext; ssx_kind k; } exts[] = {
        { ".txt", SSX_TEXT }, { ".csv", SSX_TEXT }, { ".tsv", SSX_TEXT },
        { ".pdf", SSX_PDF }, { ".rtf", SSX_RTF }, { ".zip", SSX_ZIP },
        { ".docx", SSX_ZIP }, { ".xlsx", SSX_ZIP }, { ".pptx", SSX_ZIP },
        { ".odt", SSX_ZIP }, { ".ods", SSX_ZIP }, { ".odp", SSX_ZIP },
    };
    const char *base = name ? strrchr(name, '/') : NULL;
    base = base ? base + 1 : name;
    if (base && strcasecmp(base, "winmail.dat") == 0)
        return SSX_TNEF;
    const char *dot = name ? strrchr(name, '.') : NULL;
    for (size_t i = 0; dot && i < sizeof exts / sizeof *exts; i++)
        if (strcasecmp(dot, exts[i].ext) == 0)
            return exts[i].k;
    return SSX_EMPTY;
}

/* Text a person could read: no control bytes other than whitespace, or
 * UTF-16 (NULs in every other byte). */
static int looks_textual(const unsigned char *d, size_t len)
{
    size_t n = len < 4096 ? len : 4096, bad = 0, nul_even = 0, nul_odd = 0;
    for (size_t i = 0; i < n; i++) {
        if (d[i] == 0 && i % 2)
            nul_odd++;
        else if (d[i] == 0)
            nul_even++;
        else if (d[i] < 0x20 && !strchr("\t\n\r\f", d[i]))
            bad++;
    }
    if (n >= 4 && (nul_odd > n / 4 || nul_even > n / 4) && bad == 0)
        return 1;
    return nul_odd + nul_even == 0 && bad == 0;
}

ssx_kind ssx_sniff(const unsigned char *data, size_t len,
                   const char *ctype, const char *name)
{
    if (len == 0)
        return SSX_EMPTY;
    ssx_kind k = by_magic(data, len);
    if (k != SSX_EMPTY)
        return k;
    k = by_ctype(ctype);
    if (k == SSX_TEXT || (k == SSX_EMPTY && by_name(name) == SSX_TEXT))
        return SSX_TEXT;
    /* a PDF, RTF or ZIP without its magic bytes is damaged: let the
     * reader say so rather than calling it text */
    if (k != SSX_EMPTY)
        return k;
    k = by_name(name);
    if (k != SSX_EMPTY)
        return k;
    return looks_textual(data, len) ? SSX_TEXT : SSX_OTHER;
}

static int media_magic(const unsigned char *d, size_t len)
{
    return starts(d, len, "\x89PNG", 4) || starts(d, len, "\xFF\xD8\xFF", 3) ||
           starts(d, len, "GIF8", 4) || starts(d, len, "ID3", 3) ||
           starts(d, len, "OggS", 4) || starts(d, len, "fLaC", 4) ||
           (len >= 12 && memcmp(d, "RIFF", 4) == 0 &&
            (memcmp(d + 8, "WAVE", 4) == 0 || memcmp(d + 8, "WEBP", 4) == 0 ||
             memcmp(d + 8, "AVI ", 4) == 0)) ||
           (len >= 8 && memcmp(d + 4, "ftyp", 4) == 0);
}

int ssx_media_only(const unsigned char *data, size_t len, const char *ctype)
{
    if (media_magic(data, len))
        return 1;
    return ctype && (strncasecmp(ctype, "image/", 6) == 0 ||
                     strncasecmp(ctype, "audio/", 6) == 0 ||
                     strncasecmp(ctype, "video/", 6) == 0);
}

/* A header field name, then ':'. */
static size_t field_name(const unsigned char *d, size_t n)
{
    size_t c = 0;
    while (c < n && d[c] > ' ' && d[c] < 0x7F && d[c] != ':')
        c++;
    return c > 0 && c < n && d[c] == ':' ? c : 0;
}

static int common_field(const unsigned char *name, size_t n, int *key)
{
    static const char *const key_fields[] = { "from", "date", "message-id",
        "received", "return-path", NULL };
    static const char *const other_fields[] = { "to", "cc", "subject",
        "mime-version", "reply-to", "sender", "content-type", NULL };
    for (const char *const *f = key_fields; *f; f++)
        if (strlen(*f) == n && strncasecmp((const char *)name, *f, n) == 0)
            return *key = 1;
    for (const char *const *f = other_fields; *f; f++)
        if (strlen(*f) == n && strncasecmp((const char *)name, *f, n) == 0)
            return 1;
    return 0;
}

int ssx_looks_like_message(const unsigned char *d, size_t len)
{
    size_t n = len < 65536 ? len : 65536, i = 0, common = 0;
    int key = 0;
    if (starts(d, n, "From ", 5))
        while (i < n && d[i++] != '\n')
            ;
    for (size_t first = i; i < n;) {
        const unsigned char *e = memchr(d + i, '\n', n - i);
        if (!e)
            return 0;                   /* no blank line in sight */
        size_t l = (size_t)(e - d) - i;
        if (l && d[i + l - 1] == '\r')
            l--;
        if (l == 0)
            return common >= 2 && key;
        if (d[i] == ' ' || d[i] == '\t') {
            if (i == first)
                return 0;               /* a continuation needs a field */
        } else {
            size_t c = field_name(d + i, l);
            if (c == 0)
                return 0;
            common += common_field(d + i, c, &key);
        }
        i = (size_t)(e - d) + 1;
    }
    return 0;
}

void ssx_describe(const unsigned char *data, size_t len, const char *ctype,
                  char *out, size_t outlen)
{
    static const struct { const char *magic; size_t n; const char *what; } m[] = {
        { "\x89PNG", 4, "image/png" }, { "\xFF\xD8\xFF", 3, "image/jpeg" },
        { "GIF8", 4, "image/gif" },
    };
    if (ctype && *ctype && strncasecmp(ctype, "application/octet-stream", 24) != 0) {
        size_t i = 0;
        for (; ctype[i] && ctype[i] != ';' && i + 1 < outlen && i < 60; i++) {
            char c = ctype[i];
            out[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32)
                   : (c > 0x20 && c < 0x7F && c != '"') ? c : '_';
        }
        out[i] = '\0';
        return;
    }
    for (size_t i = 0; i < sizeof m / sizeof *m; i++)
        if (starts(data, len, m[i].magic, m[i].n)) {
            snprintf(out, outlen, "%s", m[i].what);
            return;
        }
    snprintf(out, outlen, "unknown binary data");
}

