/* The register's tls= requirements as MTA tables (spec register.md,
 * Export to the MTA): who is secure decides the content; how mail to them
 * must travel is the MTA's to enforce, from these tables. */
#ifndef SS_REGISTER_EXPORT_H
#define SS_REGISTER_EXPORT_H

#include "base/buf.h"
#include "register.h"

/* A Postfix smtp_tls_policy_maps table: "*.x" -> ".x"; tls=verify and
 * secure as themselves with protocols=>=TLSv1.2 (or min=) and match=;
 * dane -> dane-only; fingerprint with match= of the pins; an exclusion
 * -> may; sts and entries without tls= as comments only. The caveats and
 * the wiring are comments at the top. name is the register's file. */
void ss_register_export_postfix(const ss_register *r, const char *name, ss_buf *out);

/* Sendmail access-map entries: TLS_Srv:domain VERIFY:112 (ENCR:112 for
 * tls=encrypt), with the caveats as comments. */
void ss_register_export_sendmail(const ss_register *r, const char *name, ss_buf *out);

#endif
