/*
** libFuzzer target: the CSV reader. The first input byte sets the size of
** the reads (so chunking is fuzzed too); the rest is the file. Invariants
** that must hold whatever the bytes: lines only grow and start after the
** header, every row has its raw text, a row not marked broken has exactly
** the header's number of fields, and NULL fields are empty.
*/
#include <string.h>

#include "../../stages/stages.h"
#include "../memsrc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bytesrc_t *bytes = mem_src_new(data + 1, size - 1, (size_t)data[0] % 64 + 1, "fuzz.csv");
    problems_t problems;
    problems_init(&problems, 0);
    source_t *src = csv_source_open(bytes, "t", "fuzz.csv", &problems);
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
