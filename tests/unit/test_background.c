/*
** The background byte sink (pipeline/background.c) and the gzip writer
** (stages/write_gzip.c): bytes out are the bytes in, whatever the sizes
** of the writes.
*/
#include "unit.h"

#include <string.h>
#include <zlib.h>

#include "../../pipeline/frame/background.h"
#include "../../stages/stages.h"
#include "../memsrc.h"

/* 3.5 MiB of bytes that do not repeat with any block size. */
#define DATA_LEN ((size_t)7 << 19)
static unsigned char *make_data(void)
{
    unsigned char *d = xmalloc(DATA_LEN);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < DATA_LEN; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        d[i] = (unsigned char)(i % 3 ? x : 'a' + i % 26);   /* some of it compressible */
    }
    return d;
}

static const size_t SIZES[] = {1,           7,           4096, BG_BLOCK, BG_BLOCK + 1,
                               (size_t)1 << 20, ((size_t)1 << 20) + 1, DATA_LEN};
static const size_t BLOCKS[] = {4096, BG_BLOCK};

static void sink_keeps_every_byte_in_order(void **state)
{
    (void)state;
    unsigned char *data = make_data();
    for (size_t k = 0; k < ARRAY_LEN(SIZES) * ARRAY_LEN(BLOCKS); k++) {
        mem_sink_t m;
        mem_sink_init(&m);
        bytesink_t *b = background_bytesink_new(&m.base, BLOCKS[k / ARRAY_LEN(SIZES)]);
        size_t size = SIZES[k % ARRAY_LEN(SIZES)];
        for (size_t at = 0; at < DATA_LEN; at += size)
            b->write(b, data + at, DATA_LEN - at < size ? DATA_LEN - at : size);
        b->close(b);
        assert_int_equal(m.closes, 1);
        assert_int_equal(m.got.len, DATA_LEN);
        assert_memory_equal(m.got.data, data, DATA_LEN);
        bytesink_free(b);
        buf_free(&m.got);
    }
    free(data);
}

static void sink_freed_without_close_closes_nothing(void **state)
{
    (void)state;
    mem_sink_t m;
    mem_sink_init(&m);
    bytesink_t *b = background_bytesink_new(&m.base, BG_BLOCK);
    b->write(b, "abc", 3);
    bytesink_free(b);
    assert_int_equal(m.closes, 0);
    buf_free(&m.got);
}

/* Freed while blocks are on their way (a run that gives up): the thread
** stops; what it wrote is a prefix of what was given; nothing leaks. */
static void sink_freed_while_writing(void **state)
{
    (void)state;
    unsigned char *data = make_data();
    mem_sink_t m;
    mem_sink_init(&m);
    bytesink_t *b = background_bytesink_new(&m.base, BG_BLOCK);
    /* the last block not full: only a close would hand it over */
    size_t given = DATA_LEN - 100;
    b->write(b, data, given);
    bytesink_free(b);
    assert_int_equal(m.closes, 0);
    assert_true(m.got.len >= given - 2 * BG_BLOCK && m.got.len < given);
    assert_memory_equal(m.got.data, data, m.got.len);
    buf_free(&m.got);
    free(data);
}

/* data[0..len) through phasemig's gzip writer into m (initialised here). */
static void gzip_into(mem_sink_t *m, const unsigned char *data, size_t len)
{
    mem_sink_init(m);
    bytesink_t *g = gzip_bytesink_new(&m->base);
    g->write(g, data, len);
    g->close(g);
    bytesink_free(g);
    assert_int_equal(m->closes, 1);
}

static void gzip_round_trip(const unsigned char *data, size_t len)
{
    mem_sink_t m[2];
    for (int run = 0; run < 2; run++)
        gzip_into(&m[run], data, len);
    assert_int_equal(m[0].got.len, m[1].got.len);   /* same input, same bytes */
    assert_memory_equal(m[0].got.data, m[1].got.data, m[0].got.len);
    bytesrc_t *in = gzip_bytesrc_new(mem_src_new(m[0].got.data, m[0].got.len, 0, "mem"));
    unsigned char *back = xmalloc(len + 1);
    size_t got = 0;
    ssize_t n;
    while ((n = in->read(in, back + got, len + 1 - got)) > 0)
        got += (size_t)n;
    assert_int_equal(n, 0);
    assert_int_equal(got, len);
    assert_memory_equal(back, data, len);
    bytesrc_free(in);
    free(back);
    buf_free(&m[0].got);
    buf_free(&m[1].got);
}

static void gzip_members_read_back_whole(void **state)
{
    (void)state;
    unsigned char *data = make_data();
    gzip_round_trip(data, DATA_LEN);        /* four members, the last short */
    gzip_round_trip(data, (size_t)1 << 20); /* exactly one member */
    gzip_round_trip(data, 0);               /* nothing: one empty member */
    free(data);
}

/* The gzip members phasemig writes, then `tail` (len bytes), read back
** whole: the libdeflate inflater serves the members it can and zlib the
** rest, read `chunk` bytes at a time. Returns the bytes read in *got and
** the last read's result. */
static ssize_t read_members_then(const unsigned char *data, size_t len, const void *tail,
                                 size_t tail_len, size_t chunk, unsigned char *back, size_t *got)
{
    mem_sink_t m;
    gzip_into(&m, data, len);
    buf_add(&m.got, tail, tail_len);
    bytesrc_t *in = gzip_bytesrc_new(mem_src_new(m.got.data, m.got.len, chunk, "mem"));
    ssize_t n;
    *got = 0;
    while ((n = in->read(in, back + *got, 4096)) > 0)
        *got += (size_t)n;
    if (n < 0)
        snprintf((char *)back, sizeof in->err, "%s", in->err);
    bytesrc_free(in);
    buf_free(&m.got);
    return n;
}

/* One gzip member of `len` bytes as zlib writes it (gzip -c). */
static void zlib_member(const unsigned char *data, size_t len, buf_t *out)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    assert_int_equal(deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    buf_reserve(out, deflateBound(&zs, len));
    zs.next_in = (unsigned char *)data;
    zs.avail_in = (uInt)len;
    zs.next_out = (unsigned char *)out->data + out->len;
    zs.avail_out = (uInt)(out->cap - out->len);
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    out->len += zs.total_out;
    deflateEnd(&zs);
}

static void gzip_hands_over_to_zlib(void **state)
{
    (void)state;
    unsigned char *data = make_data();
    unsigned char *back = xmalloc(2 * DATA_LEN + 4096);
    size_t got, chunks[] = {0, 1000, 65536};
    for (size_t c = 0; c < ARRAY_LEN(chunks); c++) {
        /* a member larger than libdeflate's buffer: zlib reads it */
        buf_t big;
        buf_init(&big);
        zlib_member(data, DATA_LEN, &big);
        assert_int_equal(read_members_then(data, DATA_LEN, big.data, big.len, chunks[c], back, &got), 0);
        assert_int_equal(got, 2 * DATA_LEN);
        assert_memory_equal(back, data, DATA_LEN);
        assert_memory_equal(back + DATA_LEN, data, DATA_LEN);
        /* the same member cut short: zlib says so */
        assert_int_equal(read_members_then(data, DATA_LEN, big.data, big.len / 2, chunks[c], back, &got), -1);
        assert_string_equal((char *)back, "corrupt gzip stream: unexpected end of file (truncated)");
        buf_free(&big);
        /* bytes after the last member that are not one */
        assert_int_equal(read_members_then(data, DATA_LEN, "not gzip", 8, chunks[c], back, &got), -1);
        assert_string_equal((char *)back, "corrupt gzip stream: incorrect header check");
    }
    free(back);
    free(data);
}

/* A read error inside the last member: what came before it is inflated
** and handed out first, then the error, as zlib alone did (the input is
** not read ahead past what one member needs before inflating). */
static void gzip_read_error_after_what_came_before(void **state)
{
    (void)state;
    unsigned char *data = make_data();
    mem_sink_t m;
    gzip_into(&m, data, DATA_LEN);
    bytesrc_t *raw = mem_src_new(m.got.data, m.got.len, 0, "mem");
    ((mem_src_t *)raw)->fail_at = m.got.len - 10;
    bytesrc_t *in = gzip_bytesrc_new(raw);
    unsigned char *back = xmalloc(DATA_LEN + 4096);
    size_t got = 0;
    ssize_t n;
    while ((n = in->read(in, back + got, 4096)) > 0)
        got += (size_t)n;
    assert_int_equal(n, -1);
    assert_string_equal(in->err, "injected read error");
    assert_true(got >= DATA_LEN - (DATA_LEN % ((size_t)1 << 20)) && got <= DATA_LEN);
    assert_memory_equal(back, data, got);
    bytesrc_free(in);
    free(back);
    buf_free(&m.got);
    free(data);
}

/* A member whose header carries a CRC (FHCRC), corrupted: zlib checks it,
** so it is inflated by zlib, and the error is zlib's. */
static void gzip_header_crc_checked(void **state)
{
    (void)state;
    const char text[] = "id,name\n1,a\n";
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    assert_int_equal(deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    gz_header h;
    memset(&h, 0, sizeof h);
    h.hcrc = 1;
    assert_int_equal(deflateSetHeader(&zs, &h), Z_OK);
    unsigned char out[256];
    zs.next_in = (unsigned char *)text;
    zs.avail_in = sizeof text - 1;
    zs.next_out = out;
    zs.avail_out = sizeof out;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t len = zs.total_out;
    deflateEnd(&zs);
    assert_true(out[3] & 0x02);
    char back[64];
    for (int corrupt = 0; corrupt < 2; corrupt++) {
        out[10] ^= (unsigned char)corrupt;  /* the header CRC's first byte */
        bytesrc_t *in = gzip_bytesrc_new(mem_src_new(out, len, 0, "mem"));
        ssize_t n = in->read(in, back, sizeof back);
        if (corrupt) {
            assert_int_equal(n, -1);
            assert_string_equal(in->err, "corrupt gzip stream: header crc mismatch");
        } else {
            assert_int_equal(n, sizeof text - 1);
            assert_memory_equal(back, text, sizeof text - 1);
        }
        bytesrc_free(in);
    }
}

int run_background_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sink_keeps_every_byte_in_order),
        cmocka_unit_test(sink_freed_without_close_closes_nothing),
        cmocka_unit_test(sink_freed_while_writing),
        cmocka_unit_test(gzip_members_read_back_whole),
        cmocka_unit_test(gzip_hands_over_to_zlib),
        cmocka_unit_test(gzip_read_error_after_what_came_before),
        cmocka_unit_test(gzip_header_crc_checked),
    };
    return cmocka_run_group_tests_name("background sink and gzip", tests, NULL, NULL);
}
