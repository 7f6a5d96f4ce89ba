/*
** match: classifies each assignment against the new phases
** (docs/contract.md "migrate"). Its implicit phase is the phase of its project whose range
** contains assignment_date: kept when that is the phase it pointed at,
** moved when it is another one, orphaned when there is none. A
** project_phase_id naming a phase of another project is counted as a
** cross-project link and classified like any other.
**
** The row leaves as it came, with match's finding noted on it
** (match_note, plan.h: the class and the implicit phase's index) for the
** stages after it, the diff and the report.
*/
#include <inttypes.h>

#include "stages.h"

typedef struct {
    stage_t base;
    plan_t *plan;
    /* the plan's, handed over at the end: plan_t's lines are read by
    ** validate's thread meanwhile */
    assignment_counts_t counts;
} match_t;

static stage_result_t match_process(stage_t *self, row_t *row)
{
    match_t *m = (match_t *)self;
    if (!row) {
        m->plan->counts = m->counts;   /* match is their only counter */
        return STAGE_DROP;
    }
    plan_t *plan = m->plan;
    size_t project, pointed;
    day_t date;
    if (!plan_noted(row, &project, &pointed, &date) || pointed == NO_INDEX)
        runtime_error("internal error: match without validate");
    project_t *pr = &plan->projects[project];
    const phase_t *from = &plan->phases[pointed];
    size_t implicit = NO_INDEX;
    int to = TO_NONE;
    unsigned containing = 0;
    for (int t = 0; t < PHASE_TYPES; t++) {
        size_t i = pr->phase[t];
        if (i != NO_INDEX && plan->phases[i].has_range && plan->phases[i].start <= date &&
            date <= plan->phases[i].end) {
            containing++;
            implicit = i;
            to = t;
        }
    }
    assignment_counts_t *c = &m->counts;
    c->total++;
    if (containing == 0)
        c->in_none++;
    else if (containing == 1)
        c->in_one++;
    else
        c->in_many++;
    if (from->project != project)
        c->cross_project_links++;
    match_class_t class;
    if (implicit == NO_INDEX)
        class = MATCH_ORPHANED, c->orphaned++;
    else if (implicit == pointed)
        class = MATCH_KEPT, c->kept++;
    else
        class = MATCH_MOVED, c->moved++;
    move_matrix_t *mm = &plan->moves[project];
    int kind = from->project != project ? FROM_OTHER_PROJECT : from->type;
    if (mm->n[kind][to] == MOVE_COUNT_MAX)
        runtime_error("project %s has more than %" PRIu32 " assignments of one kind of move: "
                      "more than phasemig counts",
                      plan_id_text(&pr->id, pr->id_as_read, (char[UUID_TEXT_LEN + 1]){0}),
                      (uint32_t)MOVE_COUNT_MAX);
    uint64_t before = mm->n[kind][to]++;
    bool has_phase = pr->phase[PHASE_PLANNING] != NO_INDEX || pr->phase[PHASE_EXECUTION] != NO_INDEX;
    if (to == TO_NONE && has_phase && date > pr->end) {
        /* after the end: dated apart, so that each cause has its dates */
        if (mm->after_end[kind]++ == 0 || date < mm->after_first[kind])
            mm->after_first[kind] = date;
        if (mm->after_end[kind] == 1 || date > mm->after_last[kind])
            mm->after_last[kind] = date;
    } else {
        uint64_t others = before - (to == TO_NONE ? mm->after_end[kind] : 0);
        if (others == 0 || date < mm->first[kind][to])
            mm->first[kind][to] = date;
        if (others == 0 || date > mm->last[kind][to])
            mm->last[kind][to] = date;
    }
    match_note(row, class, implicit);
    return STAGE_PASS;
}

static void match_free(stage_t *self)
{
    free(self);
}

stage_t *match_new(plan_t *plan)
{
    match_t *m = xcalloc(1, sizeof *m);
    m->base.name = "match";
    m->base.header = NULL;   /* the rows go on as they came */
    m->base.process = match_process;
    m->base.free = match_free;
    m->plan = plan;
    return &m->base;
}
