/* The HTTP side of safeshare-review, libmicrohttpd's: a thread per
 * connection (a page may read a held message's attachments), at most 64
 * at once, 30 s of silence ends one, form bodies up to 64 KiB parsed by
 * its post processor, and every answer with the headers that keep a page
 * to itself (CSP with no script at all, no framing, no referrer, no
 * caching). What a request means is web.h's. */
#ifndef SS_REVIEW_WEB_MHD_H
#define SS_REVIEW_WEB_MHD_H

#include <stddef.h>
#include "web.h"

typedef struct ss_web_server ss_web_server;

/* Serve on the listening socket fd; HTTPS when cert and key (PEM text)
 * are given. NULL with err. */
ss_web_server *ss_web_start(int fd, ss_web_app *app, const char *cert, const char *key,
                            char *err, size_t errlen);
void ss_web_stop(ss_web_server *s);

#endif
