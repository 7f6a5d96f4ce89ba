#include "plan.h"

#include "../pipeline/stage.h"

#include <stdlib.h>
#include <string.h>

const char *const PHASE_NAMES[PHASE_TYPES] = {"Planning", "Execution"};

void plan_init(plan_t *p)
{
    memset(p, 0, sizeof *p);
    uuidmap_init(&p->project_index);
    uuidmap_init(&p->phase_index);
}

void plan_free(plan_t *p)
{
    for (size_t i = 0; i < p->nprojects; i++) {
        row_free(p->projects[i].row);
        free(p->projects[i].row);
    }
    for (size_t i = 0; i < p->nphases; i++) {
        row_free(p->phases[i].row);
        free(p->phases[i].row);
    }
    free(p->projects);
    free(p->phases);
    free(p->order);
    uuidmap_free(&p->project_index);
    uuidmap_free(&p->phase_index);
}

project_t *plan_add_project(plan_t *p)
{
    if (p->nprojects == p->projects_cap) {
        p->projects_cap = p->projects_cap ? p->projects_cap * 2 : 64;
        p->projects = xrealloc(p->projects, p->projects_cap * sizeof *p->projects);
    }
    project_t *pr = &p->projects[p->nprojects++];
    memset(pr, 0, sizeof *pr);
    pr->phase[PHASE_PLANNING] = pr->phase[PHASE_EXECUTION] = NO_INDEX;
    return pr;
}

phase_t *plan_add_phase(plan_t *p)
{
    if (p->nphases == p->phases_cap) {
        p->phases_cap = p->phases_cap ? p->phases_cap * 2 : 64;
        p->phases = xrealloc(p->phases, p->phases_cap * sizeof *p->phases);
    }
    phase_t *ph = &p->phases[p->nphases++];
    memset(ph, 0, sizeof *ph);
    ph->project = NO_INDEX;
    ph->type = -1;
    return ph;
}

static const plan_t *sorting;
static int by_project_start_id(const void *a, const void *b)
{
    const phase_t *x = &sorting->phases[*(const size_t *)a];
    const phase_t *y = &sorting->phases[*(const size_t *)b];
    if (x->project != y->project)
        return x->project < y->project ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return memcmp(x->id.b, y->id.b, sizeof x->id.b);
}

void plan_order_phases(plan_t *plan)
{
    free(plan->order);
    plan->order = xcalloc(plan->nphases + 1, sizeof *plan->order);
    size_t n = 0;
    for (size_t i = 0; i < plan->nphases; i++) {
        const phase_t *ph = &plan->phases[i];
        if (!ph->rejected && ph->has_range && ph->project != NO_INDEX)
            plan->order[n++] = i;
    }
    sorting = plan;
    qsort(plan->order, n, sizeof *plan->order, by_project_start_id);
    sorting = NULL;
    for (size_t i = 0; i < plan->nprojects; i++)
        plan->projects[i].first = plan->projects[i].count = 0;
    for (size_t i = 0; i < n; i++) {
        project_t *pr = &plan->projects[plan->phases[plan->order[i]].project];
        if (pr->count++ == 0)
            pr->first = i;
    }
}

/* ---- the held rows as sources, for output ---- */

typedef struct {
    source_t base;
    plan_t *plan;
    bool phases;
    size_t next;
    row_t row;
} plan_src_t;

static bool emitted(const plan_t *plan, bool phases, size_t i)
{
    if (!phases)
        return !plan->projects[i].rejected;
    const phase_t *ph = &plan->phases[i];
    return !ph->rejected && ph->project != NO_INDEX && !plan->projects[ph->project].rejected;
}

static int plan_next(source_t *self, row_t **out)
{
    plan_src_t *s = (plan_src_t *)self;
    size_t n = s->phases ? s->plan->nphases : s->plan->nprojects;
    while (s->next < n && !emitted(s->plan, s->phases, s->next))
        s->next++;
    if (s->next == n)
        return 0;
    const row_t *held = s->phases ? s->plan->phases[s->next].row : s->plan->projects[s->next].row;
    s->next++;
    /* a working copy: stages may change it */
    row_reset(&s->row);
    for (size_t i = 0; i < held->n; i++)
        row_push(&s->row, held->f[i].null ? NULL : held->f[i].data, held->f[i].len);
    row_seal(&s->row);
    s->row.line = held->line;
    *out = &s->row;
    return 1;
}

static void plan_src_free(source_t *self)
{
    plan_src_t *s = (plan_src_t *)self;
    table_free(self->table);
    row_free(&s->row);
    free(s);
}

source_t *plan_source_new(plan_t *plan, bool phases, const table_t *header)
{
    plan_src_t *s = xcalloc(1, sizeof *s);
    s->base.table = table_copy(header);
    s->base.next = plan_next;
    s->base.free = plan_src_free;
    s->plan = plan;
    s->phases = phases;
    row_init(&s->row);
    return &s->base;
}
