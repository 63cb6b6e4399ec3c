/* A child's name in an attachment's file name (spec §9.3) must not reach
 * anything that names the file: the audit record, the reasons, the reply,
 * the DSL's page. Once the detectors have run, every location quoting that
 * file shows the child's initials where the name was:
 *   attachment "Referral_Alfie_Smith.docx"  ->  attachment "Referral_A. S..docx"
 * Locations are rewritten in place: the masked form is never longer. */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

#define NAME_OF "the name of attachment \""

/* Every quoted "from" in loc becomes "to" (strlen(to) <= strlen(from)). */
static void replace_all(char *loc, const char *from, const char *to)
{
    size_t fl = strlen(from), tl = strlen(to);
    for (char *p = loc; p && (p = strstr(p, from)) != NULL; p += tl) {
        memmove(p + tl, p + fl, strlen(p + fl) + 1);
        memcpy(p, to, tl);
    }
}

/* The file name a location quotes last, with its quotes; NULL if none. */
static char *quoted_name(const char *loc)
{
    const char *a = NULL;
    for (const char *p = loc; (p = strstr(p, NAME_OF)) != NULL; p++)
        a = p + strlen(NAME_OF) - 1;
    const char *b = a ? strrchr(a, '"') : NULL;
    return b && b > a ? ss_xstrndup(a, (size_t)(b - a) + 1) : NULL;
}

/* shown with the name's bytes replaced by the initials ("A. S." from the
 * redacted "A. S. (Year 3)"); every letter starred when the name is not
 * there as written (a shown name is cleaned and cut at 60 characters). */
static char *masked(const char *shown, const char *name, size_t nlen, const char *redacted)
{
    char *m = ss_xstrdup(shown);
    const char *cut = strstr(redacted, " (");
    size_t il = cut ? (size_t)(cut - redacted) : strlen(redacted);
    char *at = nlen > il ? memmem(m, strlen(m), name, nlen) : NULL;
    if (at) {
        memcpy(at, redacted, il);
        memmove(at + il, at + nlen, strlen(at + nlen) + 1);
        return m;
    }
    char *end = strrchr(m, '.');   /* keep the extension: ".docx" */
    for (char *p = m; *p && p != end; p++)
        if ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')
            *p = '*';
    return m;
}

static void mask_everywhere(ss_extract *x, const char *from, const char *to)
{
    for (size_t i = 0; i < x->nsegs; i++)
        replace_all(x->segs[i].location, from, to);
    for (size_t i = 0; i < x->nskipped; i++)
        replace_all(x->skipped[i].location, from, to);
    for (size_t i = 0; i < x->nattach; i++) {
        replace_all(x->attach[i].location, from, to);
        replace_all(x->attach[i].name_location, from, to);
    }
}

void ss_engine_mask_names(ss_extract *x, const ss_findings *f)
{
    for (size_t i = 0; i < f->n; i++) {
        const ss_finding *g = &f->v[i];
        if (g->type != SS_T_NAMED_CHILD || g->seg >= x->nsegs)
            continue;
        const ss_segment *s = &x->segs[g->seg];
        char *shown = s->location ? quoted_name(s->location) : NULL;
        if (shown && g->off + g->len <= s->len) {
            char *to = masked(shown, s->text + g->off, g->len, g->redacted);
            mask_everywhere(x, shown, to);
            free(to);
        }
        free(shown);
    }
}
