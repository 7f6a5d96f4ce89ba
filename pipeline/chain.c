#include "chain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "progress.h"
#include "worker.h"

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

#define AHEAD_BATCHES 4
#define AHEAD_BATCH_BYTES ((size_t)256 * 1024)

/* Rows that passed the first part; `end` says what follows them: 1 more
** batches, 0 the end of the table, -1 the table could not be read on. */
typedef struct {
    buf_t data;
    size_t count;
    size_t read;            /* rows read from the source to fill it */
    int end;
} ahead_batch_t;

typedef struct {
    source_t *src;
    stage_t **stages;
    size_t k;
    problems_t *problems;
    worker_t w;             /* its lock guards nfull and abandon */
    ahead_batch_t batch[AHEAD_BATCHES];
    size_t nfull;
    bool abandon;
} ahead_t;

/* The worker: fills batches in turn until the end of the table. */
static void ahead_run(void *arg)
{
    ahead_t *a = arg;
    row_t *row;
    for (size_t fill = 0;; fill = (fill + 1) % AHEAD_BATCHES) {
        pthread_mutex_lock(&a->w.lock);
        while (a->nfull == AHEAD_BATCHES && !a->abandon)
            pthread_cond_wait(&a->w.changed, &a->w.lock);
        bool abandon = a->abandon;
        pthread_mutex_unlock(&a->w.lock);
        if (abandon)
            return;
        ahead_batch_t *b = &a->batch[fill];
        buf_clear(&b->data);
        if (b->data.cap > 4 * AHEAD_BATCH_BYTES) {   /* it held a huge record */
            buf_free(&b->data);
            buf_init(&b->data);
        }
        b->count = b->read = 0;
        b->end = 1;
        while (b->data.len < AHEAD_BATCH_BYTES) {
            int got = next_row(a->src, a->problems, NULL, &row);
            if (got <= 0) {
                b->end = got;
                break;
            }
            b->read++;
            if (passes(a->stages, a->k, row)) {
                row_encode(&b->data, row);
                b->count++;
            }
        }
        if (b->end <= 0)
            flush(a->stages, a->k);   /* before the second part learns of the end */
        pthread_mutex_lock(&a->w.lock);
        a->nfull++;
        pthread_cond_broadcast(&a->w.changed);
        pthread_mutex_unlock(&a->w.lock);
        if (b->end <= 0)
            return;
    }
}

/* Stops the worker wherever it is and waits for it; whether it failed. */
static bool ahead_stop(ahead_t *a)
{
    pthread_mutex_lock(&a->w.lock);
    a->abandon = true;
    pthread_cond_broadcast(&a->w.changed);
    pthread_mutex_unlock(&a->w.lock);
    return worker_join(&a->w);
}

int chain_run_ahead(source_t *src, stage_t **stages, size_t n, size_t k, problems_t *problems,
                    uint64_t *rows)
{
    if (!headers_usable(src, stages, n, problems))
        return -1;
    ahead_t a;
    memset(&a, 0, sizeof a);
    a.src = src;
    a.stages = stages;
    a.k = k;
    a.problems = problems;
    for (size_t i = 0; i < AHEAD_BATCHES; i++)
        buf_init(&a.batch[i].data);
    worker_init(&a.w);
    worker_start(&a.w, ahead_run, &a, src->table->source);
    row_t row;
    row_init(&row);
    int end = 1;
    unsigned tick = 0;
    for (size_t take = 0; end > 0; take = (take + 1) % AHEAD_BATCHES) {
        pthread_mutex_lock(&a.w.lock);
        while (a.nfull == 0 && !a.w.done)
            wait_interruptibly(&a.w.changed, &a.w.lock);
        bool failed = a.nfull == 0;   /* it ended without this batch */
        pthread_mutex_unlock(&a.w.lock);
        if (failed)
            break;
        ahead_batch_t *b = &a.batch[take];
        size_t pos = 0;
        for (size_t i = 0; i < b->count; i++) {
            if ((++tick & 0x3ff) == 0)
                check_interrupted();
            row_decode(b->data.data, &pos, &row);
            passes(stages + k, n - k, &row);
        }
        *rows += b->read;
        progress_rows(b->read);   /* progress is the main thread's */
        end = b->end;
        pthread_mutex_lock(&a.w.lock);
        a.nfull--;
        pthread_cond_broadcast(&a.w.changed);
        pthread_mutex_unlock(&a.w.lock);
    }
    bool failed = ahead_stop(&a);
    row_free(&row);
    for (size_t i = 0; i < AHEAD_BATCHES; i++)
        buf_free(&a.batch[i].data);
    if (failed) {
        char err[ERROR_MAX];
        snprintf(err, sizeof err, "%s", a.w.err);
        worker_destroy(&a.w);
        runtime_error("%s", err);
    }
    worker_destroy(&a.w);
    flush(stages + k, n - k);
    check_interrupted();
    return end < 0 ? -1 : 0;
}
