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
    size_t cap = m->cap ? m->cap * 2 : 64;
    uuid_t *keys = xmalloc(cap * sizeof *keys);
    size_t *vals = xmalloc(cap * sizeof *vals);
    bool *used = xcalloc(cap, sizeof *used);
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->used[i])
            continue;
        size_t j = (size_t)uuid_hash(&m->keys[i]) & (cap - 1);
        while (used[j])
            j = (j + 1) & (cap - 1);
        used[j] = true;
        keys[j] = m->keys[i];
        vals[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    free(m->used);
    m->keys = keys;
    m->vals = vals;
    m->used = used;
    m->cap = cap;
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
