/*
** reconcile EXPECTED ACTUAL: the differences between two datasets of the
** same schema, table by table (stages/reconcile.c says how).
**
**   each side, each table   read -> reconcile-fingerprint || reconcile-load
**                                 (pass 1: id, fingerprint; the two sides at once)
**   each table              join by id, in partitions  (rows that differ listed)
**   each side, each table   read -> reconcile-collect  (pass 2, only where
**                                                       pairs differ: their rows)
**   each table              the difference rows, in order
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../stages/stages.h"
#include "commands.h"
#include "../frame/chain.h"
#include "../frame/errors.h"
#include "../frame/options.h"
#include "../frame/progress.h"
#include "run.h"

const char RECONCILE_USAGE[] =
    "usage: phasemig reconcile [--out FILE] [--json] [--schema NAME] EXPECTED ACTUAL\n\n"
    "Compares two datasets of the same schema (each a directory of CSV or gzip\n"
    "CSV files, a SQLite file or a pg_dump archive), e.g. this tool's migrate output with an export\n"
    "of the live database after its migration. Rows are keyed by id, columns\n"
    "matched by name, values compared by type (50000 equals 50000.00; dates as\n"
    "dates; timestamps as timestamps; ids case-insensitively; NULL differs from\n"
    "''). Any size, in bounded memory: rows are partitioned by id, on disk\n"
    "when they do not fit.\n\n"
    "Writes table,id,change,field,expected,actual rows (change: missing, extra,\n"
    "changed, column_missing, column_extra) to stdout, the summary to stderr;\n"
    "with --out FILE the rows go to FILE and the summary to stdout.\n\n"
    "options:\n"
    "  --out FILE   write the difference rows to FILE (all at once or not at all;\n"
    "               - is stdout, as without --out)\n"
    "  --json       the summary as JSON\n"
    "  --schema NAME  a pg_dump archive's tables are those of schema NAME\n"
    "               (default: public)\n"
    "  -h, --help   this text\n\n"
    "Exit status: 0 identical; 1 different; 2 usage error or unreadable input.\n";

enum { RECONCILE_JSON, RECONCILE_OUT, RECONCILE_SCHEMA };
static const option_spec_t RECONCILE_OPTIONS[] = {
    {"json", 0, NULL, RECONCILE_JSON},
    {"out", 0, "FILE", RECONCILE_OUT},
    {"schema", 0, "NAME", RECONCILE_SCHEMA},
};

typedef struct {
    bool json;
    const char *out;
    const char *schema;     /* a pg_dump archive's schema (NULL: public) */
} reconcile_opts_t;

static void reconcile_option(void *ctx, int id, const char *value)
{
    reconcile_opts_t *o = ctx;
    if (id == RECONCILE_JSON)
        o->json = true;
    else if (id == RECONCILE_SCHEMA)
        o->schema = value;
    else
        o->out = value;
}

/* Pass 1 of one side: each table read through fingerprint and load.
** Where the side cannot be read further it stops, and leaves giving up
** to the main thread, which reports the sides' problems in order,
** expected's first. */
typedef struct {
    const char *path;
    const char *schema;
    reconcile_t *rc;
    bool actual;
    problems_t problems;    /* this side's alone until both are read */
    bool unreadable;        /* it stopped: give up with the problems */
} side_read_t;

static void read_side(void *arg)
{
    side_read_t *s = arg;
    dataset_t *ds = dataset_open_schema(s->path, s->schema, &s->problems);
    s->unreadable = !ds;
    for (table_id_t t = 0; t < T_COUNT && !s->unreadable; t++) {
        source_t *src = dataset_table(ds, t, &s->problems);
        if (!src) {
            s->unreadable = true;
            break;
        }
        /* the cut: the fingerprints on a thread of their own, the rest
        ** on this one */
        stage_t *load[] = {reconcile_fingerprint_new(s->rc, t, s->actual),
                           reconcile_load_new(s->rc, t, s->actual)};
        const size_t after_fingerprint = 1;
        uint64_t rows = 0;
        s->unreadable =
            chain_run_ahead(src, load, ARRAY_LEN(load), after_fingerprint, &s->problems, &rows) < 0 ||
            s->problems.fatal;
        for (size_t i = 0; i < ARRAY_LEN(load); i++)
            stage_free(load[i]);
        source_free(src);
    }
    dataset_close(ds);
}

/* Pass 1 of both sides into `rc`: at once, actual's on a thread of its
** own (its rows shown after expected's), each with its own problems,
** appended to `problems` in order, expected's first; or one after the
** other where the reconcile cannot take both at once. Gives up where a
** side could not be read. */
static void read_both_sides(reconcile_t *rc, const char *const paths[2], const char *schema,
                            problems_t *problems)
{
    progress_phase("reading expected and actual");
    side_read_t sides[2] = {{.path = paths[0], .schema = schema, .rc = rc, .actual = false},
                            {.path = paths[1], .schema = schema, .rc = rc, .actual = true}};
    problems_init(&sides[1].problems, 0);
    chain_beside_t *actual =
        reconcile_sides_at_once(rc) ? chain_beside_start(read_side, &sides[1], paths[1]) : NULL;
    problems_init(&sides[0].problems, 0);
    read_side(&sides[0]);
    /* as if read one after the other: expected's failure ends the run
    ** before actual's is known */
    if (sides[0].unreadable)
        give_up(&sides[0].problems);
    if (actual)
        chain_beside_join(actual);
    else
        read_side(&sides[1]);
    for (int side = 0; side < 2; side++) {
        problems_append(problems, &sides[side].problems);
        problems_free(&sides[side].problems);
    }
    if (sides[1].unreadable)
        give_up(problems);
}

int cmd_reconcile(int argc, char **argv)
{
    reconcile_opts_t o = {0};
    const char *paths[2];
    size_t npaths;
    options_parse("reconcile", RECONCILE_OPTIONS, ARRAY_LEN(RECONCILE_OPTIONS), argc, argv,
                  reconcile_option, &o, paths, 2, &npaths);
    if (npaths < 2)
        usage_error("reconcile", "needs EXPECTED and ACTUAL");
    bool json = o.json;
    /* --out - is stdout, where the rows go without --out */
    const char *out_path = o.out && strcmp(o.out, "-") != 0 ? o.out : NULL;
    paths_t guard;
    paths_init(&guard);
    dataset_inputs(&guard, paths[0]);
    dataset_inputs(&guard, paths[1]);
    paths_output(&guard, "--out", out_path);
    paths_check(&guard);
    paths_free(&guard);

    problems_t problems;
    problems_init(&problems, 0);
    staged_file_t out_file = {0};
    reconcile_t *rc =
        reconcile_new(out_path ? staged_file_open(&out_file, out_path) : bytesink_stdout_new());
    /* on a terminal: the phase, the table and side read, rows, MB/s */
    progress_start(0, false);
    read_both_sides(rc, paths, o.schema, &problems);
    if (problems.count > 0)
        give_up(&problems);
    progress_phase("comparing");
    for (table_id_t t = 0; t < T_COUNT; t++)
        reconcile_compare(rc, t);
    for (int side = 0; side < 2; side++) {
        dataset_t *ds = NULL;
        for (table_id_t t = 0; t < T_COUNT; t++) {
            if (!reconcile_wants_rows(rc, t, side == 1))
                continue;
            if (!ds) {
                progress_phase(side == 1 ? "reading actual, the rows that differ"
                                         : "reading expected, the rows that differ");
                ds = open_dataset(paths[side], o.schema, &problems);
            }
            source_t *src = open_table(ds, t, &problems);
            stage_t *collect[] = {reconcile_collect_new(rc, t, side == 1)};
            run_chain(src, collect, 1, &problems);
            source_free(src);
        }
        if (ds)
            dataset_close(ds);
    }
    progress_phase("writing");
    for (table_id_t t = 0; t < T_COUNT; t++)
        reconcile_report(rc, t);
    reconcile_close(rc);
    progress_end();
    if (out_path)
        staged_file_commit(&out_file);

    FILE *summary = out_path ? stdout : stderr;
    if (json) {
        buf_t b;
        buf_init(&b);
        reconcile_summary_json(rc, &b);
        fputs(buf_str(&b), summary);
        buf_free(&b);
    } else {
        reconcile_summary_text(rc, summary);
    }
    if (fflush(stdout) != 0)
        runtime_error("stdout: write failed: %s", strerror(errno));
    int status = reconcile_identical(rc) ? 0 : 1;
    reconcile_free(rc);
    staged_file_free(&out_file);
    problems_free(&problems);
    return status;
}
