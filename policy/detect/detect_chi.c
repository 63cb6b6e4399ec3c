/* Scottish CHI number (spec §2): keywords, findings and the child-age
 * signal from the DOB the number carries. Redaction shows only the last
 * two digits: the first six are the date of birth, the ninth the sex. */
#include "detectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "checksum.h"

#define K(pat, ci) { pat, ci, SS_KW_BIT(SS_T_CHI) }

const ss_phrase ss_chi_keywords[] = {
    K("CHI", 0),                 /* also "CHI number", "CHI no" */
    K("community health index", 1),
    K("NHS( |)Scotland", 1),
};
const size_t ss_chi_nkeywords = sizeof ss_chi_keywords / sizeof *ss_chi_keywords;

static int two(const char *d)
{
    return (d[0] - '0') * 10 + (d[1] - '0');
}

/* §2/§7.3: the DOB's century is the most recent not in the future. */
static int chi_is_child(const char *d, const ss_detect_opts *o)
{
    int dd = two(d), mm = two(d + 2), yy = two(d + 4);
    int y = ss_century_year(yy, mm, dd, o->ref_year, o->ref_month, o->ref_day);
    if (!ss_date_valid(y, mm, dd))
        return 0;
    return ss_age_on(y, mm, dd, o->ref_year, o->ref_month, o->ref_day) < 18;
}

void ss_chi_emit(const ss_segctx *c, const ss_ten_cand *k, ss_findings *out)
{
    ss_finding *f = ss_finding_add(c, out, SS_T_CHI, k->s, k->e);
    memcpy(f->value, k->d, 11);
    snprintf(f->redacted, sizeof f->redacted, "****** **%.2s", k->d + 8);
    int mod10_only = (k->types & SS_TEN_MOD10_ONLY) != 0;
    if (mod10_only)
        f->flags |= SS_F_MOD10_ONLY;
    if (chi_is_child(k->d, c->o))
        f->flags |= SS_F_CHILD_AGE;
    ss_grade_identifier(c, f, k->s, k->e, SS_CONF_HIGH,
                        mod10_only ? SS_CONF_LOW : SS_CONF_MEDIUM);
}

/* §2 special case: a spreadsheet that stored the CHI as a number dropped
 * its leading zero. Under a header naming CHI (a DOB label alone is not
 * enough: it is also a CHI keyword, but heads dates), a cell of exactly
 * nine digits is read with the zero put back. */
typedef struct {
    const ss_segctx *c;
    ss_findings *out;
} chi_walk;

static void on_chi_cell(void *ctx, size_t col, size_t s, size_t e)
{
    const chi_walk *w = ctx;
    const ss_segctx *c = w->c;
    (void)col;
    const char *t = c->nm->text;
    if (e - s != 9)
        return;
    ss_ten_cand k = { .s = s, .e = e, .form = SS_FORM_CONTIG };
    k.d[0] = '0';
    for (size_t i = 0; i < 9; i++) {
        if (!ss_is_digit((unsigned char)t[s + i]))
            return;
        k.d[i + 1] = t[s + i];
    }
    k.d[10] = '\0';
    k.types = ss_ten_classify(k.d, SS_FORM_CONTIG, c->o) &
              (SS_KW_BIT(SS_T_CHI) | SS_TEN_MOD10_ONLY);
    if (k.types & SS_KW_BIT(SS_T_CHI))
        ss_chi_emit(c, &k, w->out);
}

void ss_chi_table_detect(const ss_segctx *c, ss_findings *out)
{
    unsigned char *cols = ss_xcalloc(c->tab->ncols, 1);
    int any = 0;
    for (size_t k = 0; k < c->tab->ncols; k++)
        any |= cols[k] = (unsigned char)ss_table_hdr_kw(c, k, SS_KW_BIT(SS_T_CHI),
                                                         SS_KW_BIT(SS_T_DOB_CHILD));
    chi_walk w = { c, out };
    if (any)
        ss_table_cells(c, cols, on_chi_cell, &w);
    free(cols);
}
