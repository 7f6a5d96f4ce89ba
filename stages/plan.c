#include "plan.h"

#include "../pipeline/problems.h"
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
    free(p->known_repeats.v);
    free(p->found_repeats.v);
    uuidmap_free(&p->project_index);
    uuidmap_free(&p->phase_index);
}

void id_repeats_add(id_repeats_t *r, int64_t line, int64_t first_line)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->v = xrealloc(r->v, r->cap * sizeof *r->v);
    }
    r->v[r->n].line = line;
    r->v[r->n].first_line = first_line;
    r->n++;
}

int64_t id_repeats_find(const id_repeats_t *r, int64_t line)
{
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->v[mid].line < line)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->n && r->v[lo].line == line ? r->v[lo].first_line : -1;
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

uint64_t move_matrix_changes(const move_matrix_t *m)
{
    uint64_t n = 0;
    for (int f = 0; f < FROM_KINDS; f++)
        for (int t = 0; t < TO_KINDS; t++)
            if (move_is_change(f, t))
                n += m->n[f][t];
    return n;
}

static const plan_t *ranking;
static int by_changes(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    uint64_t cx = move_matrix_changes(&ranking->projects[x].moves);
    uint64_t cy = move_matrix_changes(&ranking->projects[y].moves);
    if (cx != cy)
        return cx > cy ? -1 : 1;
    return (x > y) - (x < y);
}

size_t plan_projects_by_changes(const plan_t *plan, bool all, size_t **out)
{
    size_t *idx = xcalloc(plan->nprojects + 1, sizeof *idx), n = 0;
    for (size_t i = 0; i < plan->nprojects; i++) {
        const project_t *p = &plan->projects[i];
        if (!p->rejected && (all || move_matrix_changes(&p->moves) > 0))
            idx[n++] = i;
    }
    ranking = plan;
    qsort(idx, n, sizeof *idx, by_changes);
    ranking = NULL;
    *out = idx;
    return n;
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

void plan_reject_project(plan_t *plan, size_t i, const char *why)
{
    project_t *pr = &plan->projects[i];
    pr->rejected = true;
    if (!pr->why)
        pr->why = why;
}

typedef struct {
    source_t base;
    plan_t *plan;
    bool phases;
    size_t next;
    row_t row;
    problems_t *problems;
    uint64_t *rejected;
} plan_src_t;

/* Whether held row i goes out; if not, it is counted and, unless a
** problem named it, written to the rejects file as taken along. */
static bool emitted(plan_src_t *s, size_t i)
{
    const plan_t *plan = s->plan;
    const char *col, *why;
    const row_t *row;
    if (!s->phases) {
        const project_t *pr = &plan->projects[i];
        if (!pr->rejected)
            return true;
        if (pr->reported)
            return (*s->rejected)++, false;
        col = "id", why = pr->why ? pr->why : "rejected", row = pr->row;
    } else {
        const phase_t *ph = &plan->phases[i];
        bool project_ok = ph->project != NO_INDEX && !plan->projects[ph->project].rejected;
        if (!ph->rejected && project_ok)
            return true;
        if (ph->reported)
            return (*s->rejected)++, false;
        col = ph->why ? "id" : "project_id";
        why = ph->why ? ph->why : "its project is rejected";
        row = ph->row;
    }
    (*s->rejected)++;
    problem_taken_along(s->problems, s->base.table, row, col, why);
    return false;
}

static int plan_next(source_t *self, row_t **out)
{
    plan_src_t *s = (plan_src_t *)self;
    size_t n = s->phases ? s->plan->nphases : s->plan->nprojects;
    while (s->next < n && !emitted(s, s->next))
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

source_t *plan_source_new(plan_t *plan, bool phases, const table_t *header,
                          problems_t *problems, uint64_t *rejected)
{
    plan_src_t *s = xcalloc(1, sizeof *s);
    s->base.table = table_copy(header);
    s->base.next = plan_next;
    s->base.free = plan_src_free;
    s->plan = plan;
    s->phases = phases;
    s->problems = problems;
    s->rejected = rejected;
    row_init(&s->row);
    return &s->base;
}
