#include "schema.h"

#include <string.h>

/* Every column, by id (schema.h): its table, name, value type, length
** (VARCHAR), whether the application's table has it NOT NULL, and whether
** the tool cannot do without it. The facts are read off the application's
** database (docs/contract.md "The real schema"). */
static const column_def_t COLUMNS[COLUMN_IDS] = {
#define C(id, table, name, type, length, not_null, required) \
    [id] = {table, name, type, length, not_null, required}
    C(PROJECTS_PROGRAM_ID, T_PROJECTS, "program_id", COLUMN_UUID, 0, true, false),
    C(PROJECTS_NAME, T_PROJECTS, "name", COLUMN_TEXT, 255, true, false),
    C(PROJECTS_BUSINESS_SPONSOR, T_PROJECTS, "business_sponsor", COLUMN_TEXT, 255, true, false),
    C(PROJECTS_PROJECT_MANAGER, T_PROJECTS, "project_manager", COLUMN_TEXT, 255, true, false),
    C(PROJECTS_TECHNICAL_LEAD, T_PROJECTS, "technical_lead", COLUMN_TEXT, 255, true, false),
    C(PROJECTS_START_DATE, T_PROJECTS, "start_date", COLUMN_DATE, 0, true, true),
    C(PROJECTS_END_DATE, T_PROJECTS, "end_date", COLUMN_DATE, 0, true, true),
    C(PROJECTS_COST_CENTER_CODE, T_PROJECTS, "cost_center_code", COLUMN_TEXT, 50, true, false),
    C(PROJECTS_DESCRIPTION, T_PROJECTS, "description", COLUMN_TEXT, 1000, false, false),
    C(PROJECTS_ID, T_PROJECTS, "id", COLUMN_UUID, 0, true, true),
    C(PROJECTS_CREATED_AT, T_PROJECTS, "created_at", COLUMN_TIMESTAMP, 0, true, false),
    C(PROJECTS_UPDATED_AT, T_PROJECTS, "updated_at", COLUMN_TIMESTAMP, 0, true, false),

    C(PHASES_PROJECT_ID, T_PHASES, "project_id", COLUMN_UUID, 0, true, true),
    C(PHASES_PHASE_TYPE, T_PHASES, "phase_type", COLUMN_PHASE_TYPE, 0, true, true),
    C(PHASES_CAPITAL_BUDGET, T_PHASES, "capital_budget", COLUMN_MONEY, 0, true, true),
    C(PHASES_EXPENSE_BUDGET, T_PHASES, "expense_budget", COLUMN_MONEY, 0, true, true),
    C(PHASES_TOTAL_BUDGET, T_PHASES, "total_budget", COLUMN_MONEY, 0, true, true),
    C(PHASES_ID, T_PHASES, "id", COLUMN_UUID, 0, true, true),
    C(PHASES_CREATED_AT, T_PHASES, "created_at", COLUMN_TIMESTAMP, 0, true, false),
    C(PHASES_UPDATED_AT, T_PHASES, "updated_at", COLUMN_TIMESTAMP, 0, true, false),
    C(PHASES_NAME, T_PHASES, "name", COLUMN_TEXT, 100, true, true),
    C(PHASES_START_DATE, T_PHASES, "start_date", COLUMN_DATE, 0, true, true),
    C(PHASES_END_DATE, T_PHASES, "end_date", COLUMN_DATE, 0, true, true),
    C(PHASES_DESCRIPTION, T_PHASES, "description", COLUMN_TEXT, 500, false, false),

    C(ASSIGNMENTS_RESOURCE_ID, T_ASSIGNMENTS, "resource_id", COLUMN_UUID, 0, true, false),
    C(ASSIGNMENTS_PROJECT_ID, T_ASSIGNMENTS, "project_id", COLUMN_UUID, 0, true, true),
    C(ASSIGNMENTS_PROJECT_PHASE_ID, T_ASSIGNMENTS, "project_phase_id", COLUMN_UUID, 0, true, true),
    C(ASSIGNMENTS_ASSIGNMENT_DATE, T_ASSIGNMENTS, "assignment_date", COLUMN_DATE, 0, true, true),
    C(ASSIGNMENTS_ALLOCATION_PERCENTAGE, T_ASSIGNMENTS, "allocation_percentage", COLUMN_PERCENT, 0,
      true, false),
    C(ASSIGNMENTS_CAPITAL_PERCENTAGE, T_ASSIGNMENTS, "capital_percentage", COLUMN_PERCENT, 0, true,
      false),
    C(ASSIGNMENTS_EXPENSE_PERCENTAGE, T_ASSIGNMENTS, "expense_percentage", COLUMN_PERCENT, 0, true,
      false),
    C(ASSIGNMENTS_ID, T_ASSIGNMENTS, "id", COLUMN_UUID, 0, true, true),
    C(ASSIGNMENTS_CREATED_AT, T_ASSIGNMENTS, "created_at", COLUMN_TIMESTAMP, 0, true, false),
    C(ASSIGNMENTS_UPDATED_AT, T_ASSIGNMENTS, "updated_at", COLUMN_TIMESTAMP, 0, true, false),
#undef C
};

/* The tables' columns in the live tables' order (docs/contract.md "Old
** schema", "New schema"). */
static const column_id_t PROJECT_COLS[] = {
    PROJECTS_PROGRAM_ID,      PROJECTS_NAME,        PROJECTS_BUSINESS_SPONSOR,
    PROJECTS_PROJECT_MANAGER, PROJECTS_TECHNICAL_LEAD, PROJECTS_START_DATE,
    PROJECTS_END_DATE,        PROJECTS_COST_CENTER_CODE, PROJECTS_DESCRIPTION,
    PROJECTS_ID,              PROJECTS_CREATED_AT,  PROJECTS_UPDATED_AT,
};
static const column_id_t OLD_PHASE_COLS[] = {
    PHASES_PROJECT_ID,   PHASES_PHASE_TYPE, PHASES_CAPITAL_BUDGET, PHASES_EXPENSE_BUDGET,
    PHASES_TOTAL_BUDGET, PHASES_ID,         PHASES_CREATED_AT,     PHASES_UPDATED_AT,
};
static const column_id_t NEW_PHASE_COLS[] = {
    PHASES_PROJECT_ID, PHASES_CAPITAL_BUDGET, PHASES_EXPENSE_BUDGET, PHASES_TOTAL_BUDGET,
    PHASES_ID,         PHASES_CREATED_AT,     PHASES_UPDATED_AT,     PHASES_NAME,
    PHASES_START_DATE, PHASES_END_DATE,       PHASES_DESCRIPTION,
};
static const column_id_t OLD_ASSIGNMENT_COLS[] = {
    ASSIGNMENTS_RESOURCE_ID,           ASSIGNMENTS_PROJECT_ID,
    ASSIGNMENTS_PROJECT_PHASE_ID,      ASSIGNMENTS_ASSIGNMENT_DATE,
    ASSIGNMENTS_ALLOCATION_PERCENTAGE, ASSIGNMENTS_CAPITAL_PERCENTAGE,
    ASSIGNMENTS_EXPENSE_PERCENTAGE,    ASSIGNMENTS_ID,
    ASSIGNMENTS_CREATED_AT,            ASSIGNMENTS_UPDATED_AT,
};
static const column_id_t NEW_ASSIGNMENT_COLS[] = {
    ASSIGNMENTS_RESOURCE_ID,          ASSIGNMENTS_PROJECT_ID,
    ASSIGNMENTS_ASSIGNMENT_DATE,      ASSIGNMENTS_ALLOCATION_PERCENTAGE,
    ASSIGNMENTS_CAPITAL_PERCENTAGE,   ASSIGNMENTS_EXPENSE_PERCENTAGE,
    ASSIGNMENTS_ID,                   ASSIGNMENTS_CREATED_AT,
    ASSIGNMENTS_UPDATED_AT,
};

#define TABLE(name, cols) {(name), (cols), sizeof(cols) / sizeof((cols)[0])}
static const table_def_t TABLES[2][T_COUNT] = {
    [SCHEMA_OLD] = {TABLE("projects", PROJECT_COLS), TABLE("project_phases", OLD_PHASE_COLS),
                    TABLE("resource_assignments", OLD_ASSIGNMENT_COLS)},
    [SCHEMA_NEW] = {TABLE("projects", PROJECT_COLS), TABLE("project_phases", NEW_PHASE_COLS),
                    TABLE("resource_assignments", NEW_ASSIGNMENT_COLS)},
};

/* The CHECKs, in the order the application declares them (SQLite keeps
** that order; pg_dump sorts them by name). A constraint, an index or a
** foreign key belongs to each schema that has all its columns: so the
** migration's own (check_phase_dates, the two date indexes, the link's
** foreign key and index) are derived, not listed apart. */
static const check_def_t CHECKS[] = {
    {T_PROJECTS, "check_project_dates", "start_date < end_date",
     2, {PROJECTS_START_DATE, PROJECTS_END_DATE}},
    {T_PHASES, "check_budget_sum", "capital_budget + expense_budget = total_budget",
     3, {PHASES_CAPITAL_BUDGET, PHASES_EXPENSE_BUDGET, PHASES_TOTAL_BUDGET}},
    {T_PHASES, "check_capital_budget_positive", "capital_budget >= 0", 1, {PHASES_CAPITAL_BUDGET}},
    {T_PHASES, "check_expense_budget_positive", "expense_budget >= 0", 1, {PHASES_EXPENSE_BUDGET}},
    {T_PHASES, "check_total_budget_positive", "total_budget >= 0", 1, {PHASES_TOTAL_BUDGET}},
    {T_PHASES, "check_phase_dates", "start_date <= end_date",
     2, {PHASES_START_DATE, PHASES_END_DATE}},
    {T_ASSIGNMENTS, "check_allocation_percentage",
     "allocation_percentage >= 0 AND allocation_percentage <= 100",
     1, {ASSIGNMENTS_ALLOCATION_PERCENTAGE}},
    {T_ASSIGNMENTS, "check_accounting_split", "capital_percentage + expense_percentage = 100",
     2, {ASSIGNMENTS_CAPITAL_PERCENTAGE, ASSIGNMENTS_EXPENSE_PERCENTAGE}},
    {T_ASSIGNMENTS, "check_capital_percentage",
     "capital_percentage >= 0 AND capital_percentage <= 100", 1, {ASSIGNMENTS_CAPITAL_PERCENTAGE}},
    {T_ASSIGNMENTS, "check_expense_percentage",
     "expense_percentage >= 0 AND expense_percentage <= 100", 1, {ASSIGNMENTS_EXPENSE_PERCENTAGE}},
};

/* The indexes besides the primary keys, in the order the application
** creates them (its first revision's, by name; then 976e6adbac6f's; then
** 92023c163a26's). */
static const index_def_t INDEXES[] = {
    {T_PROJECTS, "ix_projects_cost_center_code", 1, {PROJECTS_COST_CENTER_CODE}, true},
    {T_PROJECTS, "ix_projects_id", 1, {PROJECTS_ID}, false},
    {T_PROJECTS, "ix_projects_name", 1, {PROJECTS_NAME}, false},
    {T_PROJECTS, "ix_projects_program_id", 1, {PROJECTS_PROGRAM_ID}, false},
    {T_PHASES, "ix_project_phases_id", 1, {PHASES_ID}, false},
    {T_PHASES, "ix_project_phases_project_id", 1, {PHASES_PROJECT_ID}, false},
    {T_ASSIGNMENTS, "ix_resource_assignments_assignment_date", 1, {ASSIGNMENTS_ASSIGNMENT_DATE}, false},
    {T_ASSIGNMENTS, "ix_resource_assignments_id", 1, {ASSIGNMENTS_ID}, false},
    {T_ASSIGNMENTS, "ix_resource_assignments_project_id", 1, {ASSIGNMENTS_PROJECT_ID}, false},
    {T_ASSIGNMENTS, "ix_resource_assignments_project_phase_id", 1, {ASSIGNMENTS_PROJECT_PHASE_ID},
     false},
    {T_ASSIGNMENTS, "ix_resource_assignments_resource_id", 1, {ASSIGNMENTS_RESOURCE_ID}, false},
    {T_ASSIGNMENTS, "ix_resource_assignments_resource_date",
     2, {ASSIGNMENTS_RESOURCE_ID, ASSIGNMENTS_ASSIGNMENT_DATE}, false},
    {T_ASSIGNMENTS, "ix_resource_assignments_project_date",
     2, {ASSIGNMENTS_PROJECT_ID, ASSIGNMENTS_ASSIGNMENT_DATE}, false},
    {T_PHASES, "ix_project_phases_start_date", 1, {PHASES_START_DATE}, false},
    {T_PHASES, "ix_project_phases_end_date", 1, {PHASES_END_DATE}, false},
};

/* The foreign keys, each to the id of the table named, in the order
** SQLite lists them; programs and resources are tables of the application
** outside the three. */
static const foreign_key_def_t FOREIGN_KEYS[] = {
    {T_PROJECTS, "projects_program_id_fkey", PROJECTS_PROGRAM_ID, "programs", "id"},
    {T_PHASES, "project_phases_project_id_fkey", PHASES_PROJECT_ID, "projects", "id"},
    {T_ASSIGNMENTS, "resource_assignments_project_id_fkey", ASSIGNMENTS_PROJECT_ID, "projects", "id"},
    {T_ASSIGNMENTS, "resource_assignments_project_phase_id_fkey", ASSIGNMENTS_PROJECT_PHASE_ID,
     "project_phases", "id"},
    {T_ASSIGNMENTS, "resource_assignments_resource_id_fkey", ASSIGNMENTS_RESOURCE_ID, "resources", "id"},
};

/* The application's revisions before and after the migration, as its
** alembic_version table holds them; and the enum of phase types. */
static const char *const REVISIONS[2] = {[SCHEMA_OLD] = "976e6adbac6f",
                                         [SCHEMA_NEW] = "92023c163a26"};
static const char *const PHASE_TYPE_LABELS[] = {"PLANNING", "EXECUTION", NULL};

const char *schema_revision(schema_t s)
{
    return REVISIONS[s];
}

const char *schema_enum_name(void)
{
    return "phasetype";
}

const char *const *schema_enum_labels(void)
{
    return PHASE_TYPE_LABELS;
}

const char *schema_versions_table(void)
{
    return "alembic_version";
}

bool schema_has_columns(schema_t s, const column_id_t *cols, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!schema_has(s, cols[i]))
            return false;
    return true;
}

size_t schema_checks(schema_t s, table_id_t t, const check_def_t **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof CHECKS / sizeof CHECKS[0]; i++)
        if (CHECKS[i].table == t && schema_has_columns(s, CHECKS[i].cols, CHECKS[i].ncols) && n < max)
            out[n++] = &CHECKS[i];
    return n;
}

size_t schema_indexes(schema_t s, table_id_t t, const index_def_t **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof INDEXES / sizeof INDEXES[0]; i++)
        if (INDEXES[i].table == t && schema_has_columns(s, INDEXES[i].cols, INDEXES[i].ncols) &&
            n < max)
            out[n++] = &INDEXES[i];
    return n;
}

size_t schema_foreign_keys(schema_t s, table_id_t t, const foreign_key_def_t **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < sizeof FOREIGN_KEYS / sizeof FOREIGN_KEYS[0]; i++)
        if (FOREIGN_KEYS[i].table == t && schema_has(s, FOREIGN_KEYS[i].col) && n < max)
            out[n++] = &FOREIGN_KEYS[i];
    return n;
}

const table_def_t *schema_table(schema_t s, table_id_t t)
{
    return &TABLES[s][t];
}

const char *schema_table_name(table_id_t t)
{
    return TABLES[SCHEMA_OLD][t].name;
}

table_id_t schema_table_named(const char *name)
{
    for (int t = 0; t < T_COUNT; t++)
        if (strcmp(name, schema_table_name((table_id_t)t)) == 0)
            return (table_id_t)t;
    return T_COUNT;
}

const column_def_t *schema_column(column_id_t c)
{
    return &COLUMNS[c];
}

const char *schema_column_name(column_id_t c)
{
    return COLUMNS[c].name;
}

column_id_t schema_column_named(table_id_t t, const char *name)
{
    for (int c = 0; c < COLUMN_IDS; c++)
        if (COLUMNS[c].table == t && strcmp(COLUMNS[c].name, name) == 0)
            return (column_id_t)c;
    return COLUMN_NONE;
}

column_id_t schema_key(table_id_t t)
{
    static const column_id_t KEYS[T_COUNT] = {PROJECTS_ID, PHASES_ID, ASSIGNMENTS_ID};
    return KEYS[t];
}

int schema_key_col(const table_t *t)
{
    table_id_t table = schema_table_named(t->name);
    return table == T_COUNT ? -1 : table_col(t, schema_column_name(schema_key(table)));
}

bool schema_has(schema_t s, column_id_t c)
{
    const table_def_t *d = &TABLES[s][COLUMNS[c].table];
    for (size_t i = 0; i < d->ncols; i++)
        if (d->cols[i] == c)
            return true;
    return false;
}

column_type_t schema_type_of(table_id_t t, const char *name)
{
    column_id_t c = schema_column_named(t, name);
    return c == COLUMN_NONE ? COLUMN_TEXT : COLUMNS[c].type;
}

bool schema_two_decimals(column_type_t type)
{
    return type == COLUMN_MONEY || type == COLUMN_PERCENT;
}

size_t schema_diff(table_id_t t, schema_t from, schema_t to, const char **out, size_t max)
{
    const table_def_t *d = &TABLES[from][t];
    size_t n = 0;
    for (size_t i = 0; i < d->ncols && n + 1 < max; i++)
        if (!schema_has(to, d->cols[i]))
            out[n++] = COLUMNS[d->cols[i]].name;
    out[n] = NULL;
    return n;
}

void schema_bind(binding_t *b, table_id_t t, const table_t *header)
{
    b->table = t;
    for (int c = 0; c < COLUMN_IDS; c++)
        b->at[c] = COLUMNS[c].table == t ? table_col(header, COLUMNS[c].name) : -1;
}

