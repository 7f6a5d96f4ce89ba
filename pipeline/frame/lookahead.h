/*
** lookahead.h: the records of a batch (ring.h) decoded a few ahead of
** their turn, so that each can be shown to the stages' prefetch() before
** they process it: with tens of thousands of projects each row's lookups
** are cache misses, and asked ahead, the misses of several rows overlap.
** A source's read-ahead (readahead.c) and chain_run_ahead's second part
** use it.
**
** Ownership: the rows are the lookahead's; a row handed out stays valid
** until the next lookahead_next() or lookahead_free(), and points into
** the batch, which must stay held until its last row has been taken.
*/
#ifndef PHASEMIG_LOOKAHEAD_H
#define PHASEMIG_LOOKAHEAD_H

#include "ring.h"
#include "row.h"

/* How many rows are decoded ahead: enough for their misses to overlap,
** few enough that the lines are still in the cache when the row comes. */
#define LOOKAHEAD_ROWS 8
/* A row larger than this is not decoded ahead of one before it, and its
** slot lets go of the room after it: a file of huge records holds one
** decoded, not LOOKAHEAD_ROWS (docs/formats.md). */
#define LOOKAHEAD_LARGE ((size_t)64 * 1024)

typedef struct {
    row_t row[LOOKAHEAD_ROWS];
    uint32_t tag[LOOKAHEAD_ROWS];
    const batch_t *batch;   /* NULL: none */
    size_t pos;             /* of the next record to decode */
    size_t decoded, taken;
    size_t large;           /* the large row decoded ahead, or SIZE_MAX */
    /* called once with each row as it is decoded (NULL: none) */
    void (*ahead)(void *ctx, const row_t *row);
    void *ctx;
} lookahead_t;

void lookahead_init(lookahead_t *l, void (*ahead)(void *ctx, const row_t *row), void *ctx);
void lookahead_free(lookahead_t *l);
/* Starts on the records of `b` (the one before must have been taken to
** its end). */
void lookahead_batch(lookahead_t *l, const batch_t *b);
/* The batch's next record, its tag (row_decode()) in *tag; NULL when
** every record of the batch has been taken. */
row_t *lookahead_next(lookahead_t *l, uint32_t *tag);

#endif
