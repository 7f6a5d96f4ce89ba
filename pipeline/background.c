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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "util.h"

#define BG_BLOCK ((size_t)1 << 20)

/* The sink is double-buffered: the caller fills one block while the
** thread writes the other. At each hand-off the caller waits until every
** earlier block is written, so a write failure is reported at the same
** point of the run however the threads were scheduled (the next hand-off
** or close), and the error message is the same from run to run. */
#define BG_SINK_BLOCKS 2

typedef struct {
    bytesink_t base;
    bytesink_t *inner;
    pthread_t thread;
    bool running;           /* started and not yet joined */
    pthread_mutex_t lock;
    pthread_cond_t changed;
    char *block[BG_SINK_BLOCKS];
    size_t len[BG_SINK_BLOCKS];
    size_t fill;            /* the caller's */
    size_t handed;          /* the caller's: blocks handed over */
    size_t head, nfull;     /* under lock */
    size_t written;         /* under lock: blocks written */
    bool finishing;         /* under lock: no more blocks, then close inner */
    bool abandon;           /* under lock: stop without closing inner */
    bool failed;            /* under lock: the thread ended with `err` */
    bool done;              /* under lock: the thread is ending */
    char err[ERROR_MAX];
} bg_sink_t;

/*
** The thread's runtime_error: keep the message for the caller, wake it.
*/
static void bg_fail(void *ctx, const char *msg)
{
    bg_sink_t *b = ctx;
    pthread_mutex_lock(&b->lock);
    snprintf(b->err, sizeof b->err, "%s", msg);
    b->failed = b->done = true;
    pthread_cond_broadcast(&b->changed);
    pthread_mutex_unlock(&b->lock);
}

static void *bg_main(void *arg)
{
    bg_sink_t *b = arg;
    errors_on_this_thread(bg_fail, b);
    pthread_mutex_lock(&b->lock);
    for (;;) {
        while (b->nfull == 0 && !b->finishing && !b->abandon)
            pthread_cond_wait(&b->changed, &b->lock);
        if (b->abandon || b->nfull == 0)
            break;
        size_t i = b->head;
        pthread_mutex_unlock(&b->lock);
        b->inner->write(b->inner, b->block[i], b->len[i]);
        pthread_mutex_lock(&b->lock);
        b->len[i] = 0;
        b->head = (b->head + 1) % BG_SINK_BLOCKS;
        b->nfull--;
        b->written++;
        pthread_cond_broadcast(&b->changed);
    }
    bool close_inner = !b->abandon;
    pthread_mutex_unlock(&b->lock);
    if (close_inner)
        b->inner->close(b->inner);
    pthread_mutex_lock(&b->lock);
    b->done = true;
    pthread_cond_broadcast(&b->changed);
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

/*
** Waits for the thread to end (an interrupt ends the run meanwhile); a
** failure it had becomes ours.
*/
static void bg_join(bg_sink_t *b)
{
    pthread_mutex_lock(&b->lock);
    while (!b->done)
        wait_interruptibly(&b->changed, &b->lock);
    pthread_mutex_unlock(&b->lock);
    pthread_join(b->thread, NULL);
    b->running = false;
    if (b->failed)
        runtime_error("%s", b->err);
}

/*
** Hands the block being filled to the thread, then waits until the blocks
** before it are written (the other block is then free to fill).
*/
static void bg_hand_off(bg_sink_t *b)
{
    pthread_mutex_lock(&b->lock);
    b->nfull++;
    b->handed++;
    b->fill = (b->fill + 1) % BG_SINK_BLOCKS;
    pthread_cond_broadcast(&b->changed);
    while (b->written + 1 < b->handed && !b->failed)
        wait_interruptibly(&b->changed, &b->lock);
    /* A failure on the block just handed is reported at the next one. */
    bool failed = b->failed && b->written + 1 < b->handed;
    pthread_mutex_unlock(&b->lock);
    if (failed)
        bg_join(b);
}

static void bg_write(bytesink_t *self, const void *p, size_t n)
{
    bg_sink_t *b = (bg_sink_t *)self;
    const char *bytes = p;
    while (n > 0) {
        size_t i = b->fill;
        size_t step = BG_BLOCK - b->len[i];
        if (step > n)
            step = n;
        memcpy(b->block[i] + b->len[i], bytes, step);
        b->len[i] += step;
        bytes += step;
        n -= step;
        if (b->len[i] == BG_BLOCK)
            bg_hand_off(b);
    }
}

static void bg_close(bytesink_t *self)
{
    bg_sink_t *b = (bg_sink_t *)self;
    pthread_mutex_lock(&b->lock);
    if (b->len[b->fill] > 0)
        b->nfull++;
    b->finishing = true;
    pthread_cond_broadcast(&b->changed);
    pthread_mutex_unlock(&b->lock);
    bg_join(b);
}

static void bg_free(bytesink_t *self)
{
    bg_sink_t *b = (bg_sink_t *)self;
    if (b->running) {   /* freed without close: the output is being abandoned */
        pthread_mutex_lock(&b->lock);
        b->abandon = true;
        pthread_cond_broadcast(&b->changed);
        while (!b->done)
            wait_interruptibly(&b->changed, &b->lock);
        pthread_mutex_unlock(&b->lock);
        pthread_join(b->thread, NULL);
    }
    bytesink_free(b->inner);
    for (size_t i = 0; i < BG_SINK_BLOCKS; i++)
        free(b->block[i]);
    pthread_cond_destroy(&b->changed);
    pthread_mutex_destroy(&b->lock);
    free(b);
}

bytesink_t *background_bytesink_new(bytesink_t *inner)
{
    bg_sink_t *b = xcalloc(1, sizeof *b);
    b->base.path = inner->path;
    b->base.write = bg_write;
    b->base.close = bg_close;
    b->base.free = bg_free;
    b->inner = inner;
    for (size_t i = 0; i < BG_SINK_BLOCKS; i++)
        b->block[i] = xmalloc(BG_BLOCK);
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->changed, NULL);
    start_worker(&b->thread, bg_main, b, inner->path);
    b->running = true;
    return &b->base;
}
