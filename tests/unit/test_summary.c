#include <stdio.h>
#include <string.h>

#include "../../stages/stages.h"
#include "unit.h"

/* A bytesink that keeps everything written and the largest single write. */
typedef struct {
    bytesink_t base;
    buf_t all;
    size_t writes, largest;
} record_sink_t;

static void record_write(bytesink_t *self, const void *p, size_t n)
{
    record_sink_t *s = (record_sink_t *)self;
    buf_add(&s->all, p, n);
    s->writes++;
    if (n > s->largest)
        s->largest = n;
}

static size_t occurrences(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *at = strstr(text, what); at; at = strstr(at + 1, what))
        n++;
    return n;
}

/* A plan of 20,000 projects, each split and each with moves, makes a
** summary.json of megabytes: it must reach the sink in bounded pieces
** (holding it whole was the peak of a 50,000-project run), and whole. */
static void summary_json_streams_in_bounded_pieces(void **state)
{
    (void)state;
    enum { PROJECTS = 20000 };
    plan_t plan;
    plan_init(&plan);
    row_t r;
    row_init(&r);
    for (size_t i = 0; i < PROJECTS; i++) {
        row_reset(&r);
        row_seal(&r);
        r.line = 2 + (int64_t)i;
        project_t *p = plan_add_project(&plan, &r, false);
        char text[UUID_TEXT_LEN + 1];
        snprintf(text, sizeof text, "00000000-0000-4000-8000-%012zu", i);
        assert_true(uuid_parse(text, UUID_TEXT_LEN, &p->id));
        p->split_known = true;
        p->split_day[SPLIT_MIDPOINT] = 100;
        p->split_day[SPLIT_EVIDENCE] = 101;
        p->split_moves[SPLIT_MIDPOINT] = 3;
        p->split_moves[SPLIT_EVIDENCE] = 1;
        plan.moves[i].n[PHASE_PLANNING][TO_EXECUTION] = 1 + i % 7;
    }
    verify_t *v = verify_new();
    table_rows_t rows[3] = {{"projects", PROJECTS, PROJECTS, 0},
                            {"project_phases", 0, 0, 0},
                            {"resource_assignments", 0, 0, 0}};
    summary_input_t in = {.plan = &plan, .verify = v, .rows = rows, .in_path = "in",
                          .out_path = "out", .split = SPLIT_MIDPOINT};
    record_sink_t sink = {.base = {.path = "summary.json", .write = record_write}};
    buf_init(&sink.all);
    summary_json(&sink.base, &in);
    const char *text = buf_str(&sink.all);
    assert_true(sink.all.len > ((size_t)4 << 20));
    assert_true(sink.largest <= ((size_t)65 << 10));
    assert_int_equal(occurrences(text, "\"planning_ends\""), 2 * PROJECTS);
    assert_int_equal(occurrences(text, "\"from\": \"Planning\", \"to\": \"Execution\""), PROJECTS);
    assert_int_equal(strncmp(text, "{\n", 2), 0);
    assert_string_equal(text + sink.all.len - 3, "\n}\n");
    buf_free(&sink.all);
    verify_free(v);
    row_free(&r);
    plan_free(&plan);
}

int run_summary_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(summary_json_streams_in_bounded_pieces),
    };
    return cmocka_run_group_tests_name("summary", tests, NULL, NULL);
}
