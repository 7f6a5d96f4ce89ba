/*
** chain_run stops a table whose header a stage found unusable, also when an
** earlier table was already unreadable (found by fuzzing: validate then
** read a missing column of every row). chain_run_ahead, wherever the chain
** is cut, hands the second part the rows chain_run would: same fields,
** NULLs, raw text, lines, brokenness and notes, in order, with the same
** problems, also when --max-errors stops the reading early.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../pipeline/frame/chain.h"
#include "../../pipeline/frame/lookahead.h"
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

/* Test stages: `mark` reports a problem for rows whose first field is
** "bad" and drops them, notes every other row and pushes a field; `render`
** appends every row it sees to `out`, then the end. */
typedef struct {
    stage_t base;
    problems_t *problems;
    const table_t *table;
    buf_t *out;
} test_stage_t;

static stage_result_t mark_process(stage_t *self, row_t *row)
{
    test_stage_t *t = (test_stage_t *)self;
    if (!row)
        return STAGE_DROP;
    if (row->f[0].len == 3 && memcmp(row->f[0].data, "bad", 3) == 0) {
        problem_field(t->problems, t->table, row, 0, "a bad row");
        return STAGE_DROP;
    }
    row->noted = true;
    row->note[0] = row->line * 3;
    row->note[1] = -row->line;
    row->note[2] = (int64_t)row->n;
    row_push(row, row->line % 2 ? NULL : "pushed", 6);
    row_seal(row);
    return STAGE_PASS;
}

static const table_t *mark_header(stage_t *self, const table_t *in)
{
    ((test_stage_t *)self)->table = in;
    return in;
}

static stage_result_t render_process(stage_t *self, row_t *row)
{
    buf_t *out = ((test_stage_t *)self)->out;
    if (!row) {
        buf_adds(out, "end\n");
        return STAGE_DROP;
    }
    buf_printf(out, "%lld%s note %lld %lld %lld:", (long long)row->line,
               row->broken ? " broken" : "", (long long)row->note[0], (long long)row->note[1],
               (long long)row->note[2]);
    for (size_t i = 0; i < row->n; i++) {
        if (row->f[i].null)
            buf_adds(out, " NULL");
        else {
            buf_printf(out, " %zu[", row->f[i].len);
            buf_add(out, row->f[i].data, row->f[i].len);
            buf_addc(out, ']');
        }
    }
    buf_adds(out, " <");
    buf_add(out, row->raw, row->raw_len);
    buf_adds(out, ">\n");
    return STAGE_PASS;
}

static void test_stage_free(stage_t *self)
{
    free(self);
}

static stage_t *test_stage(stage_result_t (*process)(stage_t *, row_t *), problems_t *pr,
                           buf_t *out)
{
    test_stage_t *t = xcalloc(1, sizeof *t);
    t->base.name = "test";
    t->base.header = mark_header;
    t->base.process = process;
    t->base.free = test_stage_free;
    t->problems = pr;
    t->out = out;
    return &t->base;
}

/* What the chain source -> mark -> render -> render makes of `text`, cut
** after `k` stages (SIZE_MAX: not cut, chain_run), with --max-errors
** `max_errors`: the second render's rows, the count of rows and the
** problems. */
static char *run_cut_at(const char *text, size_t k, size_t max_errors)
{
    problems_t pr;
    problems_init(&pr, max_errors);
    buf_t seen, out;
    buf_init(&seen);
    buf_init(&out);
    source_t *src = csv_of(text, &pr);
    assert_non_null(src);
    stage_t *stages[] = {test_stage(mark_process, &pr, NULL), test_stage(render_process, &pr, &seen),
                         test_stage(render_process, &pr, &out)};
    uint64_t rows = 0;
    int rc = k == SIZE_MAX ? chain_run(src, stages, 3, &pr, &rows)
                           : chain_run_ahead(src, stages, 3, k, &pr, &rows);
    /* the first render may be ahead of the cut, the second behind it */
    assert_string_equal(buf_str(&seen), buf_str(&out));
    buf_printf(&out, "rc %d, %llu rows\n", rc, (unsigned long long)rows);
    for (size_t i = 0; i < pr.nshown; i++)
        buf_printf(&out, "! %s\n", pr.shown[i]);
    for (size_t i = 0; i < 3; i++)
        stage_free(stages[i]);
    source_free(src);
    problems_free(&pr);
    buf_free(&seen);
    return out.data;
}

static void cut_anywhere_same_rows(const char *text, size_t max_errors)
{
    char *want = run_cut_at(text, SIZE_MAX, max_errors);
    for (size_t k = 1; k <= 3; k++) {   /* mark reports problems: it must be ahead */
        char *got = run_cut_at(text, k, max_errors);
        if (strcmp(got, want) != 0)
            fail_msg("cut after %zu stages:\n--- want\n%.2000s--- got\n%.2000s", k, want, got);
        free(got);
    }
    free(want);
}

static void ahead_hands_on_the_same_rows(void **state)
{
    (void)state;
    cut_anywhere_same_rows("a,b,c\n1,,\"\"\nbad,x,y\n\"q,\"\"r\",2\n3,4\n5,6,\"7\n8\"\n", 0);
}

/* Rows enough for several batches of each thread, some bad, some long. */
static void ahead_across_batches(void **state)
{
    (void)state;
    buf_t text;
    buf_init(&text);
    buf_adds(&text, "a,b,c\n");
    for (int i = 0; i < 40000; i++)
        if (i % 997 == 0)
            buf_printf(&text, "bad,%d,x\n", i);
        else
            buf_printf(&text, i % 5 ? "%d,,%*s\n" : "%d,\"\",\"%*s\"\n", i, i % 300, "z");
    cut_anywhere_same_rows(text.data, 0);
    cut_anywhere_same_rows(text.data, 7);   /* --max-errors: stops at the 7th bad row */
    buf_free(&text);
}

/* A stage that logs what it is asked: "p LINE" for prefetch, "r LINE"
** for process. */
static void log_prefetch(stage_t *self, const row_t *row)
{
    buf_printf(((test_stage_t *)self)->out, "p %lld\n", (long long)row->line);
}

static stage_result_t log_process(stage_t *self, row_t *row)
{
    if (row)
        buf_printf(((test_stage_t *)self)->out, "r %lld\n", (long long)row->line);
    return STAGE_PASS;
}

/* Every row is offered to a stage's prefetch() once, before process()
** sees it and at most a few rows before; the rows come in order, none
** missed, also past rows too large to be decoded far ahead. `where`: the
** logging stage behind the cut (decoded ahead by the chain), before it
** (by the CSV source, on the worker), or in an uncut chain (chain_run). */
enum logger_at { BEHIND_THE_CUT, BEFORE_THE_CUT, NOT_CUT };

static void check_prefetches(enum logger_at where)
{
    buf_t text, log;
    buf_init(&text);
    buf_init(&log);
    buf_adds(&text, "a,b\n");
    for (int i = 0; i < 20000; i++)
        buf_printf(&text, "%d,%0*d\n", i, i % 1000 < 3 ? 70000 : i % 50, 7);
    problems_t pr;
    problems_init(&pr, 0);
    source_t *src = csv_of(text.data, &pr);
    stage_t *logger = test_stage(log_process, &pr, &log);
    logger->prefetch = log_prefetch;
    stage_t *mark = test_stage(mark_process, &pr, NULL);
    stage_t *stages[2] = {mark, logger};
    if (where == BEFORE_THE_CUT) {
        stages[0] = logger;
        stages[1] = mark;
    }
    uint64_t rows = 0;
    if (where == NOT_CUT)
        assert_int_equal(chain_run(src, stages, 2, &pr, &rows), 0);
    else
        assert_int_equal(chain_run_ahead(src, stages, 2, 1, &pr, &rows), 0);
    assert_int_equal(rows, 20000);
    long long next_prefetch = 2, next_process = 2, line;
    char what;
    const char *p = buf_str(&log);
    int used;
    long long large_ahead = 0;   /* a large row prefetched, not yet processed */
    while (sscanf(p, "%c %lld\n%n", &what, &line, &used) == 2) {
        if (what == 'p') {
            assert_int_equal(line, next_prefetch++);
            assert_true(next_prefetch - next_process <= LOOKAHEAD_ROWS);
            /* nothing is decoded ahead past a large row */
            assert_true(large_ahead == 0 || large_ahead < next_process);
            if ((line - 2) % 1000 < 3)
                large_ahead = line;
        } else {
            assert_int_equal(line, next_process++);
            assert_true(line < next_prefetch);
        }
        p += used;
    }
    assert_int_equal(next_process, 20002);
    assert_int_equal(next_prefetch, 20002);
    for (size_t i = 0; i < 2; i++)
        stage_free(stages[i]);
    source_free(src);
    problems_free(&pr);
    buf_free(&log);
    buf_free(&text);
}

static void prefetch_behind_the_cut(void **state)
{
    (void)state;
    check_prefetches(BEHIND_THE_CUT);
}

static void prefetch_before_the_cut(void **state)
{
    (void)state;
    check_prefetches(BEFORE_THE_CUT);
}

static void prefetch_not_cut(void **state)
{
    (void)state;
    check_prefetches(NOT_CUT);
}

/* The child's part of a_stage_that_reports_problems_behind_the_cut. */
typedef struct {
    problems_t pr;
    source_t *src;
    stage_t *stages[2];
    uint64_t rows;
} behind_t;

static void run_behind_the_cut(void *arg)
{
    behind_t *b = arg;
    chain_run_ahead(b->src, b->stages, 2, 1, &b->pr, &b->rows);
}

/* A stage that reports problems, placed behind the cut, would touch the
** collector on the main thread while the worker does: the chain refuses
** it before a row is read, with an internal error (exit 2), whatever the
** stage is. */
static void a_stage_that_reports_problems_behind_the_cut(void **state)
{
    (void)state;
    behind_t b = {.rows = 0};
    problems_init(&b.pr, 0);
    buf_t out;
    buf_init(&out);
    b.src = csv_of("id\nx\n", &b.pr);
    b.stages[0] = test_stage(render_process, &b.pr, &out);
    b.stages[1] = test_stage(mark_process, &b.pr, NULL);
    b.stages[1]->reports_problems = true;
    int status;
    char *err = unit_exit_of(run_behind_the_cut, &b, &status);
    assert_string_equal(err, "phasemig: internal error: the stage test reports problems and cannot "
                             "run behind the chain's cut (after stage 1 of 2)\n");
    assert_int_equal(status, 2);
    free(err);
    /* the same stages, the reporting one first: the chain runs */
    stage_t *swapped[] = {b.stages[1], b.stages[0]};
    assert_int_equal(chain_run_ahead(b.src, swapped, 2, 1, &b.pr, &b.rows), 0);
    assert_int_equal(b.rows, 1);
    assert_string_equal(buf_str(&out), "2 note 6 -2 1: 1[x] 6[pushed] <x>\nend\n");
    for (size_t i = 0; i < 2; i++)
        stage_free(b.stages[i]);
    source_free(b.src);
    problems_free(&b.pr);
    buf_free(&out);
}

/* Work beside the caller's: what it collected joins the caller's
** problems after the caller's own, in order, counted past the shown. */
typedef struct {
    problems_t pr;
    int n;
} beside_t;

static void report_beside(void *arg)
{
    beside_t *b = arg;
    for (int i = 0; i < b->n; i++)
        problem_fatal(&b->pr, "actual.csv", "problem %d", i);
    problem_warn(&b->pr, "a warning beside");
}

static void problems_from_beside_follow_the_callers(void **state)
{
    (void)state;
    beside_t b = {.n = PROBLEMS_SHOWN};
    problems_init(&b.pr, 0);
    chain_beside_t *t = chain_beside_start(report_beside, &b, "actual");
    problems_t mine;
    problems_init(&mine, 0);
    problem_fatal(&mine, "expected.csv", "mine");
    problem_warn(&mine, "my warning");
    chain_beside_join(t);
    problems_append(&mine, &b.pr);
    assert_int_equal(mine.count, PROBLEMS_SHOWN + 1);
    assert_int_equal(mine.fatal, PROBLEMS_SHOWN + 1);
    assert_int_equal(mine.nshown, PROBLEMS_SHOWN);
    assert_string_equal(mine.shown[0], "expected.csv: mine");
    assert_string_equal(mine.shown[1], "actual.csv: problem 0");
    assert_string_equal(mine.shown[PROBLEMS_SHOWN - 1], "actual.csv: problem 18");
    assert_int_equal(mine.nwarnings, 2);
    assert_string_equal(mine.warnings[1], "a warning beside");
    assert_int_equal(b.pr.count + b.pr.nshown + b.pr.nwarnings + b.pr.fatal, 0);
    problems_free(&b.pr);
    problems_free(&mine);
}

static void fail_beside(void *arg)
{
    (void)arg;
    runtime_error("actual.csv: cannot be read");
}

static void start_and_join_failing(void *arg)
{
    (void)arg;
    chain_beside_join(chain_beside_start(fail_beside, NULL, "actual"));
}

/* A runtime_error beside ends only its thread; the join reports it, as
** the caller's own (exit 2). */
static void a_failure_beside_is_reported_at_the_join(void **state)
{
    (void)state;
    int status;
    char *err = unit_exit_of(start_and_join_failing, NULL, &status);
    assert_string_equal(err, "phasemig: actual.csv: cannot be read\n");
    assert_int_equal(status, 2);
    free(err);
}

int run_chain_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(missing_column_after_an_earlier_fatal_table),
        cmocka_unit_test(ahead_hands_on_the_same_rows),
        cmocka_unit_test(ahead_across_batches),
        cmocka_unit_test(prefetch_behind_the_cut),
        cmocka_unit_test(prefetch_before_the_cut),
        cmocka_unit_test(prefetch_not_cut),
        cmocka_unit_test(a_stage_that_reports_problems_behind_the_cut),
        cmocka_unit_test(problems_from_beside_follow_the_callers),
        cmocka_unit_test(a_failure_beside_is_reported_at_the_join),
    };
    return cmocka_run_group_tests_name("chain", tests, NULL, NULL);
}
