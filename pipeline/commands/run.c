#include "run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../stages/state.h"
#include "../../stages/stages.h"
#include "../../stages/write_psql.h"
#include "../frame/chain.h"
#include "../frame/errors.h"
#include "../frame/options.h"
#include "../frame/progress.h"
#include "commands.h"

const char *phasemig_version;

enum {
    OPT_FORMAT, OPT_SPLIT, OPT_DRY_RUN, OPT_FORCE, OPT_QUIET, OPT_MAX_ERRORS, OPT_REJECTS,
    OPT_HTML, OPT_JSON, OPT_STRICT, OPT_AGAINST, OPT_SCHEMA
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
    {"strict", 0, NULL, OPT_STRICT},
    {"against", 0, "ORIGINAL", OPT_AGAINST},
    {"schema", 0, "NAME", OPT_SCHEMA},
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
    case OPT_STRICT: o->strict = true; break;
    case OPT_AGAINST:
        if (strcmp(p->cmd, "rollback") != 0)
            usage_error(p->cmd, "--against is an option of rollback and verify");
        o->against = v;
        break;
    case OPT_REJECTS: o->rejects = v; break;
    case OPT_SCHEMA: o->schema = v; break;
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
    if (o->against)
        dataset_inputs(&p, o->against);
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

dataset_t *open_dataset(const char *path, const char *schema, problems_t *problems)
{
    dataset_t *ds = dataset_open_schema(path, schema, problems);
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

/* Stages OUT (output.h) and returns the sink for the chosen format, which
** with CSV or gzip CSV also writes OUT/load.psql and OUT/apply.psql for
** `schema` (stages/write_psql.h); with SQLite, OUT/dataset.db, or a copy
** of a SQLite IN whole under its own name; in a dry run, a sink that keeps
** nothing. */
static sink_t *open_output(run_t *r, schema_t schema)
{
    const run_opts_t *o = r->o;
    output_t *out = &r->out;
    const uint64_t *assignments_read = &r->rows[T_ASSIGNMENTS].in;
    if (o->dry_run)
        return null_sink_new();   /* OUT, if given, only named in the preview */
    output_prepare(out, o->out, o->force);
    if (o->format == FORMAT_SQLITE) {
        const char *whole = dataset_sqlite_file(r->ds);
        const char *slash = whole ? strrchr(whole, '/') : NULL;
        r->sqlite_name = xstrdup(whole ? (slash ? slash + 1 : whole) : "dataset.db");
        char *path = output_path(out, r->sqlite_name);
        sink_t *sink = sqlite_sink_new(path, schema, whole);
        free(path);
        return sink;
    }
    bool gzip = o->format == FORMAT_CSV_GZ;
    return psql_sink_new(csv_sink_new(out->staging, gzip, chain_write_behind), out->staging, gzip,
                         schema, assignments_read);
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

void run_begin(run_t *r, const run_opts_t *o, const id_repeats_t *known, schema_t schema,
               unsigned passes)
{
    memset(r, 0, sizeof *r);
    r->o = o;
    r->schema = schema;
    problems_init(&r->problems, o->max_errors);
    if (o->rejects) {
        r->problems.keep_going = true;
        problems_set_rejects(&r->problems,
                             o->dry_run ? null_bytesink_new()
                                        : staged_file_open(&r->rejects_file, o->rejects),
                             schema_key_col);
    }
    plan_init(&r->plan);
    r->plan.known_repeats = *known;
    for (int t = 0; t < T_COUNT; t++)
        r->rows[t] = (table_rows_t){schema_table_name((table_id_t)t), 0, 0, 0};
    r->ds = open_dataset(o->in, o->schema, &r->problems);
    progress_start(dataset_bytes(r->ds) * passes, o->quiet);

    /* the small tables, held in the plan */
    source_t *projects = open_table(r->ds, T_PROJECTS, &r->problems);
    r->projects = table_copy(projects->table);
    stage_t *load_projects[] = {
        validate_projects_new(&r->plan, &r->problems, &r->rows[T_PROJECTS].rejected)};
    r->rows[T_PROJECTS].in = run_chain(projects, load_projects, 1, &r->problems);
    source_free(projects);
    source_t *phases = open_table(r->ds, T_PHASES, &r->problems);
    r->phases = table_copy(phases->table);
    /* a dataset in the other schema (or half-migrated) is named as such,
    ** not taken apart into a list of missing columns */
    char revision[33];
    bool versioned = dataset_revision(r->ds, revision, &r->problems);
    const char *refusal = state_refusal(r->phases, NULL, versioned ? revision : NULL, schema);
    if (refusal)
        runtime_error("%s: %s", o->in, refusal);
    stage_t *load_phases[] = {
        validate_phases_new(&r->plan, &r->problems, &r->rows[T_PHASES].rejected, schema)};
    r->rows[T_PHASES].in = run_chain(phases, load_phases, 1, &r->problems);
    source_free(phases);
}

sink_t *run_open_output(run_t *r, schema_t out_schema)
{
    r->sink = open_output(r, out_schema);
    return r->sink;
}

uint64_t run_emit_held(run_t *r, table_id_t t, stage_t **stages, size_t n)
{
    source_t *held = plan_source_new(&r->plan, t == T_PHASES,
                                     t == T_PHASES ? r->phases : r->projects, &r->problems,
                                     &r->rows[t].rejected);
    uint64_t rows = run_chain(held, stages, n, &r->problems);
    source_free(held);
    return rows;
}

bool run_streams_done(run_t *r, id_repeats_t *known)
{
    dataset_close(r->ds);
    r->ds = NULL;
    progress_end();
    if (r->plan.found_repeats.n > 0) {
        /* --rejects: rows already written have ids of earlier rows */
        *known = r->plan.found_repeats;
        r->plan.found_repeats = (id_repeats_t){0};
        r->plan.known_repeats = (id_repeats_t){0};
        output_abort(&r->out);
        staged_file_abort(&r->rejects_file);
        return true;
    }
    r->plan.known_repeats = (id_repeats_t){0};   /* the caller's */
    if (r->problems.count > 0 && !r->problems.keep_going)
        give_up(&r->problems);
    for (int t = 0; t < T_COUNT; t++)
        if (r->rows[t].in != r->rows[t].out + r->rows[t].rejected)
            runtime_error("internal error: %s: %llu rows in, %llu out, %llu rejected: rows were "
                          "lost; nothing written",
                          r->rows[t].table, (unsigned long long)r->rows[t].in,
                          (unsigned long long)r->rows[t].out, (unsigned long long)r->rows[t].rejected);
    r->sink->close(r->sink);
    return false;
}

void run_commit(run_t *r)
{
    if (r->o->dry_run)
        return;
    if (r->problems.rejects && r->rejects_file.staging) {
        r->problems.rejects->close(r->problems.rejects);
        staged_file_commit(&r->rejects_file);
    }
    output_commit(&r->out);
}

int run_end(run_t *r, bool checks_accepted)
{
    const run_opts_t *o = r->o;
    /* a dry run says what the real run would write, not that it wrote */
    if (o->rejects && r->problems.count > 0)
        fprintf(stderr, "phasemig: %zu problem%s; %s %s\n", r->problems.count,
                r->problems.count == 1 ? "" : "s",
                o->dry_run && !is_stdout(o->rejects) ? "the real run writes the rows rejected to"
                                                     : "the rows rejected are in",
                is_stdout(o->rejects) ? "stdout" : o->rejects);
    if (fflush(stdout) != 0)
        runtime_error("stdout: write failed: %s", strerror(errno));
    return checks_accepted && r->problems.count == 0 ? 0 : 1;
}

void run_free(run_t *r)
{
    table_free(r->projects);
    table_free(r->phases);
    dataset_close(r->ds);
    sink_free(r->sink);
    plan_free(&r->plan);
    problems_free(&r->problems);
    staged_file_free(&r->rejects_file);
    output_free(&r->out);
    free(r->sqlite_name);
    memset(r, 0, sizeof *r);
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
