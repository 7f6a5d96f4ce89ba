/*
** run.h: what the commands share: their common options, running a chain
** and giving up on bad input, and where the output goes.
*/
#ifndef PHASEMIG_RUN_H
#define PHASEMIG_RUN_H

#include "../../stages/stages.h"
#include "../../stages/dataset.h"
#include "../frame/output.h"
#include "../frame/stage.h"

typedef enum { FORMAT_CSV, FORMAT_CSV_GZ, FORMAT_SQLITE } format_t;

/* Options of the commands that turn a dataset IN into a dataset OUT. */
typedef struct run_opts {
    const char *in, *out;
    format_t format;
    bool dry_run, force;
    size_t max_errors;
    split_policy_t split;
    const char *rejects;    /* --rejects FILE */
    const char *html;       /* --html FILE (migrate) */
    bool quiet;             /* -q: no summary on stdout, no progress */
    bool json;              /* --json: the summary as JSON on stdout */
} run_opts_t;

/* Parses "[--format F] [--dry-run] [--force] [--max-errors N]
** [--rejects FILE] [-q] IN [OUT]" (and, for migrate, --split
** midpoint|evidence and --html FILE) for command `cmd`; a usage error
** ends the run (usage_error, pipeline/frame/options.h). */
void run_opts_parse(const char *cmd, bool migrate, int argc, char **argv, run_opts_t *o);

/* Whether an output path is "-", standard output. */
bool is_stdout(const char *path);
/* Where the summary for a person goes: stdout, unless stdout carries data
** (--json, --html -, --rejects -); then stderr. */
FILE *run_human_stream(const run_opts_t *o);
/* Refuses the run (exit 2) before a byte is read when an output (OUT,
** --rejects, --html) is, holds or lies inside an input, or two outputs
** clash (pipeline/frame/paths.h). */
void run_check_paths(const run_opts_t *o);
/* --dry-run IN OUT: says what the real run would do with OUT. */
void run_preview_out(const run_opts_t *o, FILE *out);

/* Prints the problems found and ends the run: status 2, nothing written
** (the output's exit hook removes anything staged). */
_Noreturn void give_up(problems_t *problems);

/* Runs one chain and frees its stages; returns the rows read. Gives up
** when the table could not be read. NULL entries in `stages` (a stage
** this run does without) are skipped. */
uint64_t run_chain(source_t *src, stage_t **stages, size_t n, problems_t *problems);
/* As run_chain(), with the source and stages[0..k) on a worker thread
** ahead of the rest (chain_run_ahead(): every stage that reports a
** problem must be among the first k). */
uint64_t run_chain_ahead(source_t *src, stage_t **stages, size_t n, size_t k,
                         problems_t *problems);

/* Opens a dataset, or gives up. */
dataset_t *open_dataset(const char *path, problems_t *problems);
/* Opens a table of a dataset, or gives up. */
source_t *open_table(dataset_t *ds, table_id_t table, problems_t *problems);

/* Stages OUT (see output.h) and returns the sink for the chosen format,
** which with CSV or gzip CSV also writes OUT/load.psql for `schema`
** (stages/write_psql.h); in a dry run, a sink that keeps nothing. */
sink_t *open_output(const run_opts_t *o, output_t *out, schema_t schema);

/* Reads and validates the small tables into the plan (the phases as of
** `phases_schema`), counting rows in rows[0] and rows[1]. Their sources
** come back in *projects and *phases, for their headers; the caller frees
** them. */
void load_plan(dataset_t *ds, plan_t *plan, schema_t phases_schema, problems_t *problems,
               table_rows_t rows[T_COUNT], source_t **projects, source_t **phases);

/* Starts a run's problem collector; with --rejects, rows go to the
** rejects file (staged in *file, nothing in a dry run) and the run goes on. */
void run_problems_init(const run_opts_t *o, problems_t *problems, staged_file_t *file);

/* Runs `once` and, if it found repeated ids only at the end of the stream
** (-1, see id_repeats_t in stages/plan.h), once more knowing them. */
int run_twice_if_needed(const run_opts_t *o, int (*once)(const run_opts_t *, id_repeats_t *));

/* Every row read is written or rejected: a run where rows in != rows out
** + rows rejected for a table has lost rows, a bug; it ends with status 2
** and nothing written. */
void check_rows_law(const table_rows_t rows[T_COUNT]);
/* Each table's counters at zero, named. */
void table_rows_init(table_rows_t rows[T_COUNT]);
/* --rejects: closes the rejects file and renames it into place. */
void commit_rejects(problems_t *problems, staged_file_t *file);
/* --rejects: says on stderr how many problems went to the file. */
void report_rejects(const problems_t *problems, const run_opts_t *o);

/* Writes `len` bytes as the file `name` in the staged output. */
void write_output_file(const output_t *out, const char *name, const char *data, size_t len);

#endif
