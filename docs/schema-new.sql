-- The planner's tables in PostgreSQL after Alembic revision 92023c163a26:
-- user-defined phases with a name and a date range, and assignments that
-- belong to whichever phase of their project holds their date (`phasemig
-- schema --new` prints this file).
--
-- Types, NOT NULLs and checks follow "Values" in docs/contract.md and the
-- rules phasemig enforces on its input; where a live database differs, its
-- `pg_dump --schema-only` is the authority.
--
-- Column order is the live tables' layout (docs/contract.md "New schema"):
-- the migration dropped phase_type and project_phase_id and appended name,
-- start_date, end_date and description. Foreign keys are those between the
-- three tables of a dump; program_id and resource_id refer to tables
-- outside it (programs, resources) and are plain uuid here. migrate's
-- output loads into these tables with its load.psql.
CREATE TABLE projects (
    program_id uuid,
    name text,
    business_sponsor text,
    project_manager text,
    technical_lead text,
    start_date date NOT NULL,
    end_date date NOT NULL,
    cost_center_code text,
    description text,
    id uuid NOT NULL,
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    CONSTRAINT projects_pkey PRIMARY KEY (id)
);

CREATE TABLE project_phases (
    project_id uuid NOT NULL,
    capital_budget numeric(15,2) NOT NULL,
    expense_budget numeric(15,2) NOT NULL,
    total_budget numeric(15,2) NOT NULL,
    id uuid NOT NULL,
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    name text NOT NULL,
    start_date date NOT NULL,
    end_date date NOT NULL,
    description text,
    CONSTRAINT project_phases_pkey PRIMARY KEY (id),
    CONSTRAINT project_phases_project_id_fkey FOREIGN KEY (project_id)
        REFERENCES projects (id),
    CONSTRAINT check_capital_budget_non_negative CHECK (capital_budget >= 0),
    CONSTRAINT check_expense_budget_non_negative CHECK (expense_budget >= 0),
    CONSTRAINT check_total_budget_non_negative CHECK (total_budget >= 0),
    CONSTRAINT check_total_budget_sum CHECK (total_budget = capital_budget + expense_budget),
    CONSTRAINT check_phase_dates CHECK (start_date <= end_date)
);

CREATE INDEX ix_project_phases_start_date ON project_phases (start_date);
CREATE INDEX ix_project_phases_end_date ON project_phases (end_date);

CREATE TABLE resource_assignments (
    resource_id uuid,
    project_id uuid NOT NULL,
    assignment_date date NOT NULL,
    allocation_percentage numeric(5,2),
    capital_percentage numeric(5,2),
    expense_percentage numeric(5,2),
    id uuid NOT NULL,
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    CONSTRAINT resource_assignments_pkey PRIMARY KEY (id),
    CONSTRAINT resource_assignments_project_id_fkey FOREIGN KEY (project_id)
        REFERENCES projects (id),
    CONSTRAINT check_allocation_percentage CHECK (allocation_percentage BETWEEN 0 AND 100),
    CONSTRAINT check_capital_percentage CHECK (capital_percentage BETWEEN 0 AND 100),
    CONSTRAINT check_expense_percentage CHECK (expense_percentage BETWEEN 0 AND 100)
);
