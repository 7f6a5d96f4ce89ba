/*
** write_csv: tables as CSV files (plain or gzip) in a directory, formatted
** by pipeline/frame/csvtext.c. Each file goes through the command's
** write_behind (stage.h), if it gave one: deflating and writing then run
** on a thread the chain starts, while the rows are formatted here
** (docs/performance.md).
*/
#include <string.h>

#include "stages.h"

typedef struct {
    sink_t base;
    char *dir;
    bool gzip;
    write_behind_fn write_behind;
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
    if (s->write_behind)
        s->file = s->write_behind(s->file);
    buf_free(&path);
    buf_clear(&s->line);
    csv_format_strings(&s->line, (const char *const *)t->cols, t->ncols);
}

static void csv_row(sink_t *self, const row_t *row)
{
    csv_sink_t *s = (csv_sink_t *)self;
    csv_format_row(&s->line, row);
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

sink_t *csv_sink_new(const char *dir, bool gzip, write_behind_fn write_behind)
{
    csv_sink_t *s = xcalloc(1, sizeof *s);
    s->base.begin = csv_begin;
    s->base.row = csv_row;
    s->base.end = csv_end;
    s->base.close = csv_close;
    s->base.free = csv_free_sink;
    s->dir = xstrdup(dir);
    s->gzip = gzip;
    s->write_behind = write_behind;
    buf_init(&s->line);
    return &s->base;
}
