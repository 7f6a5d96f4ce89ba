#include "run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../stages/stages.h"
#include "../../stages/write_psql.h"
#include "../frame/chain.h"
#include "../frame/errors.h"
#include "../frame/progress.h"

void run_opts_parse(const char *cmd, bool migrate, int argc, char **argv, run_opts_t *o)
{
    memset(o, 0, sizeof *o);
    const char *pos[2] = {NULL, NULL};
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--dry-run") == 0)
            o->dry_run = true;
        else if (strcmp(a, "--force") == 0)
            o->force = true;
        else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)
            o->quiet = true;
        else if (strcmp(a, "--rejects") == 0 || (migrate && strcmp(a, "--html") == 0)) {
            if (i + 1 >= argc)
                cmdline_error("%s: %s needs a value", cmd, a);
            if (strcmp(a, "--html") == 0)
                o->html = argv[++i];
            else
                o->rejects = argv[++i];
        } else if (strcmp(a, "--format") == 0 || strcmp(a, "--max-errors") == 0 ||
                 (migrate && strcmp(a, "--split") == 0)) {
            if (i + 1 >= argc)
                cmdline_error("%s: %s needs a value", cmd, a);
            const char *v = argv[++i];
            if (strcmp(a, "--split") == 0) {
                if (strcmp(v, "midpoint") == 0)
                    o->split = SPLIT_MIDPOINT;
                else if (strcmp(v, "evidence") == 0)
                    o->split = SPLIT_EVIDENCE;
                else
                    cmdline_error("%s: --split takes midpoint or evidence, not '%s'", cmd, v);
            } else if (strcmp(a, "--format") == 0) {
                if (strcmp(v, "csv") == 0)
                    o->format = FORMAT_CSV;
                else if (strcmp(v, "csv.gz") == 0)
                    o->format = FORMAT_CSV_GZ;
                else if (strcmp(v, "sqlite") == 0)
                    o->format = FORMAT_SQLITE;
                else
                    cmdline_error("%s: --format takes csv, csv.gz or sqlite, not '%s'", cmd, v);
            } else {
                char *end;
                errno = 0;
                unsigned long long n = strtoull(v, &end, 10);
                if (errno || *end || !*v || v[0] == '-' || n == 0)
                    cmdline_error("%s: --max-errors takes a positive number, not '%s'", cmd, v);
                o->max_errors = (size_t)n;
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            cmdline_error("%s: unknown option '%s'", cmd, a);
        } else {
            if (npos < 2)
                pos[npos] = a;
            npos++;
        }
    }
    if (npos < 1 || (!o->dry_run && npos < 2))
        cmdline_error("%s: needs IN and OUT (or --dry-run IN [OUT])", cmd);
    if (npos > 2)
        cmdline_error("%s: too many arguments", cmd);
    o->in = pos[0];
    o->out = pos[1];
}

void run_check_paths(const run_opts_t *o)
{
    paths_t p;
    paths_init(&p);
    dataset_inputs(&p, o->in);
    paths_output(&p, "OUT", o->out);
    paths_output(&p, "--rejects", o->rejects);
    paths_output(&p, "--html", o->html);
    paths_check(&p);
    paths_free(&p);
}

void run_preview_out(const run_opts_t *o, FILE *out)
{
    if (!o->dry_run || !o->out || o->quiet)
        return;
    const char *refusal = output_refusal(o->out, o->force);
    struct stat st;
    if (refusal)
        fprintf(out, "\nThe real run would refuse %s: it %s (--force replaces it).\n", o->out,
                refusal);
    else
        fprintf(out, "\nThe real run would write %s%s; this dry run created nothing.\n", o->out,
                lstat(o->out, &st) == 0 ? " (replacing what is there)" : "");
}

void give_up(problems_t *problems)
{
    progress_end();
    problems_print(problems, stderr);
    exit(2);
}

uint64_t run_chain(source_t *src, stage_t **stages, size_t n, problems_t *problems)
{
    return run_chain_ahead(src, stages, n, 0, problems);
}

uint64_t run_chain_ahead(source_t *src, stage_t **stages, size_t n, size_t k,
                         problems_t *problems)
{
    size_t kept = 0, kept_ahead = 0;
    for (size_t i = 0; i < n; i++)
        if (stages[i]) {
            stages[kept++] = stages[i];
            kept_ahead += i < k;
        }
    n = kept;
    uint64_t rows = 0;
    int rc = kept_ahead > 0 ? chain_run_ahead(src, stages, n, kept_ahead, problems, &rows)
                            : chain_run(src, stages, n, problems, &rows);
    for (size_t i = 0; i < n; i++)
        stage_free(stages[i]);
    if (rc < 0 || problems->fatal) {
        source_free(src);
        give_up(problems);
    }
    return rows;
}

dataset_t *open_dataset(const char *path, problems_t *problems)
{
    dataset_t *ds = dataset_open(path, problems);
    if (!ds)
        give_up(problems);
    return ds;
}

source_t *open_table(dataset_t *ds, const char *table, problems_t *problems)
{
    source_t *src = dataset_table(ds, table, problems);
    if (!src)
        give_up(problems);
    return src;
}

sink_t *open_output(const run_opts_t *o, output_t *out, schema_t schema)
{
    if (o->dry_run)
        return null_sink_new();   /* OUT, if given, only named in the preview */
    output_prepare(out, o->out, o->force);
    if (o->format == FORMAT_SQLITE)
        return sqlite_sink_new(out->staging);
    bool gzip = o->format == FORMAT_CSV_GZ;
    char *psql_path = output_path(out, "load.psql");
    sink_t *sink = psql_sink_new(csv_sink_new(out->staging, gzip), psql_path, gzip, schema);
    free(psql_path);
    return sink;
}

void load_plan(dataset_t *ds, plan_t *plan, schema_t phases_schema, problems_t *problems,
               table_rows_t rows[3], source_t **projects, source_t **phases)
{
    *projects = open_table(ds, TABLE_PROJECTS, problems);
    stage_t *load_projects[] = {validate_projects_new(plan, problems, &rows[0].rejected)};
    rows[0].in = run_chain(*projects, load_projects, 1, problems);
    *phases = open_table(ds, TABLE_PHASES, problems);
    stage_t *load_phases[] = {
        validate_phases_new(plan, problems, &rows[1].rejected, phases_schema)};
    rows[1].in = run_chain(*phases, load_phases, 1, problems);
}

void write_output_file(const output_t *out, const char *name, const char *data, size_t len)
{
    char *path = output_path(out, name);
    bytesink_t *f = bytesink_file_new(path);
    f->write(f, data, len);
    f->close(f);
    bytesink_free(f);
    free(path);
}

void check_rows_law(const table_rows_t rows[3])
{
    for (int t = 0; t < 3; t++)
        if (rows[t].in != rows[t].out + rows[t].rejected)
            runtime_error("internal error: %s: %llu rows in, %llu out, %llu rejected: rows were "
                          "lost; nothing written",
                          rows[t].table, (unsigned long long)rows[t].in,
                          (unsigned long long)rows[t].out, (unsigned long long)rows[t].rejected);
}

void commit_rejects(problems_t *problems, staged_file_t *file)
{
    if (!problems->rejects || !file->staging)
        return;
    problems->rejects->close(problems->rejects);
    staged_file_commit(file);
}

void report_rejects(const problems_t *problems, const run_opts_t *o)
{
    if (o->rejects && problems->count > 0)
        fprintf(stderr, "phasemig: %zu problem%s; the rows rejected are in %s%s\n",
                problems->count, problems->count == 1 ? "" : "s", o->rejects,
                o->dry_run ? " (not written: dry run)" : "");
}

void run_problems_init(const run_opts_t *o, problems_t *problems, staged_file_t *file)
{
    problems_init(problems, o->max_errors);
    if (!o->rejects)
        return;
    problems->keep_going = true;
    problems_set_rejects(problems, o->dry_run ? null_bytesink_new() : staged_file_open(file, o->rejects));
}

int run_twice_if_needed(const run_opts_t *o, int (*once)(const run_opts_t *, id_repeats_t *))
{
    id_repeats_t known = {0};
    int status = once(o, &known);
    if (status < 0)
        status = once(o, &known);
    free(known.v);
    if (status < 0)
        runtime_error("internal error: repeated ids found twice");
    return status;
}
