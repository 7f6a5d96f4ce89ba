/*
** remap: gives each phase its name and date range (docs/contract.md "migrate").
**
** Per project, with its phases found by type: both phases split the
** project at a day s, Planning [start, s] and Execution [s + 1, end]; s is
** the midpoint start + floor((end - start) / 2), or the evidence split
** (stages/split.c); a single phase spans [start, end]. Each
** project without phases gets none, and a warning. Each phase row leaves with four new columns: name, start_date, end_date,
** description (NULL). Dropping phase_type is the cut stage's job.
*/
#include "stages.h"


typedef struct {
    stage_t base;
    plan_t *plan;
    table_t *out;
    int id_col;
} remap_t;

void remap_plan(plan_t *plan, split_policy_t policy, problems_t *problems)
{
    for (size_t i = 0; i < plan->nprojects; i++) {
        project_t *pr = &plan->projects[i];
        if (pr->rejected)
            continue;
        size_t planning = pr->phase[PHASE_PLANNING], execution = pr->phase[PHASE_EXECUTION];
        if (planning != NO_INDEX && execution != NO_INDEX) {
            day_t mid = policy == SPLIT_EVIDENCE && pr->split_known
                            ? pr->split_day[SPLIT_EVIDENCE]
                            : pr->start + (pr->end - pr->start) / 2;
            phase_t *p = &plan->phases[planning], *e = &plan->phases[execution];
            p->start = pr->start, p->end = mid, p->has_range = true;
            e->start = mid + 1, e->end = pr->end, e->has_range = true;
        } else if (planning != NO_INDEX || execution != NO_INDEX) {
            phase_t *only = &plan->phases[planning != NO_INDEX ? planning : execution];
            only->start = pr->start, only->end = pr->end, only->has_range = true;
        } else {
            char text[UUID_TEXT_LEN + 1];
            problem_warn(problems, "project %s (%s) has no phase: its assignments are orphaned",
                         plan_id_text(&pr->id, pr->id_as_read, text),
                         pr->name ? pr->name : "unnamed");
        }
    }
}

static const table_t *remap_header(stage_t *self, const table_t *in)
{
    remap_t *r = (remap_t *)self;
    table_free(r->out);
    r->out = table_copy(in);
    const char *added[8];   /* name, start_date, end_date, description */
    size_t n = schema_diff(T_PHASES, SCHEMA_NEW, SCHEMA_OLD, added, ARRAY_LEN(added));
    for (size_t i = 0; i < n; i++)
        table_add_col(r->out, added[i], strlen(added[i]));
    binding_t cols;
    schema_bind(&cols, T_PHASES, in);
    r->id_col = cols.at[PHASES_ID];
    return r->out;
}

static stage_result_t remap_process(stage_t *self, row_t *row)
{
    remap_t *r = (remap_t *)self;
    if (!row)
        return STAGE_DROP;
    uuid_t id;
    size_t index;
    const field_t *f = &row->f[r->id_col];
    if (!uuid_parse(f->data, f->len, &id) || !uuidmap_get(&r->plan->phase_index, &id, &index))
        return STAGE_DROP;
    const phase_t *ph = &r->plan->phases[index];
    char start[11], end[11];
    date_format(ph->start, start);
    date_format(ph->end, end);
    const char *name = PHASE_NAMES[ph->type];
    row_push(row, name, strlen(name));
    row_push(row, start, 10);
    row_push(row, end, 10);
    row_push(row, NULL, 0);
    row_seal(row);
    return STAGE_PASS;
}

static void remap_free(stage_t *self)
{
    remap_t *r = (remap_t *)self;
    table_free(r->out);
    free(r);
}

stage_t *remap_new(plan_t *plan)
{
    remap_t *r = xcalloc(1, sizeof *r);
    r->base.name = "remap";
    r->base.header = remap_header;
    r->base.process = remap_process;
    r->base.free = remap_free;
    r->plan = plan;
    return &r->base;
}
