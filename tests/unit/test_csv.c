/*
** The CSV reader, fed every input at every chunk size from 1 byte up (as
** libcsv's own tests do): the records, their lines, their raw text and
** the problems must not depend on where the reads split the bytes.
*/
#include <string.h>

#include "../../pipeline/frame/csvtext.h"
#include "../../stages/stages.h"
#include "../memsrc.h"
#include "unit.h"

/* Renders what the reader makes of `data` read `chunk` bytes at a time:
** "cols=a|b" then per record "LINE: [f1] [f2] ... <raw>", NULL as "NULL",
** a broken record marked "broken", problems as "! message". */
static char *render(const char *data, size_t len, size_t chunk)
{
    bytesrc_t *bytes = mem_src_new(data, len, chunk, "t.csv");
    problems_t problems;
    problems_init(&problems, 0);
    buf_t out;
    buf_init(&out);
    source_t *src = csv_source_open(bytes, "t", "t.csv", &problems);
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
                if (row->f[i].null)
                    buf_adds(&out, " NULL");
                else {
                    buf_adds(&out, " [");
                    buf_add(&out, row->f[i].data, row->f[i].len);
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
    return out.data;
}

/* The rendering is `want` at every chunk size. */
static void check_all_chunks(const char *data, size_t len, const char *want)
{
    for (size_t chunk = 1; chunk <= len + 1; chunk++) {
        char *got = render(data, len, chunk);
        if (strcmp(got, want) != 0)
            fail_msg("chunk size %zu:\n--- want\n%s--- got\n%s", chunk, want, got);
        free(got);
    }
}

#define CHECK(data, want) check_all_chunks(data, sizeof(data) - 1, want)

static void null_is_not_empty(void **state)
{
    (void)state;
    CHECK("a,b,c\n1,,\"\"\n",
          "cols=a|b|c\n"
          "2: [1] NULL [] <1,,\"\">\n");
}

static void quotes_commas_newlines(void **state)
{
    (void)state;
    CHECK("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",z\n\"\",\" \"\n",
          "cols=a|b\n"
          "2: [x, y] [say \"hi\"] <\"x, y\",\"say \"\"hi\"\"\">\n"
          "3: [two\nlines] [z] <\"two\nlines\",z>\n"
          "5: [] [ ] <\"\",\" \">\n");
}

static void crlf_and_bom(void **state)
{
    (void)state;
    CHECK("\xEF\xBB\xBF"
          "a,b\r\n1,2\r\n\"x\r\ny\",3\r\n,\r\n",
          "cols=a|b\n"
          "2: [1] [2] <1,2>\n"
          "3: [x\r\ny] [3] <\"x\r\ny\",3>\n"
          "5: NULL NULL <,>\n");
}

static void spaces_kept(void **state)
{
    (void)state;
    CHECK("a,b\n  x , y\t\n",
          "cols=a|b\n"
          "2: [  x ] [ y\t] <  x , y\t>\n");
}

static void no_final_newline_and_blank_lines(void **state)
{
    (void)state;
    CHECK("a,b\n\n1,2\n\n\n3,4",
          "cols=a|b\n"
          "3: [1] [2] <1,2>\n"
          "6: [3] [4] <3,4>\n");
}

static void ragged_rows(void **state)
{
    (void)state;
    CHECK("a,b\n1\n1,2,3\n",
          "cols=a|b\n"
          "2: [1] <1> broken\n"
          "3: [1] [2] [3] <1,2,3> broken\n"
          "! t.csv:2: column b: '': ragged row: 1 fields, the header has 2\n"
          "! t.csv:3: column #3: '3': ragged row: 3 fields, the header has 2\n");
}

/* Fields past one more than the header's are counted, not kept: the
** report is the same, the memory is not 32 bytes a field (a line of
** commas alone). Plain or quoted, at every chunk size. */
static void fields_past_the_header_counted_not_kept(void **state)
{
    (void)state;
    CHECK("a,b\n1,2,3,4,5\n1,2,3,\"4\"\n,,,,,,\n",
          "cols=a|b\n"
          "2: [1] [2] [3] <1,2,3,4,5> broken\n"
          "3: [1] [2] [3] <1,2,3,\"4\"> broken\n"
          "4: NULL NULL NULL <,,,,,,> broken\n"
          "! t.csv:2: column #3: '3': ragged row: 5 fields, the header has 2\n"
          "! t.csv:3: column #3: '3': ragged row: 4 fields, the header has 2\n"
          "! t.csv:4: column #3: '': ragged row: 7 fields, the header has 2\n");
}

static void not_utf8(void **state)
{
    (void)state;
    CHECK("a,b\n1,Caf\xe9\n2,x\n",
          "cols=a|b\n"
          "2: [1] [Caf\xe9] <1,Caf\xe9> broken\n"
          "3: [2] [x] <2,x>\n"
          "! t.csv:2: column b: 'Caf\\xe9': not valid UTF-8\n");
}

static void unterminated_quote(void **state)
{
    (void)state;
    CHECK("a,b\n1,\"open\n2,3\n",
          "cols=a|b\n"
          "unreadable\n"
          "! t.csv:2: column b: '1,\"open\\n2,3\\n': unterminated quoted field\n");
}

static void stray_quote(void **state)
{
    (void)state;
    CHECK("a,b\n1,2\n3,x\"y\n",
          "cols=a|b\n"
          "2: [1] [2] <1,2>\n"
          "unreadable\n"
          "! t.csv:3: column b: '3,x\"': malformed quoting (a quote inside an unquoted "
          "field, or text after a closing quote)\n");
}

static void text_after_closing_quote(void **state)
{
    (void)state;
    CHECK("a\n\"x\"y\n",
          "cols=a\n"
          "unreadable\n"
          "! t.csv:2: column a: '\"x\"y': malformed quoting (a quote inside an unquoted "
          "field, or text after a closing quote)\n");
}

/* Spaces and tabs inside a field, next to quotes, and a CR that does not
** end the line: kept as data, whichever way libcsv is asked to classify
** bytes (read_csv.c lets libcsv use its own tests on a line where they
** decide alike, so these lines mix both ways at small chunk sizes). */
static void spaces_inside_fields_and_lone_cr(void **state)
{
    (void)state;
    CHECK("a,b,c\n2024-01-15 09:00:00,x\ty,\"p q\"\n1  2,\" \"\" \",z\nx\ry,\r,\" \"\r\n",
          "cols=a|b|c\n"
          "2: [2024-01-15 09:00:00] [x\ty] [p q] <2024-01-15 09:00:00,x\ty,\"p q\">\n"
          "3: [1  2] [ \" ] [z] <1  2,\" \"\" \",z>\n"
          "4: [x\ry] NULL [ ] <x\ry,\r,\" \">\n");
}

/* Lines with no quote and no lone CR, which the reader splits at commas
** without libcsv when a read holds the whole line (at 1-byte reads libcsv
** sees them all): the same fields, NULLs, raw text and problems. */
static void plain_lines_split_as_libcsv_would(void **state)
{
    (void)state;
    CHECK("a,b,c\n,,\nx,\xc3\xa9,\xff\n, ,\t\r\n1,2\n",
          "cols=a|b|c\n"
          "2: NULL NULL NULL <,,>\n"
          "3: [x] [\xc3\xa9] [\xff] <x,\xc3\xa9,\xff> broken\n"
          "4: NULL [ ] [\t] <, ,\t>\n"
          "5: [1] [2] <1,2> broken\n"
          "! t.csv:3: column c: '\\xff': not valid UTF-8\n"
          "! t.csv:5: column c: '': ragged row: 2 fields, the header has 3\n");
}

/* The CSV text of what the reader makes of `data` read `chunk` bytes at
** a time, each row written as the CSV writer writes it. */
static char *rewrite(const char *data, size_t len, size_t chunk)
{
    problems_t problems;
    problems_init(&problems, 0);
    source_t *src = csv_source_open(mem_src_new(data, len, chunk, "t.csv"), "t", "t.csv", &problems);
    assert_non_null(src);
    buf_t out;
    buf_init(&out);
    row_t *row;
    while (src->next(src, &row) == 1) {
        if (row->n > 1)
            row_remove(row, 1);   /* as cut does: the plain fields stay plain */
        csv_format_row(&out, row);
    }
    source_free(src);
    problems_free(&problems);
    return out.data;
}

/* A plain line's fields go out unchecked, the rest as csv_format_record()
** quotes them: the same text whichever way the reader read each line. */
static void plain_fields_written_as_quoted_ones(void **state)
{
    (void)state;
    static const char data[] = "a,b,c\nx,y,\\.\n\\.,p,q\n\"\",2,\"a,b\"\n1,,3\r\n";
    const char *want = "x,\"\\.\"\n\"\\.\",q\n\"\",\"a,b\"\n1,3\n";
    for (size_t chunk = 1; chunk <= sizeof data; chunk++) {
        char *got = rewrite(data, sizeof data - 1, chunk);
        if (strcmp(got, want) != 0)
            fail_msg("chunk size %zu:\n--- want\n%s--- got\n%s", chunk, want, got);
        free(got);
    }
}

static void space_after_closing_quote(void **state)
{
    (void)state;
    CHECK("a,b\n\"x\" ,y\n",
          "cols=a|b\n"
          "unreadable\n"
          "! t.csv:2: column a: '\"x\" ': malformed quoting (a quote inside an unquoted "
          "field, or text after a closing quote)\n");
}

/* CRs before a record are not part of it (found by fuzz_csv: the raw text
** kept them when they came in the same read as the record). */
static void leading_crs_are_not_the_record(void **state)
{
    (void)state;
    CHECK("\r\ra,b\n\r\r1,2\n\r\"x\n",
          "cols=a|b\n"
          "2: [1] [2] <1,2>\n"
          "unreadable\n"
          "! t.csv:3: column a: '\"x\\n': unterminated quoted field\n");
}

static void empty_and_headerless(void **state)
{
    (void)state;
    check_all_chunks("", 0, "! t.csv: empty file: no header row\n");
    CHECK("\n\n", "! t.csv: empty file: no header row\n");
    CHECK("a,,b\n", "! t.csv: not a CSV header: column 2 has no name\n");
    CHECK("a,b,a\n", "! t.csv:1: column a: 'a': duplicated column (also column 1)\n");
}

/* Records are parsed ahead on a thread, in batches of about 256 KiB: a
** table of 1.3 MB crosses many batches, and the problems found in them
** come out in input order with the right lines whatever the read size. */
static char *many_records(size_t *len)
{
    buf_t b;
    buf_init(&b);
    buf_adds(&b, "id,value\n");
    for (int i = 1; i <= 30000; i++) {
        int line = i + 1;
        if (line == 12001)
            buf_printf(&b, "%d\n", i);   /* ragged */
        else if (line == 20001)
            buf_printf(&b, "%d,caf\xe9\n", i);   /* Latin-1 */
        else
            buf_printf(&b, "%d,\"a value, long enough to fill batches\"\n", i);
    }
    buf_adds(&b, "30001,\"never closed\n");
    *len = b.len;
    return b.data;
}

static void records_across_batches(void **state)
{
    (void)state;
    size_t len;
    char *data = many_records(&len);
    char *whole = render(data, len, 0);
    assert_non_null(strstr(whole, "\n2: [1] [a value, long enough to fill batches] <1,\"a value"));
    assert_non_null(strstr(whole, "\n12001: [12000] <12000> broken\n"));
    assert_non_null(strstr(whole, "\n20001: [20000] [caf\xe9] <20000,caf\xe9> broken\n"));
    assert_non_null(strstr(whole, "\n30001: [30000] [a value, long enough to fill batches] <30000,"));
    const char *tail = strstr(whole, "unreadable\n");
    assert_non_null(tail);
    assert_string_equal(tail,
                        "unreadable\n"
                        "! t.csv:12001: column value: '': ragged row: 1 fields, the header has 2\n"
                        "! t.csv:20001: column value: 'caf\\xe9': not valid UTF-8\n"
                        "! t.csv:30002: column value: '30001,\"never closed\\n': unterminated quoted field\n");
    static const size_t CHUNKS[] = {1, 3, 4096, 65536 + 7};
    for (size_t k = 0; k < ARRAY_LEN(CHUNKS); k++) {
        char *got = render(data, len, CHUNKS[k]);
        assert_string_equal(got, whole);
        free(got);
    }
    free(whole);
    free(data);
}

/* A caller that stops early (too many problems) frees the source while
** its thread waits for room: the thread stops, nothing leaks. */
static void freed_while_parsing_ahead(void **state)
{
    (void)state;
    size_t len;
    char *data = many_records(&len);
    problems_t problems;
    problems_init(&problems, 0);
    source_t *src = csv_source_open(mem_src_new(data, len, 0, "t.csv"), "t", "t.csv", &problems);
    assert_non_null(src);
    row_t *row;
    for (int i = 0; i < 10; i++)
        assert_int_equal(src->next(src, &row), 1);
    assert_int_equal(row->line, 11);
    source_free(src);
    problems_free(&problems);
    free(data);
}

/* The writer quotes a field exactly when it holds a special byte, wherever
** the byte is (it scans eight bytes at a time): each byte at each position
** of fields of 1 to 24 bytes, against the rule spelled out byte by byte. */
static void format_quotes_exactly_when_needed(void **state)
{
    (void)state;
    const char bytes[] = {',', '"', '\n', '\r', 'x', '\x80', ';', '\x2b', '\x0c'};
    char data[32], want[80];
    buf_t out;
    buf_init(&out);
    for (size_t len = 1; len <= 24; len++) {
        for (size_t at = 0; at < len; at++) {
            for (size_t b = 0; b < sizeof bytes; b++) {
                memset(data, 'a', len);
                data[at] = bytes[b];
                data[len] = '\0';
                bool special = bytes[b] == ',' || bytes[b] == '"' || bytes[b] == '\n' || bytes[b] == '\r';
                size_t w = 0;
                if (special)
                    want[w++] = '"';
                for (size_t i = 0; i < len; i++) {
                    if (data[i] == '"')
                        want[w++] = '"';
                    want[w++] = data[i];
                }
                if (special)
                    want[w++] = '"';
                field_t f = {data, len, false};
                buf_clear(&out);
                csv_format_field(&out, &f);
                assert_int_equal(out.len, w);
                assert_memory_equal(out.data, want, w);
            }
        }
    }
    /* NULL, empty, and \. (psql's end of data) */
    field_t fields[] = {{"", 0, true}, {"", 0, false}, {"\\.", 2, false}, {"a\"b", 3, false}};
    buf_clear(&out);
    csv_format_record(&out, fields, 4, 0);
    assert_string_equal(out.data, ",\"\",\"\\.\",\"a\"\"b\"\n");
    /* the first `plain` go out as they are (NULL empty), the rest checked;
    ** a `plain` past the end means all of them */
    field_t known[] = {{"2026-01-02", 10, false}, {"", 0, true}, {"x,y", 3, false}};
    buf_clear(&out);
    csv_format_record(&out, known, 3, 2);
    assert_string_equal(out.data, "2026-01-02,,\"x,y\"\n");
    buf_clear(&out);
    csv_format_record(&out, known, 2, 9);
    assert_string_equal(out.data, "2026-01-02,\n");
    /* unchecked indeed: a caller that calls text plain that is not gets it
    ** back as it gave it */
    buf_clear(&out);
    csv_format_record(&out, known + 2, 1, 1);
    assert_string_equal(out.data, "x,y\n");
    buf_free(&out);
}

int run_csv_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(null_is_not_empty),
        cmocka_unit_test(quotes_commas_newlines),
        cmocka_unit_test(crlf_and_bom),
        cmocka_unit_test(spaces_kept),
        cmocka_unit_test(no_final_newline_and_blank_lines),
        cmocka_unit_test(ragged_rows),
        cmocka_unit_test(fields_past_the_header_counted_not_kept),
        cmocka_unit_test(not_utf8),
        cmocka_unit_test(unterminated_quote),
        cmocka_unit_test(stray_quote),
        cmocka_unit_test(text_after_closing_quote),
        cmocka_unit_test(empty_and_headerless),
        cmocka_unit_test(spaces_inside_fields_and_lone_cr),
        cmocka_unit_test(plain_lines_split_as_libcsv_would),
        cmocka_unit_test(plain_fields_written_as_quoted_ones),
        cmocka_unit_test(space_after_closing_quote),
        cmocka_unit_test(leading_crs_are_not_the_record),
        cmocka_unit_test(records_across_batches),
        cmocka_unit_test(freed_while_parsing_ahead),
        cmocka_unit_test(format_quotes_exactly_when_needed),
    };
    return cmocka_run_group_tests_name("csv reader", tests, NULL, NULL);
}
