/*
** split: where a project with both phases is cut in two.
**
** midpoint (the live migration): s = start + floor((end - start) / 2).
** evidence: the s in [start, end - 1] that moves the fewest of the
** project's assignments whose date lies in its range, Planning being
** [start, s] and Execution [s + 1, end]; among equals the s closest to the
** midpoint, then the earlier. Under a split s an assignment pointing at
** Planning moves when its date is after s, one pointing at Execution when
** its date is on or before s; one pointing at another project's phase
** moves under every split, so it does not count.
**
** Moves under the split after day d are the Planning-pointing total plus
** the sum, over the days up to d, of (Execution-pointing - Planning-
** pointing) that day. So the counting stage keeps, per project with both
** phases, that total and one signed difference per day of its range,
** in a byte while it fits (memory: about 1 byte x days x such projects,
** never per assignment; a project with a busier day is widened to 8
** bytes a day). split_choose() then scans each project's days once, for
** both policies.
*/
#include <string.h>

#include "stages.h"

typedef struct {
    void *day;              /* int8_t or (wide) int64_t per day; NULL: not counted */
    bool wide;
    uint64_t planning;      /* Planning-pointing assignments in the range */
} day_counts_t;

struct split {
    plan_t *plan;
    day_counts_t *counts;   /* per project */
};

typedef struct {
    stage_t base;
    split_t *split;
} split_stage_t;

/* Days in a project's range (end > start: validate saw to it). */
static size_t days_of(const project_t *p)
{
    return (size_t)(p->end - p->start) + 1;
}

static bool has_both(const project_t *p)
{
    return !p->rejected && p->phase[PHASE_PLANNING] != NO_INDEX &&
           p->phase[PHASE_EXECUTION] != NO_INDEX;
}

split_t *split_new(plan_t *plan)
{
    split_t *s = xcalloc(1, sizeof *s);
    s->plan = plan;
    s->counts = xcalloc(plan->nprojects + 1, sizeof *s->counts);
    for (size_t i = 0; i < plan->nprojects; i++) {
        const project_t *p = &plan->projects[i];
        if (has_both(p))
            s->counts[i].day = xcalloc(days_of(p), sizeof(int8_t));
    }
    return s;
}

void split_free(split_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->plan->nprojects; i++)
        free(s->counts[i].day);
    free(s->counts);
    free(s);
}

/* A day's difference no longer fits a byte: 8 bytes a day from now on. */
static void widen(day_counts_t *c, size_t days)
{
    const int8_t *narrow = c->day;
    int64_t *wide = xmalloc(days * sizeof *wide);
    for (size_t d = 0; d < days; d++)
        wide[d] = (int64_t)narrow[d];
    free(c->day);
    c->day = wide;
    c->wide = true;
}

static stage_result_t count_process(stage_t *self, row_t *row)
{
    split_stage_t *st = (split_stage_t *)self;
    if (!row)
        return STAGE_PASS;
    const plan_t *plan = st->split->plan;
    size_t project, phase;
    day_t date;
    if (!plan_noted(row, &project, &phase, &date))
        runtime_error("internal error: split count without validate");
    day_counts_t *c = &st->split->counts[project];
    if (phase == NO_INDEX || !c->day || plan->phases[phase].project != project)
        return STAGE_PASS;
    const project_t *p = &plan->projects[project];
    if (date < p->start || date > p->end)
        return STAGE_PASS;
    size_t d = (size_t)(date - p->start);
    int delta = plan->phases[phase].type == PHASE_PLANNING ? -1 : 1;
    if (delta < 0)
        c->planning++;
    if (!c->wide) {
        int8_t *narrow = c->day;
        int v = narrow[d] + delta;
        if (v >= -INT8_MAX && v <= INT8_MAX) {
            narrow[d] = (int8_t)v;
            return STAGE_PASS;
        }
        widen(c, days_of(p));
    }
    ((int64_t *)c->day)[d] += delta;
    return STAGE_PASS;
}

static void split_stage_free(stage_t *self)
{
    free(self);
}

stage_t *split_count_new(split_t *s)
{
    split_stage_t *st = xcalloc(1, sizeof *st);
    st->base.name = "split-count";
    st->base.process = count_process;
    st->base.free = split_stage_free;
    st->split = s;
    return &st->base;
}

/* Moves under the split `s` (as a day offset) given Planning-pointing
** assignments after it and Execution-pointing ones up to it. */
void split_choose(split_t *s)
{
    plan_t *plan = s->plan;
    for (size_t i = 0; i < plan->nprojects; i++) {
        project_t *p = &plan->projects[i];
        const day_counts_t *c = &s->counts[i];
        if (!c->day)
            continue;
        size_t days = days_of(p);
        day_t mid = p->start + (p->end - p->start) / 2;
        /* never below minus the Planning total: moves stay >= 0 */
        int64_t difference_upto = 0;
        uint64_t best = UINT64_MAX;
        day_t best_day = mid;
        for (size_t d = 0; d + 1 < days; d++) {
            difference_upto += c->wide ? ((const int64_t *)c->day)[d] : ((const int8_t *)c->day)[d];
            uint64_t moves = (uint64_t)((int64_t)c->planning + difference_upto);
            day_t day = p->start + (day_t)d;
            int64_t dist = day > mid ? day - mid : mid - day;
            int64_t best_dist = best_day > mid ? best_day - mid : mid - best_day;
            /* strictly fewer, or as few and closer to the midpoint (days
            ** ascend, so an earlier equal one is already kept) */
            if (moves < best || (moves == best && dist < best_dist)) {
                best = moves;
                best_day = day;
            }
            if (day == mid)
                p->split_moves[SPLIT_MIDPOINT] = moves;
        }
        p->split_day[SPLIT_MIDPOINT] = mid;
        p->split_day[SPLIT_EVIDENCE] = best_day;
        p->split_moves[SPLIT_EVIDENCE] = best;
        p->split_known = true;
    }
}
