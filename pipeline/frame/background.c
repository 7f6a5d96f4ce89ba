/*
** background.c: see background.h.
**
** A ring (ring.h) of two blocks whose consumer is the worker: the caller
** fills one block while the worker writes the other. At each hand-off
** the caller takes the other block back, so it waits until every earlier
** block is written: a write failure is then reported at the same point of
** the run however the threads were scheduled (the hand-off after the
** failing block, or close), with the same message from run to run.
*/
#include "background.h"

#include <stdlib.h>
#include <string.h>

#include "ring.h"
#include "util.h"

#define BG_SINK_BLOCKS 2

typedef struct {
    bytesink_t base;
    bytesink_t *inner;      /* the worker's while it runs */
    ring_t ring;
    batch_t *filling;       /* the caller's: the block it fills */
    size_t block_size;
} bg_sink_t;

/* The worker: writes each block in order; closes the inner sink after the
** last one (end 0), or stops without closing when the caller abandons. */
static void bg_run(void *arg)
{
    bg_sink_t *b = arg;
    batch_t *block;
    while ((block = ring_take(&b->ring)) != NULL) {
        b->inner->write(b->inner, block->data.data, block->data.len);
        int end = block->end;
        ring_release(&b->ring);
        if (end <= 0) {
            b->inner->close(b->inner);
            return;
        }
    }
}

/* The worker failed: its message becomes the caller's runtime error. */
static void bg_fail(bg_sink_t *b)
{
    ring_stop(&b->ring);
    runtime_error("%s", b->ring.w.err);
}

/* Hands the full block to the worker and takes the other one back. */
static void bg_hand_off(bg_sink_t *b)
{
    ring_filled(&b->ring);
    b->filling = ring_fill(&b->ring);
    if (!b->filling)
        bg_fail(b);
}

static void bg_write(bytesink_t *self, const void *p, size_t n)
{
    bg_sink_t *b = (bg_sink_t *)self;
    const char *bytes = p;
    if (!b->filling)   /* written to after a failure was reported */
        bg_fail(b);
    while (n > 0) {
        size_t step = b->block_size - b->filling->data.len;
        if (step > n)
            step = n;
        buf_add(&b->filling->data, bytes, step);
        bytes += step;
        n -= step;
        if (b->filling->data.len == b->block_size)
            bg_hand_off(b);
    }
}

static void bg_close(bytesink_t *self)
{
    bg_sink_t *b = (bg_sink_t *)self;
    if (!b->filling)
        bg_fail(b);
    b->filling->end = 0;
    b->filling = NULL;
    ring_filled(&b->ring);
    if (ring_finish(&b->ring))
        runtime_error("%s", b->ring.w.err);
}

static void bg_free(bytesink_t *self)
{
    bg_sink_t *b = (bg_sink_t *)self;
    /* freed without close (the output is being abandoned): stop the worker */
    ring_stop(&b->ring);
    ring_destroy(&b->ring);
    bytesink_free(b->inner);
    free(b);
}

bytesink_t *background_bytesink_new(bytesink_t *inner, size_t block_size)
{
    bg_sink_t *b = xcalloc(1, sizeof *b);
    b->base.path = inner->path;
    b->base.write = bg_write;
    b->base.close = bg_close;
    b->base.free = bg_free;
    b->inner = inner;
    b->block_size = block_size;
    ring_init(&b->ring, BG_SINK_BLOCKS, block_size);
    b->filling = ring_fill(&b->ring);   /* both blocks are free: no wait */
    ring_start(&b->ring, bg_run, b, inner->path);
    return &b->base;
}
