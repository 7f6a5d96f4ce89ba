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

#include "../stages/stages.h"
#include "chain.h"
#include "commands.h"
#include "dataset.h"

const char MIGRATE_USAGE[] =
    "usage: phasemig migrate [OPTIONS] IN OUT\n"
    "       phasemig migrate --dry-run [OPTIONS] IN\n\n"
    "Reads the old-schema dataset IN (a directory of CSV or gzip CSV files, or a\n"
    "SQLite file), gives each phase a name and a date range, matches assignments\n"
    "to phases by date, and writes the new-schema dataset, diff.csv and\n"
    "summary.json into the directory OUT, all at once or not at all.\n\n"
    "options:\n"
    "  --format FMT      csv (default), csv.gz or sqlite (OUT/dataset.db)\n"
    "  --dry-run         run every stage and check, print the summary and a diff\n"
    "                    preview, write nothing\n"
    "  --force           replace OUT if it exists and is not empty\n"
    "  --max-errors N    stop reading after N problems (default: collect all)\n"
    "  -h, --help        this text\n\n"
    "Exit status: 0 done; 1 done with findings (a failed check); 2 usage error,\n"
    "bad input (problems printed as FILE:LINE: column COL: 'VALUE': rule) or an\n"
    "I/O failure, and then nothing was written.\n";

typedef enum { FORMAT_CSV, FORMAT_CSV_GZ, FORMAT_SQLITE } format_t;

typedef struct {
    const char *in, *out;
    format_t format;
    bool dry_run, force;
    size_t max_errors;
} migrate_opts_t;

static void parse(int argc, char **argv, migrate_opts_t *o)
{
    memset(o, 0, sizeof *o);
    const char *pos[3] = {NULL, NULL, NULL};
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--dry-run") == 0)
            o->dry_run = true;
        else if (strcmp(a, "--force") == 0)
            o->force = true;
        else if (strcmp(a, "--format") == 0 || strcmp(a, "--max-errors") == 0) {
            if (i + 1 >= argc)
                cmdline_error("migrate: %s needs a value", a);
            const char *v = argv[++i];
            if (strcmp(a, "--format") == 0) {
                if (strcmp(v, "csv") == 0)
                    o->format = FORMAT_CSV;
                else if (strcmp(v, "csv.gz") == 0)
                    o->format = FORMAT_CSV_GZ;
                else if (strcmp(v, "sqlite") == 0)
                    o->format = FORMAT_SQLITE;
                else
                    cmdline_error("migrate: --format takes csv, csv.gz or sqlite, not '%s'", v);
            } else {
                char *end;
                errno = 0;
                unsigned long long n = strtoull(v, &end, 10);
                if (errno || *end || !*v || v[0] == '-' || n == 0)
                    cmdline_error("migrate: --max-errors takes a positive number, not '%s'", v);
                o->max_errors = (size_t)n;
            }
        } else if (a[0] == '-' && a[1] != '\0')
            cmdline_error("migrate: unknown option '%s'", a);
        else if (npos < 3)
            pos[npos++] = a;
        else
            npos++;
    }
    int want = o->dry_run ? 1 : 2;
    if (npos < 1 || (!o->dry_run && npos < 2))
        cmdline_error("migrate: needs IN and OUT (or --dry-run IN)");
    if (npos > want)
        cmdline_error("migrate: too many arguments");
    o->in = pos[0];
    o->out = o->dry_run ? NULL : pos[1];
}

/* Prints the problems found and ends the run: status 2, nothing written
** (the output's exit hook removes anything staged). */
_Noreturn static void give_up(problems_t *problems)
{
    problems_print(problems, stderr);
    exit(2);
}

/* Runs one chain; returns the rows read. Gives up when the table could
** not be read. */
static uint64_t run(source_t *src, stage_t **stages, size_t n, problems_t *problems)
{
    uint64_t rows = 0;
    int rc = chain_run(src, stages, n, problems, &rows);
    for (size_t i = 0; i < n; i++)
        stage_free(stages[i]);
    if (rc < 0 || problems->fatal) {
        source_free(src);
        give_up(problems);
    }
    return rows;
}

static source_t *open_table(dataset_t *ds, const char *table, problems_t *problems)
{
    source_t *src = dataset_table(ds, table, problems);
    if (!src)
        give_up(problems);
    return src;
}

static int count_indexes(const char *db_path)
{
    sqlite3 *db;
    int found = 0;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db,
                               "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                               "tbl_name = 'project_phases' AND name IN "
                               "('ix_project_phases_start_date', 'ix_project_phases_end_date')",
                               -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            found = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return found;
}

int cmd_migrate(int argc, char **argv)
{
    migrate_opts_t o;
    parse(argc, argv, &o);
    problems_t problems;
    problems_init(&problems, o.max_errors);
    plan_t plan;
    plan_init(&plan);
    table_rows_t rows[3] = {{TABLE_PROJECTS, 0, 0, 0},
                            {TABLE_PHASES, 0, 0, 0},
                            {TABLE_ASSIGNMENTS, 0, 0, 0}};

    dataset_t *ds = dataset_open(o.in, &problems);
    if (!ds)
        give_up(&problems);

    /* the small tables, held */
    source_t *projects = open_table(ds, TABLE_PROJECTS, &problems);
    stage_t *load_projects[] = {validate_projects_new(&plan, &problems)};
    rows[0].in = run(projects, load_projects, 1, &problems);
    source_t *phases = open_table(ds, TABLE_PHASES, &problems);
    stage_t *load_phases[] = {validate_phases_new(&plan, &problems)};
    rows[1].in = run(phases, load_phases, 1, &problems);
    remap_plan(&plan, &problems);

    /* where the output goes */
    output_t out = {0};
    sink_t *sink = NULL;
    diff_t *diff;
    if (o.dry_run) {
        diff = diff_new(NULL);
    } else {
        output_prepare(&out, o.out, o.force);
        sink = o.format == FORMAT_SQLITE ? sqlite_sink_new(out.staging)
                                         : csv_sink_new(out.staging, o.format == FORMAT_CSV_GZ);
        char *diff_path = output_path(&out, "diff.csv");
        diff = diff_new(bytesink_file_new(diff_path));
        free(diff_path);
    }
    verify_t *verify = verify_new();
    verify_expect_budget(verify, plan.capital_in, plan.expense_in, plan.total_in);

    /* projects, unchanged */
    source_t *project_rows = plan_source_new(&plan, false, projects->table);
    stage_t *emit_projects[] = {verify_projects_new(verify), sink ? write_new(sink, &rows[0].out)
                                                                  : NULL};
    if (!sink)
        rows[0].out = plan.nprojects;
    run(project_rows, emit_projects, sink ? 2 : 1, &problems);
    source_free(project_rows);

    /* phases, remapped */
    static const char *const drop_type[] = {"phase_type", NULL};
    source_t *phase_rows = plan_source_new(&plan, true, phases->table);
    stage_t *emit_phases[] = {remap_new(&plan),
                              diff_phases_new(diff),
                              cut_new(drop_type),
                              diff_schema_new(diff, phases->table),
                              verify_phases_new(verify),
                              sink ? write_new(sink, &rows[1].out) : NULL};
    uint64_t phases_out = run(phase_rows, emit_phases, sink ? 6 : 5, &problems);
    if (!sink)
        rows[1].out = phases_out;
    source_free(phase_rows);
    source_free(projects);
    source_free(phases);

    /* assignments, streamed */
    static const char *const drop_link[] = {"project_phase_id", MATCH_CHANGE, MATCH_PHASE, NULL};
    source_t *assignments = open_table(ds, TABLE_ASSIGNMENTS, &problems);
    stage_t *stream[] = {validate_assignments_new(&plan, &problems),
                         match_new(&plan),
                         diff_assignments_new(diff),
                         cut_new(drop_link),
                         diff_schema_new(diff, assignments->table),
                         verify_assignments_new(verify),
                         sink ? write_new(sink, &rows[2].out) : NULL};
    rows[2].in = run(assignments, stream, sink ? 7 : 6, &problems);
    if (!sink)
        rows[2].out = plan.counts.total;
    source_free(assignments);
    dataset_close(ds);

    if (problems.count > 0)
        give_up(&problems);
    diff_close(diff);
    if (sink) {
        sink->close(sink);
        sink_free(sink);
    }
    if (o.format == FORMAT_SQLITE && !o.dry_run) {
        char *db = output_path(&out, "dataset.db");
        verify_sqlite_indexes(verify, count_indexes(db));
        free(db);
    }
    for (int t = 0; t < 3; t++)
        rows[t].rejected = rows[t].in - rows[t].out;

    summary_input_t summary = {&plan, verify, rows, o.in, o.out, o.dry_run,
                               diff_preview(diff), diff_rows(diff)};
    if (!o.dry_run) {
        buf_t json;
        buf_init(&json);
        summary_json(&json, &summary);
        char *path = output_path(&out, "summary.json");
        bytesink_t *f = bytesink_file_new(path);
        f->write(f, json.data, json.len);
        f->close(f);
        bytesink_free(f);
        free(path);
        buf_free(&json);
        output_commit(&out);
    }
    problems_print_warnings(&problems, stderr);
    summary_text(stdout, &summary);
    check_t checks[VERIFY_CHECKS];
    verify_checks(verify, checks);
    int status = 0;
    for (size_t i = 0; i < VERIFY_CHECKS; i++)
        if (!checks[i].ok)
            status = 1;
    if (fflush(stdout) != 0)
        runtime_error("stdout: write failed: %s", strerror(errno));

    diff_free(diff);
    verify_free(verify);
    plan_free(&plan);
    problems_free(&problems);
    output_free(&out);
    return status;
}
