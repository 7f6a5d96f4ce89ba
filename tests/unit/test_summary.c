#include <stdio.h>
#include <string.h>

#include "../../stages/stages.h"
#include "../../stages/state.h"
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
    check_t checks[VERIFY_CHECKS];
    verify_checks(v, checks);
    summary_input_t in = {.plan = &plan, .verify = v, .checks = checks, .rows = rows, .in_path = "in",
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

/* A check is PASS, WARN or FAIL; a WARN passes unless strict. */
static void warn_passes_unless_strict(void **state)
{
    (void)state;
    check_t checks[2] = {{1, "a", true, "", false}, {9, "b", true, "", true}};
    assert_string_equal(check_status(&checks[0]), "PASS");
    assert_string_equal(check_status(&checks[1]), "WARN");
    assert_true(checks_pass(checks, 2));
    assert_true(checks_warn(checks, 2));
    assert_true(checks_accept(checks, 2, false));
    assert_false(checks_accept(checks, 2, true));
    assert_true(checks_accept(checks, 1, true));
    checks[1].ok = false;   /* a FAIL that also warned is a FAIL */
    assert_string_equal(check_status(&checks[1]), "FAIL");
    assert_false(checks_warn(checks, 2));
    assert_false(checks_accept(checks, 2, false));
    buf_t b;
    buf_init(&b);
    checks_json(&b, checks, 2);
    assert_non_null(strstr(buf_str(&b), "\"id\": 9, \"name\": \"b\", \"ok\": false, \"status\": \"FAIL\""));
    buf_free(&b);
}

/* Orphans in words name every cause, a zero too; between phases only
** when there are some. */
static void orphans_in_words(void **state)
{
    (void)state;
    char text[1000];
    orphan_causes_t o = {.before_start = 1, .after_end = 29894};
    orphans_words(text, sizeof text, &o);
    assert_string_equal(text, "1 dated before its project's start, 29894 after its end, 0 in a "
                              "project with no phase");
    o.between_phases = 2;
    orphans_words(text, sizeof text, &o);
    assert_string_equal(text, "1 dated before its project's start, 29894 after its end, 0 in a "
                              "project with no phase, 2 between its project's phases");
    buf_t b;
    buf_init(&b);
    orphans_json(&b, &o);
    assert_string_equal(buf_str(&b), "\"orphaned_by_cause\": {\"before_start\": 1, "
                                     "\"after_end\": 29894, \"no_phase\": 0, "
                                     "\"between_phases\": 2}");
    buf_free(&b);
    /* the projects without phase are named, the first five and "..." */
    o.no_phase = 7;
    for (int i = 1; i <= 6; i++)
        named_add(&o.no_phase_projects, "P%d", i);
    orphans_words(text, sizeof text, &o);
    assert_string_equal(text, "1 dated before its project's start, 29894 after its end, 7 in a "
                              "project with no phase (P1, P2, P3, P4, P5, ...), 2 between its "
                              "project's phases");
}

/* The header of project_phases (and resource_assignments) tells the
** schema; a dataset that is neither is left to the rules. */
static void schema_told_by_headers(void **state)
{
    (void)state;
    table_t *old = table_new("project_phases", "p"), *fresh = table_new("project_phases", "p"),
            *odd = table_new("project_phases", "p"), *links = table_new("resource_assignments", "a");
    static const char *const old_cols[] = {"id", "project_id", "phase_type"};
    static const char *const new_cols[] = {"id", "project_id", "name", "start_date", "end_date"};
    for (size_t i = 0; i < ARRAY_LEN(old_cols); i++)
        table_add_col(old, old_cols[i], strlen(old_cols[i]));
    for (size_t i = 0; i < ARRAY_LEN(new_cols); i++)
        table_add_col(fresh, new_cols[i], strlen(new_cols[i]));
    table_add_col(odd, "id", 2);
    table_add_col(links, "project_phase_id", 16);
    assert_null(state_refusal(old, links, NULL, SCHEMA_OLD));
    assert_null(state_refusal(fresh, NULL, NULL, SCHEMA_NEW));
    assert_null(state_refusal(odd, NULL, NULL, SCHEMA_NEW));
    assert_null(state_refusal(odd, NULL, NULL, SCHEMA_OLD));
    assert_string_equal(state_refusal(old, links, NULL, SCHEMA_NEW),
                        "this dataset has phase_type and project_phase_id: it is in the old "
                        "schema; use phasemig migrate");
    assert_string_equal(state_refusal(fresh, NULL, NULL, SCHEMA_OLD),
                        "this dataset has named, dated phases and no phase_type: it is in the "
                        "new schema; use phasemig verify or phasemig rollback");
    /* the revision agrees with the columns, or is another one: no refusal */
    assert_null(state_refusal(old, links, "976e6adbac6f", SCHEMA_OLD));
    assert_null(state_refusal(fresh, NULL, "92023c163a26", SCHEMA_NEW));
    assert_null(state_refusal(fresh, NULL, "527d058114e2", SCHEMA_NEW));
    /* it contradicts them */
    assert_string_equal(state_refusal(fresh, NULL, "976e6adbac6f", SCHEMA_NEW),
                        "its alembic_version says 976e6adbac6f, but its tables are in the new "
                        "schema (named, dated phases): no state the application's migrations "
                        "make; use the copy from before the migration (the backup taken before "
                        "it)");
    assert_string_equal(state_refusal(old, links, "92023c163a26", SCHEMA_OLD),
                        "its alembic_version says 92023c163a26, but its tables are in the old "
                        "schema (phase_type): no state the application's migrations make; use "
                        "the copy from before the migration (the backup taken before it)");
    /* half-migrated: phase_type and the new columns, whatever is wanted */
    table_add_col(old, "name", 4);
    table_add_col(old, "start_date", 10);
    for (int want = SCHEMA_OLD; want <= SCHEMA_NEW; want++)
        assert_string_equal(state_refusal(old, links, "976e6adbac6f", (schema_t)want),
                            "this dataset is half-migrated: project_phases has phase_type and "
                            "also name, start_date, as the application's migration 92023c163a26 "
                            "leaves a SQLite database where it stops (alembic_version still says "
                            "976e6adbac6f); migrate the copy from before the migration (the "
                            "backup taken before it)");
    table_free(old);
    table_free(fresh);
    table_free(odd);
    table_free(links);
}

int run_summary_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(summary_json_streams_in_bounded_pieces),
        cmocka_unit_test(warn_passes_unless_strict),
        cmocka_unit_test(orphans_in_words),
        cmocka_unit_test(schema_told_by_headers),
    };
    return cmocka_run_group_tests_name("summary", tests, NULL, NULL);
}
