/*
** ring.h: batches of bytes handed from one thread (the producer) to
** another (the consumer), in order; one of the two is a worker
** (worker.h) that ring_start() starts, the other the thread that started
** it. A source's read-ahead (readahead.c) and chain_run_ahead (chain.c)
** produce on the worker; a file written behind (background.c) consumes
** on it.
**
** Up to RING_BATCHES batches go round: the producer fills one while the
** consumer reads another. Each wake-up of the other thread costs a system
** call and, in a virtual machine, an interrupt between processors, so a
** side that had to wait is woken only once half the ring is ready for it
** (or the stream has ended), not at every batch. Either side waits with
** wait_interruptibly(), so an interrupt still ends the run while the
** other is stuck, and stops waiting when the worker has ended: a worker
** that fails (a runtime_error() on it) leaves its message in w.err.
**
** Ownership: the ring owns the batches; a batch the producer fills is its
** own until ring_filled(), one the consumer holds is its own until
** ring_release().
*/
#ifndef PHASEMIG_RING_H
#define PHASEMIG_RING_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"
#include "worker.h"

#define RING_BATCHES 4
#define RING_SLACK ((size_t)64 * 1024)

typedef struct batch {
    buf_t data;
    size_t count;           /* records in data */
    size_t read;            /* the producer's: rows read to fill it */
    int end;                /* 1 more batches follow; 0 end of stream; -1 failed */
} batch_t;

typedef struct {
    worker_t w;             /* the worker, producer or consumer; its lock
                            ** guards the fields marked so */
    batch_t batch[RING_BATCHES];
    size_t nbatches;        /* how many of batch[] go round */
    size_t batch_bytes;     /* a batch is full past this (room is kept for
                            ** RING_SLACK more, so that it does not double) */
    size_t fill;            /* the producer's */
    size_t take;            /* the consumer's */
    size_t nfull;           /* under lock */
    bool abandon;           /* under lock: the worker's partner wants no more */
    bool producer_waits, consumer_waits;   /* under lock */
    bool started;
} ring_t;

/* nbatches: 2 .. RING_BATCHES. */
void ring_init(ring_t *r, size_t nbatches, size_t batch_bytes);
/* Empties `b` for filling (count, read 0, end 1), with room for
** batch_bytes and the record that goes past it. */
void batch_clear(batch_t *b, size_t batch_bytes);
/* Starts the worker, producer or consumer: fn(arg) on a thread of its
** own (worker_start(); `what` names the file it serves). */
void ring_start(ring_t *r, void (*fn)(void *arg), void *arg, const char *what);

/* Producer: waits for an empty batch and returns it cleared (count, read
** 0, end 1); NULL when the consumer has abandoned the ring, or when it is
** the worker and ended (failed) while every batch was full. */
batch_t *ring_fill(ring_t *r);
/* Producer: the batch from ring_fill() is ready; after one whose end is
** not 1, the producer returns. */
void ring_filled(ring_t *r);

/* Consumer: waits for the next full batch; NULL when the producer is the
** worker and ended without one (a runtime_error() on it: its message in
** r->w.err), or when the producer has abandoned the ring. */
batch_t *ring_take(ring_t *r);
/* Consumer: done with the batch from ring_take(). */
void ring_release(ring_t *r);

/* The worker's partner, after the producing worker's last batch, or to
** stop either kind early (batches not yet taken are dropped): tells the
** worker to stop wherever it is (ring_fill() or ring_take() returns NULL
** to it) and waits for it (nothing if not started); returns whether it
** failed (its message in r->w.err until ring_destroy()). */
bool ring_stop(ring_t *r);
/* The producer, when the worker consumes: after handing over the last
** batch (its end 0), waits for the worker to finish with it, as
** ring_stop() does but dropping nothing; returns whether it failed. */
bool ring_finish(ring_t *r);
/* Frees the batches; the worker must have stopped. */
void ring_destroy(ring_t *r);

#endif
