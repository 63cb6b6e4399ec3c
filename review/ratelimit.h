/* Sign-in attempts, limited: after `max` failed attempts for one key (a
 * client address, or a reviewer name) within `window` seconds, further
 * attempts for that key are refused, without a password being checked,
 * until the window that began with the first failure has passed. A
 * success clears the key. In memory; the least recently used key makes
 * room when the table is full. */
#ifndef SS_REVIEW_RATELIMIT_H
#define SS_REVIEW_RATELIMIT_H

#include <stddef.h>
#include <time.h>

typedef struct ss_ratelimit ss_ratelimit;

ss_ratelimit *ss_ratelimit_new(size_t slots, unsigned max, long window);
void ss_ratelimit_free(ss_ratelimit *r);

/* Seconds until key may try again; 0 now. */
long ss_ratelimit_wait(ss_ratelimit *r, const char *key, time_t now);
void ss_ratelimit_fail(ss_ratelimit *r, const char *key, time_t now);
void ss_ratelimit_clear(ss_ratelimit *r, const char *key);

#endif
