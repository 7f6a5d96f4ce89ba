-- The reference: phasemig's csv -> csv migration as a sqlite3 shell script,
-- as a competent SQL user would write it. Run in the dump's directory:
--     sqlite3 :memory: < migrate.sql      (writes out-sql/, which must exist)
.bail on
.import --csv projects.csv projects
.import --csv project_phases.csv project_phases
.import --csv resource_assignments.csv resource_assignments
-- each phase's range: both phases cut at the midpoint, one spans the project
CREATE TABLE ranges AS
SELECT ph.id AS phase_id, ph.project_id,
       CASE WHEN upper(ph.phase_type) = 'PLANNING' THEN 'Planning' ELSE 'Execution' END AS name,
       CASE WHEN k.n = 2 AND upper(ph.phase_type) = 'EXECUTION'
            THEN date(p.start_date, '+' || (CAST((julianday(p.end_date) - julianday(p.start_date)) / 2 AS INTEGER) + 1) || ' days')
            ELSE p.start_date END AS start_date,
       CASE WHEN k.n = 2 AND upper(ph.phase_type) = 'PLANNING'
            THEN date(p.start_date, '+' || CAST((julianday(p.end_date) - julianday(p.start_date)) / 2 AS INTEGER) || ' days')
            ELSE p.end_date END AS end_date
FROM project_phases ph
JOIN projects p ON p.id = ph.project_id
JOIN (SELECT project_id, count(*) AS n FROM project_phases GROUP BY project_id) k ON k.project_id = ph.project_id;
CREATE INDEX ranges_by_project ON ranges (project_id, start_date);
.mode csv
.headers on
.once out-sql/projects.csv
SELECT * FROM projects ORDER BY rowid;
.once out-sql/project_phases.csv
SELECT ph.project_id, ph.capital_budget, ph.expense_budget, ph.total_budget, ph.id, ph.created_at,
       ph.updated_at, r.name, r.start_date, r.end_date, NULL AS description
FROM project_phases ph JOIN ranges r ON r.phase_id = ph.id ORDER BY ph.rowid;
.once out-sql/resource_assignments.csv
SELECT resource_id, project_id, assignment_date, allocation_percentage, capital_percentage,
       expense_percentage, id, created_at, updated_at
FROM resource_assignments ORDER BY rowid;
-- every assignment classified against its project's new phases
.once out-sql/changes.csv
SELECT a.id, a.project_phase_id AS before, r.phase_id AS after,
       CASE WHEN r.phase_id IS NULL THEN 'orphaned'
            WHEN r.phase_id = a.project_phase_id THEN 'kept' ELSE 'moved' END AS change
FROM resource_assignments a
LEFT JOIN ranges r ON r.project_id = a.project_id
                  AND a.assignment_date BETWEEN r.start_date AND r.end_date
ORDER BY a.rowid;
