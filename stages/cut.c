/*
** cut: drops the named columns, as `cut -x` or Miller's `cut -x -f`.
** Names the header does not have are ignored.
*/
#include <string.h>

#include "stages.h"

typedef struct {
    stage_t base;
    char **names;
    size_t nnames;
    table_t *out;
    size_t *drop;       /* indexes to drop, descending */
    size_t ndrop;
} cut_t;

static const table_t *cut_header(stage_t *self, const table_t *in)
{
    cut_t *c = (cut_t *)self;
    table_free(c->out);
    c->out = table_new(in->name, in->source);
    free(c->drop);
    c->drop = xcalloc(in->ncols, sizeof *c->drop);
    c->ndrop = 0;
    for (size_t i = in->ncols; i-- > 0;) {
        bool dropped = false;
        for (size_t j = 0; j < c->nnames; j++)
            if (strcmp(in->cols[i], c->names[j]) == 0)
                dropped = true;
        if (dropped)
            c->drop[c->ndrop++] = i;
    }
    for (size_t i = 0; i < in->ncols; i++) {
        bool dropped = false;
        for (size_t j = 0; j < c->ndrop; j++)
            if (c->drop[j] == i)
                dropped = true;
        if (!dropped)
            table_add_col(c->out, in->cols[i], strlen(in->cols[i]));
    }
    return c->out;
}

static stage_result_t cut_process(stage_t *self, row_t *row)
{
    cut_t *c = (cut_t *)self;
    if (!row)
        return STAGE_DROP;
    for (size_t j = 0; j < c->ndrop; j++)
        row_remove(row, c->drop[j]);
    return STAGE_PASS;
}

static void cut_free(stage_t *self)
{
    cut_t *c = (cut_t *)self;
    for (size_t i = 0; i < c->nnames; i++)
        free(c->names[i]);
    free(c->names);
    free(c->drop);
    table_free(c->out);
    free(c);
}

stage_t *cut_new(const char *const *names)
{
    cut_t *c = xcalloc(1, sizeof *c);
    c->base.name = "cut";
    c->base.header = cut_header;
    c->base.process = cut_process;
    c->base.free = cut_free;
    while (names[c->nnames])
        c->nnames++;
    c->names = xcalloc(c->nnames + 1, sizeof *c->names);
    for (size_t i = 0; i < c->nnames; i++)
        c->names[i] = xstrdup(names[i]);
    return &c->base;
}
