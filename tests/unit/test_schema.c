/* The schema table (stages/schema.c) and the DDL `phasemig schema` prints
** (stages/ddl.c) say the same thing: each CREATE TABLE's columns, in
** order, with the type and NOT NULL the table has; its primary key, its
** CHECKs and the foreign keys among the three tables, by name; each index
** of the schema, and nothing of the other schema. And what migrate drops
** and adds is derived from it, not listed again. (tests/e2e/postgres.sh
** compares what PostgreSQL makes of the DDL with the application's
** pg_dump.) */
#include <string.h>

#include "../../stages/ddl.h"
#include "../../stages/inspect.h"
#include "../../stages/schema.h"
#include "unit.h"

/* Checks the CREATE TABLE of table `t` in the DDL `ddl` of schema `s`. */
static void ddl_matches(const char *ddl, schema_t s, table_id_t t)
{
    const table_def_t *def = schema_table(s, t);
    char head[64];
    snprintf(head, sizeof head, "CREATE TABLE %s (\n", def->name);
    const char *p = strstr(ddl, head);
    assert_non_null(p);   /* the DDL creates the table */
    if (!p)
        return;
    p += strlen(head);
    for (size_t i = 0; i < def->ncols; i++) {
        const char *end = strchr(p, '\n');
        assert_non_null(end);
        const column_def_t *col = schema_column(def->cols[i]);
        buf_t want;
        buf_init(&want);
        buf_printf(&want, "    %s ", col->name);
        ddl_pg_type(&want, def->cols[i]);
        buf_printf(&want, "%s,", col->not_null ? " NOT NULL" : "");
        size_t len = (size_t)(end - p);
        if (!(len == want.len && strncmp(p, buf_str(&want), len) == 0))
            fail_msg("%s column %zu: DDL has '%.*s', the table '%s'", def->name, i, (int)len, p,
                     buf_str(&want));
        buf_free(&want);
        p = end + 1;
    }
    /* then the primary key, the constraints, and the end of the table */
    char pkey[96];
    snprintf(pkey, sizeof pkey, "    CONSTRAINT %s_pkey PRIMARY KEY (id)", def->name);
    assert_int_equal(strncmp(p, pkey, strlen(pkey)), 0);
    const char *table_end = strstr(p, "\n);\n");
    assert_non_null(table_end);
    const check_def_t *ck[16];
    size_t n = schema_checks(s, t, ck, 16);
    for (size_t i = 0; i < n; i++) {
        char want[256];
        snprintf(want, sizeof want, "CONSTRAINT %s CHECK (%s)", ck[i]->name, ck[i]->expr);
        const char *at = strstr(p, want);
        assert_true(at && at < table_end);
    }
    const foreign_key_def_t *fk[16];
    n = schema_foreign_keys(s, t, fk, 16);
    for (size_t i = 0; i < n; i++) {
        const char *at = strstr(p, fk[i]->name);
        /* among the three tables, in the table; to a table outside, only named in
        ** the comment at the top */
        bool inside = schema_table_named(fk[i]->ref_table) != T_COUNT;
        assert_true(inside ? at && at < table_end : at == NULL);
    }
}

static void ddl_is_the_table(void **state)
{
    (void)state;
    for (int s = SCHEMA_OLD; s <= SCHEMA_NEW; s++) {
        buf_t ddl;
        buf_init(&ddl);
        ddl_pg_schema(&ddl, (schema_t)s);
        for (int t = 0; t < T_COUNT; t++)
            ddl_matches(buf_str(&ddl), (schema_t)s, (table_id_t)t);
        /* each index of the schema; of the other schema's own, none */
        for (int t = 0; t < T_COUNT; t++) {
            const index_def_t *ix[16];
            size_t n = schema_indexes((schema_t)s, (table_id_t)t, ix, 16);
            for (size_t i = 0; i < n; i++) {
                char want[160];
                snprintf(want, sizeof want, "INDEX %s ON %s (", ix[i]->name,
                         schema_table_name((table_id_t)t));
                assert_non_null(strstr(buf_str(&ddl), want));
            }
        }
        const char *other_own = s == SCHEMA_OLD ? "ix_project_phases_start_date"
                                                : "ix_resource_assignments_project_phase_id";
        assert_null(strstr(buf_str(&ddl), other_own));
        assert_non_null(strstr(buf_str(&ddl), "CREATE TYPE phasetype AS ENUM ('PLANNING', 'EXECUTION');"));
        buf_free(&ddl);
    }
}

/* The migration's own changes are derived from the two schemas: the link's
** foreign key and index and the type column go, check_phase_dates and the
** two date indexes come. */
static void what_the_migration_changes(void **state)
{
    (void)state;
    const check_def_t *ck[16];
    const index_def_t *ix[16];
    const foreign_key_def_t *fk[16];
    size_t n = schema_checks(SCHEMA_NEW, T_PHASES, ck, 16);
    assert_int_equal(n, 5);
    assert_string_equal(ck[4]->name, "check_phase_dates");
    assert_int_equal(schema_checks(SCHEMA_OLD, T_PHASES, ck, 16), 4);
    assert_int_equal(schema_indexes(SCHEMA_OLD, T_PHASES, ix, 16), 2);
    assert_int_equal(schema_indexes(SCHEMA_NEW, T_PHASES, ix, 16), 4);
    assert_string_equal(ix[2]->name, "ix_project_phases_start_date");
    assert_int_equal(schema_indexes(SCHEMA_OLD, T_ASSIGNMENTS, ix, 16), 7);
    assert_int_equal(schema_indexes(SCHEMA_NEW, T_ASSIGNMENTS, ix, 16), 6);
    assert_int_equal(schema_foreign_keys(SCHEMA_OLD, T_ASSIGNMENTS, fk, 16), 3);
    assert_int_equal(schema_foreign_keys(SCHEMA_NEW, T_ASSIGNMENTS, fk, 16), 2);
    assert_string_equal(fk[1]->ref_table, "resources");
    assert_string_equal(schema_revision(SCHEMA_OLD), "976e6adbac6f");
    assert_string_equal(schema_revision(SCHEMA_NEW), "92023c163a26");
}

/* SQLite's DDL is SQLAlchemy's: tab-indented elements, ", " before each
** line break, CHAR(36) ids, VARCHAR(9) phase_type, unnamed keys. */
static void sqlite_ddl_as_the_application_writes_it(void **state)
{
    (void)state;
    buf_t b;
    buf_init(&b);
    ddl_sqlite_create(&b, SCHEMA_OLD, T_PHASES, "project_phases");
    assert_string_equal(buf_str(&b),
                        "CREATE TABLE project_phases (\n"
                        "\tproject_id CHAR(36) NOT NULL, \n"
                        "\tphase_type VARCHAR(9) NOT NULL, \n"
                        "\tcapital_budget NUMERIC(15, 2) NOT NULL, \n"
                        "\texpense_budget NUMERIC(15, 2) NOT NULL, \n"
                        "\ttotal_budget NUMERIC(15, 2) NOT NULL, \n"
                        "\tid CHAR(36) NOT NULL, \n"
                        "\tcreated_at DATETIME NOT NULL, \n"
                        "\tupdated_at DATETIME NOT NULL, \n"
                        "\tPRIMARY KEY (id), \n"
                        "\tCONSTRAINT check_budget_sum CHECK (capital_budget + expense_budget = "
                        "total_budget), \n"
                        "\tCONSTRAINT check_capital_budget_positive CHECK (capital_budget >= 0), \n"
                        "\tCONSTRAINT check_expense_budget_positive CHECK (expense_budget >= 0), \n"
                        "\tCONSTRAINT check_total_budget_positive CHECK (total_budget >= 0), \n"
                        "\tFOREIGN KEY(project_id) REFERENCES projects (id)\n"
                        ")");
    buf_clear(&b);
    ddl_sqlite_indexes(&b, SCHEMA_NEW, T_PHASES);
    assert_string_equal(buf_str(&b),
                        "CREATE INDEX ix_project_phases_id ON project_phases (id);\n"
                        "CREATE INDEX ix_project_phases_project_id ON project_phases (project_id);\n"
                        "CREATE INDEX ix_project_phases_start_date ON project_phases (start_date);\n"
                        "CREATE INDEX ix_project_phases_end_date ON project_phases (end_date);\n");
    buf_free(&b);
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

/* The statements of a pg_dump --schema-only file (comments and SET lines
** out), each into stmts[]; how many. */
static size_t dump_statements(const char *path, char **stmts, size_t max)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    buf_t text;
    buf_init(&text);
    char line[1024];
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "--", 2) != 0 && strncmp(line, "SET ", 4) != 0 &&
            strncmp(line, "SELECT ", 7) != 0)
            buf_adds(&text, line);
    if (f)
        fclose(f);
    size_t n = 0;
    char *save = NULL;
    for (char *t = strtok_r(text.data, ";", &save); t && n < max; t = strtok_r(NULL, ";", &save))
        stmts[n++] = xstrdup(t);
    buf_free(&text);
    return n;
}

/* Check 8 on a pg_dump archive: the statements pg_dump writes for a
** database made from `phasemig schema --new` have no difference from the
** new schema (the golden of tests/e2e/postgres.sh, which PostgreSQL
** wrote); from the old schema's, each difference is named; a type
** changed, an index dropped and a CHECK changed are each named. */
static void pg_ddl_against_the_schema(void **state)
{
    (void)state;
    char *stmts[64];
    size_t n = dump_statements("fixtures/expected/schema/pg_dump-new.sql", stmts, 64);
    assert_true(n > 20);
    named_t out = {0};
    inspect_pg_ddl((const char *const *)stmts, n, SCHEMA_NEW, &out);
    for (size_t i = 0; i < out.n && i < NAMED_MAX; i++)
        print_message("difference: %s\n", out.text[i]);
    assert_int_equal(out.n, 0);
    memset(&out, 0, sizeof out);
    inspect_pg_ddl((const char *const *)stmts, n, SCHEMA_OLD, &out);
    assert_true(out.n >= 5);
    assert_string_equal(out.text[0], "project_phases.capital_budget is column 2, not 3");
    for (size_t i = 0; i < n; i++) {
        char *at;
        if ((at = strstr(stmts[i], "name character varying(100)")) != NULL)
            for (size_t k = 0; k < 22; k++)   /* "text" and blanks in its place */
                at[5 + k] = k < 4 ? "text"[k] : ' ';
        if ((at = strstr(stmts[i], "CREATE INDEX ix_project_phases_end_date")) != NULL)
            at[0] = '-';
        if ((at = strstr(stmts[i], "(start_date <= end_date)")) != NULL)
            at[13] = '<';
    }
    memset(&out, 0, sizeof out);
    inspect_pg_ddl((const char *const *)stmts, n, SCHEMA_NEW, &out);
    assert_int_equal(out.n, 3);
    assert_string_equal(out.text[0], "project_phases.name is text, not varchar(100)");
    assert_string_equal(out.text[1], "CHECK check_phase_dates is ((start_date << end_date)), not "
                                     "(start_date <= end_date)");
    assert_string_equal(out.text[2], "project_phases has no index ix_project_phases_end_date");
    for (size_t i = 0; i < n; i++)
        free(stmts[i]);
}

int run_schema_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ddl_is_the_table),
        cmocka_unit_test(what_the_migration_changes),
        cmocka_unit_test(sqlite_ddl_as_the_application_writes_it),
        cmocka_unit_test(dropped_and_added),
        cmocka_unit_test(two_decimal_columns),
        cmocka_unit_test(columns_bound_through_the_schema),
        cmocka_unit_test(pg_ddl_against_the_schema),
    };
    return cmocka_run_group_tests_name("schema", tests, NULL, NULL);
}
