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
    bool strict;            /* --strict: a WARN check makes the exit status 1 */
    const char *against;    /* rollback --against ORIGINAL: the links to restore */
    const char *schema;     /* --schema NAME: a pg_dump archive's schema (NULL: public) */
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

/* Opens a dataset (`schema`: a pg_dump archive's tables' schema, NULL:
** public), or gives up. */
dataset_t *open_dataset(const char *path, const char *schema, problems_t *problems);
/* Opens a table of a dataset, or gives up. */
source_t *open_table(dataset_t *ds, table_id_t table, problems_t *problems);

/* One attempt of migrate or rollback, and all they share: the problems
** and the rejects file, the plan, each table's row counts, the dataset,
** the staged output and its sink. Its life:
**
**   run_begin          problems, plan, dataset, progress; the small tables
**                      read and validated into the plan
**   run_open_output    OUT staged, the sink for --format (nothing: dry run)
**   run_emit_held      the held projects or phases through a chain
**   (the command streams the assignments through its own chain)
**   run_streams_done   true: repeated ids turned up at the end; the output
**                      is undone and the command starts over. Else gives up
**                      on problems (without --rejects), checks that every
**                      row read was written or rejected, closes the sink
**   run_commit         the rejects file and OUT into place (not: dry run)
**   run_end            the rejects line, stdout flushed, the exit status
**                      (1 unless the checks are accepted: checks_accept)
**   run_free           everything, whichever step the run stopped at
*/
typedef struct run {
    const run_opts_t *o;
    schema_t schema;            /* of the input */
    problems_t problems;
    staged_file_t rejects_file;
    plan_t plan;
    table_rows_t rows[T_COUNT];
    dataset_t *ds;              /* open until run_streams_done */
    /* the small tables' headers (copies: their sources, and a gzip
    ** reader's megabytes of buffers, are freed once read) */
    table_t *projects, *phases;
    output_t out;
    sink_t *sink;
    /* --format sqlite: the output database's file name in OUT (dataset.db,
    ** or a SQLite IN's own name: IN copied whole) */
    char *sqlite_name;
} run_t;

/* `passes`: how often the dataset is read (progress). */
void run_begin(run_t *r, const run_opts_t *o, const id_repeats_t *known, schema_t schema,
               unsigned passes);
sink_t *run_open_output(run_t *r, schema_t out_schema);
/* Runs the held rows of `t` (T_PROJECTS or T_PHASES) through stages[0..n)
** (freed); returns the rows read. */
uint64_t run_emit_held(run_t *r, table_id_t t, stage_t **stages, size_t n);
bool run_streams_done(run_t *r, id_repeats_t *known);
void run_commit(run_t *r);
int run_end(run_t *r, bool checks_accepted);
void run_free(run_t *r);

/* Writes `len` bytes as the file `name` in the staged output. */
void write_output_file(const output_t *out, const char *name, const char *data, size_t len);

/* Runs `once` and, if it found repeated ids only at the end of the stream
** (-1, see id_repeats_t in stages/plan.h), once more knowing them. */
int run_twice_if_needed(const run_opts_t *o, int (*once)(const run_opts_t *, id_repeats_t *));


#endif
