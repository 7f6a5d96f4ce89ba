/*
** COPY text as pg_dump writes it (stages/read_pgdump.c), fed at every
** chunk size from 1 byte up, as tests/unit/test_csv.c does for CSV: the
** rows, NULLs, lines, raw text and problems must not depend on where the
** reads split the bytes. Then the COPY statement parser and a plain
** script's COPY block found among others.
*/
#include <string.h>

#include "../../stages/pgdump.h"
#include "../../stages/stages.h"
#include "../memsrc.h"
#include "unit.h"

/* Renders the rows of `data` read `chunk` bytes at a time, with columns
** `cols` ("a,b"), or, when `find` is set, as a script holding the COPY
** block of public.`find`: per row "LINE: [f1] NULL ... <raw>" (broken
** rows marked), problems as "! message". */
static char *render(const char *data, size_t len, size_t chunk, const char *cols,
                    const char *find)
{
    bytesrc_t *bytes = mem_src_new(data, len, chunk, "a.dump");
    problems_t problems;
    problems_init(&problems, 0);
    buf_t out;
    buf_init(&out);
    table_t *header = table_new("t", "a.dump[t]");
    for (const char *c = cols; c && *c;) {
        const char *comma = strchr(c, ',');
        size_t n = comma ? (size_t)(comma - c) : strlen(c);
        table_add_col(header, c, n);
        c += n + (comma ? 1 : 0);
    }
    source_t *src = copy_source_open(bytes, header, find ? "public" : NULL, find, &problems);
    if (src) {
        buf_adds(&out, "cols=");
        for (size_t i = 0; i < src->table->ncols; i++)
            buf_printf(&out, "%s%s", i ? "|" : "", src->table->cols[i]);
        buf_addc(&out, '\n');
        row_t *row;
        int got;
        while ((got = src->next(src, &row)) == 1) {
            buf_printf(&out, "%lld:", (long long)row->line);
            for (size_t i = 0; i < row->n; i++) {
                if (row->f[i].null) {
                    buf_adds(&out, " NULL");
                } else {
                    buf_adds(&out, " [");
                    for (size_t k = 0; k < row->f[i].len; k++) {
                        if (row->f[i].data[k] == '\0')
                            buf_adds(&out, "<NUL>");    /* the rendering is compared as a string */
                        else
                            buf_addc(&out, row->f[i].data[k]);
                    }
                    buf_adds(&out, "]");
                }
            }
            buf_adds(&out, " <");
            buf_add(&out, row->raw, row->raw_len);
            buf_adds(&out, row->broken ? "> broken\n" : ">\n");
        }
        if (got < 0)
            buf_adds(&out, "unreadable\n");
        source_free(src);
    }
    for (size_t i = 0; i < problems.nshown; i++)
        buf_printf(&out, "! %s\n", problems.shown[i]);
    problems_free(&problems);
    buf_addc(&out, '\0');
    return out.data;
}

/* The rendering is `want` at every chunk size. */
static void check_all_chunks(const char *data, size_t len, const char *cols, const char *find,
                             const char *want)
{
    for (size_t chunk = 1; chunk <= len + 1; chunk++) {
        char *got = render(data, len, chunk, cols, find);
        if (strcmp(got, want) != 0)
            fail_msg("chunk size %zu:\n--- want\n%s--- got\n%s", chunk, want, got);
        free(got);
    }
}

#define CHECK(data, cols, want) check_all_chunks(data, sizeof(data) - 1, cols, NULL, want)
#define CHECK_SCRIPT(data, find, want) check_all_chunks(data, sizeof(data) - 1, NULL, find, want)

static void null_is_not_empty(void **state)
{
    (void)state;
    CHECK("1\t\t\\N\n\\N\tx\t\n",
          "a,b,c",
          "cols=a|b|c\n"
          "1: [1] [] NULL <1\t\t\\N>\n"
          "2: NULL [x] [] <\\N\tx\t>\n");
}

static void every_escape(void **state)
{
    (void)state;
    CHECK("\\b\\f\\n\\r\\t\\v\\\\\t\\101\\7\\0101\\60\t\\x41\\x4\\x4G\\xZ\t\\q\\,\\\"\t\\\\N\\Nx\n",
          "a,b,c,d,e",
          "cols=a|b|c|d|e\n"
          "1: [\b\f\n\r\t\v\\] [A\a\b1\060] [A\x04\x04GxZ] [q,\"] [\\NNx] "
          "<\\b\\f\\n\\r\\t\\v\\\\\t\\101\\7\\0101\\60\t\\x41\\x4\\x4G\\xZ\t\\q\\,\\\"\t\\\\N\\Nx>\n");
}

static void octal_wraps_to_a_byte(void **state)
{
    (void)state;
    /* \777 is 511: PostgreSQL keeps its low byte, 0xff, which is no UTF-8 */
    CHECK("\\303\\251\t\\777\n",
          "a,b",
          "cols=a|b\n"
          "1: [\xc3\xa9] [\xff] <\\303\\251\t\\777> broken\n"
          "! a.dump[t]:1: column b: '\\xff': not valid UTF-8\n");
}

static void nul_is_not_text(void **state)
{
    (void)state;
    CHECK("a\\0b\tc\n",
          "a,b",
          "cols=a|b\n"
          "1: [a<NUL>b] [c] <a\\0b\tc> broken\n"
          "! a.dump[t]:1: column a: 'a\\x00b': not text: contains a NUL byte\n");
}

static void end_marker_ends_the_data(void **state)
{
    (void)state;
    CHECK("x\ty\n\\.\n\n\nnot\tread\n",
          "a,b",
          "cols=a|b\n"
          "1: [x] [y] <x\ty>\n");
}

static void no_end_marker_no_final_newline(void **state)
{
    (void)state;
    CHECK("x\ty\nz\tw", "a,b",
          "cols=a|b\n"
          "1: [x] [y] <x\ty>\n"
          "2: [z] [w] <z\tw>\n");
    CHECK("", "a,b", "cols=a|b\n");
}

static void escaped_tab_is_not_a_separator(void **state)
{
    (void)state;
    CHECK("a\\\tb\tc\n", "a,b",
          "cols=a|b\n"
          "1: [a\tb] [c] <a\\\tb\tc>\n");
}

static void ragged_rows(void **state)
{
    (void)state;
    CHECK("1\t2\t3\t4\n1\n", "a,b,c",
          "cols=a|b|c\n"
          "1: [1] [2] [3] [4] <1\t2\t3\t4> broken\n"
          "2: [1] <1> broken\n"
          "! a.dump[t]:1: column #4: '4': ragged row: 4 fields, the header has 3\n"
          "! a.dump[t]:2: column b: '': ragged row: 1 fields, the header has 3\n");
}

static void fields_past_the_columns_counted_not_kept(void **state)
{
    (void)state;
    CHECK("1\t2\t3\t4\t5\t6\n", "a",
          "cols=a\n"
          "1: [1] [2] <1\t2\t3\t4\t5\t6> broken\n"
          "! a.dump[t]:1: column #2: '2': ragged row: 6 fields, the header has 1\n");
}

static void invalid_escapes(void **state)
{
    (void)state;
    CHECK("ok\tfine\nx\tends in \\\nnever\there\n", "a,b",
          "cols=a|b\n"
          "1: [ok] [fine] <ok\tfine>\n"
          "unreadable\n"
          "! a.dump[t]:2: column b: 'ends in \\\\': invalid escape: a backslash at the end of "
          "the line\n");
    CHECK("x\\.y\tz\n", "a,b",
          "cols=a|b\n"
          "unreadable\n"
          "! a.dump[t]:1: column a: 'x\\\\.y': invalid escape: \\. inside a line (it ends the "
          "data only alone on a line)\n");
}

static void copy_statements(void **state)
{
    (void)state;
    char *schema = NULL, *table = NULL;
    table_t *t = table_new("t", "s");
    assert_true(copy_stmt_parse("COPY public.projects (id, \"end\", \"we\"\"ird\") FROM stdin;\n",
                                56, &schema, &table, t));
    assert_string_equal(schema, "public");
    assert_string_equal(table, "projects");
    assert_int_equal(t->ncols, 3);
    assert_string_equal(t->cols[1], "end");
    assert_string_equal(t->cols[2], "we\"ird");
    free(schema);
    free(table);
    table_free(t);
    static const char quoted[] = "COPY \"My Schema\".\"T.x\" (a) FROM stdin;";
    assert_true(copy_stmt_parse(quoted, sizeof quoted - 1, &schema, &table, NULL));
    assert_string_equal(schema, "My Schema");
    assert_string_equal(table, "T.x");
    free(schema);
    free(table);
    static const char *const bad[] = {
        "COPY public.t FROM stdin;",
        "COPY public.t () FROM stdin;",
        "COPY public.t (a, b) FROM stdin",
        "COPY public.t (a, b) TO stdout;",
        "INSERT INTO public.t VALUES (1);",
        "COPY public.t (\"a) FROM stdin;",
        "COPY public.t (a) FROM stdin; trailing",
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++)
        if (copy_stmt_parse(bad[i], strlen(bad[i]), &schema, &table, NULL))
            fail_msg("parsed: %s", bad[i]);
}

static void script_finds_its_table(void **state)
{
    (void)state;
    CHECK_SCRIPT("--\n-- PostgreSQL database dump\n--\n"
                 "CREATE TABLE public.t (a text);\n"
                 "COPY public.other (x) FROM stdin;\n"
                 "COPY public.t (a, b) FROM stdin;\n"
                 "\\.\n"
                 "COPY archive.t (a, b) FROM stdin;\n"
                 "no\tno\n"
                 "\\.\n"
                 "COPY public.t (a, \"b c\") FROM stdin;\n"
                 "1\t\\N\n"
                 "\\.\n"
                 "COPY public.later (x) FROM stdin;\n"
                 "9\n"
                 "\\.\n",
                 "t",
                 "cols=a|b c\n"
                 "1: [1] NULL <1\t\\N>\n");
}

static void script_without_the_table(void **state)
{
    (void)state;
    CHECK_SCRIPT("--\n-- PostgreSQL database dump\n--\nINSERT INTO public.t VALUES (1);\n", "t",
                 "! a.dump[t]: no COPY data for public.t in the script (dumped with --inserts, "
                 "or without the table?)\n");
}

static void script_cut_inside_the_data(void **state)
{
    (void)state;
    CHECK_SCRIPT("COPY public.t (a) FROM stdin;\n1\n2\n", "t",
                 "cols=a\n"
                 "1: [1] <1>\n"
                 "2: [2] <2>\n"
                 "unreadable\n"
                 "! a.dump[t]: truncated script: the COPY data ends without a line \\.\n");
}

static void archive_integers(void **state)
{
    (void)state;
    static const unsigned char bytes[] = {0, 1, 2, 0, 0, 1, 5, 0, 0, 0, 0};
    FILE *f = fmemopen((void *)bytes, sizeof bytes, "rb");
    int64_t v;
    assert_true(pgdump_read_int(f, 4, &v));
    assert_int_equal(v, 0x201);
    assert_true(pgdump_read_int(f, 4, &v));
    assert_int_equal(v, -5);
    assert_false(pgdump_read_int(f, 4, &v));    /* cut */
    fclose(f);
}

int run_pgdump_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(null_is_not_empty),
        cmocka_unit_test(every_escape),
        cmocka_unit_test(octal_wraps_to_a_byte),
        cmocka_unit_test(nul_is_not_text),
        cmocka_unit_test(end_marker_ends_the_data),
        cmocka_unit_test(no_end_marker_no_final_newline),
        cmocka_unit_test(escaped_tab_is_not_a_separator),
        cmocka_unit_test(ragged_rows),
        cmocka_unit_test(fields_past_the_columns_counted_not_kept),
        cmocka_unit_test(invalid_escapes),
        cmocka_unit_test(copy_statements),
        cmocka_unit_test(script_finds_its_table),
        cmocka_unit_test(script_without_the_table),
        cmocka_unit_test(script_cut_inside_the_data),
        cmocka_unit_test(archive_integers),
    };
    return cmocka_run_group_tests_name("pg_dump archives", tests, NULL, NULL);
}
