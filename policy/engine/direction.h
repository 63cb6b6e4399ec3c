/* Which mail safeshare judges: what the organisation sends. A message is
 * outgoing when its client is one of InternalHosts or authenticated to
 * the MTA; anything else (a parent writing to the school) is not a
 * practitioner's decision to share, and passes untouched and unrecorded
 * unless InspectIncoming is yes. */
#ifndef SS_ENGINE_DIRECTION_H
#define SS_ENGINE_DIRECTION_H

#include <stddef.h>
#include <sys/socket.h>
#include "config/config.h"

/* 1: inspect the message; 0: pass it untouched. client is the SMTP
 * client's address, or NULL (or not an IP address) when the MTA did not
 * give one, as for mail submitted on the MTA's own host: inspected,
 * since nothing says it came from outside. auth_authen is the MTA's {auth_authen} (the
 * authenticated login), NULL or "" when the client did not log in.
 * why gets a short reason for the log line, never an address part. */
int ss_direction_inspect(const ss_config *c, const struct sockaddr *client,
                         const char *auth_authen, char *why, size_t whylen);

#endif
