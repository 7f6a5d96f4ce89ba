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
#define MONTH_MEMO 1024         /* days whose month is remembered */

/* the classes of match_class_t, in its order */
enum { KEPT = MATCH_KEPT, MOVED = MATCH_MOVED, ORPHANED = MATCH_ORPHANED, CLASSES = MATCH_CLASSES };

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
    /* the overall chart: assignments per month of the whole dataset and
    ** class, months month_lo .. month_lo + nmonths - 1 (year * 12 + month
    ** - 1); grows with the dates' span, never with assignments */
    uint64_t (*months)[CLASSES];
    int32_t month_lo;
    size_t nmonths;
    /* month_of() of the last day seen in each slot (day % MONTH_MEMO): the
    ** dates of a dump span a few years, so most rows find theirs here */
    day_t memo_day[MONTH_MEMO];
    int32_t memo_month[MONTH_MEMO];
    report_about_t about;
};

void report_about(report_t *r, const report_about_t *about)
{
    r->about = *about;
}

typedef struct {
    stage_t base;
    report_t *r;
} report_stage_t;

static int32_t month_of(day_t d);

report_t *report_new(plan_t *plan)
{
    report_t *r = xcalloc(1, sizeof *r);
    r->plan = plan;
    r->nibbles = xcalloc((plan->nprojects + 1) * MARKS_ROW, sizeof *r->nibbles);
    r->ext = xcalloc(plan->nprojects + 1, sizeof *r->ext);
    for (day_t d = 0; d < MONTH_MEMO; d++) {
        r->memo_day[d] = d;
        r->memo_month[d] = month_of(d);
    }
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

/* Days since 1970-01-01 to year * 12 + month - 1. */
static int32_t month_of(day_t d)
{
    int y, m, day;
    civil_from_days(d, &y, &m, &day);
    return (int32_t)y * 12 + m - 1;
}

/* Day of the first of month `month` (year * 12 + month - 1; years of
** dates 0001..9999, so never negative). */
static day_t first_of_month(int32_t month)
{
    return days_from_civil(month / 12, month % 12 + 1, 1);
}

/* Counts one assignment of class cls in its month. */
static void month_add(report_t *r, day_t d, int cls)
{
    size_t slot = (uint32_t)d % MONTH_MEMO;
    if (r->memo_day[slot] != d) {
        r->memo_day[slot] = d;
        r->memo_month[slot] = month_of(d);
    }
    int32_t m = r->memo_month[slot];
    if (r->nmonths == 0) {
        r->months = xcalloc(1, sizeof *r->months);
        r->month_lo = m;
        r->nmonths = 1;
    } else if (m < r->month_lo) {
        size_t grow = (size_t)(r->month_lo - m);
        r->months = xrealloc(r->months, (r->nmonths + grow) * sizeof *r->months);
        memmove(r->months + grow, r->months, r->nmonths * sizeof *r->months);
        memset(r->months, 0, grow * sizeof *r->months);
        r->nmonths += grow;
        r->month_lo = m;
    } else if ((size_t)(m - r->month_lo) >= r->nmonths) {
        size_t want = (size_t)(m - r->month_lo) + 1;
        r->months = xrealloc(r->months, want * sizeof *r->months);
        memset(r->months + r->nmonths, 0, (want - r->nmonths) * sizeof *r->months);
        r->nmonths = want;
    }
    r->months[m - r->month_lo][cls]++;
}

void report_free(report_t *r)
{
    if (!r)
        return;
    free(r->months);
    for (size_t i = 0; i < r->plan->nprojects; i++) {
        free(r->ext[i].bytes);
        free(r->ext[i].wide);
    }
    free(r->ext);
    free(r->nibbles);
    free(r);
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
    size_t at, phase, implicit;
    day_t d;
    match_class_t cls;
    if (!plan_noted(row, &at, &phase, &d) || !match_noted(row, &cls, &implicit))
        runtime_error("internal error: report marks without validate and match");
    mark_add(s->r, at, mark_at(bucket_of(&plan->projects[at], d), cls));
    month_add(s->r, d, cls);
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
    s->base.header = NULL;   /* the rows go on as they came */
    s->base.process = marks_process;
    s->base.prefetch = marks_prefetch;
    s->base.free = report_stage_free;
    s->r = r;
    return &s->base;
}

/* ---- the page ----
**
** First screen (1280 x 800): the headline counts, the findings (WARN
** amber, FAIL red) and one chart of the whole dataset, assignments per
** month stacked kept / moved / orphaned. Then the table of every project
** with changes, the most changed first under a totals row: it is the
** index. Then the timelines of the REPORT_PROJECTS most changed projects,
** then the checks and the split policies. Numbers carry thousands
** separators; coordinates are printed with one decimal, so the same input
** gives the same bytes. */

/* Text as HTML: the markup characters escaped. */
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

/* Where the page goes while it is made: with sinks, whatever b holds past
** PAGE_DRAIN_AT is written to each and dropped, so that the page of 50,000
** projects (9 MB) is never held whole; without, b keeps all of it. */
#define PAGE_DRAIN_AT ((size_t)64 * 1024)
typedef struct {
    buf_t *b;
    bytesink_t *const *outs;
    size_t nouts;
} page_t;

/* Hands on what the page holds once it is large (or at the end: at_least 0). */
static void page_drain(const page_t *pg, size_t at_least)
{
    if (pg->nouts == 0 || pg->b->len < at_least || pg->b->len == 0)
        return;
    for (size_t i = 0; i < pg->nouts; i++)
        pg->outs[i]->write(pg->outs[i], pg->b->data, pg->b->len);
    buf_clear(pg->b);
}

/* "1,234,567" into out. */
static const char *count_text(uint64_t n, char out[32])
{
    char digits[24];
    int len = snprintf(digits, sizeof digits, "%" PRIu64, n);
    size_t at = 0;
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[at++] = ',';
        out[at++] = digits[i];
    }
    out[at] = '\0';
    return out;
}

/* An exact decimal sum with thousands separators: "843,112,004.95". */
static const char *money_text(money_sum_t m, char out[64])
{
    char plain[48];
    money_sum_format(m, plain);
    const char *digits = plain[0] == '-' ? plain + 1 : plain;
    const char *point = strchr(digits, '.');
    size_t whole = point ? (size_t)(point - digits) : strlen(digits), at = 0;
    if (digits != plain)
        out[at++] = '-';
    for (size_t i = 0; i < whole; i++) {
        if (i > 0 && (whole - i) % 3 == 0)
            out[at++] = ',';
        out[at++] = digits[i];
    }
    snprintf(out + at, 64 - at, "%s", point ? point : "");
    return out;
}

/* The fixed head: one style sheet, no script, no font, no address. */
static const char HEAD[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>phasemig: what the migration changes</title>\n<style>\n"
    "body{font:14px/1.35 sans-serif;margin:12px 20px;color:#1f2328;max-width:1240px}\n"
    "h1{font-size:20px;margin:0 0 2px}h2{font-size:16px;margin:14px 0 6px}"
    "h3{font-size:15px;margin:18px 0 4px}\n"
    ".meta{color:#57606a;margin:0 0 8px;font-size:12px}\n"
    "#headline{display:flex;gap:10px;margin:6px 0}\n"
    "#headline div{border:1px solid #d0d7de;border-radius:6px;padding:6px 14px;min-width:120px}\n"
    "#headline b{display:block;font-size:24px}#headline span{color:#57606a}\n"
    ".kept b{color:#1a7f37}.moved b{color:#bc4c00}.orphaned b{color:#cf222e}\n"
    "#findings ul{margin:0;padding:0;list-style:none}#findings li{padding:3px 8px;margin:2px 0;"
    "border-left:6px solid}\n"
    "li.note{background:#ddf4ff;border-color:#54aeff}li.warn{background:#fff8c5;border-color:#d4a72c}li.fail{background:#ffebe9;border-color:"
    "#cf222e}li.pass{background:#dafbe1;border-color:#1a7f37}\n"
    "table{border-collapse:collapse;margin:4px 0}td,th{border:1px solid #d0d7de;"
    "padding:2px 6px;text-align:left}td.n,th.n{text-align:right}\n"
    "table.projects{table-layout:fixed;width:100%}col.name{width:330px}col.dates{width:170px}"
    "col.cut{width:90px}\n.chunk{content-visibility:auto;contain-intrinsic-size:auto 4900px}\n"
    "table.projects td{overflow-wrap:anywhere}tr.total td{font-weight:bold;background:#f6f8fa}.pass{color:#1a7f37}"
    ".warn{color:#9a6700}.fail{color:#cf222e}\n"
    "td.pass,td.warn,td.fail{font-weight:bold}\n"
    "section.project{border-top:1px solid #d0d7de;margin-top:10px}\n"
    "svg text{font:11px sans-serif}svg .big{font-size:12px}\n"
    "</style>\n</head>\n";

static const char *const CLASS_COLOURS[CLASSES] = {"#2da44e", "#fb8f44", "#cf222e"};
#define CLASS_NAMES MATCH_CLASS_NAMES
static const char *const PHASE_COLOURS[PHASE_TYPES] = {"#8250df", "#0969da"};

/* The step of an axis from 0 to at least `most` in about 4 steps:
** 1, 2 or 5 times a power of ten. */
static uint64_t nice_step(uint64_t most)
{
    uint64_t step = 1;
    for (;;) {
        for (int k = 0; k < 3; k++) {
            uint64_t s = step * (k == 0 ? 1 : k == 1 ? 2 : 5);
            if (s * 4 >= most)
                return s;
        }
        step *= 10;
    }
}

/* "2024-03" into out (month is year * 12 + month - 1). */
static void month_label(int32_t month, char out[16])
{
    snprintf(out, 16, "%04d-%02d", (int)(month / 12) % 10000, (int)(month % 12) + 1);
}

/* The last day of project p's Planning phase when it has both phases
** (where it is cut), else -1. */
static day_t cut_of(const plan_t *plan, const project_t *p)
{
    size_t planning = p->phase[PHASE_PLANNING], execution = p->phase[PHASE_EXECUTION];
    if (planning == NO_INDEX || execution == NO_INDEX || !plan->phases[planning].has_range)
        return -1;
    return plan->phases[planning].end;
}

/* Assignments per month over the whole dataset, stacked kept / moved /
** orphaned, with a dated x axis and a counted y axis. */
static void overall_chart(buf_t *b, const report_t *r)
{
    enum { W = 1200, H = 250, LEFT = 78, RIGHT = 12, TOP = 26, BOTTOM = 40 };
    const double plot_w = W - LEFT - RIGHT, plot_h = H - TOP - BOTTOM;
    uint64_t totals[CLASSES] = {0, 0, 0}, most = 1;
    for (size_t m = 0; m < r->nmonths; m++) {
        uint64_t sum = 0;
        for (int c = 0; c < CLASSES; c++) {
            sum += r->months[m][c];
            totals[c] += r->months[m][c];
        }
        if (sum > most)
            most = sum;
    }
    buf_printf(b, "<svg id=\"overall-chart\" width=\"%d\" height=\"%d\" role=\"img\" "
                  "aria-label=\"assignments per month, all projects\">",
               W, H);
    /* legend, with the totals */
    double lx = LEFT;
    for (int c = 0; c < CLASSES; c++) {
        char n[32];
        buf_printf(b, "<rect x=\"%.1f\" y=\"6\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                      "<text class=\"big\" x=\"%.1f\" y=\"16\">%s: %s</text>",
                   lx, CLASS_COLOURS[c], lx + 16, CLASS_NAMES[c], count_text(totals[c], n));
        lx += 200;
    }
    if (r->nmonths == 0) {
        buf_printf(b, "<text x=\"%d\" y=\"%d\">no assignments</text></svg>\n", LEFT, TOP + 40);
        return;
    }
    uint64_t step = nice_step(most), top = step * ((most + step - 1) / step);
    /* y axis: ticks, grid lines, labels, title */
    for (uint64_t v = 0; v <= top; v += step) {
        double y = TOP + plot_h - plot_h * (double)v / (double)top;
        char n[32];
        buf_printf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#d0d7de\"/>"
                      "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                   LEFT - 4, W - RIGHT, y, y, LEFT - 6, y + 4, count_text(v, n));
    }
    buf_printf(b, "<text transform=\"translate(12 %.1f) rotate(-90)\" text-anchor=\"middle\">"
                  "assignments per month</text>",
               TOP + plot_h / 2);
    /* bars */
    const double slot = plot_w / (double)r->nmonths;
    for (size_t m = 0; m < r->nmonths; m++) {
        double x = LEFT + slot * (double)m, y = TOP + plot_h;
        char label[16];
        month_label(r->month_lo + (int32_t)m, label);
        for (int c = 0; c < CLASSES; c++) {
            uint64_t n = r->months[m][c];
            if (!n)
                continue;
            double h = plot_h * (double)n / (double)top;
            y -= h;
            buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                          "fill=\"%s\"><title>%s: %" PRIu64 " %s</title></rect>",
                       x, y, slot > 3 ? slot - 1 : slot, h, CLASS_COLOURS[c], label, n,
                       CLASS_NAMES[c]);
        }
    }
    /* x axis: a tick a month where there is room, else a year; a label
    ** every 1, 2, 3, 6 months or 1, 2, 5, 10 years, at least 64 px apart */
    static const int32_t LABEL_STEPS[] = {1, 2, 3, 6, 12, 24, 60, 120, 1200};
    int32_t label_step = LABEL_STEPS[ARRAY_LEN(LABEL_STEPS) - 1];
    for (size_t i = 0; i < ARRAY_LEN(LABEL_STEPS); i++)
        if (slot * LABEL_STEPS[i] >= 64) {
            label_step = LABEL_STEPS[i];
            break;
        }
    double axis_y = TOP + plot_h;
    buf_printf(b, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#57606a\"/>", LEFT,
               W - RIGHT, axis_y, axis_y);
    for (size_t m = 0; m < r->nmonths; m++) {
        int32_t month = r->month_lo + (int32_t)m;
        double x = LEFT + slot * (double)m;
        bool january = month % 12 == 0, labelled = month % label_step == 0;
        if (slot >= 4 || january || labelled)
            buf_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#57606a\"/>",
                       x, x, axis_y, axis_y + (labelled ? 8 : 4));
        if (labelled) {
            char label[16];
            if (label_step >= 12)
                snprintf(label, sizeof label, "%d", (int)(month / 12));
            else
                month_label(month, label);
            buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", x + 2, axis_y + 18, label);
        }
    }
    buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">month of assignment_date "
                  "(%zu months)</text></svg>\n",
               LEFT + plot_w / 2, H - 4, r->nmonths);
}

/* A project's orphaned assignments by cause, from its marks: a project
** without phase has them all for that cause; else the slices before its
** start and after its end. */
static void project_orphans(const report_t *r, size_t index, orphan_causes_t *o)
{
    const project_t *p = &r->plan->projects[index];
    memset(o, 0, sizeof *o);
    uint64_t all = 0;
    for (size_t k = 0; k < REPORT_BUCKETS + 2; k++)
        all += mark_get(r, index, mark_at(k, ORPHANED));
    if (p->phase[PHASE_PLANNING] == NO_INDEX && p->phase[PHASE_EXECUTION] == NO_INDEX) {
        o->no_phase = all;
        return;
    }
    o->before_start = mark_get(r, index, mark_at(0, ORPHANED));
    o->after_end = mark_get(r, index, mark_at(REPORT_BUCKETS + 1, ORPHANED));
    o->between_phases = all - o->before_start - o->after_end;
}

/* The columns of the projects table that are counts. */
enum { COL_EXEC_TO_PLAN, COL_PLAN_TO_EXEC, COL_OTHER_PROJECT, COL_BEFORE, COL_AFTER,
       COL_NO_PHASE, COL_CHANGES, COUNT_COLS };

/* Project index's counts for the projects table. */
static void project_counts(const report_t *r, size_t index, uint64_t out[COUNT_COLS])
{
    const move_matrix_t *m = &r->plan->moves[index];
    orphan_causes_t o;
    project_orphans(r, index, &o);
    out[COL_EXEC_TO_PLAN] = m->n[PHASE_EXECUTION][TO_PLANNING];
    out[COL_PLAN_TO_EXEC] = m->n[PHASE_PLANNING][TO_EXECUTION];
    out[COL_OTHER_PROJECT] = m->n[FROM_OTHER_PROJECT][TO_PLANNING] +
                             m->n[FROM_OTHER_PROJECT][TO_EXECUTION];
    out[COL_BEFORE] = o.before_start;
    out[COL_AFTER] = o.after_end;
    out[COL_NO_PHASE] = o.no_phase + o.between_phases;
    out[COL_CHANGES] = move_matrix_changes(m);
}

/* The count columns of one row of the projects table (empty for 0). */
static void count_cells(buf_t *b, const uint64_t v[COUNT_COLS])
{
    for (int k = 0; k < COUNT_COLS; k++) {
        char n[32];
        buf_printf(b, "<td class=\"n\">%s", v[k] ? count_text(v[k], n) : "");
    }
}

/* Rows of the projects table per <table>: each chunk of rows is a table
** of its own, with fixed column widths, in a box the browser lays out and
** paints only when it comes into view (content-visibility), so that 5,000
** rows cost the first screen next to nothing (1.7 s in headless Chromium
** instead of 5.5 s as one table). */
#define TABLE_CHUNK 200

/* Opens a chunk of the projects table (the first with the column heads). */
static void table_start(buf_t *b, bool with_head, split_policy_t split)
{
    buf_adds(b, "<div class=\"chunk\"><table class=\"projects\"><colgroup><col class=\"name\">"
                "<col class=\"dates\"><col class=\"cut\"><col span=\"7\"></colgroup>");
    if (with_head)
        buf_printf(b, "<thead><tr><th rowspan=\"2\">project</th><th rowspan=\"2\">dates</th>"
                      "<th rowspan=\"2\">cut (%s)</th><th colspan=\"3\">moved</th>"
                      "<th colspan=\"3\">orphaned</th><th rowspan=\"2\" class=\"n\">changes</th>"
                      "</tr>\n<tr><th class=\"n\">Execution to Planning</th><th class=\"n\">"
                      "Planning to Execution</th><th class=\"n\">from another project</th>"
                      "<th class=\"n\">before start</th><th class=\"n\">after end</th>"
                      "<th class=\"n\">no phase</th></tr></thead>",
                   split == SPLIT_EVIDENCE ? "evidence" : "midpoint");
    buf_adds(b, "<tbody>\n");
}

/* Every project with changes, the most changed first, totals first. */
static void projects_table(const page_t *pg, const report_t *r, const size_t *order, size_t n,
                           split_policy_t split)
{
    buf_t *b = pg->b;
    const plan_t *plan = r->plan;
    char count[32];
    buf_printf(b, "<section id=\"projects\"><h2>Every project with changes: %s, the most changed "
                  "first</h2>\n",
               count_text(n, count));
    if (n == 0) {
        buf_adds(b, "<p>No assignment changes phase.</p></section>\n");
        return;
    }
    uint64_t total[COUNT_COLS] = {0}, v[COUNT_COLS];
    for (size_t k = 0; k < n; k++) {
        project_counts(r, order[k], v);
        for (int c = 0; c < COUNT_COLS; c++)
            total[c] += v[c];
    }
    table_start(b, true, split);
    buf_printf(b, "<tr class=\"total\"><td>all %s projects with changes<td><td>",
               count_text(n, count));
    count_cells(b, total);
    buf_adds(b, "\n");
    for (size_t k = 0; k < n; k++) {
        if (k > 0 && k % TABLE_CHUNK == 0) {
            buf_adds(b, "</tbody></table></div>\n");
            table_start(b, false, split);
        }
        const project_t *p = &plan->projects[order[k]];
        char text[UUID_TEXT_LEN + 1], start[11], end[11], cut[11];
        date_format(p->start, start);
        date_format(p->end, end);
        buf_adds(b, "<tr><td>");
        if (k < REPORT_PROJECTS)
            buf_printf(b, "<a href=\"#p%zu\">", order[k]);
        html_text(b, p->name ? p->name : "unnamed project");
        buf_adds(b, k < REPORT_PROJECTS ? "</a> <small>" : " <small>");
        html_text(b, plan_id_text(&p->id, p->id_as_read, text));
        day_t cut_day = cut_of(plan, p);
        if (cut_day >= 0)
            date_format(cut_day, cut);
        buf_printf(b, "</small><td>%s..%s<td>%s", start, end, cut_day >= 0 ? cut : "");
        project_counts(r, order[k], v);
        count_cells(b, v);
        buf_adds(b, "\n");
        page_drain(pg, PAGE_DRAIN_AT);
    }
    buf_adds(b, "</tbody></table></div></section>\n");
}

/* x of the start of day d on a timeline of project p (a day past the
** end: the right edge). */
static double day_x(const project_t *p, day_t d, double x0, double w)
{
    return x0 + w * (double)(d - p->start) / ((double)(p->end - p->start) + 1);
}

/* One project's timeline: a dated axis, old phases (undated: each spans
** the project) and new phases by range, labelled with their counts, the
** cut marked and labelled, assignments in REPORT_BUCKETS slices stacked
** kept / moved / orphaned, the orphans before its start and after its end
** apart and labelled with their cause. */
static void timeline(buf_t *b, const report_t *r, size_t index)
{
    enum { W = 1200, LABELS = 128, ASIDE = 78, H = 228 };
    const plan_t *plan = r->plan;
    const project_t *p = &plan->projects[index];
    const move_matrix_t *m = &plan->moves[index];
    const double x0 = LABELS + ASIDE, w = W - LABELS - 2 * ASIDE - 8;
    const double axis_y = 30, old_y = 40, new_y = 72, hist_top = 106, hist_h = 70;
    const double hist_base = hist_top + hist_h;
    buf_printf(b, "<svg width=\"%d\" height=\"%d\" role=\"img\">", W, H);
    /* the axis: a tick on the first of a month, every 1, 3, 6 or 12 */
    int32_t first = month_of(p->start), last = month_of(p->end);
    int32_t months = last - first + 1, every = months <= 8 ? 1 : months <= 26 ? 3 : months <= 60 ? 6 : 12;
    buf_printf(b, "<text x=\"0\" y=\"%.1f\">dates</text><line x1=\"%.1f\" x2=\"%.1f\" "
                  "y1=\"%.1f\" y2=\"%.1f\" stroke=\"#57606a\"/>",
               axis_y - 8, x0, x0 + w, axis_y, axis_y);
    for (int32_t month = first; month <= last + 1; month++) {
        day_t d = first_of_month(month);
        if (d < p->start || d > p->end + 1 || month % every != 0)
            continue;
        double x = day_x(p, d, x0, w);
        char label[16];
        month_label(month, label);
        buf_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#57606a\"/>"
                      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>",
                   x, x, axis_y - 4, axis_y + 4, x, axis_y - 8, label);
    }
    /* old phases: each spans the project, with the assignments pointing at it */
    buf_printf(b, "<text x=\"0\" y=\"%.1f\">old phases</text>", old_y + 18);
    int rows = 0;
    for (int t = 0; t < PHASE_TYPES; t++)
        rows += p->phase[t] != NO_INDEX;
    int k = 0;
    for (int t = 0; t < PHASE_TYPES; t++) {
        if (p->phase[t] == NO_INDEX)
            continue;
        double h = rows == 2 ? 13 : 26, y = old_y + k++ * 14;
        uint64_t pointed = m->n[t][TO_PLANNING] + m->n[t][TO_EXECUTION] + m->n[t][TO_NONE];
        char n[32];
        buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
                      "opacity=\".35\"/><text x=\"%.1f\" y=\"%.1f\">%s (old, undated): %s "
                      "assignment%s pointed here</text>",
                   x0, y, w, h, PHASE_COLOURS[t], x0 + 4, y + h / 2 + 4, PHASE_NAMES[t],
                   count_text(pointed, n), pointed == 1 ? "" : "s");
    }
    if (rows == 0)
        buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">no phase</text>", x0 + 4, old_y + 18);
    /* new phases by range, with what they hold */
    buf_printf(b, "<text x=\"0\" y=\"%.1f\">new phases</text>", new_y + 18);
    bool any_new = false;
    for (int t = 0; t < PHASE_TYPES; t++) {
        size_t i = p->phase[t];
        if (i == NO_INDEX || !plan->phases[i].has_range)
            continue;
        any_new = true;
        const phase_t *ph = &plan->phases[i];
        double x = day_x(p, ph->start, x0, w), x1 = day_x(p, ph->end + 1, x0, w);
        uint64_t kept = m->n[t][t], in = m->n[!t][t] + m->n[FROM_OTHER_PROJECT][t];
        char a[11], z[11], nk[32], ni[32];
        date_format(ph->start, a);
        date_format(ph->end, z);
        buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"26\" fill=\"%s\"/>"
                      "<text x=\"%.1f\" y=\"%.1f\" fill=\"#fff\">%s %s..%s</text>"
                      "<text x=\"%.1f\" y=\"%.1f\" fill=\"#fff\">%s kept, %s moved in</text>",
                   x, new_y, x1 - x, PHASE_COLOURS[t], x + 4, new_y + 11, PHASE_NAMES[t], a, z,
                   x + 4, new_y + 23, count_text(kept, nk), count_text(in, ni));
    }
    if (!any_new)
        buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\">none: every assignment is orphaned</text>",
                   x0 + 4, new_y + 18);
    /* assignments in slices */
    buf_printf(b, "<text x=\"0\" y=\"%.1f\">assignments</text>", hist_top + hist_h / 2);
    uint32_t most = 1;
    for (size_t s = 0; s < REPORT_BUCKETS + 2; s++) {
        uint32_t sum = 0;
        for (int c = 0; c < CLASSES; c++)
            sum += mark_get(r, index, mark_at(s, c));
        if (sum > most)
            most = sum;
    }
    char most_text[32];
    buf_printf(b, "<text x=\"0\" y=\"%.1f\">(tallest: %s)</text>", hist_top + hist_h / 2 + 14,
               count_text(most, most_text));
    const double slot = w / REPORT_BUCKETS;
    for (size_t s = 0; s < REPORT_BUCKETS + 2; s++) {
        double x = s == 0 ? x0 - ASIDE + 8 : s == REPORT_BUCKETS + 1 ? x0 + w + 12
                                                                      : x0 + slot * (double)(s - 1);
        double bw = s == 0 || s == REPORT_BUCKETS + 1 ? ASIDE - 24 : slot - 1;
        double y = hist_base;
        for (int c = 0; c < CLASSES; c++) {
            uint32_t n = mark_get(r, index, mark_at(s, c));
            if (!n)
                continue;
            double h = hist_h * n / most;
            if (h < 1)
                h = 1;
            y -= h;
            buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                          "fill=\"%s\"><title>%" PRIu32 " %s</title></rect>",
                       x, y, bw, h, CLASS_COLOURS[c], n, CLASS_NAMES[c]);
        }
    }
    buf_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#57606a\"/>",
               x0, x0 + w, hist_base, hist_base);
    /* the orphans beside the span, named by cause */
    orphan_causes_t o;
    project_orphans(r, index, &o);
    char n[32];
    if (o.before_start)
        buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#cf222e\">%s orphaned:</text>"
                      "<text x=\"%.1f\" y=\"%.1f\" fill=\"#cf222e\">before start</text>",
                   x0 - ASIDE + 4, hist_base + 14, count_text(o.before_start, n), x0 - ASIDE + 4,
                   hist_base + 27);
    if (o.after_end)
        buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#cf222e\">%s orphaned:</text>"
                      "<text x=\"%.1f\" y=\"%.1f\" fill=\"#cf222e\">after end</text>",
                   x0 + w + 8, hist_base + 14, count_text(o.after_end, n), x0 + w + 8,
                   hist_base + 27);
    if (o.no_phase)
        buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#cf222e\">%s orphaned: the project has "
                      "no phase</text>",
                   x0 + 4, hist_base + 14, count_text(o.no_phase, n));
    /* the cut, over everything */
    day_t cut = cut_of(plan, p);
    if (cut >= 0) {
        char c[11];
        date_format(cut, c);
        double x = day_x(p, cut + 1, x0, w);
        buf_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#1f2328\" "
                      "stroke-width=\"2\" stroke-dasharray=\"5 3\"/>"
                      "<text class=\"big\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                      "font-weight=\"bold\">cut %s</text>",
                   x, x, axis_y + 2, hist_base + 4, x, hist_base + 20, c);
    }
    /* the span's ends */
    char a[11], z[11];
    date_format(p->start, a);
    date_format(p->end, z);
    buf_printf(b, "<text x=\"%.1f\" y=\"%d\">start %s</text><text x=\"%.1f\" y=\"%d\" "
                  "text-anchor=\"end\">end %s</text></svg>\n",
               x0, H - 4, a, x0 + w, H - 4, z);
}

/* The findings: each WARN and FAIL in a line, orphans by cause first. */
static void findings(buf_t *b, const report_t *r, const report_input_t *in,
                     const assignment_counts_t *c)
{
    buf_adds(b, "<section id=\"findings\"><h2>Findings</h2><ul>");
    bool any = false;
    char n[32];
    if (c->orphaned > 0) {
        orphan_causes_t o_all = {0}, one;
        for (size_t i = 0; i < r->plan->nprojects; i++)
            if (!r->plan->projects[i].rejected) {
                project_orphans(r, i, &one);
                o_all.before_start += one.before_start;
                o_all.after_end += one.after_end;
                o_all.no_phase += one.no_phase + one.between_phases;
            }
        const orphan_causes_t *o = &o_all;
        char nb[32], na[32], nn[32];
        buf_printf(b, "<li class=\"warn\"><b>WARN</b> %s assignment%s orphaned (in no phase, so "
                      "in no phase-based report): %s dated before its project's start, %s after "
                      "its end, %s in a project with no phase</li>",
                   count_text(c->orphaned, n), c->orphaned == 1 ? " is" : "s are",
                   count_text(o->before_start, nb), count_text(o->after_end, na),
                   count_text(o->no_phase, nn));
        any = true;
    }
    for (size_t i = 0; i < in->nchecks; i++) {
        const check_t *k = &in->checks[i];
        if (k->ok && (!k->warn || (k->id == 9 && c->orphaned > 0)))
            continue;   /* check 9's WARN is the orphans line above */
        buf_printf(b, "<li class=\"%s\"><b>%s</b> check %d, ", k->ok ? "warn" : "fail",
                   k->ok ? "WARN" : "FAIL", k->id);
        html_text(b, k->name);
        buf_adds(b, ": ");
        html_text(b, k->detail);
        buf_adds(b, "</li>");
        any = true;
    }
    if (c->moved > 0)
        buf_printf(b, "<li class=\"note\"><b>NOTE</b> %s assignment%s silently change phase: "
                      "their date falls in another phase than the one they pointed at</li>",
                   count_text(c->moved, n), c->moved == 1 ? "" : "s");
    if (!any)
        buf_adds(b, "<li class=\"pass\"><b>PASS</b> every check passes</li>");
    buf_adds(b, "</ul></section>\n");
}

/* The page into pg (see page_t). */
static void page(const page_t *pg, const report_t *r, const report_input_t *in)
{
    buf_t *b = pg->b;
    const plan_t *plan = r->plan;
    const assignment_counts_t *c = &plan->counts;
    const report_about_t *about = &r->about;
    char n[32], n2[32], n3[32], n4[32], money[64];
    buf_adds(b, HEAD);
    buf_adds(b, "<body>\n<h1>What the migration changes</h1>\n<p class=\"meta\">phasemig ");
    html_text(b, about->version ? about->version : "");
    buf_adds(b, " &middot; input <code>");
    html_text(b, in->in_path);
    buf_printf(b, "</code> (%s bytes; read: %s projects, %s phases, %s assignments)",
               count_text(about->in_bytes, n), count_text(about->rows_in[0], n2),
               count_text(about->rows_in[1], n3), count_text(about->rows_in[2], n4));
    buf_printf(b, " &middot; split policy %s &middot; ",
               in->split == SPLIT_EVIDENCE ? "evidence" : "midpoint");
    /* OUT is not named: the same input gives the same page wherever it goes */
    buf_adds(b, about->dry_run ? "a dry run: nothing written" : "migrated, beside this report");
    buf_adds(b, "</p>\n<section id=\"headline\">");
    const struct {
        const char *cls, *name;
        uint64_t n;
    } heads[] = {{"", "projects", in->projects},   {"", "assignments", c->total},
                 {"kept", "kept", c->kept},        {"moved", "moved", c->moved},
                 {"orphaned", "orphaned", c->orphaned},
                 {"", "cross-project links", c->cross_project_links}};
    for (size_t i = 0; i < ARRAY_LEN(heads); i++)
        buf_printf(b, "<div class=\"%s\"><b>%s</b><span>%s</span></div>", heads[i].cls,
                   count_text(heads[i].n, n), heads[i].name);
    money_sum_t budget = {0};
    for (size_t i = 0; i < plan->nphases; i++) {
        const phase_t *ph = &plan->phases[i];
        if (!ph->rejected && ph->project != NO_INDEX && !plan->projects[ph->project].rejected)
            money_sum_add(&budget, ph->total);
    }
    buf_printf(b, "<div><b>%s</b><span>budget, total</span></div></section>\n",
               money_text(budget, money));
    findings(b, r, in, c);
    buf_adds(b, "<section id=\"overall\"><h2>Assignments per month, all projects</h2>\n");
    overall_chart(b, r);
    buf_adds(b, "</section>\n");

    size_t *order;
    size_t changed = plan_projects_by_changes(plan, false, &order);
    projects_table(pg, r, order, changed, in->split);
    size_t drawn = changed < REPORT_PROJECTS ? changed : REPORT_PROJECTS;
    if (drawn > 0)
        buf_printf(b, "<section id=\"timelines\"><h2>Timelines of the %zu project%s with the "
                      "most changes</h2>\n<p>Old phases had no dates: each spans its project. "
                      "Colours: <span class=\"pass\">kept</span>, moved (orange), <span "
                      "class=\"fail\">orphaned</span>; slices of the span, the tallest to "
                      "scale.</p>\n",
                   drawn, drawn == 1 ? "" : "s");
    for (size_t k = 0; k < drawn; k++) {
        const project_t *p = &plan->projects[order[k]];
        char text[UUID_TEXT_LEN + 1];
        buf_printf(b, "<section class=\"project\" id=\"p%zu\"><h3>", order[k]);
        html_text(b, p->name ? p->name : "unnamed project");
        buf_adds(b, " <small><code>");
        html_text(b, plan_id_text(&p->id, p->id_as_read, text));
        buf_printf(b, "</code></small></h3>\n<p>%s assignment%s change phase.",
                   count_text(move_matrix_changes(&plan->moves[order[k]]), n),
                   move_matrix_changes(&plan->moves[order[k]]) == 1 ? "" : "s");
        if (p->split_known) {
            char mid[11], ev[11];
            date_format(p->split_day[SPLIT_MIDPOINT], mid);
            date_format(p->split_day[SPLIT_EVIDENCE], ev);
            buf_printf(b, " Planning ending %s (midpoint) moves %s; ending %s (evidence) moves %s.",
                       mid, count_text(p->split_moves[SPLIT_MIDPOINT], n2), ev,
                       count_text(p->split_moves[SPLIT_EVIDENCE], n3));
        }
        buf_adds(b, "</p>\n");
        timeline(b, r, order[k]);
        buf_adds(b, "</section>\n");
        page_drain(pg, PAGE_DRAIN_AT);
    }
    if (drawn > 0) {
        if (changed > drawn)
            buf_printf(b, "<p>The other %s projects with changes are in the table above; %s "
                          "lists every changed assignment.</p>\n",
                       count_text(changed - drawn, n),
                       about->dry_run ? "the real run's diff.csv" : "diff.csv");
        buf_adds(b, "</section>\n");
    }
    free(order);

    buf_adds(b, "<section id=\"checks\"><h2>Checks</h2>\n<table>");
    for (size_t i = 0; i < in->nchecks; i++) {
        const check_t *k = &in->checks[i];
        const char *status = check_status(k);
        buf_printf(b, "<tr><td class=\"%s\">%s</td><td>%d</td><td>",
                   !k->ok ? "fail" : k->warn ? "warn" : "pass", status, k->id);
        html_text(b, k->name);
        buf_adds(b, "</td><td>");
        html_text(b, k->detail);
        buf_adds(b, "</td></tr>");
    }
    buf_adds(b, "</table></section>\n");
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
                   "<section id=\"split\"><h2>Split policies</h2>\n<p>Over the %s projects with "
                   "both phases, cutting each at its midpoint (as the live migration does) moves "
                   "<b>%s</b> assignments; cutting each where the fewest move (<code>--split "
                   "evidence</code>) moves <b>%s</b>.</p></section>\n",
                   count_text(both, n), count_text(moved[SPLIT_MIDPOINT], n2),
                   count_text(moved[SPLIT_EVIDENCE], n3));
    buf_adds(b, "</body></html>\n");
}

void report_html(buf_t *b, const report_t *r, const report_input_t *in)
{
    page_t pg = {b, NULL, 0};
    page(&pg, r, in);
}

void report_write(bytesink_t *const *outs, size_t nouts, const report_t *r,
                  const report_input_t *in)
{
    if (nouts == 0)
        return;     /* a dry run without --html: no page to make */
    buf_t b;
    buf_init(&b);
    page_t pg = {&b, outs, nouts};
    page(&pg, r, in);
    page_drain(&pg, 0);
    buf_free(&b);
}
