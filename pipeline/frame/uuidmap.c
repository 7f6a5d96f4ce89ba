#include "uuidmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "util.h"

void uuidmap_init(uuidmap_t *m)
{
    *m = (uuidmap_t){0};
    uuidmap_clear(m, 0);
}

void uuidmap_free(uuidmap_t *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->count = 0;
}

void uuidmap_clear(uuidmap_t *m, size_t n)
{
    size_t cap = n + n / 3 + 1;   /* n keys are then at most 3/4 of it */
    if (cap < 64)
        cap = 64;
    if (m->cap < cap) {
        free(m->slots);
        m->slots = xcalloc(cap, sizeof *m->slots);
        m->cap = cap;
    } else {
        memset(m->slots, 0, m->cap * sizeof *m->slots);
    }
    m->count = 0;
}

/* Where key's probe starts: the hash's low 32 bits scaled to cap, which
** need not be a power of two (cap <= 2^32: see grow()). Not the high
** bits: the repeated-id check (stages/unique.c) groups ids by those, and
** indexes a group at a time, so within a group they would all be alike. */
static size_t home_of(const uuid_t *key, size_t cap)
{
    return (size_t)(((uuid_hash(key) & UINT32_MAX) * (uint64_t)cap) >> 32);
}

/* The slot holding key, or the free slot where it would go. */
static uuidmap_slot_t *slot_of(uuidmap_slot_t *slots, size_t cap, const uuid_t *key)
{
    size_t i = home_of(key, cap);
    while (slots[i].val_plus_one && !uuid_eq(&slots[i].key, key))
        i = i + 1 == cap ? 0 : i + 1;
    return &slots[i];
}

/* By half again, not double: after a doubling the index would be as
** little as 3/8 full, and with tens of thousands of projects and phases
** that unused half is megabytes of the memory budget. */
static void grow(uuidmap_t *m)
{
    size_t cap = m->cap + m->cap / 2;
    if (cap > (size_t)1 << 32)
        runtime_error("more than %zu ids to index: out of memory first", UUIDMAP_MAX_VALUE);
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
    __builtin_prefetch(&m->slots[home_of(key, m->cap)]);
}
