// The strongest peer in make bench (tests/bench/run.sh): DuckDB, through
// the @duckdb/node-api package that run.sh installs into build/duckdb.
//
//   node tests/bench/duckdb.mjs migrate IN OUT      phasemig's csv -> csv migration
//                                                   as SQL, as tests/bench/migrate.sql
//                                                   does it for sqlite3; prints
//                                                   "kept K moved M orphaned O"
//   node tests/bench/duckdb.mjs reconcile A B FILE  a FULL OUTER JOIN on id per table,
//                                                   the rows that differ into FILE;
//                                                   prints "missing M extra E changed C"
//                                                   over the three tables
//
// Types are DuckDB's own guesses from the CSV (read_csv), so that values
// compare by type as phasemig's do (50000 = 50000.00, timestamps by
// instant); ids are compared lower-cased. A benchmark reference, not a
// test: run.sh checks only that its counts equal phasemig's.
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

const require = createRequire(resolve(process.env.DUCKDB_PREFIX ?? 'build/duckdb') + '/');
const { DuckDBInstance } = require('@duckdb/node-api');

const TABLES = ['projects', 'project_phases', 'resource_assignments'];
const quote = (s) => `'${s.replaceAll("'", "''")}'`;
const ident = (s) => `"${s.replaceAll('"', '""')}"`;

const [mode, ...args] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
const rows = async (sql) => (await db.runAndReadAll(sql)).getRows();

if (mode === 'migrate') {
    const [dir, out] = args;
    mkdirSync(out, { recursive: true });
    for (const t of TABLES)
        await db.run(`CREATE TABLE ${t} AS SELECT * FROM read_csv(${quote(`${dir}/${t}.csv`)}, header = true, all_varchar = true)`);
    // each phase's range: both phases cut at the midpoint, one spans the project
    await db.run(`CREATE TABLE ranges AS
        SELECT ph.id AS phase_id, ph.project_id,
               CASE WHEN upper(ph.phase_type) = 'PLANNING' THEN 'Planning' ELSE 'Execution' END AS name,
               CASE WHEN k.n = 2 AND upper(ph.phase_type) = 'EXECUTION'
                    THEN CAST(CAST(p.start_date AS DATE) + CAST((CAST(p.end_date AS DATE) - CAST(p.start_date AS DATE)) // 2 + 1 AS INTEGER) AS VARCHAR)
                    ELSE p.start_date END AS start_date,
               CASE WHEN k.n = 2 AND upper(ph.phase_type) = 'PLANNING'
                    THEN CAST(CAST(p.start_date AS DATE) + CAST((CAST(p.end_date AS DATE) - CAST(p.start_date AS DATE)) // 2 AS INTEGER) AS VARCHAR)
                    ELSE p.end_date END AS end_date
        FROM project_phases ph
        JOIN projects p ON p.id = ph.project_id
        JOIN (SELECT project_id, count(*) AS n FROM project_phases GROUP BY project_id) k ON k.project_id = ph.project_id`);
    await db.run(`COPY (SELECT * FROM projects ORDER BY rowid) TO ${quote(`${out}/projects.csv`)} (HEADER)`);
    await db.run(`COPY (SELECT ph.project_id, ph.capital_budget, ph.expense_budget, ph.total_budget, ph.id,
                               ph.created_at, ph.updated_at, r.name, r.start_date, r.end_date, NULL AS description
                        FROM project_phases ph JOIN ranges r ON r.phase_id = ph.id ORDER BY ph.rowid)
                  TO ${quote(`${out}/project_phases.csv`)} (HEADER)`);
    await db.run(`COPY (SELECT resource_id, project_id, assignment_date, allocation_percentage, capital_percentage,
                               expense_percentage, id, created_at, updated_at
                        FROM resource_assignments ORDER BY rowid)
                  TO ${quote(`${out}/resource_assignments.csv`)} (HEADER)`);
    // every assignment classified against its project's new phases
    await db.run(`CREATE TABLE changes AS
        SELECT a.id, a.project_phase_id AS before, r.phase_id AS after,
               CASE WHEN r.phase_id IS NULL THEN 'orphaned'
                    WHEN r.phase_id = a.project_phase_id THEN 'kept' ELSE 'moved' END AS change, a.rowid AS n
        FROM resource_assignments a
        LEFT JOIN ranges r ON r.project_id = a.project_id
                          AND a.assignment_date BETWEEN r.start_date AND r.end_date`);
    await db.run(`COPY (SELECT id, before, after, change FROM changes ORDER BY n) TO ${quote(`${out}/changes.csv`)} (HEADER)`);
    const count = Object.fromEntries(await rows(`SELECT change, count(*) FROM changes GROUP BY change`));
    console.log(`kept ${count.kept ?? 0} moved ${count.moved ?? 0} orphaned ${count.orphaned ?? 0}`);
} else if (mode === 'reconcile') {
    const [a, b, file] = args;
    const parts = [];
    for (const t of TABLES) {
        await db.run(`CREATE TABLE e_${t} AS SELECT * FROM read_csv(${quote(`${a}/${t}.csv`)}, header = true)`);
        await db.run(`CREATE TABLE a_${t} AS SELECT * FROM read_csv(${quote(`${b}/${t}.csv`)}, header = true)`);
        const cols = async (name) => (await rows(`SELECT column_name FROM (DESCRIBE ${name})`)).map((r) => r[0]);
        const theirs = new Set(await cols(`a_${t}`));
        const common = (await cols(`e_${t}`)).filter((c) => theirs.has(c) && c !== 'id');
        const differs = common.map((c) => `e.${ident(c)} IS DISTINCT FROM a.${ident(c)}`).join(' OR ') || 'false';
        parts.push(`SELECT '${t}' AS tbl, coalesce(CAST(e.id AS VARCHAR), CAST(a.id AS VARCHAR)) AS id,
                           CASE WHEN a.id IS NULL THEN 'missing' WHEN e.id IS NULL THEN 'extra' ELSE 'changed' END AS change
                    FROM e_${t} e FULL OUTER JOIN a_${t} a ON lower(CAST(e.id AS VARCHAR)) = lower(CAST(a.id AS VARCHAR))
                    WHERE e.id IS NULL OR a.id IS NULL OR ${differs}`);
    }
    await db.run(`CREATE TABLE d AS ${parts.join(' UNION ALL ')}`);
    await db.run(`COPY (SELECT * FROM d ORDER BY tbl, id) TO ${quote(file)} (HEADER)`);
    const count = Object.fromEntries(await rows(`SELECT change, count(*) FROM d GROUP BY change`));
    console.log(`missing ${count.missing ?? 0} extra ${count.extra ?? 0} changed ${count.changed ?? 0}`);
} else {
    console.error('usage: node tests/bench/duckdb.mjs migrate IN OUT | reconcile A B FILE');
    process.exit(2);
}
db.closeSync();
