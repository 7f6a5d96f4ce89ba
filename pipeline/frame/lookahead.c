/*
** lookahead.c: see lookahead.h.
*/
#include "lookahead.h"

#include <stdint.h>

void lookahead_init(lookahead_t *l, void (*ahead)(void *ctx, const row_t *row), void *ctx)
{
    for (size_t i = 0; i < LOOKAHEAD_ROWS; i++)
        row_init(&l->row[i]);
    l->batch = NULL;
    l->pos = l->decoded = l->taken = 0;
    l->large = SIZE_MAX;
    l->ahead = ahead;
    l->ctx = ctx;
}

void lookahead_free(lookahead_t *l)
{
    for (size_t i = 0; i < LOOKAHEAD_ROWS; i++)
        row_free(&l->row[i]);
    l->batch = NULL;
}

/* Lets go of the room of the large row once it has been taken. */
static void drop_large(lookahead_t *l)
{
    if (l->large != SIZE_MAX && l->large < l->taken) {
        row_t *r = &l->row[l->large % LOOKAHEAD_ROWS];
        row_free(r);
        row_init(r);
        l->large = SIZE_MAX;
    }
}

void lookahead_batch(lookahead_t *l, const batch_t *b)
{
    drop_large(l);
    l->batch = b;
    l->pos = l->decoded = l->taken = 0;
    l->large = SIZE_MAX;
}

row_t *lookahead_next(lookahead_t *l, uint32_t *tag)
{
    drop_large(l);
    if (!l->batch || l->taken == l->batch->count)
        return NULL;
    size_t i = l->taken, count = l->batch->count;
    for (; l->decoded < count && l->decoded < i + LOOKAHEAD_ROWS && l->large == SIZE_MAX;
         l->decoded++) {
        size_t at = l->decoded % LOOKAHEAD_ROWS;
        row_t *next = &l->row[at];
        l->tag[at] = row_decode(l->batch->data.data, &l->pos, next);
        if (next->raw_len > LOOKAHEAD_LARGE)
            l->large = l->decoded;
        if (l->ahead)
            l->ahead(l->ctx, next);
    }
    l->taken++;
    *tag = l->tag[i % LOOKAHEAD_ROWS];
    return &l->row[i % LOOKAHEAD_ROWS];
}
