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
** phases, that total and one signed difference per day of its range, in
** half a byte while every day's fits in [-7, 7] (memory: about days / 2
** bytes x such projects, never per assignment; at a few hundred
** assignments a project that is the common case), else a byte, else 8
** bytes a day: a project widens as a day of it leaves the range.
** split_choose() then scans each project's days once, for both policies.
*/
#include <string.h>

#include "stages.h"

/* How wide a project's day cells are. */
enum { DAY_NIBBLE, DAY_BYTE, DAY_WIDE };
#define NIBBLE_MAX 7
typedef struct {
    void *day;              /* per day, by width: 4 bits (two days a byte,
                            ** the even day low), int8_t or int64_t; NULL:
                            ** not counted */
    uint8_t width;
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
            s->counts[i].day = xcalloc((days_of(p) + 1) / 2, 1);
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

static int nibble_get(const uint8_t *cells, size_t d)
{
    int v = (cells[d / 2] >> (d % 2 * 4)) & 0xf;
    return v & 8 ? v - 16 : v;
}

static void nibble_set(uint8_t *cells, size_t d, int v)
{
    unsigned shift = (unsigned)(d % 2 * 4);
    cells[d / 2] = (uint8_t)((cells[d / 2] & ~(0xfu << shift)) | (((unsigned)v & 0xfu) << shift));
}

static int64_t day_get(const day_counts_t *c, size_t d)
{
    switch (c->width) {
    case DAY_NIBBLE:
        return nibble_get(c->day, d);
    case DAY_BYTE:
        return ((const int8_t *)c->day)[d];
    default:
        return ((const int64_t *)c->day)[d];
    }
}

/* A day's difference no longer fits its cell: the next width for every
** day of the project, from now on. */
static void widen(day_counts_t *c, size_t days)
{
    void *wider;
    if (c->width == DAY_NIBBLE) {
        int8_t *bytes = xmalloc(days * sizeof *bytes);
        for (size_t d = 0; d < days; d++)
            bytes[d] = (int8_t)nibble_get(c->day, d);
        wider = bytes;
    } else {
        int64_t *wide = xmalloc(days * sizeof *wide);
        for (size_t d = 0; d < days; d++)
            wide[d] = (int64_t)((const int8_t *)c->day)[d];
        wider = wide;
    }
    free(c->day);
    c->day = wider;
    c->width++;
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
    if (c->width == DAY_NIBBLE) {
        int v = nibble_get(c->day, d) + delta;
        if (v >= -NIBBLE_MAX && v <= NIBBLE_MAX) {
            nibble_set(c->day, d, v);
            return STAGE_PASS;
        }
        widen(c, days_of(p));
    }
    if (c->width == DAY_BYTE) {
        int8_t *bytes = c->day;
        int v = bytes[d] + delta;
        if (v >= -INT8_MAX && v <= INT8_MAX) {
            bytes[d] = (int8_t)v;
            return STAGE_PASS;
        }
        widen(c, days_of(p));
    }
    ((int64_t *)c->day)[d] += delta;
    return STAGE_PASS;
}

/* The project's counts, range and the phase pointed at. */
static void count_prefetch(stage_t *self, const row_t *row)
{
    const split_t *s = ((split_stage_t *)self)->split;
    size_t project, phase;
    day_t date;
    if (!plan_noted(row, &project, &phase, &date))
        return;
    __builtin_prefetch(&s->counts[project]);
    __builtin_prefetch(&s->plan->projects[project]);
    if (phase != NO_INDEX)
        __builtin_prefetch(&s->plan->phases[phase]);
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
    st->base.prefetch = count_prefetch;
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
            difference_upto += day_get(c, d);
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
