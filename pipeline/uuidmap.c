#include "uuidmap.h"

#include <stdint.h>
#include <stdlib.h>

#include "errors.h"
#include "util.h"

void uuidmap_init(uuidmap_t *m)
{
    m->cap = 64;
    m->count = 0;
    m->slots = xcalloc(m->cap, sizeof *m->slots);
}

void uuidmap_free(uuidmap_t *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->count = 0;
}

/* The slot holding key, or the free slot where it would go. */
static uuidmap_slot_t *slot_of(uuidmap_slot_t *slots, size_t cap, const uuid_t *key)
{
    size_t i = (size_t)uuid_hash(key) & (cap - 1);
    while (slots[i].val_plus_one && !uuid_eq(&slots[i].key, key))
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static void grow(uuidmap_t *m)
{
    size_t cap = m->cap * 2;
    uuidmap_slot_t *slots = xcalloc(cap, sizeof *slots);
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].val_plus_one)
            *slot_of(slots, cap, &m->slots[i].key) = m->slots[i];
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
}

bool uuidmap_put(uuidmap_t *m, const uuid_t *key, size_t val, size_t *existing)
{
    if (val > UUIDMAP_MAX_VALUE)
        runtime_error("more than %zu ids to index: out of memory first", UUIDMAP_MAX_VALUE);
    if ((m->count + 1) * 4 > m->cap * 3)
        grow(m);
    uuidmap_slot_t *s = slot_of(m->slots, m->cap, key);
    if (s->val_plus_one) {
        if (existing)
            *existing = s->val_plus_one - 1;
        return false;
    }
    s->key = *key;
    s->val_plus_one = (uint32_t)(val + 1);
    m->count++;
    return true;
}

bool uuidmap_get(const uuidmap_t *m, const uuid_t *key, size_t *val)
{
    const uuidmap_slot_t *s = slot_of(m->slots, m->cap, key);
    if (!s->val_plus_one)
        return false;
    *val = s->val_plus_one - 1;
    return true;
}

void uuidmap_prefetch(const uuidmap_t *m, const uuid_t *key)
{
    __builtin_prefetch(&m->slots[(size_t)uuid_hash(key) & (m->cap - 1)]);
}
