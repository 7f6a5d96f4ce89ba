/*
** uuidmap.h: an index from UUID to a number (open addressing, linear
** probing). The small tables (projects, phases) are held in memory and
** found through it.
*/
#ifndef PHASEMIG_UUIDMAP_H
#define PHASEMIG_UUIDMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "values.h"

typedef struct uuidmap {
    uuid_t *keys;
    size_t *vals;
    bool *used;
    size_t cap, count;
} uuidmap_t;

void uuidmap_init(uuidmap_t *m);
void uuidmap_free(uuidmap_t *m);
/* Inserts key -> val unless key is there; returns true if inserted, false
** (and the existing value in *existing, if not NULL) if it was there. */
bool uuidmap_put(uuidmap_t *m, const uuid_t *key, size_t val, size_t *existing);
bool uuidmap_get(const uuidmap_t *m, const uuid_t *key, size_t *val);

#endif
