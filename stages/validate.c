/*
** validate: the rules of docs/contract.md "Bad input", one stage per table.
**
** Each stage checks its rows, reports every problem it finds (a row may
** have several), stores projects and phases in the plan, and passes on
** only rows that are fit to migrate. A rejected project or phase takes its
** whole project with it; a rejected assignment goes alone. Rows the
** reader marked broken were reported there and are dropped here.
*/
#include <string.h>
#include <strings.h>

#include "stages.h"

/* An assignment's ids as prefetch() parsed them, a few rows ahead of
** process(), and how far the loading of what process() will read for it
** has gone: with tens of thousands of projects, the project's slot of the
** index, the project and each of its phases are cache misses, each
** address known only once the one before has arrived. So each prefetch()
** takes one step for three rows: parses the newest row's ids and asks for
** its slot; looks up the row STEP_BEHIND before it and asks for its
** project; asks for the phases of the row 2 x STEP_BEHIND before. */
enum { IDS_NONE, IDS_PARSED, IDS_LOOKED_UP, IDS_PHASES_ASKED };
typedef struct {
    int64_t line;               /* the row's: its key */
    int state;
    bool project_ok, phase_ok;  /* the field is a UUID */
    uuid_t project_id, phase_id;
    bool project_found;         /* from IDS_LOOKED_UP: in the index, as `project` */
    size_t project;
} ids_ahead_t;
/* A power of two above the rows a source decodes ahead (LOOKAHEAD_ROWS). */
#define IDS_AHEAD 16
#define STEP_BEHIND ((uint64_t)2)

typedef struct {
    stage_t base;
    plan_t *plan;
    problems_t *problems;
    schema_t schema;
    const table_t *table;
    binding_t cols;     /* where the header has each column */
    unique_t *ids;      /* assignments only */
    uint64_t *rejected; /* rows dropped here (held rows count when emitted) */
    /* assignments only: ring of ids parsed ahead, by count of rows seen */
    ids_ahead_t ahead[IDS_AHEAD];
    uint64_t ahead_seen, ahead_taken;
} validate_t;

#define PHASE_REJECTED "a phase of this project is rejected"

/* Whether the plan keeps a held row's raw text: it serves only a rejects
** file (a held row taken along when its project is rejected later). */
static bool keep_raw(const validate_t *v)
{
    return v->problems->rejects != NULL;
}

/* Drops a row that is not held: it counts as rejected. */
static stage_result_t reject(validate_t *v)
{
    (*v->rejected)++;
    return STAGE_DROP;
}

/* Binds the header's columns; a column schema `schema` requires that is
** missing makes the table unreadable. */
static void find_columns(validate_t *v, const table_t *t, table_id_t table)
{
    v->table = t;
    schema_bind(&v->cols, table, t);
    const table_def_t *def = schema_table(v->schema, table);
    for (size_t i = 0; i < def->ncols; i++) {
        column_id_t c = def->cols[i];
        if (v->cols.at[c] < 0 && schema_column(c)->required) {
            problem_at(v->problems, t, NULL, 1, schema_column_name(c), NULL, 0,
                       "required column missing");
            v->problems->fatal++;
        }
    }
}

static const field_t *field(const row_t *r, const validate_t *v, column_id_t c)
{
    return bound_field(&v->cols, r, c);
}

/* Where the header has column c (a column find_columns found). */
static size_t col(const validate_t *v, column_id_t c)
{
    return (size_t)v->cols.at[c];
}

/* id column: present and a UUID. */
static bool check_id(validate_t *v, const row_t *r, column_id_t which, uuid_t *out)
{
    const field_t *f = field(r, v, which);
    if (f->null) {
        problem_field(v->problems, v->table, r, col(v, which), "missing id");
        return false;
    }
    if (!uuid_parse(f->data, f->len, out)) {
        problem_field(v->problems, v->table, r, col(v, which),
                      "not a UUID (8-4-4-4-12 hex digits)");
        return false;
    }
    return true;
}

static bool check_date(validate_t *v, const row_t *r, column_id_t which, day_t *out)
{
    const field_t *f = field(r, v, which);
    if (f->null || !date_parse(f->data, f->len, out)) {
        problem_field(v->problems, v->table, r, col(v, which),
                      "not a real date (YYYY-MM-DD)");
        return false;
    }
    return true;
}

static bool check_money(validate_t *v, const row_t *r, column_id_t which, cents_t *out)
{
    const field_t *f = field(r, v, which);
    size_t at = col(v, which);
    if (f->null) {
        problem_field(v->problems, v->table, r, at, "missing budget");
        return false;
    }
    if (!cents_parse(f->data, f->len, 13, out)) {
        problem_field(v->problems, v->table, r, at, "not NUMERIC(15,2)");
        return false;
    }
    if (*out < 0) {
        problem_field(v->problems, v->table, r, at, "negative budget");
        return false;
    }
    return true;
}

/* ---- projects ---- */

static const table_t *projects_header(stage_t *self, const table_t *in)
{
    find_columns((validate_t *)self, in, T_PROJECTS);
    return in;
}

/* The UUID in column `which` of `r`, into *out; false if the field is
** missing, NULL or not a UUID. Safe on rows not checked for shape: one
** the reader found broken, or one prefetch() sees before the reader's
** check. */
static bool field_uuid(const validate_t *v, const row_t *r, column_id_t which, uuid_t *out)
{
    const field_t *f = field(r, v, which);
    return f && !f->null && uuid_parse(f->data, f->len, out);
}

/* A broken row was reported by the reader. If its ids can be read it is
** still registered, as rejected, with its project: so the rows that refer
** to it go along quietly instead of each being reported as unknown. */
static stage_result_t register_broken_project(validate_t *v, const row_t *r)
{
    uuid_t id;
    plan_t *plan = v->plan;
    if (!field_uuid(v, r, PROJECTS_ID, &id) ||
        !uuidmap_put(&plan->project_index, &id, plan->nprojects, NULL))
        return reject(v);
    project_t *pr = plan_add_project(plan, r, keep_raw(v));
    pr->id = id;
    pr->rejected = pr->reported = true;
    return STAGE_DROP;
}

static stage_result_t register_broken_phase(validate_t *v, const row_t *r)
{
    uuid_t id, project_id;
    size_t project = NO_INDEX;
    plan_t *plan = v->plan;
    if (field_uuid(v, r, PHASES_PROJECT_ID, &project_id) &&
        uuidmap_get(&plan->project_index, &project_id, &project))
        plan_reject_project(plan, project, PHASE_REJECTED);
    if (!field_uuid(v, r, PHASES_ID, &id) ||
        !uuidmap_put(&plan->phase_index, &id, plan->nphases, NULL))
        return reject(v);
    phase_t *ph = plan_add_phase(plan, r, keep_raw(v));
    ph->id = id;
    ph->project = project;
    ph->rejected = ph->reported = true;
    return STAGE_DROP;
}

static stage_result_t projects_process(stage_t *self, row_t *r)
{
    validate_t *v = (validate_t *)self;
    if (!r)
        return STAGE_DROP;
    if (r->broken)
        return register_broken_project(v, r);
    uuid_t id;
    day_t start = 0, end = 0;
    bool ok = check_id(v, r, PROJECTS_ID, &id);
    bool dates = check_date(v, r, PROJECTS_START_DATE, &start);
    dates = check_date(v, r, PROJECTS_END_DATE, &end) && dates;
    if (dates && start >= end) {
        char e[11];
        date_format(end, e);
        problem_field(v->problems, v->table, r, col(v, PROJECTS_START_DATE),
                      "start_date is not before end_date %s", e);
        dates = false;
    }
    if (!ok)
        return reject(v);
    plan_t *plan = v->plan;
    size_t first;
    if (!uuidmap_put(&plan->project_index, &id, plan->nprojects, &first)) {
        problem_field(v->problems, v->table, r, col(v, PROJECTS_ID),
                      "repeated id (also on line %lld)", (long long)plan->projects[first].line);
        plan_reject_project(plan, first, "repeated id (a later row has it too)");
        return reject(v);
    }
    project_t *pr = plan_add_project(plan, r, keep_raw(v));
    pr->id = id;
    pr->start = start;
    pr->end = end;
    pr->rejected = pr->reported = !dates;
    pr->id_as_read = plan_keep_id(plan, &id, field(r, v, PROJECTS_ID)->data);
    const field_t *name = field(r, v, PROJECTS_NAME);
    pr->name = name && !name->null ? plan_keep(plan, name->data, name->len) : NULL;
    return STAGE_PASS;
}

/* ---- phases ---- */

static const table_t *phases_header(stage_t *self, const table_t *in)
{
    find_columns((validate_t *)self, in, T_PHASES);
    return in;
}

static int phase_type_of(const field_t *f)
{
    if (f->null)
        return -1;
    if (strcasecmp(f->data, "PLANNING") == 0)
        return PHASE_PLANNING;
    if (strcasecmp(f->data, "EXECUTION") == 0)
        return PHASE_EXECUTION;
    return -1;
}

static stage_result_t phases_process(stage_t *self, row_t *r)
{
    validate_t *v = (validate_t *)self;
    if (!r)
        return STAGE_DROP;
    if (r->broken)
        return register_broken_phase(v, r);
    plan_t *plan = v->plan;
    uuid_t id, project_id;
    bool ok = check_id(v, r, PHASES_ID, &id);
    size_t project = NO_INDEX;
    const field_t *pf = field(r, v, PHASES_PROJECT_ID);
    if (pf->null || !uuid_parse(pf->data, pf->len, &project_id) ||
        !uuidmap_get(&plan->project_index, &project_id, &project)) {
        problem_field(v->problems, v->table, r, col(v, PHASES_PROJECT_ID), "unknown project");
        project = NO_INDEX;
    }
    int type = -1;
    day_t start = 0, end = 0;
    bool described = true;  /* old: a known type; new: a name and a real range */
    if (v->schema == SCHEMA_OLD) {
        type = phase_type_of(field(r, v, PHASES_PHASE_TYPE));
        if (type < 0) {
            problem_field(v->problems, v->table, r, col(v, PHASES_PHASE_TYPE),
                          "unknown phase type (PLANNING or EXECUTION)");
            described = false;
        }
    } else {
        if (field(r, v, PHASES_NAME)->null) {
            problem_field(v->problems, v->table, r, col(v, PHASES_NAME), "missing name");
            described = false;
        }
        bool dates = check_date(v, r, PHASES_START_DATE, &start);
        dates = check_date(v, r, PHASES_END_DATE, &end) && dates;
        if (dates && start > end) {
            char e[11];
            date_format(end, e);
            problem_field(v->problems, v->table, r, col(v, PHASES_START_DATE),
                          "start_date is after end_date %s", e);
            dates = false;
        }
        described = described && dates;
    }
    cents_t cap = 0, exp = 0, tot = 0;
    bool money = check_money(v, r, PHASES_CAPITAL_BUDGET, &cap);
    money = check_money(v, r, PHASES_EXPENSE_BUDGET, &exp) && money;
    money = check_money(v, r, PHASES_TOTAL_BUDGET, &tot) && money;
    if (money && cap + exp != tot) {
        char sum[24];
        cents_format(cap + exp, sum);
        problem_field(v->problems, v->table, r, col(v, PHASES_TOTAL_BUDGET),
                      "capital_budget + expense_budget = %s, not total_budget", sum);
        money = false;
    }
    bool good = ok && project != NO_INDEX && described && money;
    if (project != NO_INDEX && type >= 0) {
        project_t *pr = &plan->projects[project];
        if (pr->phase[type] != NO_INDEX) {
            problem_field(v->problems, v->table, r, col(v, PHASES_PHASE_TYPE),
                          "second %s phase of its project (first on line %lld)",
                          type == PHASE_PLANNING ? "PLANNING" : "EXECUTION",
                          (long long)plan->phases[pr->phase[type]].line);
            good = false;
        }
    }
    if (!good && project != NO_INDEX)
        plan_reject_project(plan, project, PHASE_REJECTED);
    if (!ok)
        return reject(v);
    size_t first;
    if (!uuidmap_put(&plan->phase_index, &id, plan->nphases, &first)) {
        phase_t *other = &plan->phases[first];
        problem_field(v->problems, v->table, r, col(v, PHASES_ID),
                      "repeated id (also on line %lld)", (long long)other->line);
        other->rejected = true;
        if (!other->reported && !other->why)
            other->why = "repeated id (a later row has it too)";
        if (other->project != NO_INDEX)
            plan_reject_project(plan, other->project, PHASE_REJECTED);
        if (project != NO_INDEX)
            plan_reject_project(plan, project, PHASE_REJECTED);
        return reject(v);
    }
    phase_t *ph = plan_add_phase(plan, r, keep_raw(v));
    ph->id = id;
    ph->project = project;
    ph->type = type;
    ph->capital = cap;
    ph->expense = exp;
    ph->total = tot;
    ph->rejected = ph->reported = !good;
    ph->id_as_read = plan_keep_id(plan, &id, field(r, v, PHASES_ID)->data);
    if (v->schema == SCHEMA_NEW) {
        ph->start = start;
        ph->end = end;
        ph->has_range = good;
        ph->name = plan_keep(plan, field(r, v, PHASES_NAME)->data, field(r, v, PHASES_NAME)->len);
    }
    if (good) {
        if (type >= 0)
            plan->projects[project].phase[type] = plan->nphases - 1;
    }
    return good ? STAGE_PASS : STAGE_DROP;
}

/* ---- assignments ---- */

static const table_t *assignments_header(stage_t *self, const table_t *in)
{
    find_columns((validate_t *)self, in, T_ASSIGNMENTS);
    return in;
}

static bool check_percentage(validate_t *v, const row_t *r, column_id_t which, cents_t *out,
                             bool *present)
{
    const field_t *f = field(r, v, which);
    *present = f && !f->null;
    if (!*present)
        return true;
    if (!cents_parse(f->data, f->len, 3, out) || *out < 0 || *out > 10000) {
        problem_field(v->problems, v->table, r, col(v, which),
                      "not a percentage (0 to 100, two decimals)");
        return false;
    }
    return true;
}

static void report_repeat(void *ctx, const uuid_t *id, int64_t line, int64_t first_line)
{
    validate_t *v = ctx;
    if (v->problems->keep_going) {
        /* too late for these rows: the command starts over knowing them */
        id_repeats_add(&v->plan->found_repeats, line, first_line);
        return;
    }
    char text[37];
    uuid_format(id, text);
    problem_at(v->problems, v->table, NULL, line, schema_column_name(ASSIGNMENTS_ID), text, 36, "repeated id (also on line %lld)",
               (long long)first_line);
}

/* Parses the ids of assignment `r` into `a` (IDS_PARSED). */
static void parse_ids(const validate_t *v, const row_t *r, ids_ahead_t *a)
{
    a->line = r->line;
    a->state = IDS_PARSED;
    a->project_ok = field_uuid(v, r, ASSIGNMENTS_PROJECT_ID, &a->project_id);
    a->phase_ok = v->schema == SCHEMA_OLD && field_uuid(v, r, ASSIGNMENTS_PROJECT_PHASE_ID, &a->phase_id);
}

static void look_up(validate_t *v, ids_ahead_t *a)
{
    a->project_found = a->project_ok && uuidmap_get(&v->plan->project_index, &a->project_id,
                                                    &a->project);
    a->state = IDS_LOOKED_UP;
}

/* The entry `back` rows before the newest, if prefetch() has seen that
** many and it is in state `state`; else NULL. */
static ids_ahead_t *ahead_at(validate_t *v, uint64_t back, int state)
{
    if (v->ahead_seen <= back)
        return NULL;
    ids_ahead_t *a = &v->ahead[(v->ahead_seen - 1 - back) % IDS_AHEAD];
    return a->state == state ? a : NULL;
}

static void assignments_prefetch(stage_t *self, const row_t *r)
{
    validate_t *v = (validate_t *)self;
    const plan_t *plan = v->plan;
    ids_ahead_t *a = &v->ahead[v->ahead_seen++ % IDS_AHEAD];
    parse_ids(v, r, a);
    if (a->project_ok)
        uuidmap_prefetch(&plan->project_index, &a->project_id);
    if ((a = ahead_at(v, STEP_BEHIND, IDS_PARSED)) != NULL) {
        look_up(v, a);
        if (a->project_found)
            __builtin_prefetch(&plan->projects[a->project]);
    }
    if ((a = ahead_at(v, 2 * STEP_BEHIND, IDS_LOOKED_UP)) != NULL) {
        a->state = IDS_PHASES_ASKED;
        for (int t = 0; a->project_found && a->phase_ok && t < PHASE_TYPES; t++) {
            size_t i = plan->projects[a->project].phase[t];
            if (i != NO_INDEX)
                __builtin_prefetch(&plan->phases[i]);
        }
    }
}

/* The ids prefetch() parsed for `r`, or NULL (none were: a source that
** does not read ahead). Rows it saw that never came are passed over. */
static ids_ahead_t *ids_ahead_of(validate_t *v, const row_t *r)
{
    while (v->ahead_taken < v->ahead_seen) {
        ids_ahead_t *a = &v->ahead[v->ahead_taken % IDS_AHEAD];
        if (a->line > r->line)
            return NULL;
        v->ahead_taken++;
        if (a->line == r->line && a->state != IDS_NONE) {
            if (a->state == IDS_PARSED)
                look_up(v, a);
            a->state = IDS_NONE;
            return a;
        }
        a->state = IDS_NONE;
    }
    return NULL;
}

/* The phase `id` names, in *phase; false if none. Most assignments name
** a phase of their own project (NO_INDEX: not known): looking there first
** saves a lookup in the phase index, a cache miss when phases are many. */
static bool find_phase(const plan_t *plan, size_t project, const uuid_t *id, size_t *phase)
{
    for (int t = 0; project != NO_INDEX && t < PHASE_TYPES; t++) {
        size_t i = plan->projects[project].phase[t];
        if (i != NO_INDEX && uuid_eq(&plan->phases[i].id, id)) {
            *phase = i;
            return true;
        }
    }
    return uuidmap_get(&plan->phase_index, id, phase);
}

static stage_result_t assignments_process(stage_t *self, row_t *r)
{
    validate_t *v = (validate_t *)self;
    if (!r) {
        unique_finish(v->ids, report_repeat, v);
        return STAGE_DROP;
    }
    ids_ahead_t fresh, *ahead = ids_ahead_of(v, r);
    if (r->broken)
        return reject(v);
    if (!ahead) {
        ahead = &fresh;
        parse_ids(v, r, ahead);
        look_up(v, ahead);
    }
    plan_t *plan = v->plan;
    uuid_t id;
    bool good = check_id(v, r, ASSIGNMENTS_ID, &id);
    int64_t first_line = good ? id_repeats_find(&plan->known_repeats, r->line) : -1;
    if (first_line >= 0) {
        problem_field(v->problems, v->table, r, col(v, ASSIGNMENTS_ID),
                      "repeated id (also on line %lld)", (long long)first_line);
        return reject(v);
    }
    if (good)
        unique_add(v->ids, &id, r->line);
    size_t project = ahead->project_found ? ahead->project : NO_INDEX, phase = NO_INDEX;
    if (project == NO_INDEX) {
        problem_field(v->problems, v->table, r, col(v, ASSIGNMENTS_PROJECT_ID), "unknown project");
        good = false;
    }
    if (v->schema == SCHEMA_OLD &&
        !(ahead->phase_ok && find_phase(plan, project, &ahead->phase_id, &phase))) {
        problem_field(v->problems, v->table, r, col(v, ASSIGNMENTS_PROJECT_PHASE_ID),
                      "names no phase in the dump");
        good = false;
    }
    day_t date;
    good = check_date(v, r, ASSIGNMENTS_ASSIGNMENT_DATE, &date) && good;
    cents_t alloc, cap, exp;
    bool has_alloc, has_cap, has_exp;
    good = check_percentage(v, r, ASSIGNMENTS_ALLOCATION_PERCENTAGE, &alloc, &has_alloc) && good;
    bool split = check_percentage(v, r, ASSIGNMENTS_CAPITAL_PERCENTAGE, &cap, &has_cap);
    split = check_percentage(v, r, ASSIGNMENTS_EXPENSE_PERCENTAGE, &exp, &has_exp) && split;
    if (split && has_cap && has_exp && cap + exp != 10000) {
        char sum[24];
        cents_format(cap + exp, sum);
        problem_field(v->problems, v->table, r, col(v, ASSIGNMENTS_EXPENSE_PERCENTAGE),
                      "capital_percentage + expense_percentage = %s, not 100", sum);
        split = false;
    }
    good = good && split;
    if (!good)
        return reject(v);
    /* a rejected project or phase takes its assignments with it */
    if (plan->projects[project].rejected) {
        problem_taken_along(v->problems, v->table, r, schema_column_name(ASSIGNMENTS_PROJECT_ID),
                            "its project is rejected");
        return reject(v);
    }
    if (phase != NO_INDEX && plan->phases[phase].rejected) {
        problem_taken_along(v->problems, v->table, r,
                            schema_column_name(ASSIGNMENTS_PROJECT_PHASE_ID),
                            "its phase is rejected");
        return reject(v);
    }
    plan_note(r, project, phase, date);
    return STAGE_PASS;
}

static void validate_free(stage_t *self)
{
    validate_t *v = (validate_t *)self;
    unique_free(v->ids);
    free(v);
}

static stage_t *validate_new(plan_t *plan, problems_t *problems, uint64_t *rejected,
                             schema_t schema, const char *name,
                             const table_t *(*header)(stage_t *, const table_t *),
                             stage_result_t (*process)(stage_t *, row_t *))
{
    validate_t *v = xcalloc(1, sizeof *v);
    v->base.name = name;
    v->base.reports_problems = true;
    v->base.header = header;
    v->base.process = process;
    v->base.free = validate_free;
    v->plan = plan;
    v->problems = problems;
    v->schema = schema;
    v->rejected = rejected;
    return &v->base;
}

stage_t *validate_projects_new(plan_t *plan, problems_t *problems, uint64_t *rejected)
{
    return validate_new(plan, problems, rejected, SCHEMA_OLD, "validate-projects", projects_header,
                        projects_process);
}

stage_t *validate_phases_new(plan_t *plan, problems_t *problems, uint64_t *rejected,
                             schema_t schema)
{
    return validate_new(plan, problems, rejected, schema, "validate-phases", phases_header,
                        phases_process);
}

stage_t *validate_assignments_new(plan_t *plan, problems_t *problems, uint64_t *rejected,
                                  schema_t schema)
{
    stage_t *s = validate_new(plan, problems, rejected, schema, "validate-assignments",
                              assignments_header, assignments_process);
    ((validate_t *)s)->ids = unique_new();
    s->prefetch = assignments_prefetch;
    return s;
}
