/*
** write: hands every row to a sink, as one table; counts them. Also the
** sinks of a dry run, which take everything and keep nothing.
*/
#include "stages.h"

typedef struct {
    stage_t base;
    sink_t *sink;
    uint64_t *count;
} write_t;

static const table_t *write_header(stage_t *self, const table_t *in)
{
    write_t *w = (write_t *)self;
    w->sink->begin(w->sink, in);
    return in;
}

static stage_result_t write_process(stage_t *self, row_t *row)
{
    write_t *w = (write_t *)self;
    if (!row) {
        w->sink->end(w->sink);
        return STAGE_DROP;
    }
    w->sink->row(w->sink, row);
    (*w->count)++;
    return STAGE_PASS;
}

static void write_free(stage_t *self)
{
    free(self);
}

stage_t *write_new(sink_t *sink, uint64_t *count)
{
    write_t *w = xcalloc(1, sizeof *w);
    w->base.name = "write";
    w->base.header = write_header;
    w->base.process = write_process;
    w->base.free = write_free;
    w->sink = sink;
    w->count = count;
    return &w->base;
}

static void null_begin(sink_t *self, const table_t *t)
{
    (void)self, (void)t;
}

static void null_row(sink_t *self, const row_t *row)
{
    (void)self, (void)row;
}

static void null_end(sink_t *self)
{
    (void)self;
}

static void null_free(sink_t *self)
{
    free(self);
}

sink_t *null_sink_new(void)
{
    sink_t *s = xcalloc(1, sizeof *s);
    s->begin = null_begin;
    s->row = null_row;
    s->end = null_end;
    s->close = null_end;
    s->free = null_free;
    return s;
}

static void null_write(bytesink_t *self, const void *p, size_t n)
{
    (void)self, (void)p, (void)n;
}

static void null_close(bytesink_t *self)
{
    (void)self;
}

static void null_bytes_free(bytesink_t *self)
{
    free(self);
}

bytesink_t *null_bytesink_new(void)
{
    bytesink_t *b = xcalloc(1, sizeof *b);
    b->path = "(nothing)";
    b->write = null_write;
    b->close = null_close;
    b->free = null_bytes_free;
    return b;
}
