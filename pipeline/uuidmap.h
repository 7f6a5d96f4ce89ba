/*
** uuidmap.h: an index from UUID to a number (open addressing, linear
** probing). The plan finds projects and phases through it; verify and
** reconcile keep their own.
*/
#ifndef PHASEMIG_UUIDMAP_H
#define PHASEMIG_UUIDMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "values.h"

/* Key and value side by side, so that a lookup usually costs one cache
** line: with tens of thousands of projects the index does not fit in the
** cache, and every assignment looks its project up. */
typedef struct uuidmap_slot {
    uuid_t key;
    size_t val_plus_one;        /* 0: the slot is free */
} uuidmap_slot_t;

typedef struct uuidmap {
    uuidmap_slot_t *slots;
    size_t cap, count;
} uuidmap_t;

void uuidmap_init(uuidmap_t *m);
void uuidmap_free(uuidmap_t *m);
/* Inserts key -> val (val < SIZE_MAX) unless key is there; returns true if inserted, false
** (and the existing value in *existing, if not NULL) if it was there. */
bool uuidmap_put(uuidmap_t *m, const uuid_t *key, size_t val, size_t *existing);
bool uuidmap_get(const uuidmap_t *m, const uuid_t *key, size_t *val);

#endif
