#include <stdio.h>
#include <string.h>

#include "../../stages/stages.h"
#include "unit.h"

typedef struct {
    int64_t *line, *first;
    size_t n, cap;
} found_t;

static void collect(void *ctx, const uuid_t *id, int64_t line, int64_t first_line)
{
    (void)id;
    found_t *f = ctx;
    assert_true(f->n < f->cap);
    f->line[f->n] = line;
    f->first[f->n] = first_line;
    f->n++;
}

enum { ROWS = 60000, DISTINCT = 7000, EVERY = 40 };

/* Row i's key: every EVERY-th row the same id (key `distinct`), else i
** mod `distinct`. Its line is 2 + i. */
static size_t key_of(size_t i, size_t distinct)
{
    return i % EVERY == 0 ? distinct : i % distinct;
}

/* Feeds `rows` rows through u and checks every repeat, in line order,
** with its first line, against a direct count. */
static void finds_repeats(unique_t *u, size_t rows, size_t distinct)
{
    static int64_t first_of[DISTINCT + 1];
    for (size_t k = 0; k <= distinct; k++)
        first_of[k] = -1;
    static int64_t want_line[ROWS], want_first[ROWS], got_line[ROWS], got_first[ROWS];
    size_t want = 0;
    for (size_t i = 0; i < rows; i++) {
        size_t k = key_of(i, distinct);
        uuid_t id = unit_uuid(k);
        unique_add(u, &id, 2 + (int64_t)i);
        if (first_of[k] < 0) {
            first_of[k] = 2 + (int64_t)i;
        } else {
            want_line[want] = 2 + (int64_t)i;
            want_first[want] = first_of[k];
            want++;
        }
    }
    found_t f = {got_line, got_first, 0, ROWS};
    unique_finish(u, collect, &f);
    assert_int_equal(f.n, want);
    assert_memory_equal(got_line, want_line, want * sizeof *want_line);
    assert_memory_equal(got_first, want_first, want * sizeof *want_first);
}

static void finds_every_repeat(unique_t *u)
{
    finds_repeats(u, ROWS, DISTINCT);
}

static void repeats_in_memory(void **state)
{
    (void)state;
    unique_t *u = unique_new_limits(ROWS, ROWS);
    finds_every_repeat(u);
    unique_free(u);
}

static void repeats_through_spill_files(void **state)
{
    (void)state;
    unique_t *u = unique_new();
    finds_every_repeat(u);
    unique_free(u);
}

/* Groups of at most 100 pairs: every bucket (about 230 pairs) is split,
** and the part holding the one id of every 40th row is split down to the
** last bits of the hash. */
static void repeats_through_split_groups(void **state)
{
    (void)state;
    unique_t *u = unique_new_limits(64, 100);
    finds_every_repeat(u);
    unique_free(u);
}

/* Groups of at most 2 pairs: parts whose ids differ but agree in the next
** bits go on without being rewritten, and parts of one id are checked as
** soon as that is seen. */
static void repeats_through_tiny_groups(void **state)
{
    (void)state;
    unique_t *u = unique_new_limits(16, 2);
    finds_repeats(u, 3000, 500);
    unique_free(u);
}

int run_unique_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(repeats_in_memory),
        cmocka_unit_test(repeats_through_spill_files),
        cmocka_unit_test(repeats_through_split_groups),
        cmocka_unit_test(repeats_through_tiny_groups),
    };
    return cmocka_run_group_tests_name("unique", tests, NULL, NULL);
}
