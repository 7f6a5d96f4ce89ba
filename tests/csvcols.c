/*
** csvcols FILE COLUMNS|--like REF: prints the CSV file FILE with the
** columns COLUMNS (comma separated) or those of REF's header, in that
** order, as phasemig writes CSV. Read with phasemig's own reader, so
** NULL and "" stay apart. For tests that compare datasets whose column
** order differs (rollback puts phase_type last).
*/
#include <stdio.h>
#include <string.h>

#include "../pipeline/frame/output.h"
#include "../stages/stages.h"

static source_t *open_csv(const char *path, problems_t *problems)
{
    bytesrc_t *bytes = bytesrc_file_open(path);
    if (!bytes) {
        fprintf(stderr, "csvcols: %s: cannot open\n", path);
        exit(2);
    }
    source_t *src = csv_source_open(bytes, "t", path, problems);
    if (!src) {
        problems_print(problems, stderr);
        exit(2);
    }
    return src;
}

int main(int argc, char **argv)
{
    if (argc != 3 && !(argc == 4 && strcmp(argv[2], "--like") == 0)) {
        fprintf(stderr, "usage: csvcols FILE COL[,COL...] | csvcols FILE --like REF\n");
        return 2;
    }
    problems_t problems;
    problems_init(&problems, 0);
    table_t *want = table_new("t", "");
    if (argc == 4) {
        source_t *ref = open_csv(argv[3], &problems);
        for (size_t i = 0; i < ref->table->ncols; i++)
            table_add_col(want, ref->table->cols[i], strlen(ref->table->cols[i]));
        source_free(ref);
    } else {
        for (const char *p = argv[2];;) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            table_add_col(want, p, len);
            if (!comma)
                break;
            p = comma + 1;
        }
    }
    source_t *src = open_csv(argv[1], &problems);
    int *at = xcalloc(want->ncols, sizeof *at);
    for (size_t i = 0; i < want->ncols; i++)
        if ((at[i] = table_col(src->table, want->cols[i])) < 0) {
            fprintf(stderr, "csvcols: %s: no column %s\n", argv[1], want->cols[i]);
            return 2;
        }
    buf_t out;
    buf_init(&out);
    csv_format_strings(&out, (const char *const *)want->cols, want->ncols);
    row_t *row;
    field_t *f = xcalloc(want->ncols, sizeof *f);
    while (src->next(src, &row) == 1) {
        for (size_t i = 0; i < want->ncols; i++)
            f[i] = row->f[at[i]];
        csv_format_record(&out, f, want->ncols, 0);
        fwrite(out.data, 1, out.len, stdout);
        buf_clear(&out);
    }
    int rc = problems.count ? 2 : 0;
    if (rc)
        problems_print(&problems, stderr);
    free(f);
    free(at);
    buf_free(&out);
    source_free(src);
    table_free(want);
    problems_free(&problems);
    return rc;
}
