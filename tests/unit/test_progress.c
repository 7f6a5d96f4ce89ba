/* The progress line (pipeline/frame/progress.c): what it shows, and how
** it fits a terminal of any width. */
#include <string.h>

#include "../../pipeline/frame/progress.h"
#include "unit.h"

/* The second pass of --split evidence over a dump, half-way through the
** bytes of both passes, after 10 s. */
static const progress_view_t second_pass = {"resource_assignments.csv", 2, 2, 1234567, false, 0,
                                            50000000, 100000000, 10.0};

static void wide_terminal_shows_everything(void **state)
{
    (void)state;
    char line[512];
    size_t columns = progress_format(line, sizeof line, &second_pass, 200, false);
    assert_string_equal(line, "resource_assignments.csv, pass 2 of 2  [##########..........]  "
                              "50%  1,234,567 rows  5.0 MB/s  0:10 left");
    assert_int_equal(columns, strlen(line));
}

static void one_pass_names_no_pass(void **state)
{
    (void)state;
    progress_view_t v = second_pass;
    v.pass = v.passes = 1;
    v.what = "projects.csv";
    v.bytes = 25000000;
    v.seconds = 5.0;
    char line[512];
    progress_format(line, sizeof line, &v, 200, false);
    assert_string_equal(line, "projects.csv  [#####...............]  25%  1,234,567 rows  "
                              "5.0 MB/s  0:15 left");
}

/* reconcile reads both sides at once: the rows of each, main thread's
** first. */
static void rows_beside_follow_the_main_threads(void **state)
{
    (void)state;
    progress_view_t v = second_pass;
    v.pass = v.passes = 1;
    v.what = "reading expected and actual: resource_assignments.csv";
    v.beside = true;
    v.rows_beside = 987654;
    v.total = 0;
    char line[512];
    progress_format(line, sizeof line, &v, 200, false);
    assert_string_equal(line, "reading expected and actual: resource_assignments.csv  "
                              "1,234,567 + 987,654 rows  5.0 MB/s");
}

static void eighty_columns_keep_name_and_bar(void **state)
{
    (void)state;
    char line[512];
    size_t columns = progress_format(line, sizeof line, &second_pass, 80, false);
    assert_true(columns <= 79);
    assert_int_equal(columns, strlen(line));
    assert_non_null(strstr(line, "resource_assignments.csv, pass 2 of 2"));
    assert_non_null(strchr(line, '['));
    assert_non_null(strstr(line, "50%"));
    assert_non_null(strstr(line, "1,234,567 rows"));
    assert_non_null(strstr(line, "0:10 left"));
}

static void any_width_fits(void **state)
{
    (void)state;
    char line[512];
    for (unsigned width = 1; width <= 200; width++) {
        size_t columns = progress_format(line, sizeof line, &second_pass, width, false);
        assert_int_equal(columns, strlen(line));
        assert_true(columns <= (width > 1 ? width - 1 : 1));
    }
}

static void bold_takes_no_columns(void **state)
{
    (void)state;
    char plain[512], bold[512];
    size_t a = progress_format(plain, sizeof plain, &second_pass, 200, false);
    size_t b = progress_format(bold, sizeof bold, &second_pass, 200, true);
    assert_int_equal(a, b);
    assert_non_null(strstr(bold, "\033[1m 50%\033[0m"));
    assert_null(strchr(plain, '\033'));
}

static void unknown_size_shows_rows_and_rate(void **state)
{
    (void)state;
    progress_view_t v = second_pass;
    v.total = 0;
    char line[512];
    progress_format(line, sizeof line, &v, 200, false);
    assert_string_equal(line, "resource_assignments.csv, pass 2 of 2  1,234,567 rows  5.0 MB/s");
}

int run_progress_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wide_terminal_shows_everything), cmocka_unit_test(one_pass_names_no_pass),
        cmocka_unit_test(rows_beside_follow_the_main_threads),
        cmocka_unit_test(eighty_columns_keep_name_and_bar), cmocka_unit_test(any_width_fits),
        cmocka_unit_test(bold_takes_no_columns), cmocka_unit_test(unknown_size_shows_rows_and_rate),
    };
    return cmocka_run_group_tests_name("progress", tests, NULL, NULL);
}
