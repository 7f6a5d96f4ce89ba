/*
** stages.h: every filter of phasemig, one file each under stages/.
** A stage knows its rule and nothing of the command line.
*/
#ifndef PHASEMIG_STAGES_H
#define PHASEMIG_STAGES_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pipeline/frame/csvtext.h"
#include "../pipeline/frame/errors.h"
#include "../pipeline/frame/output.h"
#include "../pipeline/frame/stage.h"
#include "../pipeline/frame/values.h"
#include "named.h"
#include "plan.h"
#include "schema.h"

/* ---- readers ---- */
/* read_gzip.c: inflates `inner` (taking ownership). */
bytesrc_t *gzip_bytesrc_new(bytesrc_t *inner);
/* read_csv.c: reads the header; NULL (and a fatal problem) if unreadable.
** Takes ownership of `bytes` either way. */
source_t *csv_source_open(bytesrc_t *bytes, const char *table, const char *display,
                          problems_t *problems);
/* read_sqlite.c: NULL (and a fatal problem) if the table cannot be read.
** Money and percentages (by the schema) stored as numbers come out with
** two decimals. */
source_t *sqlite_source_open(sqlite3 *db, table_id_t table, const char *display,
                             problems_t *problems);

/* ---- validate.c: the rules of one schema's tables ----
** Rows dropped without being held in the plan are counted in *rejected
** (held ones are counted when emitted: plan_source_new). */
stage_t *validate_projects_new(plan_t *plan, problems_t *problems, uint64_t *rejected);
stage_t *validate_phases_new(plan_t *plan, problems_t *problems, uint64_t *rejected,
                             schema_t schema);
stage_t *validate_assignments_new(plan_t *plan, problems_t *problems, uint64_t *rejected,
                                  schema_t schema);

/* unique.c: repeated assignment ids, bounded memory. */
typedef struct unique unique_t;
unique_t *unique_new(void);
/* With other limits than unique_new's: pairs held before spilling, and
** pairs a group may have before it is split (tests reach the splits). */
unique_t *unique_new_limits(size_t buffer_max, size_t group_max);
void unique_add(unique_t *u, const uuid_t *id, int64_t line);
/* Calls `repeated` for each later occurrence of an id, in line order. */
void unique_finish(unique_t *u,
                   void (*repeated)(void *ctx, const uuid_t *id, int64_t line, int64_t first_line),
                   void *ctx);
void unique_free(unique_t *u);

/* ---- split.c: where a project with both phases is cut ---- */
typedef struct split split_t;
split_t *split_new(plan_t *plan);
stage_t *split_count_new(split_t *s);
void split_choose(split_t *s);
void split_free(split_t *s);

/* ---- remap.c ---- */
/* Gives each phase of the plan its range, a project with both phases cut
** by `policy` (evidence needs split_choose() first); warns of projects
** without phases. */
void remap_plan(plan_t *plan, split_policy_t policy, problems_t *problems);
stage_t *remap_new(plan_t *plan);

/* ---- match.c ---- */
/* Classifies each assignment and notes it on the row (match_note,
** plan.h). */
stage_t *match_new(plan_t *plan);

/* ---- cut.c: drops named columns (NULL-terminated list) ---- */
stage_t *cut_new(const char *const *names);

/* ---- writers ---- */
/* write_behind: stage.h (NULL: the files are written on the caller's thread). */
sink_t *csv_sink_new(const char *dir, bool gzip, write_behind_fn write_behind);
/* write_sqlite.c: the tables, in the application's SQLite DDL of schema
** `schema`, into the new file `path`: alone (`whole` NULL), or in a copy
** of the SQLite database `whole`, whose three tables they replace. */
sink_t *sqlite_sink_new(const char *path, schema_t schema, const char *whole);
bytesink_t *gzip_bytesink_new(bytesink_t *inner);
stage_t *write_new(sink_t *sink, uint64_t *count);
/* A dry run's sinks: they take everything and keep nothing. */
sink_t *null_sink_new(void);
bytesink_t *null_bytesink_new(void);

/* ---- diff.c ---- */
typedef struct diff diff_t;
diff_t *diff_new(bytesink_t *out);     /* out NULL: preview only */
/* Emits the schema changes between `before` and the header it is given. */
stage_t *diff_schema_new(diff_t *d, const table_t *before);
stage_t *diff_phases_new(diff_t *d);
/* Assignment rows name their phases through `plan` (after match). */
stage_t *diff_assignments_new(diff_t *d, const plan_t *plan);
void diff_close(diff_t *d);
const char *diff_preview(diff_t *d);
uint64_t diff_rows(const diff_t *d);
void diff_free(diff_t *d);

/* ---- verify.c ---- */
#define VERIFY_CHECKS 9
/* A check's result is PASS, WARN or FAIL: `ok` false is FAIL; `warn` (with
** ok) is a finding that does not fail the run, unless --strict. */
typedef struct check {
    int id;
    const char *name;
    bool ok;
    char detail[1000];
    bool warn;
} check_t;
/* Assignments in no phase, by why (verify_orphans). */
typedef struct orphan_causes {
    uint64_t before_start;      /* dated before its project's start */
    uint64_t after_end;         /* dated after its project's end */
    uint64_t no_phase;          /* its project has no phase (or is unknown) */
    uint64_t between_phases;    /* in its project's dates, in none of its phases */
    named_t no_phase_projects;  /* those projects (verify_orphans: named) */
} orphan_causes_t;
typedef struct verify verify_t;
verify_t *verify_new(void);
/* Check 8: the differences of the dataset's tables, as its database
** declares them, from the application's (inspect.h); not called for
** datasets that declare none (CSV). */
void verify_schema(verify_t *v, const named_t *differences);
stage_t *verify_projects_new(verify_t *v);
stage_t *verify_phases_new(verify_t *v);
stage_t *verify_assignments_new(verify_t *v);
/* The original (old-schema) phases, whose budgets check 7 compares with. */
stage_t *verify_original_phases_new(verify_t *v);
size_t verify_checks(verify_t *v, check_t out[VERIFY_CHECKS]);
/* Check 9's assignments in no phase, by cause. */
void verify_orphans(const verify_t *v, orphan_causes_t *out);
void verify_budget(const verify_t *v, money_sum_t *capital, money_sum_t *expense,
                   money_sum_t *total);
size_t verify_names(const verify_t *v, const char *const **names, const uint64_t **counts);
void verify_free(verify_t *v);

/* ---- rollback.c ---- */
#define ROLLBACK_CHECKS 4
typedef struct rollback rollback_t;
/* Assignments that cannot be rolled back count in *rejected. */
rollback_t *rollback_new(plan_t *plan, problems_t *problems, uint64_t *rejected);
stage_t *rollback_phases_new(rollback_t *rb);
stage_t *rollback_assignments_new(rollback_t *rb);
stage_t *rollback_check_phases_new(rollback_t *rb);
stage_t *rollback_check_assignments_new(rollback_t *rb);
size_t rollback_checks(const rollback_t *rb, check_t out[ROLLBACK_CHECKS]);
typedef struct rollback_numbers {
    uint64_t matched, unmatched_to_first_phase, planning, execution;
    bool against;               /* --against ORIGINAL */
    uint64_t restored;          /* project_phase_id as in ORIGINAL */
    uint64_t not_in_original;   /* not restored: no such id (or project) in ORIGINAL */
    uint64_t phase_gone;        /* not restored: its original phase is not there */
    uint64_t types_restored;    /* phases with ORIGINAL's phase_type text */
} rollback_numbers_t;
/* --against ORIGINAL: ORIGINAL's phases, through this stage first; then
** its assignments, opened by `reopen` (once side by side with the
** dataset's, and again from the start if their ids do not line up). */
stage_t *rollback_original_phases_new(rollback_t *rb);
void rollback_original_assignments(rollback_t *rb, source_t *(*reopen)(void *ctx), void *ctx);
/* Puts the columns of `table` in ORIGINAL's order when they are the same
** set (--against); else passes the rows as they are. */
stage_t *rollback_reorder_new(rollback_t *rb, table_id_t table);
void rollback_numbers(const rollback_t *rb, rollback_numbers_t *out);
void rollback_free(rollback_t *rb);

/* ---- reconcile.c: what differs between two datasets ---- */
typedef struct reconcile reconcile_t;
/* Difference rows go to `out` (owned from now on). */
reconcile_t *reconcile_new(bytesink_t *out);
/* Pass 1: every row of a table of a side, in input order, through
** fingerprint (it may run on a worker thread ahead of load: the row goes
** on as its entry alone, and it touches the reconcile only as the table
** ends) and then load. The two sides may be read at the same time, one
** on the caller's thread and one beside it; one side's tables one after
** the other. */
stage_t *reconcile_fingerprint_new(reconcile_t *rc, table_id_t table, bool actual);
stage_t *reconcile_load_new(reconcile_t *rc, table_id_t table, bool actual);
/* Whether pass 1 may load the two sides at the same time (true here; the
** reference kept for tests, tests/reconcile_ref.c, takes one at a time). */
bool reconcile_sides_at_once(const reconcile_t *rc);
/* After pass 1 of both sides (both threads joined): joins a table's rows
** by id (writes nothing). */
void reconcile_compare(reconcile_t *rc, table_id_t table);
/* Pass 2, only where the compare wants it: the table of that side read
** again, every row in the same order, so that the rows of the pairs that
** differ are kept for their field by field comparison. */
bool reconcile_wants_rows(const reconcile_t *rc, table_id_t table, bool actual);
stage_t *reconcile_collect_new(reconcile_t *rc, table_id_t table, bool actual);
/* After pass 2: writes a table's difference rows, in order. */
void reconcile_report(reconcile_t *rc, table_id_t table);
/* Flushes and closes the difference rows. */
void reconcile_close(reconcile_t *rc);
bool reconcile_identical(const reconcile_t *rc);
void reconcile_summary_json(const reconcile_t *rc, buf_t *b);
void reconcile_summary_text(const reconcile_t *rc, FILE *out);
void reconcile_free(reconcile_t *rc);

/* ---- report.c: the HTML preview ---- */
typedef struct report report_t;
report_t *report_new(plan_t *plan);
/* Counts assignments per project, day slice and class (after match). */
stage_t *report_marks_new(report_t *r);
typedef struct report_input {
    const char *in_path;
    split_policy_t split;
    uint64_t projects;
    const check_t *checks;
    size_t nchecks;
} report_input_t;
/* What the page says of where it comes from (report_about; zero until
** then). */
typedef struct report_about {
    const char *version;        /* phasemig's */
    uint64_t in_bytes;          /* the input's size */
    uint64_t rows_in[3];        /* rows read: projects, phases, assignments */
    bool dry_run;
} report_about_t;
void report_about(report_t *r, const report_about_t *about);
/* The page, whole, into b. */
void report_html(buf_t *b, const report_t *r, const report_input_t *in);
/* The page to each of outs[0..nouts) as it is made, in pieces of about
** 64 KiB: memory does not grow with the page (9 MB at 50,000 projects).
** The caller closes the sinks; none: nothing is made. */
void report_write(bytesink_t *const *outs, size_t nouts, const report_t *r,
                  const report_input_t *in);
void report_free(report_t *r);

/* ---- summary.c ---- */
typedef struct table_rows {
    const char *table;
    uint64_t in, out, rejected;
} table_rows_t;
typedef struct summary_input {
    const plan_t *plan;
    verify_t *verify;
    const check_t *checks;      /* VERIFY_CHECKS, verify_checks()'s, computed once */
    const table_rows_t *rows;   /* 3 tables */
    const char *in_path, *out_path;
    bool dry_run;
    split_policy_t split;
    const char *diff_preview;
    uint64_t diff_rows;
} summary_input_t;
/* Writes summary.json to `out` as it goes (the caller closes it). */
void summary_json(bytesink_t *out, const summary_input_t *in);
/* Checks as JSON ("checks": [...]) and as PASS/FAIL lines. */
void checks_json(buf_t *b, const check_t *checks, size_t n);
void checks_text(FILE *out, const check_t *checks, size_t n);
bool checks_pass(const check_t *checks, size_t n);
/* Whether any check warns. */
bool checks_warn(const check_t *checks, size_t n);
/* The run's verdict on its checks: no FAIL and, when strict, no WARN. */
bool checks_accept(const check_t *checks, size_t n, bool strict);
/* "PASS", "WARN" or "FAIL". */
const char *check_status(const check_t *c);
/* The orphaned assignments by cause, as JSON ("orphaned_by_cause": {...})
** and in words ("1 dated before its project's start, ..."). */
void orphans_json(buf_t *b, const orphan_causes_t *o);
void orphans_words(char *out, size_t size, const orphan_causes_t *o);
void rows_json(buf_t *b, const table_rows_t *rows);
void rows_text(FILE *out, const table_rows_t *rows);

typedef struct rollback_summary {
    const rollback_t *rollback;
    const check_t *checks;      /* ROLLBACK_CHECKS, rollback_checks()'s, computed once */
    const table_rows_t *rows;   /* 3 tables */
    const char *in_path, *out_path;
    bool dry_run;
    const char *against;        /* --against ORIGINAL, or NULL */
} rollback_summary_t;
void rollback_summary_json(buf_t *out, const rollback_summary_t *in);
void rollback_summary_text(FILE *out, const rollback_summary_t *in);
void summary_text(FILE *out, const summary_input_t *in);

#endif
