#include "plan.h"

#include "../pipeline/frame/errors.h"
#include "../pipeline/frame/problems.h"
#include "../pipeline/frame/stage.h"
#include "schema.h"

#include <stdlib.h>
#include <string.h>

const char *const PHASE_NAMES[PHASE_TYPES] = {"Planning", "Execution"};
const char *const MATCH_CLASS_NAMES[MATCH_CLASSES] = {"kept", "moved", "orphaned"};

void plan_init(plan_t *p)
{
    memset(p, 0, sizeof *p);
    uuidmap_init(&p->project_index);
    uuidmap_init(&p->phase_index);
    p->project_rows = rowspill_new();
    p->phase_rows = rowspill_new();
}

void plan_free(plan_t *p)
{
    rowspill_free(p->project_rows);
    rowspill_free(p->phase_rows);
    for (size_t i = 0; i < p->ntext_blocks; i++)
        free(p->text_blocks[i]);
    free(p->text_blocks);
    free(p->projects);
    free(p->moves);
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

enum { TEXT_BLOCK = 64 * 1024 };

static char *text_block(plan_t *p, size_t size)
{
    p->text_blocks = xrealloc(p->text_blocks, (p->ntext_blocks + 1) * sizeof *p->text_blocks);
    return p->text_blocks[p->ntext_blocks++] = xmalloc(size);
}

const char *plan_keep(plan_t *p, const char *s, size_t len)
{
    char *at;
    if (len + 1 > TEXT_BLOCK / 4) {
        at = text_block(p, len + 1);    /* a long text has a block of its own */
    } else {
        if (len + 1 > p->text_left) {
            p->text_next = text_block(p, TEXT_BLOCK);
            p->text_left = TEXT_BLOCK;
        }
        at = p->text_next;
        p->text_next += len + 1;
        p->text_left -= len + 1;
    }
    memcpy(at, s, len);
    at[len] = '\0';
    return at;
}

const char *plan_keep_id(plan_t *p, const uuid_t *id, const char *text)
{
    char spelled[UUID_TEXT_LEN + 1];
    uuid_format(id, spelled);
    return memcmp(spelled, text, UUID_TEXT_LEN) == 0 ? NULL : plan_keep(p, text, UUID_TEXT_LEN);
}

const char *plan_id_text(const uuid_t *id, const char *as_read, char buf[UUID_TEXT_LEN + 1])
{
    if (as_read)
        return as_read;
    uuid_format(id, buf);
    return buf;
}

project_t *plan_add_project(plan_t *p, const row_t *r, bool with_raw)
{
    if (p->nprojects == p->projects_cap) {
        p->projects_cap = p->projects_cap ? p->projects_cap * 2 : 64;
        p->projects = xrealloc(p->projects, p->projects_cap * sizeof *p->projects);
        p->moves = xrealloc(p->moves, p->projects_cap * sizeof *p->moves);
    }
    memset(&p->moves[p->nprojects], 0, sizeof *p->moves);
    project_t *pr = &p->projects[p->nprojects++];
    memset(pr, 0, sizeof *pr);
    pr->phase[PHASE_PLANNING] = pr->phase[PHASE_EXECUTION] = NO_INDEX;
    pr->line = r->line;
    rowspill_add(p->project_rows, r, with_raw);
    return pr;
}

phase_t *plan_add_phase(plan_t *p, const row_t *r, bool with_raw)
{
    if (p->nphases == p->phases_cap) {
        p->phases_cap = p->phases_cap ? p->phases_cap * 2 : 64;
        p->phases = xrealloc(p->phases, p->phases_cap * sizeof *p->phases);
    }
    phase_t *ph = &p->phases[p->nphases++];
    memset(ph, 0, sizeof *ph);
    ph->project = NO_INDEX;
    ph->type = -1;
    ph->line = r->line;
    rowspill_add(p->phase_rows, r, with_raw);
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
    uint64_t cx = move_matrix_changes(&ranking->moves[x]);
    uint64_t cy = move_matrix_changes(&ranking->moves[y]);
    if (cx != cy)
        return cx > cy ? -1 : 1;
    return (x > y) - (x < y);
}

size_t plan_projects_by_changes(const plan_t *plan, bool all, size_t **out)
{
    size_t *idx = xcalloc(plan->nprojects + 1, sizeof *idx), n = 0;
    for (size_t i = 0; i < plan->nprojects; i++) {
        const project_t *p = &plan->projects[i];
        if (!p->rejected && (all || move_matrix_changes(&plan->moves[i]) > 0))
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

/* Whether held row i (`row`) goes out; if not, it is counted and, unless
** a problem named it, written to the rejects file as taken along. */
static bool emitted(plan_src_t *s, size_t i, const row_t *row)
{
    const plan_t *plan = s->plan;
    const char *col, *why;
    if (!s->phases) {
        const project_t *pr = &plan->projects[i];
        if (!pr->rejected)
            return true;
        if (pr->reported)
            return (*s->rejected)++, false;
        col = schema_column_name(PROJECTS_ID);
        why = pr->why ? pr->why : "rejected";
    } else {
        const phase_t *ph = &plan->phases[i];
        bool project_ok = ph->project != NO_INDEX && !plan->projects[ph->project].rejected;
        if (!ph->rejected && project_ok)
            return true;
        if (ph->reported)
            return (*s->rejected)++, false;
        col = schema_column_name(ph->why ? PHASES_ID : PHASES_PROJECT_ID);
        why = ph->why ? ph->why : "its project is rejected";
    }
    (*s->rejected)++;
    problem_taken_along(s->problems, s->base.table, row, col, why);
    return false;
}

static int plan_next(source_t *self, row_t **out)
{
    plan_src_t *s = (plan_src_t *)self;
    size_t n = s->phases ? s->plan->nphases : s->plan->nprojects;
    rowspill_t *rows = s->phases ? s->plan->phase_rows : s->plan->project_rows;
    /* a fresh copy each time: stages may change it */
    while (s->next < n) {
        if (!rowspill_next(rows, &s->row))
            runtime_error("internal error: fewer held rows than the plan has");
        if (emitted(s, s->next++, &s->row)) {
            *out = &s->row;
            return 1;
        }
    }
    return 0;
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
