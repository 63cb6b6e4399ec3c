#include "checksum.h"

int ss_mod11_ok(const char *d)
{
    int total = 0;
    for (int i = 0; i < 9; i++)
        total += (d[i] - '0') * (10 - i);
    int check = 11 - total % 11;
    if (check == 11)
        check = 0;
    if (check == 10)
        return 0;
    return check == d[9] - '0';
}

int ss_luhn_ok(const char *d)
{
    int total = 0;
    for (int i = 0; i < 10; i++) {
        int v = d[9 - i] - '0';
        if (i % 2 == 1) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        total += v;
    }
    return total % 10 == 0;
}

int ss_uln_ok(const char *d)
{
    if (d[0] == '0')
        return 0;
    int total = 0;
    for (int i = 0; i < 10; i++)
        total += (d[i] - '0') * (10 - i);
    return total % 11 == 10;
}

int ss_date_valid(int y, int m, int d)
{
    static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int max = mdays[m - 1] + (m == 2 && leap);
    return d <= max;
}

int ss_chi_date_ok(const char *d6)
{
    int dd = (d6[0] - '0') * 10 + (d6[1] - '0');
    int mm = (d6[2] - '0') * 10 + (d6[3] - '0');
    int yy = (d6[4] - '0') * 10 + (d6[5] - '0');
    return ss_date_valid(1900 + yy, mm, dd) || ss_date_valid(2000 + yy, mm, dd);
}

int ss_repdigit(const char *d, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (d[i] != d[0])
            return 0;
    return n > 0;
}

int ss_age_on(int y, int m, int d, int ry, int rm, int rd)
{
    int age = ry - y;
    if (rm < m || (rm == m && rd < d))
        age--;
    return age;
}

/* Is y-m-d after the reference date? */
static int after_ref(int y, int m, int d, int ry, int rm, int rd)
{
    if (y != ry)
        return y > ry;
    if (m != rm)
        return m > rm;
    return d > rd;
}

int ss_century_year(int yy, int m, int d, int ry, int rm, int rd)
{
    if (ss_date_valid(2000 + yy, m, d) && !after_ref(2000 + yy, m, d, ry, rm, rd))
        return 2000 + yy;
    return 1900 + yy;
}
