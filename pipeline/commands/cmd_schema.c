/*
** schema --old|--new: prints the PostgreSQL DDL of the planner's tables
** before or after the migration, as the live database has them: the old
** one with its phasetype enum, the new one with check_phase_dates, the
** budget checks, the foreign keys and the two date indexes. migrate's
** load.psql loads into the new tables, rollback's into the old.
**
** This file is the source of truth; docs/schema-old.sql and
** docs/schema-new.sql are byte-identical copies: edit the text here, then
** `./phasemig schema --old >docs/schema-old.sql` (and --new).
** tests/e2e/postgres.sh checks that they are the same, and loads them into
** a real PostgreSQL.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "../frame/errors.h"
#include "../frame/options.h"
#include "../frame/output.h"
#include "../frame/util.h"

const char SCHEMA_USAGE[] =
    "usage: phasemig schema --old|--new [FILE]\n\n"
    "Prints the PostgreSQL DDL of the planner's three tables: --old before the\n"
    "migration (phase_type, of the enum phasetype; project_phase_id), --new\n"
    "after it (named, dated phases; check_phase_dates, the budget checks,\n"
    "foreign keys, ix_project_phases_start_date and _end_date). migrate writes\n"
    "OUT/load.psql, which loads its CSV output into the --new tables in one\n"
    "transaction (cd OUT && psql -X -f load.psql); rollback's loads into the\n"
    "--old ones. The same text is in docs/schema-old.sql and docs/schema-new.sql.\n\n"
    "options:\n"
    "  --old        the schema before the migration\n"
    "  --new        the schema after it\n"
    "  FILE         write it there (all at once) instead of stdout; - is stdout\n"
    "  -h, --help   this text\n\n"
    "Exit status: 0 printed; 2 usage error or a write failure.\n";

static const char SCHEMA_OLD_SQL[] =
    "-- The planner's tables in PostgreSQL before Alembic revision 92023c163a26:\n"
    "-- fixed phases, typed by the enum phasetype, and assignments that point at\n"
    "-- their phase (`phasemig schema --old` prints this file).\n"
    "--\n"
    "-- Types, NOT NULLs and checks follow SPEC \"Values\" and the rules phasemig\n"
    "-- enforces on its input; where a live database differs, its\n"
    "-- `pg_dump --schema-only` is the authority.\n"
    "--\n"
    "-- Column order is the live tables' layout (SPEC \"Old schema\"). Foreign keys\n"
    "-- are those between the three tables of a dump; program_id and resource_id\n"
    "-- refer to tables outside it (programs, resources) and are plain uuid here.\n"
    "-- rollback's output loads into these tables with its load.psql.\n"
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
    "-- Types, NOT NULLs and checks follow SPEC \"Values\" and the rules phasemig\n"
    "-- enforces on its input; where a live database differs, its\n"
    "-- `pg_dump --schema-only` is the authority.\n"
    "--\n"
    "-- Column order is the live tables' layout (SPEC \"New schema\"): the\n"
    "-- migration dropped phase_type and project_phase_id and appended name,\n"
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

enum { SCHEMA_PICK_OLD, SCHEMA_PICK_NEW };
static const option_spec_t SCHEMA_OPTIONS[] = {
    {"old", 0, NULL, SCHEMA_PICK_OLD},
    {"new", 0, NULL, SCHEMA_PICK_NEW},
};

static void schema_option(void *ctx, int id, const char *value)
{
    (void)value;
    int *which = ctx;
    if (*which >= 0 && *which != id)
        usage_error("schema", "--old or --new, not both");
    *which = id;
}

int cmd_schema(int argc, char **argv)
{
    int which = -1;
    const char *operands[1];
    size_t n;
    options_parse("schema", SCHEMA_OPTIONS, ARRAY_LEN(SCHEMA_OPTIONS), argc, argv, schema_option,
                  &which, operands, 1, &n);
    if (which < 0)
        usage_error("schema", "needs --old or --new");
    const char *sql = which == SCHEMA_PICK_OLD ? SCHEMA_OLD_SQL : SCHEMA_NEW_SQL;
    if (n == 0 || strcmp(operands[0], "-") == 0) {
        if (fputs(sql, stdout) == EOF || fflush(stdout) != 0)
            runtime_error("stdout: write failed: %s", strerror(errno));
        return 0;
    }
    staged_file_t file = {0};
    bytesink_t *out = staged_file_open(&file, operands[0]);
    out->write(out, sql, strlen(sql));
    out->close(out);
    bytesink_free(out);
    staged_file_commit(&file);
    staged_file_free(&file);
    return 0;
}
