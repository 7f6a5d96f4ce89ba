/*
** In-memory bytes for the unit tests and the fuzz targets.
**
** mem_src_new(): a bytesrc_t. It hands
** out `data` at most `chunk` bytes per read (0: as much as asked), so that a
** test chooses where the reads split the input, and fails with "injected
** read error" once `fail_at` bytes are out (0: never). The caller keeps `data`
** alive until the source is freed; the source is freed by its `free`.
*/
#ifndef PHASEMIG_TESTS_MEMSRC_H
#define PHASEMIG_TESTS_MEMSRC_H

#include <stdio.h>
#include <string.h>

#include "../pipeline/frame/stage.h"
#include "../pipeline/frame/util.h"

typedef struct {
    bytesrc_t base;
    const unsigned char *data;
    size_t len, pos, chunk, fail_at;
} mem_src_t;

static ssize_t mem_read(bytesrc_t *self, void *buf, size_t n)
{
    mem_src_t *m = (mem_src_t *)self;
    if (m->fail_at && m->pos >= m->fail_at) {
        snprintf(m->base.err, sizeof m->base.err, "injected read error");
        return -1;
    }
    size_t k = (m->fail_at ? m->fail_at : m->len) - m->pos;
    if (k > n)
        k = n;
    if (m->chunk > 0 && k > m->chunk)
        k = m->chunk;
    memcpy(buf, m->data + m->pos, k);
    m->pos += k;
    return (ssize_t)k;
}

static void mem_free(bytesrc_t *self)
{
    free(self);
}

/* A source of the `len` bytes at `data`, named `path` in messages. */
static bytesrc_t *mem_src_new(const void *data, size_t len, size_t chunk, const char *path)
{
    mem_src_t *m = xcalloc(1, sizeof *m);
    m->base.path = path;
    m->base.read = mem_read;
    m->base.free = mem_free;
    m->data = data;
    m->len = len;
    m->chunk = chunk;
    return &m->base;
}

/* An in-memory byte sink that keeps what it is given in `got` (the
** caller frees it) and counts its closes; it lives where the caller puts
** it, so its free does nothing. */
typedef struct {
    bytesink_t base;
    buf_t got;
    int closes;
} mem_sink_t;

static inline void mem_sink_write(bytesink_t *self, const void *p, size_t n)
{
    buf_add(&((mem_sink_t *)self)->got, p, n);
}

static inline void mem_sink_close(bytesink_t *self)
{
    ((mem_sink_t *)self)->closes++;
}

static inline void mem_sink_free(bytesink_t *self)
{
    (void)self;
}

static inline void mem_sink_init(mem_sink_t *m)
{
    memset(m, 0, sizeof *m);
    m->base.path = "mem";
    m->base.write = mem_sink_write;
    m->base.close = mem_sink_close;
    m->base.free = mem_sink_free;
    buf_init(&m->got);
}

#endif
