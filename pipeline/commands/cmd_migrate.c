/*
** migrate IN OUT: the chains of SPEC "migrate".
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
#include "../frame/background.h"
#include "../frame/chain.h"
#include "commands.h"
#include "../../stages/dataset.h"
#include "../frame/progress.h"
#include "run.h"

const char MIGRATE_USAGE[] =
    "usage: phasemig migrate [OPTIONS] IN OUT\n"
    "       phasemig migrate --dry-run [OPTIONS] IN [OUT]\n\n"
    "Reads the old-schema dataset IN (a directory of CSV or gzip CSV files, or a\n"
    "SQLite file), gives each phase a name and a date range, matches assignments\n"
    "to phases by date, and writes the new-schema dataset, diff.csv and\n"
    "summary.json into the directory OUT, all at once or not at all. With CSV or\n"
    "gzip CSV output, OUT/load.psql loads the tables into PostgreSQL in one\n"
    "transaction (cd OUT && psql -X -f load.psql; see 'phasemig schema').\n\n"
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
    "  -f, --force       replace OUT if it exists and is not empty\n"
    "  --max-errors N    stop reading after N problems (default: collect all)\n"
    "  --rejects FILE    go on past bad rows: write them to FILE (table, line, id,\n"
    "                    column, value, reason, raw; - is stdout) and migrate the\n"
    "                    rest; exit 1\n"
    "  -h, --help        this text\n\n"
    "Exit status: 0 done; 1 done with findings (a failed check); 2 usage error,\n"
    "bad input (problems printed as FILE:LINE: column COL: 'VALUE': rule) or an\n"
    "I/O failure, and then nothing was written.\n";

/* One run of migrate. Returns the exit status, or -1 when repeated
** assignment ids turned up at the end of the stream with --rejects: then
** everything has been undone and plan.found_repeats says which lines. */
static int migrate_once(const run_opts_t *o, id_repeats_t *known)
{
    problems_t problems;
    staged_file_t rejects_file = {0};
    run_problems_init(o, &problems, &rejects_file);
    plan_t plan;
    plan_init(&plan);
    plan.known_repeats = *known;
    table_rows_t rows[T_COUNT];
    table_rows_init(rows);
    dataset_t *ds = open_dataset(o->in, &problems);
    progress_start(dataset_bytes(ds) * (o->split == SPLIT_EVIDENCE ? 2 : 1), o->quiet);

    /* the small tables, held */
    source_t *projects, *phases;
    load_plan(ds, &plan, SCHEMA_OLD, &problems, rows, &projects, &phases);
    split_t *split = split_new(&plan);
    if (o->split == SPLIT_EVIDENCE) {
        /* a first pass counts, per project and day, where assignments point */
        uint64_t ignored = 0;
        problems_t quiet;   /* the second pass reports them */
        problems_init(&quiet, 0);
        quiet.keep_going = true;
        progress_pass(1, 2);
        source_t *counting = open_table(ds, T_ASSIGNMENTS, &quiet);
        stage_t *count[] = {validate_assignments_new(&plan, &quiet, &ignored, SCHEMA_OLD),
                            split_count_new(split)};
        run_chain(counting, count, 2, &quiet);
        source_free(counting);
        problems_free(&quiet);
        plan.found_repeats.n = 0;
        split_choose(split);
        progress_pass(2, 2);
    }
    remap_plan(&plan, o->split, &problems);
    report_t *report = report_new(&plan);

    /* where the output goes */
    output_t out = {0};
    sink_t *sink = open_output(o, &out, SCHEMA_NEW);
    char *diff_path = o->dry_run ? NULL : output_path(&out, "diff.csv");
    /* written on its own thread, as the tables are (a quarter of the bytes) */
    diff_t *diff = diff_new(diff_path ? background_bytesink_new(bytesink_file_new(diff_path), BG_BLOCK_PLAIN) : NULL);
    free(diff_path);
    verify_t *verify = verify_new();

    /* projects, unchanged */
    source_t *project_rows =
        plan_source_new(&plan, false, projects->table, &problems, &rows[0].rejected);
    stage_t *emit_projects[] = {verify_projects_new(verify), write_new(sink, &rows[0].out)};
    run_chain(project_rows, emit_projects, 2, &problems);
    source_free(project_rows);

    /* phases, remapped */
    const char *drop_type[4];   /* phase_type */
    schema_diff(T_PHASES, SCHEMA_OLD, SCHEMA_NEW, drop_type, ARRAY_LEN(drop_type));
    source_t *phase_rows =
        plan_source_new(&plan, true, phases->table, &problems, &rows[1].rejected);
    stage_t *emit_phases[] = {verify_original_phases_new(verify),
                              remap_new(&plan),
                              diff_phases_new(diff),
                              cut_new(drop_type),
                              diff_schema_new(diff, phases->table),
                              verify_phases_new(verify),
                              write_new(sink, &rows[1].out)};
    run_chain(phase_rows, emit_phases, 7, &problems);
    source_free(phase_rows);
    source_free(projects);
    source_free(phases);

    /* assignments, streamed */
    /* project_phase_id, and what match added for the stages after it */
    const char *drop_link[6];
    size_t dropped = schema_diff(T_ASSIGNMENTS, SCHEMA_OLD, SCHEMA_NEW, drop_link, ARRAY_LEN(drop_link) - 2);
    drop_link[dropped] = MATCH_CHANGE;
    drop_link[dropped + 1] = MATCH_PHASE;
    drop_link[dropped + 2] = NULL;
    source_t *assignments = open_table(ds, T_ASSIGNMENTS, &problems);
    stage_t *stream[] = {
        validate_assignments_new(&plan, &problems, &rows[2].rejected, SCHEMA_OLD),
        o->split == SPLIT_MIDPOINT ? split_count_new(split) : NULL,
        match_new(&plan),
        report_marks_new(report),
        diff_assignments_new(diff),
        cut_new(drop_link),
        diff_schema_new(diff, assignments->table),
        verify_assignments_new(verify),
        write_new(sink, &rows[2].out)};
    /* validate (the stage that reports problems) on a thread of its own,
    ** the rest on this one: the work split about in half */
    rows[2].in = run_chain_ahead(assignments, stream, 9, 1, &problems);
    if (o->split == SPLIT_MIDPOINT)
        split_choose(split);   /* the evidence policy's numbers, for comparison */
    source_free(assignments);
    dataset_close(ds);
    progress_end();

    if (plan.found_repeats.n > 0) {
        /* --rejects: rows already written have ids of earlier rows; start over */
        *known = plan.found_repeats;
        plan.found_repeats = (id_repeats_t){0};
        plan.known_repeats = (id_repeats_t){0};
        output_abort(&out);
        staged_file_abort(&rejects_file);
        report_free(report);
        diff_free(diff);
        sink_free(sink);
        split_free(split);
        verify_free(verify);
        plan_free(&plan);
        problems_free(&problems);
        return -1;
    }
    plan.known_repeats = (id_repeats_t){0};   /* the caller's */
    if (problems.count > 0 && !problems.keep_going)
        give_up(&problems);
    check_rows_law(rows);
    diff_close(diff);
    sink->close(sink);
    sink_free(sink);
    if (o->format == FORMAT_SQLITE && !o->dry_run) {
        char *path = output_path(&out, "dataset.db");
        sqlite3 *db = NULL;
        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
            runtime_error("%s: %s", path, sqlite3_errmsg(db));
        verify_sqlite_db(verify, db);
        sqlite3_close(db);
        free(path);
    }

    summary_input_t summary = {&plan,    verify,     rows,
                               o->in,    o->out,     o->dry_run,
                               o->split, diff_preview(diff), diff_rows(diff)};
    check_t checks[VERIFY_CHECKS];
    verify_checks(verify, checks);
    buf_t html;
    buf_init(&html);
    report_input_t report_in = {o->in, o->split, rows[0].out, checks, VERIFY_CHECKS};
    report_html(&html, report, &report_in);
    staged_file_t html_file = {0};
    if (o->html) {
        bytesink_t *f = staged_file_open(&html_file, o->html);
        f->write(f, html.data, html.len);
        f->close(f);
        bytesink_free(f);
    }
    if (!o->dry_run) {
        char *json_path = output_path(&out, "summary.json");
        bytesink_t *json = bytesink_file_new(json_path);
        summary_json(json, &summary);
        json->close(json);
        bytesink_free(json);
        free(json_path);
        write_output_file(&out, "report.html", html.data, html.len);
        commit_rejects(&problems, &rejects_file);
        output_commit(&out);
    }
    if (o->html)
        staged_file_commit(&html_file);
    staged_file_free(&html_file);
    buf_free(&html);
    problems_print_warnings(&problems, stderr);
    FILE *human = run_human_stream(o);
    if (!o->quiet)
        summary_text(human, &summary);
    run_preview_out(o, human);
    report_rejects(&problems, o);
    if (o->json) {
        bytesink_t *json = bytesink_stdout_new();
        summary_json(json, &summary);
        json->close(json);
        bytesink_free(json);
    }
    int status = checks_pass(checks, VERIFY_CHECKS) && problems.count == 0 ? 0 : 1;
    if (fflush(stdout) != 0)
        runtime_error("stdout: write failed: %s", strerror(errno));

    diff_free(diff);
    report_free(report);
    split_free(split);
    verify_free(verify);
    plan_free(&plan);
    problems_free(&problems);
    staged_file_free(&rejects_file);
    output_free(&out);
    return status;
}

int cmd_migrate(int argc, char **argv)
{
    run_opts_t o;
    run_opts_parse("migrate", true, argc, argv, &o);
    run_check_paths(&o);
    return run_twice_if_needed(&o, migrate_once);
}
