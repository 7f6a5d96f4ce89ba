/*
** validate-assignments parses an assignment's ids and looks its project up
** ahead of process() when it is asked to prefetch (stages/validate.c).
** Whether it was asked, a few rows ahead or just before, or for rows that
** then never came, it must pass the same rows with the same notes and
** report the same problems (all of them: the rejects file's lines), here against a plan with rejected projects,
** phases of other projects, unknown ids and broken rows.
*/
#include <stdlib.h>
#include <string.h>

#include "../../pipeline/frame/chain.h"
#include "../../stages/stages.h"
#include "../memsrc.h"
#include "unit.h"

#define PROJECTS 10
#define ASSIGNMENTS 3000

static void add_uuid(buf_t *b, size_t i)
{
    char text[37];
    uuid_t u = unit_uuid(i);
    uuid_format(&u, text);
    buf_add(b, text, 36);
}

static source_t *csv_of(const char *text, const char *table, problems_t *pr)
{
    return csv_source_open(mem_src_new(text, strlen(text), 0, "t"), table, table, pr);
}

/* Projects 100.. (project 3's dates are backwards), each with a Planning
** (200 + 2i) and an Execution phase (201 + 2i); project 5's Execution
** phase has budgets that do not add up, which rejects the project. */
static void load_small_tables(plan_t *plan, problems_t *pr)
{
    buf_t projects, phases;
    buf_init(&projects);
    buf_init(&phases);
    buf_adds(&projects, "id,start_date,end_date\n");
    buf_adds(&phases, "id,project_id,phase_type,capital_budget,expense_budget,total_budget\n");
    for (size_t i = 0; i < PROJECTS; i++) {
        add_uuid(&projects, 100 + i);
        buf_adds(&projects, i == 3 ? ",2024-12-31,2024-01-01\n" : ",2024-01-01,2024-12-31\n");
        for (size_t t = 0; t < 2; t++) {
            add_uuid(&phases, 200 + 2 * i + t);
            buf_addc(&phases, ',');
            add_uuid(&phases, 100 + i);
            buf_adds(&phases, t ? ",EXECUTION," : ",PLANNING,");
            buf_adds(&phases, i == 5 && t ? "1.00,1.00,3.00\n" : "1.00,1.00,2.00\n");
        }
    }
    uint64_t rejected = 0, rows = 0;
    source_t *src = csv_of(projects.data, "projects", pr);
    stage_t *p[] = {validate_projects_new(plan, pr, &rejected)};
    assert_int_equal(chain_run(src, p, 1, pr, &rows), 0);
    stage_free(p[0]);
    source_free(src);
    src = csv_of(phases.data, "project_phases", pr);
    stage_t *f[] = {validate_phases_new(plan, pr, &rejected, SCHEMA_OLD)};
    assert_int_equal(chain_run(src, f, 1, pr, &rows), 0);
    stage_free(f[0]);
    source_free(src);
    buf_free(&projects);
    buf_free(&phases);
}

/* Assignments of every kind: own phases, a phase of another project, an
** unknown project or phase, ids that are not UUIDs or NULL, a rejected
** project, a repeated id, ragged rows. */
static char *assignments_text(void)
{
    buf_t b;
    buf_init(&b);
    buf_adds(&b, "id,project_id,assignment_date,project_phase_id,allocation_percentage\n");
    for (size_t i = 0; i < ASSIGNMENTS; i++) {
        if (i % 401 == 400) {
            buf_adds(&b, "ragged,row\n");
            continue;
        }
        add_uuid(&b, i == 1234 ? 1000 + 17 : 1000 + i);
        buf_addc(&b, ',');
        size_t project = i % PROJECTS;
        if (i % 97 == 5)
            add_uuid(&b, 999);          /* unknown project */
        else if (i % 89 == 7)
            buf_adds(&b, "not-a-uuid");
        else if (i % 83 != 11)          /* else NULL */
            add_uuid(&b, 100 + project);
        buf_adds(&b, ",2024-03-01,");
        switch (i % 7) {
        case 0: case 1: case 2: add_uuid(&b, 200 + 2 * project); break;
        case 3: case 4: add_uuid(&b, 201 + 2 * project); break;
        case 5: add_uuid(&b, 200 + 2 * ((project + 1) % PROJECTS)); break;   /* another's */
        default:
            if (i % 3 == 0)
                add_uuid(&b, 998);      /* no such phase */
            else if (i % 3 == 1)
                buf_adds(&b, "xyz");
            break;                      /* else NULL */
        }
        buf_adds(&b, ",50.00\n");
    }
    return (char *)buf_str(&b);
}

/* Logs each row that passes: its line and validate's notes. */
static void log_passed(buf_t *log, const row_t *r)
{
    size_t project = 0, phase = 0;
    day_t day = 0;
    assert_true(plan_noted(r, &project, &phase, &day));
    buf_printf(log, "%lld %zu %lld %d\n", (long long)r->line, project,
               phase == NO_INDEX ? -1LL : (long long)phase, (int)day);
}

typedef struct {
    stage_t base;
    buf_t *log;
} logger_t;

static stage_result_t logger_process(stage_t *self, row_t *r)
{
    if (r)
        log_passed(((logger_t *)self)->log, r);
    return STAGE_PASS;
}

static void logger_free(stage_t *self)
{
    free(self);
}

static stage_t *logger_new(buf_t *log)
{
    logger_t *l = xcalloc(1, sizeof *l);
    l->base.name = "logger";
    l->base.process = logger_process;
    l->base.free = logger_free;
    l->log = log;
    return &l->base;
}

enum drive {
    BY_CHAIN,           /* chain_run: the CSV source asks a few rows ahead */
    BY_CHAIN_AHEAD,     /* chain_run_ahead, validate on the worker */
    BY_HAND,            /* process() alone */
    BY_HAND_PREFETCHED, /* prefetch() just before each process() */
};

/* The log of the rows that pass validate driven as `drive` (by hand: only
** rows whose number is not a multiple of `skip`, 0: all; prefetched ones
** are asked for all), then the problems and the count rejected. */
static char *validate_as(const char *text, enum drive drive, unsigned skip)
{
    problems_t pr;
    problems_init(&pr, 0);
    mem_sink_t rejects;   /* every problem, not only the first shown */
    mem_sink_init(&rejects);
    problems_set_rejects(&pr, &rejects.base, schema_key_col);
    plan_t plan;
    plan_init(&plan);
    load_small_tables(&plan, &pr);
    buf_t log;
    buf_init(&log);
    uint64_t rejected = 0, rows = 0;
    source_t *src = csv_of(text, "resource_assignments", &pr);
    assert_non_null(src);
    stage_t *stages[] = {validate_assignments_new(&plan, &pr, &rejected, SCHEMA_OLD),
                         logger_new(&log)};
    if (drive == BY_CHAIN)
        assert_int_equal(chain_run(src, stages, 2, &pr, &rows), 0);
    else if (drive == BY_CHAIN_AHEAD)
        assert_int_equal(chain_run_ahead(src, stages, 2, 1, &pr, &rows), 0);
    else {
        chain_header(stages, 2, src->table);
        row_t *r;
        for (unsigned i = 0; src->next(src, &r) > 0; i++) {
            if (drive == BY_HAND_PREFETCHED)
                stages[0]->prefetch(stages[0], r);
            if (skip && i % skip == 0)
                continue;
            if (stages[0]->process(stages[0], r) == STAGE_PASS)
                log_passed(&log, r);
        }
        stages[0]->process(stages[0], NULL);
    }
    char *printed;
    size_t printed_len;
    FILE *f = open_memstream(&printed, &printed_len);
    problems_print(&pr, f);
    fclose(f);
    buf_printf(&log, "rejected %llu\n%s", (unsigned long long)rejected, printed);
    free(printed);
    buf_add(&log, rejects.got.data, rejects.got.len);
    buf_free(&rejects.got);
    for (size_t i = 0; i < 2; i++)
        stage_free(stages[i]);
    source_free(src);
    plan_free(&plan);
    problems_free(&pr);
    return (char *)buf_str(&log);
}

static void prefetched_or_not_the_same(void **state)
{
    (void)state;
    char *text = assignments_text();
    char *by_hand = validate_as(text, BY_HAND, 0);
    /* the plan and the rows are what this test means them to be */
    assert_non_null(strstr(by_hand, "unknown project"));
    assert_non_null(strstr(by_hand, "names no phase in the dump"));
    assert_non_null(strstr(by_hand, "repeated id"));
    assert_non_null(strstr(by_hand, "ragged row"));
    assert_true(strlen(by_hand) > (size_t)ASSIGNMENTS / 2 * 10);
    for (enum drive d = BY_CHAIN; d <= BY_CHAIN_AHEAD; d++) {
        char *driven = validate_as(text, d, 0);
        assert_string_equal(driven, by_hand);
        free(driven);
    }
    char *skipping = validate_as(text, BY_HAND, 3);
    char *prefetched = validate_as(text, BY_HAND_PREFETCHED, 3);
    assert_string_equal(prefetched, skipping);
    assert_string_not_equal(skipping, by_hand);
    free(prefetched);
    free(skipping);
    free(by_hand);
    free(text);
}

int run_validate_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(prefetched_or_not_the_same),
    };
    return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
