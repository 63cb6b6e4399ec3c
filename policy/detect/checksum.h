/* Check digits and date rules shared by the ten-digit detectors
 * (spec identifiers.md §1, §2, §3, §5). Every function takes ASCII digits
 * and trusts the caller to have checked they are digits. */
#ifndef SS_CHECKSUM_H
#define SS_CHECKSUM_H

#include <stddef.h>

/* NHS modulus 11 over 10 digits (also CHI and H&C). A stem whose check
 * would be 10 never passes. */
int ss_mod11_ok(const char *d10);

/* Luhn over 10 digits: CHI "Mod 10" from February 2026 (§2). */
int ss_luhn_ok(const char *d10);

/* ULN: first digit non-zero and Σ d_i·(11-i) ≡ 10 (mod 11) (§5). */
int ss_uln_ok(const char *d10);

/* DDMMYY is a real date in 19YY or 20YY (§2; 29/02/00 is valid). */
int ss_chi_date_ok(const char *d6);

/* All n digits equal (every repdigit passes mod 11, §0.3). */
int ss_repdigit(const char *d, size_t n);

/* y-m-d is a Gregorian calendar date. */
int ss_date_valid(int y, int m, int d);

/* Whole years from y-m-d to the reference date (§7.4). */
int ss_age_on(int y, int m, int d, int ry, int rm, int rd);

/* Four-digit year for a two-digit one: 20YY unless that date is after the
 * reference date, else 19YY (§7.3). */
int ss_century_year(int yy, int m, int d, int ry, int rm, int rd);

#endif
