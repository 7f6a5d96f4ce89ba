/*
** background.c: see background.h.
**
** A ring of blocks: the caller fills block `fill`, the thread writes block
** `head`, the nfull blocks from head on are full; a block stays counted in
** nfull while the thread writes it.
*/
#include "background.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "worker.h"

/* The sink is double-buffered: the caller fills one block while the
** thread writes the other. At each hand-off the caller waits until every
** earlier block is written, so a write failure is reported at the same
** point of the run however the threads were scheduled (the next hand-off
** or close), and the error message is the same from run to run. */
#define BG_SINK_BLOCKS 2

typedef struct {
    bytesink_t base;
    bytesink_t *inner;
    worker_t w;             /* its lock guards the fields marked so */
    char *block[BG_SINK_BLOCKS];
    size_t len[BG_SINK_BLOCKS];
    size_t block_size;
    size_t fill;            /* the caller's */
    size_t handed;          /* the caller's: blocks handed over */
    size_t head, nfull;     /* under lock */
    size_t written;         /* under lock: blocks written */
    bool finishing;         /* under lock: no more blocks, then close inner */
    bool abandon;           /* under lock: stop without closing inner */
} bg_sink_t;

static void bg_run(void *arg)
{
    bg_sink_t *b = arg;
    pthread_mutex_lock(&b->w.lock);
    for (;;) {
        while (b->nfull == 0 && !b->finishing && !b->abandon)
            pthread_cond_wait(&b->w.changed, &b->w.lock);
        if (b->abandon || b->nfull == 0)
            break;
        size_t i = b->head;
        pthread_mutex_unlock(&b->w.lock);
        b->inner->write(b->inner, b->block[i], b->len[i]);
        pthread_mutex_lock(&b->w.lock);
        b->len[i] = 0;
        b->head = (b->head + 1) % BG_SINK_BLOCKS;
        b->nfull--;
        b->written++;
        pthread_cond_broadcast(&b->w.changed);
    }
    bool close_inner = !b->abandon;
    pthread_mutex_unlock(&b->w.lock);
    if (close_inner)
        b->inner->close(b->inner);
}

/*
** Waits for the thread to end (an interrupt ends the run meanwhile); a
** failure it had becomes ours.
*/
static void bg_join(bg_sink_t *b)
{
    if (worker_join(&b->w))
        runtime_error("%s", b->w.err);
}

/*
** Hands the block being filled to the thread, then waits until the blocks
** before it are written (the other block is then free to fill).
*/
static void bg_hand_off(bg_sink_t *b)
{
    pthread_mutex_lock(&b->w.lock);
    b->nfull++;
    b->handed++;
    b->fill = (b->fill + 1) % BG_SINK_BLOCKS;
    pthread_cond_broadcast(&b->w.changed);
    while (b->written + 1 < b->handed && !b->w.failed)
        wait_interruptibly(&b->w.changed, &b->w.lock);
    /* A failure on the block just handed is reported at the next one. */
    bool failed = b->w.failed && b->written + 1 < b->handed;
    pthread_mutex_unlock(&b->w.lock);
    if (failed)
        bg_join(b);
}

static void bg_write(bytesink_t *self, const void *p, size_t n)
{
    bg_sink_t *b = (bg_sink_t *)self;
    const char *bytes = p;
    while (n > 0) {
        size_t i = b->fill;
        size_t step = b->block_size - b->len[i];
        if (step > n)
            step = n;
        memcpy(b->block[i] + b->len[i], bytes, step);
        b->len[i] += step;
        bytes += step;
        n -= step;
        if (b->len[i] == b->block_size)
            bg_hand_off(b);
    }
}

static void bg_close(bytesink_t *self)
{
    bg_sink_t *b = (bg_sink_t *)self;
    pthread_mutex_lock(&b->w.lock);
    if (b->len[b->fill] > 0)
        b->nfull++;
    b->finishing = true;
    pthread_cond_broadcast(&b->w.changed);
    pthread_mutex_unlock(&b->w.lock);
    bg_join(b);
}

static void bg_free(bytesink_t *self)
{
    bg_sink_t *b = (bg_sink_t *)self;
    /* freed without close (the output is being abandoned): stop the thread */
    pthread_mutex_lock(&b->w.lock);
    b->abandon = true;
    pthread_cond_broadcast(&b->w.changed);
    pthread_mutex_unlock(&b->w.lock);
    worker_join(&b->w);
    worker_destroy(&b->w);
    bytesink_free(b->inner);
    for (size_t i = 0; i < BG_SINK_BLOCKS; i++)
        free(b->block[i]);
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
    for (size_t i = 0; i < BG_SINK_BLOCKS; i++)
        b->block[i] = xmalloc(block_size);
    worker_init(&b->w);
    worker_start(&b->w, bg_run, b, inner->path);
    return &b->base;
}
