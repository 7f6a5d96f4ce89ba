#include "values.h"

#include <string.h>

/* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian
** calendar, no tables, no floating point. */
day_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (day_t)(era * 146097 + doe - 719468);
}

void civil_from_days(day_t z0, int *y, int *m, int *d)
{
    int z = z0 + 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const int doe = z - era * 146097;
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool date_parse(const char *s, size_t len, day_t *out)
{
    static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (len != 10 || s[4] != '-' || s[7] != '-')
        return false;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return false;
    int dim = month_days[m - 1] + (m == 2 && is_leap(y));
    if (d > dim)
        return false;
    *out = days_from_civil(y, m, d);
    return true;
}

bool timestamp_six(const char *s, size_t len, char out[27])
{
    day_t day;
    if (len < 19 || len > 26 || len == 20 || !date_parse(s, 10, &day) || s[10] != ' ' ||
        s[13] != ':' || s[16] != ':')
        return false;
    for (size_t i = 11; i < len; i++) {
        bool separator = i == 13 || i == 16 || i == 19;
        if (separator ? s[i] != (i == 19 ? '.' : ':') : (s[i] < '0' || s[i] > '9'))
            return false;
    }
    if (digits(s + 11, 2) > 23 || digits(s + 14, 2) > 59 || digits(s + 17, 2) > 59)
        return false;
    memcpy(out, s, len);
    if (len == 19)
        out[len++] = '.';
    while (len < 26)
        out[len++] = '0';
    out[26] = '\0';
    return true;
}

void date_format(day_t day, char out[11])
{
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    out[0] = (char)('0' + y / 1000 % 10);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
}

bool cents_parse(const char *s, size_t len, int int_digits, cents_t *out)
{
    size_t i = 0;
    bool negative = false;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        negative = s[i++] == '-';
    int64_t whole = 0;
    int nwhole = 0, nfrac = 0, frac = 0;
    bool significant = false;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        if (s[i] != '0')
            significant = true;
        if (significant)
            nwhole++;
        if (nwhole > int_digits)
            return false;
        whole = whole * 10 + (s[i] - '0');
    }
    size_t whole_end = i;
    if (i < len && s[i] == '.') {
        i++;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
            if (++nfrac > 2)
                return false;
            frac = frac * 10 + (s[i] - '0');
        }
    }
    /* at least one digit somewhere, and nothing left over */
    if (i != len || (whole_end == (size_t)(s[0] == '-' || s[0] == '+') && nfrac == 0))
        return false;
    if (nfrac == 1)
        frac *= 10;
    cents_t v = whole * 100 + frac;
    *out = negative ? -v : v;
    return true;
}

static size_t format_hundredths(char *out, bool negative, unsigned __int128 mag)
{
    char tmp[48];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + (int)(mag % 10));
        mag /= 10;
    } while (mag > 0 || n < 3);
    size_t o = 0;
    if (negative)
        out[o++] = '-';
    while (n > 2)
        out[o++] = tmp[--n];
    out[o++] = '.';
    out[o++] = tmp[1];
    out[o++] = tmp[0];
    out[o] = '\0';
    return o;
}

void cents_format(cents_t v, char out[24])
{
    unsigned __int128 mag = v < 0 ? (unsigned __int128)(-(__int128)v) : (unsigned __int128)v;
    format_hundredths(out, v < 0, mag);
}

void money_sum_add(money_sum_t *s, cents_t v)
{
    s->v += v;
}

bool money_sum_eq(money_sum_t a, money_sum_t b)
{
    return a.v == b.v;
}

void money_sum_format(money_sum_t s, char out[48])
{
    unsigned __int128 mag = s.v < 0 ? (unsigned __int128)(-s.v) : (unsigned __int128)s.v;
    format_hundredths(out, s.v < 0, mag);
}

/* The word of the n (4 or 8) bytes at p with p[0] its lowest byte, on any
** host: one load, as the parse below counts bytes from the low end. (On a
** big-endian host the n bytes land at the word's high end, and the swap
** alone brings p[i] to bits 8i.) */
static inline uint64_t load_le(const char *p, size_t n)
{
    uint64_t w = 0;
    memcpy(&w, p, n);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
}

/* Eight hex digits, w's bytes lowest first, as the four bytes they spell,
** in out; false if any byte is not a hex digit. A word at a time, as ids
** are parsed on every assignment row: each byte's high bit says one
** thing about it (Hacker's Delight 6-1's style), and no sum carries into
** the next byte, as every byte is below 0x80 first. */
static inline bool hex8(uint64_t w, uint8_t out[4])
{
    const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
    if (w & high)
        return false;
    uint64_t lower = w | ones * 0x20;   /* 'A'..'F' as 'a'..'f'; digits unchanged */
    uint64_t digit = (w + ones * (0x80 - '0')) & ~(w + ones * (0x80 - '9' - 1));
    uint64_t letter = (lower + ones * (0x80 - 'a')) & ~(lower + ones * (0x80 - 'f' - 1));
    if (((digit | letter) & high) != high)
        return false;
    /* '0'..'9' are 0..9 in their low four bits, 'a'..'f' 1..6 */
    uint64_t nibbles = (w & ones * 0x0f) + ((letter & high) >> 7) * 9;
    /* pair the nibbles into bytes, then close up the gaps */
    const uint64_t pairs = 0x000f000f000f000fULL;
    uint64_t v = (nibbles & pairs) << 4 | (nibbles >> 8 & pairs);
    v = (v | v >> 8) & 0x0000ffff0000ffffULL;
    uint32_t bytes = (uint32_t)(v | v >> 16);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    bytes = __builtin_bswap32(bytes);
#endif
    memcpy(out, &bytes, sizeof bytes);
    return true;
}

bool uuid_parse(const char *s, size_t len, uuid_t *out)
{
    if (len != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
        return false;
    /* 8-4-4-4-12 as four runs of eight digits */
    bool ok = hex8(load_le(s, 8), out->b);
    ok &= hex8(load_le(s + 9, 4) | load_le(s + 14, 4) << 32, out->b + 4);
    ok &= hex8(load_le(s + 19, 4) | load_le(s + 24, 4) << 32, out->b + 8);
    ok &= hex8(load_le(s + 28, 8), out->b + 12);
    return ok;
}

void uuid_format(const uuid_t *u, char out[37])
{
    /* no branch per byte: match spells a phase id for most assignments */
    static const char hex[] = "0123456789abcdef";
    static const uint8_t at[16] = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};
    for (int i = 0; i < 16; i++) {
        out[at[i]] = hex[u->b[i] >> 4];
        out[at[i] + 1] = hex[u->b[i] & 15];
    }
    out[8] = out[13] = out[18] = out[23] = '-';
    out[36] = '\0';
}

/* The finaliser of MurmurHash3: every input bit reaches every output bit. */
static uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static uint64_t hash_seed = 0x9e3779b97f4a7c15ULL;

void uuid_hash_seed(uint64_t seed)
{
    hash_seed = seed;
}

uint64_t uuid_hash(const uuid_t *u)
{
    /* Fixtures use readable, low-entropy UUIDs, so the raw bytes are not a
    ** usable hash; two halves mixed cost a few multiplies, not sixteen
    ** chained ones (a lookup per assignment, several on the main thread). */
    uint64_t lo, hi;
    memcpy(&lo, u->b, 8);
    memcpy(&hi, u->b + 8, 8);
    return mix64(lo ^ mix64(hi ^ hash_seed));
}

bool utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned c = *p;
        if (c < 0x80) {
            if (c == 0)
                return false;
            p++;
            continue;
        }
        size_t n;
        unsigned min;
        unsigned cp;
        if (c >= 0xC2 && c <= 0xDF)
            n = 1, min = 0x80, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 2, min = 0x800, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 3, min = 0x10000, cp = c & 0x07;
        else
            return false;
        if ((size_t)(end - p) <= n)
            return false;
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        p += n + 1;
    }
    return true;
}
