#include "readahead.h"

#include "chain.h"
#include "errors.h"

/* The lookahead's `ahead`: each row decoded goes to the chain's stages. */
static void show_ahead(void *ctx, const row_t *row)
{
    const readahead_t *ra = ctx;
    stages_prefetch(ra->src->ahead_stages, ra->src->ahead_n, row);
}

void readahead_start(readahead_t *ra, const source_t *src, size_t batch_bytes,
                     void (*produce)(void *arg), void *arg, const char *what)
{
    ra->src = src;
    ra->taking = NULL;
    lookahead_init(&ra->look, show_ahead, ra);
    ring_init(&ra->ring, batch_bytes);
    ra->started = true;
    ring_start(&ra->ring, produce, arg, what);
}

int readahead_next(readahead_t *ra, row_t **row, uint32_t *tag)
{
    for (;;) {
        if (!ra->taking) {
            ra->taking = ring_take(&ra->ring);
            if (!ra->taking)
                runtime_error("%s", ra->ring.w.err);   /* out of memory on the thread */
            lookahead_batch(&ra->look, ra->taking);
        }
        row_t *r = lookahead_next(&ra->look, tag);
        if (r) {
            *row = r;
            return 1;
        }
        if (ra->taking->end <= 0)
            return ra->taking->end;
        ra->taking = NULL;
        ring_release(&ra->ring);
    }
}

void readahead_stop(readahead_t *ra)
{
    if (!ra->started)
        return;
    ring_stop(&ra->ring);
    ring_destroy(&ra->ring);
    lookahead_free(&ra->look);
    ra->started = false;
}
