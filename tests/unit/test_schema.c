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
        const column_def_t *col = schema_column(def->cols[i]);
        snprintf(want, sizeof want, "    %s %s%s,", col->name, type_in_ddl(col->type),
                 col->required ? " NOT NULL" : "");
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
    assert_true(schema_two_decimals(schema_type_of(T_PHASES, "capital_budget")));
    assert_true(schema_two_decimals(schema_type_of(T_ASSIGNMENTS, "expense_percentage")));
    assert_false(schema_two_decimals(schema_type_of(T_ASSIGNMENTS, "assignment_date")));
    /* carried-through columns are written as read, whatever their name */
    assert_false(schema_two_decimals(schema_type_of(T_PHASES, "other_budget")));
    /* a column is of its own table only */
    assert_false(schema_two_decimals(schema_type_of(T_ASSIGNMENTS, "capital_budget")));
    assert_string_equal(schema_table_name(T_ASSIGNMENTS), "resource_assignments");
    assert_int_equal(schema_type_of(T_PHASES, "phase_type"), COLUMN_PHASE_TYPE);
    assert_int_equal(schema_type_of(T_PROJECTS, "phase_type"), COLUMN_TEXT);
}

/* Each id names the column of its own table; names resolve back to ids
** per table ("id" is three columns); a binding finds each column of its
** table in a header, in any order, and nothing of another table. */
static void columns_bound_through_the_schema(void **state)
{
    (void)state;
    assert_string_equal(schema_column_name(PHASES_START_DATE), "start_date");
    assert_int_equal(schema_column(PHASES_START_DATE)->table, T_PHASES);
    assert_int_equal(schema_column_named(T_PROJECTS, "id"), PROJECTS_ID);
    assert_int_equal(schema_column_named(T_PHASES, "id"), PHASES_ID);
    assert_int_equal(schema_column_named(T_ASSIGNMENTS, "id"), ASSIGNMENTS_ID);
    assert_int_equal(schema_column_named(T_PROJECTS, "project_phase_id"), COLUMN_NONE);
    assert_int_equal(schema_table_named("project_phases"), T_PHASES);
    assert_int_equal(schema_table_named("programs"), T_COUNT);
    assert_true(schema_has(SCHEMA_OLD, PHASES_PHASE_TYPE));
    assert_false(schema_has(SCHEMA_NEW, PHASES_PHASE_TYPE));
    assert_true(schema_has(SCHEMA_NEW, PHASES_NAME));
    assert_false(schema_has(SCHEMA_OLD, PHASES_NAME));
    assert_false(schema_has(SCHEMA_NEW, ASSIGNMENTS_PROJECT_PHASE_ID));
    assert_int_equal(schema_key(T_PHASES), PHASES_ID);
    for (int c = 0; c < COLUMN_IDS; c++)   /* every id is of one table of one schema */
        assert_true(schema_has(SCHEMA_OLD, (column_id_t)c) || schema_has(SCHEMA_NEW, (column_id_t)c));

    table_t *h = table_new("project_phases", "test");
    static const char *const cols[] = {"total_budget", "extra", "id", "project_id"};
    for (size_t i = 0; i < 4; i++)
        table_add_col(h, cols[i], strlen(cols[i]));
    binding_t b;
    schema_bind(&b, T_PHASES, h);
    assert_int_equal(b.table, T_PHASES);
    assert_int_equal(b.at[PHASES_TOTAL_BUDGET], 0);
    assert_int_equal(b.at[PHASES_ID], 2);
    assert_int_equal(b.at[PHASES_PROJECT_ID], 3);
    assert_int_equal(b.at[PHASES_NAME], -1);
    assert_int_equal(b.at[PROJECTS_ID], -1);          /* another table's "id" */
    assert_int_equal(b.at[ASSIGNMENTS_PROJECT_ID], -1);
    assert_int_equal(schema_key_col(h), 2);
    row_t r;
    row_init(&r);
    row_push(&r, "10.00", 5);
    row_push(&r, NULL, 0);
    row_seal(&r);
    assert_string_equal(bound_field(&b, &r, PHASES_TOTAL_BUDGET)->data, "10.00");
    assert_null(bound_field(&b, &r, PHASES_ID));       /* past a short row's end */
    assert_null(bound_field(&b, &r, PHASES_NAME));     /* not in the header */
    row_free(&r);
    table_free(h);
}

int run_schema_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ddl_is_the_table),
        cmocka_unit_test(dropped_and_added),
        cmocka_unit_test(two_decimal_columns),
        cmocka_unit_test(columns_bound_through_the_schema),
    };
    return cmocka_run_group_tests_name("schema", tests, NULL, NULL);
}
