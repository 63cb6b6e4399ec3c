/* Generated tables of the named-child detector (gen/gen_tables.py). */
#ifndef SS_NC_TABLES_H
#define SS_NC_TABLES_H

#include <stddef.h>
#include <stdint.h>

/* Lexicon: perfect hash of folded lower-case given names. Slot value:
 * pool offset (bits 0-19), length (20-24, 0 = empty), stop flags (25-26). */
#define SS_NC_LEX_BUCKET_BITS 12
#define SS_NC_LEX_SLOT_BITS 15
#define SS_NC_LEX_STOP_REF   1u   /* in the reference's STOP_LIST */
#define SS_NC_LEX_STOP_EXTRA 2u   /* added to the shipped stop-list */
extern const uint64_t ss_nc_lex_seed;
extern const size_t ss_nc_lex_count;
extern const char ss_nc_lex_pool[];
extern const uint16_t ss_nc_lex_disp[1u << SS_NC_LEX_BUCKET_BITS];
extern const uint32_t ss_nc_lex_slot[1u << SS_NC_LEX_SLOT_BITS];
/* Bloom filter over the lexicon hash: bits (h >> 8) and (h >> 25), 17 bits each */
#define SS_NC_LEX_BLOOM_BITS 17
extern const uint64_t ss_nc_lex_bloom[(1u << SS_NC_LEX_BLOOM_BITS) / 64];

typedef struct {
    const char *word;      /* Title case */
    unsigned flags;        /* SS_NC_LEX_STOP_* */
} ss_nc_stop_word;
extern const ss_nc_stop_word ss_nc_stop_words[];
extern const size_t ss_nc_stop_nwords;

/* Unicode classes (Python str semantics), two-stage by 256-code-point block. */
#define SS_NC_UC_LETTER  1u    /* [^\W\d_] */
#define SS_NC_UC_WORD    2u    /* \w */
#define SS_NC_UC_UPPER   4u
#define SS_NC_UC_LOWER   8u
#define SS_NC_UC_TITLE   16u   /* category Lt */
#define SS_NC_UC_SPACE   32u
#define SS_NC_UC_DECIMAL 64u
#define SS_NC_UC_ALNUM   128u  /* str.isalnum */
extern const uint16_t ss_nc_uc_stage1[0x110000 / 256];
extern const uint8_t ss_nc_uc_stage2[][256];

typedef struct {
    uint32_t cp;
    char fold[4];          /* fold_accents(c).lower(), ASCII */
} ss_nc_uc_fold;
extern const ss_nc_uc_fold ss_nc_uc_folds[];
extern const size_t ss_nc_uc_nfolds;

typedef struct {
    uint32_t cp, lower;
} ss_nc_uc_lower;
extern const ss_nc_uc_lower ss_nc_uc_lowers[];
extern const size_t ss_nc_uc_nlowers;

static inline unsigned ss_nc_uc_flags(uint32_t cp)
{
    return cp < 0x110000 ? ss_nc_uc_stage2[ss_nc_uc_stage1[cp >> 8]][cp & 255] : 0;
}

#endif
