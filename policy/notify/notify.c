#include "notify.h"
#include "certs/link.h"
#include "quarantine/release.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/crypto.h>

#define WRAP 72               /* body columns: readable in any mail client */
#define HARD_WRAP 900         /* a word longer than this is cut: SMTP's limit is 998 */
#define TEMPLATE_MAX 65536

static const char *const names[SS_NOTE__COUNT] = {
    "held", "waiting", "released", "refused", "reminder", "register", "audit",
};

const char *ss_note_name(ss_note_kind k)
{
    return (unsigned)k < SS_NOTE__COUNT ? names[k] : "notice";
}

int ss_note_parse(const char *name, ss_note_kind *out)
{
    for (int k = 0; k < SS_NOTE__COUNT; k++) {
        if (!strcmp(name, names[k])) {
            *out = (ss_note_kind)k;
            return 0;
        }
    }
    return -1;
}

/* ---- templates ---- */

enum {
    P_REFERENCE, P_SENDER, P_RECIPIENTS, P_FOUND, P_RECEIVED, P_DSL_NAME, P_DSL_CONTACT,
    P_SITE_NAME, P_PORTAL_URL, P_REVIEWER, P_REASON, P_SHOW_COMMAND, P_LIST, P_COUNT,
    P_HOURS, P_NOTE, P_PROBLEM, P_REGISTER, P_SERIAL, P_EXPIRES, P_REVIEW_LINK,
    P_SENDER_LINK, P_QUEUE_LINK, P_LINK_EXPIRES, P_RELEASE_COMMAND, P_REFUSE_COMMAND,
    P_STATUS, P_RESULT, P_HEAD, P_TRAIL, P__COUNT
};

static const char *const placeholders[P__COUNT] = {
    "reference", "sender", "recipients", "found", "received", "dsl_name", "dsl_contact",
    "site_name", "portal_url", "reviewer", "reason", "show_command", "list", "count",
    "hours", "note", "problem", "register", "serial", "expires", "review_link",
    "sender_link", "queue_link", "link_expires", "release_command", "refuse_command",
    "status", "result", "head", "trail",
};

struct ss_notify_templates {
    char *subject[SS_NOTE__COUNT];
    char *body[SS_NOTE__COUNT];
};

/* Length of the placeholder name at p (after '{'), when "{name}" is one
 * of ours; 0 when p does not start a placeholder at all (a lone brace
 * is text); -1 when it looks like one but the name is unknown. */
static int placeholder_at(const char *p, int *which)
{
    size_t n = 0;
    while (p[n] && (islower((unsigned char)p[n]) || p[n] == '_'))
        n++;
    if (n == 0 || p[n] != '}')
        return 0;
    for (int i = 0; i < P__COUNT; i++) {
        if (strlen(placeholders[i]) == n && !strncmp(p, placeholders[i], n)) {
            *which = i;
            return (int)n;
        }
    }
    return -1;
}

/* Every {name} in text is known. 0, or -1 with err naming the line. */
static int check_placeholders(const char *name, const char *text, unsigned first_line,
                              char *err, size_t errlen)
{
    unsigned line = first_line;
    for (const char *p = text; *p; p++) {
        int which;
        if (*p == '\n')
            line++;
        else if (*p == '{' && placeholder_at(p + 1, &which) < 0) {
            size_t n = strcspn(p + 1, "}");
            snprintf(err, errlen, "%s:%u: unknown placeholder {%.*s} (see safeshare.conf(5), "
                     "NOTICES)", name, line, (int)(n > 40 ? 40 : n), p + 1);
            return -1;
        }
    }
    return 0;
}

/* "Subject: ...\n\nbody": split, checked. 0 or -1 with err. */
static int parse_template(const char *name, const char *text, char **subject, char **body,
                          char *err, size_t errlen)
{
    if (strncasecmp(text, "Subject:", 8) != 0) {
        snprintf(err, errlen, "%s:1: a notice template starts with a \"Subject:\" line", name);
        return -1;
    }
    const char *nl = strchr(text, '\n');
    if (!nl || (nl[1] != '\n' && !(nl[1] == '\r' && nl[2] == '\n'))) {
        snprintf(err, errlen, "%s:2: an empty line must follow the Subject: line", name);
        return -1;
    }
    const char *s = text + 8;
    while (*s == ' ' || *s == '\t')
        s++;
    size_t slen = (size_t)(nl - s);
    while (slen && (s[slen - 1] == '\r' || s[slen - 1] == ' '))
        slen--;
    const char *b = nl + (nl[1] == '\n' ? 2 : 3);
    if (check_placeholders(name, text, 1, err, errlen) != 0)
        return -1;
    *subject = ss_xstrndup(s, slen);
    /* CRLF files are fine; the body is kept with LF only. */
    ss_buf out = SS_BUF_INIT;
    for (; *b; b++)
        if (*b != '\r')
            ss_buf_addc(&out, *b);
    *body = out.p ? ss_buf_steal(&out) : ss_xstrdup("");
    return 0;
}

/* NotifyTemplateDir/KIND.txt: 1 read into *text, 0 no such file, -1 err. */
static int read_override(const char *dir, ss_note_kind k, char *path, size_t pathlen,
                         char **text, char *err, size_t errlen)
{
    snprintf(path, pathlen, "%s/%s.txt", dir, names[k]);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    ss_buf b = SS_BUF_INIT;
    char chunk[4096];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) > 0 && b.len <= TEMPLATE_MAX)
        ss_buf_add(&b, chunk, (size_t)n);
    close(fd);
    const char *why = n < 0 ? "read error" : b.len > TEMPLATE_MAX ? "larger than 64 KiB"
                    : b.len && memchr(b.p, '\0', b.len) ? "contains a NUL byte" : NULL;
    if (why) {
        snprintf(err, errlen, "%s: %s", path, why);
        ss_buf_free(&b);
        return -1;
    }
    *text = b.p ? ss_buf_steal(&b) : ss_xstrdup("");
    return 1;
}

int ss_notify_address_ok(const char *a)
{
    const char *at = a ? strchr(a, '@') : NULL;
    if (!at || at == a || !at[1] || strchr(at + 1, '@') || strlen(a) > 254)
        return 0;
    for (const char *p = a; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f || strchr("<>()[]\",;:\\", *p))
            return 0;
    return 1;
}

static int check_addresses(const ss_config *c, char *err, size_t errlen)
{
    const struct { const char *key, *v; } a[] = {
        { "NotifyFrom", c->notify_from }, { "DSLAddress", c->dsl_address },
        { "DSLDeputyAddress", c->dsl_deputy_address }, { "AdminAddress", c->admin_address },
        { "AuditDigestTo", c->audit_digest_to },
    };
    for (size_t i = 0; i < sizeof a / sizeof *a; i++) {
        if (a[i].v && !ss_notify_address_ok(a[i].v)) {
            snprintf(err, errlen, "%s: %s: not a plain address (like dsl@school.sch.uk): %.80s",
                     c->path ? c->path : "config", a[i].key, a[i].v);
            return -1;
        }
    }
    return 0;
}

void ss_notify_free(ss_notify_templates *t)
{
    if (!t)
        return;
    for (int k = 0; k < SS_NOTE__COUNT; k++) {
        free(t->subject[k]);
        free(t->body[k]);
    }
    free(t);
}

ss_notify_templates *ss_notify_load(const ss_config *c, char *err, size_t errlen)
{
    if (check_addresses(c, err, errlen) != 0)
        return NULL;
    struct stat st;
    if (c->notify_template_dir && (stat(c->notify_template_dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
        /* A mistyped path would otherwise mean the built-in texts, silently. */
        snprintf(err, errlen, "%s: NotifyTemplateDir: %s is not a directory",
                 c->path ? c->path : "config", c->notify_template_dir);
        return NULL;
    }
    ss_notify_templates *t = ss_xcalloc(1, sizeof *t);
    for (int k = 0; k < SS_NOTE__COUNT; k++) {
        char path[4096], label[64], *text = NULL;
        int got = 0;
        if (c->notify_template_dir
            && (got = read_override(c->notify_template_dir, (ss_note_kind)k, path,
                                    sizeof path, &text, err, errlen)) < 0)
            goto fail;
        snprintf(label, sizeof label, "built-in %s notice", names[k]);
        int rc = parse_template(got ? path : label, got ? text : ss_notify_default((ss_note_kind)k),
                                &t->subject[k], &t->body[k], err, errlen);
        free(text);
        if (rc != 0)
            goto fail;
    }
    return t;
fail:
    ss_notify_free(t);
    return NULL;
}

/* ---- who ---- */

size_t ss_notify_recipients(const ss_config *c, ss_note_kind k, const ss_note *n,
                            const char *deputy, const char *to[2])
{
    if (!c->notify_from || !ss_notify_address_ok(c->notify_from))
        return 0;
    size_t m = 0;
    if (k == SS_NOTE_AUDIT) {
        if (c->audit_digest_to)
            to[m++] = c->audit_digest_to;
        return m;
    }
    if (k == SS_NOTE_REGISTER) {
        if (c->admin_address)
            to[m++] = c->admin_address;
        if (c->dsl_address && !(m && !strcasecmp(c->dsl_address, to[0])))
            to[m++] = c->dsl_address;
        return m;
    }
    if (k == SS_NOTE_WAITING || k == SS_NOTE_REMINDER) {
        if (c->dsl_address)
            to[m++] = c->dsl_address;
        const char *d = k == SS_NOTE_REMINDER ? (deputy ? deputy : c->dsl_deputy_address) : NULL;
        if (d && ss_notify_address_ok(d) && !(m && !strcasecmp(d, to[0])))
            to[m++] = d;
        return m;
    }
    /* Never to <> (RFC 3834) and never to ourselves: a notice about a
     * held notice would be the start of a loop. */
    const char *s = n ? n->sender : NULL;
    if (!s || !ss_notify_address_ok(s) || !strcasecmp(s, c->notify_from))
        return 0;
    to[0] = s;
    return 1;
}

/* ---- values ---- */

void ss_notify_review_url(const ss_config *c, const char *path, ss_buf *out)
{
    const char *u = c->review_url ? c->review_url : "";
    size_t n = strlen(u);
    while (n && u[n - 1] == '/')
        n--;
    ss_buf_add(out, u, n);
    ss_buf_adds(out, path);
}

static const char *const months[12] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};
static const char *const days[7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

void ss_notify_when(time_t t, char *out, size_t n)
{
    struct tm tm;
    if (!t || !localtime_r(&t, &tm)) {
        out[0] = '\0';
        return;
    }
    snprintf(out, n, "%s %d %s %d at %02d:%02d", days[tm.tm_wday % 7], tm.tm_mday,
             months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}

/* RFC 5322 date, local time with its offset. */
static void mail_date(time_t t, char *out, size_t n)
{
    struct tm tm;
    localtime_r(&t, &tm);
    long off = tm.tm_gmtoff / 60;
    char sign = off < 0 ? '-' : '+';
    if (off < 0)
        off = -off;
    snprintf(out, n, "%s, %d %s %d %02d:%02d:%02d %c%02ld%02ld", days[tm.tm_wday % 7],
             tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
             tm.tm_sec, sign, off / 60, off % 60);
}

void ss_notify_plain_found(const char *summary, ss_buf *out)
{
    static const char *const conf[] = { " (high)", " (medium)", " (low)", " (none)" };
    const char *p = summary ? summary : "";
    while (*p) {
        size_t skip = 0;
        for (size_t i = 0; i < sizeof conf / sizeof *conf && !skip; i++)
            if (!strncmp(p, conf[i], strlen(conf[i])))
                skip = strlen(conf[i]);
        if (skip)
            p += skip;
        else
            ss_buf_addc(out, *p++);
    }
}

/* The text of each placeholder for this notice; "" when it has none. */
typedef struct {
    char *v[P__COUNT];
} values;

/* ReviewURL/PATH/REF?t=TOKEN, a link for kind of page signed to work
 * until expires; "" when it cannot be made. */
static char *signed_link(const ss_config *c, ss_link_kind kind, const char *path,
                         const char *ref, time_t expires)
{
    unsigned char key[32];
    char tok[SS_LINK_MAX];
    if (!ref || !*ref || ss_link_key(c->release_key, c->release_key_len, key) != 0
        || ss_link_make(key, kind, ref, expires, tok) != 0)
        return ss_xstrdup("");
    ss_buf b = SS_BUF_INIT;
    ss_notify_review_url(c, path, &b);
    ss_buf_printf(&b, "/%s?t=%s", ref, tok);
    OPENSSL_cleanse(key, sizeof key);
    return ss_buf_steal(&b);
}

/* How this notice's reader reviews: links to safeshare-review when
 * ReviewURL is set (the DSL has no shell on the mail server), else the
 * safesharectl commands an administrator runs there. */
static void ways_to_review(const ss_config *c, ss_note_kind k, const ss_note *n, values *out)
{
    int web = c->review_url != NULL, dsl = k == SS_NOTE_WAITING || k == SS_NOTE_REMINDER;
    const char *ref = k == SS_NOTE_REMINDER ? "REFERENCE" : n->reference;
    time_t expires = time(NULL) + (time_t)c->review_link_max_age;
    char when[64] = "";
    ss_buf b = SS_BUF_INIT;
    out->v[P_REVIEW_LINK] = web && k == SS_NOTE_WAITING
        ? signed_link(c, SS_LINK_DSL, "/review", n->reference, expires) : ss_xstrdup("");
    out->v[P_SENDER_LINK] = web && k == SS_NOTE_HELD
        ? signed_link(c, SS_LINK_SENDER, "/sender", n->reference, expires) : ss_xstrdup("");
    if (web && k == SS_NOTE_REMINDER)
        ss_notify_review_url(c, "/queue", &b);
    out->v[P_QUEUE_LINK] = b.p ? ss_buf_steal(&b) : ss_xstrdup("");
    if (out->v[P_REVIEW_LINK][0] || out->v[P_SENDER_LINK][0])
        ss_notify_when(expires, when, sizeof when);
    out->v[P_LINK_EXPIRES] = ss_xstrdup(when);
    static const char *const cmd[] = { "show", "release", "refuse" };
    static const char *const tail[] = { "", " --reason \"...\"", " --reason \"...\"" };
    static const int slot[] = { P_SHOW_COMMAND, P_RELEASE_COMMAND, P_REFUSE_COMMAND };
    for (int i = 0; i < 3; i++) {
        if (!web && ref && *ref && (dsl || i == 0))
            ss_buf_printf(&b, "safesharectl quarantine %s %s%s", cmd[i], ref, tail[i]);
        out->v[slot[i]] = b.p ? ss_buf_steal(&b) : ss_xstrdup("");
    }
}

static void values_make(const ss_config *c, ss_note_kind k, const ss_note *n, values *out)
{
    ss_buf b = SS_BUF_INIT;
    char tmp[128];
    memset(out, 0, sizeof *out);
    out->v[P_REFERENCE] = ss_xstrdup(n->reference ? n->reference : "");
    out->v[P_SENDER] = ss_xstrdup(n->sender && n->sender[0] ? n->sender : "");
    for (size_t i = 0; i < n->nrecipients; i++)
        ss_buf_printf(&b, "%s%s", i ? ", " : "", n->recipients[i]);
    out->v[P_RECIPIENTS] = b.p ? ss_buf_steal(&b) : ss_xstrdup("");
    /* The DSL weighs how sure the detector was; the sender needs only
     * what and where. */
    if (k == SS_NOTE_WAITING || k == SS_NOTE_REMINDER)
        ss_buf_adds(&b, n->found ? n->found : "");
    else
        ss_notify_plain_found(n->found, &b);
    out->v[P_FOUND] = b.p ? ss_buf_steal(&b) : ss_xstrdup("");
    ss_notify_when(n->received, tmp, sizeof tmp);
    out->v[P_RECEIVED] = ss_xstrdup(tmp);
    out->v[P_DSL_NAME] = ss_xstrdup(c->dsl_name ? c->dsl_name : "");
    out->v[P_DSL_CONTACT] = ss_xstrdup(c->dsl_contact ? c->dsl_contact : "");
    out->v[P_SITE_NAME] = ss_xstrdup(c->site_name ? c->site_name : "");
    out->v[P_PORTAL_URL] = ss_xstrdup(c->portal_url ? c->portal_url : "");
    out->v[P_REVIEWER] = ss_xstrdup(n->reviewer ? n->reviewer : "");
    out->v[P_REASON] = ss_xstrdup(n->reason ? n->reason : "");
    out->v[P_NOTE] = ss_xstrdup(n->note ? n->note : "");
    ways_to_review(c, k, n, out);
    out->v[P_LIST] = ss_xstrdup(n->list ? n->list : "");
    /* 0 is a real answer for a reminder ("--older-than 0"), so these
     * are given for it always and for no other notice. */
    int reminder = k == SS_NOTE_REMINDER;
    snprintf(tmp, sizeof tmp, "%zu", n->count);
    out->v[P_COUNT] = ss_xstrdup(reminder ? tmp : "");
    snprintf(tmp, sizeof tmp, "%ld", n->hours);
    out->v[P_HOURS] = ss_xstrdup(reminder && n->hours >= 0 ? tmp : "");
    out->v[P_PROBLEM] = ss_xstrdup(n->problem ? n->problem : "");
    out->v[P_REGISTER] = ss_xstrdup(n->register_path ? n->register_path : "");
    snprintf(tmp, sizeof tmp, "%llu", n->serial);
    out->v[P_SERIAL] = ss_xstrdup(n->serial ? tmp : "");
    out->v[P_EXPIRES] = ss_xstrdup(n->expires ? n->expires : "");
    out->v[P_STATUS] = ss_xstrdup(n->status ? n->status : "");
    out->v[P_RESULT] = ss_xstrdup(n->result ? n->result : "");
    out->v[P_HEAD] = ss_xstrdup(n->head ? n->head : "");
    out->v[P_TRAIL] = ss_xstrdup(n->trail ? n->trail : "");
    /* Values come from envelopes and a reviewer's typing: no control
     * character may reach a header or break a line; only the list keeps
     * its line feeds. */
    for (int i = 0; i < P__COUNT; i++)
        for (char *p = out->v[i]; *p; p++)
            if (((unsigned char)*p < 0x20 && !(i == P_LIST && *p == '\n')) || *p == 0x7f)
                *p = ' ';
}

static void values_free(values *v)
{
    for (int i = 0; i < P__COUNT; i++)
        free(v->v[i]);
}

/* One template line with its values in. 0, or -1 when it uses a
 * placeholder that has no value (the line is then left out). */
static int expand(const char *p, size_t len, const values *v, ss_buf *out)
{
    const char *end = p + len;
    int missing = 0;
    while (p < end) {
        int which, n;
        if (*p == '{' && (n = placeholder_at(p + 1, &which)) > 0 && p + n + 2 <= end) {
            if (!v->v[which][0])
                missing = 1;
            ss_buf_adds(out, v->v[which]);
            p += n + 2;
        } else {
            ss_buf_addc(out, *p++);
        }
    }
    return missing ? -1 : 0;
}

/* ---- layout ---- */

static size_t columns(const char *p, size_t n)
{
    size_t cols = 0;
    for (size_t i = 0; i < n; i++)
        cols += ((unsigned char)p[i] & 0xC0) != 0x80;
    return cols;
}

/* Where to end the next line of p[0..n) that may be `width` columns
 * wide: at the last space that fits, past `keep` (an indent or item
 * marker, never broken after); else after the first word, which is kept
 * whole unless it passes HARD_WRAP bytes. */
static size_t line_end(const char *p, size_t n, size_t width, size_t keep)
{
    if (columns(p, n) <= width)
        return n;
    size_t cols = 0, last = 0;
    for (size_t i = 0; i < n && cols <= width; i++) {
        if (p[i] == ' ' && i > keep)
            last = i;
        cols += ((unsigned char)p[i] & 0xC0) != 0x80;
    }
    if (last)
        return last;
    size_t i = keep;
    while (i < n && p[i] != ' ')
        i++;
    if (i > HARD_WRAP)
        for (i = HARD_WRAP; i > 0 && ((unsigned char)p[i] & 0xC0) == 0x80;)
            i--;
    return i ? i : n;
}

/* Emit text (no line feeds) wrapped at WRAP columns, each line after the
 * first indented by `hang` spaces. */
static void wrap(const char *p, size_t n, size_t hang, ss_buf *out)
{
    int first = 1;
    if (hang > WRAP / 2)
        hang = WRAP / 2;
    while (n) {
        size_t cut = first ? line_end(p, n, WRAP, hang) : line_end(p, n, WRAP - hang, 0);
        if (!first)
            for (size_t i = 0; i < hang; i++)
                ss_buf_addc(out, ' ');
        ss_buf_add(out, p, cut);
        ss_buf_adds(out, "\r\n");
        p += cut;
        n -= cut;
        while (n && *p == ' ')
            p++, n--;
        first = 0;
    }
}

/* Where a preformatted line's continuations start: under its text, under
 * the text after a "- " item marker, or under the value of a "Label:  value"
 * row (two or more spaces in the first 30 columns). */
static size_t hang_of(const char *p, size_t len)
{
    size_t ind = 0;
    while (ind < len && p[ind] == ' ')
        ind++;
    if (ind + 1 < len && p[ind] == '-' && p[ind + 1] == ' ')
        return ind + 2;
    for (size_t i = ind; i + 2 < len && i < 30; i++)
        if (p[i] != ' ' && p[i + 1] == ' ' && p[i + 2] == ' ') {
            size_t v = i + 1;
            while (v < len && p[v] == ' ')
                v++;
            return v < len && v <= 30 ? v : ind;
        }
    return ind;
}

/* An indented (or multi-line) block: each line wrapped under hang_of. */
static void preformatted(const char *p, size_t n, ss_buf *out)
{
    const char *end = p + n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (len == 0)
            ss_buf_adds(out, "\r\n");
        else
            wrap(p, len, hang_of(p, len), out);
        p += len + (nl != NULL);
    }
}

/* Paragraph text, first letter upper case: a value such as "your
 * Designated Safeguarding Lead" may open it. */
static void paragraph(ss_buf *para, ss_buf *out)
{
    if (!para->len)
        return;
    if (islower((unsigned char)para->p[0]))
        para->p[0] = (char)toupper((unsigned char)para->p[0]);
    wrap(para->p, para->len, 0, out);
    ss_buf_reset(para);
}

/* The body: template lines expanded, lines with a missing value left
 * out, unindented lines joined into paragraphs, blank lines collapsed. */
static void render_body(const char *tpl, const values *v, ss_buf *out)
{
    ss_buf para = SS_BUF_INIT, line = SS_BUF_INIT;
    int blank_pending = 0;
    const char *p = tpl;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        ss_buf_reset(&line);
        int keep = expand(p, len, v, &line) == 0;
        p += len + (nl != NULL);
        if (!keep)
            continue;
        while (line.len && line.p[line.len - 1] == ' ')
            line.p[--line.len] = '\0';
        if (line.len == 0) {
            paragraph(&para, out);
            blank_pending = out->len > 0;
            continue;
        }
        if (blank_pending) {
            ss_buf_adds(out, "\r\n");
            blank_pending = 0;
        }
        if (line.p[0] == ' ' || line.p[0] == '\t' || memchr(line.p, '\n', line.len)) {
            paragraph(&para, out);
            preformatted(line.p, line.len, out);
        } else {
            if (para.len)
                ss_buf_addc(&para, ' ');
            ss_buf_add(&para, line.p, line.len);
        }
    }
    paragraph(&para, out);
    ss_buf_free(&para);
    ss_buf_free(&line);
}

/* Subject: as is when it is short ASCII, else RFC 2047 encoded words of
 * at most 45 bytes each, cut between UTF-8 characters, folded. */
static void subject_header(const char *s, ss_buf *out)
{
    int ascii = strlen(s) < 900;
    for (const char *p = s; *p && ascii; p++)
        ascii = (unsigned char)*p < 0x80;
    if (ascii) {
        ss_buf_printf(out, "Subject: %s\r\n", s);
        return;
    }
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    ss_buf_adds(out, "Subject:");
    size_t n = strlen(s);
    const unsigned char *p = (const unsigned char *)s;
    while (n) {
        size_t take = n < 45 ? n : 45;
        while (take < n && take > 1 && (p[take] & 0xC0) == 0x80)
            take--;
        ss_buf_adds(out, " =?UTF-8?B?");
        for (size_t i = 0; i < take; i += 3) {
            unsigned v = (unsigned)p[i] << 16 | (i + 1 < take ? (unsigned)p[i + 1] << 8 : 0)
                       | (i + 2 < take ? p[i + 2] : 0);
            ss_buf_addc(out, b64[v >> 18 & 63]);
            ss_buf_addc(out, b64[v >> 12 & 63]);
            ss_buf_addc(out, i + 1 < take ? b64[v >> 6 & 63] : '=');
            ss_buf_addc(out, i + 2 < take ? b64[v & 63] : '=');
        }
        ss_buf_adds(out, "?=\r\n");
        p += take;
        n -= take;
    }
}

static void message_id(const char *from, time_t now, ss_buf *out)
{
    unsigned char r[8] = { 0 };
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
        for (size_t i = 0; i < sizeof r; i++)
            r[i] = (unsigned char)(rand() & 0xff);
    const char *dom = strchr(from, '@');
    ss_buf_printf(out, "Message-ID: <safeshare.%lld.", (long long)now);
    for (size_t i = 0; i < sizeof r; i++)
        ss_buf_printf(out, "%02x", r[i]);
    ss_buf_printf(out, "@%s>\r\n", dom ? dom + 1 : "localhost");
}

void ss_notify_render(const ss_config *c, const ss_notify_templates *t, ss_note_kind k,
                      const ss_note *n, const char *const *to, size_t nto, ss_buf *out)
{
    const ss_note empty = { 0 };
    if (!n)
        n = &empty;
    values v;
    values_make(c, k, n, &v);
    time_t now = time(NULL);
    char date[64];
    mail_date(now, date, sizeof date);
    const char *from = c->notify_from ? c->notify_from : "";
    ss_buf_printf(out, "From: %s\r\nTo: ", from);
    for (size_t i = 0; i < nto; i++)
        ss_buf_printf(out, "%s%s", i ? ",\r\n " : "", to[i]);
    ss_buf_adds(out, "\r\n");
    ss_buf subject = SS_BUF_INIT;
    const char *s = t->subject[k];
    expand(s, strlen(s), &v, &subject);
    subject_header(subject.p ? subject.p : "", out);
    ss_buf_printf(out, "Date: %s\r\n", date);
    message_id(from, now, out);
    ss_buf_adds(out, "Auto-Submitted: auto-generated\r\n");
    ss_buf_printf(out, "X-Safeshare-Notice: %s%s%s\r\n", names[k], v.v[P_REFERENCE][0] ? " " : "",
                  v.v[P_REFERENCE]);
    ss_buf_adds(out, "MIME-Version: 1.0\r\n"
                     "Content-Type: text/plain; charset=utf-8\r\n"
                     "Content-Transfer-Encoding: 8bit\r\n\r\n");
    render_body(t->body[k], &v, out);
    ss_buf_free(&subject);
    values_free(&v);
}

int ss_notify_send(const ss_config *c, const ss_notify_templates *t, ss_note_kind k,
                   const ss_note *n, const char *deputy, char *err, size_t errlen)
{
    const char *to[2];
    size_t nto = ss_notify_recipients(c, k, n, deputy, to);
    if (nto == 0)
        return 1;
    ss_buf msg = SS_BUF_INIT;
    ss_notify_render(c, t, k, n, to, nto, &msg);
    int rc = ss_release_submit_timed(c->release_submit_url, c->notify_from, to, nto, msg.p,
                                     msg.len, SS_NOTIFY_CONNECT_SECS, SS_NOTIFY_TOTAL_SECS,
                                     err, errlen);
    ss_buf_free(&msg);
    return rc == 0 ? 0 : -1;
}
