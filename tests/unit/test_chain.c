/*
** chain_run stops a table whose header a stage found unusable, also when an
** earlier table was already unreadable (found by fuzzing: validate then
** read a missing column of every row).
*/
#include <string.h>

#include "../../pipeline/chain.h"
#include "../../stages/stages.h"
#include "../memsrc.h"
#include "unit.h"

static source_t *csv_of(const char *text, problems_t *pr)
{
    return csv_source_open(mem_src_new(text, strlen(text), 0, "t"), "project_phases", "phases.csv",
                           pr);
}

static void missing_column_after_an_earlier_fatal_table(void **state)
{
    (void)state;
    problems_t pr;
    problems_init(&pr, 0);
    problem_fatal(&pr, "projects.csv", "an earlier table could not be read");
    plan_t plan;
    plan_init(&plan);
    uint64_t rejected = 0, rows = 0;
    /* no total_budget column: validate must not look at any row */
    source_t *src = csv_of("id,project_id,phase_type,capital_budget,expense_budget\n"
                           "20000000-0000-4000-8000-000000000011,x,PLANNING,1.00,1.00\n",
                           &pr);
    assert_non_null(src);
    stage_t *stages[] = {validate_phases_new(&plan, &pr, &rejected, SCHEMA_OLD)};
    assert_int_equal(chain_run(src, stages, 1, &pr, &rows), -1);
    assert_int_equal(rows, 0);
    assert_int_equal(pr.count, 2);   /* the earlier one and "required column missing" */
    stage_free(stages[0]);
    source_free(src);
    plan_free(&plan);
    problems_free(&pr);
}

int run_chain_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(missing_column_after_an_earlier_fatal_table),
    };
    return cmocka_run_group_tests_name("chain", tests, NULL, NULL);
}
