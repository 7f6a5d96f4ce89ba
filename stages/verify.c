/*
** verify: the nine checks of docs/contract.md "verify", on the rows of a
** new-schema dataset as they pass (migrate runs them on what it writes).
**
** The stages record projects (id, range), phases (project, name, range,
** budgets) and, per assignment, how many phases of its project contain
** its date; verify_checks() then judges. Memory: projects and phases only.
*/
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "stages.h"

/* Budget sums (capital, expense, total) per project, by side: the
** dataset's phases, and the original's (--against, migrate). */
enum { CAPITAL, EXPENSE, TOTAL, BUDGETS };
enum { DATASET, ORIGINAL, SIDES };
typedef money_sum_t budget_sums_t[BUDGETS];

#define NO_SPAN UINT32_MAX

static bool sums_equal(const money_sum_t *a, const money_sum_t *b)
{
    for (int k = 0; k < BUDGETS; k++)
        if (!money_sum_eq(a[k], b[k]))
            return false;
    return true;
}

typedef struct {
    uint32_t project;       /* its project's entry (an unreadable id: the zero id's) */
    uint32_t name;          /* index into names */
    day_t start, end;
    bool dated;
} vphase_t;

/* Every project id verify meets has one entry, in one index: those of
** the projects table (listed), and those only phases name (their budgets
** still count). */
typedef struct {
    uuid_t id;
    day_t start, end;
    bool listed;            /* a row of the projects table names it */
    bool dated;
    bool budgeted[SIDES];   /* in budget_order[side] */
    bool named_orphans;     /* named among check 9's projects without phase */
    uint32_t first, count;  /* its phases in `order` (listed only) */
} vproject_t;

struct verify {
    vproject_t *projects;   /* entries */
    budget_sums_t *sums[SIDES];     /* per entry */
    size_t nprojects, projects_cap;
    size_t nlisted;
    uuidmap_t project_index;
    /* entries with budgets on each side, in the order first met (check 7
    ** names the first that differ) */
    uint32_t *budget_order[SIDES];
    size_t nbudgeted[SIDES], budgeted_cap[SIDES];
    money_sum_t all[SIDES][BUDGETS];
    vphase_t *phases;
    size_t nphases, phases_cap;
    uint32_t *order;        /* phase indexes grouped by project, by start */
    char **names;
    uint64_t *name_counts;
    size_t nnames;
    uint64_t missing_fields, reversed;
    bool phase_type_present, phase_id_present;
    bool against;
    /* check 8: the database's differences from the application's schema
    ** (verify_schema); not inspected: CSV files declare no schema */
    bool schema_inspected;
    named_t schema_differences;
    uint64_t in_one, in_none, in_many;
    orphan_causes_t orphans;    /* in_none, by cause */
    named_t named[VERIFY_CHECKS];   /* each check's first offenders */
    named_t without_phases;         /* check 6: projects it does not judge */
    bool indexed;
    /* The dated phases' ranges in `order`'s order, so that matching an
    ** assignment reads its project's ranges side by side. */
    struct vrange {
        day_t start, end;
    } *ranges;
    /* Inside a migrate or rollback chain, validate has noted each
    ** assignment's project as an index into its plan (plan_note): the
    ** phases found for the first row of a plan index serve the later rows
    ** of that index, which name the same project_id. first NO_SPAN: not
    ** seen yet. */
    struct vspan {
        uint32_t first, count;
        uint32_t entry;     /* its project's entry (orphan causes) */
    } *by_plan_index;
    size_t by_plan_len;
};

typedef struct {
    stage_t base;
    verify_t *v;
    binding_t cols;     /* where the header has each column */
} vstage_t;

/* The budget columns, in the order of enum { CAPITAL, EXPENSE, TOTAL }. */
static const column_id_t BUDGET_COLS[BUDGETS] = {PHASES_CAPITAL_BUDGET, PHASES_EXPENSE_BUDGET,
                                                 PHASES_TOTAL_BUDGET};

verify_t *verify_new(void)
{
    verify_t *v = xcalloc(1, sizeof *v);
    uuidmap_init(&v->project_index);
    return v;
}

void verify_free(verify_t *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->nnames; i++)
        free(v->names[i]);
    free(v->names);
    free(v->name_counts);
    free(v->projects);
    free(v->phases);
    free(v->order);
    free(v->ranges);
    free(v->by_plan_index);
    uuidmap_free(&v->project_index);
    for (int side = 0; side < SIDES; side++) {
        free(v->sums[side]);
        free(v->budget_order[side]);
    }
    free(v);
}


void verify_schema(verify_t *v, const named_t *differences)
{
    v->schema_inspected = true;
    v->schema_differences = *differences;
}

/* A check's detail, then ": " and its first offenders. */
static void append_named(check_t *c, const named_t *named)
{
    if (named->n == 0)
        return;
    size_t len = strlen(c->detail);
    if (len + 3 >= sizeof c->detail)
        return;
    memcpy(c->detail + len, ": ", 3);
    named_words(named, c->detail + len + 2, sizeof c->detail - len - 2);
}

/* A field's text for a message: its first 36 bytes, control bytes and
** non-ASCII as '?' (an id that did not parse is shown, not trusted). */
static void shown(const field_t *f, char out[37])
{
    size_t n = 0;
    if (f && !f->null)
        for (; n < f->len && n < 36; n++)
            out[n] = f->data[n] >= 0x20 && f->data[n] < 0x7f ? f->data[n] : '?';
    out[n] = '\0';
    if (n == 0)
        snprintf(out, 37, "%s", f && !f->null ? "\"\"" : "NULL");
}

static bool get_date(const vstage_t *s, const row_t *r, column_id_t c, day_t *d)
{
    const field_t *f = bound_field(&s->cols, r, c);
    return f && !f->null && date_parse(f->data, f->len, d);
}

static bool get_uuid(const vstage_t *s, const row_t *r, column_id_t c, uuid_t *u)
{
    const field_t *f = bound_field(&s->cols, r, c);
    return f && !f->null && uuid_parse(f->data, f->len, u);
}

/* The entry of project `id`, made (not listed, no budgets) if new. */
static size_t project_entry(verify_t *v, const uuid_t *id)
{
    size_t at;
    if (uuidmap_get(&v->project_index, id, &at))
        return at;
    if (v->nprojects == v->projects_cap) {
        v->projects_cap = v->projects_cap ? v->projects_cap * 2 : 64;
        v->projects = xrealloc(v->projects, v->projects_cap * sizeof *v->projects);
        for (int side = 0; side < SIDES; side++)
            v->sums[side] = xrealloc(v->sums[side], v->projects_cap * sizeof *v->sums[side]);
    }
    at = v->nprojects++;
    uuidmap_put(&v->project_index, id, at, NULL);
    vproject_t *p = &v->projects[at];
    memset(p, 0, sizeof *p);
    p->id = *id;
    for (int side = 0; side < SIDES; side++)
        memset(v->sums[side][at], 0, sizeof v->sums[side][at]);
    return at;
}

/* A phase row's budgets on `side`; unreadable amounts count as zero
** (check 7 then fails through the other side's sums). */
static void add_budgets(const vstage_t *s, int side, const row_t *r)
{
    verify_t *v = s->v;
    uuid_t id;
    memset(&id, 0, sizeof id);
    if (!get_uuid(s, r, PHASES_PROJECT_ID, &id))
        memset(&id, 0xff, sizeof id);   /* phases of no readable project */
    cents_t amounts[BUDGETS] = {0, 0, 0};
    for (int k = 0; k < BUDGETS; k++) {
        const field_t *f = bound_field(&s->cols, r, BUDGET_COLS[k]);
        if (f && !f->null)
            cents_parse(f->data, f->len, 13, &amounts[k]);
    }
    size_t at = project_entry(v, &id);
    if (!v->projects[at].budgeted[side]) {
        v->projects[at].budgeted[side] = true;
        if (v->nbudgeted[side] == v->budgeted_cap[side]) {
            v->budgeted_cap[side] = v->budgeted_cap[side] ? v->budgeted_cap[side] * 2 : 64;
            v->budget_order[side] = xrealloc(
                v->budget_order[side], v->budgeted_cap[side] * sizeof *v->budget_order[side]);
        }
        v->budget_order[side][v->nbudgeted[side]++] = (uint32_t)at;
    }
    for (int k = 0; k < BUDGETS; k++) {
        money_sum_add(&v->sums[side][at][k], amounts[k]);
        money_sum_add(&v->all[side][k], amounts[k]);
    }
}

static const table_t *projects_header(stage_t *self, const table_t *in)
{
    schema_bind(&((vstage_t *)self)->cols, T_PROJECTS, in);
    return in;
}

static stage_result_t projects_process(stage_t *self, row_t *r)
{
    vstage_t *s = (vstage_t *)self;
    verify_t *v = s->v;
    uuid_t id;
    if (!r || !get_uuid(s, r, PROJECTS_ID, &id))
        return STAGE_PASS;
    size_t at = project_entry(v, &id);     /* may move v->projects */
    vproject_t *p = &v->projects[at];
    if (p->listed)
        return STAGE_PASS;      /* a repeated id: the first row stands */
    p->listed = true;
    v->nlisted++;
    p->dated = get_date(s, r, PROJECTS_START_DATE, &p->start) &&
               get_date(s, r, PROJECTS_END_DATE, &p->end);
    return STAGE_PASS;
}

static const table_t *phases_header(stage_t *self, const table_t *in)
{
    vstage_t *s = (vstage_t *)self;
    schema_bind(&s->cols, T_PHASES, in);
    s->v->phase_type_present = s->cols.at[PHASES_PHASE_TYPE] >= 0;
    return in;
}

static size_t name_index(verify_t *v, const field_t *f)
{
    const char *name = f ? f->data : "";
    for (size_t i = 0; i < v->nnames; i++)
        if (strcmp(v->names[i], name) == 0)
            return i;
    v->names = xrealloc(v->names, (v->nnames + 1) * sizeof *v->names);
    v->name_counts = xrealloc(v->name_counts, (v->nnames + 1) * sizeof *v->name_counts);
    v->names[v->nnames] = xstrdup(name);
    v->name_counts[v->nnames] = 0;
    return v->nnames++;
}

static stage_result_t phases_process(stage_t *self, row_t *r)
{
    vstage_t *s = (vstage_t *)self;
    verify_t *v = s->v;
    if (!r)
        return STAGE_PASS;
    if (v->nphases == UINT32_MAX - 1)
        runtime_error("more than %u phases to check: out of memory first", UINT32_MAX - 2);
    if (v->nphases == v->phases_cap) {
        v->phases_cap = v->phases_cap ? v->phases_cap * 2 : 64;
        v->phases = xrealloc(v->phases, v->phases_cap * sizeof *v->phases);
    }
    uuid_t project;
    memset(&project, 0, sizeof project);
    get_uuid(s, r, PHASES_PROJECT_ID, &project);
    uint32_t entry = (uint32_t)project_entry(v, &project);    /* may move v->projects */
    vphase_t *p = &v->phases[v->nphases++];
    memset(p, 0, sizeof *p);
    p->project = entry;
    const field_t *name = bound_field(&s->cols, r, PHASES_NAME);
    if (name && name->null)
        name = NULL;
    bool has_start = get_date(s, r, PHASES_START_DATE, &p->start);
    bool has_end = get_date(s, r, PHASES_END_DATE, &p->end);
    p->dated = has_start && has_end;
    char id[37];
    shown(bound_field(&s->cols, r, PHASES_ID), id);
    if (!name || !has_start || !has_end) {
        v->missing_fields++;
        named_add(&v->named[0], "%s (no %s%s%s%s%s)", id, name ? "" : "name",
                  !name && (!has_start || !has_end) ? ", " : "", has_start ? "" : "start_date",
                  !has_start && !has_end ? ", " : "", has_end ? "" : "end_date");
    }
    if (p->dated && p->start > p->end) {
        v->reversed++;
        char a[11], b[11];
        date_format(p->start, a);
        date_format(p->end, b);
        named_add(&v->named[3], "%s (starts %s, ends %s)", id, a, b);
    }
    p->name = (uint32_t)name_index(v, name);
    v->name_counts[p->name]++;
    add_budgets(s, DATASET, r);
    return STAGE_PASS;
}

static verify_t *sort_v;
static int by_project_then_start(const void *a, const void *b)
{
    uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
    const vphase_t *x = &sort_v->phases[i], *y = &sort_v->phases[j];
    if (x->project != y->project)
        return x->project < y->project ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (i > j) - (i < j);
}

/* Groups dated phases by project, each group ordered by start. A phase
** that ends before it starts covers no day: check 4 reports it, and it
** takes no part in coverage (6) or matching (9). */
static void build_index(verify_t *v)
{
    if (v->indexed)
        return;
    v->indexed = true;
    v->order = xcalloc(v->nphases + 1, sizeof *v->order);
    size_t n = 0;
    for (size_t i = 0; i < v->nphases; i++)
        if (v->phases[i].dated && v->phases[i].start <= v->phases[i].end)
            v->order[n++] = (uint32_t)i;   /* phases_process keeps i < UINT32_MAX */
    sort_v = v;
    qsort(v->order, n, sizeof *v->order, by_project_then_start);
    sort_v = NULL;
    v->ranges = xmalloc((n + 1) * sizeof *v->ranges);
    for (size_t i = 0; i < n; i++) {
        v->ranges[i].start = v->phases[v->order[i]].start;
        v->ranges[i].end = v->phases[v->order[i]].end;
    }
    for (size_t i = 0; i < n;) {
        size_t j = i;
        uint32_t entry = v->phases[v->order[i]].project;
        while (j < n && v->phases[v->order[j]].project == entry)
            j++;
        if (v->projects[entry].listed) {
            v->projects[entry].first = (uint32_t)i;
            v->projects[entry].count = (uint32_t)(j - i);
        }
        i = j;
    }
}

static const table_t *assignments_header(stage_t *self, const table_t *in)
{
    vstage_t *s = (vstage_t *)self;
    schema_bind(&s->cols, T_ASSIGNMENTS, in);
    s->v->phase_id_present = s->cols.at[ASSIGNMENTS_PROJECT_PHASE_ID] >= 0;
    build_index(s->v);
    return in;
}

static void remember_plan_index(verify_t *v, size_t planned, uint32_t entry)
{
    const vproject_t *p = &v->projects[entry];
    if (planned >= v->by_plan_len) {
        size_t len = v->by_plan_len ? v->by_plan_len : 64;
        while (len <= planned)
            len *= 2;
        v->by_plan_index = xrealloc(v->by_plan_index, len * sizeof *v->by_plan_index);
        for (size_t i = v->by_plan_len; i < len; i++)
            v->by_plan_index[i].first = NO_SPAN;
        v->by_plan_len = len;
    }
    v->by_plan_index[planned].first = p->first;
    v->by_plan_index[planned].count = p->count;
    v->by_plan_index[planned].entry = entry;
}

/* Why an assignment of project `entry` (NO_SPAN: unknown) dated `date`
** falls in no phase: the project has none, or the date is before its
** start, after its end, or between its phases. */
static void count_orphan(verify_t *v, uint32_t entry, day_t date)
{
    vproject_t *p = entry == NO_SPAN ? NULL : &v->projects[entry];
    if (!p || p->count == 0) {
        v->orphans.no_phase++;
        if (p && !p->named_orphans) {
            p->named_orphans = true;
            char id[37];
            uuid_format(&p->id, id);
            named_add(&v->orphans.no_phase_projects, "%s", id);
        }
    }
    else if (p->dated && date < p->start)
        v->orphans.before_start++;
    else if (p->dated && date > p->end)
        v->orphans.after_end++;
    else
        v->orphans.between_phases++;
}

static stage_result_t assignments_process(stage_t *self, row_t *r)
{
    vstage_t *s = (vstage_t *)self;
    verify_t *v = s->v;
    if (!r)
        return STAGE_PASS;
    uuid_t project;
    day_t date = 0;     /* read only with its project found, which sets it */
    size_t at, planned = NO_INDEX, planned_phase;
    struct vspan span = {0, 0, NO_SPAN};    /* its project's phases in ranges */
    bool noted = plan_noted(r, &planned, &planned_phase, &date);
    if (noted && planned < v->by_plan_len && v->by_plan_index[planned].first != NO_SPAN) {
        span = v->by_plan_index[planned];
    } else if (get_uuid(s, r, ASSIGNMENTS_PROJECT_ID, &project) &&
               get_date(s, r, ASSIGNMENTS_ASSIGNMENT_DATE, &date) &&
               uuidmap_get(&v->project_index, &project, &at) && v->projects[at].listed) {
        span.first = v->projects[at].first;
        span.count = v->projects[at].count;
        span.entry = (uint32_t)at;
        if (noted)
            remember_plan_index(v, planned, (uint32_t)at);
    }
    unsigned containing = 0;
    for (size_t i = 0; i < span.count; i++) {
        if (v->ranges[span.first + i].start > date)
            break;
        if (date <= v->ranges[span.first + i].end)
            containing++;
    }
    if (containing == 0) {
        v->in_none++;
        count_orphan(v, span.entry, date);
    } else if (containing == 1) {
        v->in_one++;
    } else {
        v->in_many++;
        char id[37];
        shown(bound_field(&s->cols, r, ASSIGNMENTS_ID), id);
        named_add(&v->named[8], "%s (in %u phases)", id, containing);
    }
    return STAGE_PASS;
}

static void vstage_free(stage_t *self)
{
    free(self);
}

static stage_t *vstage_new(verify_t *v, const table_t *(*header)(stage_t *, const table_t *),
                           stage_result_t (*process)(stage_t *, row_t *))
{
    vstage_t *s = xcalloc(1, sizeof *s);
    s->base.name = "verify";
    s->base.header = header;
    s->base.process = process;
    s->base.free = vstage_free;
    s->v = v;
    return &s->base;
}

stage_t *verify_projects_new(verify_t *v)
{
    return vstage_new(v, projects_header, projects_process);
}

stage_t *verify_phases_new(verify_t *v)
{
    return vstage_new(v, phases_header, phases_process);
}

/* Where the project's phases are, as the plan numbers it. */
static void assignments_prefetch(stage_t *self, const row_t *r)
{
    const verify_t *v = ((vstage_t *)self)->v;
    size_t planned, planned_phase;
    day_t date;
    if (plan_noted(r, &planned, &planned_phase, &date) && planned < v->by_plan_len)
        __builtin_prefetch(&v->by_plan_index[planned]);
}

stage_t *verify_assignments_new(verify_t *v)
{
    stage_t *s = vstage_new(v, assignments_header, assignments_process);
    s->prefetch = assignments_prefetch;
    return s;
}

static const table_t *original_header(stage_t *self, const table_t *in)
{
    schema_bind(&((vstage_t *)self)->cols, T_PHASES, in);
    ((vstage_t *)self)->v->against = true;
    return in;
}

static stage_result_t original_process(stage_t *self, row_t *r)
{
    vstage_t *s = (vstage_t *)self;
    if (r)
        add_budgets(s, ORIGINAL, r);
    return STAGE_PASS;
}

stage_t *verify_original_phases_new(verify_t *v)
{
    return vstage_new(v, original_header, original_process);
}

/* Check 7: the sums per project and overall against the original's;
** names the first projects that differ. */
static void budget_check(verify_t *v, check_t *c)
{
    char sums[BUDGETS][48];
    for (int k = 0; k < BUDGETS; k++)
        money_sum_format(v->all[DATASET][k], sums[k]);
    int len = snprintf(c->detail, sizeof c->detail, "capital %s, expense %s, total %s", sums[0],
                       sums[1], sums[2]);
    if (!v->against)
        return;
    named_t *differ = &v->named[6];
    for (int side = 0; side < SIDES; side++)
        for (size_t i = 0; i < v->nbudgeted[side]; i++) {
            size_t at = v->budget_order[side][i];
            if (side == ORIGINAL && v->projects[at].budgeted[DATASET])
                continue;   /* compared from the other side */
            if (sums_equal(v->sums[DATASET][at], v->sums[ORIGINAL][at]))
                continue;
            char id[37], now[48], was[48];
            uuid_format(&v->projects[at].id, id);
            money_sum_format(v->sums[DATASET][at][TOTAL], now);
            money_sum_format(v->sums[ORIGINAL][at][TOTAL], was);
            if (money_sum_eq(v->sums[DATASET][at][TOTAL], v->sums[ORIGINAL][at][TOTAL]))
                named_add(differ, "%s (capital or expense differ)", id);
            else
                named_add(differ, "%s (total %s, the original %s)", id, now, was);
        }
    bool same = differ->n == 0 && sums_equal(v->all[DATASET], v->all[ORIGINAL]);
    c->ok = same;
    if (same) {
        snprintf(c->detail + len, sizeof c->detail - (size_t)len, " (equal to the original)");
        return;
    }
    char want[BUDGETS][48];
    for (int k = 0; k < BUDGETS; k++)
        money_sum_format(v->all[ORIGINAL][k], want[k]);
    snprintf(c->detail + len, sizeof c->detail - (size_t)len,
             "; the original has capital %s, expense %s, total %s; %" PRIu64 " project%s differ%s",
             want[0], want[1], want[2], differ->n, differ->n == 1 ? "" : "s",
             differ->n == 1 ? "s" : "");
    append_named(c, differ);
}

/* "WHAT 2024-01-01..2024-01-05", or "WHAT 2024-01-01" for one day. */
static void on_days(char *out, size_t size, const char *what, day_t from, day_t to)
{
    char a[11], b[11];
    date_format(from, a);
    date_format(to, b);
    if (from == to)
        snprintf(out, size, "%s %s", what, a);
    else
        snprintf(out, size, "%s %s..%s", what, a, b);
}

/* Check 6: the first phase starts on the project's start, the last ends on
** its end, each next one starts the day after the previous ends. A project
** without phases is not judged (its assignments are orphaned: check 9);
** it is counted and named apart. Each project not covered is named with
** the first thing wrong. */
static void coverage(verify_t *v, uint64_t *uncovered, uint64_t *gaps, uint64_t *overlaps)
{
    build_index(v);
    memset(&v->named[5], 0, sizeof v->named[5]);
    memset(&v->without_phases, 0, sizeof v->without_phases);
    for (size_t i = 0; i < v->nprojects; i++) {
        const vproject_t *p = &v->projects[i];
        if (!p->listed || !p->dated)
            continue;
        char id[37];
        uuid_format(&p->id, id);
        if (p->count == 0) {
            named_add(&v->without_phases, "%s", id);
            continue;
        }
        char why[80] = "", a[11], b[11];
        const vphase_t *first = &v->phases[v->order[p->first]];
        day_t reach = first->end;
        date_format(p->start, a);
        date_format(first->start, b);
        if (first->start > p->start)
            on_days(why, sizeof why, "no phase on", p->start, first->start - 1);
        else if (first->start < p->start)
            snprintf(why, sizeof why, "a phase starts %s, before the project's start %s", b, a);
        for (size_t k = 1; k < p->count; k++) {
            const vphase_t *ph = &v->phases[v->order[p->first + k]];
            if (ph->start > reach + 1) {
                (*gaps)++;
                if (!*why)
                    on_days(why, sizeof why, "no phase on", reach + 1, ph->start - 1);
            } else if (ph->start <= reach) {
                (*overlaps)++;
                if (!*why)
                    on_days(why, sizeof why, "phases overlap on", ph->start,
                            ph->end < reach ? ph->end : reach);
            }
            if (ph->end > reach)
                reach = ph->end;
        }
        if (!*why && reach < p->end)
            on_days(why, sizeof why, "no phase on", reach + 1, p->end);
        else if (!*why && reach > p->end) {
            date_format(reach, a);
            date_format(p->end, b);
            snprintf(why, sizeof why, "a phase ends %s, after the project's end %s", a, b);
        }
        if (*why) {
            (*uncovered)++;
            named_add(&v->named[5], "%s (%s)", id, why);
        }
    }
}

static void set(check_t *c, int id, const char *name, bool ok)
{
    c->id = id;
    c->name = name;
    c->ok = ok;
    c->warn = false;
    c->detail[0] = '\0';
}

size_t verify_checks(verify_t *v, check_t out[VERIFY_CHECKS])
{
    check_t *c = out;
    set(&c[0], 1, "every phase has name, start_date, end_date", v->missing_fields == 0);
    snprintf(c[0].detail, sizeof c[0].detail, "%zu phases, %llu incomplete", v->nphases,
             (unsigned long long)v->missing_fields);
    append_named(&c[0], &v->named[0]);
    set(&c[1], 2, "project_phases has no phase_type column", !v->phase_type_present);
    snprintf(c[1].detail, sizeof c[1].detail, "phase_type %s",
             v->phase_type_present ? "present" : "absent");
    set(&c[2], 3, "resource_assignments has no project_phase_id column", !v->phase_id_present);
    snprintf(c[2].detail, sizeof c[2].detail, "project_phase_id %s",
             v->phase_id_present ? "present" : "absent");
    set(&c[3], 4, "start_date <= end_date on every phase", v->reversed == 0);
    snprintf(c[3].detail, sizeof c[3].detail, "%llu phases end before they start",
             (unsigned long long)v->reversed);
    append_named(&c[3], &v->named[3]);
    set(&c[4], 5, "phase name distribution", true);
    size_t len = 0;
    for (size_t i = 0; i < v->nnames && len + 1 < sizeof c[4].detail; i++)
        len += (size_t)snprintf(c[4].detail + len, sizeof c[4].detail - len, "%s%s %llu",
                                i ? ", " : "", v->names[i],
                                (unsigned long long)v->name_counts[i]);
    uint64_t uncovered = 0, gaps = 0, overlaps = 0;
    coverage(v, &uncovered, &gaps, &overlaps);
    set(&c[5], 6, "phases cover each project's dates exactly", uncovered == 0);
    snprintf(c[5].detail, sizeof c[5].detail,
             "%zu projects, %llu not covered exactly (%llu gaps, %llu overlaps)", v->nlisted,
             (unsigned long long)uncovered, (unsigned long long)gaps, (unsigned long long)overlaps);
    append_named(&c[5], &v->named[5]);
    if (v->without_phases.n > 0) {
        /* no coverage failure: the application's verification passes them
        ** too; their assignments are orphaned, a WARN of check 9 */
        char names[700];
        named_words(&v->without_phases, names, sizeof names);
        int at6 = (int)strlen(c[5].detail);
        snprintf(c[5].detail + at6, sizeof c[5].detail - (size_t)at6,
                 "; %" PRIu64 " without phases, not judged (their assignments are orphaned): %s",
                 v->without_phases.n, names);
    }
    set(&c[6], 7, "budget preserved", true);
    budget_check(v, &c[6]);
    set(&c[7], 8, "the tables are declared as the application's",
        v->schema_differences.n == 0);
    if (!v->schema_inspected)
        snprintf(c[7].detail, sizeof c[7].detail, "not applicable to CSV");
    else if (v->schema_differences.n == 0)
        snprintf(c[7].detail, sizeof c[7].detail,
                 "columns, types, NOT NULLs, keys, indexes and CHECKs as the application's");
    else
        snprintf(c[7].detail, sizeof c[7].detail, "%" PRIu64 " difference%s",
                 v->schema_differences.n, v->schema_differences.n == 1 ? "" : "s");
    append_named(&c[7], &v->schema_differences);
    /* in none (orphaned) is a finding, not a failure: the live migration
    ** leaves them so too; in more than one is a broken dataset */
    set(&c[8], 9, "each assignment's date falls in one phase", v->in_many == 0);
    c[8].warn = v->in_none > 0;
    int at = snprintf(c[8].detail, sizeof c[8].detail,
                      "%llu in one phase, %llu in none, %llu in more",
                      (unsigned long long)v->in_one, (unsigned long long)v->in_none,
                      (unsigned long long)v->in_many);
    if (v->in_none > 0) {
        char why[800];
        orphans_words(why, sizeof why, &v->orphans);
        snprintf(c[8].detail + at, sizeof c[8].detail - (size_t)at, " (orphaned: %s)", why);
    }
    append_named(&c[8], &v->named[8]);
    return VERIFY_CHECKS;
}

void verify_orphans(const verify_t *v, orphan_causes_t *out)
{
    *out = v->orphans;
}

size_t verify_names(const verify_t *v, const char *const **names, const uint64_t **counts)
{
    *names = (const char *const *)v->names;
    *counts = v->name_counts;
    return v->nnames;
}

void verify_budget(const verify_t *v, money_sum_t *capital, money_sum_t *expense,
                   money_sum_t *total)
{
    *capital = v->all[DATASET][CAPITAL];
    *expense = v->all[DATASET][EXPENSE];
    *total = v->all[DATASET][TOTAL];
}
