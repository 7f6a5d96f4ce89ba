/*
** summary: the story of a run, as summary.json for programs and as text
** on stdout for a person: the numbers, the checks, and per project how
** many assignments move from which phase to which.
*/
#include <inttypes.h>

#include "../pipeline/frame/json.h"
#include "stages.h"

#define SHOWN_PROJECTS 20

static const char *const FROM_NAMES[FROM_KINDS] = {"Planning", "Execution",
                                                   "a phase of another project"};
static const char *const TO_NAMES[TO_KINDS] = {"Planning", "Execution", "no phase"};

const char *check_status(const check_t *c)
{
    return !c->ok ? "FAIL" : c->warn ? "WARN" : "PASS";
}

/* "ok" stays as it was (false only for FAIL) so that existing readers
** keep working; "status" tells a WARN apart. */
void checks_json(buf_t *b, const check_t *checks, size_t n)
{
    buf_adds(b, "\"checks\": [");
    for (size_t i = 0; i < n; i++) {
        buf_printf(b, "%s\n    {\"id\": %d, \"name\": ", i ? "," : "", checks[i].id);
        json_string(b, checks[i].name);
        buf_printf(b, ", \"ok\": %s, \"status\": \"%s\", \"detail\": ",
                   checks[i].ok ? "true" : "false", check_status(&checks[i]));
        json_string(b, checks[i].detail);
        buf_adds(b, "}");
    }
    buf_adds(b, "\n  ]");
}

void checks_text(FILE *out, const check_t *checks, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(out, "  %s %d %s: %s\n", check_status(&checks[i]), checks[i].id,
                checks[i].name, checks[i].detail);
}

bool checks_pass(const check_t *checks, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!checks[i].ok)
            return false;
    return true;
}

bool checks_warn(const check_t *checks, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (checks[i].ok && checks[i].warn)
            return true;
    return false;
}

bool checks_accept(const check_t *checks, size_t n, bool strict)
{
    return checks_pass(checks, n) && !(strict && checks_warn(checks, n));
}

void orphans_json(buf_t *b, const orphan_causes_t *o)
{
    buf_printf(b,
               "\"orphaned_by_cause\": {\"before_start\": %" PRIu64 ", \"after_end\": %" PRIu64
               ", \"no_phase\": %" PRIu64 ", \"between_phases\": %" PRIu64,
               o->before_start, o->after_end, o->no_phase, o->between_phases);
    /* the projects without phase, the first NAMED_MAX of them */
    if (o->no_phase_projects.n > 0) {
        buf_adds(b, ", \"no_phase_projects\": [");
        for (uint64_t i = 0; i < o->no_phase_projects.n && i < NAMED_MAX; i++) {
            buf_adds(b, i ? ", " : "");
            json_string(b, o->no_phase_projects.text[i]);
        }
        buf_adds(b, "]");
    }
    buf_adds(b, "}");
}

/* Every cause is named, a zero too, so that a reader sees what was
** looked for; between_phases only when there are some (migrate's phases
** cover their projects, so it is verify's alone). */
void orphans_words(char *out, size_t size, const orphan_causes_t *o)
{
    char projects[700];
    named_words(&o->no_phase_projects, projects, sizeof projects);
    int at = snprintf(out, size,
                      "%" PRIu64 " dated before its project's start, %" PRIu64
                      " after its end, %" PRIu64 " in a project with no phase%s%s%s",
                      o->before_start, o->after_end, o->no_phase, *projects ? " (" : "",
                      projects, *projects ? ")" : "");
    if (o->between_phases > 0 && at > 0 && (size_t)at < size)
        snprintf(out + at, size - (size_t)at, ", %" PRIu64 " between its project's phases",
                 o->between_phases);
}

void rows_json(buf_t *b, const table_rows_t *rows)
{
    buf_adds(b, "\"rows\": {");
    for (int t = 0; t < 3; t++)
        buf_printf(b, "%s\"%s\": {\"in\": %" PRIu64 ", \"out\": %" PRIu64
                      ", \"rejected\": %" PRIu64 "}",
                   t ? ", " : "", rows[t].table, rows[t].in, rows[t].out, rows[t].rejected);
    buf_adds(b, "}");
}

void rows_text(FILE *out, const table_rows_t *rows)
{
    fprintf(out, "\nRows:\n");
    for (int t = 0; t < 3; t++)
        fprintf(out, "  %-21s %" PRIu64 " in, %" PRIu64 " out, %" PRIu64 " rejected\n",
                rows[t].table, rows[t].in, rows[t].out, rows[t].rejected);
}



/* Where a dry run says the real run writes file `name`, the real run says
** where it is: "OUT/diff.csv" (OUT as given, or the word OUT). */
static void output_file(char *out, size_t size, const summary_input_t *in, const char *name)
{
    snprintf(out, size, "%s/%s", in->out_path ? in->out_path : "OUT", name);
}

static const char *const POLICY_NAMES[SPLIT_POLICIES] = {"midpoint", "evidence"};

/* Both policies' moves over the projects with both phases. */
static void split_totals(const plan_t *plan, uint64_t moved[SPLIT_POLICIES], size_t *projects)
{
    moved[0] = moved[1] = 0;
    *projects = 0;
    for (size_t i = 0; i < plan->nprojects; i++) {
        const project_t *p = &plan->projects[i];
        if (!p->split_known)
            continue;
        (*projects)++;
        for (int k = 0; k < SPLIT_POLICIES; k++)
            moved[k] += p->split_moves[k];
    }
}

/* Passes what b holds on to `out` once it is large: the per-project lists
** of a big plan run to tens of megabytes, which would be the peak of the
** run if held whole. */
#define JSON_DRAIN_AT ((size_t)64 * 1024)
static void drain(buf_t *b, bytesink_t *out, size_t at_least)
{
    if (b->len >= at_least) {
        out->write(out, b->data, b->len);
        buf_clear(b);
    }
}

static void splits_json(buf_t *b, bytesink_t *out, const summary_input_t *in)
{
    const plan_t *plan = in->plan;
    uint64_t moved[SPLIT_POLICIES];
    size_t projects;
    split_totals(plan, moved, &projects);
    buf_printf(b,
               "  \"split\": {\"policy\": \"%s\", \"moved\": {\"midpoint\": %" PRIu64
               ", \"evidence\": %" PRIu64 "}, \"projects\": [",
               POLICY_NAMES[in->split], moved[0], moved[1]);
    bool first = true;
    for (size_t i = 0; i < plan->nprojects; i++) {
        const project_t *p = &plan->projects[i];
        if (!p->split_known)
            continue;
        char text[UUID_TEXT_LEN + 1];
        buf_adds(b, first ? "\n    {\"project_id\": " : ",\n    {\"project_id\": ");
        first = false;
        json_string(b, plan_id_text(&p->id, p->id_as_read, text));
        for (int k = 0; k < SPLIT_POLICIES; k++) {
            char day[11];
            date_format(p->split_day[k], day);
            buf_printf(b, ", \"%s\": {\"planning_ends\": \"%s\", \"moved\": %" PRIu64 "}",
                       POLICY_NAMES[k], day, p->split_moves[k]);
        }
        buf_adds(b, "}");
        drain(b, out, JSON_DRAIN_AT);
    }
    buf_adds(b, first ? "]},\n" : "\n  ]},\n");
}

static const plan_t *gain_plan;
static int by_gain(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    const project_t *p = &gain_plan->projects[x], *q = &gain_plan->projects[y];
    int64_t gp = (int64_t)(p->split_moves[0] - p->split_moves[1]);
    int64_t gq = (int64_t)(q->split_moves[0] - q->split_moves[1]);
    if (gp != gq)
        return gp > gq ? -1 : 1;
    return (x > y) - (x < y);
}

static void splits_text(FILE *out, const summary_input_t *in)
{
    const plan_t *plan = in->plan;
    uint64_t moved[SPLIT_POLICIES];
    size_t projects;
    split_totals(plan, moved, &projects);
    if (projects == 0)
        return;
    fprintf(out, "\nSplit policies, over the %zu project%s with both phases:\n", projects,
            projects == 1 ? "" : "s");
    for (int k = 0; k < SPLIT_POLICIES; k++)
        fprintf(out, "  %-8s moves %" PRIu64 " assignment%s%s\n", POLICY_NAMES[k], moved[k],
                moved[k] == 1 ? "" : "s", (int)in->split == k ? " (this run)" : "");
    size_t *idx = xcalloc(plan->nprojects + 1, sizeof *idx), n = 0;
    for (size_t i = 0; i < plan->nprojects; i++)
        if (plan->projects[i].split_known &&
            plan->projects[i].split_day[0] != plan->projects[i].split_day[1])
            idx[n++] = i;
    gain_plan = plan;
    qsort(idx, n, sizeof *idx, by_gain);
    gain_plan = NULL;
    for (size_t k = 0; k < n && k < SHOWN_PROJECTS; k++) {
        const project_t *p = &plan->projects[idx[k]];
        char mid[11], ev[11], text[UUID_TEXT_LEN + 1];
        date_format(p->split_day[SPLIT_MIDPOINT], mid);
        date_format(p->split_day[SPLIT_EVIDENCE], ev);
        fprintf(out,
                "  %s: midpoint (Planning to %s) moves %" PRIu64
                ", evidence (Planning to %s) moves %" PRIu64 "\n",
                p->name ? p->name : plan_id_text(&p->id, p->id_as_read, text), mid,
                p->split_moves[0], ev, p->split_moves[1]);
    }
    if (n > SHOWN_PROJECTS) {
        char json_file[4096];
        output_file(json_file, sizeof json_file, in, "summary.json");
        fprintf(out, "  ... and %zu more projects where the policies differ (%s %s)\n",
                n - SHOWN_PROJECTS,
                in->dry_run ? "the real run lists them all in" : "all listed in", json_file);
    }
    free(idx);
}

void summary_json(bytesink_t *out, const summary_input_t *in)
{
    buf_t json;
    buf_init(&json);
    buf_t *b = &json;
    const plan_t *plan = in->plan;
    const check_t *checks = in->checks;
    const char *const *names;
    const uint64_t *counts;
    size_t nnames = verify_names(in->verify, &names, &counts);
    uint64_t phases = 0;
    for (size_t i = 0; i < nnames; i++)
        phases += counts[i];
    buf_printf(b, "{\n  \"projects\": %" PRIu64 ",\n", in->rows[0].out);
    buf_printf(b, "  \"phases\": {\"total\": %" PRIu64 ", \"by_name\": {", phases);
    for (size_t i = 0; i < nnames; i++) {
        buf_adds(b, i ? ", " : "");
        json_string(b, names[i]);
        buf_printf(b, ": %" PRIu64, counts[i]);
    }
    buf_adds(b, "}},\n");
    money_sum_t capital, expense, total;
    verify_budget(in->verify, &capital, &expense, &total);
    char cap[48], exp[48], tot[48];
    money_sum_format(capital, cap);
    money_sum_format(expense, exp);
    money_sum_format(total, tot);
    buf_printf(b, "  \"budget\": {\"capital\": \"%s\", \"expense\": \"%s\", \"total\": \"%s\"},\n",
               cap, exp, tot);
    const assignment_counts_t *c = &plan->counts;
    buf_printf(b,
               "  \"assignments\": {\"total\": %" PRIu64 ", \"kept\": %" PRIu64
               ", \"moved\": %" PRIu64 ", \"orphaned\": %" PRIu64
               ", \"cross_project_links\": %" PRIu64 ", ",
               c->total, c->kept, c->moved, c->orphaned, c->cross_project_links);
    orphan_causes_t orphans;
    verify_orphans(in->verify, &orphans);
    orphans_json(b, &orphans);
    buf_adds(b, "},\n  ");
    rows_json(b, in->rows);
    buf_adds(b, ",\n  \"moves\": [");
    size_t *order;
    size_t n = plan_projects_by_changes(plan, false, &order);
    bool first = true;
    for (size_t k = 0; k < n; k++) {
        const project_t *p = &plan->projects[order[k]];
        const move_matrix_t *moves = &plan->moves[order[k]];
        char text[UUID_TEXT_LEN + 1];
        for (int f = 0; f < FROM_KINDS; f++)
            for (int t = 0; t < TO_KINDS; t++) {
                if (!move_is_change(f, t) || moves->n[f][t] == 0)
                    continue;
                buf_adds(b, first ? "\n    {\"project_id\": " : ",\n    {\"project_id\": ");
                first = false;
                json_string(b, plan_id_text(&p->id, p->id_as_read, text));
                buf_adds(b, ", \"project\": ");
                if (p->name)
                    json_string(b, p->name);
                else
                    buf_adds(b, "null");
                buf_printf(b, ", \"from\": \"%s\", \"to\": \"%s\", \"count\": %" PRIu64 "}",
                           f == FROM_OTHER_PROJECT ? "other project" : FROM_NAMES[f],
                           t == TO_NONE ? "none" : TO_NAMES[t], (uint64_t)moves->n[f][t]);
            }
        drain(b, out, JSON_DRAIN_AT);
    }
    free(order);
    buf_adds(b, first ? "],\n" : "\n  ],\n");
    splits_json(b, out, in);
    buf_adds(b, "  ");
    checks_json(b, checks, VERIFY_CHECKS);
    buf_adds(b, "\n}\n");
    drain(b, out, 0);
    buf_free(&json);
}

/* One line per kind of change: "180 move from Execution to Planning". */
static void print_moves(FILE *out, const uint64_t n[FROM_KINDS][TO_KINDS])
{
    for (int f = 0; f < FROM_KINDS; f++)
        for (int t = 0; t < TO_KINDS; t++)
            if (move_is_change(f, t) && n[f][t] > 0)
                fprintf(out, "    %" PRIu64 " %s from %s to %s\n", n[f][t],
                        t == TO_NONE ? "orphaned" : "move", FROM_NAMES[f], TO_NAMES[t]);
}

/* "dated 2024-02-01" or "dated 2024-02-01..2024-04-30" into out. */
static void dated(char out[32], day_t first, day_t last)
{
    char a[11], b[11];
    date_format(first, a);
    date_format(last, b);
    if (first == last)
        snprintf(out, 32, "dated %s", a);
    else
        snprintf(out, 32, "dated %s..%s", a, b);
}

/* The last day of project p's Planning phase when it has both phases
** (the cut), else -1: assignments on or before it fall in Planning. */
static day_t cut_of(const plan_t *plan, const project_t *p)
{
    size_t planning = p->phase[PHASE_PLANNING], execution = p->phase[PHASE_EXECUTION];
    if (planning == NO_INDEX || execution == NO_INDEX || !plan->phases[planning].has_range)
        return -1;
    return plan->phases[planning].end;
}

/* The orphaned of a project (moves) that pointed at `from`, a line per cause:
** "3 assignments pointed at Execution but are dated
** 2023-07-30..2023-08-11, before the project's start 2023-08-26: they fall
** in no phase (orphaned)". */
static void explain_orphans(FILE *out, const move_matrix_t *moves, int from, bool no_phase,
                            const char *start, const char *end)
{
    const char *pointed = from == FROM_OTHER_PROJECT ? "a phase of another project"
                                                     : FROM_NAMES[from];
    uint64_t after = moves->after_end[from], others = moves->n[from][TO_NONE] - after;
    for (int group = 0; group < 2; group++) {
        uint64_t n = group == 0 ? others : after;
        if (n == 0)
            continue;
        char when[32];
        if (group == 0)
            dated(when, moves->first[from][TO_NONE], moves->last[from][TO_NONE]);
        else
            dated(when, moves->after_first[from], moves->after_last[from]);
        fprintf(out, "    %" PRIu64 " assignment%s pointed at %s %s %s %s, ", n, n == 1 ? "" : "s",
                pointed, from == FROM_OTHER_PROJECT ? "and" : "but", n == 1 ? "is" : "are", when);
        if (no_phase)
            fprintf(out, "and the project has no phase");
        else if (group == 0)
            fprintf(out, "before the project's start %s", start);
        else
            fprintf(out, "after the project's end %s", end);
        fprintf(out, ": %s in no phase (orphaned)\n", n == 1 ? "it falls" : "they fall");
    }
}

/* Each change of project p in words, with its reason: "180 assignments
** pointed at Execution but are dated 2024-02-01..2024-04-30, on or before
** the cut 2024-10-15: they now fall in Planning". */
static void explain_moves(FILE *out, const plan_t *plan, const project_t *p,
                          const move_matrix_t *moves)
{
    day_t cut = cut_of(plan, p);
    char cut_text[11], start[11], end[11];
    date_format(cut, cut_text);
    date_format(p->start, start);
    date_format(p->end, end);
    bool no_phase = p->phase[PHASE_PLANNING] == NO_INDEX && p->phase[PHASE_EXECUTION] == NO_INDEX;
    for (int f = 0; f < FROM_KINDS; f++)
        for (int t = 0; t < TO_KINDS; t++) {
            uint64_t n = moves->n[f][t];
            if (!move_is_change(f, t) || n == 0)
                continue;
            if (t == TO_NONE) {
                explain_orphans(out, moves, f, no_phase, start, end);
                continue;
            }
            bool one = n == 1;
            char when[32];
            dated(when, moves->first[f][t], moves->last[f][t]);
            fprintf(out, "    %" PRIu64 " assignment%s pointed at %s", n, one ? "" : "s",
                    f == FROM_OTHER_PROJECT ? "a phase of another project" : FROM_NAMES[f]);
            fprintf(out, f == FROM_OTHER_PROJECT ? " and %s %s" : " but %s %s",
                    one ? "is" : "are", when);
            if (cut >= 0)
                fprintf(out, ", %s the cut %s", t == TO_PLANNING ? "on or before" : "after",
                        cut_text);
            fprintf(out, ": %s in %s\n", one ? "it now falls" : "they now fall", TO_NAMES[t]);
        }
}


/* The findings, right under the headline numbers: each WARN or FAIL
** check in one line, the orphaned assignments by cause. */
static void findings_text(FILE *out, const check_t *checks, size_t n,
                          const assignment_counts_t *c, const verify_t *verify)
{
    if (c->orphaned > 0) {
        orphan_causes_t orphans;
        char why[1000];
        verify_orphans(verify, &orphans);
        orphans_words(why, sizeof why, &orphans);
        fprintf(out, "\nWARN %" PRIu64 " assignment%s orphaned (in no phase): %s\n", c->orphaned,
                c->orphaned == 1 ? " is" : "s are", why);
    }
    for (size_t i = 0; i < n; i++)
        if (!checks[i].ok)
            fprintf(out, "FAIL check %d, %s: %s\n", checks[i].id, checks[i].name,
                    checks[i].detail);
}

void summary_text(FILE *out, const summary_input_t *in)
{
    const plan_t *plan = in->plan;
    const check_t *checks = in->checks;
    const char *const *names;
    const uint64_t *counts;
    size_t nnames = verify_names(in->verify, &names, &counts);
    uint64_t phases = 0;
    for (size_t i = 0; i < nnames; i++)
        phases += counts[i];
    if (in->dry_run)
        fprintf(out, "phasemig migrate %s (dry run: nothing written)\n\n", in->in_path);
    else
        fprintf(out, "phasemig migrate %s -> %s\n\n", in->in_path, in->out_path);
    fprintf(out, "projects     %" PRIu64 "\n", in->rows[0].out);
    fprintf(out, "phases       %" PRIu64 " (", phases);
    for (size_t i = 0; i < nnames; i++)
        fprintf(out, "%s%s %" PRIu64, i ? ", " : "", names[i], counts[i]);
    fprintf(out, ")\nbudget       %s\n", checks[6].detail);
    const assignment_counts_t *c = &plan->counts;
    fprintf(out,
            "assignments  %" PRIu64 ": %" PRIu64 " kept, %" PRIu64 " moved, %" PRIu64
            " orphaned, %" PRIu64 " cross-project links\n",
            c->total, c->kept, c->moved, c->orphaned, c->cross_project_links);
    findings_text(out, checks, VERIFY_CHECKS, &plan->counts, in->verify);

    size_t *order;
    size_t n = plan_projects_by_changes(plan, false, &order);
    if (n == 0) {
        fprintf(out, "\nNo assignment changes phase.\n");
    } else {
        fprintf(out, "\nAssignments that change phase, per project:\n");
        for (size_t k = 0; k < n && k < SHOWN_PROJECTS; k++) {
            const project_t *p = &plan->projects[order[k]];
            char text[UUID_TEXT_LEN + 1], start[11], end[11], cut[11];
            date_format(p->start, start);
            date_format(p->end, end);
            fprintf(out, "  %s (%s), %s..%s", p->name ? p->name : "unnamed project",
                    plan_id_text(&p->id, p->id_as_read, text), start, end);
            day_t cut_day = cut_of(plan, p);
            if (cut_day >= 0) {
                date_format(cut_day, cut);
                fprintf(out, ", cut %s (%s): Planning to the cut, Execution after it",
                        cut, POLICY_NAMES[in->split]);
            }
            fputc('\n', out);
            explain_moves(out, plan, p, &plan->moves[order[k]]);
        }
        if (n > SHOWN_PROJECTS) {
            char diff_file[4096];
            output_file(diff_file, sizeof diff_file, in, "diff.csv");
            fprintf(out, "  ... and %zu more projects with changes (%s %s, a row each)\n",
                    n - SHOWN_PROJECTS,
                    in->dry_run ? "the real run writes every one to" : "every one is in",
                    diff_file);
        }
        uint64_t all[FROM_KINDS][TO_KINDS] = {{0}};
        for (size_t k = 0; k < n; k++)
            for (int f = 0; f < FROM_KINDS; f++)
                for (int t = 0; t < TO_KINDS; t++)
                    all[f][t] += plan->moves[order[k]].n[f][t];
        fprintf(out, "  in all, over %zu project%s:\n", n, n == 1 ? "" : "s");
        print_moves(out, (const uint64_t(*)[TO_KINDS])all);
    }
    free(order);

    splits_text(out, in);
    fprintf(out, "\nChecks:\n");
    checks_text(out, checks, VERIFY_CHECKS);
    rows_text(out, in->rows);
    if (in->dry_run && in->diff_preview) {
        char diff_file[4096];
        output_file(diff_file, sizeof diff_file, in, "diff.csv");
        fprintf(out,
                "\nDiff preview, the first rows of each section (%" PRIu64
                " rows in all; the real run writes every one to %s):\n",
                in->diff_rows, diff_file);
        fputs(in->diff_preview, out);
    }
}

void rollback_summary_json(buf_t *b, const rollback_summary_t *in)
{
    const check_t *checks = in->checks;
    rollback_numbers_t n;
    rollback_numbers(in->rollback, &n);
    buf_printf(b, "{\n  \"projects\": %" PRIu64 ",\n", in->rows[0].out);
    buf_printf(b,
               "  \"phases\": {\"total\": %" PRIu64
               ", \"by_type\": {\"PLANNING\": %" PRIu64 ", \"EXECUTION\": %" PRIu64 "}},\n",
               in->rows[1].out, n.planning, n.execution);
    /* matched and unmatched_to_first_phase as before; how each link came
    ** about beside them: restored (--against), or derived */
    buf_printf(b,
               "  \"assignments\": {\"total\": %" PRIu64 ", \"matched\": %" PRIu64
               ", \"unmatched_to_first_phase\": %" PRIu64 ", \"links\": {\"restored\": %" PRIu64
               ", \"by_date\": %" PRIu64 ", \"by_first_phase_rule\": %" PRIu64
               ", \"derived_not_restored\": %" PRIu64 "}",
               in->rows[2].out, n.matched, n.unmatched_to_first_phase, n.restored, n.matched,
               n.unmatched_to_first_phase, n.matched + n.unmatched_to_first_phase);
    if (n.against)
        buf_printf(b,
                   ", \"against\": {\"not_in_original\": %" PRIu64 ", \"phase_gone\": %" PRIu64
                   ", \"phase_types_restored\": %" PRIu64 "}",
                   n.not_in_original, n.phase_gone, n.types_restored);
    buf_adds(b, "},\n  ");
    rows_json(b, in->rows);
    buf_adds(b, ",\n  ");
    checks_json(b, checks, ROLLBACK_CHECKS);
    buf_adds(b, "\n}\n");
}

void rollback_summary_text(FILE *out, const rollback_summary_t *in)
{
    const check_t *checks = in->checks;
    rollback_numbers_t n;
    rollback_numbers(in->rollback, &n);
    if (in->dry_run)
        fprintf(out, "phasemig rollback %s (dry run: nothing written)\n\n", in->in_path);
    else
        fprintf(out, "phasemig rollback %s -> %s\n\n", in->in_path, in->out_path);
    fprintf(out, "projects     %" PRIu64 "\n", in->rows[0].out);
    fprintf(out, "phases       %" PRIu64 " (%s)\n", in->rows[1].out, checks[3].detail);
    fprintf(out,
            "assignments  %" PRIu64 ": %" PRIu64 " matched by date, %" PRIu64
            " unmatched_to_first_phase\n",
            in->rows[2].out, n.matched, n.unmatched_to_first_phase);
    fprintf(out, "\nWhere each project_phase_id comes from:\n");
    if (n.against)
        fprintf(out,
                "  %" PRIu64 " restored from %s: the id is there and its phase still is, in the "
                "same project\n",
                n.restored, in->against);
    fprintf(out,
            "  %" PRIu64 " by date: the phase of its project that contains its date\n"
            "  %" PRIu64 " by the first-phase rule: no phase contains its date, so its "
            "project's first phase\n",
            n.matched, n.unmatched_to_first_phase);
    uint64_t derived = n.matched + n.unmatched_to_first_phase;
    if (n.against) {
        fprintf(out,
                "  of the %" PRIu64 " derived, %" PRIu64 " %s not in %s, %" PRIu64
                " had a phase that is gone\n",
                derived, n.not_in_original, n.not_in_original == 1 ? "was" : "were", in->against,
                n.phase_gone);
        if (n.types_restored > 0)
            fprintf(out, "  %" PRIu64 " phase%s phase_type as %s spells it\n",
                    n.types_restored, n.types_restored == 1 ? " has its" : "s have their",
                    in->against);
    }
    if (derived > 0)
        fprintf(out,
                "These %" PRIu64 " link%s derived, not restored: an assignment the migration "
                "moved or orphaned now points at the phase its date falls in (or its project's "
                "first phase), not at the one it had.%s\n",
                derived, derived == 1 ? " is" : "s are",
                n.against ? "" : " rollback --against ORIGINAL (the export before the migration) "
                                 "restores the links it still can.");
    fprintf(out, "\nChecks:\n");
    checks_text(out, checks, ROLLBACK_CHECKS);
    rows_text(out, in->rows);
}
