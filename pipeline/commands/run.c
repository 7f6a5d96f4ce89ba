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
#include "../frame/options.h"
#include "../frame/progress.h"

enum {
    OPT_FORMAT, OPT_SPLIT, OPT_DRY_RUN, OPT_FORCE, OPT_QUIET, OPT_MAX_ERRORS, OPT_REJECTS,
    OPT_HTML, OPT_JSON
};

/* migrate's options; rollback's are the same without --split and --html */
static const option_spec_t RUN_OPTIONS[] = {
    {"format", 0, "FMT", OPT_FORMAT},
    {"dry-run", 'n', NULL, OPT_DRY_RUN},
    {"force", 'f', NULL, OPT_FORCE},
    {"quiet", 'q', NULL, OPT_QUIET},
    {"max-errors", 0, "N", OPT_MAX_ERRORS},
    {"rejects", 0, "FILE", OPT_REJECTS},
    {"json", 0, NULL, OPT_JSON},
    {"split", 0, "POLICY", OPT_SPLIT},
    {"html", 0, "FILE", OPT_HTML},
};
#define ROLLBACK_OPTIONS (ARRAY_LEN(RUN_OPTIONS) - 2)

typedef struct {
    const char *cmd;
    run_opts_t *o;
} run_parse_t;

/* One option of migrate or rollback into the run's options. */
static void run_option(void *ctx, int id, const char *v)
{
    run_parse_t *p = ctx;
    run_opts_t *o = p->o;
    switch (id) {
    case OPT_DRY_RUN: o->dry_run = true; break;
    case OPT_FORCE: o->force = true; break;
    case OPT_QUIET: o->quiet = true; break;
    case OPT_JSON: o->json = true; break;
    case OPT_REJECTS: o->rejects = v; break;
    case OPT_HTML: o->html = v; break;
    case OPT_SPLIT:
        if (strcmp(v, "midpoint") == 0)
            o->split = SPLIT_MIDPOINT;
        else if (strcmp(v, "evidence") == 0)
            o->split = SPLIT_EVIDENCE;
        else
            usage_error(p->cmd, "--split takes midpoint or evidence, not '%s'", v);
        break;
    case OPT_FORMAT:
        if (strcmp(v, "csv") == 0)
            o->format = FORMAT_CSV;
        else if (strcmp(v, "csv.gz") == 0)
            o->format = FORMAT_CSV_GZ;
        else if (strcmp(v, "sqlite") == 0)
            o->format = FORMAT_SQLITE;
        else
            usage_error(p->cmd, "--format takes csv, csv.gz or sqlite, not '%s'", v);
        break;
    case OPT_MAX_ERRORS: {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(v, &end, 10);
        if (errno || *end || !*v || v[0] == '-' || n == 0)
            usage_error(p->cmd, "--max-errors takes a positive number, not '%s'", v);
        o->max_errors = (size_t)n;
        break;
    }
    default: break;
    }
}

void run_opts_parse(const char *cmd, bool migrate, int argc, char **argv, run_opts_t *o)
{
    memset(o, 0, sizeof *o);
    const char *pos[2] = {NULL, NULL};
    size_t npos = 0;
    run_parse_t ctx = {cmd, o};
    options_parse(cmd, RUN_OPTIONS, migrate ? ARRAY_LEN(RUN_OPTIONS) : ROLLBACK_OPTIONS, argc,
                  argv, run_option, &ctx, pos, 2, &npos);
    if (npos < 1 || (!o->dry_run && npos < 2))
        usage_error(cmd, "needs IN and OUT (or --dry-run IN [OUT])");
    o->in = pos[0];
    o->out = pos[1];
    if (o->out && strcmp(o->out, "-") == 0)
        usage_error(cmd, "OUT is a directory of tables, not '-' (--json prints the summary)");
    if (o->json + is_stdout(o->html) + is_stdout(o->rejects) > 1)
        usage_error(cmd, "only one of --json, --html - and --rejects - can have stdout");
}

bool is_stdout(const char *path)
{
    return path && strcmp(path, "-") == 0;
}

FILE *run_human_stream(const run_opts_t *o)
{
    return o->json || is_stdout(o->html) || is_stdout(o->rejects) ? stderr : stdout;
}

void run_check_paths(const run_opts_t *o)
{
    if (!o->dry_run)
        run_writes_output();   /* an early end now says "nothing written" */
    paths_t p;
    paths_init(&p);
    dataset_inputs(&p, o->in);
    paths_output(&p, "OUT", o->out);
    paths_output(&p, "--rejects", is_stdout(o->rejects) ? NULL : o->rejects);
    paths_output(&p, "--html", is_stdout(o->html) ? NULL : o->html);
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

source_t *open_table(dataset_t *ds, table_id_t table, problems_t *problems)
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
               table_rows_t rows[T_COUNT], source_t **projects, source_t **phases)
{
    *projects = open_table(ds, T_PROJECTS, problems);
    stage_t *load_projects[] = {validate_projects_new(plan, problems, &rows[0].rejected)};
    rows[0].in = run_chain(*projects, load_projects, 1, problems);
    *phases = open_table(ds, T_PHASES, problems);
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

void table_rows_init(table_rows_t rows[T_COUNT])
{
    for (int t = 0; t < T_COUNT; t++)
        rows[t] = (table_rows_t){schema_table_name((table_id_t)t), 0, 0, 0};
}

void check_rows_law(const table_rows_t rows[T_COUNT])
{
    for (int t = 0; t < T_COUNT; t++)
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
                problems->count, problems->count == 1 ? "" : "s",
                is_stdout(o->rejects) ? "stdout" : o->rejects,
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
