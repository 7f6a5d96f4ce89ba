#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "../../pipeline/frame/values.h"
#include "unit.h"

static bool date_ok(const char *s, day_t *d)
{
    return date_parse(s, strlen(s), d);
}

static void dates_real_calendar(void **state)
{
    (void)state;
    day_t d;
    assert_true(date_ok("1970-01-01", &d));
    assert_int_equal(d, 0);
    assert_true(date_ok("2024-02-29", &d));
    assert_int_equal(d, 19782);
    assert_true(date_ok("2000-02-29", &d));
    assert_true(date_ok("0001-01-01", &d));
    assert_true(date_ok("9999-12-31", &d));
    assert_false(date_ok("2023-02-29", &d));
    assert_false(date_ok("1900-02-29", &d));
    assert_false(date_ok("2024-04-31", &d));
    assert_false(date_ok("2024-13-01", &d));
    assert_false(date_ok("2024-00-10", &d));
    assert_false(date_ok("2024-01-00", &d));
    assert_false(date_ok("0000-01-01", &d));
    assert_false(date_ok("2024-1-01", &d));
    assert_false(date_ok("2024-01-01 ", &d));
    assert_false(date_ok("2024/01/01", &d));
    assert_false(date_ok("", &d));
}

static void dates_round_trip(void **state)
{
    (void)state;
    char out[11];
    /* every day from 1899 to 2101, formatted and parsed back */
    day_t first = days_from_civil(1899, 1, 1), last = days_from_civil(2101, 12, 31);
    for (day_t d = first; d <= last; d++) {
        day_t back;
        date_format(d, out);
        assert_true(date_parse(out, 10, &back));
        assert_int_equal(back, d);
    }
    /* and as year, month, day, from year 1 to 9999 */
    for (day_t d = days_from_civil(1, 1, 1); d <= days_from_civil(9999, 12, 31); d += 7) {
        int y, m, day;
        civil_from_days(d, &y, &m, &day);
        assert_int_equal(days_from_civil(y, m, day), d);
        assert_true(m >= 1 && m <= 12 && day >= 1 && day <= 31);
    }
    int y, m, day;
    civil_from_days(days_from_civil(2024, 2, 28) + 1, &y, &m, &day);
    assert_true(y == 2024 && m == 2 && day == 29);
    date_format(days_from_civil(2024, 2, 28) + 1, out);
    assert_string_equal(out, "2024-02-29");
    date_format(days_from_civil(2024, 12, 31) + 1, out);
    assert_string_equal(out, "2025-01-01");
}

static void midpoint_example_from_spec(void **state)
{
    (void)state;
    /* 2024-01-01 .. 2024-12-31: Planning ends 2024-07-01 */
    day_t start = days_from_civil(2024, 1, 1), end = days_from_civil(2024, 12, 31);
    char out[11];
    date_format(start + (end - start) / 2, out);
    assert_string_equal(out, "2024-07-01");
}

static bool cents_ok(const char *s, int digits, cents_t *v)
{
    return cents_parse(s, strlen(s), digits, v);
}

static void decimals_exact(void **state)
{
    (void)state;
    cents_t v;
    assert_true(cents_ok("0", 13, &v));
    assert_int_equal(v, 0);
    assert_true(cents_ok("50000.00", 13, &v));
    assert_int_equal(v, 5000000);
    assert_true(cents_ok("1.5", 13, &v));
    assert_int_equal(v, 150);
    assert_true(cents_ok("-1.25", 13, &v));
    assert_int_equal(v, -125);
    assert_true(cents_ok("+3", 13, &v));
    assert_int_equal(v, 300);
    assert_true(cents_ok(".5", 13, &v));
    assert_int_equal(v, 50);
    assert_true(cents_ok("5.", 13, &v));
    assert_int_equal(v, 500);
    assert_true(cents_ok("0001.01", 13, &v));
    assert_int_equal(v, 101);
    assert_true(cents_ok("9999999999999.99", 13, &v));
    assert_int_equal(v, 999999999999999LL);
    assert_false(cents_ok("10000000000000.00", 13, &v));
    assert_false(cents_ok("1.005", 13, &v));
    assert_false(cents_ok("1.000", 13, &v));
    assert_false(cents_ok("", 13, &v));
    assert_false(cents_ok("-", 13, &v));
    assert_false(cents_ok(".", 13, &v));
    assert_false(cents_ok("1e5", 13, &v));
    assert_false(cents_ok("1,5", 13, &v));
    assert_false(cents_ok(" 1", 13, &v));
    assert_false(cents_ok("1 ", 13, &v));
    assert_true(cents_ok("100.00", 3, &v));
    assert_false(cents_ok("1000", 3, &v));
}

static void decimals_format(void **state)
{
    (void)state;
    char out[24];
    cents_format(0, out);
    assert_string_equal(out, "0.00");
    cents_format(5, out);
    assert_string_equal(out, "0.05");
    cents_format(-5, out);
    assert_string_equal(out, "-0.05");
    cents_format(5000000, out);
    assert_string_equal(out, "50000.00");
    cents_format(INT64_MIN, out);
    assert_string_equal(out, "-92233720368547758.08");
}

static void money_sums_do_not_overflow(void **state)
{
    (void)state;
    money_sum_t s = {0};
    char out[48];
    for (int i = 0; i < 1000; i++)
        money_sum_add(&s, 999999999999999LL);   /* 9999999999999.99 each */
    money_sum_format(s, out);
    assert_string_equal(out, "9999999999999990.00");
    money_sum_t t = {0};
    money_sum_add(&t, 10);
    money_sum_add(&t, 20);
    money_sum_t u = {0};
    money_sum_add(&u, 30);
    assert_true(money_sum_eq(t, u));
    money_sum_add(&u, 1);
    assert_false(money_sum_eq(t, u));
}

/* The id of 8-4-4-4-12 hex digits, a character at a time: the reference
** for uuid_parse. */
static bool uuid_parse_slowly(const char *s, uuid_t *out)
{
    static const char digits[] = "0123456789abcdef";
    int nibble = 0;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
            continue;
        }
        const char *d = s[i] ? strchr(digits, tolower((unsigned char)s[i])) : NULL;
        if (!d)
            return false;
        unsigned value = (unsigned)(d - digits);
        if (nibble % 2 == 0)
            out->b[nibble / 2] = (uint8_t)(value << 4);
        else
            out->b[nibble / 2] |= (uint8_t)value;
        nibble++;
    }
    return true;
}

static void uuids(void **state)
{
    (void)state;
    uuid_t a, b;
    const char *lower = "0f8fad5b-d9cb-469f-a165-70867728950e";
    const char *upper = "0F8FAD5B-D9CB-469F-A165-70867728950E";
    assert_true(uuid_parse(lower, 36, &a));
    assert_true(uuid_parse(upper, 36, &b));
    assert_true(uuid_eq(&a, &b));
    assert_int_equal(a.b[0], 0x0f);
    assert_int_equal(a.b[15], 0x0e);
    char out[37];
    uuid_format(&b, out);
    assert_string_equal(out, lower);
    /* every byte value at every position, against printf's spelling */
    for (unsigned v = 0; v < 256; v++) {
        uuid_t c;
        for (int i = 0; i < 16; i++)
            c.b[i] = (uint8_t)(v + (unsigned)i * 17);
        char want[37];
        snprintf(want, sizeof want, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                 c.b[0], c.b[1], c.b[2], c.b[3], c.b[4], c.b[5], c.b[6], c.b[7], c.b[8], c.b[9],
                 c.b[10], c.b[11], c.b[12], c.b[13], c.b[14], c.b[15]);
        uuid_format(&c, out);
        assert_string_equal(out, want);
    }
    /* every byte value at every position of an id, against a parse
    ** spelt out a character at a time: the parse reads words, and a byte
    ** above 0x7f or next to a digit must not leak into its neighbours */
    const char *base = "0f8fad5b-d9cb-469f-a165-70867728950e";
    for (int at = 0; at < 36; at++)
        for (unsigned v = 0; v < 256; v++) {
            char text[37];
            memcpy(text, base, sizeof text);
            text[at] = (char)v;
            uuid_t got, want;
            bool ok = uuid_parse(text, 36, &got);
            assert_int_equal(ok, uuid_parse_slowly(text, &want));
            if (ok)
                assert_memory_equal(got.b, want.b, 16);
        }
    assert_false(uuid_parse("0f8fad5b-d9cb-469f-a165-70867728950", 35, &a));
    assert_false(uuid_parse("0f8fad5bd9cb-469f-a165-70867728950e-", 36, &a));
    assert_false(uuid_parse("0f8fad5g-d9cb-469f-a165-70867728950e", 36, &a));
    assert_false(uuid_parse("{f8fad5b-d9cb-469f-a165-70867728950}", 36, &a));
    uuid_parse("00000000-0000-0000-0000-000000000001", 36, &a);
    uuid_parse("00000000-0000-0000-0000-000000000002", 36, &b);
    assert_false(uuid_eq(&a, &b));
    assert_true(uuid_hash(&a) != uuid_hash(&b));
}

/* Ids crafted to share their slot in a 1024-slot index under one seed (a
** file made for a hash everyone knows would make every lookup a scan)
** spread out under another. */
static void uuid_hash_depends_on_its_seed(void **state)
{
    (void)state;
    enum { IDS = 64, SLOTS = 1024 };
    uuid_t crafted[IDS];
    uuid_hash_seed(1);
    uint64_t n = 0;
    for (size_t found = 0; found < IDS; n++) {
        uuid_t u = {{0}};
        memcpy(u.b, &n, sizeof n);
        if ((uuid_hash(&u) & (SLOTS - 1)) == 0)
            crafted[found++] = u;
    }
    uuid_hash_seed(2);
    bool taken[SLOTS] = {false};
    size_t distinct = 0;
    for (size_t i = 0; i < IDS; i++) {
        size_t slot = (size_t)(uuid_hash(&crafted[i]) & (SLOTS - 1));
        distinct += !taken[slot];
        taken[slot] = true;
    }
    assert_true(distinct > IDS / 2);   /* 62 of 64 expected at random */
}

static void utf8(void **state)
{
    (void)state;
    assert_true(utf8_valid("plain", 5));
    assert_true(utf8_valid("Caf\xc3\xa9", 5));
    assert_true(utf8_valid("\xe2\x82\xac", 3));        /* euro sign */
    assert_true(utf8_valid("\xf0\x9f\x98\x80", 4));    /* emoji */
    assert_true(utf8_valid("", 0));
    assert_false(utf8_valid("Caf\xe9", 4));            /* Latin-1 */
    assert_false(utf8_valid("a\0b", 3));               /* NUL */
    assert_false(utf8_valid("\xc0\xaf", 2));           /* overlong */
    assert_false(utf8_valid("\xe0\x80\xaf", 3));       /* overlong */
    assert_false(utf8_valid("\xed\xa0\x80", 3));       /* surrogate */
    assert_false(utf8_valid("\xf4\x90\x80\x80", 4));   /* above U+10FFFF */
    assert_false(utf8_valid("\xe2\x82", 2));           /* truncated */
    assert_false(utf8_valid("\x80", 1));               /* lone continuation */
    /* in a long value, at every offset (words and the tail alike): a NUL,
    ** a Latin-1 byte and a truncated sequence are found, a whole one passes */
    for (size_t at = 0; at < 40; at++) {
        char s[41];
        memset(s, 'a', 40);
        s[40] = '\0';
        s[at] = '\0';
        assert_false(utf8_valid(s, 40));
        s[at] = '\xe9';
        assert_false(utf8_valid(s, 40));
        s[at] = '\xc3';
        assert_false(utf8_valid(s, 40));
        if (at + 1 < 40) {
            s[at + 1] = '\xa9';
            assert_true(utf8_valid(s, 40));
        }
    }
}

int run_values_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dates_real_calendar),   cmocka_unit_test(dates_round_trip),
        cmocka_unit_test(midpoint_example_from_spec), cmocka_unit_test(decimals_exact),
        cmocka_unit_test(decimals_format),       cmocka_unit_test(money_sums_do_not_overflow),
        cmocka_unit_test(uuids),                 cmocka_unit_test(uuid_hash_depends_on_its_seed),
        cmocka_unit_test(utf8),
    };
    return cmocka_run_group_tests_name("values", tests, NULL, NULL);
}
