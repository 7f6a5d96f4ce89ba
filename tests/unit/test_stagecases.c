/*
** The rules themselves, case by case: every file tests/stages/NAME.cases is a
** list of cases in a small text format (tests/stages/README), each with a
** comment saying what it shows, its input tables, its options, and the
** rows and problems expected. This driver runs each case through the
** chain as migrate builds it, on one thread and cut across two at every
** cut point the chain allows (chain_run_ahead), and compares what comes
** out with what the case expects, byte for byte.
**
** Ids: a field that is a letter P, F, A, R or X followed by digits (P1,
** F12) stands for a UUID of its own, the same one wherever it appears;
** what comes out is shown with the same names again.
*/
#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "../../pipeline/frame/chain.h"
#include "../../stages/stages.h"
#include "../memsrc.h"
#include "unit.h"

enum { S_PROJECTS, S_PHASES, S_ASSIGNMENTS, S_PHASES_OUT, S_ASSIGNMENTS_OUT, S_PROBLEMS,
       S_COUNT };
static const char *const SECTION_NAMES[S_COUNT] = {
    "projects:", "phases:", "assignments:", "phases out:", "assignments out:", "problems:"};

typedef struct {
    char *file;
    int line;               /* of its first comment line */
    char *title;            /* its first comment line */
    char *command;          /* "migrate [--split evidence]" */
    buf_t section[S_COUNT];
    bool has[S_COUNT];
} stage_case_t;

/* ---- ids ---- */

static bool is_id_name(const char *s, size_t n)
{
    if (n < 2 || !strchr("PFARX", s[0]))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* The UUID the name s[0..n) stands for: its letter and number in the last
** group. */
static void id_of_name(const char *s, size_t n, buf_t *out)
{
    (void)n;   /* the number ends at the first non-digit: strtoul stops there */
    char tail[13];
    snprintf(tail, sizeof tail, "%012lx",
             (unsigned long)((unsigned char)s[0] * 1000000UL + strtoul(s + 1, NULL, 10)));
    buf_printf(out, "00000000-0000-4000-8000-%s", tail);
}

/* `csv` with each name field made its UUID (fields split at commas; the
** cases quote nothing that holds a name). */
static char *expand_ids(const char *csv)
{
    buf_t out;
    buf_init(&out);
    const char *s = csv;
    while (*s) {
        size_t n = strcspn(s, ",\n");
        if (is_id_name(s, n))
            id_of_name(s, n, &out);
        else
            buf_add(&out, s, n);
        s += n;
        if (*s)
            buf_addc(&out, *s++);
    }
    char *copy = xstrdup(buf_str(&out));
    buf_free(&out);
    return copy;
}

/* `text` with every UUID of a name shown as the name again. */
static void shrink_ids(buf_t *text)
{
    static const char prefix[] = "00000000-0000-4000-8000-";
    buf_t out;
    buf_init(&out);
    const char *s = buf_str(text);
    const char *hit;
    while ((hit = strstr(s, prefix)) != NULL && strlen(hit) >= 36) {
        buf_add(&out, s, (size_t)(hit - s));
        unsigned long v = strtoul(hit + 24, NULL, 16);
        buf_printf(&out, "%c%lu", (char)(v / 1000000UL), v % 1000000UL);
        s = hit + 36;
    }
    buf_adds(&out, s);
    buf_free(text);
    *text = out;
}

/* ---- a stage that keeps what reaches it ---- */

typedef struct {
    stage_t base;
    const char *want_header;    /* the expected section's first line */
    int *cols;
    size_t ncols;
    buf_t got;
} capture_t;

static const table_t *capture_header(stage_t *self, const table_t *in)
{
    capture_t *c = (capture_t *)self;
    char *names = xstrdup(c->want_header);
    buf_adds(&c->got, names);
    buf_addc(&c->got, '\n');
    free(c->cols);
    c->cols = xmalloc(in->ncols * sizeof *c->cols + sizeof *c->cols);
    c->ncols = 0;
    for (char *t = strtok(names, ","); t; t = strtok(NULL, ","))
        c->cols[c->ncols++] = table_col(in, t);
    free(names);
    return in;
}

static stage_result_t capture_process(stage_t *self, row_t *row)
{
    capture_t *c = (capture_t *)self;
    if (!row)
        return STAGE_PASS;
    for (size_t i = 0; i < c->ncols; i++) {
        if (i)
            buf_addc(&c->got, ',');
        if (c->cols[i] < 0)
            buf_adds(&c->got, "?");
        else if (!row->f[c->cols[i]].null)
            buf_add(&c->got, row->f[c->cols[i]].data, row->f[c->cols[i]].len);
    }
    buf_addc(&c->got, '\n');
    return STAGE_PASS;
}

static void capture_free(stage_t *self)
{
    (void)self;   /* the case owns it: its rows are read after the chain */
}

static void capture_init(capture_t *c, const char *want)
{
    memset(c, 0, sizeof *c);
    c->base.name = "capture";
    c->base.header = capture_header;
    c->base.process = capture_process;
    c->base.free = capture_free;
    size_t n = strcspn(want, "\n");
    c->want_header = xstrndup(want, n);
    buf_init(&c->got);
}

static void capture_done(capture_t *c)
{
    free((char *)c->want_header);
    free(c->cols);
    buf_free(&c->got);
}

/* ---- running a case ---- */

static source_t *csv_of(const char *text, const char *table, problems_t *pr)
{
    return csv_source_open(mem_src_new(text, strlen(text), 0, table), table, table, pr);
}

/* Runs stages[0..n) over `src` on one thread (cut 0) or cut after stage
** `cut`; the stages are freed. */
static void run_cut(source_t *src, stage_t **stages, size_t n, size_t cut, problems_t *pr)
{
    uint64_t rows = 0;
    if (cut == 0)
        chain_run(src, stages, n, pr, &rows);
    else
        chain_run_ahead(src, stages, n, cut, pr, &rows);
    for (size_t i = 0; i < n; i++)
        stage_free(stages[i]);
    source_free(src);
}

/* What case `c` gives with the assignments' chain cut after `cut` stages
** (0: one thread): each expected section's text, in order. */
static void run_case(const stage_case_t *c, size_t cut, buf_t *out)
{
    split_policy_t policy = strstr(c->command, "--split evidence") ? SPLIT_EVIDENCE : SPLIT_MIDPOINT;
    char *text[3];
    for (int s = S_PROJECTS; s <= S_ASSIGNMENTS; s++)
        text[s] = expand_ids(buf_str((buf_t *)&c->section[s]));
    plan_t plan;
    plan_init(&plan);
    problems_t pr;
    problems_init(&pr, 0);
    uint64_t rejected = 0;

    source_t *projects = csv_of(text[S_PROJECTS], "projects", &pr);
    stage_t *vp[] = {validate_projects_new(&plan, &pr, &rejected)};
    run_cut(projects, vp, 1, 0, &pr);
    source_t *phases = csv_of(text[S_PHASES], "project_phases", &pr);
    stage_t *vf[] = {validate_phases_new(&plan, &pr, &rejected, SCHEMA_OLD)};
    table_t *phase_header = table_copy(phases->table);
    run_cut(phases, vf, 1, 0, &pr);

    split_t *split = split_new(&plan);
    if (policy == SPLIT_EVIDENCE) {
        problems_t quiet;
        problems_init(&quiet, 0);
        quiet.keep_going = true;
        stage_t *count[] = {validate_assignments_new(&plan, &quiet, &rejected, SCHEMA_OLD),
                            split_count_new(split)};
        run_cut(csv_of(text[S_ASSIGNMENTS], "resource_assignments", &quiet), count, 2, 0, &quiet);
        problems_free(&quiet);
        plan.found_repeats.n = 0;
        split_choose(split);
    }
    remap_plan(&plan, policy, &pr);

    capture_t phases_out, assignments_out;
    capture_init(&phases_out, c->has[S_PHASES_OUT] ? buf_str((buf_t *)&c->section[S_PHASES_OUT]) : "id");
    stage_t *remap[] = {remap_new(&plan), &phases_out.base};
    run_cut(plan_source_new(&plan, true, phase_header, &pr, &rejected), remap, 2, 0, &pr);

    capture_init(&assignments_out, c->has[S_ASSIGNMENTS_OUT]
                                       ? buf_str((buf_t *)&c->section[S_ASSIGNMENTS_OUT])
                                       : "id");
    stage_t *stream[] = {validate_assignments_new(&plan, &pr, &rejected, SCHEMA_OLD),
                         match_new(&plan), &assignments_out.base};
    run_cut(csv_of(text[S_ASSIGNMENTS], "resource_assignments", &pr), stream, 3, cut, &pr);

    if (c->has[S_PHASES_OUT])
        buf_add(out, phases_out.got.data, phases_out.got.len);
    if (c->has[S_ASSIGNMENTS_OUT])
        buf_add(out, assignments_out.got.data, assignments_out.got.len);
    char *msgs = NULL;
    size_t msgs_len = 0;
    FILE *m = open_memstream(&msgs, &msgs_len);
    problems_print_warnings(&pr, m);
    if (pr.count > 0)
        problems_print(&pr, m);
    fclose(m);
    buf_add(out, msgs, msgs_len);
    free(msgs);
    shrink_ids(out);

    capture_done(&phases_out);
    capture_done(&assignments_out);
    split_free(split);
    table_free(phase_header);
    plan_free(&plan);
    problems_free(&pr);
    for (int s = S_PROJECTS; s <= S_ASSIGNMENTS; s++)
        free(text[s]);
}

/* ---- reading the case files ---- */

static void case_free(stage_case_t *c)
{
    free(c->file);
    free(c->title);
    free(c->command);
    for (int s = 0; s < S_COUNT; s++)
        buf_free(&c->section[s]);
}

/* Reads the cases of `path` into *cases (appended); false on a file that
** does not follow the format (a message says where). */
static bool read_cases(const char *path, stage_case_t **cases, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        print_error("%s: cannot open\n", path);
        return false;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int lineno = 0, section = -1;
    stage_case_t *c = NULL;
    bool ok = true;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        if (len == 0) {     /* a blank line ends a case */
            c = NULL;
            section = -1;
            continue;
        }
        if (line[0] == '#') {
            if (!c) {
                *cases = xrealloc(*cases, (*n + 1) * sizeof **cases);
                c = &(*cases)[(*n)++];
                memset(c, 0, sizeof *c);
                c->file = xstrdup(path);
                c->line = lineno;
                c->title = xstrdup(line + 1 + (line[1] == ' '));
            }
            continue;
        }
        if (!c) {
            print_error("%s:%d: a case starts with a comment saying what it shows\n", path, lineno);
            ok = false;
            break;
        }
        if (!c->command) {
            c->command = xstrdup(line);
            continue;
        }
        int found = -1;
        for (int s = 0; s < S_COUNT; s++)
            if (strcmp(line, SECTION_NAMES[s]) == 0)
                found = s;
        if (found >= 0) {
            section = found;
            c->has[section] = true;
            buf_init(&c->section[section]);
            continue;
        }
        if (section < 0) {
            print_error("%s:%d: '%s': no section (projects:, phases:, ...) before it\n", path,
                        lineno, line);
            ok = false;
            break;
        }
        buf_adds(&c->section[section], line);
        buf_addc(&c->section[section], '\n');
    }
    free(line);
    fclose(f);
    return ok;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_case_file(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return n > 6 && strcmp(e->d_name + n - 6, ".cases") == 0;
}

static void stage_cases(void **state)
{
    (void)state;
    struct dirent **files;
    int nfiles = scandir("tests/stages", &files, is_case_file, by_name);
    assert_true(nfiles > 0);   /* run from the project's top directory */
    stage_case_t *cases = NULL;
    size_t ncases = 0;
    bool ok = true;
    for (int i = 0; i < nfiles; i++) {
        char path[512];
        snprintf(path, sizeof path, "tests/stages/%s", files[i]->d_name);
        ok &= read_cases(path, &cases, &ncases);
        free(files[i]);
    }
    free(files);
    size_t failed = 0;
    for (size_t i = 0; ok && i < ncases; i++) {
        stage_case_t *c = &cases[i];
        buf_t want;
        buf_init(&want);
        for (int s = S_PHASES_OUT; s < S_COUNT; s++)
            if (c->has[s])
                buf_add(&want, c->section[s].data, c->section[s].len);
        /* one thread, then the assignments' chain cut after validate and
        ** after match (validate reports problems: it stays in front) */
        for (size_t cut = 0; cut <= 2; cut++) {
            buf_t got;
            buf_init(&got);
            run_case(c, cut, &got);
            if (strcmp(buf_str(&got), buf_str(&want)) != 0) {
                print_error("%s:%d: %s (%s)\nwanted:\n%sgot:\n%s\n", c->file, c->line, c->title,
                            cut ? (cut == 1 ? "cut after validate" : "cut after match")
                                : "one thread",
                            buf_str(&want), buf_str(&got));
                failed++;
            }
            buf_free(&got);
        }
        buf_free(&want);
    }
    for (size_t i = 0; i < ncases; i++)
        case_free(&cases[i]);
    free(cases);
    assert_true(ok);
    assert_int_equal(failed, 0);
}

/* The child's part of match_stops_past_a_full_cell: project P1 with a
** Planning phase, its Planning-to-Planning cell one short of full, and
** two rows straight into match, as validate leaves them (noted). */
typedef struct {
    plan_t plan;
    problems_t pr;
    stage_t *match;
    row_t row;
} full_cell_t;

static void run_past_a_full_cell(void *arg)
{
    full_cell_t *fc = arg;
    fc->match = match_new(&fc->plan);
    table_t *header = table_new("resource_assignments", "test");
    fc->match->header(fc->match, header);   /* match keeps a copy */
    table_free(header);
    day_t day;
    date_parse("2024-03-01", 10, &day);
    for (int i = 0; i < 2; i++) {
        row_reset(&fc->row);
        row_seal(&fc->row);
        plan_note(&fc->row, 0, fc->plan.projects[0].phase[PHASE_PLANNING], day);
        fc->match->process(fc->match, &fc->row);
    }
}

/* A cell of a project's move matrix counts in 32 bits: one assignment
** past MOVE_COUNT_MAX stops the run with an error (exit 2) naming the
** project, instead of a count that wraps to 0. */
static void match_stops_past_a_full_cell(void **state)
{
    (void)state;
    full_cell_t fc;
    plan_init(&fc.plan);
    problems_init(&fc.pr, 0);
    row_init(&fc.row);
    uint64_t rejected = 0;
    char *projects = expand_ids("id,start_date,end_date\nP1,2024-01-01,2024-12-31\n");
    char *phases = expand_ids("id,project_id,phase_type,capital_budget,expense_budget,"
                              "total_budget\nF1,P1,PLANNING,1.00,0.00,1.00\n");
    stage_t *vp[] = {validate_projects_new(&fc.plan, &fc.pr, &rejected)};
    run_cut(csv_of(projects, "projects", &fc.pr), vp, 1, 0, &fc.pr);
    stage_t *vf[] = {validate_phases_new(&fc.plan, &fc.pr, &rejected, SCHEMA_OLD)};
    run_cut(csv_of(phases, "project_phases", &fc.pr), vf, 1, 0, &fc.pr);
    free(projects);
    free(phases);
    remap_plan(&fc.plan, SPLIT_MIDPOINT, &fc.pr);
    fc.plan.moves[0].n[PHASE_PLANNING][TO_PLANNING] = MOVE_COUNT_MAX - 1;
    int status;
    char *err = unit_exit_of(run_past_a_full_cell, &fc, &status);
    buf_t text;
    buf_init(&text);
    buf_adds(&text, err);
    shrink_ids(&text);
    assert_string_equal(buf_str(&text),
                        "phasemig: project P1 has more than 4294967295 assignments of one kind "
                        "of move: more than phasemig counts\n");
    assert_int_equal(status, 2);
    free(err);
    buf_free(&text);
    row_free(&fc.row);
    problems_free(&fc.pr);
    plan_free(&fc.plan);
}

int run_stagecase_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stage_cases),
        cmocka_unit_test(match_stops_past_a_full_cell),
    };
    return cmocka_run_group_tests_name("stage cases (tests/stages)", tests, NULL, NULL);
}
