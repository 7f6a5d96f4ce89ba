/*
** read_gzip: a byte source that inflates a gzip stream read from another
** byte source. Multi-member streams (cat a.gz b.gz) are read whole, as
** gzip -d does; a truncated member or bytes after the last member that are
** not a gzip member are errors, never silently dropped data.
*/
#include <string.h>
#include <zlib.h>

#include "stages.h"

#define GZ_IN_SIZE ((size_t)256 * 1024)

typedef struct {
    bytesrc_t base;
    bytesrc_t *inner;
    z_stream zs;
    unsigned char *in;
    bool inner_eof;
    bool member_done;   /* the last member ended exactly at the last byte */
    bool failed;
} gzip_src_t;

static ssize_t gzip_fail(gzip_src_t *g, const char *what)
{
    g->failed = true;
    snprintf(g->base.err, sizeof g->base.err, "%s", what);
    return -1;
}

static ssize_t gzip_read(bytesrc_t *self, void *buf, size_t n)
{
    gzip_src_t *g = (gzip_src_t *)self;
    if (g->failed)
        return -1;
    g->zs.next_out = buf;
    g->zs.avail_out = (uInt)(n > (1u << 30) ? (1u << 30) : n);
    while (g->zs.avail_out > 0) {
        if (g->zs.avail_in == 0 && !g->inner_eof) {
            ssize_t got = g->inner->read(g->inner, g->in, GZ_IN_SIZE);
            if (got < 0) {
                snprintf(g->base.err, sizeof g->base.err, "%s", g->inner->err);
                g->failed = true;
                return -1;
            }
            if (got == 0)
                g->inner_eof = true;
            g->zs.next_in = g->in;
            g->zs.avail_in = (uInt)got;
        }
        if (g->zs.avail_in == 0 && g->inner_eof) {
            if (!g->member_done)
                return gzip_fail(g, "corrupt gzip stream: unexpected end of file (truncated)");
            break;
        }
        if (g->member_done) {
            /* another member follows */
            if (inflateReset(&g->zs) != Z_OK)
                return gzip_fail(g, "corrupt gzip stream");
            g->member_done = false;
        }
        int rc = inflate(&g->zs, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) {
            g->member_done = true;
        } else if (rc == Z_BUF_ERROR) {
            continue;   /* needs more input; loop refills or detects EOF */
        } else if (rc != Z_OK) {
            char msg[200];
            snprintf(msg, sizeof msg, "corrupt gzip stream: %s",
                     g->zs.msg ? g->zs.msg : "data error");
            return gzip_fail(g, msg);
        }
    }
    return (ssize_t)((unsigned char *)g->zs.next_out - (unsigned char *)buf);
}

static void gzip_free(bytesrc_t *self)
{
    gzip_src_t *g = (gzip_src_t *)self;
    inflateEnd(&g->zs);
    bytesrc_free(g->inner);
    free(g->in);
    free(g);
}

bytesrc_t *gzip_bytesrc_new(bytesrc_t *inner)
{
    gzip_src_t *g = xcalloc(1, sizeof *g);
    g->base.path = inner->path;
    g->base.read = gzip_read;
    g->base.free = gzip_free;
    g->inner = inner;
    g->in = xmalloc(GZ_IN_SIZE);
    /* 15 + 16: gzip wrapper only */
    if (inflateInit2(&g->zs, 15 + 16) != Z_OK)
        runtime_error("%s: cannot start zlib", inner->path);
    return &g->base;
}
