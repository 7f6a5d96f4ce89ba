/*
** migrate IN OUT: the chains of docs/contract.md "migrate".
**
**   projects     read -> validate-projects        (held in the plan)
**   phases       read -> validate-phases          (held in the plan)
**   (remap the plan: each phase's name and range)
**   projects     plan -> verify -> write
**   phases       plan -> remap -> diff -> cut phase_type -> diff-schema
**                     -> verify -> write
**   assignments  read -> validate -> match -> diff -> cut project_phase_id
**                     -> diff-schema -> verify -> write
**
** Output is staged beside OUT and committed only when the input had no
** problem; otherwise the problems are printed and nothing is written.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../stages/stages.h"
#include "../frame/chain.h"
#include "commands.h"
#include "../../stages/dataset.h"
#include "../../stages/inspect.h"
#include "../frame/progress.h"
#include "run.h"

const char MIGRATE_USAGE[] =
    "usage: phasemig migrate [OPTIONS] IN OUT\n"
    "       phasemig migrate --dry-run [OPTIONS] IN [OUT]\n\n"
    "Reads the old-schema dataset IN (a directory of CSV or gzip CSV files, a\n"
    "SQLite file, or a pg_dump archive: -Fc, -Fd, -Ft or a plain SQL script,\n"
    "gzip or not), gives each phase a name and a date range, matches assignments\n"
    "to phases by date, and writes the new-schema dataset, diff.csv and\n"
    "summary.json into the directory OUT, all at once or not at all. With CSV or\n"
    "gzip CSV output, OUT/load.psql loads the tables into PostgreSQL in one\n"
    "transaction (cd OUT && psql -X -f load.psql; see 'phasemig schema'), and\n"
    "OUT/apply.psql migrates the database IN was dumped from (or a restore of\n"
    "it) in place, as the application's migration does, refusing one that is\n"
    "not what phasemig read (psql -X -v ON_ERROR_STOP=1 -d DB -v dir=OUT\n"
    "-f OUT/apply.psql).\n\n"
    "options:\n"
    "  --format FMT      csv (default), csv.gz or sqlite (OUT/dataset.db)\n"
    "  --split POLICY    where a project with both phases is cut: midpoint\n"
    "                    (default, as the live migration) or evidence (the day\n"
    "                    that moves the fewest assignments; reads them twice)\n"
    "  -n, --dry-run     run every stage and check, print the summary and a diff\n"
    "                    preview, write nothing (but --html FILE); an OUT given\n"
    "                    is named, not created\n"
    "  --html FILE       also write the visual report there (always in\n"
    "                    OUT/report.html); - is stdout\n"
    "  -q, --quiet       no summary on stdout, no progress on stderr\n"
    "  --json            print summary.json's object on stdout (the summary for a\n"
    "                    person goes to stderr); with --dry-run too\n"
    "  --strict          a check that warns (orphaned assignments) makes the exit\n"
    "                    status 1\n"
    "  -f, --force       replace OUT if it exists and is not empty\n"
    "  --max-errors N    stop reading after N problems (default: collect all)\n"
    "  --schema NAME     a pg_dump archive's tables are those of schema NAME\n"
    "                    (default: public)\n"
    "  --rejects FILE    go on past bad rows: write them to FILE (table, line, id,\n"
    "                    column, value, reason, raw; - is stdout) and migrate the\n"
    "                    rest; exit 1\n"
    "  -h, --help        this text\n\n"
    "Each assignment is kept (its date falls in the phase it pointed at), moved\n"
    "(its date falls in another phase of its project), or orphaned (its date\n"
    "falls in no phase of its project: before its start, after its end, or the\n"
    "project has no phase). A cross-project link is a project_phase_id that\n"
    "names a phase of another project; it is counted and classified as any other.\n\n"
    "Exit status: 0 done (checks PASS or WARN); 1 done with findings (a failed\n"
    "check, rejected rows, a WARN with --strict); 2 usage error, a dataset in\n"
    "the new schema, bad input (problems printed as FILE:LINE: column COL:\n"
    "'VALUE': rule) or an I/O failure, and then nothing was written.\n";

/* The first pass of --split evidence: counts, per project and day, where
** the assignments point (their problems are the second pass's to report). */
static void count_evidence(run_t *r, split_t *split)
{
    uint64_t ignored = 0;
    problems_t quiet;
    problems_init(&quiet, 0);
    quiet.keep_going = true;
    progress_pass(1, 2);
    source_t *counting = open_table(r->ds, T_ASSIGNMENTS, &quiet);
    stage_t *count[] = {validate_assignments_new(&r->plan, &quiet, &ignored, SCHEMA_OLD),
                        split_count_new(split)};
    run_chain(counting, count, 2, &quiet);
    source_free(counting);
    problems_free(&quiet);
    r->plan.found_repeats.n = 0;
    split_choose(split);
    progress_pass(2, 2);
}

/* A SQLite output's tables as it declares them, for check 8. */
static void verify_sqlite_output(run_t *r, verify_t *verify)
{
    char *path = output_path(&r->out, r->sqlite_name);
    named_t differences = {0};
    if (inspect_sqlite(path, SCHEMA_NEW, &differences) != 0)
        runtime_error("%s: cannot open the database written", path);
    verify_schema(verify, &differences);
    free(path);
}

/* The report, written to --html and OUT/report.html as it is made: at
** 50,000 projects it is 9 MB, which held whole was the run's peak.
** --html is staged in *html_file, for the caller to commit. */
static void write_report(run_t *r, const report_t *report, const report_input_t *in,
                         staged_file_t *html_file)
{
    const run_opts_t *o = r->o;
    bytesink_t *html[2];
    size_t nhtml = 0;
    char *html_path = o->dry_run ? NULL : output_path(&r->out, "report.html");
    if (o->html)
        html[nhtml++] = staged_file_open(html_file, o->html);
    if (html_path)
        html[nhtml++] = bytesink_file_new(html_path);
    report_write(html, nhtml, report, in);
    for (size_t i = 0; i < nhtml; i++) {
        html[i]->close(html[i]);
        bytesink_free(html[i]);
    }
    free(html_path);
}

/* summary.json's object to `out`, which is closed and freed. */
static void write_summary_json(bytesink_t *out, const summary_input_t *summary)
{
    summary_json(out, summary);
    out->close(out);
    bytesink_free(out);
}

/* After the streams: the checks (computed once, read by every
** presenter), the report, summary.json, the commit of the output, and
** the summary for a person. Returns the exit status. */
static int present(run_t *r, verify_t *verify, diff_t *diff, report_t *report, uint64_t in_bytes)
{
    const run_opts_t *o = r->o;
    const table_rows_t *rows = r->rows;
    diff_close(diff);
    if (o->format == FORMAT_SQLITE && !o->dry_run)
        verify_sqlite_output(r, verify);
    check_t checks[VERIFY_CHECKS];
    verify_checks(verify, checks);
    summary_input_t summary = {.plan = &r->plan,
                               .verify = verify,
                               .checks = checks,
                               .rows = rows,
                               .in_path = o->in,
                               .out_path = o->out,
                               .dry_run = o->dry_run,
                               .split = o->split,
                               .diff_preview = diff_preview(diff),
                               .diff_rows = diff_rows(diff)};
    report_input_t report_in = {o->in, o->split, rows[T_PROJECTS].out, checks, VERIFY_CHECKS};
    report_about_t about = {phasemig_version,
                            in_bytes,
                            {rows[T_PROJECTS].in, rows[T_PHASES].in, rows[T_ASSIGNMENTS].in},
                            o->dry_run};
    report_about(report, &about);
    staged_file_t html_file = {0};
    write_report(r, report, &report_in, &html_file);
    if (!o->dry_run) {
        char *json_path = output_path(&r->out, "summary.json");
        write_summary_json(bytesink_file_new(json_path), &summary);
        free(json_path);
    }
    run_commit(r);
    if (o->html)
        staged_file_commit(&html_file);
    staged_file_free(&html_file);
    problems_print_warnings(&r->problems, stderr);
    FILE *human = run_human_stream(o);
    if (!o->quiet)
        summary_text(human, &summary);
    run_preview_out(o, human);
    if (o->json)
        write_summary_json(bytesink_stdout_new(), &summary);
    return run_end(r, checks_accept(checks, VERIFY_CHECKS, o->strict));
}

/* One run of migrate. Returns the exit status, or -1 when repeated
** assignment ids turned up at the end of the stream with --rejects: then
** everything has been undone and *known says which lines. */
static int migrate_once(const run_opts_t *o, id_repeats_t *known)
{
    run_t r;
    run_begin(&r, o, known, SCHEMA_OLD, o->split == SPLIT_EVIDENCE ? 2 : 1);
    split_t *split = split_new(&r.plan);
    if (o->split == SPLIT_EVIDENCE)
        count_evidence(&r, split);
    remap_plan(&r.plan, o->split, &r.problems);
    report_t *report = report_new(&r.plan);
    uint64_t in_bytes = dataset_bytes(r.ds);   /* the report's fingerprint of IN */
    sink_t *sink = run_open_output(&r, SCHEMA_NEW);
    char *diff_path = o->dry_run ? NULL : output_path(&r.out, "diff.csv");
    /* written on its own thread, as the tables are (a quarter of the bytes) */
    diff_t *diff = diff_new(diff_path ? chain_write_behind(bytesink_file_new(diff_path)) : NULL);
    free(diff_path);
    verify_t *verify = verify_new();
    table_rows_t *rows = r.rows;

    /* projects, unchanged */
    stage_t *emit_projects[] = {verify_projects_new(verify), write_new(sink, &rows[T_PROJECTS].out)};
    run_emit_held(&r, T_PROJECTS, emit_projects, ARRAY_LEN(emit_projects));

    /* phases, remapped */
    const char *drop_type[4];   /* phase_type */
    schema_diff(T_PHASES, SCHEMA_OLD, SCHEMA_NEW, drop_type, ARRAY_LEN(drop_type));
    stage_t *emit_phases[] = {verify_original_phases_new(verify),
                              remap_new(&r.plan),
                              diff_phases_new(diff),
                              cut_new(drop_type),
                              diff_schema_new(diff, r.phases),
                              verify_phases_new(verify),
                              write_new(sink, &rows[T_PHASES].out)};
    run_emit_held(&r, T_PHASES, emit_phases, ARRAY_LEN(emit_phases));

    /* assignments, streamed; project_phase_id cut before writing */
    const char *drop_link[4];
    schema_diff(T_ASSIGNMENTS, SCHEMA_OLD, SCHEMA_NEW, drop_link, ARRAY_LEN(drop_link));
    source_t *assignments = open_table(r.ds, T_ASSIGNMENTS, &r.problems);
    stage_t *stream[] = {
        validate_assignments_new(&r.plan, &r.problems, &rows[T_ASSIGNMENTS].rejected, SCHEMA_OLD),
        o->split == SPLIT_MIDPOINT ? split_count_new(split) : NULL,
        match_new(&r.plan),
        /* a dry run without --html makes no page: nothing to mark */
        o->dry_run && !o->html ? NULL : report_marks_new(report),
        diff_assignments_new(diff, &r.plan),
        cut_new(drop_link),
        diff_schema_new(diff, assignments->table),
        verify_assignments_new(verify),
        write_new(sink, &rows[T_ASSIGNMENTS].out)};
    /* the cut: validate (the stage that reports problems) on a thread of
    ** its own, the rest on this one: the work split about in half */
    const size_t after_validate = 1;
    rows[T_ASSIGNMENTS].in =
        run_chain_ahead(assignments, stream, ARRAY_LEN(stream), after_validate, &r.problems);
    source_free(assignments);
    if (o->split == SPLIT_MIDPOINT)
        split_choose(split);   /* the evidence policy's numbers, for comparison */

    int status = run_streams_done(&r, known) ? -1 : present(&r, verify, diff, report, in_bytes);
    diff_free(diff);
    report_free(report);
    split_free(split);
    verify_free(verify);
    run_free(&r);
    return status;
}

int cmd_migrate(int argc, char **argv)
{
    run_opts_t o;
    run_opts_parse("migrate", true, argc, argv, &o);
    run_check_paths(&o);
    return run_twice_if_needed(&o, migrate_once);
}
