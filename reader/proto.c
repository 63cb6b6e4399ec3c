/* The job header (reader/proto.h): what the pool tells a reader about
 * each attachment before its bytes. */
#include "proto.h"

#include <string.h>

void ss_be32_put(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

uint32_t ss_be32_get(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void ss_job_header(unsigned char *hdr, const ss_job_limits *lim, size_t name_len,
                   size_t ctype_len, uint64_t data_len)
{
    memcpy(hdr, SS_JOB_MAGIC, 4);
    ss_be32_put(hdr + 4, (uint32_t)name_len);
    ss_be32_put(hdr + 8, (uint32_t)ctype_len);
    const uint64_t v[7] = { lim->max_archive_bytes, lim->max_total_bytes, lim->max_depth,
                            lim->max_entries, lim->cpu_seconds, lim->used, data_len };
    for (int i = 0; i < 7; i++) {
        ss_be32_put(hdr + 12 + 8 * i, (uint32_t)(v[i] >> 32));
        ss_be32_put(hdr + 16 + 8 * i, (uint32_t)v[i]);
    }
}

int ss_job_parse(const unsigned char *hdr, ss_job_limits *lim, uint32_t *name_len,
                 uint32_t *ctype_len, uint64_t *data_len)
{
    if (memcmp(hdr, SS_JOB_MAGIC, 4) != 0)
        return -1;
    *name_len = ss_be32_get(hdr + 4);
    *ctype_len = ss_be32_get(hdr + 8);
    uint64_t v[7];
    for (int i = 0; i < 7; i++)
        v[i] = (uint64_t)ss_be32_get(hdr + 12 + 8 * i) << 32 | ss_be32_get(hdr + 16 + 8 * i);
    lim->max_archive_bytes = v[0];
    lim->max_total_bytes = v[1];
    lim->max_depth = v[2];
    lim->max_entries = v[3];
    lim->cpu_seconds = v[4];
    lim->used = v[5];
    *data_len = v[6];
    return 0;
}
