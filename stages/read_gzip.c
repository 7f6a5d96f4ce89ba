/*
** read_gzip: a byte source that inflates a gzip stream read from another
** byte source. Multi-member streams (cat a.gz b.gz) are read whole, as
** gzip -d does; a truncated member or bytes after the last member that are
** not a gzip member are errors, never silently dropped data.
**
** Two inflaters, one after the other. libdeflate inflates a whole member
** held in memory, about three times as fast as zlib: it serves streams of
** members of at most GZ_MEMBER_OUT bytes, as phasemig writes them
** (stages/write_gzip.c). At the first member it cannot inflate so (a
** larger one, a truncated or corrupt one, anything after the last) zlib
** takes over from that member's first byte to the end, and so says what
** is wrong in the same words whichever inflater came first. libdeflate
** needs the whole member: from a pipe, input is read a member (up to
** GZ_MEMBER_IN bytes) ahead.
*/
#include <libdeflate.h>
#include <string.h>
#include <zlib.h>

#include "stages.h"

#define GZ_MEMBER_OUT ((size_t)1 << 20)
/* A member of GZ_MEMBER_OUT bytes that did not compress, with its header
** and trailer, fits in this; the input buffer holds two. */
#define GZ_MEMBER_IN (GZ_MEMBER_OUT + (size_t)64 * 1024)
#define GZ_IN_SIZE ((size_t)2 * GZ_MEMBER_IN)
/* zlib needs no whole member: once it has taken over and used up what
** the large buffer held, it reads through a small one. */
#define GZ_SLOW_IN_SIZE ((size_t)128 * 1024)
#define FHCRC 0x02          /* gzip header flag: the header has a CRC16 */

typedef struct {
    bytesrc_t base;
    bytesrc_t *inner;
    unsigned char *in;
    size_t in_cap;
    size_t in_at, in_len;   /* unread input: in[in_at, in_len) */
    bool inner_eof, inner_failed;
    /* libdeflate, while it serves */
    struct libdeflate_decompressor *fast;
    unsigned char *out;
    size_t out_at, out_len; /* inflated, not yet read: out[out_at, out_len) */
    /* zlib, once it has taken over */
    bool slow;
    z_stream zs;
    bool member_done;   /* the last member ended exactly at the last byte */
    bool failed;
} gzip_src_t;

static ssize_t gzip_fail(gzip_src_t *g, const char *what)
{
    g->failed = true;
    snprintf(g->base.err, sizeof g->base.err, "%s", what);
    return -1;
}

/* One read from the inner source into the room after the unread bytes
** (moved to the front first). False if the inner source failed: its
** error is kept in base.err and given again by every later call, so that
** zlib inflates what came before the failure first, as it always did. */
static bool fill(gzip_src_t *g)
{
    if (g->in_at > 0) {
        memmove(g->in, g->in + g->in_at, g->in_len - g->in_at);
        g->in_len -= g->in_at;
        g->in_at = 0;
    }
    if (g->inner_failed)
        return false;
    ssize_t got = g->inner->read(g->inner, g->in + g->in_len, g->in_cap - g->in_len);
    if (got < 0) {
        snprintf(g->base.err, sizeof g->base.err, "%s", g->inner->err);
        g->inner_failed = true;
        return false;
    }
    if (got == 0)
        g->inner_eof = true;
    g->in_len += (size_t)got;
    return true;
}

/* Inflates the next member with libdeflate into `out`. Returns 1 if it
** did, 0 at the clean end of the stream, -1 if zlib must take over. A
** member whose header has a CRC goes to zlib: libdeflate skips it
** unchecked. */
static int fast_member(gzip_src_t *g)
{
    while (g->in_len - g->in_at < GZ_MEMBER_IN && !g->inner_eof)
        if (!fill(g))
            return -1;
    if (g->in_at == g->in_len && g->member_done)
        return 0;
    const unsigned char *head = g->in + g->in_at;
    if (g->in_len - g->in_at < 4 || (head[3] & FHCRC))
        return -1;
    size_t used = 0, made = 0;
    if (libdeflate_gzip_decompress_ex(g->fast, head, g->in_len - g->in_at, g->out, GZ_MEMBER_OUT,
                                      &used, &made) != LIBDEFLATE_SUCCESS)
        return -1;
    g->in_at += used;
    g->out_at = 0;
    g->out_len = made;
    g->member_done = true;
    return 1;
}

static ssize_t slow_read(gzip_src_t *g, void *buf, size_t n)
{
    g->zs.next_out = buf;
    g->zs.avail_out = (uInt)(n > (1u << 30) ? (1u << 30) : n);
    while (g->zs.avail_out > 0) {
        if (g->zs.avail_in == 0 && !g->inner_eof) {
            g->in_at = g->in_len = 0;
            if (g->in_cap > GZ_SLOW_IN_SIZE) {
                free(g->in);
                g->in_cap = GZ_SLOW_IN_SIZE;
                g->in = xmalloc(g->in_cap);
            }
            if (!fill(g)) {
                g->failed = true;
                return -1;
            }
            g->zs.next_in = g->in;
            g->zs.avail_in = (uInt)g->in_len;
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

static ssize_t gzip_read(bytesrc_t *self, void *buf, size_t n)
{
    gzip_src_t *g = (gzip_src_t *)self;
    if (g->failed)
        return -1;
    while (!g->slow && g->out_at == g->out_len) {
        int got = fast_member(g);
        if (got == 0)
            return 0;
        if (got < 0) {
            /* zlib goes on from this member's first byte, into the
            ** caller's buffer: libdeflate's is no longer wanted */
            g->slow = true;
            free(g->out);
            g->out = NULL;
            g->zs.next_in = g->in + g->in_at;
            g->zs.avail_in = (uInt)(g->in_len - g->in_at);
        }
    }
    if (g->slow)
        return slow_read(g, buf, n);
    /* libdeflate's member has bytes left (the loop saw to it) */
    size_t k = g->out_len - g->out_at < n ? g->out_len - g->out_at : n;
    memcpy(buf, g->out + g->out_at, k);
    g->out_at += k;
    return (ssize_t)k;
}

static void gzip_free(bytesrc_t *self)
{
    gzip_src_t *g = (gzip_src_t *)self;
    inflateEnd(&g->zs);
    libdeflate_free_decompressor(g->fast);
    bytesrc_free(g->inner);
    free(g->in);
    free(g->out);
    free(g);
}

bytesrc_t *gzip_bytesrc_new(bytesrc_t *inner)
{
    gzip_src_t *g = xcalloc(1, sizeof *g);
    g->base.path = inner->path;
    g->base.read = gzip_read;
    g->base.free = gzip_free;
    g->inner = inner;
    g->in_cap = GZ_IN_SIZE;
    g->in = xmalloc(g->in_cap);
    g->out = xmalloc(GZ_MEMBER_OUT);
    g->fast = libdeflate_alloc_decompressor();
    if (!g->fast)
        runtime_error("%s: cannot start libdeflate", inner->path);
    /* 15 + 16: gzip wrapper only */
    if (inflateInit2(&g->zs, 15 + 16) != Z_OK)
        runtime_error("%s: cannot start zlib", inner->path);
    return &g->base;
}
