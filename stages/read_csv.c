/*
** read_csv: records of one table from CSV bytes, parsed by libcsv.
**
** Dialect (SPEC "Datasets"): RFC 4180, comma, '"' quoting, header row, LF
** or CRLF line ends, UTF-8 with an optional BOM. An empty unquoted field
** is NULL, "" is the empty string (libcsv's CSV_EMPTY_IS_NULL). libcsv is
** told that only LF ends a record and that CR is the only "space" (which
** it trims around unquoted fields and after a closing quote), so CRLF line
** ends vanish while spaces and CRs inside quotes are kept exactly.
**
** The input is fed to libcsv one physical line at a time, so a finished
** record always ends at the line just fed: that gives each record's
** starting line and its raw text without a second parse.
**
** Structural damage (malformed quoting, an unterminated quote, a bad
** header) makes the table unreadable: a fatal problem. A ragged row or a
** field that is not UTF-8 is a problem of that row alone: the row is
** still handed out, marked broken, for validate to drop (or reject).
*/
#include <csv.h>
#include <string.h>

#include "stages.h"

#define CSV_CHUNK ((size_t)256 * 1024)
/* Bounds on hostile input, so memory stays bounded: a record holds at most
** RECORD_MAX bytes (its raw text, libcsv's field buffer and the row's copy:
** about 3 x RECORD_MAX in all), a header at most COLUMNS_MAX columns. */
#define RECORD_MAX ((size_t)16 * 1024 * 1024)
#define COLUMNS_MAX 4096

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
    row_t row;
    buf_t raw;
} csv_src_t;

static void on_field(void *data, size_t len, void *ctx)
{
    csv_src_t *c = ctx;
    row_push(&c->row, data, len);
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
        problem_fatal(c->problems, c->base.table->source, "%s", c->bytes->err);
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
    const table_t *t = c->base.table;
    size_t col = c->row.n;
    char name[32];
    const char *colname = name;
    if (t->ncols > 0 && col < t->ncols)
        colname = t->cols[col];
    else
        snprintf(name, sizeof name, "#%zu", col + 1);
    problem_at(c->problems, t, NULL, c->record_line, colname, c->raw.data, c->raw.len, "%s", rule);
    c->failed = true;
}

/* Parses until one whole record is in c->row. Returns 1, 0 at the end,
** -1 when the table cannot be read further. */
static int parse_record(csv_src_t *c)
{
    row_reset(&c->row);
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
    row_set_raw(&c->row, c->raw.len ? c->raw.data : "", len);
    c->row.line = c->record_line;
    c->in_record = false;
    return 1;
}

static bool check_row_shape(csv_src_t *c)
{
    const table_t *t = c->base.table;
    row_t *r = &c->row;
    if (r->n != t->ncols) {
        if (r->n < t->ncols)
            problem_at(c->problems, t, r, r->line, t->cols[r->n], NULL, 0,
                       "ragged row: %zu fields, the header has %zu", r->n, t->ncols);
        else {
            char name[32];
            snprintf(name, sizeof name, "#%zu", t->ncols + 1);
            problem_at(c->problems, t, r, r->line, name, r->f[t->ncols].data,
                       r->f[t->ncols].len, "ragged row: %zu fields, the header has %zu", r->n,
                       t->ncols);
        }
        return false;
    }
    for (size_t i = 0; i < r->n; i++) {
        if (!r->f[i].null && !utf8_valid(r->f[i].data, r->f[i].len)) {
            problem_field(c->problems, t, r, i,
                          memchr(r->f[i].data, '\0', r->f[i].len)
                              ? "not text: contains a NUL byte"
                              : "not valid UTF-8");
            return false;
        }
    }
    return true;
}

static int csv_next(source_t *self, row_t **row)
{
    csv_src_t *c = (csv_src_t *)self;
    int got = parse_record(c);
    if (got <= 0)
        return got;
    c->row.broken = !check_row_shape(c);
    *row = &c->row;
    return 1;
}

static void csv_free_source(source_t *self)
{
    csv_src_t *c = (csv_src_t *)self;
    csv_free(&c->parser);
    bytesrc_free(c->bytes);
    table_free(c->base.table);
    row_free(&c->row);
    buf_free(&c->raw);
    free(c->chunk);
    free(c);
}

source_t *csv_source_open(bytesrc_t *bytes, const char *table_name, const char *display,
                          problems_t *problems)
{
    csv_src_t *c = xcalloc(1, sizeof *c);
    c->base.next = csv_next;
    c->base.free = csv_free_source;
    c->base.table = table_new(table_name, display);
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
        csv_free_source(&c->base);
        return NULL;
    }
    table_t *t = c->base.table;
    row_t *h = &c->row;
    if (h->n > COLUMNS_MAX) {
        problem_fatal(problems, display, "not a dump of the planner: %zu columns (at most %d)",
                      h->n, COLUMNS_MAX);
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
