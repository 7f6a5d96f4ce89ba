-- The planner's tables in PostgreSQL before Alembic revision 92023c163a26 (the
-- database at 976e6adbac6f), as the application's database has them: columns
-- in its order, types, NOT NULLs, CHECKs, indexes and keys by its names
-- (`phasemig schema --old` prints this file; docs/contract.md, "The real
-- schema").
--
-- The foreign keys to tables outside these three are left out, so that
-- the three stand alone in a fresh database (the application's database
-- has them, and the apply scripts keep them):
--   projects_program_id_fkey: projects (program_id) -> programs (id)
--   resource_assignments_resource_id_fkey: resource_assignments (resource_id) -> resources (id)
CREATE TYPE phasetype AS ENUM ('PLANNING', 'EXECUTION');

CREATE TABLE projects (
    program_id uuid NOT NULL,
    name varchar(255) NOT NULL,
    business_sponsor varchar(255) NOT NULL,
    project_manager varchar(255) NOT NULL,
    technical_lead varchar(255) NOT NULL,
    start_date date NOT NULL,
    end_date date NOT NULL,
    cost_center_code varchar(50) NOT NULL,
    description varchar(1000),
    id uuid NOT NULL,
    created_at timestamp without time zone NOT NULL,
    updated_at timestamp without time zone NOT NULL,
    CONSTRAINT projects_pkey PRIMARY KEY (id),
    CONSTRAINT check_project_dates CHECK (start_date < end_date)
);

CREATE UNIQUE INDEX ix_projects_cost_center_code ON projects (cost_center_code);
CREATE INDEX ix_projects_id ON projects (id);
CREATE INDEX ix_projects_name ON projects (name);
CREATE INDEX ix_projects_program_id ON projects (program_id);

CREATE TABLE project_phases (
    project_id uuid NOT NULL,
    phase_type phasetype NOT NULL,
    capital_budget numeric(15,2) NOT NULL,
    expense_budget numeric(15,2) NOT NULL,
    total_budget numeric(15,2) NOT NULL,
    id uuid NOT NULL,
    created_at timestamp without time zone NOT NULL,
    updated_at timestamp without time zone NOT NULL,
    CONSTRAINT project_phases_pkey PRIMARY KEY (id),
    CONSTRAINT project_phases_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id),
    CONSTRAINT check_budget_sum CHECK (capital_budget + expense_budget = total_budget),
    CONSTRAINT check_capital_budget_positive CHECK (capital_budget >= 0),
    CONSTRAINT check_expense_budget_positive CHECK (expense_budget >= 0),
    CONSTRAINT check_total_budget_positive CHECK (total_budget >= 0)
);

CREATE INDEX ix_project_phases_id ON project_phases (id);
CREATE INDEX ix_project_phases_project_id ON project_phases (project_id);

CREATE TABLE resource_assignments (
    resource_id uuid NOT NULL,
    project_id uuid NOT NULL,
    project_phase_id uuid NOT NULL,
    assignment_date date NOT NULL,
    allocation_percentage numeric(5,2) NOT NULL,
    capital_percentage numeric(5,2) NOT NULL,
    expense_percentage numeric(5,2) NOT NULL,
    id uuid NOT NULL,
    created_at timestamp without time zone NOT NULL,
    updated_at timestamp without time zone NOT NULL,
    CONSTRAINT resource_assignments_pkey PRIMARY KEY (id),
    CONSTRAINT resource_assignments_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id),
    CONSTRAINT resource_assignments_project_phase_id_fkey FOREIGN KEY (project_phase_id) REFERENCES project_phases (id),
    CONSTRAINT check_allocation_percentage CHECK (allocation_percentage >= 0 AND allocation_percentage <= 100),
    CONSTRAINT check_accounting_split CHECK (capital_percentage + expense_percentage = 100),
    CONSTRAINT check_capital_percentage CHECK (capital_percentage >= 0 AND capital_percentage <= 100),
    CONSTRAINT check_expense_percentage CHECK (expense_percentage >= 0 AND expense_percentage <= 100)
);

CREATE INDEX ix_resource_assignments_assignment_date ON resource_assignments (assignment_date);
CREATE INDEX ix_resource_assignments_id ON resource_assignments (id);
CREATE INDEX ix_resource_assignments_project_id ON resource_assignments (project_id);
CREATE INDEX ix_resource_assignments_project_phase_id ON resource_assignments (project_phase_id);
CREATE INDEX ix_resource_assignments_resource_id ON resource_assignments (resource_id);
CREATE INDEX ix_resource_assignments_resource_date ON resource_assignments (resource_id, assignment_date);
CREATE INDEX ix_resource_assignments_project_date ON resource_assignments (project_id, assignment_date);
