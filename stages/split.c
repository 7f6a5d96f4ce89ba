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
** The counting stage keeps, per project with both phases, how many
** assignments point at each type on each day of its range (memory:
** 8 bytes x days x such projects, never per assignment). split_choose()
** then scans each project's days once, for both policies.
*/
#include <string.h>

#include "stages.h"

struct split {
    plan_t *plan;
    uint32_t **counts;      /* per project: [2 * days], Planning then Execution */
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
            s->counts[i] = xcalloc(2 * days_of(p), sizeof **s->counts);
    }
    return s;
}

void split_free(split_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->plan->nprojects; i++)
        free(s->counts[i]);
    free(s->counts);
    free(s);
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
    if (phase == NO_INDEX || !st->split->counts[project] || plan->phases[phase].project != project)
        return STAGE_PASS;
    const project_t *p = &plan->projects[project];
    if (date < p->start || date > p->end)
        return STAGE_PASS;
    size_t days = days_of(p);
    st->split->counts[project][(size_t)plan->phases[phase].type * days +
                               (size_t)(date - p->start)]++;
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
        const uint32_t *c = s->counts[i];
        if (!c)
            continue;
        size_t days = days_of(p);
        const uint32_t *planning = c, *execution = c + days;
        uint64_t planning_total = 0;
        for (size_t d = 0; d < days; d++)
            planning_total += planning[d];
        day_t mid = p->start + (p->end - p->start) / 2;
        uint64_t planning_upto = 0, execution_upto = 0;
        uint64_t best = UINT64_MAX;
        day_t best_day = mid;
        for (size_t d = 0; d + 1 < days; d++) {
            planning_upto += planning[d];
            execution_upto += execution[d];
            uint64_t moves = (planning_total - planning_upto) + execution_upto;
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
