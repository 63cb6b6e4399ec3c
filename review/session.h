/* Sessions of safeshare-review, kept in memory only (a restart signs
 * everyone out). Every visitor has one, named by a random 256-bit id in a
 * cookie (__Host-safeshare; Secure, HttpOnly, SameSite=Strict), and each
 * holds a random CSRF token that every form carries back. Signing in
 * gives a new id (the old one ends), so an id planted before sign-in is
 * worth nothing after. A session ends after `idle` seconds unused and
 * `absolute` seconds after it began, whatever happens. */
#ifndef SS_REVIEW_SESSION_H
#define SS_REVIEW_SESSION_H

#include <stddef.h>
#include <time.h>

#define SS_SESSION_COOKIE "__Host-safeshare"

typedef struct {
    char id[65];              /* hex */
    char csrf[65];            /* hex */
    char user[65];            /* the reviewer's name, "" when not signed in */
    char full[129];           /* their full name */
    char fp[24];              /* which password (or sso) they signed in with */
    time_t created, seen;
    char flash[400];          /* said once on the next page */
    int flash_error;
} ss_session;

typedef struct ss_sessions ss_sessions;

ss_sessions *ss_sessions_new(size_t max, long idle, long absolute);
void ss_sessions_free(ss_sessions *s);

/* The live session a cookie names (its last use now set to now), or a new
 * one without a reviewer when there is none. A copy in out. 1 found, 0
 * new. When the table is full the least recently used session ends. */
int ss_session_get(ss_sessions *s, const char *cookie, time_t now, ss_session *out);

/* Sign in: the session called old_id ends and a new one for user begins
 * (new id, new CSRF token). A copy in out. */
void ss_session_login(ss_sessions *s, const char *old_id, const char *user, const char *full,
                      const char *fp, time_t now, ss_session *out);

/* End the session called id; end every session of user. */
void ss_session_end(ss_sessions *s, const char *id);
void ss_session_end_user(ss_sessions *s, const char *user);

/* Leave a message for the next page, or take it (0 when there is none). */
void ss_session_flash(ss_sessions *s, const char *id, const char *text, int error);
int ss_session_take_flash(ss_sessions *s, const char *id, char *out, size_t n, int *error);

/* Whether a form's token is this session's (compared in constant time). */
int ss_csrf_ok(const ss_session *s, const char *token);

#endif
