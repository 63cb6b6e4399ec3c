#include "mta.h"
#include "decide/guidance.h"
#include "base/log.h"

#include <stdlib.h>
#include <string.h>

const char *ss_mta_macro(SMFICTX *ctx, const char *name)
{
    return smfi_getsymval(ctx, (char *)name);
}

int ss_mta_reply(SMFICTX *ctx, const char *qid, const char *rcode, const char *xcode,
                 char *const *lines, size_t n)
{
    /* libmilter takes the lines as varargs, at most 32, NULL-terminated:
     * pass all 32 slots, the unused ones NULL. */
    char *l[SS_REPLY_MAX_LINES + 1] = { NULL };
    if (n > SS_REPLY_MAX_LINES)
        n = SS_REPLY_MAX_LINES;
    for (size_t i = 0; i < n; i++) {
        size_t cap = 2 * strlen(lines[i]) + 1;
        l[i] = malloc(cap);
        if (!l[i])
            break;
        ss_reply_escape(lines[i], l[i], cap);
    }
    int rc = l[0] == NULL
        ? smfi_setreply(ctx, (char *)rcode, (char *)xcode, NULL)
        : smfi_setmlreply(ctx, rcode, xcode,
            l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7], l[8], l[9], l[10],
            l[11], l[12], l[13], l[14], l[15], l[16], l[17], l[18], l[19], l[20],
            l[21], l[22], l[23], l[24], l[25], l[26], l[27], l[28], l[29], l[30],
            l[31], (char *)NULL);
    for (size_t i = 0; i < SS_REPLY_MAX_LINES; i++)
        free(l[i]);
    if (rc != MI_SUCCESS) {
        ss_log(SS_LOG_ERR, "%s: smfi_setmlreply failed", qid ? qid : "NOQUEUE");
        return -1;
    }
    return 0;
}

int ss_mta_add_header(SMFICTX *ctx, const char *qid, const char *name, const char *value)
{
    if (smfi_addheader(ctx, (char *)name, (char *)value) != MI_SUCCESS) {
        ss_log(SS_LOG_ERR, "%s: smfi_addheader %s failed", qid ? qid : "NOQUEUE", name);
        return -1;
    }
    return 0;
}

int ss_mta_change_header(SMFICTX *ctx, const char *qid, const char *name, int index,
                         const char *value)
{
    if (smfi_chgheader(ctx, (char *)name, index, (char *)value) != MI_SUCCESS) {
        ss_log(SS_LOG_ERR, "%s: smfi_chgheader %s[%d] failed", qid ? qid : "NOQUEUE", name,
               index);
        return -1;
    }
    return 0;
}

int ss_mta_del_header(SMFICTX *ctx, const char *qid, const char *name, int index)
{
    return ss_mta_change_header(ctx, qid, name, index, NULL);
}
