/*
** readahead.h: the records of a source that decodes in batches
** (source.fill(), stage.h) handed out in order, each checked by the
** source's check() as it is taken and shown to a prefetch function a few
** records before its turn (lookahead.h).
**
** Threaded, fill() runs on a thread of its own a ring's batches ahead of
** the taker: only the chain (chain.c) starts one. Unthreaded, fill() runs
** on the taker's thread whenever the batch runs out: that is the next()
** of such a source, for whoever reads it outside a chain.
**
** Ownership: the filling thread touches only the source's fill() state
** and the batch it fills; every field here is the taker's. A row handed
** out is valid until the next readahead_next() or readahead_stop().
*/
#ifndef PHASEMIG_READAHEAD_H
#define PHASEMIG_READAHEAD_H

#include <stdbool.h>
#include <stdint.h>

#include "lookahead.h"
#include "ring.h"
#include "stage.h"

/* The bytes of records a batch holds before it is handed on: enough that
** a hand-off is rare, few enough that the ring stays in the cache. */
#define READAHEAD_BATCH_BYTES ((size_t)128 * 1024)

typedef struct readahead {
    source_t *src;
    bool threaded;
    ring_t ring;            /* threaded: the thread fills it */
    batch_t own;            /* unthreaded: the one batch, filled here */
    lookahead_t look;
    batch_t *taking;        /* the batch being handed out, or NULL */
    int ended;              /* 1 until readahead_next() returned 0 or -1 */
    bool started;
} readahead_t;

/* Starts handing out the records of `src` (which has fill()): on a
** thread of its own when `threaded`; each row decoded is shown to
** prefetch(ctx, row) first (NULL: to none). */
void readahead_start(readahead_t *ra, source_t *src, bool threaded,
                     void (*prefetch)(void *ctx, const row_t *row), void *ctx);
/* The next record, checked (the source's check(); a row it finds wrong
** is marked broken): 1 with *row; 0 at the end of the table; -1 when it
** cannot be read further (the source's failed() has reported why). A
** runtime_error() on the thread (out of memory) ends the run here. */
int readahead_next(readahead_t *ra, row_t **row);
/* The next() of a source that fills batches, as readahead_next() on
** `ra`, unthreaded, started for `src` at the first call: what the source
** hands out read outside a chain. */
int readahead_next_here(readahead_t *ra, source_t *src, row_t **row);
/* Stops the thread wherever it is and frees everything (nothing if it
** was never started). */
void readahead_stop(readahead_t *ra);

#endif
