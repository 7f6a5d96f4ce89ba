/*
** values.h: the value types of the planner's tables, parsed strictly.
**
** Dates are days since 1970-01-01 (so a span is a subtraction); money and
** percentages are exact integers of hundredths (NUMERIC(p,2)), never
** binary floating point; ids are 128-bit UUIDs. Each parser returns true
** only for text that is exactly a value of its type.
*/
#ifndef PHASEMIG_VALUES_H
#define PHASEMIG_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- dates ---- */
typedef int32_t day_t;          /* days since 1970-01-01 */

/* "YYYY-MM-DD", a real calendar date in years 0001..9999. */
bool date_parse(const char *s, size_t len, day_t *out);
/* Writes "YYYY-MM-DD" and a NUL into out (11 bytes). */
void date_format(day_t d, char out[11]);
/* The day of year y, month m (1..12), day d, and back (H. Hinnant's
** algorithms: exact for the proleptic Gregorian calendar). */
day_t days_from_civil(int y, int m, int d);
void civil_from_days(day_t day, int *y, int *m, int *d);

/* ---- timestamps ---- */

/* "YYYY-MM-DD HH:MM:SS" with 0 to 6 fractional digits, a real date and
** time, written with exactly six ("2024-03-01 10:15:31.500000", 26 bytes
** and a NUL into out); false (out untouched) for any other text. */
bool timestamp_six(const char *s, size_t len, char out[27]);

/* ---- exact decimals with two places (NUMERIC(p,2)) ---- */
typedef int64_t cents_t;

/* A plain decimal "[-+]?digits[.digits]" with at most `int_digits` digits
** before the point and at most two after (trailing zeros beyond two
** are not NUMERIC(p,2) either: PostgreSQL would round them). */
bool cents_parse(const char *s, size_t len, int int_digits, cents_t *out);
/* Writes "-123.45" and a NUL; out must hold 24 bytes. */
void cents_format(cents_t v, char out[24]);

/* A sum of many money values: 128 bits, so no realistic dump overflows. */
typedef struct { __extension__ __int128 v; } money_sum_t;
void money_sum_add(money_sum_t *s, cents_t v);
bool money_sum_eq(money_sum_t a, money_sum_t b);
/* Writes "-123.45" and a NUL; out must hold 48 bytes. */
void money_sum_format(money_sum_t s, char out[48]);

/* ---- UUIDs ---- */
typedef struct { uint8_t b[16]; } uuid_t;

/* 8-4-4-4-12 hex digits, either case. */
bool uuid_parse(const char *s, size_t len, uuid_t *out);
/* Writes the lower-case 8-4-4-4-12 form and a NUL (37 bytes). */
void uuid_format(const uuid_t *u, char out[37]);
static inline bool uuid_eq(const uuid_t *a, const uuid_t *b)
{
    return memcmp(a->b, b->b, 16) == 0;
}
/* A 64-bit hash of the id, for the indexes. It is seeded: the mix is
** invertible, so under a seed known in advance a file could carry ids that
** all share one slot and make every lookup a scan of them. Each run draws
** its seed (main.c) before any thread starts; no output depends on hash
** order, and the tests run with the fixed default. */
uint64_t uuid_hash(const uuid_t *u);
void uuid_hash_seed(uint64_t seed);

/* ---- text ---- */
/* Valid UTF-8 with no NUL byte. */
bool utf8_valid(const char *s, size_t len);

#endif
