/* Where inside an attachment text came from, in words a person reads:
 * file names made safe to show, "a › b" joins, text handed on at its
 * place, sizes in words. Shared by the MIME walk (policy/extract) and the
 * readers, in and out of the sandbox. */
#include "reader.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Mask the digits of any run of digits and separators that holds six or
 * more digits: a file name can itself be an identifier. */
static void mask_digit_runs(char *s)
{
    size_t i = 0;
    while (s[i]) {
        size_t j = i, digits = 0;
        while (s[j] && (g_ascii_isdigit(s[j]) || strchr(" -./_", s[j]))) {
            digits += g_ascii_isdigit(s[j]) != 0;
            j++;
        }
        if (digits >= 6)
            for (size_t k = i; k < j; k++)
                if (g_ascii_isdigit(s[k]))
                    s[k] = '#';
        i = j > i ? j : i + 1;
    }
}

/* A file name made safe to show in a one-line location. */
static char *clean_name(const char *name)
{
    gchar *v = g_utf8_make_valid(name, -1);
    ss_buf b = SS_BUF_INIT;
    long chars = 0;
    const char *p = v;
    for (; *p && chars < 60; p = g_utf8_next_char(p), chars++) {
        gunichar c = g_utf8_get_char(p);
        if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0))
            ss_buf_addc(&b, ' ');
        else if (c == '"')
            ss_buf_addc(&b, '\'');
        else
            ss_buf_add(&b, p, (size_t)(g_utf8_next_char(p) - p));
    }
    if (*p)
        ss_buf_adds(&b, "\xe2\x80\xa6");   /* cut: say so */
    g_free(v);
    char *s = ss_buf_steal(&b);
    mask_digit_runs(s);
    return s;
}

char *ssx_clean_name(const char *name)
{
    return clean_name(name ? name : "");
}

void ssx_size_words(size_t n, char *out, size_t outlen)
{
    if (n >= (1u << 20))
        snprintf(out, outlen, "%zu MB", n >> 20);
    else if (n >= 1024)
        snprintf(out, outlen, "%zu KB", n >> 10);
    else
        snprintf(out, outlen, "%zu bytes", n);
}

void ssx_why_total(size_t limit, char *out, size_t outlen)
{
    char size[32];
    ssx_size_words(limit, size, sizeof size);
    snprintf(out, outlen, "the message's attachments expand to more than %s "
             "in all", size);
}

char *ssx_sub_join(const char *a, const char *b)
{
    ss_buf r = SS_BUF_INIT;
    ss_buf_adds(&r, a ? a : "");
    if (a && *a && b && *b)
        ss_buf_adds(&r, " \xe2\x80\xba ");
    ss_buf_adds(&r, b ? b : "");
    return ss_buf_steal(&r);
}

void ssx_emit(ssx_out *o, const char *sub, const char *child, ss_buf *text)
{
    size_t i = 0;
    while (i < text->len && strchr(" \t\r\n", text->p[i]))
        i++;
    if (i == text->len)
        return;
    char *s = ssx_sub_join(sub, child);
    o->text(o, s, text->p ? text->p : "", text->len);
    free(s);
}
