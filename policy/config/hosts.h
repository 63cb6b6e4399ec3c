/* A list of networks (InternalHosts): "127.0.0.0/8, ::1, 10.20.0.0/16".
 * Parsed by GIO's GInetAddressMask, so a mask with host bits set or a
 * prefix too long for its family is an error, not a silent widening. */
#ifndef SS_CONFIG_HOSTS_H
#define SS_CONFIG_HOSTS_H

#include <stddef.h>
#include <sys/socket.h>

typedef struct ss_hosts ss_hosts;

/* Networks separated by commas and/or white space; a bare address is a
 * network of one. NULL with why ("10.0.0.1/8: Address has bits set
 * beyond prefix length") on a bad or empty list. */
ss_hosts *ss_hosts_parse(const char *text, char *why, size_t whylen);
void ss_hosts_free(ss_hosts *h);
/* 1 when sa (AF_INET or AF_INET6) lies in one of the networks. An
 * IPv4-mapped IPv6 address (::ffff:10.1.2.3, what a dual-stack listener
 * reports) is matched as the IPv4 address it is. 0 otherwise, and for
 * any other family. */
int ss_hosts_match(const ss_hosts *h, const struct sockaddr *sa);
/* The list as GIO writes it back, comma-separated: "127.0.0.0/8, ::1". */
const char *ss_hosts_text(const ss_hosts *h);

#endif
