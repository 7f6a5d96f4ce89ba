/*
** libFuzzer target: the pg_dump archive reader (stages/read_pgdump*.c).
** The input is written to a file (the reader seeks in it, as in a real
** archive) and opened as a dataset would be; each of the planner's three
** tables is read to its end. The first byte chooses whether the schema
** is public or another; the rest is the archive: custom, tar or script,
** whatever the bytes say. Invariants: no crash, no leak, no read out of
** bounds; lines of a table only grow from 1; a row not marked broken has
** exactly the header's fields; NULL fields are empty; every row has its
** raw text; a table that cannot be read says why (a fatal problem).
** Then the COPY text decoder alone on the same bytes, compared at two
** chunk sizes.
*/
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../stages/pgdump.h"
#include "../../stages/stages.h"
#include "../memsrc.h"

static const char *const TABLES[] = {"projects", "project_phases", "resource_assignments"};

/* Reads every table of the archive at `path`, checking the invariants. */
static void read_archive(const char *path, const char *schema)
{
    problems_t problems;
    problems_init(&problems, 0);
    if (pgdump_recognised(path)) {
        pgdump_t *a = pgdump_open(path, schema, &problems);
        for (size_t t = 0; a && t < ARRAY_LEN(TABLES); t++) {
            size_t fatal = problems.fatal;
            source_t *src = pgdump_table(a, TABLES[t], &problems);
            if (!src) {
                if (problems.fatal == fatal)
                    __builtin_trap();
                continue;
            }
            row_t *row;
            int got;
            int64_t last = 0;
            while ((got = src->next(src, &row)) == 1) {
                if (row->line != last + 1 || !row->raw)
                    __builtin_trap();
                last = row->line;
                if (!row->broken && row->n != src->table->ncols)
                    __builtin_trap();
                for (size_t i = 0; i < row->n; i++)
                    if (row->f[i].null && row->f[i].len != 0)
                        __builtin_trap();
            }
            if (got < 0 && problems.fatal == fatal)
                __builtin_trap();
            source_free(src);
        }
        pgdump_close(a);
    }
    problems_free(&problems);
}

/* The rows the COPY decoder makes of `text`, `chunk` bytes a read, as
** bytes in `out` (initialised here). */
static void decode_all(const uint8_t *text, size_t len, size_t chunk, buf_t *out_)
{
    problems_t problems;
    problems_init(&problems, 0);
    buf_t out;
    buf_init(&out);
    table_t *header = table_new("t", "fuzz[t]");
    table_add_col(header, "a", 1);
    table_add_col(header, "b", 1);
    source_t *src = copy_source_open(mem_src_new(text, len, chunk, "fuzz"), header, NULL, NULL,
                                     &problems);
    row_t *row;
    int got;
    while ((got = src->next(src, &row)) == 1) {
        buf_printf(&out, "%lld%s:", (long long)row->line, row->broken ? " broken" : "");
        for (size_t i = 0; i < row->n; i++) {
            buf_printf(&out, row->f[i].null ? " NULL" : " %zu[", row->f[i].len);
            if (!row->f[i].null) {
                buf_add(&out, row->f[i].data, row->f[i].len);
                buf_addc(&out, ']');
            }
        }
        buf_printf(&out, " <%zu>\n", row->raw_len);
    }
    buf_printf(&out, "end %d\n", got);
    source_free(src);
    for (size_t i = 0; i < problems.nshown; i++)
        buf_printf(&out, "! %s\n", problems.shown[i]);
    problems_free(&problems);
    *out_ = out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/fuzz_pgdump.%d", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);
    read_archive(path, data[0] & 1 ? "archive" : NULL);
    unlink(path);
    buf_t a, b;
    decode_all(data + 1, size - 1, (size_t)data[0] % 64 + 1, &a);
    decode_all(data + 1, size - 1, 1, &b);
    if (a.len != b.len || (a.len && memcmp(a.data, b.data, a.len) != 0))
        __builtin_trap();
    buf_free(&a);
    buf_free(&b);
    return 0;
}
