/*
** write_gzip: a byte sink that deflates into gzip format on another byte
** sink. The header carries no name and no time, so the same input gives
** the same bytes. Level 1: the data is repetitive enough that higher
** levels buy little size for much time (docs/formats.md).
*/
#include <zlib.h>

#include "stages.h"

#define GZ_OUT_SIZE ((size_t)256 * 1024)
#define GZ_LEVEL 1

typedef struct {
    bytesink_t base;
    bytesink_t *inner;
    z_stream zs;
    unsigned char *out;
} gzip_sink_t;

static void deflate_some(gzip_sink_t *g, int flush)
{
    int rc;
    do {
        g->zs.next_out = g->out;
        g->zs.avail_out = GZ_OUT_SIZE;
        rc = deflate(&g->zs, flush);
        if (rc == Z_STREAM_ERROR)
            runtime_error("%s: compression failed", g->base.path);
        size_t have = GZ_OUT_SIZE - g->zs.avail_out;
        if (have)
            g->inner->write(g->inner, g->out, have);
    } while (g->zs.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
}

static void gzip_write(bytesink_t *self, const void *p, size_t n)
{
    gzip_sink_t *g = (gzip_sink_t *)self;
    const unsigned char *bytes = p;
    while (n > 0) {
        uInt step = n > (1u << 30) ? (1u << 30) : (uInt)n;
        g->zs.next_in = (unsigned char *)bytes;
        g->zs.avail_in = step;
        deflate_some(g, Z_NO_FLUSH);
        bytes += step;
        n -= step;
    }
}

static void gzip_close(bytesink_t *self)
{
    gzip_sink_t *g = (gzip_sink_t *)self;
    g->zs.next_in = NULL;
    g->zs.avail_in = 0;
    deflate_some(g, Z_FINISH);
    g->inner->close(g->inner);
}

static void gzip_free(bytesink_t *self)
{
    gzip_sink_t *g = (gzip_sink_t *)self;
    deflateEnd(&g->zs);
    bytesink_free(g->inner);
    free(g->out);
    free(g);
}

bytesink_t *gzip_bytesink_new(bytesink_t *inner)
{
    gzip_sink_t *g = xcalloc(1, sizeof *g);
    g->base.path = inner->path;
    g->base.write = gzip_write;
    g->base.close = gzip_close;
    g->base.free = gzip_free;
    g->inner = inner;
    g->out = xmalloc(GZ_OUT_SIZE);
    if (deflateInit2(&g->zs, GZ_LEVEL, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        runtime_error("%s: cannot start zlib", inner->path);
    return &g->base;
}
