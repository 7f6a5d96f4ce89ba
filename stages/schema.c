#include "schema.h"

#include <string.h>

/* The columns in the live tables' order (docs/contract.md "Old schema",
** "New schema"). */
static const column_def_t PROJECT_COLS[] = {
    {"program_id", COLUMN_UUID, false},      {"name", COLUMN_TEXT, false},
    {"business_sponsor", COLUMN_TEXT, false}, {"project_manager", COLUMN_TEXT, false},
    {"technical_lead", COLUMN_TEXT, false},  {"start_date", COLUMN_DATE, true},
    {"end_date", COLUMN_DATE, true},         {"cost_center_code", COLUMN_TEXT, false},
    {"description", COLUMN_TEXT, false},     {"id", COLUMN_UUID, true},
    {"created_at", COLUMN_TIMESTAMP, false}, {"updated_at", COLUMN_TIMESTAMP, false},
};
static const column_def_t OLD_PHASE_COLS[] = {
    {"project_id", COLUMN_UUID, true},        {"phase_type", COLUMN_PHASE_TYPE, true},
    {"capital_budget", COLUMN_MONEY, true},   {"expense_budget", COLUMN_MONEY, true},
    {"total_budget", COLUMN_MONEY, true},     {"id", COLUMN_UUID, true},
    {"created_at", COLUMN_TIMESTAMP, false},  {"updated_at", COLUMN_TIMESTAMP, false},
};
static const column_def_t NEW_PHASE_COLS[] = {
    {"project_id", COLUMN_UUID, true},       {"capital_budget", COLUMN_MONEY, true},
    {"expense_budget", COLUMN_MONEY, true},  {"total_budget", COLUMN_MONEY, true},
    {"id", COLUMN_UUID, true},               {"created_at", COLUMN_TIMESTAMP, false},
    {"updated_at", COLUMN_TIMESTAMP, false}, {"name", COLUMN_TEXT, true},
    {"start_date", COLUMN_DATE, true},       {"end_date", COLUMN_DATE, true},
    {"description", COLUMN_TEXT, false},
};
static const column_def_t OLD_ASSIGNMENT_COLS[] = {
    {"resource_id", COLUMN_UUID, false},           {"project_id", COLUMN_UUID, true},
    {"project_phase_id", COLUMN_UUID, true},       {"assignment_date", COLUMN_DATE, true},
    {"allocation_percentage", COLUMN_PERCENT, false}, {"capital_percentage", COLUMN_PERCENT, false},
    {"expense_percentage", COLUMN_PERCENT, false}, {"id", COLUMN_UUID, true},
    {"created_at", COLUMN_TIMESTAMP, false},       {"updated_at", COLUMN_TIMESTAMP, false},
};
static const column_def_t NEW_ASSIGNMENT_COLS[] = {
    {"resource_id", COLUMN_UUID, false},           {"project_id", COLUMN_UUID, true},
    {"assignment_date", COLUMN_DATE, true},        {"allocation_percentage", COLUMN_PERCENT, false},
    {"capital_percentage", COLUMN_PERCENT, false}, {"expense_percentage", COLUMN_PERCENT, false},
    {"id", COLUMN_UUID, true},                     {"created_at", COLUMN_TIMESTAMP, false},
    {"updated_at", COLUMN_TIMESTAMP, false},
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

const column_def_t *schema_column(schema_t s, table_id_t t, const char *name)
{
    const table_def_t *d = &TABLES[s][t];
    for (size_t i = 0; i < d->ncols; i++)
        if (strcmp(d->cols[i].name, name) == 0)
            return &d->cols[i];
    return NULL;
}

const column_def_t *schema_find(const char *table, const char *col)
{
    for (int t = 0; t < T_COUNT; t++) {
        if (strcmp(table, schema_table_name((table_id_t)t)) != 0)
            continue;
        const column_def_t *c = schema_column(SCHEMA_NEW, (table_id_t)t, col);
        return c ? c : schema_column(SCHEMA_OLD, (table_id_t)t, col);
    }
    return NULL;
}

bool schema_two_decimals(const char *col)
{
    for (int s = SCHEMA_OLD; s <= SCHEMA_NEW; s++)
        for (int t = 0; t < T_COUNT; t++) {
            const column_def_t *c = schema_column((schema_t)s, (table_id_t)t, col);
            if (c && (c->type == COLUMN_MONEY || c->type == COLUMN_PERCENT))
                return true;
        }
    return false;
}

size_t schema_diff(table_id_t t, schema_t from, schema_t to, const char **out, size_t max)
{
    const table_def_t *d = &TABLES[from][t];
    size_t n = 0;
    for (size_t i = 0; i < d->ncols && n + 1 < max; i++)
        if (!schema_column(to, t, d->cols[i].name))
            out[n++] = d->cols[i].name;
    out[n] = NULL;
    return n;
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
