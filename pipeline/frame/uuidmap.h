/*
** uuidmap.h: an index from UUID to a number (open addressing, linear
** probing). The plan finds projects and phases through it; verify and
** reconcile keep their own.
*/
#ifndef PHASEMIG_UUIDMAP_H
#define PHASEMIG_UUIDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "values.h"

/* Key and value side by side, so that a lookup usually costs one cache
** line: with tens of thousands of projects the index does not fit in the
** cache, and every assignment looks its project up. 20 bytes a slot, at
** most three quarters full and, once grown, at least half: values are
** indexes of things held in memory, which run out of memory long before
** 2^32. */
typedef struct uuidmap_slot {
    uuid_t key;
    uint32_t val_plus_one;      /* 0: the slot is free */
} uuidmap_slot_t;
#define UUIDMAP_MAX_VALUE ((size_t)UINT32_MAX - 1)

typedef struct uuidmap {
    uuidmap_slot_t *slots;
    size_t cap, count;
} uuidmap_t;

void uuidmap_init(uuidmap_t *m);
void uuidmap_free(uuidmap_t *m);
/* Empties m (initialised, or all zero), leaving room for n keys before it
** grows: its slots are kept when they are room enough, so that an index
** filled and emptied many times is allocated once. */
void uuidmap_clear(uuidmap_t *m, size_t n);
/* Inserts key -> val (val <= UUIDMAP_MAX_VALUE) unless key is there; returns true if inserted, false
** (and the existing value in *existing, if not NULL) if it was there. */
bool uuidmap_put(uuidmap_t *m, const uuid_t *key, size_t val, size_t *existing);
bool uuidmap_get(const uuidmap_t *m, const uuid_t *key, size_t *val);
/* Starts loading into the cache the slot where a get of key begins
** (stage.prefetch); changes nothing. */
void uuidmap_prefetch(const uuidmap_t *m, const uuid_t *key);

#endif
