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

/* The inputs, then the outputs, in the order a case shows them. */
enum { S_PROJECTS, S_PHASES, S_ASSIGNMENTS, S_ORIGINAL_PHASES, S_EXPECTED, S_ACTUAL,
       S_PHASES_OUT, S_ASSIGNMENTS_OUT, S_DIFF, S_CHECKS, S_DIFFERENCES, S_PROBLEMS, S_COUNT };
static const char *const SECTION_NAMES[S_COUNT] = {
    "projects:",   "phases:",          "assignments:", "original phases:", "expected:",
    "actual:",     "phases out:",      "assignments out:", "diff:",        "checks:",
    "differences:", "problems:"};

typedef struct {
    char *file;
    int line;               /* of its first comment line */
    char *title;            /* its first comment line */
    char *command;          /* "migrate [--split evidence]", "verify", "rollback", "reconcile" */
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
    const plan_t *plan;         /* match's note, shown as two columns */
} capture_t;

/* Two names a section may show beside the row's columns: what match
** noted on it (match_note), its class and its implicit phase's id. */
#define NOTE_CLASS "match:class"
#define NOTE_IMPLICIT "match:implicit_phase"
enum { COL_NOTE_CLASS = -2, COL_NOTE_IMPLICIT = -3 };

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
        c->cols[c->ncols++] = strcmp(t, NOTE_CLASS) == 0      ? COL_NOTE_CLASS
                              : strcmp(t, NOTE_IMPLICIT) == 0 ? COL_NOTE_IMPLICIT
                                                              : table_col(in, t);
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
        match_class_t class = MATCH_KEPT;
        size_t implicit = NO_INDEX;
        bool matched = c->plan && match_noted(row, &class, &implicit);
        if (c->cols[i] == COL_NOTE_CLASS && matched) {
            buf_adds(&c->got, MATCH_CLASS_NAMES[class]);
        } else if (c->cols[i] == COL_NOTE_IMPLICIT && matched) {
            /* the id of a moved assignment's phase (kept: its own, not shown) */
            char text[UUID_TEXT_LEN + 1];
            const phase_t *ph = implicit != NO_INDEX ? &c->plan->phases[implicit] : NULL;
            if (ph && class == MATCH_MOVED)
                buf_adds(&c->got, plan_id_text(&ph->id, ph->id_as_read, text));
        } else if (c->cols[i] < 0)
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

/* A bytesink that keeps what is written to it (diff.csv). */
typedef struct {
    bytesink_t base;
    buf_t got;
} kept_bytes_t;

static void kept_write(bytesink_t *self, const void *p, size_t n)
{
    buf_add(&((kept_bytes_t *)self)->got, p, n);
}

static void kept_nothing(bytesink_t *self)
{
    (void)self;   /* the case owns it: its bytes are read after the run */
}

/* A case's input tables (S_PROJECTS..S_ACTUAL) with their ids
** expanded; NULL for a section the case does not have. */
typedef struct {
    char *text[S_PHASES_OUT];
    plan_t plan;
    problems_t pr;
    uint64_t rejected;
    table_t *phase_header;
} case_input_t;

/* Expands the inputs and, when `load` (verify reads the tables as they
** are), validates projects and phases into the plan as a run does, in
** `schema`. */
static void input_open(case_input_t *in, const stage_case_t *c, bool load, schema_t schema)
{
    memset(in, 0, sizeof *in);
    for (int s = S_PROJECTS; s < S_PHASES_OUT; s++)
        in->text[s] = c->has[s] ? expand_ids(buf_str((buf_t *)&c->section[s])) : NULL;
    plan_init(&in->plan);
    problems_init(&in->pr, 0);
    if (!load)
        return;
    stage_t *vp[] = {validate_projects_new(&in->plan, &in->pr, &in->rejected)};
    run_cut(csv_of(in->text[S_PROJECTS], "projects", &in->pr), vp, 1, 0, &in->pr);
    source_t *phases = csv_of(in->text[S_PHASES], "project_phases", &in->pr);
    stage_t *vf[] = {validate_phases_new(&in->plan, &in->pr, &in->rejected, schema)};
    in->phase_header = table_copy(phases->table);
    run_cut(phases, vf, 1, 0, &in->pr);
}

/* The problems (and warnings) as printed, with ids as names, after the
** sections already in `out`. */
static void input_close(case_input_t *in, buf_t *out)
{
    char *msgs = NULL;
    size_t msgs_len = 0;
    FILE *m = open_memstream(&msgs, &msgs_len);
    problems_print_warnings(&in->pr, m);
    if (in->pr.count > 0)
        problems_print(&in->pr, m);
    fclose(m);
    buf_add(out, msgs, msgs_len);
    free(msgs);
    shrink_ids(out);
    table_free(in->phase_header);
    plan_free(&in->plan);
    problems_free(&in->pr);
    for (int s = S_PROJECTS; s < S_PHASES_OUT; s++)
        free(in->text[s]);
}

/* Appends the checks as printed ("  PASS 1 ...") to `out`. */
static void checks_to(buf_t *out, const check_t *checks, size_t n)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    checks_text(m, checks, n);
    fclose(m);
    buf_add(out, text, len);
    free(text);
}

/* migrate: remap's phases, match's assignments (cut after `cut` stages of
** validate, match, diff), diff.csv's rows and the problems. */
static void run_migrate(const stage_case_t *c, size_t cut, buf_t *out)
{
    split_policy_t policy = strstr(c->command, "--split evidence") ? SPLIT_EVIDENCE : SPLIT_MIDPOINT;
    case_input_t in;
    input_open(&in, c, true, SCHEMA_OLD);
    plan_t *plan = &in.plan;
    split_t *split = split_new(plan);
    if (policy == SPLIT_EVIDENCE) {
        problems_t quiet;
        problems_init(&quiet, 0);
        quiet.keep_going = true;
        stage_t *count[] = {validate_assignments_new(plan, &quiet, &in.rejected, SCHEMA_OLD),
                            split_count_new(split)};
        run_cut(csv_of(in.text[S_ASSIGNMENTS], "resource_assignments", &quiet), count, 2, 0, &quiet);
        problems_free(&quiet);
        plan->found_repeats.n = 0;
        split_choose(split);
    }
    remap_plan(plan, policy, &in.pr);

    kept_bytes_t diff_bytes = {.base = {.path = "diff.csv", .write = kept_write,
                                        .close = kept_nothing, .free = kept_nothing}};
    buf_init(&diff_bytes.got);
    diff_t *diff = diff_new(&diff_bytes.base);
    capture_t phases_out, assignments_out;
    capture_init(&phases_out, c->has[S_PHASES_OUT] ? buf_str((buf_t *)&c->section[S_PHASES_OUT]) : "id");
    stage_t *remap[] = {remap_new(plan), diff_phases_new(diff), &phases_out.base};
    run_cut(plan_source_new(plan, true, in.phase_header, &in.pr, &in.rejected), remap, 3, 0, &in.pr);

    capture_init(&assignments_out, c->has[S_ASSIGNMENTS_OUT]
                                       ? buf_str((buf_t *)&c->section[S_ASSIGNMENTS_OUT])
                                       : "id");
    assignments_out.plan = plan;
    stage_t *stream[] = {validate_assignments_new(plan, &in.pr, &in.rejected, SCHEMA_OLD),
                         match_new(plan), diff_assignments_new(diff, plan), &assignments_out.base};
    run_cut(csv_of(in.text[S_ASSIGNMENTS], "resource_assignments", &in.pr), stream, 4, cut, &in.pr);
    diff_close(diff);

    if (c->has[S_PHASES_OUT])
        buf_add(out, phases_out.got.data, phases_out.got.len);
    if (c->has[S_ASSIGNMENTS_OUT])
        buf_add(out, assignments_out.got.data, assignments_out.got.len);
    if (c->has[S_DIFF])
        buf_add(out, diff_bytes.got.data, diff_bytes.got.len);
    input_close(&in, out);
    capture_done(&phases_out);
    capture_done(&assignments_out);
    diff_free(diff);
    buf_free(&diff_bytes.got);
    split_free(split);
}

/* verify: the nine checks of a dataset in the new schema (with "original
** phases:", as verify --against), and the problems. The assignments'
** chain is one stage: cut after it or not at all. */
static void run_verify(const stage_case_t *c, size_t cut, buf_t *out)
{
    case_input_t in;
    input_open(&in, c, false, SCHEMA_NEW);
    verify_t *v = verify_new();
    static const char *const names[] = {"projects", "project_phases", "resource_assignments"};
    for (int t = 0; t < T_COUNT; t++) {
        stage_t *check[] = {t == 0   ? verify_projects_new(v)
                            : t == 1 ? verify_phases_new(v)
                                     : verify_assignments_new(v)};
        run_cut(csv_of(in.text[t], names[t], &in.pr), check, 1, t == 2 && cut > 0, &in.pr);
    }
    if (in.text[S_ORIGINAL_PHASES]) {
        stage_t *check[] = {verify_original_phases_new(v)};
        run_cut(csv_of(in.text[S_ORIGINAL_PHASES], "project_phases", &in.pr), check, 1, 0, &in.pr);
    }
    check_t checks[VERIFY_CHECKS];
    verify_checks(v, checks);
    if (c->has[S_CHECKS])
        checks_to(out, checks, VERIFY_CHECKS);
    verify_free(v);
    input_close(&in, out);
}

/* rollback: the phases with their phase_type again, the assignments with
** a project_phase_id (cut after `cut` of validate, rollback and its
** check: 0, 2 or 3, since rollback reports problems), its four checks and
** the problems. */
static void run_rollback(const stage_case_t *c, size_t cut, buf_t *out)
{
    static const size_t cuts[] = {0, 2, 3};
    case_input_t in;
    input_open(&in, c, true, SCHEMA_NEW);
    plan_order_phases(&in.plan);
    rollback_t *rb = rollback_new(&in.plan, &in.pr, &in.rejected);
    capture_t phases_out, assignments_out;
    capture_init(&phases_out, c->has[S_PHASES_OUT] ? buf_str((buf_t *)&c->section[S_PHASES_OUT]) : "id");
    const char *drop_new[6];   /* name, start_date, end_date, description */
    schema_diff(T_PHASES, SCHEMA_NEW, SCHEMA_OLD, drop_new, ARRAY_LEN(drop_new));
    stage_t *phases[] = {rollback_phases_new(rb), &phases_out.base, cut_new(drop_new),
                         rollback_check_phases_new(rb)};
    run_cut(plan_source_new(&in.plan, true, in.phase_header, &in.pr, &in.rejected), phases, 4, 0,
            &in.pr);
    capture_init(&assignments_out, c->has[S_ASSIGNMENTS_OUT]
                                       ? buf_str((buf_t *)&c->section[S_ASSIGNMENTS_OUT])
                                       : "id");
    stage_t *stream[] = {validate_assignments_new(&in.plan, &in.pr, &in.rejected, SCHEMA_NEW),
                         rollback_assignments_new(rb), rollback_check_assignments_new(rb),
                         &assignments_out.base};
    run_cut(csv_of(in.text[S_ASSIGNMENTS], "resource_assignments", &in.pr), stream, 4, cuts[cut],
            &in.pr);
    if (c->has[S_PHASES_OUT])
        buf_add(out, phases_out.got.data, phases_out.got.len);
    if (c->has[S_ASSIGNMENTS_OUT])
        buf_add(out, assignments_out.got.data, assignments_out.got.len);
    if (c->has[S_CHECKS]) {
        check_t checks[ROLLBACK_CHECKS];
        checks_to(out, checks, rollback_checks(rb, checks));
    }
    rollback_free(rb);
    input_close(&in, out);
    capture_done(&phases_out);
    capture_done(&assignments_out);
}

/* Pass 1 of one reconcile side, with problems of its own. */
typedef struct {
    reconcile_t *rc;
    const char *text;
    bool actual;
    size_t cut;
    problems_t problems;
} side_load_t;

static void load_side(void *arg)
{
    side_load_t *s = arg;
    stage_t *load[] = {reconcile_fingerprint_new(s->rc, T_ASSIGNMENTS, s->actual),
                       reconcile_load_new(s->rc, T_ASSIGNMENTS, s->actual)};
    run_cut(csv_of(s->text, "resource_assignments", &s->problems), load, 2, s->cut, &s->problems);
}

/* reconcile: the difference rows (reconcile.csv past its header) of the
** assignments "actual:" against "expected:", and the problems. Cut 0: one
** thread, one side after the other; 1: as the command runs it, the two
** sides at once, each fingerprinting on its chain's worker; 2: the same
** with a memory budget of one byte, so that every entry goes through the
** spill files. A verdict that disagrees with the rows (identical with
** rows, or not with none) is shown as a line of its own. */
static void run_reconcile(const stage_case_t *c, size_t cut, buf_t *out)
{
    case_input_t in;
    input_open(&in, c, false, SCHEMA_NEW);
    kept_bytes_t rows = {.base = {.path = "reconcile.csv", .write = kept_write,
                                  .close = kept_nothing, .free = kept_nothing}};
    buf_init(&rows.got);
    setenv("PHASEMIG_RECONCILE_BUDGET", cut == 2 ? "1" : "", 1);
    reconcile_t *rc = reconcile_new(&rows.base);
    unsetenv("PHASEMIG_RECONCILE_BUDGET");
    /* a side the case leaves out is an empty table */
    const char *side_text[2] = {in.text[S_EXPECTED] ? in.text[S_EXPECTED] : "id\n",
                                in.text[S_ACTUAL] ? in.text[S_ACTUAL] : "id\n"};
    side_load_t sides[2];
    for (int side = 0; side < 2; side++) {
        sides[side] = (side_load_t){.rc = rc, .text = side_text[side], .actual = side == 1,
                                    .cut = cut > 0};
        problems_init(&sides[side].problems, 0);
    }
    if (cut == 0) {
        load_side(&sides[0]);
        load_side(&sides[1]);
    } else {
        chain_beside_t *actual = chain_beside_start(load_side, &sides[1], "actual");
        load_side(&sides[0]);
        chain_beside_join(actual);
    }
    for (int side = 0; side < 2; side++) {
        problems_append(&in.pr, &sides[side].problems);
        problems_free(&sides[side].problems);
    }
    reconcile_compare(rc, T_ASSIGNMENTS);
    for (int side = 0; side < 2; side++) {
        if (!reconcile_wants_rows(rc, T_ASSIGNMENTS, side == 1))
            continue;
        stage_t *collect[] = {reconcile_collect_new(rc, T_ASSIGNMENTS, side == 1)};
        run_cut(csv_of(side_text[side], "resource_assignments", &in.pr), collect, 1, 0, &in.pr);
    }
    reconcile_report(rc, T_ASSIGNMENTS);
    reconcile_close(rc);
    const char *past_header = strchr(buf_str(&rows.got), '\n');
    past_header = past_header ? past_header + 1 : "";
    if (c->has[S_DIFFERENCES])
        buf_adds(out, past_header);
    if (reconcile_identical(rc) != (*past_header == '\0'))
        buf_adds(out, "(the verdict disagrees with the rows)\n");
    reconcile_free(rc);
    buf_free(&rows.got);
    input_close(&in, out);
}

/* What case `c` gives with its assignments' chain cut at its `cut`th cut
** point (0: one thread; 1 and 2: the two a command's chain allows): each
** expected section's text, in order. */
static void run_case(const stage_case_t *c, size_t cut, buf_t *out)
{
    if (strncmp(c->command, "verify", 6) == 0)
        run_verify(c, cut, out);
    else if (strncmp(c->command, "rollback", 8) == 0)
        run_rollback(c, cut, out);
    else if (strncmp(c->command, "reconcile", 9) == 0)
        run_reconcile(c, cut, out);
    else
        run_migrate(c, cut, out);
}

/* How case `c` ran at `cut`, for a failure's message. */
static const char *cut_name(const stage_case_t *c, size_t cut)
{
    static const char *const names[] = {"one thread", "the first cut", "the second cut"};
    if (cut == 2 && strncmp(c->command, "reconcile", 9) == 0)
        return "cut, with a one-byte budget";
    return names[cut];
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
        /* one thread, then the assignments' chain cut at each of two
        ** points (migrate: after validate, after match) */
        for (size_t cut = 0; cut <= 2; cut++) {
            buf_t got;
            buf_init(&got);
            run_case(c, cut, &got);
            if (strcmp(buf_str(&got), buf_str(&want)) != 0) {
                /* whole: cmocka's print_error cuts a message at its buffer */
                fprintf(stderr, "%s:%d: %s (%s)\nwanted:\n%sgot:\n%s\n", c->file, c->line,
                        c->title, cut_name(c, cut), buf_str(&want), buf_str(&got));
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
    fc->match = match_new(&fc->plan);   /* no header of its own: the rows go on as they came */
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
