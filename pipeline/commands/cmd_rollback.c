/*
** rollback IN OUT: the chains of docs/contract.md "rollback", new schema to old.
**
**   projects     read -> validate-projects            (held in the plan)
**   phases       read -> validate-phases (new schema) (held in the plan)
**   (order each project's phases by start_date, id)
**   projects     plan -> write
**   phases       plan -> rollback -> cut name, dates, description
**                     -> check -> write
**   assignments  read -> validate (new schema) -> rollback -> check -> write
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../stages/stages.h"
#include "commands.h"
#include "../frame/chain.h"
#include "../frame/errors.h"
#include "../frame/progress.h"
#include "run.h"

const char ROLLBACK_USAGE[] =
    "usage: phasemig rollback [OPTIONS] IN OUT\n"
    "       phasemig rollback --dry-run [OPTIONS] IN [OUT]\n\n"
    "Reads the new-schema dataset IN (CSV, SQLite or a pg_dump archive, as for\n"
    "migrate) and writes it in the old schema into the\n"
    "directory OUT, as the live migration's downgrade: phase_type from the phase\n"
    "name (PLANNING when it contains 'planning', else EXECUTION), and each\n"
    "assignment's project_phase_id from its date (else its project's first\n"
    "phase, counted as unmatched_to_first_phase). With CSV or gzip CSV output,\n"
    "OUT/load.psql loads the tables into PostgreSQL's old schema in one\n"
    "transaction (cd OUT && psql -X -f load.psql; see 'phasemig schema --old'),\n"
    "and OUT/apply.psql takes the migrated database back in place, as the\n"
    "application's downgrade does (with --against, every link as it was).\n\n"
    "options:\n"
    "  --format FMT      csv (default), csv.gz or sqlite (OUT/dataset.db)\n"
    "  -n, --dry-run     run every stage and check, write nothing (an OUT given\n"
    "                    is named, not created)\n"
    "  -f, --force       replace OUT if it exists and is not empty\n"
    "  --max-errors N    stop reading after N problems (default: collect all)\n"
    "  --schema NAME     a pg_dump archive's tables are those of schema NAME\n"
    "                    (default: public)\n"
    "  -q, --quiet       no summary on stdout\n"
    "  --json            print summary.json's object on stdout (the summary for a\n"
    "                    person goes to stderr); with --dry-run too\n"
    "  --strict          a check that warns (assignments linked by the first-phase\n"
    "                    rule) makes the exit status 1\n"
    "  --against ORIGINAL  the old-schema export from before the migration: an\n"
    "                    assignment found there by id whose phase is still there\n"
    "                    gets its original project_phase_id back exactly; the\n"
    "                    others are derived from dates\n"
    "  --rejects FILE    go on past bad rows: write them to FILE (table, line, id,\n"
    "                    column, value, reason, raw; - is stdout) and migrate the\n"
    "                    rest; exit 1\n"
    "  -h, --help        this text\n\n"
    "The words, of an assignment against the new phases:\n"
    "kept: its date falls in the phase it pointed at. moved: its date falls in\n"
    "another phase of its project. orphaned: its date falls in no phase of its\n"
    "project (before its start, after its end, or the project has no phase).\n"
    "cross-project link: its project_phase_id names a phase of another project.\n\n"    "The links are derived from dates, not restored: an assignment the migration\n"
    "moved (its date fell in another phase than it pointed at) or orphaned (its\n"
    "date fell in no phase) gets another project_phase_id than it had; one it\n"
    "kept gets the same. A cross-project link (a project_phase_id naming a phase\n"
    "of another project) cannot come back. --against ORIGINAL restores them.\n\n"
    "Exit status: 0 done (checks PASS or WARN); 1 done with findings (a failed\n"
    "check, rejected rows, a WARN with --strict); 2 usage error, a dataset in\n"
    "the old schema, bad input (an assignment whose project has no phase\n"
    "included) or an I/O failure, and then nothing was written.\n";

/* ORIGINAL (--against) while the run reads it. */
typedef struct {
    dataset_t *ds;
    problems_t *problems;
} original_t;

/* ORIGINAL's assignments from their first row (rollback_original_assignments),
** read ahead on a thread of their own, as the dataset's are by its chain. */
static source_t *reopen_original(void *ctx)
{
    original_t *orig = ctx;
    return chain_source_ahead(open_table(orig->ds, T_ASSIGNMENTS, orig->problems));
}

/* --against ORIGINAL: its phases read into the rollback, its assignments
** opened side by side with the dataset's; gives up (exit 2) on a dataset
** that is not in the old schema. */
static void open_original(const run_opts_t *o, rollback_t *rb, original_t *orig, run_t *r)
{
    orig->problems = &r->problems;
    orig->ds = open_dataset(o->against, o->schema, &r->problems);
    source_t *phases = open_table(orig->ds, T_PHASES, &r->problems);
    if (table_col(phases->table, schema_column_name(PHASES_PHASE_TYPE)) < 0)
        runtime_error("%s: no phase_type column: --against takes the old-schema export from "
                      "before the migration", o->against);
    stage_t *load[] = {rollback_original_phases_new(rb)};
    run_chain(phases, load, 1, &r->problems);
    source_free(phases);
    rollback_original_assignments(rb, reopen_original, orig);
}

/* One run of rollback; -1 as migrate_once (cmd_migrate.c) when repeated
** assignment ids turn up at the end of the stream with --rejects. */
static int rollback_once(const run_opts_t *o, id_repeats_t *known)
{
    run_t r;
    run_begin(&r, o, known, SCHEMA_NEW, 1);
    plan_order_phases(&r.plan);
    sink_t *sink = run_open_output(&r, SCHEMA_OLD);
    table_rows_t *rows = r.rows;
    rollback_t *rb = rollback_new(&r.plan, &r.problems, &rows[T_ASSIGNMENTS].rejected);
    original_t original = {NULL, NULL};
    if (o->against)
        open_original(o, rb, &original, &r);

    stage_t *emit_projects[] = {write_new(sink, &rows[T_PROJECTS].out)};
    run_emit_held(&r, T_PROJECTS, emit_projects, ARRAY_LEN(emit_projects));

    const char *drop_new[6];   /* name, start_date, end_date, description */
    schema_diff(T_PHASES, SCHEMA_NEW, SCHEMA_OLD, drop_new, ARRAY_LEN(drop_new));
    stage_t *emit_phases[] = {rollback_phases_new(rb), cut_new(drop_new),
                              rollback_check_phases_new(rb), rollback_reorder_new(rb, T_PHASES),
                              write_new(sink, &rows[T_PHASES].out)};
    run_emit_held(&r, T_PHASES, emit_phases, ARRAY_LEN(emit_phases));

    source_t *assignments = open_table(r.ds, T_ASSIGNMENTS, &r.problems);
    stage_t *stream[] = {
        validate_assignments_new(&r.plan, &r.problems, &rows[T_ASSIGNMENTS].rejected, SCHEMA_NEW),
        rollback_assignments_new(rb), rollback_check_assignments_new(rb),
        rollback_reorder_new(rb, T_ASSIGNMENTS), write_new(sink, &rows[T_ASSIGNMENTS].out)};
    rows[T_ASSIGNMENTS].in = run_chain(assignments, stream, ARRAY_LEN(stream), &r.problems);
    source_free(assignments);

    int status = -1;
    if (!run_streams_done(&r, known)) {
        check_t checks[ROLLBACK_CHECKS];   /* once: every presenter reads these */
        rollback_checks(rb, checks);
        rollback_summary_t summary = {.rollback = rb,
                                      .checks = checks,
                                      .rows = rows,
                                      .in_path = o->in,
                                      .out_path = o->out,
                                      .dry_run = o->dry_run,
                                      .against = o->against};
        buf_t json;
        buf_init(&json);
        rollback_summary_json(&json, &summary);
        if (!o->dry_run)
            write_output_file(&r.out, "summary.json", json.data, json.len);
        run_commit(&r);
        FILE *human = run_human_stream(o);
        if (!o->quiet)
            rollback_summary_text(human, &summary);
        run_preview_out(o, human);
        if (o->json)
            fwrite(json.data, 1, json.len, stdout);
        buf_free(&json);
        status = run_end(&r, checks_accept(checks, ROLLBACK_CHECKS, o->strict));
    }
    rollback_free(rb);     /* before ORIGINAL: it may hold one of its tables open */
    dataset_close(original.ds);
    run_free(&r);
    return status;
}

int cmd_rollback(int argc, char **argv)
{
    run_opts_t o;
    run_opts_parse("rollback", false, argc, argv, &o);
    run_check_paths(&o);
    return run_twice_if_needed(&o, rollback_once);
}
