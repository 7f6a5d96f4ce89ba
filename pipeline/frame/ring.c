/*
** ring.c: see ring.h.
*/
#include "ring.h"

#include <string.h>

void ring_init(ring_t *r, size_t nbatches, size_t batch_bytes)
{
    memset(r, 0, sizeof *r);
    for (size_t i = 0; i < RING_BATCHES; i++)
        buf_init(&r->batch[i].data);
    r->nbatches = nbatches;
    r->batch_bytes = batch_bytes;
    worker_init(&r->w);
}

void ring_start(ring_t *r, void (*fn)(void *arg), void *arg, const char *what)
{
    worker_start(&r->w, fn, arg, what);
    r->started = true;
}

void batch_clear(batch_t *b, size_t batch_bytes)
{
    buf_clear(&b->data);
    if (b->data.cap > 4 * batch_bytes) {   /* it held a huge record */
        buf_free(&b->data);
        buf_init(&b->data);
    }
    /* the last record goes past batch_bytes: room for it, or the buffer
    ** would double to hold a few bytes more */
    buf_reserve(&b->data, batch_bytes + RING_SLACK);
    b->count = b->read = 0;
    b->end = 1;
}

batch_t *ring_fill(ring_t *r)
{
    pthread_mutex_lock(&r->w.lock);
    while (r->nfull == r->nbatches && !r->abandon && !r->w.done) {
        r->producer_waits = true;
        wait_interruptibly(&r->w.changed, &r->w.lock);
    }
    r->producer_waits = false;
    /* a worker that ended holding a batch will not give it back */
    bool none = r->abandon || r->nfull == r->nbatches;
    pthread_mutex_unlock(&r->w.lock);
    if (none)
        return NULL;
    batch_t *b = &r->batch[r->fill];
    batch_clear(b, r->batch_bytes);
    return b;
}

void ring_filled(ring_t *r)
{
    bool ended = r->batch[r->fill].end <= 0;
    r->fill = (r->fill + 1) % r->nbatches;
    pthread_mutex_lock(&r->w.lock);
    r->nfull++;
    bool wake = r->consumer_waits && (ended || r->nfull >= r->nbatches / 2);
    pthread_mutex_unlock(&r->w.lock);
    /* outside the lock, so the woken thread does not block on it at once */
    if (wake)
        pthread_cond_broadcast(&r->w.changed);
}

batch_t *ring_take(ring_t *r)
{
    pthread_mutex_lock(&r->w.lock);
    while (r->nfull == 0 && !r->w.done && !r->abandon) {
        r->consumer_waits = true;
        wait_interruptibly(&r->w.changed, &r->w.lock);
    }
    r->consumer_waits = false;
    /* the producer ended without this batch, or wants no more written */
    bool none = r->nfull == 0 || r->abandon;
    pthread_mutex_unlock(&r->w.lock);
    return none ? NULL : &r->batch[r->take];
}

void ring_release(ring_t *r)
{
    r->take = (r->take + 1) % r->nbatches;
    pthread_mutex_lock(&r->w.lock);
    r->nfull--;
    bool wake = r->producer_waits && r->nfull <= r->nbatches / 2;
    pthread_mutex_unlock(&r->w.lock);
    if (wake)
        pthread_cond_broadcast(&r->w.changed);
}

bool ring_finish(ring_t *r)
{
    if (!r->started)
        return false;
    r->started = false;
    return worker_join(&r->w);   /* interruptible: a worker stuck on a stalled pipe */
}

bool ring_stop(ring_t *r)
{
    if (!r->started)
        return false;
    pthread_mutex_lock(&r->w.lock);
    r->abandon = true;
    pthread_cond_broadcast(&r->w.changed);
    pthread_mutex_unlock(&r->w.lock);
    return ring_finish(r);
}

void ring_destroy(ring_t *r)
{
    for (size_t i = 0; i < RING_BATCHES; i++)
        buf_free(&r->batch[i].data);
    worker_destroy(&r->w);
}
