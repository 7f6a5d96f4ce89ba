#include "uuidmap.h"

#include <stdlib.h>

#include "util.h"

void uuidmap_init(uuidmap_t *m)
{
    m->cap = 64;
    m->count = 0;
    m->keys = xmalloc(m->cap * sizeof *m->keys);
    m->vals = xmalloc(m->cap * sizeof *m->vals);
    m->used = xcalloc(m->cap, sizeof *m->used);
}

void uuidmap_free(uuidmap_t *m)
{
    free(m->keys);
    free(m->vals);
    free(m->used);
    m->keys = NULL;
    m->vals = NULL;
    m->used = NULL;
    m->cap = m->count = 0;
}

static size_t slot_of(const uuidmap_t *m, const uuid_t *key)
{
    size_t i = (size_t)uuid_hash(key) & (m->cap - 1);
    while (m->used[i] && !uuid_eq(&m->keys[i], key))
        i = (i + 1) & (m->cap - 1);
    return i;
}

static void grow(uuidmap_t *m)
{
    uuidmap_t big = {0};
    big.cap = m->cap * 2;
    big.keys = xmalloc(big.cap * sizeof *big.keys);
    big.vals = xmalloc(big.cap * sizeof *big.vals);
    big.used = xcalloc(big.cap, sizeof *big.used);
    for (size_t i = 0; i < m->cap; i++)
        if (m->used[i]) {
            size_t j = slot_of(&big, &m->keys[i]);
            big.used[j] = true;
            big.keys[j] = m->keys[i];
            big.vals[j] = m->vals[i];
        }
    big.count = m->count;
    uuidmap_free(m);
    *m = big;
}

bool uuidmap_put(uuidmap_t *m, const uuid_t *key, size_t val, size_t *existing)
{
    if ((m->count + 1) * 2 > m->cap)
        grow(m);
    size_t i = slot_of(m, key);
    if (m->used[i]) {
        if (existing)
            *existing = m->vals[i];
        return false;
    }
    m->used[i] = true;
    m->keys[i] = *key;
    m->vals[i] = val;
    m->count++;
    return true;
}

bool uuidmap_get(const uuidmap_t *m, const uuid_t *key, size_t *val)
{
    size_t i = slot_of(m, key);
    if (!m->used[i])
        return false;
    *val = m->vals[i];
    return true;
}
