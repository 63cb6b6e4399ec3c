/* Types shared by every policy module and every front door. */
#ifndef SS_TYPES_H
#define SS_TYPES_H

#include <stddef.h>

/* What happens to a message. The closed set every On* key draws from. */
typedef enum {
    SS_ACT_ACCEPT = 0,
    SS_ACT_REJECT,
    SS_ACT_TEMPFAIL,
    SS_ACT_QUARANTINE
} ss_action;

const char *ss_action_name(ss_action a);           /* "accept", ... */
int ss_action_parse(const char *s, ss_action *out); /* 0 ok, -1 unknown */

/* Identifier and signal types: the `type` column of identifier-vectors.tsv. */
typedef enum {
    SS_T_NHS = 0,
    SS_T_CHI,
    SS_T_HCN,
    SS_T_UPN,
    SS_T_ULN,
    SS_T_NINO,
    SS_T_DOB_CHILD,
    SS_T_MARKING,
    SS_T_SG,
    /* Spec §9.3, keyed by ss_named_child_key (detect/value_key.h). Last,
     * so the numbers of the others (and the golden digest of
     * test_detect_diff) stay as they were. */
    SS_T_NAMED_CHILD,
    SS_T__COUNT
} ss_type;

const char *ss_type_name(ss_type t);     /* "nhs", "sg_context", ... */
const char *ss_type_phrase(ss_type t);   /* "an NHS number", for people */
int ss_type_parse(const char *s, ss_type *out);

/* Confidence levels use Purview's numbers (spec §10). */
enum { SS_CONF_NONE = 0, SS_CONF_LOW = 65, SS_CONF_MEDIUM = 75, SS_CONF_HIGH = 85 };
const char *ss_conf_name(int conf);      /* "high", "medium", "low" */

#endif
