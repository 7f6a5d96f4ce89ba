/*
** rollback: new schema back to old, as the live migration's downgrade.
**
** A phase's phase_type is PLANNING when its lower-cased name contains
** "planning", else EXECUTION; it is appended as the last phase column (the
** cut stage drops name, start_date, end_date, description). An assignment
** gets project_phase_id, appended as its last column: the phase of its
** project containing its date, the first such by (start_date, id) where
** edited phases overlap; else the project's first phase by (start_date,
** id), counted as unmatched_to_first_phase. An assignment whose project
** has no phase cannot be rolled back: a problem.
**
** The rollback checks watch the rows as they are written: every phase has
** a phase_type, every assignment a project_phase_id, the new columns are
** gone, and the type distribution.
*/
#include <string.h>

#include "stages.h"

struct rollback {
    plan_t *plan;
    problems_t *problems;
    uint64_t *rejected;     /* assignments that cannot be rolled back */
    uint64_t phases, typed, by_type[PHASE_TYPES];
    uint64_t assignments, linked, matched, unmatched_to_first_phase;
    bool new_columns_left;
    char left[64];
};

typedef struct {
    stage_t base;
    rollback_t *rb;
    table_t *out;
    const table_t *in;
    int id, project, date, name, type, link;
} rb_stage_t;

rollback_t *rollback_new(plan_t *plan, problems_t *problems, uint64_t *rejected)
{
    rollback_t *rb = xcalloc(1, sizeof *rb);
    rb->plan = plan;
    rb->problems = problems;
    rb->rejected = rejected;
    return rb;
}

void rollback_free(rollback_t *rb)
{
    free(rb);
}

static const table_t *add_column(rb_stage_t *s, const table_t *in, const char *col)
{
    table_free(s->out);
    s->out = table_copy(in);
    table_add_col(s->out, col, strlen(col));
    s->in = in;
    s->id = table_col(in, "id");
    s->project = table_col(in, "project_id");
    s->date = table_col(in, "assignment_date");
    s->name = table_col(in, "name");
    return s->out;
}

static const table_t *phases_header(stage_t *self, const table_t *in)
{
    return add_column((rb_stage_t *)self, in, "phase_type");
}

/* PLANNING when the lower-cased name contains "planning". */
static int type_of_name(const char *name)
{
    static const char word[] = "planning";
    for (const char *p = name; *p; p++) {
        size_t i = 0;
        while (word[i] && p[i] && (p[i] | 0x20) == word[i])
            i++;
        if (!word[i])
            return PHASE_PLANNING;
    }
    return PHASE_EXECUTION;
}

static stage_result_t phases_process(stage_t *self, row_t *row)
{
    rb_stage_t *s = (rb_stage_t *)self;
    if (!row)
        return STAGE_DROP;
    int type = type_of_name(row->f[s->name].data);
    const char *text = type == PHASE_PLANNING ? "PLANNING" : "EXECUTION";
    row_push(row, text, strlen(text));
    row_seal(row);
    return STAGE_PASS;
}

static const table_t *assignments_header(stage_t *self, const table_t *in)
{
    return add_column((rb_stage_t *)self, in, "project_phase_id");
}

static stage_result_t assignments_process(stage_t *self, row_t *row)
{
    rb_stage_t *s = (rb_stage_t *)self;
    if (!row)
        return STAGE_DROP;
    rollback_t *rb = s->rb;
    plan_t *plan = rb->plan;
    size_t project, none;
    day_t date;
    if (!plan_noted(row, &project, &none, &date))
        runtime_error("internal error: rollback without validate");
    const project_t *pr = &plan->projects[project];
    if (pr->count == 0) {
        problem_field(rb->problems, s->in, row, (size_t)s->project,
                      "project has no phase to roll back to");
        (*rb->rejected)++;
        return STAGE_DROP;
    }
    const phase_t *to = NULL;
    for (size_t i = 0; i < pr->count && !to; i++) {
        const phase_t *ph = &plan->phases[plan->order[pr->first + i]];
        if (ph->start <= date && date <= ph->end)
            to = ph;
    }
    if (to) {
        rb->matched++;
    } else {
        to = &plan->phases[plan->order[pr->first]];
        rb->unmatched_to_first_phase++;
    }
    char text[UUID_TEXT_LEN + 1];
    row_push(row, plan_id_text(&to->id, to->id_as_read, text), UUID_TEXT_LEN);
    row_seal(row);
    return STAGE_PASS;
}

/* ---- the checks, on the rows being written ---- */

static const table_t *check_phases_header(stage_t *self, const table_t *in)
{
    rb_stage_t *s = (rb_stage_t *)self;
    static const char *const added[] = {"name", "start_date", "end_date", "description"};
    s->type = table_col(in, "phase_type");
    for (size_t i = 0; i < ARRAY_LEN(added); i++)
        if (table_col(in, added[i]) >= 0) {
            s->rb->new_columns_left = true;
            snprintf(s->rb->left, sizeof s->rb->left, "%s", added[i]);
        }
    return in;
}

static stage_result_t check_phases_process(stage_t *self, row_t *row)
{
    rb_stage_t *s = (rb_stage_t *)self;
    if (!row)
        return STAGE_PASS;
    rollback_t *rb = s->rb;
    rb->phases++;
    if (s->type >= 0 && !row->f[s->type].null) {
        rb->typed++;
        rb->by_type[strcmp(row->f[s->type].data, "PLANNING") == 0 ? PHASE_PLANNING
                                                                   : PHASE_EXECUTION]++;
    }
    return STAGE_PASS;
}

static const table_t *check_assignments_header(stage_t *self, const table_t *in)
{
    ((rb_stage_t *)self)->link = table_col(in, "project_phase_id");
    return in;
}

static stage_result_t check_assignments_process(stage_t *self, row_t *row)
{
    rb_stage_t *s = (rb_stage_t *)self;
    if (!row)
        return STAGE_PASS;
    s->rb->assignments++;
    if (s->link >= 0 && !row->f[s->link].null)
        s->rb->linked++;
    return STAGE_PASS;
}

static void rb_stage_free(stage_t *self)
{
    table_free(((rb_stage_t *)self)->out);
    free(self);
}

static stage_t *rb_stage_new(rollback_t *rb, const char *name,
                             const table_t *(*header)(stage_t *, const table_t *),
                             stage_result_t (*process)(stage_t *, row_t *))
{
    rb_stage_t *s = xcalloc(1, sizeof *s);
    s->base.name = name;
    s->base.header = header;
    s->base.process = process;
    s->base.free = rb_stage_free;
    s->rb = rb;
    return &s->base;
}

stage_t *rollback_phases_new(rollback_t *rb)
{
    return rb_stage_new(rb, "rollback-phases", phases_header, phases_process);
}

stage_t *rollback_assignments_new(rollback_t *rb)
{
    return rb_stage_new(rb, "rollback-assignments", assignments_header, assignments_process);
}

stage_t *rollback_check_phases_new(rollback_t *rb)
{
    return rb_stage_new(rb, "rollback-check", check_phases_header, check_phases_process);
}

stage_t *rollback_check_assignments_new(rollback_t *rb)
{
    return rb_stage_new(rb, "rollback-check", check_assignments_header,
                        check_assignments_process);
}

size_t rollback_checks(const rollback_t *rb, check_t out[ROLLBACK_CHECKS])
{
    memset(out, 0, ROLLBACK_CHECKS * sizeof *out);
    out[0] = (check_t){1, "every phase has a phase_type", rb->typed == rb->phases, "", false};
    snprintf(out[0].detail, sizeof out[0].detail, "%llu of %llu phases",
             (unsigned long long)rb->typed, (unsigned long long)rb->phases);
    /* a link by the first-phase rule is a guess: a WARN */
    out[1] = (check_t){2, "every assignment has a project_phase_id",
                       rb->linked == rb->assignments, "", rb->unmatched_to_first_phase > 0};
    snprintf(out[1].detail, sizeof out[1].detail,
             "%llu of %llu assignments (%llu by date, %llu unmatched_to_first_phase)",
             (unsigned long long)rb->linked, (unsigned long long)rb->assignments,
             (unsigned long long)rb->matched, (unsigned long long)rb->unmatched_to_first_phase);
    out[2] = (check_t){3, "the new columns are gone", !rb->new_columns_left, "", false};
    snprintf(out[2].detail, sizeof out[2].detail, "%s%s",
             rb->new_columns_left ? "still there: " : "name, start_date, end_date, description absent",
             rb->new_columns_left ? rb->left : "");
    out[3] = (check_t){4, "phase type distribution", true, "", false};
    snprintf(out[3].detail, sizeof out[3].detail, "PLANNING %llu, EXECUTION %llu",
             (unsigned long long)rb->by_type[PHASE_PLANNING],
             (unsigned long long)rb->by_type[PHASE_EXECUTION]);
    return ROLLBACK_CHECKS;
}

void rollback_numbers(const rollback_t *rb, rollback_numbers_t *out)
{
    out->matched = rb->matched;
    out->unmatched_to_first_phase = rb->unmatched_to_first_phase;
    out->planning = rb->by_type[PHASE_PLANNING];
    out->execution = rb->by_type[PHASE_EXECUTION];
}
