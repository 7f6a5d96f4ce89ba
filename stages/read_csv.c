/*
** read_csv: records of one table from CSV bytes, parsed by libcsv.
**
** Dialect (docs/contract.md "Datasets"): RFC 4180, comma, '"' quoting, header row, LF
** or CRLF line ends, UTF-8 with an optional BOM. An empty unquoted field
** is NULL, "" is the empty string (libcsv's CSV_EMPTY_IS_NULL). libcsv is
** told that only LF ends a record and that CR is the only "space" (which
** it trims around unquoted fields and after a closing quote), so CRLF line
** ends vanish while spaces and CRs inside quotes are kept exactly.
**
** The input is fed to libcsv one physical line at a time, so a finished
** record always ends at the line just fed: that gives each record's
** starting line and its raw text without a second parse. A plain line (no
** quote, no lone CR), most of a dump, is split at its commas without
** libcsv (see take_plain_line()).
**
** Structural damage (malformed quoting, an unterminated quote, a bad
** header) makes the table unreadable: a fatal problem. A ragged row or a
** field that is not UTF-8 is a problem of that row alone: the row is
** still handed out, marked broken, for validate to drop (or reject).
**
** Past the header, records are parsed in batches (source.fill(), stage.h),
** which the chain may fill on a thread of its own, ahead of the stages:
** they are encoded there and decoded, in order, where the rows are taken.
** Every problem is reported there (check(), failed()) when the taker
** reaches the point of the input where it was found, so the problems and
** their order are the same with the thread or without; a fatal one found
** ahead is kept (`pending`) until then.
*/
#include <csv.h>
#include <string.h>

#include "../pipeline/frame/progress.h"
#include "../pipeline/frame/readahead.h"
#include "stages.h"

#define CSV_CHUNK ((size_t)256 * 1024)
/* Bounds on hostile input, so memory stays bounded: a record holds at most
** RECORD_MAX bytes, a header at most COLUMNS_MAX columns. A record's bytes
** are held a few times over (raw text, libcsv's field buffer, the row, up
** to RING_BATCHES batches, the row handed out; and further on in
** chain_run_ahead): docs/formats.md. */
#define RECORD_MAX ((size_t)16 * 1024 * 1024)
#define COLUMNS_MAX 4096

/* Records parsed go in batches (pipeline/frame/ring.h), encoded as
** row_encode() does; a batch's `end` says what follows its records: 1
** more batches, 0 the end of the table, -1 the `pending` problem. The
** filling also checks the fields' UTF-8; a record's tag
** (`bad`) is the first field that is not text, or NO_BAD_FIELD, with
** BAD_IS_NUL set if it holds a NUL byte. */
#define NO_BAD_FIELD UINT32_MAX
#define BAD_IS_NUL 0x80000000u
/* A record with fields past those kept (fields_kept()) is tagged instead
** with how many there were past them: its shape is the problem, its text
** is not looked at. */
#define FIELDS_PAST 0x40000000u

enum pending { PENDING_NONE, PENDING_READ, PENDING_PARSE };

typedef struct {
    source_t base;
    bytesrc_t *bytes;
    problems_t *problems;
    struct csv_parser parser;
    char *chunk;
    size_t chunk_len, chunk_pos;
    bool eof;
    bool first_chunk;
    int64_t line;           /* physical line of the next byte */
    int64_t record_line;
    bool in_record;
    bool record_done;
    bool failed;
    uint32_t *commas;       /* take_plain_line()'s */
    size_t commas_cap;
    row_t row;              /* the record being parsed */
    size_t fields_past;     /* its fields past fields_kept(), counted only */
    buf_t raw;
    /* a fatal problem found while parsing, reported by report_pending() */
    enum pending pending;
    const char *pending_rule;
    /* next(): the batches filled and taken on the caller's thread */
    readahead_t taking;
} csv_src_t;

/* How many fields of a record are kept: one past the header's, enough
** to tell and show a ragged row (the header itself: one past the most it
** may have). The rest are only counted: a line of commas alone would
** otherwise cost 32 bytes a field in each row that holds it. */
static size_t fields_kept(const csv_src_t *c)
{
    size_t ncols = c->base.table->ncols;
    return (ncols ? ncols : COLUMNS_MAX) + 1;
}

static void on_field(void *data, size_t len, void *ctx)
{
    csv_src_t *c = ctx;
    if (c->row.n < fields_kept(c))
        row_push(&c->row, data, len);
    else
        c->fields_past++;
}

static void on_record_end(int ch, void *ctx)
{
    (void)ch;
    csv_src_t *c = ctx;
    c->record_done = true;
}

/* The reader's rules, for libcsv: only LF ends a record (a CR inside a line
** is data) and only CR is trimmed at a field's edges (spaces and tabs are
** data), so that values come through as exported and CRLF files read. */
static int is_cr(unsigned char ch)
{
    return ch == '\r';
}

static int is_lf(unsigned char ch)
{
    return ch == '\n';
}

/* Not a delimiter, quote, space, tab or line end. */
static bool ordinary_byte(char ch)
{
    return ch != ',' && ch != '"' && ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n';
}

/* Whether libcsv, left to its own inline tests (space and tab are spaces,
** CR and LF end a record), parses the piece `s` (a line, or the part of one
** in this chunk) as is_cr and is_lf would make it: those are calls on every
** byte and double the parse. The two ways differ only at a space or tab
** next to a field's edge or a quote, and at a CR that does not end the
** line; a space whose neighbours are both in the piece and ordinary bytes
** is data either way, and the state libcsv carries from piece to piece is
** the same after it. */
static bool parses_alike_by_default(const char *s, size_t n)
{
    size_t end = n;
    if (end > 0 && s[end - 1] == '\n') {
        end--;
        if (end > 0 && s[end - 1] == '\r')
            end--;
    }
    for (size_t i = 0; i < end; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch > ' ')
            continue;
        if (ch == '\r' || ch == '\n')
            return false;
        if ((ch == ' ' || ch == '\t') &&
            (i == 0 || i + 1 == end || !ordinary_byte(s[i - 1]) || !ordinary_byte(s[i + 1])))
            return false;
    }
    return true;
}

/* Reads up to `want` bytes into the chunk at `at`; false on error. */
static bool read_some(csv_src_t *c, size_t at, size_t want, size_t *got)
{
    ssize_t n = c->bytes->read(c->bytes, c->chunk + at, want);
    if (n < 0) {
        c->pending = PENDING_READ;
        c->failed = true;
        return false;
    }
    *got = (size_t)n;
    return true;
}

/* Refills the chunk; returns false at the end or on error (c->failed). */
static bool refill(csv_src_t *c)
{
    size_t got;
    if (!read_some(c, 0, CSV_CHUNK, &got))
        return false;
    c->chunk_len = got;
    c->chunk_pos = 0;
    if (c->first_chunk) {
        /* a BOM may arrive split over reads */
        c->first_chunk = false;
        while (got > 0 && c->chunk_len < 3) {
            if (!read_some(c, c->chunk_len, CSV_CHUNK - c->chunk_len, &got))
                return false;
            c->chunk_len += got;
        }
        if (c->chunk_len >= 3 && memcmp(c->chunk, "\xEF\xBB\xBF", 3) == 0)
            c->chunk_pos = 3;
    }
    if (c->chunk_len == 0) {
        c->eof = true;
        return false;
    }
    return c->chunk_pos < c->chunk_len || refill(c);
}

static void report_parse_error(csv_src_t *c, const char *rule)
{
    c->pending = PENDING_PARSE;
    c->pending_rule = rule;
    c->failed = true;
}

/* Reports the fatal problem parse_record() found (it returned -1); on the
** caller's thread, after every record before it. */
static void report_pending(csv_src_t *c)
{
    const table_t *t = c->base.table;
    if (c->pending == PENDING_READ) {
        problem_fatal(c->problems, t->source, "%s", c->bytes->err);
    } else if (c->pending == PENDING_PARSE) {
        size_t col = c->row.n;
        char name[32];
        const char *colname = name;
        if (t->ncols > 0 && col < t->ncols)
            colname = t->cols[col];
        else
            snprintf(name, sizeof name, "#%zu", col + 1);
        problem_at(c->problems, t, NULL, c->record_line, colname, c->raw.data, c->raw.len, "%s",
                   c->pending_rule);
    }
    c->pending = PENDING_NONE;
}

/* Parses until one whole record is in c->row. Returns 1, 0 at the end,
** -1 when the table cannot be read further. */
static int parse_record(csv_src_t *c)
{
    row_reset(&c->row);
    c->fields_past = 0;
    c->record_done = false;
    for (;;) {
        if (c->chunk_pos == c->chunk_len) {
            if (c->failed || c->eof || !refill(c)) {
                if (c->failed)
                    return -1;
                /* end of input: finish a last line without a line end */
                if (csv_fini(&c->parser, on_field, on_record_end, c) != 0) {
                    report_parse_error(c, "unterminated quoted field");
                    return -1;
                }
                if (c->record_done)
                    break;
                return 0;
            }
        }
        const char *start = c->chunk + c->chunk_pos;
        size_t avail = c->chunk_len - c->chunk_pos;
        const char *lf = memchr(start, '\n', avail);
        size_t piece = lf ? (size_t)(lf - start) + 1 : avail;
        size_t blank = 0;   /* line ends and CRs before a record are not part of it */
        if (!c->in_record) {
            while (blank < piece && (start[blank] == '\r' || start[blank] == '\n'))
                blank++;
            if (blank < piece) {
                c->in_record = true;
                c->record_line = c->line;
                buf_clear(&c->raw);
            }
        }
        if (c->in_record) {
            if (c->raw.len + piece - blank > RECORD_MAX) {
                report_parse_error(c, "a record longer than 16 MiB (an unterminated quote?)");
                return -1;
            }
            buf_add(&c->raw, start + blank, piece - blank);
        }
        bool by_default = parses_alike_by_default(start, piece);
        csv_set_space_func(&c->parser, by_default ? NULL : is_cr);
        csv_set_term_func(&c->parser, by_default ? NULL : is_lf);
        size_t used = csv_parse(&c->parser, start, piece, on_field, on_record_end, c);
        c->chunk_pos += piece;
        if (lf)
            c->line++;
        if (used != piece) {
            /* show the record up to the offending byte, wherever reads split */
            c->raw.len -= piece - used - 1;
            report_parse_error(c, csv_error(&c->parser) == CSV_EPARSE
                                      ? "malformed quoting (a quote inside an unquoted field, "
                                        "or text after a closing quote)"
                                      : "record too large for memory");
            return -1;
        }
        if (c->record_done)
            break;
    }
    /* strip the line end from the raw record */
    size_t len = c->raw.len;
    while (len > 0 && (c->raw.data[len - 1] == '\n' || c->raw.data[len - 1] == '\r'))
        len--;
    row_seal(&c->row);
    /* the raw text stays in c->raw until the next record: row_encode()
    ** copies it into the batch, no need for the row's own copy */
    c->row.raw = c->raw.len ? c->raw.data : "";
    c->row.raw_len = len;
    c->row.line = c->record_line;
    c->in_record = false;
    return 1;
}

/* The first field of `r` that is not text (NO_BAD_FIELD: none), with
** BAD_IS_NUL if it holds a NUL byte. */
static uint32_t first_bad_field(const row_t *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (!r->f[i].null && !utf8_valid(r->f[i].data, r->f[i].len))
            return (uint32_t)i | (memchr(r->f[i].data, '\0', r->f[i].len) ? BAD_IS_NUL : 0);
    return NO_BAD_FIELD;
}

/* Reports a ragged row, or else its first field that is not text (`bad`,
** from first_bad_field()); false if it did. */
static bool check_row_shape(csv_src_t *c, row_t *r, uint32_t bad)
{
    const table_t *t = c->base.table;
    size_t past = bad != NO_BAD_FIELD && (bad & FIELDS_PAST) ? bad & ~FIELDS_PAST : 0;
    if (r->n != t->ncols) {
        if (r->n < t->ncols)
            problem_at(c->problems, t, r, r->line, t->cols[r->n], NULL, 0,
                       "ragged row: %zu fields, the header has %zu", r->n, t->ncols);
        else {
            char name[32];
            snprintf(name, sizeof name, "#%zu", t->ncols + 1);
            problem_at(c->problems, t, r, r->line, name, r->f[t->ncols].data,
                       r->f[t->ncols].len, "ragged row: %zu fields, the header has %zu",
                       r->n + past, t->ncols);
        }
        return false;
    }
    if (bad != NO_BAD_FIELD) {
        problem_field(c->problems, t, r, bad & ~BAD_IS_NUL,
                      bad & BAD_IS_NUL ? "not text: contains a NUL byte" : "not valid UTF-8");
        return false;
    }
    return true;
}

/* ---- plain lines ----
**
** Most records of a dump are plain: one line, no quote, no CR but one
** before the LF. For those libcsv, with the reader's rules, makes the
** fields the text between commas, an empty one NULL: take_plain_line()
** does that without it (a fifth of a migration's time). Anything else
** (a quote, a lone CR, a line split across reads, a blank line) goes to
** libcsv. tests/fuzz/fuzz_csv.c compares the two ways: its 1-byte reads
** never hold a whole line, so there every record goes through libcsv.
*/

/* The first field of the plain line `s` (`commas` the offsets of its
** commas, `n` fields) that is not UTF-8 text, as first_bad_field(). */
static uint32_t first_bad_plain_field(const char *s, const uint32_t *commas, size_t n,
                                      size_t len)
{
    for (size_t i = 0; i < n; i++) {
        size_t from = i ? commas[i - 1] + 1 : 0, to = i + 1 < n ? commas[i] : len;
        if (!utf8_valid(s + from, to - from))
            return (uint32_t)i | (memchr(s + from, '\0', to - from) ? BAD_IS_NUL : 0);
    }
    return NO_BAD_FIELD;
}

/* If the chunk holds a whole plain line where a record starts, encodes it
** into `b` as row_encode() would the row libcsv makes of it, moves past
** it and returns true; else false, and nothing has moved. */
static bool take_plain_line(csv_src_t *c, batch_t *b)
{
    if (c->in_record)
        return false;
    const char *s = c->chunk + c->chunk_pos;
    const char *lf = memchr(s, '\n', c->chunk_len - c->chunk_pos);
    if (!lf)
        return false;
    size_t len = (size_t)(lf - s);
    if (len > 0 && s[len - 1] == '\r')
        len--;
    if (len == 0)
        return false;   /* a blank line: not a record */
    size_t n = 1, kept = fields_kept(c);
    bool ascii = true;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= '-' && ch < 0x80)   /* above every byte that matters */
            continue;
        if (ch == ',') {
            if (n == kept)
                return false;   /* libcsv's path counts the fields past them */
            if (n > c->commas_cap) {
                c->commas_cap = c->commas_cap ? 2 * c->commas_cap : 64;
                c->commas = xrealloc(c->commas, c->commas_cap * sizeof *c->commas);
            }
            c->commas[n++ - 1] = (uint32_t)i;
        } else if (ch == '"' || ch == '\r') {
            return false;
        } else if (ch == '\0' || ch >= 0x80) {
            ascii = false;
        }
    }
    row_encoded_t h = {.line = c->line,
                       .n = (uint32_t)n,
                       .raw_len = len,
                       .bytes_len = len + 1,
                       .plain = (uint32_t)n,
                       .tag = ascii ? NO_BAD_FIELD : first_bad_plain_field(s, c->commas, n, len)};
    size_t size = row_encoded_size(n, len + 1, len);
    buf_reserve(&b->data, size);
    char *head = b->data.data + b->data.len, *o = head + sizeof h;
    for (size_t i = 0; i < n; i++) {
        size_t from = i ? c->commas[i - 1] + 1 : 0, to = i + 1 < n ? c->commas[i] : len;
        uint32_t flen = to > from ? (uint32_t)(to - from) : UINT32_MAX;
        memcpy(o, &flen, sizeof flen);
        o += sizeof flen;
        /* psql's end-of-data marker is quoted on output (csvtext.h) */
        if (flen == 2 && s[from] == '\\' && s[from + 1] == '.' && i < h.plain)
            h.plain = (uint32_t)i;
    }
    memcpy(head, &h, sizeof h);
    /* the fields' bytes as row_bytes() lays them out: each comma a NUL */
    memcpy(o, s, len);
    for (size_t i = 0; i + 1 < n; i++)
        o[c->commas[i]] = '\0';
    o[len] = '\0';
    o += len + 1;
    memcpy(o, s, len);   /* the raw text */
    memset(o + len, 0, size - (size_t)(o + len - head));
    b->data.len += size;
    b->data.data[b->data.len] = '\0';
    b->count++;
    c->chunk_pos += (size_t)(lf - s) + 1;
    c->line++;
    return true;
}

/* ---- batches (stage.h: source.fill) ---- */

static void csv_fill(source_t *self, batch_t *b, size_t bytes)
{
    csv_src_t *c = (csv_src_t *)self;
    while (b->data.len < bytes) {
        if (take_plain_line(c, b))
            continue;
        int got = parse_record(c);
        if (got <= 0) {
            b->end = got;
            return;
        }
        row_encode(&b->data, &c->row,
                   c->fields_past ? FIELDS_PAST | (uint32_t)c->fields_past
                                  : first_bad_field(&c->row));
        b->count++;
    }
}

static bool csv_check(source_t *self, row_t *row, uint32_t bad)
{
    return check_row_shape((csv_src_t *)self, row, bad);
}

/* The filling has ended: its row, raw text and problem are ours. */
static void csv_failed(source_t *self)
{
    report_pending((csv_src_t *)self);
}

/* source next: the batches filled and taken on the caller's thread. */
static int csv_next(source_t *self, row_t **row)
{
    return readahead_next_here(&((csv_src_t *)self)->taking, self, row);
}

static void csv_free_source(source_t *self)
{
    csv_src_t *c = (csv_src_t *)self;
    readahead_stop(&c->taking);
    csv_free(&c->parser);
    bytesrc_free(c->bytes);
    table_free(c->base.table);
    row_free(&c->row);
    buf_free(&c->raw);
    free(c->commas);
    free(c->chunk);
    free(c);
}

source_t *csv_source_open(bytesrc_t *bytes, const char *table_name, const char *display,
                          problems_t *problems)
{
    csv_src_t *c = xcalloc(1, sizeof *c);
    c->base.next = csv_next;
    c->base.fill = csv_fill;
    c->base.check = csv_check;
    c->base.failed = csv_failed;
    c->base.free = csv_free_source;
    c->base.table = table_new(table_name, display);
    progress_reading(display);
    c->bytes = bytes;
    c->problems = problems;
    c->chunk = xmalloc(CSV_CHUNK);
    c->first_chunk = true;
    c->line = 1;
    row_init(&c->row);
    buf_init(&c->raw);
    csv_init(&c->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_EMPTY_IS_NULL);
    csv_set_blk_size(&c->parser, (size_t)64 * 1024);   /* libcsv grows its field buffer by this */

    int got = parse_record(c);
    if (got <= 0) {
        if (got == 0)
            problem_fatal(problems, display, "empty file: no header row");
        else
            report_pending(c);
        csv_free_source(&c->base);
        return NULL;
    }
    table_t *t = c->base.table;
    row_t *h = &c->row;
    if (h->n > COLUMNS_MAX) {
        problem_fatal(problems, display, "not a dump of the planner: %zu columns (at most %d)",
                      h->n + c->fields_past, COLUMNS_MAX);
        csv_free_source(&c->base);
        return NULL;
    }
    for (size_t i = 0; i < h->n; i++) {
        const field_t *f = &h->f[i];
        if (f->null || !utf8_valid(f->data, f->len)) {
            problem_fatal(problems, display,
                          f->null ? "not a CSV header: column %zu has no name"
                                  : "not a CSV file: the header is not UTF-8 text (column %zu)",
                          i + 1);
            csv_free_source(&c->base);
            return NULL;
        }
        table_add_col(t, f->data, f->len);
    }
    for (size_t i = 0; i < t->ncols; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(t->cols[i], t->cols[j]) == 0) {
                problem_at(problems, t, NULL, 1, t->cols[i], t->cols[i], strlen(t->cols[i]),
                           "duplicated column (also column %zu)", j + 1);
                problems->fatal++;
                csv_free_source(&c->base);
                return NULL;
            }
    return &c->base;
}
