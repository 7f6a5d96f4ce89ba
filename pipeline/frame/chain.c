#include "chain.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "background.h"
#include "errors.h"
#include "progress.h"
#include "lookahead.h"
#include "readahead.h"
#include "ring.h"
#include "util.h"
#include "worker.h"

void source_free(source_t *s) { if (s) s->free(s); }
void stage_free(stage_t *s) { if (s) s->free(s); }
void sink_free(sink_t *s) { if (s) s->free(s); }

const table_t *chain_header(stage_t **stages, size_t n, const table_t *in)
{
    const table_t *h = in;
    for (size_t i = 0; i < n; i++)
        if (stages[i]->header)
            h = stages[i]->header(stages[i], h);
    return h;
}

/* Calls the header functions; false if one found the table unusable (a
** count, not a flag: an earlier table may have been unusable too). */
static bool headers_usable(source_t *src, stage_t **stages, size_t n, problems_t *problems)
{
    size_t fatal_before = problems->fatal;
    chain_header(stages, n, src->table);
    return problems->fatal == fatal_before;
}

/* Whether stages[0..n) all pass `row`. */
static bool passes(stage_t **stages, size_t n, row_t *row)
{
    for (size_t i = 0; i < n; i++)
        if (stages[i]->process(stages[i], row) == STAGE_DROP)
            return false;
    return true;
}

static void flush(stage_t **stages, size_t n)
{
    for (size_t i = 0; i < n; i++)
        stages[i]->process(stages[i], NULL);
}

/* Offers `row` to the prefetch() of each of stages[0..n) that has one. */
static void stages_prefetch(stage_t *const *stages, size_t n, const row_t *row)
{
    for (size_t i = 0; i < n; i++)
        if (stages[i]->prefetch)
            stages[i]->prefetch(stages[i], row);
}

/* Some of a chain's stages, for a lookahead's prefetch. */
typedef struct {
    stage_t **stages;
    size_t n;
} part_t;

/* A lookahead's `ahead`: the part's stages_prefetch(). */
static void prefetch_part(void *ctx, const row_t *row)
{
    const part_t *p = ctx;
    stages_prefetch(p->stages, p->n, row);
}

/* Where a chain takes its rows: the source's next(), or, from a source
** that fills batches (stage.h), a read-ahead on a thread of its own,
** each row shown to the prefetch() of `part` a few rows before its turn.
** The source has not been read before. */
typedef struct {
    source_t *src;
    part_t part;
    readahead_t ahead;      /* started when src->fill */
} reader_t;

static void reader_open(reader_t *r, source_t *src, stage_t **stages, size_t n)
{
    r->src = src;
    r->part = (part_t){stages, n};
    r->ahead.started = false;
    if (src->fill)
        readahead_start(&r->ahead, src, true, prefetch_part, &r->part);
}

/* Stops the read-ahead wherever it is. */
static void reader_close(reader_t *r)
{
    readahead_stop(&r->ahead);
}

/* The next row for a chain: 1, 0 at the end (or when `problems` is
** full), -1 when the table cannot be read further. Checks for an
** interrupt and counts progress every 1024 rows when `tick` is not NULL. */
static int next_row(reader_t *r, problems_t *problems, unsigned *tick, row_t **row)
{
    if (tick && (++*tick & 0x3ff) == 0) {
        check_interrupted();
        progress_rows(0x400);
    }
    if (problems_full(problems))
        return 0;
    return r->src->fill ? readahead_next(&r->ahead, row) : r->src->next(r->src, row);
}

int chain_run(source_t *src, stage_t **stages, size_t n, problems_t *problems,
              uint64_t *rows)
{
    if (!headers_usable(src, stages, n, problems))
        return -1;
    reader_t reader;
    reader_open(&reader, src, stages, n);
    row_t *row;
    unsigned tick = 0;
    int got;
    while ((got = next_row(&reader, problems, &tick, &row)) > 0) {
        (*rows)++;
        passes(stages, n, row);
    }
    reader_close(&reader);
    flush(stages, n);
    check_interrupted();
    return got < 0 ? -1 : 0;
}

/* ---- a source read ahead outside a chain ---- */

typedef struct {
    source_t base;
    source_t *inner;
    readahead_t ahead;
} ahead_source_t;

static int ahead_source_next(source_t *self, row_t **row)
{
    return readahead_next(&((ahead_source_t *)self)->ahead, row);
}

static void ahead_source_free(source_t *self)
{
    ahead_source_t *s = (ahead_source_t *)self;
    readahead_stop(&s->ahead);
    source_free(s->inner);
    free(s);
}

source_t *chain_source_ahead(source_t *src)
{
    if (!src || !src->fill)
        return src;
    ahead_source_t *s = xcalloc(1, sizeof *s);
    s->base.table = src->table;
    s->base.next = ahead_source_next;
    s->base.free = ahead_source_free;
    s->inner = src;
    readahead_start(&s->ahead, src, true, NULL, NULL);
    return &s->base;
}

/* ---- chain_write_behind ---- */

bytesink_t *chain_write_behind(bytesink_t *file)
{
    return background_bytesink_new(file, BG_BLOCK);
}

/* ---- chain_beside ---- */

struct chain_beside {
    worker_t worker;
    void (*fn)(void *arg);
    void *arg;
};

static void beside_run(void *arg)
{
    chain_beside_t *b = arg;
    progress_beside_this_thread();
    b->fn(b->arg);
}

chain_beside_t *chain_beside_start(void (*fn)(void *arg), void *arg, const char *what)
{
    chain_beside_t *b = xcalloc(1, sizeof *b);
    b->fn = fn;
    b->arg = arg;
    worker_init(&b->worker);
    worker_start(&b->worker, beside_run, b, what);
    return b;
}

void chain_beside_join(chain_beside_t *b)
{
    /* the line goes on moving while only the work beside reads */
    bool failed = worker_join_ticking(&b->worker, progress_redraw);
    char err[ERROR_MAX];
    snprintf(err, sizeof err, "%s", b->worker.err);
    worker_destroy(&b->worker);
    free(b);
    if (failed)
        runtime_error("%s", err);
}

/* ---- chain_run_ahead ---- */

#define AHEAD_BATCH_BYTES ((size_t)256 * 1024)

typedef struct {
    reader_t reader;        /* the worker's, once started */
    stage_t **stages;
    size_t k;
    problems_t *problems;
    ring_t ring;
} ahead_t;

/* The worker: fills batches with the rows that pass the first part, until
** the end of the table (or the problems are full). */
static void ahead_run(void *arg)
{
    ahead_t *a = arg;
    row_t *row;
    batch_t *b;
    while ((b = ring_fill(&a->ring)) != NULL) {
        while (b->data.len < AHEAD_BATCH_BYTES) {
            int got = next_row(&a->reader, a->problems, NULL, &row);
            if (got <= 0) {
                b->end = got;
                break;
            }
            b->read++;
            if (passes(a->stages, a->k, row)) {
                row_encode(&b->data, row, 0);
                b->count++;
            }
        }
        int end = b->end;
        ring_filled(&a->ring);
        if (end <= 0) {
            /* while the second part ends too: the repeated-id check's
            ** last pass beside the closing of the output files */
            flush(a->stages, a->k);
            return;
        }
    }
}

int chain_run_ahead(source_t *src, stage_t **stages, size_t n, size_t k, problems_t *problems,
                    uint64_t *rows)
{
    for (size_t i = k; i < n; i++)
        if (stages[i]->reports_problems)
            runtime_error("internal error: the stage %s reports problems and cannot run behind "
                          "the chain's cut (after stage %zu of %zu)",
                          stages[i]->name, k, n);
    if (!headers_usable(src, stages, n, problems))
        return -1;
    ahead_t a = {.stages = stages, .k = k, .problems = problems};
    reader_open(&a.reader, src, stages, k);   /* read by the worker alone */
    ring_init(&a.ring, RING_BATCHES, AHEAD_BATCH_BYTES);
    ring_start(&a.ring, ahead_run, &a, src->table->source);
    /* each batch's rows are shown to the second part's prefetch() a few
    ** rows ahead of their turn */
    part_t second = {stages + k, n - k};
    lookahead_t ahead;
    lookahead_init(&ahead, prefetch_part, &second);
    int end = 1;
    unsigned tick = 0;
    batch_t *b = NULL;
    while (end > 0 && (b = ring_take(&a.ring)) != NULL) {
        lookahead_batch(&ahead, b);
        row_t *r;
        uint32_t tag;
        while ((r = lookahead_next(&ahead, &tag)) != NULL) {
            if ((++tick & 0x3ff) == 0)
                check_interrupted();
            passes(stages + k, n - k, r);
        }
        *rows += b->read;
        progress_rows(b->read);   /* counted by the thread that runs this part */
        end = b->end;
        ring_release(&a.ring);
    }
    lookahead_free(&ahead);
    if (b)   /* the stream ended, the worker's own part too */
        flush(stages + k, n - k);
    bool failed = ring_stop(&a.ring);
    reader_close(&a.reader);
    if (failed) {
        char err[ERROR_MAX];
        snprintf(err, sizeof err, "%s", a.ring.w.err);
        ring_destroy(&a.ring);
        runtime_error("%s", err);
    }
    ring_destroy(&a.ring);
    check_interrupted();
    return end < 0 ? -1 : 0;
}
