/*
** reconcile in process (stages/reconcile.c): both passes driven by hand on
** CSV text, so that each case names the rows it must give, in memory and
** with a budget of 1 byte (every entry through the spill files).
** tests/e2e/reconcile.sh compares whole generated datasets with the
** reference implementation.
*/
#include <stdlib.h>
#include <string.h>

#include "../../pipeline/frame/chain.h"
#include "../../stages/stages.h"
#include "../memsrc.h"
#include "unit.h"

#define T_RA 2   /* resource_assignments */

/* Runs one side's table through pass 1 (fingerprint, load) or pass 2
** (collect). */
static void run_side(reconcile_t *rc, bool actual, const char *csv, bool collect)
{
    problems_t problems;
    problems_init(&problems, 0);
    source_t *src = csv_source_open(mem_src_new(csv, strlen(csv), 0, "mem.csv"),
                                    "resource_assignments", "mem.csv", &problems);
    assert_non_null(src);
    stage_t *stages[2];
    size_t n = 0;
    if (collect) {
        stages[n++] = reconcile_collect_new(rc, T_RA, actual);
    } else {
        stages[n++] = reconcile_fingerprint_new(rc, T_RA, actual);
        stages[n++] = reconcile_load_new(rc, T_RA, actual);
    }
    uint64_t rows = 0;
    assert_int_equal(chain_run(src, stages, n, &problems, &rows), 0);
    assert_int_equal(problems.count, 0);
    for (size_t i = 0; i < n; i++)
        stage_free(stages[i]);
    source_free(src);
    problems_free(&problems);
}

/* The difference rows of reconciling `expected` with `actual` (one
** table), under the memory budget `budget` ("": the default); the caller
** frees them. *identical gets the verdict. */
static char *differences(const char *expected, const char *actual, const char *budget,
                         bool *identical)
{
    setenv("PHASEMIG_RECONCILE_BUDGET", budget, 1);
    mem_sink_t sink;
    mem_sink_init(&sink);
    reconcile_t *rc = reconcile_new(&sink.base);
    unsetenv("PHASEMIG_RECONCILE_BUDGET");
    run_side(rc, false, expected, false);
    run_side(rc, true, actual, false);
    reconcile_compare(rc, T_RA);
    if (reconcile_wants_rows(rc, T_RA, false))
        run_side(rc, false, expected, true);
    if (reconcile_wants_rows(rc, T_RA, true))
        run_side(rc, true, actual, true);
    reconcile_report(rc, T_RA);
    reconcile_close(rc);
    *identical = reconcile_identical(rc);
    char *out = xstrdup(buf_str(&sink.got));
    reconcile_free(rc);
    buf_free(&sink.got);
    return out;
}

/* Asserts the difference rows (after the header) in memory and spilled. */
static void expect_rows(const char *expected, const char *actual, const char *rows)
{
    static const char *const budgets[] = {"", "1"};
    for (size_t b = 0; b < 2; b++) {
        bool identical;
        char *got = differences(expected, actual, budgets[b], &identical);
        const char *header = "table,id,change,field,expected,actual\n";
        assert_memory_equal(got, header, strlen(header));
        assert_string_equal(got + strlen(header), rows);
        assert_int_equal(identical, rows[0] == '\0');
        free(got);
    }
}

#define ID1 "10000000-0000-4000-8000-000000000001"
#define ID2 "20000000-0000-4000-8000-000000000002"
#define ID3 "30000000-0000-4000-8000-000000000003"

/* Another spelling of every value is no difference: 50 = 50.00, an
** upper-case id, a timestamp's trailing zeros, another column order. */
static void typed_values_and_column_order_are_no_difference(void **state)
{
    (void)state;
    expect_rows("id,allocation_percentage,created_at,assignment_date\n" ID1
                ",50.00,2024-01-15 09:00:00.5,2024-01-15\n",
                "created_at,assignment_date,id,allocation_percentage\n"
                "2024-01-15 09:00:00.500000,2024-01-15,10000000-0000-4000-8000-000000000001,50\n",
                "");
    expect_rows("id,project_id\n" ID1 "," ID2 "\n",
                "id,project_id\n" ID1 ",20000000-0000-4000-8000-000000000002\n", "");
    expect_rows("id,project_id\n" ID1 "," ID2 "\n",
                "id,project_id\n10000000-0000-4000-8000-000000000001," ID2 "\n", "");
}

/* NULL (an empty unquoted field) differs from "" and from a value. */
static void null_differs_from_empty(void **state)
{
    (void)state;
    expect_rows("id,description\n" ID1 ",\n", "id,description\n" ID1 ",\"\"\n",
                "resource_assignments," ID1 ",changed,description,,\"\"\n");
}

/* Rows come out by id, whatever the order of either side: missing,
** changed, extra in key order. */
static void rows_in_id_order_whatever_the_input_order(void **state)
{
    (void)state;
    expect_rows("id,x\n" ID3 ",c\n" ID2 ",b\n" ID1 ",a\n",
                "id,x\n" ID2 ",B\n" ID3 ",c\n40000000-0000-4000-8000-000000000004,d\n",
                "resource_assignments," ID1 ",missing,,,\n"
                "resource_assignments," ID2 ",changed,x,b,B\n"
                "resource_assignments,40000000-0000-4000-8000-000000000004,extra,,,\n");
}

/* A repeated id pairs in input order, the first with the first; the ones
** left over are missing (or extra), after the pairs of their id. The id
** is written as the side that has the row spelt it. */
static void repeated_ids_pair_in_input_order(void **state)
{
    (void)state;
    expect_rows("id,x\n" ID1 ",a\n" ID1 ",b\n" ID1 ",c\n",
                "id,x\n" ID1 ",a\n" ID1 ",z\n",
                "resource_assignments," ID1 ",changed,x,b,z\n"
                "resource_assignments," ID1 ",missing,,,\n");
    expect_rows("id,x\n" ID2 ",a\n",
                "id,x\n" ID2 ",a\n20000000-0000-4000-8000-00000000000A,a\n" ID2 ",a\n",
                "resource_assignments," ID2 ",extra,,,\n"
                "resource_assignments,20000000-0000-4000-8000-00000000000A,extra,,,\n");
}

/* Ids that are no UUID are keys as they are written: case counts. */
static void ids_that_are_no_uuid(void **state)
{
    (void)state;
    expect_rows("id,x\nabc,1\n,2\n", "id,x\nABC,1\n,3\n",
                "resource_assignments,\"\",changed,x,2,3\n"
                "resource_assignments,ABC,extra,,,\n"
                "resource_assignments,abc,missing,,,\n");
}

int run_reconcile_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(typed_values_and_column_order_are_no_difference),
        cmocka_unit_test(null_differs_from_empty),
        cmocka_unit_test(rows_in_id_order_whatever_the_input_order),
        cmocka_unit_test(repeated_ids_pair_in_input_order),
        cmocka_unit_test(ids_that_are_no_uuid),
    };
    return cmocka_run_group_tests_name("reconcile", tests, NULL, NULL);
}
