#include <stdio.h>
#include <string.h>

#include "../../pipeline/frame/rowspill.h"
#include "unit.h"

/* Row i: three fields ("<i>", NULL, "" or a long text), line 10 + i, and
** raw text "raw <i>" on every third row. */
static void make_row(row_t *r, size_t i)
{
    char id[32];
    snprintf(id, sizeof id, "%zu", i);
    row_reset(r);
    row_push(r, id, strlen(id));
    row_push(r, NULL, 0);
    if (i % 2)
        row_push(r, "", 0);
    else
        row_push(r, "a field with, a comma and a \"quote\"", 35);
    row_seal(r);
    r->line = 10 + (int64_t)i;
    if (i % 3 == 0) {
        char raw[32];
        snprintf(raw, sizeof raw, "raw %zu", i);
        row_set_raw(r, raw, strlen(raw));
    }
}

/* Adds n rows (with raw text when asked) and reads them back in order. */
static void round_trip(size_t n, bool with_raw)
{
    rowspill_t *s = rowspill_new();
    row_t r, back;
    row_init(&r);
    row_init(&back);
    for (size_t i = 0; i < n; i++) {
        make_row(&r, i);
        rowspill_add(s, &r, with_raw);
    }
    for (size_t i = 0; i < n; i++) {
        assert_true(rowspill_next(s, &back));
        /* let go as the last row is read (readers stop there), and only
        ** then; the row itself is still whole below */
        assert_int_equal(rowspill_released(s), i + 1 == n);
        make_row(&r, i);
        assert_int_equal(back.n, 3);
        assert_int_equal(back.line, r.line);
        for (size_t k = 0; k < 3; k++) {
            assert_int_equal(back.f[k].null, r.f[k].null);
            assert_int_equal(back.f[k].len, r.f[k].len);
            assert_memory_equal(back.f[k].data, r.f[k].data, r.f[k].len + 1);
        }
        if (with_raw && i % 3 == 0) {
            assert_non_null(back.raw);
            assert_int_equal(back.raw_len, r.raw_len);
            assert_memory_equal(back.raw, r.raw, r.raw_len);
        } else {
            assert_null(back.raw);
        }
    }
    assert_false(rowspill_next(s, &back));
    /* asking again after the end is still the end (ASan would see a use
    ** after free) */
    assert_false(rowspill_next(s, &back));
    row_free(&r);
    row_free(&back);
    rowspill_free(s);
}

static void few_rows_stay_in_memory(void **state)
{
    (void)state;
    round_trip(0, false);
    round_trip(5, true);
    round_trip(5, false);
}

/* A row of no fields (a blank SQLite row has none to give) comes back as
** one: its lengths are zero bytes to read. */
static void a_row_of_no_fields(void **state)
{
    (void)state;
    rowspill_t *s = rowspill_new();
    row_t r;
    row_init(&r);
    row_seal(&r);
    r.line = 7;
    rowspill_add(s, &r, false);
    r.line = 8;
    rowspill_add(s, &r, false);
    row_t back;
    row_init(&back);
    for (int64_t line = 7; line <= 8; line++) {
        assert_true(rowspill_next(s, &back));
        assert_int_equal(back.n, 0);
        assert_int_equal(back.line, line);
    }
    assert_false(rowspill_next(s, &back));
    row_free(&r);
    row_free(&back);
    rowspill_free(s);
}

/* 100,000 rows are about 6 MB encoded: most of them go through the file. */
static void many_rows_go_through_a_spill_file(void **state)
{
    (void)state;
    round_trip(100000, true);
    round_trip(100000, false);
}

int run_rowspill_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(few_rows_stay_in_memory),
        cmocka_unit_test(many_rows_go_through_a_spill_file),
        cmocka_unit_test(a_row_of_no_fields),
    };
    return cmocka_run_group_tests_name("rowspill", tests, NULL, NULL);
}
