/*
** write_csv: tables as CSV files (plain or gzip) in a directory.
**
** Quoting as PostgreSQL's COPY ... CSV writes it, so that the output loads
** back exactly: NULL is an empty unquoted field, an empty string is "",
** and a value is quoted when it holds a comma, a quote, CR or LF (or is
** exactly \. , which psql would take for the end of data). Line end: LF.
*/
#include <string.h>

#include "stages.h"

void csv_format_field(buf_t *out, const field_t *f)
{
    if (f->null)
        return;
    bool quote = f->len == 0 || (f->len == 2 && memcmp(f->data, "\\.", 2) == 0);
    for (size_t i = 0; i < f->len && !quote; i++) {
        char c = f->data[i];
        quote = c == ',' || c == '"' || c == '\n' || c == '\r';
    }
    if (!quote) {
        buf_add(out, f->data, f->len);
        return;
    }
    buf_addc(out, '"');
    const char *p = f->data, *end = f->data + f->len;
    while (p < end) {
        const char *q = memchr(p, '"', (size_t)(end - p));
        if (!q) {
            buf_add(out, p, (size_t)(end - p));
            break;
        }
        buf_add(out, p, (size_t)(q - p) + 1);
        buf_addc(out, '"');
        p = q + 1;
    }
    buf_addc(out, '"');
}

void csv_format_record(buf_t *out, const field_t *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_addc(out, ',');
        csv_format_field(out, &f[i]);
    }
    buf_addc(out, '\n');
}

void csv_format_strings(buf_t *out, const char *const *values, size_t n)
{
    field_t f[16];
    for (size_t i = 0; i < n && i < ARRAY_LEN(f); i++) {
        f[i].null = values[i] == NULL;
        f[i].data = values[i] ? values[i] : "";
        f[i].len = values[i] ? strlen(values[i]) : 0;
    }
    csv_format_record(out, f, n < ARRAY_LEN(f) ? n : ARRAY_LEN(f));
}

typedef struct {
    sink_t base;
    char *dir;
    bool gzip;
    bytesink_t *file;
    buf_t line;
} csv_sink_t;

#define FLUSH_AT ((size_t)64 * 1024)

static void csv_begin(sink_t *self, const table_t *t)
{
    csv_sink_t *s = (csv_sink_t *)self;
    buf_t path;
    buf_init(&path);
    buf_printf(&path, "%s/%s.csv%s", s->dir, t->name, s->gzip ? ".gz" : "");
    s->file = bytesink_file_new(buf_str(&path));
    if (s->gzip)
        s->file = gzip_bytesink_new(s->file);
    buf_free(&path);
    buf_clear(&s->line);
    csv_format_strings(&s->line, (const char *const *)t->cols, t->ncols);
}

static void csv_row(sink_t *self, const row_t *row)
{
    csv_sink_t *s = (csv_sink_t *)self;
    csv_format_record(&s->line, row->f, row->n);
    if (s->line.len >= FLUSH_AT) {
        s->file->write(s->file, s->line.data, s->line.len);
        buf_clear(&s->line);
    }
}

static void csv_end(sink_t *self)
{
    csv_sink_t *s = (csv_sink_t *)self;
    s->file->write(s->file, s->line.data, s->line.len);
    buf_clear(&s->line);
    s->file->close(s->file);
    bytesink_free(s->file);
    s->file = NULL;
}

static void csv_close(sink_t *self)
{
    (void)self;
}

static void csv_free_sink(sink_t *self)
{
    csv_sink_t *s = (csv_sink_t *)self;
    bytesink_free(s->file);
    buf_free(&s->line);
    free(s->dir);
    free(s);
}

sink_t *csv_sink_new(const char *dir, bool gzip)
{
    csv_sink_t *s = xcalloc(1, sizeof *s);
    s->base.begin = csv_begin;
    s->base.row = csv_row;
    s->base.end = csv_end;
    s->base.close = csv_close;
    s->base.free = csv_free_sink;
    s->dir = xstrdup(dir);
    s->gzip = gzip;
    buf_init(&s->line);
    return &s->base;
}
