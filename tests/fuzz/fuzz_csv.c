/*
** libFuzzer target: the CSV reader. The first input byte sets the size of
** the reads (so chunking is fuzzed too); the rest is the file. Invariants
** that must hold whatever the bytes: lines only grow and start after the
** header, every row has its raw text, a row not marked broken has exactly
** the header's number of fields, NULL fields are empty, and the rows (raw
** text included) and problems are those of reading the same bytes one at
** a time.
*/
#include <string.h>

#include "../../stages/stages.h"
#include "../memsrc.h"

/* Reads `text` `chunk` bytes at a time, checks the invariants and returns
** what was read (fields, NULLs, lines, brokenness, problems) as one string. */
static char *read_all(const uint8_t *text, size_t len, size_t chunk)
{
    bytesrc_t *bytes = mem_src_new(text, len, chunk, "fuzz.csv");
    problems_t problems;
    problems_init(&problems, 0);
    buf_t out;
    buf_init(&out);
    source_t *src = csv_source_open(bytes, "t", "fuzz.csv", &problems);
    if (src) {
        row_t *row;
        int64_t last = 1;
        int got;
        while ((got = src->next(src, &row)) == 1) {
            if (row->line <= last || !row->raw)
                __builtin_trap();
            last = row->line;
            if (!row->broken && row->n != src->table->ncols)
                __builtin_trap();
            buf_printf(&out, "%lld%s:", (long long)row->line, row->broken ? " broken" : "");
            for (size_t i = 0; i < row->n; i++) {
                if (row->f[i].null && row->f[i].len != 0)
                    __builtin_trap();
                buf_printf(&out, row->f[i].null ? " NULL" : " %zu[", row->f[i].len);
                if (!row->f[i].null) {
                    buf_add(&out, row->f[i].data, row->f[i].len);
                    buf_addc(&out, ']');
                }
            }
            buf_printf(&out, " <%zu[", row->raw_len);
            buf_add(&out, row->raw, row->raw_len);
            buf_adds(&out, "]>\n");
        }
        buf_printf(&out, "end %d\n", got);
        source_free(src);
    }
    for (size_t i = 0; i < problems.nshown; i++)
        buf_printf(&out, "! %s\n", problems.shown[i]);
    problems_free(&problems);
    buf_addc(&out, '\0');
    return out.data;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The first byte sets the read size. Whatever it is, the result is the one
** of 1-byte reads: there every byte is a piece of its own, so libcsv always
** classifies with the reader's exact rules (read_csv.c), never its own, and
** parses every record (no read holds a whole plain line). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *chunked = read_all(data + 1, size - 1, (size_t)data[0] % 64 + 1);
    char *bytewise = read_all(data + 1, size - 1, 1);
    if (strcmp(chunked, bytewise) != 0)
        __builtin_trap();
    free(chunked);
    free(bytewise);
    return 0;
}
