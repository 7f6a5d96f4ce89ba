/*
** readahead.h: a source's records produced on a thread of their own, and
** handed out on the caller's thread in order, each shown to the chain's
** prefetch() a few records before its turn (lookahead.h). The CSV reader
** and the pg_dump COPY reader are its two users: each gives the producer
** (a function that fills the ring's batches with row_encode()d records,
** ring_fill() / ring_filled()) and checks each record it gets back.
**
** Ownership: the producer thread touches only the batch it fills; every
** other field is the caller's. A row handed out is valid until the next
** readahead_next() or readahead_stop().
*/
#ifndef PHASEMIG_READAHEAD_H
#define PHASEMIG_READAHEAD_H

#include <stdbool.h>
#include <stdint.h>

#include "lookahead.h"
#include "ring.h"
#include "stage.h"

typedef struct readahead {
    ring_t ring;            /* the producer fills it: ring_fill(&ra->ring) */
    lookahead_t look;
    batch_t *taking;        /* the batch being handed out, or NULL */
    const source_t *src;    /* whose ahead_stages see each row decoded */
    bool started;
} readahead_t;

/* Starts produce(arg) on a worker thread (`what` names the file), with
** batches of about `batch_bytes`; the rows decoded are shown to
** src->ahead_stages, read when each row is decoded. */
void readahead_start(readahead_t *ra, const source_t *src, size_t batch_bytes,
                     void (*produce)(void *arg), void *arg, const char *what);
/* The next record: 1 with *row and its tag (row_encode()'s) in *tag; 0
** at the end of the stream; -1 when the producer ended on a failure of
** its own (its batch's end was -1: the caller reports what it kept). A
** runtime_error() on the thread (out of memory) ends the run here. */
int readahead_next(readahead_t *ra, row_t **row, uint32_t *tag);
/* Stops the producer wherever it is and frees everything (nothing if it
** was never started). */
void readahead_stop(readahead_t *ra);

#endif
