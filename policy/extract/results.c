/* What extraction returns: segments of text and the parts not read. The
 * walk and the readers beside it (fields.c, readings.c) all add here. */
#include "extract_int.h"

#include <stdlib.h>
#include <string.h>

void ssx_add_segment(ss_extract *x, char *text, size_t len, char *location)
{
    if (len == 0) {
        free(text);
        free(location);
        return;
    }
    if (x->nsegs == x->segcap) {
        x->segcap = x->segcap ? x->segcap * 2 : 8;
        x->segs = ss_xrealloc(x->segs, x->segcap * sizeof *x->segs);
    }
    ss_segment *s = &x->segs[x->nsegs];
    s->text = text;
    s->len = len;
    s->location = location;
    x->nsegs++;
    if (x->on_segment && x->on_segment(x->on_segment_arg, s, x->nsegs - 1)
        && strcmp(location, "the subject") != 0 && strcmp(location, SSX_PURPOSE_HEADER) != 0) {
        free(s->text);
        s->text = ss_xstrdup("");
        s->len = 0;
    }
}

void ssx_add_skipped(ss_extract *x, char *location, const char *why,
                     int unreadable)
{
    if (x->nskipped == x->skipcap) {
        x->skipcap = x->skipcap ? x->skipcap * 2 : 8;
        x->skipped = ss_xrealloc(x->skipped, x->skipcap * sizeof *x->skipped);
    }
    x->skipped[x->nskipped].location = location;
    x->skipped[x->nskipped].why = ss_xstrdup(why);
    x->skipped[x->nskipped].unreadable = unreadable;
    x->nskipped++;
}

size_t ssx_add_attachment(ss_extract *x, const char *location, const char *name_location,
                          const char *type, size_t size)
{
    if (x->nattach == x->attachcap) {
        x->attachcap = x->attachcap ? x->attachcap * 2 : 4;
        x->attach = ss_xrealloc(x->attach, x->attachcap * sizeof *x->attach);
    }
    x->attach[x->nattach] = (ss_attachment){ ss_xstrdup(location), ss_xstrdup(name_location),
                                             ss_xstrdup(type), size };
    return x->nattach++;
}

void ss_extract_free(ss_extract *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->nattach; i++) {
        free(x->attach[i].location);
        free(x->attach[i].name_location);
        free(x->attach[i].type);
    }
    free(x->attach);
    for (size_t i = 0; i < x->nsegs; i++) {
        free(x->segs[i].text);
        free(x->segs[i].location);
    }
    for (size_t i = 0; i < x->nskipped; i++) {
        free(x->skipped[i].location);
        free(x->skipped[i].why);
    }
    free(x->segs);
    free(x->skipped);
    free(x->message_id);
    free(x->subject);
    free(x->subject_untagged);
    memset(x, 0, sizeof *x);
}

