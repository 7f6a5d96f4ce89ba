#include "schema.h"

#include <string.h>

/* Every column, by id (schema.h): its table, name, value type and
** whether the tool needs it. */
static const column_def_t COLUMNS[COLUMN_IDS] = {
    [PROJECTS_PROGRAM_ID] = {T_PROJECTS, "program_id", COLUMN_UUID, false},
    [PROJECTS_NAME] = {T_PROJECTS, "name", COLUMN_TEXT, false},
    [PROJECTS_BUSINESS_SPONSOR] = {T_PROJECTS, "business_sponsor", COLUMN_TEXT, false},
    [PROJECTS_PROJECT_MANAGER] = {T_PROJECTS, "project_manager", COLUMN_TEXT, false},
    [PROJECTS_TECHNICAL_LEAD] = {T_PROJECTS, "technical_lead", COLUMN_TEXT, false},
    [PROJECTS_START_DATE] = {T_PROJECTS, "start_date", COLUMN_DATE, true},
    [PROJECTS_END_DATE] = {T_PROJECTS, "end_date", COLUMN_DATE, true},
    [PROJECTS_COST_CENTER_CODE] = {T_PROJECTS, "cost_center_code", COLUMN_TEXT, false},
    [PROJECTS_DESCRIPTION] = {T_PROJECTS, "description", COLUMN_TEXT, false},
    [PROJECTS_ID] = {T_PROJECTS, "id", COLUMN_UUID, true},
    [PROJECTS_CREATED_AT] = {T_PROJECTS, "created_at", COLUMN_TIMESTAMP, false},
    [PROJECTS_UPDATED_AT] = {T_PROJECTS, "updated_at", COLUMN_TIMESTAMP, false},

    [PHASES_PROJECT_ID] = {T_PHASES, "project_id", COLUMN_UUID, true},
    [PHASES_PHASE_TYPE] = {T_PHASES, "phase_type", COLUMN_PHASE_TYPE, true},
    [PHASES_CAPITAL_BUDGET] = {T_PHASES, "capital_budget", COLUMN_MONEY, true},
    [PHASES_EXPENSE_BUDGET] = {T_PHASES, "expense_budget", COLUMN_MONEY, true},
    [PHASES_TOTAL_BUDGET] = {T_PHASES, "total_budget", COLUMN_MONEY, true},
    [PHASES_ID] = {T_PHASES, "id", COLUMN_UUID, true},
    [PHASES_CREATED_AT] = {T_PHASES, "created_at", COLUMN_TIMESTAMP, false},
    [PHASES_UPDATED_AT] = {T_PHASES, "updated_at", COLUMN_TIMESTAMP, false},
    [PHASES_NAME] = {T_PHASES, "name", COLUMN_TEXT, true},
    [PHASES_START_DATE] = {T_PHASES, "start_date", COLUMN_DATE, true},
    [PHASES_END_DATE] = {T_PHASES, "end_date", COLUMN_DATE, true},
    [PHASES_DESCRIPTION] = {T_PHASES, "description", COLUMN_TEXT, false},

    [ASSIGNMENTS_RESOURCE_ID] = {T_ASSIGNMENTS, "resource_id", COLUMN_UUID, false},
    [ASSIGNMENTS_PROJECT_ID] = {T_ASSIGNMENTS, "project_id", COLUMN_UUID, true},
    [ASSIGNMENTS_PROJECT_PHASE_ID] = {T_ASSIGNMENTS, "project_phase_id", COLUMN_UUID, true},
    [ASSIGNMENTS_ASSIGNMENT_DATE] = {T_ASSIGNMENTS, "assignment_date", COLUMN_DATE, true},
    [ASSIGNMENTS_ALLOCATION_PERCENTAGE] = {T_ASSIGNMENTS, "allocation_percentage",
                                           COLUMN_PERCENT, false},
    [ASSIGNMENTS_CAPITAL_PERCENTAGE] = {T_ASSIGNMENTS, "capital_percentage", COLUMN_PERCENT,
                                        false},
    [ASSIGNMENTS_EXPENSE_PERCENTAGE] = {T_ASSIGNMENTS, "expense_percentage", COLUMN_PERCENT,
                                        false},
    [ASSIGNMENTS_ID] = {T_ASSIGNMENTS, "id", COLUMN_UUID, true},
    [ASSIGNMENTS_CREATED_AT] = {T_ASSIGNMENTS, "created_at", COLUMN_TIMESTAMP, false},
    [ASSIGNMENTS_UPDATED_AT] = {T_ASSIGNMENTS, "updated_at", COLUMN_TIMESTAMP, false},
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

static const char SCHEMA_OLD_SQL[] =
    "-- The planner's tables in PostgreSQL before Alembic revision 92023c163a26:\n"
    "-- fixed phases, typed by the enum phasetype, and assignments that point at\n"
    "-- their phase (`phasemig schema --old` prints this file).\n"
    "--\n"
    "-- Types, NOT NULLs and checks follow \"Values\" in docs/contract.md and the\n"
    "-- rules phasemig enforces on its input; where a live database differs, its\n"
    "-- `pg_dump --schema-only` is the authority.\n"
    "--\n"
    "-- Column order is the live tables' layout (docs/contract.md \"Old schema\").\n"
    "-- Foreign keys are those between the three tables of a dump; program_id and\n"
    "-- resource_id refer to tables outside it (programs, resources) and are plain\n"
    "-- uuid here. rollback's output loads into these tables with its load.psql.\n"
    "CREATE TYPE phasetype AS ENUM ('PLANNING', 'EXECUTION');\n"
    "\n"
    "CREATE TABLE projects (\n"
    "    program_id uuid,\n"
    "    name text,\n"
    "    business_sponsor text,\n"
    "    project_manager text,\n"
    "    technical_lead text,\n"
    "    start_date date NOT NULL,\n"
    "    end_date date NOT NULL,\n"
    "    cost_center_code text,\n"
    "    description text,\n"
    "    id uuid NOT NULL,\n"
    "    created_at timestamp without time zone,\n"
    "    updated_at timestamp without time zone,\n"
    "    CONSTRAINT projects_pkey PRIMARY KEY (id)\n"
    ");\n"
    "\n"
    "CREATE TABLE project_phases (\n"
    "    project_id uuid NOT NULL,\n"
    "    phase_type phasetype NOT NULL,\n"
    "    capital_budget numeric(15,2) NOT NULL,\n"
    "    expense_budget numeric(15,2) NOT NULL,\n"
    "    total_budget numeric(15,2) NOT NULL,\n"
    "    id uuid NOT NULL,\n"
    "    created_at timestamp without time zone,\n"
    "    updated_at timestamp without time zone,\n"
    "    CONSTRAINT project_phases_pkey PRIMARY KEY (id),\n"
    "    CONSTRAINT project_phases_project_id_fkey FOREIGN KEY (project_id)\n"
    "        REFERENCES projects (id),\n"
    "    CONSTRAINT check_capital_budget_non_negative CHECK (capital_budget >= 0),\n"
    "    CONSTRAINT check_expense_budget_non_negative CHECK (expense_budget >= 0),\n"
    "    CONSTRAINT check_total_budget_non_negative CHECK (total_budget >= 0),\n"
    "    CONSTRAINT check_total_budget_sum CHECK (total_budget = capital_budget + expense_budget)\n"
    ");\n"
    "\n"
    "CREATE TABLE resource_assignments (\n"
    "    resource_id uuid,\n"
    "    project_id uuid NOT NULL,\n"
    "    project_phase_id uuid NOT NULL,\n"
    "    assignment_date date NOT NULL,\n"
    "    allocation_percentage numeric(5,2),\n"
    "    capital_percentage numeric(5,2),\n"
    "    expense_percentage numeric(5,2),\n"
    "    id uuid NOT NULL,\n"
    "    created_at timestamp without time zone,\n"
    "    updated_at timestamp without time zone,\n"
    "    CONSTRAINT resource_assignments_pkey PRIMARY KEY (id),\n"
    "    CONSTRAINT resource_assignments_project_id_fkey FOREIGN KEY (project_id)\n"
    "        REFERENCES projects (id),\n"
    "    CONSTRAINT resource_assignments_project_phase_id_fkey FOREIGN KEY (project_phase_id)\n"
    "        REFERENCES project_phases (id),\n"
    "    CONSTRAINT check_allocation_percentage CHECK (allocation_percentage BETWEEN 0 AND 100),\n"
    "    CONSTRAINT check_capital_percentage CHECK (capital_percentage BETWEEN 0 AND 100),\n"
    "    CONSTRAINT check_expense_percentage CHECK (expense_percentage BETWEEN 0 AND 100)\n"
    ");\n";

static const char SCHEMA_NEW_SQL[] =
    "-- The planner's tables in PostgreSQL after Alembic revision 92023c163a26:\n"
    "-- user-defined phases with a name and a date range, and assignments that\n"
    "-- belong to whichever phase of their project holds their date (`phasemig\n"
    "-- schema --new` prints this file).\n"
    "--\n"
    "-- Types, NOT NULLs and checks follow \"Values\" in docs/contract.md and the\n"
    "-- rules phasemig enforces on its input; where a live database differs, its\n"
    "-- `pg_dump --schema-only` is the authority.\n"
    "--\n"
    "-- Column order is the live tables' layout (docs/contract.md \"New schema\"):\n"
    "-- the migration dropped phase_type and project_phase_id and appended name,\n"
    "-- start_date, end_date and description. Foreign keys are those between the\n"
    "-- three tables of a dump; program_id and resource_id refer to tables\n"
    "-- outside it (programs, resources) and are plain uuid here. migrate's\n"
    "-- output loads into these tables with its load.psql.\n"
    "CREATE TABLE projects (\n"
    "    program_id uuid,\n"
    "    name text,\n"
    "    business_sponsor text,\n"
    "    project_manager text,\n"
    "    technical_lead text,\n"
    "    start_date date NOT NULL,\n"
    "    end_date date NOT NULL,\n"
    "    cost_center_code text,\n"
    "    description text,\n"
    "    id uuid NOT NULL,\n"
    "    created_at timestamp without time zone,\n"
    "    updated_at timestamp without time zone,\n"
    "    CONSTRAINT projects_pkey PRIMARY KEY (id)\n"
    ");\n"
    "\n"
    "CREATE TABLE project_phases (\n"
    "    project_id uuid NOT NULL,\n"
    "    capital_budget numeric(15,2) NOT NULL,\n"
    "    expense_budget numeric(15,2) NOT NULL,\n"
    "    total_budget numeric(15,2) NOT NULL,\n"
    "    id uuid NOT NULL,\n"
    "    created_at timestamp without time zone,\n"
    "    updated_at timestamp without time zone,\n"
    "    name text NOT NULL,\n"
    "    start_date date NOT NULL,\n"
    "    end_date date NOT NULL,\n"
    "    description text,\n"
    "    CONSTRAINT project_phases_pkey PRIMARY KEY (id),\n"
    "    CONSTRAINT project_phases_project_id_fkey FOREIGN KEY (project_id)\n"
    "        REFERENCES projects (id),\n"
    "    CONSTRAINT check_capital_budget_non_negative CHECK (capital_budget >= 0),\n"
    "    CONSTRAINT check_expense_budget_non_negative CHECK (expense_budget >= 0),\n"
    "    CONSTRAINT check_total_budget_non_negative CHECK (total_budget >= 0),\n"
    "    CONSTRAINT check_total_budget_sum CHECK (total_budget = capital_budget + expense_budget),\n"
    "    CONSTRAINT check_phase_dates CHECK (start_date <= end_date)\n"
    ");\n"
    "\n"
    "CREATE INDEX ix_project_phases_start_date ON project_phases (start_date);\n"
    "CREATE INDEX ix_project_phases_end_date ON project_phases (end_date);\n"
    "\n"
    "CREATE TABLE resource_assignments (\n"
    "    resource_id uuid,\n"
    "    project_id uuid NOT NULL,\n"
    "    assignment_date date NOT NULL,\n"
    "    allocation_percentage numeric(5,2),\n"
    "    capital_percentage numeric(5,2),\n"
    "    expense_percentage numeric(5,2),\n"
    "    id uuid NOT NULL,\n"
    "    created_at timestamp without time zone,\n"
    "    updated_at timestamp without time zone,\n"
    "    CONSTRAINT resource_assignments_pkey PRIMARY KEY (id),\n"
    "    CONSTRAINT resource_assignments_project_id_fkey FOREIGN KEY (project_id)\n"
    "        REFERENCES projects (id),\n"
    "    CONSTRAINT check_allocation_percentage CHECK (allocation_percentage BETWEEN 0 AND 100),\n"
    "    CONSTRAINT check_capital_percentage CHECK (capital_percentage BETWEEN 0 AND 100),\n"
    "    CONSTRAINT check_expense_percentage CHECK (expense_percentage BETWEEN 0 AND 100)\n"
    ");\n";

const char *schema_ddl(schema_t s)
{
    return s == SCHEMA_OLD ? SCHEMA_OLD_SQL : SCHEMA_NEW_SQL;
}
