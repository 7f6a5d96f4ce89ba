/*
** write: hands every row to a sink, as one table; counts them.
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
