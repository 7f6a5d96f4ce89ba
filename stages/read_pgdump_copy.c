/*
** read_pgdump_copy: a table's COPY text (the bytes read_pgdump.c finds
** for it) as rows (docs/formats.md "pg_dump archives").
**
** COPY text (PostgreSQL's text format): one row a line, fields separated
** by tabs, `\N` alone is NULL, an empty field is the empty string;
** backslash escapes \b \f \n \r \t \v, \NNN (1-3 octal digits), \xHH (1-2
** hex digits), and a backslash before any other character is that
** character. A line `\.` ends the data. Two things PostgreSQL would take
** and pg_dump never writes are refused as an invalid escape, which makes
** the table unreadable: a backslash at the end of a line (PostgreSQL
** would join it to the next line) and `\.` anywhere but alone on a line.
** Decoded values that are not UTF-8, or hold a NUL (\0), are a problem of
** their row, as in CSV. A row with more or fewer fields than the COPY
** statement's columns is a ragged row, as in CSV.
**
** The bytes are read, inflated and decoded into rows in batches
** (source.fill(), stage.h), as the CSV reader does, which the chain may
** fill on a thread of its own; every problem is reported where the rows
** are taken, when the taker reaches its row, so the problems and their
** order are the same with the thread or without.
*/
#include <string.h>

#include "../pipeline/frame/readahead.h"
#include "pgdump.h"
#include "stages.h"

#define READ_CHUNK ((size_t)256 * 1024)
/* As the CSV reader's bound: a line holds at most this, a row keeps at
** most one field more than the columns (the rest are counted). */
#define LINE_MAX_BYTES ((size_t)16 * 1024 * 1024)

/* ---- COPY text lines ---- */

/* A hex digit's value, or -1. */
static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes the field at s[*i] up to its tab or the line's end into `out`
** (appended); moves *i to the tab or the end. COPY_LINE_OK, or which
** invalid escape it met. */
static copy_line_t decode_field(const char *s, size_t len, size_t *i, buf_t *out)
{
    size_t p = *i;
    while (p < len && s[p] != '\t') {
        size_t run = p;
        while (run < len && s[run] != '\t' && s[run] != '\\')
            run++;
        buf_add(out, s + p, run - p);
        p = run;
        if (p == len || s[p] == '\t')
            break;
        /* a backslash */
        if (++p == len)
            return COPY_LINE_BAD_ESCAPE;
        char c = s[p++], d;
        int h;
        switch (c) {
        case 'b': d = '\b'; break;
        case 'f': d = '\f'; break;
        case 'n': d = '\n'; break;
        case 'r': d = '\r'; break;
        case 't': d = '\t'; break;
        case 'v': d = '\v'; break;
        case '.': return COPY_LINE_BAD_END_MARKER;
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
            int v = c - '0';
            for (int k = 0; k < 2 && p < len && s[p] >= '0' && s[p] <= '7'; k++)
                v = v * 8 + (s[p++] - '0');
            d = (char)(v & 0xff);
            break;
        }
        case 'x':
            if (p < len && (h = hex_value(s[p])) >= 0) {
                int v = h;
                p++;
                if (p < len && (h = hex_value(s[p])) >= 0) {
                    v = v * 16 + h;
                    p++;
                }
                d = (char)v;
            } else {
                d = 'x';
            }
            break;
        default: d = c; break;
        }
        buf_addc(out, d);
    }
    *i = p;
    return COPY_LINE_OK;
}

/* Decodes a line into `row` keeping at most `keep` fields (0: all);
** *total gets the number of fields; on an invalid escape, *bad_field and
** *bad_at the field where it stood and the offset where that starts. */
static copy_line_t decode_line(const char *s, size_t len, row_t *row, size_t keep, buf_t *scratch,
                               size_t *total, size_t *bad_field, size_t *bad_at)
{
    row_reset(row);
    size_t i = 0, n = 0;
    for (;;) {
        size_t start = i;
        while (i < len && s[i] != '\t' && s[i] != '\\')
            i++;
        bool keep_it = keep == 0 || n < keep;
        if (i == len || s[i] == '\t') {
            /* no escape in it: the bytes as they are */
            if (keep_it) {
                bool null = i - start == 2 && s[start] == '\\' && s[start + 1] == 'N';
                row_push(row, null ? NULL : s + start, i - start);
            }
        } else if (i + 1 < len && s[i + 1] == 'N' && i == start &&
                   (i + 2 == len || s[i + 2] == '\t')) {
            if (keep_it)
                row_push(row, NULL, 0);
            i += 2;
        } else {
            buf_clear(scratch);
            buf_add(scratch, s + start, i - start);
            copy_line_t got = decode_field(s, len, &i, scratch);
            if (got != COPY_LINE_OK) {
                *bad_field = n;
                *bad_at = start;
                *total = n + 1;
                row_seal(row);
                return got;
            }
            if (keep_it)
                row_push(row, scratch->data ? scratch->data : "", scratch->len);
        }
        n++;
        if (i == len)
            break;
        i++;    /* the tab */
    }
    row_seal(row);
    *total = n;
    return COPY_LINE_OK;
}

copy_line_t copy_line_decode(const char *s, size_t len, row_t *row, size_t *bad_field)
{
    buf_t scratch;
    buf_init(&scratch);
    size_t total, at;
    copy_line_t r = decode_line(s, len, row, 0, &scratch, &total, bad_field, &at);
    buf_free(&scratch);
    return r;
}

/* ---- the source ---- */

/* A record's tag in a batch: TAG_OK, or a ragged row (TAG_FIELDS and its
** number of fields), or the first field that is not text (its index, with
** TAG_NUL if it holds a NUL byte). */
#define TAG_OK UINT32_MAX
#define TAG_NUL 0x80000000u
#define TAG_FIELDS 0x40000000u

enum pending { PENDING_NONE, PENDING_MESSAGE, PENDING_ESCAPE };

typedef struct {
    source_t base;
    problems_t *problems;
    /* fill()'s (on the chain's read-ahead thread, if any) */
    bytesrc_t *bytes;
    char *chunk;
    size_t chunk_len, chunk_pos;
    bool eof;
    buf_t line;             /* a line split over reads, put together */
    int64_t lineno;         /* rows so far */
    row_t row;
    buf_t scratch;
    bool plain;             /* a script: the data must end with \. */
    size_t ncols;
    /* a fatal problem the reader found, reported by report_pending() on
    ** the caller's thread once every row before it has been handed out */
    enum pending pending;
    char pending_msg[300];
    int64_t pending_line;
    size_t pending_field;
    copy_line_t pending_escape;
    buf_t pending_value;
    /* next(): the batches filled and taken on the caller's thread */
    readahead_t taking;
} copy_src_t;

/* Keeps a fatal problem for report_pending(), in the reader's words. */
static void set_pending(copy_src_t *c, const char *msg)
{
    c->pending = PENDING_MESSAGE;
    snprintf(c->pending_msg, sizeof c->pending_msg, "%s", msg);
}

/* The next line (without its LF): 1, 0 at the end of the bytes, -1 when
** they cannot be read (then `pending` says why). */
static int next_line(copy_src_t *c, const char **s, size_t *n)
{
    buf_clear(&c->line);
    for (;;) {
        if (c->chunk_pos == c->chunk_len) {
            if (c->eof)
                break;
            ssize_t got = c->bytes->read(c->bytes, c->chunk, READ_CHUNK);
            if (got < 0) {
                set_pending(c, c->bytes->err);
                return -1;
            }
            c->chunk_len = (size_t)got;
            c->chunk_pos = 0;
            if (got == 0) {
                c->eof = true;
                break;
            }
        }
        const char *start = c->chunk + c->chunk_pos;
        size_t avail = c->chunk_len - c->chunk_pos;
        const char *lf = memchr(start, '\n', avail);
        size_t piece = lf ? (size_t)(lf - start) : avail;
        if (c->line.len + piece > LINE_MAX_BYTES) {
            set_pending(c, "a line of COPY data longer than 16 MiB");
            return -1;
        }
        c->chunk_pos += piece + (lf ? 1 : 0);
        if (lf && c->line.len == 0) {
            *s = start;
            *n = piece;
            return 1;
        }
        buf_add(&c->line, start, piece);
        if (lf)
            break;
    }
    if (c->eof && c->line.len == 0)
        return 0;
    *s = buf_str(&c->line);
    *n = c->line.len;
    return 1;
}

/* Reads and decodes one line into c->row: 1 a row (its tag in *tag), 0
** the end of the data, -1 a fatal problem (pending). */
static int read_row(copy_src_t *c, uint32_t *tag)
{
    const char *s;
    size_t n;
    int got = next_line(c, &s, &n);
    if (got == 0 && c->plain) {
        set_pending(c, "truncated script: the COPY data ends without a line \\.");
        return -1;
    }
    if (got <= 0)
        return got;
    if (n == 2 && s[0] == '\\' && s[1] == '.') {
        c->eof = true;      /* nothing after the end marker is data */
        c->chunk_pos = c->chunk_len;
        return 0;
    }
    c->lineno++;
    row_t *r = &c->row;
    size_t total, bad = 0, at = 0;
    copy_line_t decoded = decode_line(s, n, r, c->ncols + 1, &c->scratch, &total, &bad, &at);
    if (decoded != COPY_LINE_OK) {
        const char *end = memchr(s + at, '\t', n - at);
        c->pending = PENDING_ESCAPE;
        c->pending_escape = decoded;
        c->pending_line = c->lineno;
        c->pending_field = bad;
        buf_clear(&c->pending_value);
        buf_add(&c->pending_value, s + at, end ? (size_t)(end - (s + at)) : n - at);
        return -1;
    }
    r->line = c->lineno;
    r->raw = s;
    r->raw_len = n;
    *tag = TAG_OK;
    if (total != c->ncols) {
        *tag = TAG_FIELDS | (uint32_t)(total < TAG_FIELDS - 1 ? total : TAG_FIELDS - 1);
    } else {
        for (size_t i = 0; i < r->n; i++)
            if (!r->f[i].null && !utf8_valid(r->f[i].data, r->f[i].len)) {
                *tag = (uint32_t)i | (memchr(r->f[i].data, '\0', r->f[i].len) ? TAG_NUL : 0);
                break;
            }
    }
    return 1;
}

/* ---- lines that need no decoding ----
**
** Most lines of a dump hold no escape but \N for NULL, no byte past
** ASCII and the right number of fields: take_fast_line() encodes such a
** line into the batch straight from the chunk, as row_encode() would the
** row read_row() makes of it, without building the row first. Any other
** line (a backslash escape, UTF-8 to check, ragged, split across reads,
** the end marker) goes to read_row(). */
#define FAST_COLS_MAX 64

/* If the chunk holds a whole plain line, encodes it into `b`, moves past
** it and returns true; else false, and nothing has moved. */
static bool take_fast_line(copy_src_t *c, batch_t *b)
{
    size_t ncols = c->ncols;
    if (ncols == 0 || ncols > FAST_COLS_MAX)
        return false;
    const char *s = c->chunk + c->chunk_pos;
    const char *lf = memchr(s, '\n', c->chunk_len - c->chunk_pos);
    if (!lf)
        return false;
    size_t len = (size_t)(lf - s);
    uint32_t lens[FAST_COLS_MAX];
    size_t n = 0, start = 0, bytes_len = 0, plain = SIZE_MAX;
    for (size_t i = 0;; i++) {
        unsigned char ch = i < len ? (unsigned char)s[i] : '\t';
        /* '-' up to DEL but the backslash: nothing to look at */
        if ((unsigned)(ch - '-') < (unsigned)(0x80 - '-') && ch != '\\')
            continue;
        if (ch == '\t') {
            if (n == ncols)
                return false;   /* ragged */
            size_t flen = i - start;
            bool null = flen == 2 && s[start] == '\\';   /* \N, checked below */
            lens[n] = null ? UINT32_MAX : (uint32_t)flen;
            if (flen == 0 && plain == SIZE_MAX)
                plain = n;      /* "" is quoted in CSV */
            bytes_len += (null ? 0 : flen) + 1;
            n++;
            start = i + 1;
            if (i >= len)
                break;
        } else if (ch == '\\') {
            if (i != start || i + 1 >= len || s[i + 1] != 'N' || (i + 2 < len && s[i + 2] != '\t'))
                return false;   /* an escape to decode, or the end marker */
            i++;
        } else if (ch >= 0x80 || ch == 0) {
            return false;       /* UTF-8 to check */
        } else if ((ch == ',' || ch == '"' || ch == '\r') && plain == SIZE_MAX) {
            plain = n;          /* quoted in CSV */
        }
    }
    if (n != ncols)
        return false;
    row_encoded_t h = {.line = ++c->lineno,
                       .raw_len = len,
                       .bytes_len = bytes_len,
                       .n = (uint32_t)n,
                       .plain = (uint32_t)(plain == SIZE_MAX ? n : plain),
                       .tag = TAG_OK};
    size_t size = row_encoded_size(n, bytes_len, len);
    buf_reserve(&b->data, size);
    char *head = b->data.data + b->data.len, *o = head + sizeof h;
    memcpy(head, &h, sizeof h);
    memcpy(o, lens, n * sizeof *lens);
    o += n * sizeof *lens;
    const char *f = s;
    for (size_t i = 0; i < n; i++) {
        size_t flen = lens[i] == UINT32_MAX ? 0 : lens[i];
        memcpy(o, f, flen);
        o[flen] = '\0';
        o += flen + 1;
        f += (lens[i] == UINT32_MAX ? 2 : flen) + 1;
    }
    memcpy(o, s, len);
    memset(o + len, 0, size - (size_t)(o + len - head));
    b->data.len += size;
    b->data.data[b->data.len] = '\0';
    b->count++;
    c->chunk_pos += len + 1;
    return true;
}

/* source fill: rows into a batch, as row_encode() lays them. */
static void copy_fill(source_t *self, batch_t *b, size_t bytes)
{
    copy_src_t *c = (copy_src_t *)self;
    while (b->data.len < bytes) {
        if (take_fast_line(c, b))
            continue;
        uint32_t tag;
        int got = read_row(c, &tag);
        if (got <= 0) {
            b->end = got;
            return;
        }
        row_encode(&b->data, &c->row, tag);
        b->count++;
    }
}

/* Reports the fatal problem the reader found; on the caller's thread. */
static void report_pending(copy_src_t *c)
{
    const table_t *t = c->base.table;
    if (c->pending == PENDING_MESSAGE) {
        problem_fatal(c->problems, t->source, "%s", c->pending_msg);
    } else if (c->pending == PENDING_ESCAPE) {
        char name[32];
        snprintf(name, sizeof name, "#%zu", c->pending_field + 1);
        problem_at(c->problems, t, NULL, c->pending_line,
                   c->pending_field < t->ncols ? t->cols[c->pending_field] : name,
                   c->pending_value.data ? c->pending_value.data : "", c->pending_value.len, "%s",
                   c->pending_escape == COPY_LINE_BAD_ESCAPE
                       ? "invalid escape: a backslash at the end of the line"
                       : "invalid escape: \\. inside a line (it ends the data only alone on a "
                         "line)");
        c->problems->fatal++;
    }
    c->pending = PENDING_NONE;
}

/* Reports what the tag of row `r` says is wrong with it; false if any. */
static bool check_row(copy_src_t *c, row_t *r, uint32_t tag)
{
    const table_t *t = c->base.table;
    if (tag == TAG_OK)
        return true;
    if (tag & TAG_FIELDS) {
        size_t total = tag & ~TAG_FIELDS;
        if (total < t->ncols) {
            problem_at(c->problems, t, r, r->line, t->cols[total], NULL, 0,
                       "ragged row: %zu fields, the header has %zu", total, t->ncols);
        } else {
            char name[32];
            snprintf(name, sizeof name, "#%zu", t->ncols + 1);
            problem_at(c->problems, t, r, r->line, name, r->f[t->ncols].data, r->f[t->ncols].len,
                       "ragged row: %zu fields, the header has %zu", total, t->ncols);
        }
        return false;
    }
    problem_field(c->problems, t, r, tag & ~TAG_NUL,
                  tag & TAG_NUL ? "not text: contains a NUL byte" : "not valid UTF-8");
    return false;
}

/* source check: what the tag of a row says is wrong with it. */
static bool copy_check(source_t *self, row_t *row, uint32_t tag)
{
    return check_row((copy_src_t *)self, row, tag);
}

/* source failed: the filling has ended; its problem is ours to report. */
static void copy_failed(source_t *self)
{
    report_pending((copy_src_t *)self);
}

/* source next: the batches filled and taken on the caller's thread. */
static int copy_next(source_t *self, row_t **out)
{
    return readahead_next_here(&((copy_src_t *)self)->taking, self, out);
}

/* source free */
static void copy_free_source(source_t *self)
{
    copy_src_t *c = (copy_src_t *)self;
    readahead_stop(&c->taking);
    bytesrc_free(c->bytes);
    table_free(self->table);
    row_free(&c->row);
    buf_free(&c->line);
    buf_free(&c->scratch);
    buf_free(&c->pending_value);
    free(c->chunk);
    free(c);
}

/* Reads a script's lines up to `COPY schema.table (...) FROM stdin;`,
** skipping other tables' COPY data, and takes its columns; false with a
** fatal problem if it is not there. */
static bool find_copy_statement(copy_src_t *c, const char *schema, const char *table)
{
    const char *s;
    size_t n;
    int got;
    bool in_data = false;
    char *sch = NULL, *tab = NULL;
    while ((got = next_line(c, &s, &n)) == 1) {
        if (in_data) {
            in_data = !(n == 2 && s[0] == '\\' && s[1] == '.');
            continue;
        }
        static const char tail[] = " FROM stdin;";
        size_t tl = sizeof tail - 1;
        if (n < 5 + tl || memcmp(s, "COPY ", 5) != 0 || memcmp(s + n - tl, tail, tl) != 0)
            continue;
        in_data = true;
        table_t *cols = table_new(c->base.table->name, c->base.table->source);
        if (copy_stmt_parse(s, n, &sch, &tab, cols) && strcmp(sch, schema) == 0 &&
            strcmp(tab, table) == 0) {
            table_free(c->base.table);
            c->base.table = cols;
            free(sch);
            free(tab);
            return true;
        }
        table_free(cols);
        free(sch);
        free(tab);
        sch = tab = NULL;
    }
    if (got == 0)
        problem_fatal(c->problems, c->base.table->source,
                      "no COPY data for %s.%s in the script (dumped with --inserts, or "
                      "without the table?)",
                      schema, table);
    else
        report_pending(c);
    return false;
}

source_t *copy_source_open(bytesrc_t *bytes, table_t *header, const char *find_schema,
                           const char *find, problems_t *problems)
{
    copy_src_t *c = xcalloc(1, sizeof *c);
    c->base.next = copy_next;
    c->base.fill = copy_fill;
    c->base.check = copy_check;
    c->base.failed = copy_failed;
    c->base.free = copy_free_source;
    c->base.table = header;
    c->bytes = bytes;
    c->problems = problems;
    c->chunk = xmalloc(READ_CHUNK);
    row_init(&c->row);
    buf_init(&c->line);
    buf_init(&c->scratch);
    buf_init(&c->pending_value);
    if (find) {
        c->plain = true;
        if (!find_copy_statement(c, find_schema, find)) {
            copy_free_source(&c->base);
            return NULL;
        }
    }
    c->ncols = c->base.table->ncols;
    return &c->base;
}
