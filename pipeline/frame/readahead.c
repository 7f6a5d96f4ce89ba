/*
** readahead.c: see readahead.h.
*/
#include "readahead.h"

#include "errors.h"

/* The thread: fills the ring's batches until the table ends or the taker
** lets go of the ring. */
static void fill_ahead(void *arg)
{
    readahead_t *ra = arg;
    batch_t *b;
    while ((b = ring_fill(&ra->ring)) != NULL) {
        ra->src->fill(ra->src, b, READAHEAD_BATCH_BYTES);
        int end = b->end;
        ring_filled(&ra->ring);
        if (end <= 0)
            return;
    }
}

void readahead_start(readahead_t *ra, source_t *src, bool threaded,
                     void (*prefetch)(void *ctx, const row_t *row), void *ctx)
{
    ra->src = src;
    ra->threaded = threaded;
    ra->taking = NULL;
    ra->ended = 1;
    lookahead_init(&ra->look, prefetch, ctx);
    if (threaded) {
        ring_init(&ra->ring, RING_BATCHES, READAHEAD_BATCH_BYTES);
        ring_start(&ra->ring, fill_ahead, ra, src->table->source);
    } else {
        buf_init(&ra->own.data);
    }
    ra->started = true;
}

/* The next batch to hand out. */
static batch_t *next_batch(readahead_t *ra)
{
    if (!ra->threaded) {
        batch_clear(&ra->own, READAHEAD_BATCH_BYTES);
        ra->src->fill(ra->src, &ra->own, READAHEAD_BATCH_BYTES);
        return &ra->own;
    }
    batch_t *b = ring_take(&ra->ring);
    if (!b)
        runtime_error("%s", ra->ring.w.err);   /* out of memory on the thread */
    return b;
}

int readahead_next(readahead_t *ra, row_t **row)
{
    while (ra->ended > 0) {
        if (!ra->taking) {
            ra->taking = next_batch(ra);
            lookahead_batch(&ra->look, ra->taking);
        }
        uint32_t tag;
        row_t *r = lookahead_next(&ra->look, &tag);
        if (r) {
            r->broken = !ra->src->check(ra->src, r, tag);
            *row = r;
            return 1;
        }
        if (ra->taking->end <= 0) {
            /* the filling has ended: its state is the taker's now */
            ra->ended = ra->taking->end;
            if (ra->ended < 0)
                ra->src->failed(ra->src);
        } else if (ra->threaded) {
            ring_release(&ra->ring);
        }
        ra->taking = NULL;
    }
    return ra->ended;
}

int readahead_next_here(readahead_t *ra, source_t *src, row_t **row)
{
    if (!ra->started)
        readahead_start(ra, src, false, NULL, NULL);
    return readahead_next(ra, row);
}

void readahead_stop(readahead_t *ra)
{
    if (!ra->started)
        return;
    if (ra->threaded) {
        ring_stop(&ra->ring);
        ring_destroy(&ra->ring);
    } else {
        buf_free(&ra->own.data);
    }
    lookahead_free(&ra->look);
    ra->started = false;
}
