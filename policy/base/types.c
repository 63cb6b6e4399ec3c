#include "types.h"

#include <string.h>

static const char *const action_names[] = {
    [SS_ACT_ACCEPT] = "accept",
    [SS_ACT_REJECT] = "reject",
    [SS_ACT_TEMPFAIL] = "tempfail",
    [SS_ACT_QUARANTINE] = "quarantine",
};

const char *ss_action_name(ss_action a)
{
    if ((unsigned)a < sizeof action_names / sizeof *action_names)
        return action_names[a];
    return "?";
}

int ss_action_parse(const char *s, ss_action *out)
{
    for (size_t i = 0; i < sizeof action_names / sizeof *action_names; i++) {
        if (strcmp(s, action_names[i]) == 0) {
            *out = (ss_action)i;
            return 0;
        }
    }
    return -1;
}

static const struct {
    const char *name;
    const char *phrase;
} types[SS_T__COUNT] = {
    [SS_T_NHS] = { "nhs", "an NHS number" },
    [SS_T_CHI] = { "chi", "a CHI number (Scotland)" },
    [SS_T_HCN] = { "hcn", "a Health and Care number (Northern Ireland)" },
    [SS_T_UPN] = { "upn", "a Unique Pupil Number" },
    [SS_T_ULN] = { "uln", "a Unique Learner Number" },
    [SS_T_NINO] = { "nino", "a National Insurance number" },
    [SS_T_DOB_CHILD] = { "dob_child", "a child's date of birth" },
    [SS_T_NAMED_CHILD] = { "named_child", "a child's name" },
    [SS_T_MARKING] = { "marking_sensitive", "a protective marking (such as OFFICIAL-SENSITIVE)" },
    [SS_T_SG] = { "sg_context", "safeguarding case language" },
};

const char *ss_type_name(ss_type t)
{
    return (unsigned)t < SS_T__COUNT ? types[t].name : "?";
}

const char *ss_type_phrase(ss_type t)
{
    return (unsigned)t < SS_T__COUNT ? types[t].phrase : "an identifier";
}

int ss_type_parse(const char *s, ss_type *out)
{
    for (int i = 0; i < SS_T__COUNT; i++) {
        if (strcmp(s, types[i].name) == 0) {
            *out = (ss_type)i;
            return 0;
        }
    }
    return -1;
}

const char *ss_conf_name(int conf)
{
    if (conf >= SS_CONF_HIGH)
        return "high";
    if (conf >= SS_CONF_MEDIUM)
        return "medium";
    if (conf >= SS_CONF_LOW)
        return "low";
    return "none";
}
