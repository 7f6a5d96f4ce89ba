/*
** read_pgdump: the rows of one table of a pg_dump archive
** (docs/formats.md "pg_dump archives").
**
** Where the table's COPY text is:
**  - custom: in data blocks after the TOC: a block type byte (1 data, 3
**    large objects), the dump id, then chunks, each a length (an integer)
**    and that many bytes, up to a length 0. Compressed, the chunks are one
**    zlib stream. When the TOC gives no offset (pg_dump wrote to a pipe),
**    the blocks are walked from the end of the TOC, others skipped by
**    their chunk lengths, never inflated.
**  - directory: DIR/NNNN.dat, or NNNN.dat.gz (gzip).
**  - tar: the member NNNN.dat.
**  - plain: the script's `COPY schema.table (...) FROM stdin;` and the
**    lines after it, up to `\.`.
**
** The COPY text itself is decoded by read_pgdump_copy.c.
*/
#include <errno.h>
#include <string.h>
#include <zlib.h>

#include "../pipeline/frame/progress.h"
#include "pgdump.h"
#include "stages.h"

#define BLOCK_DATA 1
#define BLOCK_BLOBS 3
#define READ_CHUNK ((size_t)256 * 1024)

/* ---- custom format: a table's data blocks ---- */

typedef struct {
    bytesrc_t base;
    FILE *f;
    int int_size;
    int64_t chunk_left;     /* bytes of the current chunk not yet read */
    bool chunks_done;       /* the length-0 chunk was read */
    bool gzip;
    z_stream zs;
    bool zs_live, stream_end;
    unsigned char *in;
    char *table;
} blocks_src_t;

/* Fails the read with a message (fmt has one %s: `detail`): -1. */
static ssize_t blocks_fail(blocks_src_t *b, const char *fmt, const char *detail)
{
    snprintf(b->base.err, sizeof b->base.err, fmt, detail);
    return -1;
}

/* Up to n bytes of the chunks (compressed or not): 0 after the last
** chunk, -1 when the file ends inside one. */
static ssize_t read_chunks(blocks_src_t *b, void *buf, size_t n)
{
    while (b->chunk_left == 0) {
        if (b->chunks_done)
            return 0;
        int64_t len;
        if (!pgdump_read_int(b->f, b->int_size, &len) || len < 0)
            return blocks_fail(b, "truncated archive: the data of %s ends early", b->table);
        if (len == 0)
            b->chunks_done = true;
        b->chunk_left = len;
    }
    size_t want = n < (uint64_t)b->chunk_left ? n : (size_t)b->chunk_left;
    size_t got = fread(buf, 1, want, b->f);
    if (got == 0)
        return blocks_fail(b, "truncated archive: the data of %s ends early", b->table);
    b->chunk_left -= (int64_t)got;
    progress_bytes(got);
    return (ssize_t)got;
}

/* bytesrc read: the table's COPY text, inflated when the archive is
** compressed (one zlib stream over all the chunks). */
static ssize_t blocks_read(bytesrc_t *self, void *buf, size_t n)
{
    blocks_src_t *b = (blocks_src_t *)self;
    if (!b->gzip)
        return read_chunks(b, buf, n);
    if (b->stream_end || n == 0)
        return 0;
    b->zs.next_out = buf;
    b->zs.avail_out = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
    while (b->zs.avail_out == (uInt)(n > UINT32_MAX ? UINT32_MAX : n)) {
        if (b->zs.avail_in == 0) {
            /* many chunks at once: pg_dump's are 4 KiB, and zlib inflates
            ** slowly near the ends of its input */
            size_t have = 0;
            while (have < READ_CHUNK) {
                ssize_t got = read_chunks(b, b->in + have, READ_CHUNK - have);
                if (got < 0)
                    return -1;
                if (got == 0)
                    break;
                have += (size_t)got;
            }
            if (have == 0)
                return blocks_fail(b, "truncated archive: the compressed data of %s ends early",
                                   b->table);
            b->zs.next_in = b->in;
            b->zs.avail_in = (uInt)have;
        }
        int rc = inflate(&b->zs, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) {
            b->stream_end = true;
            break;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR)
            return blocks_fail(b, "corrupt compressed data: %s",
                               b->zs.msg ? b->zs.msg : "inflate failed");
    }
    return (ssize_t)((size_t)((unsigned char *)b->zs.next_out - (unsigned char *)buf));
}

/* bytesrc free: the file, the inflater, the buffers. */
static void blocks_free(bytesrc_t *self)
{
    blocks_src_t *b = (blocks_src_t *)self;
    if (b->zs_live)
        inflateEnd(&b->zs);
    if (b->f)
        fclose(b->f);
    free(b->in);
    free(b->table);
    free(b);
}

/* Skips the chunks of a data block; false if the file ends inside. */
static bool skip_chunks(FILE *f, int int_size)
{
    for (;;) {
        int64_t len;
        if (!pgdump_read_int(f, int_size, &len) || len < 0)
            return false;
        if (len == 0)
            return true;
        if (fseeko(f, (off_t)len, SEEK_CUR) != 0)
            return false;
    }
}

/* Positions `f` at the chunks of entry `e`'s data block; false with a
** problem (`shown`: the table's display name). */
static bool find_block(const pgdump_t *a, const pgdump_entry_t *e, FILE *f, const char *shown,
                       problems_t *problems)
{
    if (e->offset_state == PGDUMP_OFFSET_NO_DATA) {
        problem_fatal(problems, shown, "the archive holds no data for it");
        return false;
    }
    bool walk = e->offset_state != PGDUMP_OFFSET_SET;
    if (fseeko(f, (off_t)(walk ? a->data_start : e->offset), SEEK_SET) != 0) {
        problem_fatal(problems, shown, "truncated archive: its data is past the end");
        return false;
    }
    for (;;) {
        int type = getc(f);
        int64_t id;
        if (type == EOF || !pgdump_read_int(f, a->int_size, &id)) {
            problem_fatal(problems, shown,
                          walk ? "truncated archive: it ends before the data of this table"
                               : "truncated archive: its data is past the end");
            return false;
        }
        if (type == BLOCK_DATA && id == e->dump_id)
            return true;
        if (!walk || (type != BLOCK_DATA && type != BLOCK_BLOBS)) {
            problem_fatal(problems, shown,
                          "corrupt archive: a data block of type %d for entry %lld where the "
                          "table of contents says its data is",
                          type, (long long)id);
            return false;
        }
        bool skipped = true;
        if (type == BLOCK_DATA) {
            skipped = skip_chunks(f, a->int_size);
        } else {
            /* large objects: an oid, its chunks; up to an oid 0 */
            int64_t oid;
            while ((skipped = pgdump_read_int(f, a->int_size, &oid)) && oid != 0)
                if (!(skipped = skip_chunks(f, a->int_size)))
                    break;
        }
        if (!skipped) {
            problem_fatal(problems, shown,
                          "truncated archive: it ends before the data of this table");
            return false;
        }
    }
}

/* The COPY text of a custom archive's entry `e`: its data block found
** (by its offset, or walked to), read from its own FILE; NULL with a
** problem. */
static bytesrc_t *blocks_src_open(const pgdump_t *a, const pgdump_entry_t *e, const char *shown,
                                  problems_t *problems)
{
    FILE *f = fopen(a->path, "rb");
    if (!f) {
        problem_fatal(problems, a->path, "cannot open: %s", strerror(errno));
        return NULL;
    }
    if (!find_block(a, e, f, shown, problems)) {
        fclose(f);
        return NULL;
    }
    blocks_src_t *b = xcalloc(1, sizeof *b);
    b->base.path = a->path;
    b->base.read = blocks_read;
    b->base.free = blocks_free;
    b->f = f;
    b->int_size = a->int_size;
    b->gzip = a->gzip;
    b->table = xstrdup(e->table);
    if (b->gzip) {
        b->in = xmalloc(READ_CHUNK);
        if (inflateInit(&b->zs) != Z_OK)
            runtime_error("out of memory (zlib)");
        b->zs_live = true;
    }
    return &b->base;
}

/* ---- tar: a member's bytes ---- */

typedef struct {
    bytesrc_t base;
    FILE *f;
    uint64_t left;
} region_src_t;

/* bytesrc read: up to the member's end, no further. */
static ssize_t region_read(bytesrc_t *self, void *buf, size_t n)
{
    region_src_t *r = (region_src_t *)self;
    size_t want = n < r->left ? n : (size_t)r->left;
    if (want == 0)
        return 0;
    size_t got = fread(buf, 1, want, r->f);
    if (got == 0) {
        snprintf(r->base.err, sizeof r->base.err, "truncated archive: a tar member ends early");
        return -1;
    }
    r->left -= got;
    progress_bytes(got);
    return (ssize_t)got;
}

/* bytesrc free. */
static void region_free(bytesrc_t *self)
{
    region_src_t *r = (region_src_t *)self;
    fclose(r->f);
    free(r);
}

/* The `size` bytes at `offset` of the file at `path` (a tar member); NULL
** with a problem. */
static bytesrc_t *region_src_open(const char *path, uint64_t offset, uint64_t size,
                                  problems_t *problems)
{
    FILE *f = fopen(path, "rb");
    if (!f || fseeko(f, (off_t)offset, SEEK_SET) != 0) {
        problem_fatal(problems, path, "cannot open: %s", strerror(errno));
        if (f)
            fclose(f);
        return NULL;
    }
    region_src_t *r = xcalloc(1, sizeof *r);
    r->base.path = path;
    r->base.read = region_read;
    r->base.free = region_free;
    r->f = f;
    r->left = size;
    return &r->base;
}

/* ---- COPY statements ---- */

/* Reads an identifier at s[*i] (bare, or double-quoted with "" for a
** quote) into `out`; false if there is none. */
static bool parse_ident(const char *s, size_t len, size_t *i, buf_t *out)
{
    buf_clear(out);
    size_t p = *i;
    if (p < len && s[p] == '"') {
        for (p++;; p++) {
            if (p >= len)
                return false;
            if (s[p] == '"') {
                if (p + 1 < len && s[p + 1] == '"') {
                    buf_addc(out, '"');
                    p++;
                    continue;
                }
                p++;
                break;
            }
            buf_addc(out, s[p]);
        }
    } else {
        while (p < len && s[p] != '.' && s[p] != ' ' && s[p] != ',' && s[p] != '(' &&
               s[p] != ')' && s[p] != '"' && s[p] != '\n' && s[p] != ';')
            buf_addc(out, s[p++]);
        if (p == *i)
            return false;
    }
    buf_str(out);
    *i = p;
    return true;
}

/* Whether s[*i..] starts with `word`; moves past it if so. */
static bool skip_word(const char *s, size_t len, size_t *i, const char *word)
{
    size_t n = strlen(word);
    if (len - *i < n || memcmp(s + *i, word, n) != 0)
        return false;
    *i += n;
    return true;
}

bool copy_stmt_parse(const char *s, size_t len, char **schema, char **table, table_t *cols)
{
    size_t i = 0;
    buf_t a, b;
    buf_init(&a);
    buf_init(&b);
    bool ok = skip_word(s, len, &i, "COPY ") && parse_ident(s, len, &i, &a);
    bool qualified = ok && i < len && s[i] == '.';
    if (qualified) {
        i++;
        ok = parse_ident(s, len, &i, &b);
    }
    ok = ok && skip_word(s, len, &i, " (");
    size_t ncols = 0;
    buf_t col;
    buf_init(&col);
    while (ok) {
        ok = parse_ident(s, len, &i, &col);
        if (ok && cols)
            table_add_col(cols, col.data, col.len);
        ncols++;
        if (ok && skip_word(s, len, &i, ")"))
            break;
        ok = ok && skip_word(s, len, &i, ", ");
    }
    buf_free(&col);
    ok = ok && skip_word(s, len, &i, " FROM stdin;");
    while (ok && i < len && (s[i] == '\n' || s[i] == '\r'))
        i++;
    ok = ok && i == len && ncols > 0;
    if (ok) {
        *schema = xstrdup(qualified ? buf_str(&a) : "");
        *table = xstrdup(qualified ? buf_str(&b) : buf_str(&a));
    }
    buf_free(&a);
    buf_free(&b);
    return ok;
}

/* ---- a table of an archive ---- */

/* The bytes of `table`'s COPY data and its header; NULL with a problem. */
static bytesrc_t *table_bytes(pgdump_t *a, const char *table, const char *shown,
                              table_t *header, problems_t *problems)
{
    if (a->kind == PGDUMP_PLAIN) {
        bytesrc_t *b = bytesrc_file_open(a->path);
        if (!b) {
            problem_fatal(problems, a->path, "cannot open: %s", strerror(errno));
            return NULL;
        }
        return a->gzip ? gzip_bytesrc_new(b) : b;
    }
    const pgdump_entry_t *e = pgdump_entry(a, table);
    if (!e) {
        problem_fatal(problems, a->path, "no table %s.%s in the archive (no TABLE DATA entry)",
                      a->schema, table);
        return NULL;
    }
    char *sch = NULL, *tab = NULL;
    if (!e->copy_stmt || !copy_stmt_parse(e->copy_stmt, strlen(e->copy_stmt), &sch, &tab,
                                          header)) {
        problem_fatal(problems, shown,
                      e->copy_stmt && strncmp(e->copy_stmt, "COPY ", 5) != 0 && !*e->copy_stmt
                          ? "its data is INSERT statements (pg_dump --inserts), which phasemig "
                            "does not read; dump without --inserts"
                          : "no COPY statement in its table of contents entry");
        return NULL;
    }
    free(sch);
    free(tab);
    if (a->kind == PGDUMP_CUSTOM)
        return blocks_src_open(a, e, shown, problems);
    if (!e->filename) {
        problem_fatal(problems, shown, "no data file named in its table of contents entry");
        return NULL;
    }
    if (a->kind == PGDUMP_TAR) {
        const pgdump_member_t *m = pgdump_member(a, e->filename);
        if (!m) {
            problem_fatal(problems, a->path,
                          "the table of contents names %s for %s.%s, and the tar file has no "
                          "such member",
                          e->filename, a->schema, table);
            return NULL;
        }
        return region_src_open(a->path, m->offset, m->size, problems);
    }
    buf_t path;
    buf_init(&path);
    buf_printf(&path, "%s/%s", a->path, e->filename);
    bytesrc_t *b = bytesrc_file_open(buf_str(&path));
    if (!b && errno == ENOENT) {
        buf_adds(&path, ".gz");
        b = bytesrc_file_open(buf_str(&path));
    }
    if (!b) {
        if (errno == ENOENT)
            problem_fatal(problems, a->path,
                          "the table of contents names %s for %s.%s, and it is missing",
                          e->filename, a->schema, table);
        else
            problem_fatal(problems, buf_str(&path), "cannot open: %s", strerror(errno));
    } else if (bytesrc_file_is_gzip(b)) {
        b = gzip_bytesrc_new(b);
    }
    buf_free(&path);
    return b;
}

source_t *pgdump_table(pgdump_t *a, const char *table, problems_t *problems)
{
    buf_t shown;
    buf_init(&shown);
    buf_printf(&shown, "%s[%s]", a->path, table);
    table_t *header = table_new(table, buf_str(&shown));
    bytesrc_t *bytes = table_bytes(a, table, buf_str(&shown), header, problems);
    source_t *src = NULL;
    if (!bytes) {
        table_free(header);
    } else {
        progress_reading(buf_str(&shown));
        src = copy_source_open(bytes, header,
                               a->kind == PGDUMP_PLAIN ? a->schema : NULL,
                               a->kind == PGDUMP_PLAIN ? table : NULL, problems);
    }
    buf_free(&shown);
    return src;
}
