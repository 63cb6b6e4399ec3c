/* HTML → the text a reader sees, in one pass.
 *
 * The point is detection, not rendering: "<b>943</b>&nbsp;476" must read
 * as "943\u00a0476", so inline tags vanish without a space, block tags
 * become line breaks and entities are decoded. Whitespace collapses as a
 * browser collapses it, so a mailer's line wrap inside a number reads as
 * one space.
 *
 * Text the reader does not see is still delivered, so it is kept apart,
 * in a second buffer: comments, <script>, <style>, <head> (with <title>)
 * and elements styled display:none. Comments and the head are read as
 * HTML themselves (an Outlook conditional comment holds real markup), one
 * level deep only; script and style are kept as they are. Each hidden
 * piece starts on a line of its own, so nothing hidden joins visible text
 * or another hidden piece into one number.
 *
 * Malformed HTML leans towards showing more text, not less: a '<' with no
 * '>' after it, a comment with no "-->", a <script> with no </script> are
 * read as text rather than swallowing the rest of the part. Every search
 * for a closing marker is cached so the pass stays linear on hostile
 * input such as "<<<<<<"; the nested reads of comments and heads cover
 * disjoint ranges, so the whole stays linear. */
#include "extract.h"
#include "base/buf.h"

#include <stdint.h>
#include <string.h>

#define NOT_FOUND ((size_t)-1)
#define UNKNOWN ((size_t)-2)

/* Markers we search forward for; each cache slot holds the position of
 * the next occurrence at or after the last search start. */
enum { M_GT, M_COMMENT_END, M_SCRIPT_END, M_STYLE_END, M_HEAD_END,
       M_BODY, M__COUNT };

static const char *const marker_text[M__COUNT] = {
    ">", "-->", "</script", "</style", "</head", "<body"
};

typedef struct {
    const char *in;
    size_t len;
    size_t pos;
    ss_buf *out;              /* what the reader sees */
    ss_buf *hidden;           /* what is delivered but not shown */
    ss_buf *cur;              /* where text goes now: out or hidden */
    int nested;               /* reading a comment or head: no deeper */
    int pre;                  /* inside <pre>/<textarea>: keep whitespace */
    char hide_name[16];       /* the display:none element we are inside */
    size_t hide_depth;        /* its nesting; 0: not hiding */
    int tag_since_text;       /* markup read since the last text byte */
    int new_row;              /* a <tr> opened and no cell yet */
    size_t next[M__COUNT];
} html_state;

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(int c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int match_ci(const char *p, size_t avail, const char *needle)
{
    size_t n = strlen(needle);
    if (avail < n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)p[i]) != needle[i])
            return 0;
    return 1;
}

/* Position of the next marker at or after from, or NOT_FOUND. */
static size_t find_marker(html_state *st, int m, size_t from)
{
    size_t cached = st->next[m];
    if (cached == NOT_FOUND || (cached != UNKNOWN && cached >= from))
        return cached;
    const char *needle = marker_text[m];
    size_t found = NOT_FOUND;
    for (size_t i = from; i < st->len; i++) {
        const char *hit = memchr(st->in + i, needle[0], st->len - i);
        if (!hit)
            break;
        i = (size_t)(hit - st->in);
        if (match_ci(hit, st->len - i, needle)) {
            found = i;
            break;
        }
    }
    st->next[m] = found;
    return found;
}

static void put_utf8(ss_buf *b, uint32_t cp)
{
    char u[4];
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        ss_buf_addc(b, (char)cp);
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        ss_buf_add(b, u, 2);
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        ss_buf_add(b, u, 3);
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        ss_buf_add(b, u, 4);
    }
}

static char last_of(const ss_buf *b)
{
    return b->len ? b->p[b->len - 1] : '\n';
}

static char last_out(const html_state *st)
{
    return last_of(st->cur);
}

/* A line break, unless b is already at the start of a line. */
static void line_break(ss_buf *b)
{
    if (b->len && last_of(b) != '\n') {
        /* a space before a line break carries nothing */
        if (last_of(b) == ' ')
            b->len--;
        ss_buf_addc(b, '\n');
    }
}

static void block_break(html_state *st)
{
    line_break(st->cur);
}

/* ---- entities ---------------------------------------------------------- */

/* HTML 4 Latin-1 names, in code point order from U+00A0. */
static const char *const latin1_names[96] = {
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect",
    "uml", "copy", "ordf", "laquo", "not", "shy", "reg", "macr",
    "deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot",
    "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil",
    "Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml",
    "ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde", "Ouml", "times",
    "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN", "szlig",
    "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
    "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml",
    "eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml", "divide",
    "oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml"
};

static const struct { const char *name; uint32_t cp; } other_names[] = {
    { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
    { "apos", '\'' }, { "ndash", 0x2013 }, { "mdash", 0x2014 },
    { "minus", 0x2212 }, { "hellip", 0x2026 }, { "lsquo", 0x2018 },
    { "rsquo", 0x2019 }, { "sbquo", 0x201A }, { "ldquo", 0x201C },
    { "rdquo", 0x201D }, { "bdquo", 0x201E }, { "euro", 0x20AC },
    { "zwj", 0x200D }, { "zwnj", 0x200C }, { "ZeroWidthSpace", 0x200B },
    { "lrm", 0x200E }, { "rlm", 0x200F }, { "ensp", 0x2002 },
    { "emsp", 0x2003 }, { "thinsp", 0x2009 }, { "bull", 0x2022 },
    { "trade", 0x2122 }, { "dagger", 0x2020 }, { "Dagger", 0x2021 },
    { "permil", 0x2030 }, { "lsaquo", 0x2039 }, { "rsaquo", 0x203A },
    { "OElig", 0x152 }, { "oelig", 0x153 }, { "Scaron", 0x160 },
    { "scaron", 0x161 }, { "Yuml", 0x178 }, { "fnof", 0x192 },
    { "circ", 0x2C6 }, { "tilde", 0x2DC }, { "Tab", '\t' },
    { "NewLine", '\n' }, { "nbsp", 0xA0 }
};

static uint32_t entity_lookup(const char *name, size_t n)
{
    for (size_t i = 0; i < 96; i++)
        if (strlen(latin1_names[i]) == n && memcmp(latin1_names[i], name, n) == 0)
            return 0xA0 + (uint32_t)i;
    for (size_t i = 0; i < sizeof other_names / sizeof other_names[0]; i++)
        if (strlen(other_names[i].name) == n &&
            memcmp(other_names[i].name, name, n) == 0)
            return other_names[i].cp;
    return 0;
}

/* HTML5 reads &#128;..&#159; as windows-1252, as old Outlook meant them. */
static uint32_t numeric_fixup(uint32_t cp)
{
    if (cp >= 0x80 && cp <= 0x9F) {
        uint32_t w = ss_cp1252_codepoint((unsigned char)cp);
        return w ? w : 0xFFFD;
    }
    return cp;
}

/* &#NNN; &#xHH; — returns bytes consumed after '&', 0 if not a reference. */
static size_t numeric_entity(const char *p, size_t avail, uint32_t *cp)
{
    size_t i = 1;                       /* past '#' */
    int hex = 0;
    if (i < avail && (p[i] == 'x' || p[i] == 'X')) {
        hex = 1;
        i++;
    }
    size_t start = i;
    uint32_t v = 0;
    for (; i < avail; i++) {
        int c = (unsigned char)p[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (hex && lower(c) >= 'a' && lower(c) <= 'f')
            d = lower(c) - 'a' + 10;
        else
            break;
        if (v <= 0x10FFFF)              /* saturate: no overflow, no wrap */
            v = v * (hex ? 16u : 10u) + (uint32_t)d;
    }
    if (i == start)
        return 0;
    if (i < avail && p[i] == ';')
        i++;
    *cp = numeric_fixup(v);
    return i;
}

/* At '&': decode one reference or emit '&' literally. */
static void do_entity(html_state *st)
{
    const char *p = st->in + st->pos + 1;
    size_t avail = st->len - st->pos - 1;
    uint32_t cp = 0;
    size_t used = 0;

    if (avail && p[0] == '#') {
        used = numeric_entity(p, avail, &cp);
    } else {
        size_t n = 0;
        while (n < avail && n < 32 && is_alnum((unsigned char)p[n]))
            n++;
        cp = n ? entity_lookup(p, n) : 0;
        if (cp)
            used = n + (n < avail && p[n] == ';');
    }
    if (!used) {
        ss_buf_addc(st->cur, '&');
        st->pos++;
        return;
    }
    put_utf8(st->cur, cp);
    st->pos += 1 + used;
}

/* ---- tags -------------------------------------------------------------- */

static int in_list(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(name, *list) == 0)
            return 1;
    return 0;
}

static const char *const block_tags[] = {
    "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "hr",
    "address", "center", "section", "article", "header", "footer", "nav",
    "aside", "main", "form", "fieldset", "caption", "thead", "tbody",
    "tfoot", "body", "html", "textarea", "figure", "figcaption", NULL
};

static void convert(const char *in, size_t len, int nested, ss_buf *out,
                    ss_buf *hidden);

/* A piece of hidden text, on a line of its own. */
static void hide_piece(html_state *st, const char *s, size_t n)
{
    if (n == 0)
        return;
    line_break(st->hidden);
    ss_buf_add(st->hidden, s, n);
}

/* Script and style as they are: whitespace collapsed, NULs dropped. */
static void hide_raw(html_state *st, size_t from, size_t to)
{
    ss_buf *h = st->hidden;
    line_break(h);
    for (size_t i = from; i < to; i++) {
        char c = st->in[i];
        if (c == '\0')
            continue;
        if (!is_space((unsigned char)c))
            ss_buf_addc(h, c);
        else if (last_of(h) != ' ' && last_of(h) != '\n')
            ss_buf_addc(h, ' ');
    }
}

/* A comment's or the head's contents, read as HTML and all hidden. One
 * level only: inside a nested read they are kept as they are. */
static void hide_html(html_state *st, size_t from, size_t to)
{
    if (st->nested) {
        hide_raw(st, from, to);
        return;
    }
    ss_buf v = SS_BUF_INIT, h = SS_BUF_INIT;
    convert(st->in + from, to - from, 1, &v, &h);
    hide_piece(st, v.p, v.len);
    hide_piece(st, h.p, h.len);
    ss_buf_free(&v);
    ss_buf_free(&h);
}

/* A <script>, <style> or <head> opened just before `after`: its contents
 * go to the hidden text. 0 if it has no end (then the contents are read
 * as visible text: see the file comment). */
static int hide_container(html_state *st, const char *name, size_t after)
{
    int head = strcmp(name, "head") == 0;
    size_t end, resume;
    if (strcmp(name, "script") == 0) {
        end = find_marker(st, M_SCRIPT_END, after);
    } else if (!head) {
        end = find_marker(st, M_STYLE_END, after);
    } else {
        /* <head> often has no </head>: a <body> ends it too */
        size_t a = find_marker(st, M_HEAD_END, after);
        size_t b = find_marker(st, M_BODY, after);
        end = a < b ? a : b;
    }
    if (end == NOT_FOUND)
        return 0;
    if (head && st->in[end + 1] != '/') {
        resume = end;               /* let <body> be read as a tag */
    } else {
        size_t gt = find_marker(st, M_GT, end);
        resume = gt == NOT_FOUND ? st->len : gt + 1;
    }
    if (head)
        hide_html(st, after, end);
    else
        hide_raw(st, after, end);
    st->pos = resume;
    return 1;
}

/* ---- display:none ------------------------------------------------------ */

static const char *const void_tags[] = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link",
    "meta", "param", "source", "track", "wbr", NULL
};

/* "display : VALUE" anywhere in a tag's attributes (in practice its style). */
static int display_is(const char *a, size_t n, const char *value)
{
    for (size_t i = 0; i < n; i++) {
        if (!match_ci(a + i, n - i, "display"))
            continue;
        size_t j = i + 7;
        while (j < n && is_space((unsigned char)a[j]))
            j++;
        if (j >= n || a[j] != ':')
            continue;
        j++;
        while (j < n && is_space((unsigned char)a[j]))
            j++;
        if (match_ci(a + j, n - j, value))
            return 1;
    }
    return 0;
}

static int display_none(const char *a, size_t n)
{
    return display_is(a, n, "none");
}

/* An opening tag: start hiding at a display:none element, or count one
 * more of the element we hide inside. */
static void hide_open(html_state *st, const char *name, int self_closing,
                      const char *attrs, size_t alen)
{
    if (self_closing || !name[0] || in_list(name, void_tags))
        return;
    if (st->hide_depth) {
        st->hide_depth += strcmp(name, st->hide_name) == 0;
        return;
    }
    if (!display_none(attrs, alen))
        return;
    memcpy(st->hide_name, name, strlen(name) + 1);
    st->hide_depth = 1;
    line_break(st->hidden);
    st->cur = st->hidden;
}

static void hide_close(html_state *st, const char *name)
{
    if (st->hide_depth && strcmp(name, st->hide_name) == 0 &&
        --st->hide_depth == 0)
        st->cur = st->out;
}

/* A space between cells, as a reader sees a row side by side (none
 * after a space or a no-break space the cell ended with). */
static void cell_gap(html_state *st)
{
    const ss_buf *b = st->cur;
    char l = last_out(st);
    int nbsp = b->len >= 2 && (unsigned char)b->p[b->len - 2] == 0xC2 &&
               (unsigned char)b->p[b->len - 1] == 0xA0;
    if (b->len && l != '\n' && l != ' ' && !nbsp)
        ss_buf_addc(st->cur, ' ');
}

/* A table cell, or an element styled as one (display:table-cell, or an
 * inline-block laid out beside the previous one). */
static int is_cell(const char *name, const char *attrs, size_t alen)
{
    return strcmp(name, "td") == 0 || strcmp(name, "th") == 0 ||
           display_is(attrs, alen, "table-cell") || display_is(attrs, alen, "inline-block");
}

static void tag_effect(html_state *st, const char *name, int closing,
                       const char *attrs, size_t alen)
{
    if (!closing && strcmp(name, "tr") == 0)
        st->new_row = 1;
    if (!closing && is_cell(name, attrs, alen)) {
        /* the next cell of the same row: a break made by markup alone
         * since the last text (a nested table's end, a CSS cell's </div>)
         * is a gap in the row, as the reader sees it */
        if (!st->new_row && st->tag_since_text && st->cur->len && last_out(st) == '\n')
            st->cur->p[st->cur->len - 1] = ' ';
        st->new_row = 0;
        cell_gap(st);
        return;
    }
    if (closing && (strcmp(name, "td") == 0 || strcmp(name, "th") == 0)) {
        cell_gap(st);
        return;
    }
    if (strcmp(name, "pre") == 0 || strcmp(name, "textarea") == 0) {
        if (closing && st->pre > 0)
            st->pre--;
        else if (!closing)
            st->pre++;
    }
    if (strcmp(name, "br") == 0) {
        ss_buf_addc(st->cur, '\n');
        return;
    }
    if (in_list(name, block_tags))
        block_break(st);
}

/* ---- attributes a reader sees ------------------------------------------ */

static const char *const shown_attrs[] = {
    "alt", "title", "value", "placeholder", "aria-label", NULL
};

/* The attribute at a[*i] (name and value spans); 0 at the end. */
static int next_attr(const char *a, size_t n, size_t *i, char name[16],
                     size_t *vs, size_t *ve)
{
    size_t k = *i;
    while (k < n && (is_space((unsigned char)a[k]) || a[k] == '/'))
        k++;
    if (k >= n)
        return 0;
    size_t nl = 0;
    while (k < n && !is_space((unsigned char)a[k]) && a[k] != '=' && a[k] != '/') {
        if (nl < 15)
            name[nl++] = (char)lower((unsigned char)a[k]);
        k++;
    }
    name[nl] = '\0';
    *vs = *ve = k;
    while (k < n && is_space((unsigned char)a[k]))
        k++;
    if (k < n && a[k] == '=') {
        k++;
        while (k < n && is_space((unsigned char)a[k]))
            k++;
        char q = (k < n && (a[k] == '"' || a[k] == '\'')) ? a[k] : 0;
        k += q != 0;
        *vs = k;
        while (k < n && (q ? a[k] != q : !is_space((unsigned char)a[k])))
            k++;
        *ve = k;
        k += q && k < n;
    }
    *i = k > *i ? k : *i + 1;
    return 1;
}

/* alt, title, value, placeholder, aria-label: text a person sees (an
 * image's alt in its place, a title on hover, a form's value), each on a
 * line of its own with its entities decoded. */
static void shown_attributes(html_state *st, const char *a, size_t n)
{
    char name[16];
    size_t i = 0, vs, ve;
    while (next_attr(a, n, &i, name, &vs, &ve)) {
        if (ve <= vs || !in_list(name, shown_attrs))
            continue;
        ss_buf v = SS_BUF_INIT, h = SS_BUF_INIT;
        convert(a + vs, ve - vs, 1, &v, &h);
        if (v.len) {
            line_break(st->cur);
            ss_buf_add(st->cur, v.p, v.len);
            line_break(st->cur);
        }
        ss_buf_free(&v);
        ss_buf_free(&h);
    }
}

/* At '<'. Returns 0 if it is not markup (the caller emits it as text). */
static int do_tag(html_state *st)
{
    const char *p = st->in + st->pos;
    size_t avail = st->len - st->pos;

    if (avail >= 4 && memcmp(p, "<!--", 4) == 0) {
        size_t end = find_marker(st, M_COMMENT_END, st->pos + 4);
        if (end == NOT_FOUND)
            return 0;
        hide_html(st, st->pos + 4, end);
        st->pos = end + 3;
        return 1;
    }
    int closing = avail > 1 && p[1] == '/';
    size_t i = closing ? 2 : 1;
    if (i >= avail)
        return 0;
    if (!is_alpha((unsigned char)p[i]) && p[i] != '!' && p[i] != '?')
        return 0;
    size_t gt = find_marker(st, M_GT, st->pos + i);
    if (gt == NOT_FOUND)
        return 0;

    char name[16];
    size_t n = 0;
    while (i < avail && n < sizeof name - 1 && is_alnum((unsigned char)p[i]))
        name[n++] = (char)lower((unsigned char)p[i++]);
    name[n] = '\0';
    const char *attrs = p + i;
    size_t alen = gt - (st->pos + i);
    int self_closing = gt > 0 && st->in[gt - 1] == '/';
    st->pos = gt + 1;

    if (!closing && (strcmp(name, "script") == 0 ||
                     strcmp(name, "style") == 0 || strcmp(name, "head") == 0)) {
        if (!self_closing)                  /* <script/> holds nothing */
            hide_container(st, name, st->pos);
        return 1;
    }
    if (!closing)
        hide_open(st, name, self_closing, attrs, alen);
    if (!closing && !st->nested)
        shown_attributes(st, attrs, alen);
    tag_effect(st, name, closing, attrs, alen);
    if (closing)
        hide_close(st, name);
    return 1;
}

/* Whitespace collapses to one space unless inside <pre>. */
static void do_space(html_state *st)
{
    char c = st->in[st->pos++];
    if (st->pre) {
        if (c != '\r')
            ss_buf_addc(st->cur, c);
        return;
    }
    char l = last_out(st);
    if (l != ' ' && l != '\n' && l != '\t')
        ss_buf_addc(st->cur, ' ');
}

/* "943<!-- -->476" or "943<span>476": markup between two digits shows
 * as nothing, or as a gap when it is laid out apart. A word joiner marks
 * the place (invisible), so the detectors read it both ways. */
static void digit_after_tag(html_state *st, int digit_next)
{
    if (st->tag_since_text && digit_next && last_out(st) >= '0' && last_out(st) <= '9')
        put_utf8(st->cur, 0x2060);
    st->tag_since_text = 0;
}

static void text_byte(html_state *st, char c)
{
    digit_after_tag(st, c >= '0' && c <= '9');
    ss_buf_addc(st->cur, c);
}

static void trim(ss_buf *b)
{
    while (b->len && (last_of(b) == ' ' || last_of(b) == '\n'))
        b->len--;
    if (b->p)
        b->p[b->len] = '\0';
}

static void convert(const char *in, size_t len, int nested, ss_buf *out,
                    ss_buf *hidden)
{
    html_state st;
    memset(&st, 0, sizeof st);
    st.in = in;
    st.len = len;
    st.out = st.cur = out;
    st.hidden = hidden;
    st.nested = nested;
    for (int m = 0; m < M__COUNT; m++)
        st.next[m] = UNKNOWN;
    ss_buf_reserve(out, st.len / 2 + 16);

    while (st.pos < st.len) {
        char c = st.in[st.pos];
        if (c == '<') {
            if (do_tag(&st)) {
                st.tag_since_text = 1;
                continue;
            }
            text_byte(&st, '<');
            st.pos++;
        } else if (c == '&') {
            digit_after_tag(&st, st.pos + 1 < st.len && st.in[st.pos + 1] == '#');
            do_entity(&st);
        } else if (is_space((unsigned char)c)) {
            do_space(&st);
        } else if (c == '\0') {
            st.pos++;                   /* a NUL would cut the C string */
        } else {
            text_byte(&st, c);
            st.pos++;
        }
    }
    trim(out);
    trim(hidden);
}

char *ss_html_split(const char *html, size_t len, size_t *outlen,
                    char **hidden, size_t *hiddenlen)
{
    ss_buf out = SS_BUF_INIT, hid = SS_BUF_INIT;
    convert(html ? html : "", html ? len : 0, 0, &out, &hid);
    if (outlen)
        *outlen = out.len;
    if (hiddenlen)
        *hiddenlen = hid.len;
    if (hidden)
        *hidden = ss_buf_steal(&hid);
    else
        ss_buf_free(&hid);
    return ss_buf_steal(&out);
}

char *ss_html_to_text(const char *html, size_t len, size_t *outlen)
{
    return ss_html_split(html, len, outlen, NULL, NULL);
}
