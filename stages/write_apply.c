/*
** write_apply: OUT/apply.psql, the script that changes the planner
** database itself (see write_apply.h for what it does and refuses).
**
** The script's SQL is written from the schema (schema.h, ddl.h) and from
** the headers of the files phasemig wrote, by position; what it says comes
** from here. Numbers are the only values of the data in its text; the
** labels of the phases (names or types) it checks are SQL literals
** outside any dollar quote and any psql meta-command.
*/
#include "write_apply.h"

#include <inttypes.h>
#include <string.h>

#include "ddl.h"

/* How many of the first offending ids a refusal names. */
#define NAMED 5

typedef struct {
    buf_t *b;
    const apply_input_t *in;
    schema_t from;          /* the database's schema before the script */
} script_t;

static const char *file_ext(const script_t *s)
{
    return s->in->gzip ? ".csv.gz" : ".csv";
}

/* The staged copy of table t: pg_temp.phasemig_TABLE, every column of
** the file as text, c1 .. cN by position. */
static void stage_file(script_t *s, table_id_t t)
{
    const table_t *h = s->in->headers[t];
    const char *name = schema_table_name(t);
    buf_printf(s->b, "CREATE TEMP TABLE phasemig_%s (", name);
    for (size_t i = 0; i < h->ncols; i++)
        buf_printf(s->b, "%sc%zu text", i ? ", " : "", i + 1);
    buf_adds(s->b, ") ON COMMIT DROP;\n");
    if (s->in->gzip)
        buf_printf(s->b, "\\copy phasemig_%s FROM PROGRAM 'gzip -dc %s.csv.gz' WITH (FORMAT csv, "
                         "HEADER true)\n",
                   name, name);
    else
        buf_printf(s->b, "\\copy phasemig_%s FROM '%s.csv' WITH (FORMAT csv, HEADER true)\n", name,
                   name);
}

/* Column c of table t's staged file, as alias.cN: as text, or (typed)
** cast to its type when it is not text (text is assigned as it is, so
** that a value too long for its VARCHAR is an error, not cut). */
static void staged_as(script_t *s, const char *alias, table_id_t t, column_id_t c, bool typed)
{
    int at = table_col(s->in->headers[t], schema_column_name(c));
    if (at < 0)
        runtime_error("internal error: apply.psql: %s%s has no column %s", schema_table_name(t),
                      file_ext(s), schema_column_name(c));
    buf_printf(s->b, "%s.c%d", alias, at + 1);
    if (typed && schema_column(c)->type != COLUMN_TEXT) {
        buf_adds(s->b, "::");
        ddl_pg_type(s->b, c);
    }
}

static void staged(script_t *s, const char *alias, table_id_t t, column_id_t c)
{
    staged_as(s, alias, t, c, true);
}

/* A SQL string literal: ' doubled (standard_conforming_strings is on). */
static void literal(buf_t *b, const char *text)
{
    buf_addc(b, '\'');
    for (const char *p = text; *p; p++) {
        if (*p == '\'')
            buf_addc(b, '\'');
        buf_addc(b, *p);
    }
    buf_addc(b, '\'');
}

static void preamble(script_t *s)
{
    const apply_input_t *in = s->in;
    bool forward = in->to == SCHEMA_NEW;
    buf_printf(s->b,
               "-- apply.psql, written by phasemig %s. It takes the planner database\n"
               "-- that phasemig's input was dumped from (or a restore of it) from\n"
               "-- Alembic revision %s to %s, as the application's %s\n"
               "-- does, in one transaction:\n"
               "--\n"
               "--     psql -X -v ON_ERROR_STOP=1 -d DB -v dir=%s -f %s/apply.psql\n"
               "--\n"
               "-- First it checks that the database is the one phasemig read: its\n"
               "-- revision, projects, phases and number of assignments. If not, it\n"
               "-- says why and changes nothing. Then it %s,\n"
               "-- sets the revision, and checks the result against what phasemig\n"
               "-- wrote before COMMIT. It reads the files beside it (-v dir=, or where\n"
               "-- it is run), and changes project_phases, resource_assignments and\n"
               "-- alembic_version only. The tables are not schema-qualified:\n"
               "-- search_path says where they are. Needs psql 10 or later.\n",
               forward ? "migrate" : "rollback", schema_revision(s->from), schema_revision(in->to),
               forward ? "migration" : "downgrade", forward ? "OUT" : "BACK",
               forward ? "OUT" : "BACK",
               forward ? "names and dates the phases and drops\n-- phase_type and project_phase_id"
                       : "rebuilds project_phases and\n-- resource_assignments with phase_type and "
                         "project_phase_id where\n-- they stood");
    if (in->gzip)
        buf_adds(s->b, "-- The files are gzip: psql runs `gzip -dc` to read them.\n");
    buf_adds(s->b, "\\set ON_ERROR_STOP on\n"
                   "\\encoding UTF8\n"
                   "\\if :{?dir}\n"
                   "\\cd :dir\n"
                   "\\endif\n"
                   "SET client_min_messages = warning;\n"
                   "SET standard_conforming_strings = on;\n"
                   "BEGIN;\n");
}

/* A DO block that fails with `message` (a RAISE format: its % are the
** values after it) when `cond` holds, given the declarations and the
** statements before the test. */
static void refuse_if(script_t *s, const char *declare, const char *before, const char *cond,
                      const char *message, const char *values)
{
    buf_printf(s->b,
               "DO $phasemig$\n%s%sBEGIN\n%s    IF %s THEN\n"
               "        RAISE EXCEPTION 'apply.psql: %s; nothing changed'%s%s;\n"
               "    END IF;\nEND $phasemig$;\n",
               declare ? "DECLARE\n" : "", declare ? declare : "", before ? before : "", cond,
               message, values ? ", " : "", values ? values : "");
}

/* The database's revision is schema from's. */
static void guard_revision(script_t *s)
{
    const char *versions = schema_versions_table();
    const char *want = schema_revision(s->from), *done = schema_revision(s->in->to);
    buf_printf(s->b, "-- the revision\n");
    buf_t cond, msg;
    buf_init(&cond);
    buf_init(&msg);
    buf_printf(&cond, "to_regclass('%s') IS NULL", versions);
    buf_printf(&msg,
               "the database has no table %s: it is not a planner database at revision %s "
               "(the application''s Alembic migrations make one)",
               versions, want);
    refuse_if(s, NULL, NULL, buf_str(&cond), buf_str(&msg), NULL);
    buf_clear(&msg);
    buf_printf(&msg,
               "the database is at revision %s already: %s (this script ran, or the "
               "application''s %s did)",
               done, s->in->to == SCHEMA_NEW ? "it is migrated" : "it is not migrated",
               s->in->to == SCHEMA_NEW ? "migration" : "downgrade");
    buf_clear(&cond);
    buf_printf(&cond, "v = '%s'", done);
    buf_t before;
    buf_init(&before);
    buf_printf(&before,
               "    SELECT coalesce(string_agg(version_num, ', ' ORDER BY version_num), 'none')"
               " INTO v FROM %s;\n",
               versions);
    refuse_if(s, "    v text;\n", buf_str(&before), buf_str(&cond), buf_str(&msg), NULL);
    buf_clear(&msg);
    buf_printf(&msg, "the database is at revision %%, not %s: this script takes %s to %s", want,
               want, done);
    buf_clear(&cond);
    buf_printf(&cond, "v <> '%s'", want);
    refuse_if(s, "    v text;\n", buf_str(&before), buf_str(&cond), buf_str(&msg), "v");
    buf_free(&before);
    buf_free(&cond);
    buf_free(&msg);
}

/* The rows of a database table and of its staged file that differ, by
** key: `db` and `file` are SELECTs of (id, a, b), the comparison values;
** the refusal counts them and names the first. */
static void guard_same(script_t *s, const char *what, const char *file, const char *db,
                       const char *staged_rows, const char *columns)
{
    buf_t before, msg;
    buf_init(&before);
    buf_init(&msg);
    buf_printf(&before,
               "    WITH d AS (SELECT coalesce(t.id, f.id) AS id\n"
               "                 FROM (%s) t FULL JOIN (%s) f ON f.id = t.id\n"
               "                WHERE t.id IS NULL OR f.id IS NULL OR (t.a, t.b) IS DISTINCT "
               "FROM (f.a, f.b))\n"
               "    SELECT count(*), (SELECT string_agg(id::text, ', ') FROM (SELECT id FROM d "
               "ORDER BY id LIMIT %d) x)\n"
               "      INTO n, first FROM d;\n",
               db, staged_rows, NAMED);
    buf_printf(&msg,
               "the database and %s%s differ in %%: %% (one has it and the other not, or "
               "its %s is another); the database is not the one phasemig read",
               file, file_ext(s), columns);
    buf_t values;
    buf_init(&values);
    buf_printf(&values, "n || CASE WHEN n = 1 THEN ' %s' ELSE ' %ss' END, first", what, what);
    refuse_if(s, "    n bigint;\n    first text;\n", buf_str(&before), "n > 0", buf_str(&msg),
              buf_str(&values));
    buf_free(&values);
    buf_free(&before);
    buf_free(&msg);
}

/* SELECT id, a, b FROM the staged file of table t, a and b its columns
** (or expressions `a_expr`, `b_expr` over them, with %s for the column). */
static void staged_select(script_t *s, buf_t *out, table_id_t t, column_id_t a, const char *a_expr,
                          column_id_t b, const char *b_expr)
{
    buf_t *saved = s->b;
    buf_t col;
    buf_init(&col);
    s->b = out;
    buf_adds(out, "SELECT ");
    staged(s, "f", t, schema_key(t));
    buf_adds(out, " AS id, ");
    /* a column an expression takes is text */
    s->b = &col;
    staged_as(s, "f", t, a, !a_expr);
    buf_printf(out, a_expr ? a_expr : "%s", buf_str(&col));
    buf_clear(&col);
    staged_as(s, "f", t, b, !b_expr);
    buf_adds(out, " AS a, ");
    buf_printf(out, b_expr ? b_expr : "%s", buf_str(&col));
    buf_printf(out, " AS b FROM phasemig_%s f", schema_table_name(t));
    s->b = saved;
    buf_free(&col);
}

static void guard_projects(script_t *s)
{
    buf_t db, file;
    buf_init(&db);
    buf_init(&file);
    buf_printf(&db, "SELECT %s AS id, %s AS a, %s AS b FROM %s",
               schema_column_name(PROJECTS_ID), schema_column_name(PROJECTS_START_DATE),
               schema_column_name(PROJECTS_END_DATE), schema_table_name(T_PROJECTS));
    staged_select(s, &file, T_PROJECTS, PROJECTS_START_DATE, NULL, PROJECTS_END_DATE, NULL);
    buf_adds(s->b, "-- the projects: those phasemig read, with the same dates\n");
    guard_same(s, "project", schema_table_name(T_PROJECTS), buf_str(&db), buf_str(&file),
               "start_date or end_date");
    buf_free(&db);
    buf_free(&file);
}

/* The type a name means, as the downgrade (and rollback) reads it:
** PLANNING when it contains "planning", else EXECUTION. */
static void type_of_name(buf_t *b, const char *column)
{
    const char *const *labels = schema_enum_labels();
    buf_printf(b, "CASE WHEN lower(%s) LIKE '%%planning%%' THEN '%s' ELSE '%s' END", column,
               labels[0], labels[1]);
}

static void guard_phases(script_t *s)
{
    bool forward = s->in->to == SCHEMA_NEW;
    buf_t db, file, type;
    buf_init(&db);
    buf_init(&file);
    buf_init(&type);
    const char *project = schema_column_name(PHASES_PROJECT_ID);
    if (forward) {
        /* the database's types against the names migrate gave them */
        buf_printf(&db, "SELECT id, %s AS a, %s::text AS b FROM %s", project,
                   schema_column_name(PHASES_PHASE_TYPE), schema_table_name(T_PHASES));
        staged_select(s, &file, T_PHASES, PHASES_PROJECT_ID, NULL, PHASES_NAME, "upper(%s)");
    } else {
        type_of_name(&type, schema_column_name(PHASES_NAME));
        buf_printf(&db, "SELECT id, %s AS a, %s AS b FROM %s", project, buf_str(&type),
                   schema_table_name(T_PHASES));
        staged_select(s, &file, T_PHASES, PHASES_PROJECT_ID, NULL, PHASES_PHASE_TYPE, "upper(%s)");
    }
    buf_adds(s->b, "-- the phases: those phasemig read, of the same projects and types\n");
    guard_same(s, "phase", schema_table_name(T_PHASES), buf_str(&db), buf_str(&file),
               forward ? "project_id or phase_type" : "project_id or the type its name says");
    buf_free(&db);
    buf_free(&file);
    buf_free(&type);
}

/* The database has as many assignments as the dataset phasemig read. */
static void guard_assignment_count(script_t *s)
{
    buf_t before, cond, msg;
    buf_init(&before);
    buf_init(&cond);
    buf_init(&msg);
    buf_printf(&before, "    SELECT count(*) INTO n FROM %s;\n", schema_table_name(T_ASSIGNMENTS));
    buf_printf(&cond, "n <> %" PRIu64, s->in->assignments_read);
    buf_printf(&msg,
               "the database has %% assignments, the dataset phasemig read had %" PRIu64
               ": the database has changed since it was dumped (what phasemig said of it is "
               "stale)",
               s->in->assignments_read);
    buf_adds(s->b, "-- the assignments: as many as phasemig read\n");
    refuse_if(s, "    n bigint;\n", buf_str(&before), buf_str(&cond), buf_str(&msg), "n");
    buf_free(&before);
    buf_free(&cond);
    buf_free(&msg);
}

/* rollback's: every assignment of the database has its link in the file,
** under the same project. */
static void guard_links(script_t *s)
{
    buf_t before, msg;
    buf_init(&before);
    buf_init(&msg);
    const char *table = schema_table_name(T_ASSIGNMENTS);
    buf_printf(&before, "    WITH d AS (SELECT t.id, t.%s AS project\n"
                        "                 FROM %s t LEFT JOIN (SELECT ",
               schema_column_name(ASSIGNMENTS_PROJECT_ID), table);
    buf_t *saved = s->b;
    s->b = &before;
    staged(s, "f", T_ASSIGNMENTS, ASSIGNMENTS_ID);
    buf_adds(&before, " AS id, ");
    staged(s, "f", T_ASSIGNMENTS, ASSIGNMENTS_PROJECT_ID);
    s->b = saved;
    buf_printf(&before,
               " AS project FROM phasemig_%s f) f\n"
               "                   ON f.id = t.id\n"
               "                WHERE f.id IS NULL OR f.project <> t.%s)\n"
               "    SELECT count(*), (SELECT string_agg(format('%%s (project %%s)', id, project), "
               "', ') FROM (SELECT id, project FROM d ORDER BY id LIMIT %d) x)\n"
               "      INTO n, first FROM d;\n",
               table, schema_column_name(ASSIGNMENTS_PROJECT_ID), NAMED);
    buf_printf(&msg,
               "%% of the database %% no project_phase_id in %s%s under %% project: %%; "
               "phasemig could not roll %% back (a project without phases has none to roll "
               "back to: see its rejects), or the database has changed since it was dumped",
               table, file_ext(s));
    buf_adds(s->b, "-- every assignment: its project_phase_id is in the file\n");
    refuse_if(s, "    n bigint;\n    first text;\n", buf_str(&before), "n > 0", buf_str(&msg),
              "n || CASE WHEN n = 1 THEN ' assignment' ELSE ' assignments' END,\n"
              "            CASE WHEN n = 1 THEN 'has' ELSE 'have' END,\n"
              "            CASE WHEN n = 1 THEN 'its' ELSE 'their' END, first,\n"
              "            CASE WHEN n = 1 THEN 'it' ELSE 'them' END");
    buf_free(&before);
    buf_free(&msg);
}

/* rollback's: each type in the file is a label of the enum. */
static void guard_labels(script_t *s)
{
    buf_t before, msg;
    buf_init(&before);
    buf_init(&msg);
    buf_printf(&before, "    SELECT count(*) INTO n FROM phasemig_%s f WHERE f.c%d NOT IN (",
               schema_table_name(T_PHASES),
               table_col(s->in->headers[T_PHASES], schema_column_name(PHASES_PHASE_TYPE)) + 1);
    int i = 0;
    for (const char *const *l = schema_enum_labels(); *l; l++)
        buf_printf(&before, "%s'%s'", i++ ? ", " : "", *l);
    buf_adds(&before, ");\n");
    buf_printf(&msg, "%% of %s%s %% a phase_type that is no label of the enum %s",
               schema_table_name(T_PHASES), file_ext(s), schema_enum_name());
    buf_adds(s->b, "-- every phase_type is one of the enum's\n");
    refuse_if(s, "    n bigint;\n", buf_str(&before), "n > 0", buf_str(&msg),
              "n || CASE WHEN n = 1 THEN ' phase' ELSE ' phases' END,\n"
              "            CASE WHEN n = 1 THEN 'has' ELSE 'have' END");
    buf_free(&before);
    buf_free(&msg);
}

/* rollback's: the rebuild would lose what is hung on the two tables. */
static void guard_rebuildable(script_t *s)
{
    const char *ph = schema_table_name(T_PHASES), *ra = schema_table_name(T_ASSIGNMENTS);
    buf_t before, msg;
    buf_init(&before);
    buf_init(&msg);
    buf_printf(&before,
               "    SELECT string_agg(DISTINCT what, ', ') INTO hung FROM (\n"
               "        SELECT 'triggers' AS what FROM pg_trigger\n"
               "         WHERE tgrelid IN ('%s'::regclass, '%s'::regclass) AND NOT tgisinternal\n"
               "        UNION ALL SELECT 'row security policies' FROM pg_policy\n"
               "         WHERE polrelid IN ('%s'::regclass, '%s'::regclass)\n"
               "        UNION ALL SELECT 'rules' FROM pg_rewrite\n"
               "         WHERE ev_class IN ('%s'::regclass, '%s'::regclass)\n"
               "        UNION ALL SELECT 'comments' FROM pg_description\n"
               "         WHERE classoid = 'pg_class'::regclass\n"
               "           AND objoid IN ('%s'::regclass, '%s'::regclass)) x;\n",
               ph, ra, ph, ra, ph, ra, ph, ra);
    buf_printf(&msg,
               "%s or %s %s %%, which rebuilding them in the old layout would lose: take "
               "them off first, or restore the backup taken before the migration",
               ph, ra, "have");
    buf_adds(s->b, "-- nothing hung on the two tables that a rebuild would lose\n");
    refuse_if(s, "    hung text;\n", buf_str(&before), "hung IS NOT NULL", buf_str(&msg), "hung");
    buf_clear(&msg);
    buf_printf(&msg, "the database has no type %s, which phase_type takes", schema_enum_name());
    buf_clear(&before);
    buf_printf(&before, "    t := to_regtype('%s');\n", schema_enum_name());
    refuse_if(s, "    t regtype;\n", buf_str(&before), "t IS NULL", buf_str(&msg), NULL);
    buf_free(&before);
    buf_free(&msg);
}

static void lock_tables(script_t *s)
{
    buf_printf(s->b,
               "LOCK TABLE %s IN SHARE MODE;\n"
               "LOCK TABLE %s, %s IN ACCESS EXCLUSIVE MODE;\n",
               schema_table_name(T_PROJECTS), schema_table_name(T_PHASES),
               schema_table_name(T_ASSIGNMENTS));
}

/* ---- forward: the migration's steps ---- */

/* One ALTER TABLE t with a clause for each column the new schema adds to
** t: ADD COLUMN (nullable, to be filled), or, once filled, SET NOT NULL
** (those the application has NOT NULL). Nothing when there is none. */
static void alter_added(buf_t *b, table_id_t t, bool set_not_null)
{
    const table_def_t *def = schema_table(SCHEMA_NEW, t);
    int n = 0;
    for (size_t i = 0; i < def->ncols; i++) {
        column_id_t c = def->cols[i];
        if (schema_has(SCHEMA_OLD, c) || (set_not_null && !schema_column(c)->not_null))
            continue;
        if (n++ == 0)
            buf_printf(b, "ALTER TABLE %s", schema_table_name(t));
        buf_adds(b, n > 1 ? ",\n    " : "\n    ");
        if (set_not_null) {
            buf_printf(b, "ALTER COLUMN %s SET NOT NULL", schema_column_name(c));
        } else {
            buf_printf(b, "ADD COLUMN %s ", schema_column_name(c));
            ddl_pg_type(b, c);
        }
    }
    if (n)
        buf_adds(b, ";\n");
}

/* Whether the new schema adds a column to table t. */
static bool adds_columns(table_id_t t)
{
    const table_def_t *def = schema_table(SCHEMA_NEW, t);
    for (size_t i = 0; i < def->ncols; i++)
        if (!schema_has(SCHEMA_OLD, def->cols[i]))
            return true;
    return false;
}

/* The added columns of t, filled from its staged file in one UPDATE. */
static void fill_added(script_t *s, table_id_t t)
{
    const table_def_t *def = schema_table(SCHEMA_NEW, t);
    buf_printf(s->b, "UPDATE %s t SET", schema_table_name(t));
    int n = 0;
    for (size_t i = 0; i < def->ncols; i++) {
        if (schema_has(SCHEMA_OLD, def->cols[i]))
            continue;
        buf_printf(s->b, "%s\n    %s = ", n++ ? "," : "", schema_column_name(def->cols[i]));
        staged(s, "f", t, def->cols[i]);
    }
    buf_printf(s->b, "\n  FROM phasemig_%s f\n WHERE ", schema_table_name(t));
    staged(s, "f", t, schema_key(t));
    buf_printf(s->b, " = t.%s;\n", schema_column_name(schema_key(t)));
}

static void forward_change(script_t *s)
{
    buf_t *b = s->b;
    const index_def_t *ix[16];
    const check_def_t *ck[16];
    const foreign_key_def_t *fk[16];
    buf_adds(b, "-- the change: the application's steps, in its order\n");
    /* what the new schema adds: the columns, nullable; their indexes; their
    ** values; NOT NULL; their CHECKs */
    for (int t = 0; t < T_COUNT; t++) {
        table_id_t table = (table_id_t)t;
        if (!adds_columns(table))
            continue;
        alter_added(b, table, false);
        size_t n = schema_indexes(SCHEMA_NEW, table, ix, 16);
        for (size_t i = 0; i < n; i++)
            if (!schema_has_columns(SCHEMA_OLD, ix[i]->cols, ix[i]->ncols))
                ddl_pg_index(b, ix[i]);
        fill_added(s, table);
        alter_added(b, table, true);
        n = schema_checks(SCHEMA_NEW, table, ck, 16);
        for (size_t i = 0; i < n; i++)
            if (!schema_has_columns(SCHEMA_OLD, ck[i]->cols, ck[i]->ncols)) {
                buf_printf(b, "ALTER TABLE %s ADD ", schema_table_name(table));
                ddl_pg_check(b, ck[i]);
                buf_adds(b, ";\n");
            }
    }
    /* what it drops: each column, its foreign keys and indexes first */
    for (int t = 0; t < T_COUNT; t++) {
        table_id_t table = (table_id_t)t;
        const table_def_t *from = schema_table(SCHEMA_OLD, table);
        for (size_t c = 0; c < from->ncols; c++) {
            column_id_t col = from->cols[c];
            if (schema_has(SCHEMA_NEW, col))
                continue;
            size_t n = schema_foreign_keys(SCHEMA_OLD, table, fk, 16);
            for (size_t i = 0; i < n; i++)
                if (fk[i]->col == col)
                    buf_printf(b, "ALTER TABLE %s DROP CONSTRAINT %s;\n", schema_table_name(table),
                               fk[i]->name);
            n = schema_indexes(SCHEMA_OLD, table, ix, 16);
            for (size_t i = 0; i < n; i++)
                if (!schema_has_columns(SCHEMA_NEW, ix[i]->cols, ix[i]->ncols))
                    buf_printf(b, "DROP INDEX %s;\n", ix[i]->name);
            buf_printf(b, "ALTER TABLE %s DROP COLUMN %s;\n", schema_table_name(table),
                       schema_column_name(col));
        }
    }
}

/* ---- back: the two tables rebuilt in the old layout ---- */

/* The foreign keys of other tables that point at the rebuilt ones, and
** the rebuilt ones' owners and grants: kept, to be put back. */
static void keep_around(script_t *s)
{
    const char *ph = schema_table_name(T_PHASES), *ra = schema_table_name(T_ASSIGNMENTS);
    buf_printf(s->b,
               "-- what points at the two tables from other tables, and who owns them: kept\n"
               "CREATE TEMP TABLE phasemig_pointing ON COMMIT DROP AS\n"
               "    SELECT conrelid::regclass::text AS tbl, conname::text AS name,\n"
               "           pg_get_constraintdef(oid) AS def\n"
               "      FROM pg_constraint\n"
               "     WHERE contype = 'f' AND confrelid IN ('%s'::regclass, '%s'::regclass)\n"
               "       AND conrelid NOT IN ('%s'::regclass, '%s'::regclass);\n"
               "CREATE TEMP TABLE phasemig_access ON COMMIT DROP AS\n"
               "    SELECT relname::text AS tbl, pg_get_userbyid(relowner) AS owner, relacl\n"
               "      FROM pg_class WHERE oid IN ('%s'::regclass, '%s'::regclass);\n"
               "DO $phasemig$\n"
               "DECLARE k record;\n"
               "BEGIN\n"
               "    FOR k IN SELECT tbl, name FROM phasemig_pointing LOOP\n"
               "        EXECUTE format('ALTER TABLE %%s DROP CONSTRAINT %%I', k.tbl, k.name);\n"
               "    END LOOP;\n"
               "END $phasemig$;\n",
               ph, ra, ph, ra, ph, ra);
}

/* Table t rebuilt as phasemig_rebuilt_TABLE in the old layout: each column
** the database has from it, each the migration dropped from the file. */
static void rebuild(script_t *s, table_id_t t)
{
    const table_def_t *def = schema_table(SCHEMA_OLD, t);
    const char *table = schema_table_name(t);
    buf_t name;
    buf_init(&name);
    buf_printf(&name, "phasemig_rebuilt_%s", table);
    ddl_pg_create_bare(s->b, SCHEMA_OLD, t, buf_str(&name));
    buf_printf(s->b, "INSERT INTO %s\nSELECT ", buf_str(&name));
    for (size_t i = 0; i < def->ncols; i++) {
        buf_adds(s->b, i ? ", " : "");
        if (schema_has(SCHEMA_NEW, def->cols[i]))
            buf_printf(s->b, "t.%s", schema_column_name(def->cols[i]));
        else
            staged(s, "f", t, def->cols[i]);
    }
    buf_printf(s->b, "\n  FROM %s t JOIN phasemig_%s f ON ", table, table);
    staged(s, "f", t, schema_key(t));
    buf_printf(s->b, " = t.%s;\n", schema_column_name(schema_key(t)));
    buf_free(&name);
}

static void back_change(script_t *s)
{
    buf_t *b = s->b;
    static const table_id_t REBUILT[] = {T_PHASES, T_ASSIGNMENTS};
    keep_around(s);
    buf_adds(b, "-- the change: the two tables in the old layout, rebuilt with their rows\n");
    for (size_t i = 0; i < ARRAY_LEN(REBUILT); i++)
        rebuild(s, REBUILT[i]);
    for (size_t i = ARRAY_LEN(REBUILT); i-- > 0;)
        buf_printf(b, "DROP TABLE %s;\n", schema_table_name(REBUILT[i]));
    for (size_t i = 0; i < ARRAY_LEN(REBUILT); i++)
        buf_printf(b, "ALTER TABLE phasemig_rebuilt_%s RENAME TO %s;\n",
                   schema_table_name(REBUILT[i]), schema_table_name(REBUILT[i]));
    for (size_t i = 0; i < ARRAY_LEN(REBUILT); i++)
        ddl_pg_keys(b, SCHEMA_OLD, REBUILT[i]);
    buf_adds(b, "-- what pointed at them, and their owners and grants, as they were\n"
                "DO $phasemig$\n"
                "DECLARE k record;\n"
                "BEGIN\n"
                "    FOR k IN SELECT * FROM phasemig_pointing ORDER BY tbl, name LOOP\n"
                "        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', k.tbl, k.name, "
                "k.def);\n"
                "    END LOOP;\n"
                "    FOR k IN SELECT * FROM phasemig_access LOOP\n"
                "        IF k.owner <> current_user THEN\n"
                "            EXECUTE format('ALTER TABLE %I OWNER TO %I', k.tbl, k.owner);\n"
                "        END IF;\n"
                "    END LOOP;\n"
                "    FOR k IN SELECT a.tbl, g.privilege_type, g.is_grantable,\n"
                "                    CASE WHEN g.grantee = 0 THEN 'PUBLIC'\n"
                "                         ELSE quote_ident(pg_get_userbyid(g.grantee)) END AS who\n"
                "               FROM phasemig_access a, aclexplode(a.relacl) g\n"
                "              WHERE g.grantee <> (SELECT relowner FROM pg_class\n"
                "                                   WHERE oid = a.tbl::regclass) LOOP\n"
                "        EXECUTE format('GRANT %s ON %I TO %s%s', k.privilege_type, k.tbl, k.who,\n"
                "                       CASE WHEN k.is_grantable THEN ' WITH GRANT OPTION' ELSE '' "
                "END);\n"
                "    END LOOP;\n"
                "END $phasemig$;\n");
}

/* ---- after the change, before COMMIT ---- */

/* The result against what phasemig wrote: as many phases and assignments,
** the phases by label, none without a name or dates; the revision set;
** a line that says so, printed after COMMIT. */
static void set_and_check(script_t *s)
{
    buf_t *b = s->b;
    const apply_input_t *in = s->in;
    bool forward = in->to == SCHEMA_NEW;
    const char *phases = schema_table_name(T_PHASES);
    column_id_t label = forward ? PHASES_NAME : PHASES_PHASE_TYPE;
    buf_printf(b, "UPDATE %s SET version_num = '%s';\n", schema_versions_table(),
               schema_revision(in->to));
    buf_adds(b, "-- the result, against what phasemig wrote\nSELECT ");
    buf_printf(b, "(SELECT count(*) FROM %s) = %" PRIu64 "\n   AND (SELECT count(*) FROM %s) = %" PRIu64,
               phases, in->rows[T_PHASES], schema_table_name(T_ASSIGNMENTS),
               in->assignments_read);
    for (size_t i = 0; i < in->nlabels; i++) {
        buf_printf(b, "\n   AND (SELECT count(*) FROM %s WHERE %s::text = ", phases,
                   schema_column_name(label));
        literal(b, in->labels[i].label);
        buf_printf(b, ") = %" PRIu64, in->labels[i].count);
    }
    if (forward) {
        const table_def_t *def = schema_table(SCHEMA_NEW, T_PHASES);
        buf_printf(b, "\n   AND NOT EXISTS (SELECT 1 FROM %s WHERE false", phases);
        for (size_t i = 0; i < def->ncols; i++)
            if (!schema_has(SCHEMA_OLD, def->cols[i]) && schema_column(def->cols[i])->not_null)
                buf_printf(b, " OR %s IS NULL", schema_column_name(def->cols[i]));
        buf_adds(b, ")");
    }
    buf_adds(b, " AS phasemig_ok \\gset\n"
                "\\if :phasemig_ok\n");
    buf_printf(b, "SELECT format('apply.psql: the database is at revision %s: %%s %s phases (%%s), "
                  "%%s assignments', sum(n), string_agg(format('%%s %%s', l, n), ', ' ORDER BY "
                  "l),\n              (SELECT count(*) FROM %s)) AS phasemig_done\n"
                  "  FROM (SELECT %s::text AS l, count(*) AS n FROM %s GROUP BY 1) x \\gset\n"
                  "COMMIT;\n"
                  "\\echo :phasemig_done\n"
                  "\\else\n",
               schema_revision(in->to), forward ? "named and dated" : "typed",
               schema_table_name(T_ASSIGNMENTS), schema_column_name(label), phases);
    buf_adds(b, "DO $phasemig$ BEGIN RAISE EXCEPTION 'apply.psql: after the change the database "
                "is not what phasemig wrote (its phases or assignments, by count or by ");
    buf_adds(b, forward ? "name" : "type");
    buf_adds(b, "); nothing changed'; END $phasemig$;\n\\endif\n");
}

void write_apply(const char *path, const apply_input_t *in)
{
    buf_t b;
    buf_init(&b);
    script_t s = {&b, in, in->to == SCHEMA_NEW ? SCHEMA_OLD : SCHEMA_NEW};
    preamble(&s);
    guard_revision(&s);
    lock_tables(&s);
    buf_adds(&b, "-- the files, staged: every column as text, by position\n");
    stage_file(&s, T_PROJECTS);
    stage_file(&s, T_PHASES);
    if (in->to == SCHEMA_OLD) {
        stage_file(&s, T_ASSIGNMENTS);
        guard_rebuildable(&s);
        guard_labels(&s);
    }
    guard_projects(&s);
    guard_phases(&s);
    guard_assignment_count(&s);
    if (in->to == SCHEMA_NEW) {
        forward_change(&s);
    } else {
        guard_links(&s);
        back_change(&s);
    }
    set_and_check(&s);
    bytesink_t *f = bytesink_file_new(path);
    f->write(f, b.data, b.len);
    f->close(f);
    bytesink_free(f);
    buf_free(&b);
}
