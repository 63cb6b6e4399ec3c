/* Unit tests for the secure-domain register (spec register.md): one test per
 * matching rule and one per class of file error. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "register/register.h"
#include "base/buf.h"

#define TODAY "2026-11-22"
#define HDR "%format safeshare-register 1\n%serial 1\n"
#define HDR_FMT "%%format safeshare-register 1\n%%serial 1\n"
#define NHS "org=\"NHSmail\" basis=nhsmail until=2027-03-31"
#define GOOD "org=\"Test Org\" basis=local-agreement until=2027-01-31"

static ss_register *sample;

static int load_sample(void **state)
{
    (void)state;
    const char *dir = getenv("SS_TESTDATA");
    char path[1024], err[512];
    snprintf(path, sizeof path, "%s/register-sample.txt", dir ? dir : "tests/data");
    if (ss_register_load(path, &sample, err, sizeof err) != 0) {
        fprintf(stderr, "# %s\n", err);
        return -1;
    }
    return 0;
}

static int free_sample(void **state)
{
    (void)state;
    ss_register_free(sample);
    return 0;
}

static ss_register *parse_ok(const char *text)
{
    ss_register *r = NULL;
    char err[512] = "";
    int rc = ss_register_parse("t.reg", text, strlen(text), &r, err, sizeof err);
    if (rc != 0)
        fail_msg("parse failed: %s", err);
    assert_non_null(r);
    return r;
}

static void expect_error(const char *text, const char *prefix)
{
    ss_register *r = (ss_register *)&r;
    char err[512] = "";
    int rc = ss_register_parse("t.reg", text, strlen(text), &r, err, sizeof err);
    if (rc != -1 || r != NULL || strncmp(err, prefix, strlen(prefix)) != 0) {
        ss_register_free(rc == 0 ? r : NULL);
        fail_msg("want error starting '%s', got rc=%d '%s'", prefix, rc, err);
    }
}

static ss_match check(const ss_register *r, const char *addr, const char *today)
{
    ss_match m;
    memset(&m, 0x5a, sizeof m);     /* check must fill every field */
    ss_register_check(r, addr, today, &m);
    return m;
}

static void secure(const ss_register *r, const char *addr, const char *entry)
{
    ss_match m = check(r, addr, TODAY);
    if (!m.secure || strcmp(m.entry, entry) != 0)
        fail_msg("%s: want secure via %s, got secure=%d entry='%s' why='%s'",
                 addr, entry, m.secure, m.entry, m.why);
}

static void insecure(const ss_register *r, const char *addr, const char *why)
{
    ss_match m = check(r, addr, TODAY);
    if (m.secure || strcmp(m.why, why) != 0)
        fail_msg("%s: want insecure '%s', got secure=%d why='%s'", addr, why,
                 m.secure, m.why);
}

/* ---- the sample file ---- */

static void test_sample_loads(void **state)
{
    (void)state;
    assert_int_equal(ss_register_serial(sample), 2026112201ULL);
    assert_string_equal(ss_register_publisher(sample),
                        "Exampleshire Safeguarding Children Partnership");
    struct tm tm = { .tm_year = 126, .tm_mon = 11, .tm_mday = 22 };
    assert_int_equal(ss_register_expires(sample), timegm(&tm));
    tm = (struct tm){ .tm_year = 126, .tm_mon = 10, .tm_mday = 22, .tm_hour = 9 };
    assert_int_equal(ss_register_issued(sample), timegm(&tm));
    assert_int_equal(ss_register_count(sample), 7);
    assert_string_equal(ss_register_warnings(sample), "");
}

static void test_exact_secure(void **state)
{
    (void)state;
    ss_match m = check(sample, "jo.bloggs@nhs.net", TODAY);
    assert_int_equal(m.secure, 1);
    assert_string_equal(m.domain, "nhs.net");
    assert_string_equal(m.entry, "nhs.net");
    assert_string_equal(m.org, "NHSmail");
    assert_string_equal(m.until, "2027-03-31");
    assert_string_equal(m.alt, "");
    assert_string_equal(m.why, "on the secure-domain register (NHSmail)");
    secure(sample, "clerk@stmarys.sch.uk", "stmarys.sch.uk");
    secure(sample, "officer@cjsm.net", "cjsm.net");
}

static void test_normalised_forms(void **state)
{
    (void)state;
    secure(sample, "jo@NHS.NET.", "nhs.net");
    secure(sample, "<Jo.Bloggs@NHS.Net.>", "nhs.net");
    secure(sample, "  <jo@nhs.net>\t", "nhs.net");
    secure(sample, "< jo@nhs.net >", "nhs.net");
    secure(sample, "odd@local@nhs.net", "nhs.net");   /* the last '@' counts */
    insecure(sample, "\"jo@nhs.net\"@evil.com", "not on the secure-domain register");
}

static void test_lookalikes_insecure(void **state)
{
    (void)state;
    const char *bad[] = { "a@nhs-net.com", "a@nhs.net.evil.com", "a@evilnhs.net",
                          "a@nhs.net.uk", "a@net", "a@mail.nhs.net", "a@cjsm.net.co" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        insecure(sample, bad[i], "not on the secure-domain register");
}

static void test_homograph_insecure(void **state)
{
    (void)state;
    /* Cyrillic U+0435 for the 'e' of net, U+0455 for the 's' of nhs. */
    ss_match m = check(sample, "jo@nhs.n\xd0\xb5t", TODAY);
    assert_int_equal(m.secure, 0);
    assert_string_equal(m.domain, "nhs.xn--nt-nlc");
    assert_string_equal(m.why, "not on the secure-domain register");
    m = check(sample, "jo@nh\xd1\x95.net", TODAY);
    assert_int_equal(m.secure, 0);
    assert_memory_equal(m.domain, "xn--", 4);
    insecure(sample, "jo@\xd1\x81jsm.net", "not on the secure-domain register");
}

static void test_idn_entry_matches_a_label(void **state)
{
    (void)state;
    /* "ysgol-bryn-ŵyn.sch.uk" written in UTF-8 in the register. */
    ss_register *r = parse_ok(HDR "ysgol-bryn-\xc5\xb5yn.sch.uk " GOOD "\n");
    char alabel[256];
    assert_int_equal(ss_domain_normalise("ysgol-bryn-\xc5\xb5yn.sch.uk", alabel,
                                         sizeof alabel), 0);
    assert_memory_equal(alabel, "xn--", 4);
    char addr[300];
    snprintf(addr, sizeof addr, "head@%s", alabel);
    secure(r, addr, alabel);
    secure(r, "head@ysgol-bryn-\xc5\xb5yn.sch.uk", alabel);
    secure(r, "head@YSGOL-BRYN-\xc5\xb4YN.SCH.UK", alabel);   /* capital Ŵ */
    insecure(r, "head@ysgol-bryn-wyn.sch.uk", "not on the secure-domain register");
    ss_register_free(r);
}

static void test_wildcard_strict_subdomains(void **state)
{
    (void)state;
    secure(sample, "a@schools.exampleshire.gov.uk", "*.exampleshire.gov.uk");
    secure(sample, "a@x.y.exampleshire.gov.uk", "*.exampleshire.gov.uk");
    secure(sample, "a@exampleshire.gov.uk", "exampleshire.gov.uk");
    insecure(sample, "a@notexampleshire.gov.uk", "not on the secure-domain register");

    ss_register *r = parse_ok(HDR "*.exampleshire.gov.uk " GOOD "\n");
    secure(r, "a@schools.exampleshire.gov.uk", "*.exampleshire.gov.uk");
    insecure(r, "a@exampleshire.gov.uk", "not on the secure-domain register");
    ss_register_free(r);
}

static void test_exclusion_beats_wildcard(void **state)
{
    (void)state;
    ss_match m = check(sample, "a@legacy.exampleshire.gov.uk", TODAY);
    assert_int_equal(m.secure, 0);
    assert_string_equal(m.entry, "!legacy.exampleshire.gov.uk");
    assert_string_equal(m.why, "excluded from the register: no TLS on this host");
    assert_string_equal(m.alt, "exampleshire.gov.uk");
    assert_string_equal(m.org, "");
    /* An exact exclusion covers only that name, like an exact entry. */
    secure(sample, "a@mail.legacy.exampleshire.gov.uk", "*.exampleshire.gov.uk");
}

static void test_exclusion_same_pattern(void **state)
{
    (void)state;
    ss_register *r = parse_ok(HDR "a.example " GOOD "\n!a.example reason=\"withdrawn\"\n"
                              "*.b.example " GOOD "\n!*.b.example reason=\"on hold\"\n");
    insecure(r, "x@a.example", "excluded from the register: withdrawn");
    insecure(r, "x@c.b.example", "excluded from the register: on hold");
    insecure(r, "x@b.example", "not on the secure-domain register");
    ss_register_free(r);
}

static void test_most_specific_wins(void **state)
{
    (void)state;
    ss_register *r = parse_ok(HDR
        "*.a.example " GOOD "\n"
        "!*.b.a.example reason=\"unaccredited\"\n"
        "c.b.a.example " GOOD "\n"
        "old.a.example org=\"Old\" basis=psn until=2025-01-01\n");
    secure(r, "x@c.b.a.example", "c.b.a.example");       /* exact beats wildcard */
    insecure(r, "x@d.b.a.example", "excluded from the register: unaccredited");
    secure(r, "x@b.a.example", "*.a.example");
    secure(r, "x@y.a.example", "*.a.example");
    /* The expired exact entry is the most specific: it decides, insecure. */
    insecure(r, "x@old.a.example", "accreditation expired 2025-01-01");
    ss_register_free(r);
}

static void test_expired_entry(void **state)
{
    (void)state;
    ss_match m = check(sample, "ward@oldtrust.nhs.uk", TODAY);
    assert_int_equal(m.secure, 0);
    assert_string_equal(m.why, "accreditation expired 2026-03-31");
    assert_string_equal(m.entry, "oldtrust.nhs.uk");
    assert_string_equal(m.org, "Old Trust NHS Foundation Trust");
    assert_string_equal(m.until, "2026-03-31");
    assert_string_equal(m.alt, "nhs.net");
}

static void test_until_is_inclusive(void **state)
{
    (void)state;
    ss_match m = check(sample, "a@nhs.net", "2027-03-31");
    assert_int_equal(m.secure, 1);
    m = check(sample, "a@nhs.net", "2027-04-01");
    assert_int_equal(m.secure, 0);
    assert_string_equal(m.why, "accreditation expired 2027-03-31");
    m = check(sample, "a@nhs.net", "2027-3-31");
    assert_int_equal(m.secure, 0);
    assert_string_equal(m.why, "the date of the check is not valid");
    m = check(sample, "a@nhs.net", NULL);
    assert_int_equal(m.secure, 0);
}

static void test_invalid_addresses(void **state)
{
    (void)state;
    char longlabel[100];
    snprintf(longlabel, sizeof longlabel, "a@%064d.nhs.net", 0);
    const char *bad[] = { "no-at-sign", "user@", "<>", "", "  ", "<user@nhs.net",
                          "user@nhs.net>", "user@nhs..net", "user@.nhs.net",
                          "user@nhs.net..", "user@-x.nhs.net", "user@[192.0.2.1]",
                          "user@nhs net", "user@nhs_net", "user@nhs.net\n", longlabel,
                          "user@nh\xffs.net", "user@*.nhs.net" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ss_match m = check(sample, bad[i], TODAY);
        if (m.secure || strcmp(m.why, "the address's domain is not valid") != 0
            || m.domain[0] || m.entry[0])
            fail_msg("address %zu: secure=%d domain='%s' why='%s'", i, m.secure,
                     m.domain, m.why);
    }
    ss_match m = check(sample, NULL, TODAY);
    assert_string_equal(m.why, "the address's domain is not valid");
}

static void test_null_register(void **state)
{
    (void)state;
    ss_match m = check(NULL, "a@nhs.net", TODAY);
    assert_int_equal(m.secure, 0);
    assert_string_equal(m.domain, "nhs.net");
    assert_string_equal(m.entry, "");
    assert_string_equal(m.why, "not on the secure-domain register");
}

static void test_broad_yes_warns(void **state)
{
    (void)state;
    ss_register *r = parse_ok(HDR "*.gov.uk " GOOD " broad=yes\n");
    assert_non_null(strstr(ss_register_warnings(r), "t.reg:3: broad: \"*.gov.uk\""));
    secure(r, "a@exampleshire.gov.uk", "*.gov.uk");
    /* A broad wildcard never revives a retired network below it. */
    insecure(r, "a@x.gsi.gov.uk", "gsi.gov.uk was retired and is not a secure domain");
    insecure(r, "a@gcsx.gov.uk", "gcsx.gov.uk was retired and is not a secure domain");
    ss_register_free(r);
}

static void test_domain_normalise(void **state)
{
    (void)state;
    char out[256];
    assert_int_equal(ss_domain_normalise("NHS.Net.", out, sizeof out), 0);
    assert_string_equal(out, "nhs.net");
    assert_int_equal(ss_domain_normalise("B\xc3\xbc" "cher.example", out, sizeof out), 0);
    assert_string_equal(out, "xn--bcher-kva.example");
    assert_int_equal(ss_domain_normalise("XN--BCHER-KVA.example", out, sizeof out), 0);
    assert_string_equal(out, "xn--bcher-kva.example");
    assert_int_equal(ss_domain_normalise("nhs.net..", out, sizeof out), -1);
    assert_int_equal(ss_domain_normalise(".", out, sizeof out), -1);
    assert_int_equal(ss_domain_normalise("", out, sizeof out), -1);
    assert_int_equal(ss_domain_normalise("xn--zz.com", out, sizeof out), -1);
    assert_int_equal(ss_domain_normalise("nhs.net", out, 4), -1);
}

static void test_comments_quotes_and_tls(void **state)
{
    (void)state;
    char hex[65];
    memset(hex, 'a', 64);
    hex[64] = '\0';
    char pairs[96] = "";
    for (int i = 0; i < 32; i++)
        strcat(pairs, i ? ":0F" : "0F");
    char text[1024];
    snprintf(text, sizeof text,
             "# comment line\n"
             "   \n"
             "%%format\tsafeshare-register   1   # trailing comment\n"
             "%%publisher Exampleshire\n"
             "\n"
             "pinned.example\torg=\"Pins # Co\" basis=psn until=2028-02-29 "
             "tls=fingerprint pin=sha256:%s,sha256:%s match=nexthop:.pinned.example "
             "min=1.3 ods=RX1 ref=\"ISA 1\" # why\n"
             "sts.example org=S basis=dcb1596 until=2027-01-01 tls=sts broad=no\n",
             hex, pairs);
    ss_register *r = parse_ok(text);
    assert_string_equal(ss_register_publisher(r), "Exampleshire");
    assert_int_equal(ss_register_serial(r), 0);
    assert_int_equal(ss_register_expires(r), 0);
    ss_match m = check(r, "a@pinned.example", TODAY);
    assert_int_equal(m.secure, 1);
    assert_string_equal(m.org, "Pins # Co");
    ss_register_free(r);
}

static void test_serial_parse(void **state)
{
    (void)state;
    ss_register *r = parse_ok("%format safeshare-register 1\n%serial 18446744073709551615\n");
    assert_true(ss_register_serial(r) == 18446744073709551615ULL);
    ss_register_free(r);
    const char *bad[] = { "0", "-1", "+1", "abc", "12x", "007", "18446744073709551616",
                          "\"12 3\"", "1.5" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "%%format safeshare-register 1\n%%serial %s\n", bad[i]);
        expect_error(text, "t.reg:2: %serial: ");
    }
    expect_error("%format safeshare-register 1\n%serial 1 2\n",
                 "t.reg:2: %serial: expects one value");
}

static void test_large_register(void **state)
{
    (void)state;
    enum { N = 10000 };
    ss_buf b = SS_BUF_INIT;
    ss_buf_adds(&b, HDR);
    for (int i = 0; i < N; i++) {
        ss_buf_printf(&b, "trust%05d.nhs.uk org=\"Trust %d\" basis=dcb1596 until=2027-06-30\n",
                      i, i);
        if (i % 10 == 0)
            ss_buf_printf(&b, "*.trust%05d.nhs.uk org=\"Trust %d\" basis=dcb1596 "
                          "until=2027-06-30\n", i, i);
    }
    ss_register *r = parse_ok(b.p);
    ss_buf_free(&b);
    assert_int_equal(ss_register_count(r), N + N / 10);
    for (int i = 0; i < N; i++) {
        char addr[64], want[64];
        snprintf(addr, sizeof addr, "ward@trust%05d.nhs.uk", i);
        snprintf(want, sizeof want, "Trust %d", i);
        ss_match m = check(r, addr, TODAY);
        if (!m.secure || strcmp(m.org, want) != 0)
            fail_msg("%s: secure=%d org='%s'", addr, m.secure, m.org);
        snprintf(addr, sizeof addr, "ward@mail.trust%05d.nhs.uk", i);
        m = check(r, addr, TODAY);
        if (m.secure != (i % 10 == 0))
            fail_msg("%s: secure=%d", addr, m.secure);
    }
    insecure(r, "a@trust10000.nhs.uk", "not on the secure-domain register");
    ss_register_free(r);
}

/* The annotated sample shipped for admins must stay loadable. */
static void test_contrib_sample_parses(void **state)
{
    (void)state;
    const char *src = getenv("SS_SRCDIR");
    char path[1024], err[512] = "";
    snprintf(path, sizeof path, "%s/contrib/register.sample", src ? src : ".");
    ss_register *r = NULL;
    if (ss_register_load(path, &r, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(ss_register_count(r), ss_register_count(sample));
    assert_int_equal(ss_register_serial(r), ss_register_serial(sample));
    secure(r, "a@schools.exampleshire.gov.uk", "*.exampleshire.gov.uk");
    ss_register_free(r);
}

static void test_load_errors(void **state)
{
    (void)state;
    ss_register *r = NULL;
    char err[512];
    assert_int_equal(ss_register_load("/nonexistent/register.txt", &r, err, sizeof err), -1);
    assert_null(r);
    assert_memory_equal(err, "/nonexistent/register.txt: cannot open: ", 40);
}

/* ---- file errors: one test per class, asserting FILE:LINE: KEY: ---- */

static void err_unknown_directive(void **state)
{
    (void)state;
    expect_error(HDR "%colour blue\n", "t.reg:3: %colour: unknown header directive");
    expect_error(HDR "%serial 2\n", "t.reg:3: %serial: given twice (first on line 2)");
    expect_error(HDR "nhs.net " NHS "\n%publisher X\n",
                 "t.reg:4: %publisher: header directives must come before the first entry");
}

static void err_unknown_attribute(void **state)
{
    (void)state;
    expect_error(HDR "nhs.net " NHS " colour=blue\n", "t.reg:3: colour: unknown attribute");
    expect_error(HDR "nhs.net " NHS " verified\n", "t.reg:3: verified: expected key=value");
    expect_error(HDR "nhs.net " NHS " org=Again\n", "t.reg:3: org: given twice");
    expect_error(HDR "nhs.net " NHS " ref=\"\"\n", "t.reg:3: ref: empty value");
    expect_error(HDR "nhs.net " NHS " reason=x\n",
                 "t.reg:3: reason: only allowed on an exclusion (!pattern)");
    expect_error(HDR "!nhs.net reason=x tls=verify\n",
                 "t.reg:3: tls: not allowed on an exclusion");
}

static void err_bad_basis(void **state)
{
    (void)state;
    expect_error(HDR "nhs.net org=X basis=trustme until=2027-01-01\n",
                 "t.reg:3: basis: \"trustme\" is not one of dcb1596, nhsmail, ");
    expect_error(HDR "nhs.net org=X basis=NHSMAIL until=2027-01-01\n", "t.reg:3: basis: ");
}

static void err_bad_until(void **state)
{
    (void)state;
    const char *bad[] = { "2027-02-29", "2027-13-01", "2027-04-31", "2027-00-10",
                          "27-01-01", "2027-1-1", "2027/01/01", "2027-01-01T00:00:00Z",
                          "tomorrow" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256], want[128];
        snprintf(text, sizeof text, HDR_FMT "nhs.net org=X basis=psn until=%s\n", bad[i]);
        snprintf(want, sizeof want, "t.reg:3: until: \"%s\" is not a real date", bad[i]);
        expect_error(text, want);
    }
}

static void err_bad_tls(void **state)
{
    (void)state;
    expect_error(HDR "nhs.net " NHS " tls=always\n",
                 "t.reg:3: tls: \"always\" is not one of may, encrypt, ");
    expect_error(HDR "nhs.net " NHS " tls=fingerprint\n",
                 "t.reg:3: tls: fingerprint needs pin=");
    expect_error(HDR "nhs.net " NHS " tls=verify pin=sha256:"
                 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
                 "t.reg:3: pin: only used with tls=fingerprint");
    expect_error(HDR "nhs.net " NHS " tls=fingerprint pin=md5:abcd\n", "t.reg:3: pin: ");
    expect_error(HDR "nhs.net " NHS " min=1.0\n", "t.reg:3: min: \"1.0\" must be 1.2 or 1.3");
    expect_error(HDR "nhs.net " NHS " match=a::b\n", "t.reg:3: match: ");
}

static void err_bad_values_other(void **state)
{
    (void)state;
    expect_error(HDR "nhs.net " NHS " alt=*.nhs.net\n",
                 "t.reg:3: alt: \"*.nhs.net\" is not a valid domain name");
    expect_error(HDR "nhs.net " NHS " alt=x.gsi.gov.uk\n",
                 "t.reg:3: alt: \"x.gsi.gov.uk\" is under gsi.gov.uk, which was retired");
    expect_error(HDR "nhs.net " NHS " ods=R-1\n", "t.reg:3: ods: ");
    char text[512];
    snprintf(text, sizeof text, HDR_FMT "nhs.net basis=psn until=2027-01-01 org=%0128d\n", 0);
    expect_error(text, "t.reg:3: org: longer than 127 bytes");
    expect_error(HDR "nhs.net " NHS " ref=\"a\tb\"\n", "t.reg:3: ref: control character");
}

static void err_bad_broad_value(void **state)
{
    (void)state;
    expect_error(HDR "*.exampleshire.gov.uk " GOOD " broad=maybe\n",
                 "t.reg:3: broad: \"maybe\" must be yes or no");
}

static void err_star_misplaced(void **state)
{
    (void)state;
    const char *bad[] = { "nhs.*.net", "*nhs.net", "nhs.net.*", "**.nhs.net",
                          "*.*.nhs.net", "*", "!nhs*.net", "n*s.net" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, HDR_FMT "%s " NHS "\n", bad[i]);
        expect_error(text, "t.reg:3: pattern: ");
    }
    expect_error(HDR "nhs.*.net " NHS "\n",
                 "t.reg:3: pattern: \"nhs.*.net\": '*' may only be the whole leftmost label");
    expect_error(HDR "*. " NHS "\n", "t.reg:3: pattern: \"*.\": a wildcard needs a domain");
    expect_error(HDR "nhs..net " NHS "\n",
                 "t.reg:3: pattern: \"nhs..net\" is not a valid domain name");
    expect_error(HDR "\"nhs.net\" " NHS "\n", "t.reg:3: pattern: a domain pattern must not");
}

static void err_missing_required(void **state)
{
    (void)state;
    expect_error(HDR "nhs.net basis=nhsmail until=2027-03-31\n",
                 "t.reg:3: org: missing (required on every entry)");
    expect_error(HDR "nhs.net org=X until=2027-03-31\n",
                 "t.reg:3: basis: missing (required on every entry)");
    expect_error(HDR "nhs.net org=X basis=nhsmail\n",
                 "t.reg:3: until: missing (required on every entry)");
    expect_error(HDR "nhs.net\n", "t.reg:3: org: missing");
    expect_error(HDR "!legacy.example alt=example.org\n",
                 "t.reg:3: reason: missing (required on every exclusion)");
}

static void err_duplicate_pattern(void **state)
{
    (void)state;
    expect_error(HDR "nhs.net " NHS "\n\nnhs.net " NHS "\n",
                 "t.reg:5: pattern: \"nhs.net\" duplicates line 3");
    expect_error(HDR "nhs.net " NHS "\nNHS.Net. " NHS "\n",
                 "t.reg:4: pattern: \"nhs.net\" duplicates line 3");
    expect_error(HDR "*.a.example " GOOD "\n*.A.example " GOOD "\n",
                 "t.reg:4: pattern: \"*.a.example\" duplicates line 3");
    expect_error(HDR "!a.example reason=x\n!a.example reason=y\n",
                 "t.reg:4: pattern: \"!a.example\" duplicates line 3");
    /* An entry, its wildcard and its exclusion are different patterns. */
    ss_register *r = parse_ok(HDR "a.example " GOOD "\n*.a.example " GOOD "\n"
                              "!a.example reason=x\n");
    ss_register_free(r);
}

static void err_format(void **state)
{
    (void)state;
    expect_error("%format safeshare-register 2\n", "t.reg:1: %format: unsupported format");
    expect_error("%format safeshare-register\n", "t.reg:1: %format: unsupported format");
    expect_error("%format \"safeshare-register 1\"\n", "t.reg:1: %format: unsupported");
    expect_error("%serial 1\n", "t.reg:1: %format: missing; the file must start with");
    expect_error("# hello\nnhs.net " NHS "\n", "t.reg:2: %format: missing");
    expect_error("", "t.reg: %format: missing");
    expect_error("# only a comment\n", "t.reg: %format: missing");
}

static void err_timestamps(void **state)
{
    (void)state;
    const char *bad[] = { "2026-11-22 09:00:00", "2026-11-22T09:00:00", "2026-11-22",
                          "2026-11-22T09:00:00+00:00", "2026-02-30T00:00:00Z",
                          "2026-11-22T24:00:00Z", "2026-11-22T09:60:00Z",
                          "2026-11-22t09:00:00z" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, HDR_FMT "%%issued \"%s\"\n", bad[i]);
        expect_error(text, "t.reg:3: %issued: ");
        snprintf(text, sizeof text, HDR_FMT "%%expires \"%s\"\n", bad[i]);
        expect_error(text, "t.reg:3: %expires: ");
    }
    expect_error(HDR "%issued 2026-11-22T09:00:00Z\n%expires 2026-11-01T00:00:00Z\n",
                 "t.reg:4: %expires: %expires must be later than %issued");
}

static void err_unterminated_quote(void **state)
{
    (void)state;
    expect_error(HDR "nhs.net org=\"NHSmail basis=nhsmail until=2027-03-31\n",
                 "t.reg:3: org: unterminated quote");
    expect_error(HDR "%publisher \"Exampleshire\n", "t.reg:3: %publisher: unterminated quote");
    expect_error(HDR "nhs.net org=\"NHS\"mail basis=nhsmail until=2027-03-31\n",
                 "t.reg:3: org: text after the closing quote");
    expect_error(HDR "nhs.net org=NHS\"mail\" basis=nhsmail until=2027-03-31\n",
                 "t.reg:3: org: quote in the middle of a value");
}

static void err_non_utf8(void **state)
{
    (void)state;
    expect_error(HDR "nhs.net org=\"N\xffS\" basis=nhsmail until=2027-03-31\n",
                 "t.reg:3: encoding: invalid UTF-8 byte 0xff at column 15");
    expect_error(HDR "nhs.net org=\"\xc0\xae\" basis=nhsmail until=2027-03-31\n",
                 "t.reg:3: encoding: invalid UTF-8");           /* overlong */
    expect_error(HDR "nhs.net org=\"\xed\xa0\x80\" basis=nhsmail until=2027-03-31\n",
                 "t.reg:3: encoding: invalid UTF-8");           /* surrogate */
    expect_error(HDR "# caf\xc3\n", "t.reg:3: encoding: invalid UTF-8");  /* truncated */
    expect_error("\xef\xbb\xbf" HDR, "t.reg:1: encoding: byte-order mark");
    static const char nul[] = HDR "nhs.net\0 " NHS "\n";
    ss_register *r = NULL;
    char err[256];
    assert_int_equal(ss_register_parse("t.reg", nul, sizeof nul - 1, &r, err, sizeof err), -1);
    assert_memory_equal(err, "t.reg:3: encoding: NUL byte", 27);
}

static void err_carriage_return(void **state)
{
    (void)state;
    expect_error(HDR "nhs.net " NHS "\r\n", "t.reg:3: line-ending: carriage return (CR)");
    expect_error("%format safeshare-register 1\r\n", "t.reg:1: line-ending: ");
}

static void err_broad_wildcard(void **state)
{
    (void)state;
    const char *broad[] = { "*.gov.uk", "*.nhs.uk", "*.sch.uk", "*.police.uk", "*.org.uk",
                            "*.co.uk", "*.ac.uk", "*.uk", "*.com", "*.net", "*.org" };
    for (size_t i = 0; i < sizeof broad / sizeof broad[0]; i++) {
        char text[256], want[128];
        snprintf(text, sizeof text, HDR_FMT "%s " GOOD "\n", broad[i]);
        snprintf(want, sizeof want, "t.reg:3: broad: \"%s\" trusts every domain", broad[i]);
        expect_error(text, want);
        snprintf(text, sizeof text, HDR_FMT "%s " GOOD " broad=no\n", broad[i]);
        expect_error(text, want);
    }
    /* An exclusion over a public suffix only removes trust: no broad= needed. */
    ss_register *r = parse_ok(HDR "!*.co.uk reason=\"companies are not secure\"\n");
    assert_string_equal(ss_register_warnings(r), "");
    ss_register_free(r);
}

static void err_obsolete_suffix(void **state)
{
    (void)state;
    expect_error(HDR "x.gcsx.gov.uk " GOOD "\n",
                 "t.reg:3: pattern: \"x.gcsx.gov.uk\" is under gcsx.gov.uk, which was retired");
    expect_error(HDR "*.pnn.police.uk " GOOD "\n",
                 "t.reg:3: pattern: \"*.pnn.police.uk\" is under pnn.police.uk, which was retired");
    const char *old[] = { "gsi.gov.uk", "a.b.gse.gov.uk", "gsx.gov.uk", "pnn.police.uk" };
    for (size_t i = 0; i < sizeof old / sizeof old[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, HDR_FMT "%s " GOOD "\n", old[i]);
        expect_error(text, "t.reg:3: pattern: ");
    }
    ss_register *r = parse_ok(HDR "!*.gsi.gov.uk reason=\"GSi retired\"\n"
                              "police.uk " GOOD "\n");
    secure(r, "pc@police.uk", "police.uk");
    insecure(r, "pc@x.gsi.gov.uk", "gsi.gov.uk was retired and is not a secure domain");
    ss_register_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_loads),
        cmocka_unit_test(test_exact_secure),
        cmocka_unit_test(test_normalised_forms),
        cmocka_unit_test(test_lookalikes_insecure),
        cmocka_unit_test(test_homograph_insecure),
        cmocka_unit_test(test_idn_entry_matches_a_label),
        cmocka_unit_test(test_wildcard_strict_subdomains),
        cmocka_unit_test(test_exclusion_beats_wildcard),
        cmocka_unit_test(test_exclusion_same_pattern),
        cmocka_unit_test(test_most_specific_wins),
        cmocka_unit_test(test_expired_entry),
        cmocka_unit_test(test_until_is_inclusive),
        cmocka_unit_test(test_invalid_addresses),
        cmocka_unit_test(test_null_register),
        cmocka_unit_test(test_broad_yes_warns),
        cmocka_unit_test(test_domain_normalise),
        cmocka_unit_test(test_comments_quotes_and_tls),
        cmocka_unit_test(test_serial_parse),
        cmocka_unit_test(test_large_register),
        cmocka_unit_test(test_contrib_sample_parses),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(err_unknown_directive),
        cmocka_unit_test(err_unknown_attribute),
        cmocka_unit_test(err_bad_basis),
        cmocka_unit_test(err_bad_until),
        cmocka_unit_test(err_bad_tls),
        cmocka_unit_test(err_bad_values_other),
        cmocka_unit_test(err_bad_broad_value),
        cmocka_unit_test(err_star_misplaced),
        cmocka_unit_test(err_missing_required),
        cmocka_unit_test(err_duplicate_pattern),
        cmocka_unit_test(err_format),
        cmocka_unit_test(err_timestamps),
        cmocka_unit_test(err_unterminated_quote),
        cmocka_unit_test(err_non_utf8),
        cmocka_unit_test(err_carriage_return),
        cmocka_unit_test(err_broad_wildcard),
        cmocka_unit_test(err_obsolete_suffix),
    };
    return cmocka_run_group_tests(tests, load_sample, free_sample);
}
