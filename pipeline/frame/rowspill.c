#include "rowspill.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "util.h"

/* One record: this head, the n field lengths (UINT32_MAX: NULL), the
** fields' bytes each followed by a NUL (row_load's layout), then the raw
** text. */
typedef struct {
    int64_t line;
    uint64_t n;
    uint64_t bytes_len;     /* 64 bits: a SQLite row may pass 4 GiB */
    uint64_t raw_len;       /* NO_RAW: no raw text */
} spill_head_t;

#define NO_RAW UINT64_MAX

struct rowspill {
    buf_t pending;          /* encoded records not yet in the file */
    FILE *file;             /* NULL while everything fits in `pending` */
    const char *dir;        /* the spill file's directory, for messages */
    bool reading;
    bool released;          /* pending and file let go (all read) */
    size_t read_at;         /* reading from `pending` (no file) */
    uint32_t *lens;
    size_t lens_cap;
    buf_t record;           /* reading: the current record's bytes */
};

rowspill_t *rowspill_new(void)
{
    rowspill_t *s = xcalloc(1, sizeof *s);
    buf_init(&s->pending);
    buf_init(&s->record);
    return s;
}

void rowspill_free(rowspill_t *s)
{
    if (!s)
        return;
    if (s->file)
        fclose(s->file);
    buf_free(&s->pending);
    buf_free(&s->record);
    free(s->lens);
    free(s);
}

/* Lets go of a buffer's memory, not just its contents. */
static void buf_release(buf_t *b)
{
    buf_free(b);
    buf_init(b);
}

static void flush_pending(rowspill_t *s)
{
    if (!s->file)
        s->file = spill_file_open(&s->dir);
    if (fwrite(s->pending.data, 1, s->pending.len, s->file) != s->pending.len)
        runtime_error("%s: cannot write a spill file: %s", s->dir, strerror(errno));
    /* from now on it holds one small batch, not ROWSPILL_MEMORY */
    if (s->pending.cap > (size_t)2 * ROWSPILL_FILE_BATCH)
        buf_release(&s->pending);
    else
        buf_clear(&s->pending);
}

void rowspill_add(rowspill_t *s, const row_t *r, bool with_raw)
{
    if (s->reading)
        runtime_error("internal error: a row added to a rowspill being read");
    spill_head_t h;
    memset(&h, 0, sizeof h);
    h.line = r->line;
    h.n = r->n;
    h.raw_len = with_raw && r->raw ? r->raw_len : NO_RAW;
    for (size_t i = 0; i < r->n; i++) {
        /* row_load's lengths are 32 bits, UINT32_MAX meaning NULL; no
        ** reader makes a field that long (CSV: 16 MiB, SQLite: 1 GB) */
        if (r->f[i].len >= UINT32_MAX)
            runtime_error("internal error: a field of 4 GiB held");
        h.bytes_len += r->f[i].len + 1;
    }
    buf_add(&s->pending, &h, sizeof h);
    for (size_t i = 0; i < r->n; i++) {
        uint32_t len = r->f[i].null ? UINT32_MAX : (uint32_t)r->f[i].len;
        buf_add(&s->pending, &len, sizeof len);
    }
    for (size_t i = 0; i < r->n; i++) {
        buf_add(&s->pending, r->f[i].data, r->f[i].len);
        buf_addc(&s->pending, '\0');
    }
    if (h.raw_len != NO_RAW)
        buf_add(&s->pending, r->raw, r->raw_len);
    if (s->pending.len >= (s->file ? ROWSPILL_FILE_BATCH : ROWSPILL_MEMORY))
        flush_pending(s);
}

/* Read once: the readers stop at the last row (they know how many), so
** what held the rows is let go as it is read, not at the call after. */
static void release(rowspill_t *s)
{
    buf_release(&s->pending);
    s->read_at = 0;
    if (s->file)
        fclose(s->file);
    s->file = NULL;
    s->released = true;
}

/* Whether every added row has been read. */
static bool at_end(rowspill_t *s)
{
    if (!s->file)
        return s->read_at == s->pending.len;
    int c = getc(s->file);
    if (c == EOF) {
        if (ferror(s->file))
            runtime_error("%s: cannot read a spill file: %s", s->dir, strerror(errno));
        return true;
    }
    ungetc(c, s->file);
    return false;
}

/* The next n bytes of the records into `to`; false at a clean end. */
static bool read_exactly(rowspill_t *s, void *to, size_t n)
{
    if (n == 0)
        return true;
    if (!s->file) {
        if (s->read_at + n > s->pending.len)
            return false;
        memcpy(to, s->pending.data + s->read_at, n);
        s->read_at += n;
        return true;
    }
    if (fread(to, 1, n, s->file) != n) {
        if (ferror(s->file))
            runtime_error("%s: cannot read a spill file: %s", s->dir, strerror(errno));
        return false;
    }
    return true;
}

bool rowspill_next(rowspill_t *s, row_t *out)
{
    if (!s->reading) {
        s->reading = true;
        if (s->file) {
            if (s->pending.len)
                flush_pending(s);
            if (fflush(s->file) != 0 || fseek(s->file, 0, SEEK_SET) != 0)
                runtime_error("%s: cannot read a spill file: %s", s->dir, strerror(errno));
        }
    }
    spill_head_t h;
    if (!read_exactly(s, &h, sizeof h)) {
        release(s);
        buf_release(&s->record);
        return false;
    }
    if (h.n > s->lens_cap) {
        s->lens_cap = h.n;
        s->lens = xrealloc(s->lens, s->lens_cap * sizeof *s->lens);
    }
    size_t raw_len = h.raw_len == NO_RAW ? 0 : h.raw_len;
    buf_clear(&s->record);
    buf_reserve(&s->record, h.bytes_len + raw_len + 1);
    if (!read_exactly(s, s->lens, h.n * sizeof *s->lens) ||
        !read_exactly(s, s->record.data, h.bytes_len + raw_len))
        runtime_error("internal error: held rows end inside a row");
    row_load(out, h.n, s->lens, s->record.data, h.bytes_len);
    out->line = h.line;
    if (h.raw_len != NO_RAW)
        row_set_raw(out, s->record.data + h.bytes_len, raw_len);
    if (at_end(s))
        release(s);     /* the row lives in `record` until the next call */
    return true;
}

bool rowspill_released(const rowspill_t *s)
{
    return s->released;
}
