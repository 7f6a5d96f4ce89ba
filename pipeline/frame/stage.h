/*
** stage.h: the small interfaces every filter implements.
**
** Data flows   bytesrc -> source -> stage -> stage -> ... (-> sink)
**
**  bytesrc  raw bytes of one input file (plain, or inflated gzip);
**  source   records of one table with its header (CSV or SQLite reader);
**  stage    a filter, as a Unix filter or a Miller verb: it sees each row
**           and says pass it on, or drop it; a NULL row marks the end of
**           the stream so stages that buffer can flush;
**  sink     where rows of whole tables go (CSV, gzip CSV, SQLite writer);
**  bytesink raw bytes of one output file (plain, or deflated gzip).
**
** Ownership: a source owns the row it hands out until its next call; a
** stage may change the row in place (fields, header) but keeps no pointer
** into it after returning unless it copies it (a rowspill keeps copies). Each object is
** freed by its own free function, which accepts NULL.
*/
#ifndef PHASEMIG_STAGE_H
#define PHASEMIG_STAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bytes.h"
#include "problems.h"
#include "row.h"

struct batch;   /* ring.h */
typedef struct source source_t;
struct source {
    table_t *table;     /* the header, owned by the source */
    /* 1: *row is the next record; 0: end of table; -1: the table cannot be
    ** read further (a fatal problem has been reported). */
    int (*next)(source_t *self, row_t **row);
    /* Optional (NULL: none), for a source that decodes its records in
    ** batches; its next() is then readahead_next_here() (readahead.h).
    ** fill() appends records to `b` (row_encode(), each with a tag)
    ** until it holds `bytes` or more, or sets b->end (0: the
    ** table has ended; -1: it cannot be read further). check() gets each
    ** record as it is taken, in order, with its tag, reports what is
    ** wrong with it and says whether it is whole; failed() reports why
    ** fill() ended with -1. The chain may run fill() on a thread of its
    ** own (chain.c, the only one that does): fill() touches nothing that
    ** check() and failed() touch, which run where the rows are taken. */
    void (*fill)(source_t *self, struct batch *b, size_t bytes);
    bool (*check)(source_t *self, row_t *row, uint32_t tag);
    void (*failed)(source_t *self);
    void (*free)(source_t *self);
};

typedef enum { STAGE_PASS, STAGE_DROP } stage_result_t;

typedef struct stage stage_t;
struct stage {
    const char *name;
    /* Whether process() reports problems (problems.h) or reads their
    ** collector: such a stage runs on the thread that owns the collector,
    ** never behind a chain's cut (chain_run_ahead() refuses it). */
    bool reports_problems;
    /* Given the header of the rows coming in, returns the header of the
    ** rows going out (may be `in`; owned by the stage). Called once before
    ** the first row. NULL: the header is unchanged. */
    const table_t *(*header)(stage_t *self, const table_t *in);
    /* One row, or NULL at the end of the stream. */
    stage_result_t (*process)(stage_t *self, row_t *row);
    /* Optional (NULL: none): `row` comes to process() a few rows from now;
    ** the stage may start loading into the cache what process() will read
    ** for it (__builtin_prefetch), and must change nothing. With tens of
    ** thousands of projects, each row's per-project data is a cache miss;
    ** asked ahead, the misses of several rows overlap. */
    void (*prefetch)(stage_t *self, const row_t *row);
    void (*free)(stage_t *self);
};

typedef struct sink sink_t;
struct sink {
    /* Starts a table whose rows have header `t`. */
    void (*begin)(sink_t *self, const table_t *t);
    void (*row)(sink_t *self, const row_t *row);
    /* Ends the current table. */
    void (*end)(sink_t *self);
    /* Finishes everything (flush, fsync); the sink is still to be freed. */
    void (*close)(sink_t *self);
    void (*free)(sink_t *self);
};

/* Given by a command to a writer: puts the writing of `file` on a thread
** of its own (chain_write_behind(), chain.h), so that formatting rows
** here and deflating and writing them there overlap; returns the sink to
** write to instead, which owns `file`. NULL: the writer writes `file`
** itself. */
typedef bytesink_t *(*write_behind_fn)(bytesink_t *file);

void source_free(source_t *s);
void stage_free(stage_t *s);
void sink_free(sink_t *s);

#endif
