-- The planner's tables in PostgreSQL before Alembic revision 92023c163a26:
-- fixed phases, typed by the enum phasetype, and assignments that point at
-- their phase (`phasemig schema --old` prints this file).
--
-- Types, NOT NULLs and checks follow "Values" in docs/contract.md and the
-- rules phasemig enforces on its input; where a live database differs, its
-- `pg_dump --schema-only` is the authority.
--
-- Column order is the live tables' layout (docs/contract.md "Old schema").
-- Foreign keys are those between the three tables of a dump; program_id and
-- resource_id refer to tables outside it (programs, resources) and are plain
-- uuid here. rollback's output loads into these tables with its load.psql.
CREATE TYPE phasetype AS ENUM ('PLANNING', 'EXECUTION');

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
    phase_type phasetype NOT NULL,
    capital_budget numeric(15,2) NOT NULL,
    expense_budget numeric(15,2) NOT NULL,
    total_budget numeric(15,2) NOT NULL,
    id uuid NOT NULL,
    created_at timestamp without time zone,
    updated_at timestamp without time zone,
    CONSTRAINT project_phases_pkey PRIMARY KEY (id),
    CONSTRAINT project_phases_project_id_fkey FOREIGN KEY (project_id)
        REFERENCES projects (id),
    CONSTRAINT check_capital_budget_non_negative CHECK (capital_budget >= 0),
    CONSTRAINT check_expense_budget_non_negative CHECK (expense_budget >= 0),
    CONSTRAINT check_total_budget_non_negative CHECK (total_budget >= 0),
    CONSTRAINT check_total_budget_sum CHECK (total_budget = capital_budget + expense_budget)
);

CREATE TABLE resource_assignments (
    resource_id uuid,
    project_id uuid NOT NULL,
    project_phase_id uuid NOT NULL,
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
    CONSTRAINT resource_assignments_project_phase_id_fkey FOREIGN KEY (project_phase_id)
        REFERENCES project_phases (id),
    CONSTRAINT check_allocation_percentage CHECK (allocation_percentage BETWEEN 0 AND 100),
    CONSTRAINT check_capital_percentage CHECK (capital_percentage BETWEEN 0 AND 100),
    CONSTRAINT check_expense_percentage CHECK (expense_percentage BETWEEN 0 AND 100)
);
