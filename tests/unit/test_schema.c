/* The schema table (stages/schema.c) and the DDL `phasemig schema` prints
** say the same thing: each CREATE TABLE's columns, in order, with the
** type and NOT NULL the table has. And what migrate drops and adds is
** derived from it, not listed again. */
#include <string.h>

#include "../../stages/schema.h"
#include "unit.h"

static const char *type_in_ddl(column_type_t t)
{
    switch (t) {
    case COLUMN_UUID: return "uuid";
    case COLUMN_DATE: return "date";
    case COLUMN_TIMESTAMP: return "timestamp without time zone";
    case COLUMN_MONEY: return "numeric(15,2)";
    case COLUMN_PERCENT: return "numeric(5,2)";
    case COLUMN_TEXT: return "text";
    case COLUMN_PHASE_TYPE: return "phasetype";
    }
    return "?";
}

/* Checks the CREATE TABLE of table `t` in the DDL of schema `s`. */
static void ddl_matches(schema_t s, table_id_t t)
{
    const table_def_t *def = schema_table(s, t);
    char head[64];
    snprintf(head, sizeof head, "CREATE TABLE %s (\n", def->name);
    const char *p = strstr(schema_ddl(s), head);
    assert_non_null(p);   /* the DDL creates the table */
    if (!p)
        return;
    p += strlen(head);
    for (size_t i = 0; i < def->ncols; i++) {
        const char *end = strchr(p, '\n');
        assert_non_null(end);
        char want[128];
        snprintf(want, sizeof want, "    %s %s%s,", def->cols[i].name, type_in_ddl(def->cols[i].type),
                 def->cols[i].required ? " NOT NULL" : "");
        size_t len = (size_t)(end - p);
        /* the last column before ");" has no comma */
        if (!(len == strlen(want) && strncmp(p, want, len) == 0) &&
            !(len + 1 == strlen(want) && strncmp(p, want, len) == 0 && end[1] == ')'))
            fail_msg("%s column %zu: DDL has '%.*s', the table '%s'", def->name, i, (int)len, p, want);
        p = end + 1;
    }
    /* nothing but constraints after the columns */
    assert_true(strncmp(p, "    CONSTRAINT", 14) == 0 || strncmp(p, ");", 2) == 0);
}

static void ddl_is_the_table(void **state)
{
    (void)state;
    for (int s = SCHEMA_OLD; s <= SCHEMA_NEW; s++)
        for (int t = 0; t < T_COUNT; t++)
            ddl_matches((schema_t)s, (table_id_t)t);
}

static void dropped_and_added(void **state)
{
    (void)state;
    const char *cols[8];
    assert_int_equal(schema_diff(T_PHASES, SCHEMA_OLD, SCHEMA_NEW, cols, 8), 1);
    assert_string_equal(cols[0], "phase_type");
    assert_null(cols[1]);
    assert_int_equal(schema_diff(T_PHASES, SCHEMA_NEW, SCHEMA_OLD, cols, 8), 4);
    assert_string_equal(cols[0], "name");
    assert_string_equal(cols[1], "start_date");
    assert_string_equal(cols[2], "end_date");
    assert_string_equal(cols[3], "description");
    assert_int_equal(schema_diff(T_ASSIGNMENTS, SCHEMA_OLD, SCHEMA_NEW, cols, 8), 1);
    assert_string_equal(cols[0], "project_phase_id");
    assert_int_equal(schema_diff(T_ASSIGNMENTS, SCHEMA_NEW, SCHEMA_OLD, cols, 8), 0);
    assert_int_equal(schema_diff(T_PROJECTS, SCHEMA_OLD, SCHEMA_NEW, cols, 8), 0);
    /* a short out array: only what fits, and the NULL */
    assert_int_equal(schema_diff(T_PHASES, SCHEMA_NEW, SCHEMA_OLD, cols, 3), 2);
    assert_null(cols[2]);
}

static void two_decimal_columns(void **state)
{
    (void)state;
    assert_true(schema_two_decimals("capital_budget"));
    assert_true(schema_two_decimals("expense_percentage"));
    assert_false(schema_two_decimals("assignment_date"));
    /* carried-through columns are written as read, whatever their name */
    assert_false(schema_two_decimals("other_budget"));
    assert_string_equal(schema_table_name(T_ASSIGNMENTS), "resource_assignments");
    assert_int_equal(schema_find("project_phases", "phase_type")->type, COLUMN_PHASE_TYPE);
    assert_null(schema_find("projects", "phase_type"));
}

int run_schema_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ddl_is_the_table),
        cmocka_unit_test(dropped_and_added),
        cmocka_unit_test(two_decimal_columns),
    };
    return cmocka_run_group_tests_name("schema", tests, NULL, NULL);
}
