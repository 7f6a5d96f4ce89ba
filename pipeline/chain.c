#include "chain.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "progress.h"
#include "ring.h"

void bytesrc_free(bytesrc_t *b) { if (b) b->free(b); }
void source_free(source_t *s) { if (s) s->free(s); }
void stage_free(stage_t *s) { if (s) s->free(s); }
void sink_free(sink_t *s) { if (s) s->free(s); }
void bytesink_free(bytesink_t *b) { if (b) b->free(b); }

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

/* The next row of `src` for a chain: 1, 0 at the end (or when `problems`
** is full), -1 when the table cannot be read further. Checks for an
** interrupt and counts progress every 1024 rows when `tick` is not NULL. */
static int next_row(source_t *src, problems_t *problems, unsigned *tick, row_t **row)
{
    if (tick && (++*tick & 0x3ff) == 0) {
        check_interrupted();
        progress_rows(0x400);
    }
    if (problems_full(problems))
        return 0;
    return src->next(src, row);
}

int chain_run(source_t *src, stage_t **stages, size_t n, problems_t *problems,
              uint64_t *rows)
{
    if (!headers_usable(src, stages, n, problems))
        return -1;
    row_t *row;
    unsigned tick = 0;
    int got;
    while ((got = next_row(src, problems, &tick, &row)) > 0) {
        (*rows)++;
        passes(stages, n, row);
    }
    flush(stages, n);
    check_interrupted();
    return got < 0 ? -1 : 0;
}

/* ---- chain_run_ahead ---- */

#define AHEAD_BATCH_BYTES ((size_t)256 * 1024)
/* How many rows ahead of process() the second part's prefetch() is called:
** enough for their misses to overlap, few enough that the lines are still
** in the cache when the row comes. */
#define PREFETCH_AHEAD 8
/* A row larger than this is not decoded ahead of one before it, and its
** slot lets go of the room after it: a file of huge records holds two
** decoded, not PREFETCH_AHEAD (docs/formats.md). */
#define PREFETCH_LARGE ((size_t)64 * 1024)

typedef struct {
    source_t *src;
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
            int got = next_row(a->src, a->problems, NULL, &row);
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
    if (!headers_usable(src, stages, n, problems))
        return -1;
    ahead_t a = {.src = src, .stages = stages, .k = k, .problems = problems};
    ring_init(&a.ring, AHEAD_BATCH_BYTES);
    ring_start(&a.ring, ahead_run, &a, src->table->source);
    /* each batch's rows are decoded PREFETCH_AHEAD ahead of their turn */
    row_t row[PREFETCH_AHEAD];
    for (size_t i = 0; i < PREFETCH_AHEAD; i++)
        row_init(&row[i]);
    int end = 1;
    unsigned tick = 0;
    batch_t *b = NULL;
    while (end > 0 && (b = ring_take(&a.ring)) != NULL) {
        size_t pos = 0, decoded = 0, large = SIZE_MAX;   /* the large row decoded ahead */
        for (size_t i = 0; i < b->count; i++) {
            if ((++tick & 0x3ff) == 0)
                check_interrupted();
            for (; decoded < b->count && decoded < i + PREFETCH_AHEAD &&
                   (large == SIZE_MAX || large < i);
                 decoded++) {
                row_t *next = &row[decoded % PREFETCH_AHEAD];
                row_decode(b->data.data, &pos, next);
                if (next->raw_len > PREFETCH_LARGE)
                    large = decoded;
                for (size_t j = k; j < n; j++)
                    if (stages[j]->prefetch)
                        stages[j]->prefetch(stages[j], next);
            }
            row_t *r = &row[i % PREFETCH_AHEAD];
            passes(stages + k, n - k, r);
            if (i == large) {
                row_free(r);
                row_init(r);
                large = SIZE_MAX;
            }
        }
        *rows += b->read;
        progress_rows(b->read);   /* progress is the main thread's */
        end = b->end;
        ring_release(&a.ring);
    }
    for (size_t i = 0; i < PREFETCH_AHEAD; i++)
        row_free(&row[i]);
    if (b)   /* the stream ended, the worker's own part too */
        flush(stages + k, n - k);
    bool failed = ring_stop(&a.ring);
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
