/*
** libFuzzer target: the CSV reader. The first input byte sets the size of
** the reads (so chunking is fuzzed too); the rest is the file. Invariants
** that must hold whatever the bytes: lines only grow and start after the
** header, every row has its raw text, a row not marked broken has exactly
** the header's number of fields, and NULL fields are empty.
*/
#include <string.h>

#include "../../stages/stages.h"

typedef struct {
    bytesrc_t base;
    const uint8_t *data;
    size_t len, pos, chunk;
} mem_src_t;

static ssize_t mem_read(bytesrc_t *self, void *buf, size_t n)
{
    mem_src_t *m = (mem_src_t *)self;
    size_t k = m->len - m->pos;
    if (k > n)
        k = n;
    if (k > m->chunk)
        k = m->chunk;
    memcpy(buf, m->data + m->pos, k);
    m->pos += k;
    return (ssize_t)k;
}

static void mem_free(bytesrc_t *self)
{
    free(self);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    mem_src_t *m = xcalloc(1, sizeof *m);
    m->base.path = "fuzz.csv";
    m->base.read = mem_read;
    m->base.free = mem_free;
    m->chunk = (size_t)data[0] % 64 + 1;
    m->data = data + 1;
    m->len = size - 1;
    problems_t problems;
    problems_init(&problems, 0);
    source_t *src = csv_source_open(&m->base, "t", "fuzz.csv", &problems);
    if (src) {
        row_t *row;
        int64_t last = 1;
        while (src->next(src, &row) == 1) {
            if (row->line <= last || !row->raw)
                __builtin_trap();
            last = row->line;
            if (!row->broken && row->n != src->table->ncols)
                __builtin_trap();
            for (size_t i = 0; i < row->n; i++)
                if (row->f[i].null && row->f[i].len != 0)
                    __builtin_trap();
        }
        source_free(src);
    }
    problems_free(&problems);
    return 0;
}
