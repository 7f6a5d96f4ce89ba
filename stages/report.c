/*
** report: the dry-run preview a person can look at, one self-contained
** HTML page (inline CSS and SVG; no scripts, fonts or fetches).
**
** Headline numbers and the checks; then per project, the projects with
** the most moved or orphaned assignments first, a timeline: the project's
** span, its old phases by type, its new phases by date range, and its
** assignments as marks coloured kept, moved or orphaned; and a table of
** its moves. Past REPORT_PROJECTS projects the rest are summarised, so
** the page stays small for 10,000 projects. The marks come from a stage
** that counts assignments per project, class and one of REPORT_BUCKETS
** slices of the project's span (memory: projects x buckets, never per
** assignment: half a byte a count in one array while a project's counts
** are small, else a byte, else 4 bytes). Same input, same bytes: no
** clock, no randomness.
*/
#include <inttypes.h>
#include <string.h>

#include "stages.h"

#define REPORT_BUCKETS 60       /* slices of a project's span (+ before, after) */
#define REPORT_PROJECTS 50      /* drawn in full; the rest summarised */
#define TIMELINE_WIDTH 720

enum { KEPT, MOVED, ORPHANED, CLASSES };

#define MARKS ((size_t)(REPORT_BUCKETS + 2) * CLASSES)

/* Marks per project and cell: half a byte each while the project's counts
** are below NIBBLE_EXT, in one array indexed by project, so that counting
** an assignment touches one place (at a few hundred assignments a
** project, the common case). A project with a busier cell continues in
** its `ext` cells, a byte each, then 4 bytes each past 254; its nibbles
** all read NIBBLE_EXT from then on. */
#define NIBBLE_EXT 15u
#define MARKS_ROW (MARKS / 2)   /* bytes a project */
_Static_assert(MARKS % 2 == 0, "a project's nibbles fill whole bytes");

typedef struct {
    uint8_t *bytes;         /* [MARKS], until a count passes 254 */
    uint32_t *wide;         /* [MARKS], after */
} marks_ext_t;

struct report {
    plan_t *plan;
    uint8_t *nibbles;       /* [nprojects][MARKS_ROW] */
    marks_ext_t *ext;       /* per project */
};

typedef struct {
    stage_t base;
    report_t *r;
    int change;
} report_stage_t;

report_t *report_new(plan_t *plan)
{
    report_t *r = xcalloc(1, sizeof *r);
    r->plan = plan;
    r->nibbles = xcalloc((plan->nprojects + 1) * MARKS_ROW, sizeof *r->nibbles);
    r->ext = xcalloc(plan->nprojects + 1, sizeof *r->ext);
    return r;
}

static size_t mark_at(size_t bucket, int cls)
{
    return bucket * CLASSES + (size_t)cls;
}

static unsigned nibble_of(const report_t *r, size_t project, size_t at)
{
    return (r->nibbles[project * MARKS_ROW + at / 2] >> (at % 2 * 4)) & 0xfu;
}

/* Project's counts from its nibbles to bytes of their own. */
static void widen_to_bytes(report_t *r, size_t project)
{
    uint8_t *bytes = xmalloc(MARKS);
    for (size_t at = 0; at < MARKS; at++)
        bytes[at] = (uint8_t)nibble_of(r, project, at);
    memset(&r->nibbles[project * MARKS_ROW], 0xff, MARKS_ROW);  /* all NIBBLE_EXT */
    r->ext[project].bytes = bytes;
}

static void widen_to_wide(marks_ext_t *e)
{
    uint32_t *wide = xmalloc(MARKS * sizeof *wide);
    for (size_t at = 0; at < MARKS; at++)
        wide[at] = e->bytes[at];
    free(e->bytes);
    e->bytes = NULL;
    e->wide = wide;
}

static void mark_add(report_t *r, size_t project, size_t at)
{
    unsigned v = nibble_of(r, project, at);
    if (v + 1 < NIBBLE_EXT) {
        r->nibbles[project * MARKS_ROW + at / 2] += (uint8_t)(1u << (at % 2 * 4));
        return;
    }
    if (v != NIBBLE_EXT)
        widen_to_bytes(r, project);
    marks_ext_t *e = &r->ext[project];
    if (e->bytes && e->bytes[at] < UINT8_MAX) {
        e->bytes[at]++;
        return;
    }
    if (e->bytes)
        widen_to_wide(e);
    e->wide[at]++;
}

static uint32_t mark_get(const report_t *r, size_t project, size_t at)
{
    unsigned v = nibble_of(r, project, at);
    if (v != NIBBLE_EXT)
        return v;
    const marks_ext_t *e = &r->ext[project];
    return e->bytes ? e->bytes[at] : e->wide[at];
}

void report_free(report_t *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->plan->nprojects; i++) {
        free(r->ext[i].bytes);
        free(r->ext[i].wide);
    }
    free(r->ext);
    free(r->nibbles);
    free(r);
}

static const table_t *marks_header(stage_t *self, const table_t *in)
{
    report_stage_t *s = (report_stage_t *)self;
    s->change = table_col(in, MATCH_CHANGE);
    return in;
}

/* Bucket 0: before the start; 1..REPORT_BUCKETS: the span; last: after. */
static size_t bucket_of(const project_t *p, day_t d)
{
    if (d < p->start)
        return 0;
    if (d > p->end)
        return REPORT_BUCKETS + 1;
    return 1 + (size_t)(d - p->start) * REPORT_BUCKETS / ((size_t)(p->end - p->start) + 1);
}

static stage_result_t marks_process(stage_t *self, row_t *row)
{
    report_stage_t *s = (report_stage_t *)self;
    if (!row)
        return STAGE_PASS;
    const plan_t *plan = s->r->plan;
    size_t at, phase;
    day_t d;
    if (!plan_noted(row, &at, &phase, &d))
        runtime_error("internal error: report marks without validate");
    const char *change = row->f[s->change].data;
    int cls = change[0] == 'k' ? KEPT : change[0] == 'm' ? MOVED : ORPHANED;
    mark_add(s->r, at, mark_at(bucket_of(&plan->projects[at], d), cls));
    return STAGE_PASS;
}

static void report_stage_free(stage_t *self)
{
    free(self);
}

/* The project's marks and range. */
static void marks_prefetch(stage_t *self, const row_t *row)
{
    const report_t *r = ((report_stage_t *)self)->r;
    size_t at, phase;
    day_t d;
    if (!plan_noted(row, &at, &phase, &d))
        return;
    __builtin_prefetch(&r->nibbles[at * MARKS_ROW]);
    __builtin_prefetch(&r->plan->projects[at]);
}

stage_t *report_marks_new(report_t *r)
{
    report_stage_t *s = xcalloc(1, sizeof *s);
    s->base.name = "report-marks";
    s->base.header = marks_header;
    s->base.process = marks_process;
    s->base.prefetch = marks_prefetch;
    s->base.free = report_stage_free;
    s->r = r;
    return &s->base;
}

/* ---- the page ---- */

static void html_text(buf_t *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': buf_adds(b, "&lt;"); break;
        case '>': buf_adds(b, "&gt;"); break;
        case '&': buf_adds(b, "&amp;"); break;
        case '"': buf_adds(b, "&quot;"); break;
        default: buf_addc(b, *s);
        }
    }
}

static const char STYLE[] =
    "body{font-family:sans-serif;margin:2em;color:#222;max-width:60em}"
    "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .6em;"
    "text-align:left}td.n{text-align:right}.pass{color:#1a7f37}.fail{color:#cf222e;font-weight:bold}"
    ".legend span{display:inline-block;width:.9em;height:.9em;margin:0 .3em 0 1em;"
    "vertical-align:middle}section{border-top:1px solid #ddd;margin-top:1.5em}"
    "svg text{font-size:11px;font-family:sans-serif}";
static const char *const CLASS_COLOURS[CLASSES] = {"#2da44e", "#e16f24", "#cf222e"};
static const char *const CLASS_NAMES[CLASSES] = {"kept", "moved", "orphaned"};
static const char *const PHASE_COLOURS[PHASE_TYPES] = {"#8250df", "#0969da"};

static void timeline(buf_t *b, const report_t *r, size_t index)
{
    const plan_t *plan = r->plan;
    const project_t *p = &plan->projects[index];
    const double span = (double)(p->end - p->start) + 1, left = 110, width = TIMELINE_WIDTH - 130;
    char start[11], end[11];
    date_format(p->start, start);
    date_format(p->end, end);
    buf_printf(b, "<svg width=\"%d\" height=\"120\" role=\"img\">", TIMELINE_WIDTH);
    buf_printf(b, "<text x=\"0\" y=\"16\">project</text><rect x=\"%.0f\" y=\"6\" width=\"%.0f\" "
                  "height=\"14\" fill=\"#ccc\"/><text x=\"%.0f\" y=\"32\">%s</text>"
                  "<text x=\"%.0f\" y=\"32\" text-anchor=\"end\">%s</text>",
               left, width, left, start, left + width, end);
    buf_adds(b, "<text x=\"0\" y=\"52\">old phases</text>");
    int k = 0;
    for (int t = 0; t < PHASE_TYPES; t++)
        if (p->phase[t] != NO_INDEX) {
            buf_printf(b, "<rect x=\"%.0f\" y=\"%d\" width=\"%.0f\" height=\"7\" fill=\"%s\" "
                          "opacity=\".5\"/>",
                       left, 42 + 8 * k++, width, PHASE_COLOURS[t]);
        }
    buf_adds(b, "<text x=\"0\" y=\"78\">new phases</text>");
    for (int t = 0; t < PHASE_TYPES; t++) {
        size_t i = p->phase[t];
        if (i == NO_INDEX || !plan->phases[i].has_range)
            continue;
        const phase_t *ph = &plan->phases[i];
        double x = left + width * (ph->start - p->start) / span;
        double w = width * ((double)(ph->end - ph->start) + 1) / span;
        buf_printf(b, "<rect x=\"%.1f\" y=\"66\" width=\"%.1f\" height=\"16\" fill=\"%s\"/>"
                      "<text x=\"%.1f\" y=\"78\" fill=\"#fff\">%s</text>",
                   x, w, PHASE_COLOURS[t], x + 3, PHASE_NAMES[t]);
    }
    buf_adds(b, "<text x=\"0\" y=\"104\">assignments</text>");
    uint32_t most = 1;
    for (size_t k2 = 0; k2 < REPORT_BUCKETS + 2; k2++) {
        uint32_t sum = 0;
        for (int c = 0; c < CLASSES; c++)
            sum += mark_get(r, index, mark_at(k2, c));
        if (sum > most)
            most = sum;
    }
    const double slot = width / REPORT_BUCKETS;
    for (size_t k2 = 0; k2 < REPORT_BUCKETS + 2; k2++) {
        double x = k2 == 0 ? left - slot - 4 : k2 == REPORT_BUCKETS + 1 ? left + width + 4
                                                                       : left + slot * (double)(k2 - 1);
        double y = 116;
        for (int c = 0; c < CLASSES; c++) {
            uint32_t n = mark_get(r, index, mark_at(k2, c));
            if (!n)
                continue;
            double h = 24.0 * n / most;
            y -= h;
            buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                          "fill=\"%s\"><title>%" PRIu32 " %s</title></rect>",
                       x, y, slot > 2 ? slot - 1 : slot, h, CLASS_COLOURS[c], n, CLASS_NAMES[c]);
        }
    }
    buf_adds(b, "</svg>");
}

void report_html(buf_t *b, const report_t *r, const report_input_t *in)
{
    const plan_t *plan = r->plan;
    const assignment_counts_t *c = &plan->counts;
    buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<title>phasemig: what the migration changes</title><style>");
    buf_adds(b, STYLE);
    buf_adds(b, "</style></head><body>\n<h1>What the migration changes</h1>\n<p>Input: <code>");
    html_text(b, in->in_path);
    buf_printf(b, "</code>, split policy <b>%s</b>.</p>\n", in->split == SPLIT_EVIDENCE ? "evidence" : "midpoint");
    buf_printf(b,
               "<table><tr><th>projects</th><td class=\"n\">%" PRIu64 "</td></tr>"
               "<tr><th>assignments</th><td class=\"n\">%" PRIu64 "</td></tr>"
               "<tr><th>kept</th><td class=\"n\">%" PRIu64 "</td></tr>"
               "<tr><th>moved</th><td class=\"n\">%" PRIu64 "</td></tr>"
               "<tr><th>orphaned</th><td class=\"n\">%" PRIu64 "</td></tr>"
               "<tr><th>cross-project links</th><td class=\"n\">%" PRIu64 "</td></tr></table>\n",
               in->projects, c->total, c->kept, c->moved, c->orphaned, c->cross_project_links);
    uint64_t moved[SPLIT_POLICIES] = {0, 0};
    size_t both = 0;
    for (size_t i = 0; i < plan->nprojects; i++)
        if (plan->projects[i].split_known) {
            both++;
            for (int k = 0; k < SPLIT_POLICIES; k++)
                moved[k] += plan->projects[i].split_moves[k];
        }
    if (both > 0)
        buf_printf(b,
                   "<h2>Split policies</h2>\n<p>Over the %zu projects with both phases, cutting "
                   "each at its midpoint (as the live migration does) moves <b>%" PRIu64
                   "</b> assignments; cutting each where the fewest move (<code>--split "
                   "evidence</code>) moves <b>%" PRIu64 "</b>.</p>\n",
                   both, moved[SPLIT_MIDPOINT], moved[SPLIT_EVIDENCE]);
    buf_adds(b, "<h2>Checks</h2>\n<table>");
    for (size_t i = 0; i < in->nchecks; i++) {
        const check_t *k = &in->checks[i];
        buf_printf(b, "<tr><td class=\"%s\">%s</td><td>%d</td><td>", k->ok ? "pass" : "fail",
                   k->ok ? "PASS" : "FAIL", k->id);
        html_text(b, k->name);
        buf_adds(b, "</td><td>");
        html_text(b, k->detail);
        buf_adds(b, "</td></tr>");
    }
    buf_adds(b, "</table>\n<h2>Projects, the most changed first</h2>\n<p class=\"legend\">");
    for (int k = 0; k < CLASSES; k++)
        buf_printf(b, "<span style=\"background:%s\"></span>%s", CLASS_COLOURS[k], CLASS_NAMES[k]);
    for (int t = 0; t < PHASE_TYPES; t++)
        buf_printf(b, "<span style=\"background:%s\"></span>%s", PHASE_COLOURS[t], PHASE_NAMES[t]);
    buf_adds(b, "</p>\n<p>Old phases had no dates: each spans its whole project.</p>\n");

    size_t *order;
    size_t n = plan_projects_by_changes(plan, true, &order);
    static const char *const FROM[FROM_KINDS] = {"Planning", "Execution", "another project's phase"};
    static const char *const TO[TO_KINDS] = {"Planning", "Execution", "no phase (orphaned)"};
    uint64_t rest_projects = 0, rest_changes = 0;
    for (size_t k = 0; k < n; k++) {
        const project_t *p = &plan->projects[order[k]];
        const move_matrix_t *moves = &plan->moves[order[k]];
        if (k >= REPORT_PROJECTS) {
            rest_projects++;
            rest_changes += move_matrix_changes(moves);
            continue;
        }
        buf_adds(b, "<section><h3>");
        html_text(b, p->name ? p->name : "unnamed project");
        buf_adds(b, " <small><code>");
        char text[UUID_TEXT_LEN + 1];
        html_text(b, plan_id_text(&p->id, p->id_as_read, text));
        buf_printf(b, "</code></small></h3>\n<p>%" PRIu64 " assignment%s change phase.</p>\n",
                   move_matrix_changes(moves), move_matrix_changes(moves) == 1 ? "" : "s");
        if (p->split_known) {
            char mid[11], ev[11];
            date_format(p->split_day[SPLIT_MIDPOINT], mid);
            date_format(p->split_day[SPLIT_EVIDENCE], ev);
            buf_printf(b,
                       "<p>Planning ending %s (midpoint) moves %" PRIu64
                       "; ending %s (evidence) moves %" PRIu64 ".</p>\n",
                       mid, p->split_moves[SPLIT_MIDPOINT], ev, p->split_moves[SPLIT_EVIDENCE]);
        }
        timeline(b, r, order[k]);
        bool any = false;
        for (int f = 0; f < FROM_KINDS; f++)
            for (int t = 0; t < TO_KINDS; t++) {
                if (!move_is_change(f, t) || !moves->n[f][t])
                    continue;
                if (!any)
                    buf_adds(b, "\n<table><tr><th>from</th><th>to</th><th>assignments</th></tr>");
                any = true;
                buf_printf(b, "<tr><td>%s</td><td>%s</td><td class=\"n\">%" PRIu64 "</td></tr>",
                           FROM[f], TO[t], moves->n[f][t]);
            }
        buf_adds(b, any ? "</table>\n</section>\n" : "\n</section>\n");
    }
    if (rest_projects)
        buf_printf(b, "<p>And %" PRIu64 " more projects, with %" PRIu64
                      " assignments that change phase between them (diff.csv lists every one).</p>\n",
                   rest_projects, rest_changes);
    free(order);
    buf_adds(b, "</body></html>\n");
}
