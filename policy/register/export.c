/* MTA tables from the register's tls= (export.h). */
#include "export.h"
#include "trust.h"

#include <ctype.h>
#include <glib.h>
#include <string.h>
#include <time.h>

static void header(const ss_register *r, const char *name, const char *what, ss_buf *out)
{
    char when[32], now[32];
    ss_utc_string(ss_register_expires(r), when);
    ss_utc_string(time(NULL), now);
    ss_buf_printf(out, "# %s, made by safesharectl from %s\n"
                  "# (serial %llu, publisher \"%s\", expires %s) at %s.\n"
                  "# Do not edit: change the register and export it again.\n#\n",
                  what, name, ss_register_serial(r), ss_register_publisher(r), when, now);
}

/* Postfix's key: "*.x" matches names below x, which Postfix writes ".x". */
static void pf_key(const ss_reg_entry *e, ss_buf *out)
{
    ss_buf_printf(out, "%s%s", e->wildcard ? "." : "", e->domain);
}

/* pin=sha256:abcd...,sha256:... -> AB:CD:...|..., Postfix's fingerprint form. */
static void pf_pins(const char *pins, ss_buf *out)
{
    int first = 1, digits = 0;
    for (const char *p = pins; *p; p++) {
        if (!strncmp(p, "sha256:", 7)) {
            if (!first)
                ss_buf_addc(out, '|');
            first = 0;
            digits = 0;
            p += 6;
        } else if (isxdigit((unsigned char)*p)) {
            if (digits && digits % 2 == 0)
                ss_buf_addc(out, ':');
            ss_buf_addc(out, (char)toupper((unsigned char)*p));
            digits++;
        }
    }
}

static const char *pf_level(const char *tls)
{
    static const char *const map[][2] = {
        { "may", "may" }, { "encrypt", "encrypt" }, { "verify", "verify" },
        { "secure", "secure" }, { "dane", "dane-only" }, { "dane-only", "dane-only" },
        { "fingerprint", "fingerprint" },
    };
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (!strcmp(tls, map[i][0]))
            return map[i][1];
    return NULL;        /* sts: not Postfix's table's to say */
}

static void pf_entry(const ss_reg_entry *e, ss_buf *out)
{
    const char *level = e->tls ? pf_level(e->tls) : NULL;
    if (!level) {
        ss_buf_printf(out, "# %s: %s\n", e->pattern, e->tls
                      ? "tls=sts, left to your MTA-STS resolver (list it after this table)"
                      : "no tls= in the register; smtp_tls_security_level applies");
        return;
    }
    pf_key(e, out);
    ss_buf_printf(out, " %s", level);
    if (strcmp(level, "may") != 0)
        ss_buf_printf(out, " protocols=>=TLSv%s", e->min ? e->min : "1.2");
    if (e->match && (!strcmp(level, "verify") || !strcmp(level, "secure")))
        ss_buf_printf(out, " match=%s", e->match);
    if (e->pin) {
        ss_buf_adds(out, " match=");
        pf_pins(e->pin, out);
    }
    ss_buf_printf(out, "\n");
}

/* The patterns an exclusion takes over: the exclusion wins, so the entry
 * of the same pattern is not exported (Postfix would see a duplicate). */
static GHashTable *excluded(const ss_register *r)
{
    GHashTable *h = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t i = 0; i < ss_register_count(r); i++) {
        ss_reg_entry e;
        ss_register_entry(r, i, &e);
        if (e.exclusion)
            g_hash_table_add(h, (gpointer)(e.pattern + 1));
    }
    return h;
}

void ss_register_export_postfix(const ss_register *r, const char *name, ss_buf *out)
{
    header(r, name, "Postfix smtp_tls_policy_maps table", out);
    ss_buf_adds(out,
        "# Wire it in (main.cf), then run: postmap hash:/etc/postfix/safeshare_tls_policy\n"
        "#   smtp_tls_policy_maps = hash:/etc/postfix/safeshare_tls_policy\n"
        "#   smtp_tls_CAfile = /etc/ssl/certs/ca-certificates.crt\n"
        "#   smtp_tls_fingerprint_digest = sha256   (for fingerprint entries)\n"
        "#   smtp_tls_loglevel = 1                  (safeshare's delivery proof reads it)\n"
        "# Caveats:\n"
        "# - Keyed by next hop: it does nothing for mail sent through a relayhost\n"
        "#   (the next hop is then the relayhost, not the recipient's domain).\n"
        "# - \"secure\" with the default match fails for domains hosted on Microsoft 365\n"
        "#   or Google, whose MX names are not under the domain: use tls=verify or an\n"
        "#   explicit match= in the register.\n"
        "# - Put this table before any MTA-STS resolver in smtp_tls_policy_maps.\n"
        "# - A domain that fails its requirement has its mail deferred, not sent in\n"
        "#   clear: watch the deferred queue (mailq).\n\n");
    GHashTable *ex = excluded(r);
    for (size_t i = 0; i < ss_register_count(r); i++) {
        ss_reg_entry e;
        ss_register_entry(r, i, &e);
        if (e.exclusion) {
            ss_buf_printf(out, "# %s: excluded (%s): nothing enforced\n", e.pattern, e.reason);
            pf_key(&e, out);
            ss_buf_adds(out, " may\n");
        } else if (!g_hash_table_contains(ex, e.pattern)) {
            pf_entry(&e, out);
        }
    }
    g_hash_table_destroy(ex);
}

static const char *sm_level(const char *tls)
{
    if (!tls || !strcmp(tls, "may") || !strcmp(tls, "sts"))
        return NULL;
    return !strcmp(tls, "encrypt") ? "ENCR:112" : "VERIFY:112";
}

void ss_register_export_sendmail(const ss_register *r, const char *name, ss_buf *out)
{
    header(r, name, "Sendmail access map TLS_Srv entries", out);
    ss_buf_adds(out,
        "# Wire it in: add these lines to /etc/mail/access (FEATURE(`access_db')),\n"
        "# then run: makemap hash /etc/mail/access < /etc/mail/access\n"
        "# Caveats:\n"
        "# - TLS_Srv is looked up by the receiving server's host name and its parent\n"
        "#   domains, not by the recipient's domain: an entry covers every name below\n"
        "#   it, and for domains hosted elsewhere (Microsoft 365, Google) add the MX\n"
        "#   host names or use TLS_Rcpt.\n"
        "# - min=, match= and pin= cannot be said here; VERIFY needs a CA file\n"
        "#   (confCACERT) that can verify the server.\n"
        "# - A domain that fails its requirement has its mail deferred, not sent in\n"
        "#   clear: watch the queue (mailq).\n\n");
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTable *ex = excluded(r);
    for (size_t i = 0; i < ss_register_count(r); i++) {
        ss_reg_entry e;
        ss_register_entry(r, i, &e);
        const char *level = e.exclusion ? NULL : sm_level(e.tls);
        if (!level || g_hash_table_contains(ex, e.pattern)) {
            ss_buf_printf(out, "# %s: %s\n", e.pattern,
                          e.exclusion || g_hash_table_contains(ex, e.pattern)
                              ? "excluded: nothing enforced"
                              : e.tls ? "no Sendmail equivalent for this tls="
                                      : "no tls= in the register");
        } else if (g_hash_table_add(seen, (gpointer)e.domain)) {
            ss_buf_printf(out, "TLS_Srv:%s\t%s\n", e.domain, level);
        }
    }
    g_hash_table_destroy(ex);
    g_hash_table_destroy(seen);
}
