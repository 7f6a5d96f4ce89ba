/*
** write_sqlite: the tables into a SQLite file, as the application's
** SQLite database (planner.db) has them.
**
** Each table gets the application's SQLite DDL for the rows written
** (ddl_sqlite_create_for: its types, NOT NULLs, primary key, CHECKs,
** foreign keys and indexes; a column it does not know, untyped).
** Timestamps are written as the application reads them there, with six
** fractional digits ("2024-03-01 10:15:31.5" -> "...31.500000").
**
** Alone (sqlite_sink_new's `whole` NULL): the three tables, with the
** foreign keys among them. Whole: the database `whole` is copied page for
** page (SQLite's backup), then in the copy, in one transaction with
** foreign key enforcement off, the three tables are dropped and made anew
** from the rows written, as SQLite's way to change a table's schema goes;
** every other table, index and row stays as it was; alembic_version gets
** the schema's revision; PRAGMA foreign_key_check must then find nothing.
** CHECKs are not enforced while the rows go in (ignore_check_constraints):
** SQLite evaluates the application's NUMERIC CHECKs in floating point
** (0.10 + 0.20 is not 0.30 there), and a row the original holds must not
** be refused. No journal and no syncs while writing: the file is staged,
** then fsynced, and only renamed into place once complete.
*/
#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "ddl.h"
#include "stages.h"

typedef struct {
    sink_t base;
    char *path;
    sqlite3 *db;
    schema_t schema;
    bool whole;
    sqlite3_stmt *insert;
    table_t *header;                /* of the table being written */
    table_id_t table;
    bool *timestamp;                /* per column of header */
} sqlite_sink_t;

static void check(sqlite_sink_t *s, int rc, int want)
{
    if (rc != want)
        runtime_error("%s: %s", s->path, sqlite3_errmsg(s->db));
}

static void exec(sqlite_sink_t *s, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK)
        runtime_error("%s: %s", s->path, err ? err : sqlite3_errmsg(s->db));
}

/* The first row's first column of `sql` as an integer (0 if none). */
static sqlite3_int64 query_int(sqlite_sink_t *s, const char *sql)
{
    sqlite3_stmt *st = NULL;
    check(s, sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_int64 v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return v;
}

static void sqlite_begin(sink_t *self, const table_t *t)
{
    sqlite_sink_t *s = (sqlite_sink_t *)self;
    table_free(s->header);
    s->header = table_copy(t);
    s->table = schema_table_named(t->name);
    buf_t sql;
    buf_init(&sql);
    char *name = sqlite3_mprintf("\"%w\"", t->name);
    if (s->table == T_COUNT) {
        buf_printf(&sql, "CREATE TABLE %s (", name);
        for (size_t i = 0; i < t->ncols; i++) {
            char *col = sqlite3_mprintf("\"%w\"", t->cols[i]);
            buf_printf(&sql, "%s%s", i ? ", " : "", col);
            sqlite3_free(col);
        }
        buf_adds(&sql, ")");
    } else {
        ddl_sqlite_create_for(&sql, s->schema, s->table, t, t->name, s->whole);
    }
    exec(s, buf_str(&sql));
    free(s->timestamp);
    s->timestamp = xcalloc(t->ncols + 1, sizeof *s->timestamp);
    for (size_t i = 0; i < t->ncols; i++)
        s->timestamp[i] = s->table != T_COUNT &&
                          schema_type_of(s->table, t->cols[i]) == COLUMN_TIMESTAMP;
    buf_clear(&sql);
    buf_printf(&sql, "INSERT INTO %s VALUES (", name);
    for (size_t i = 0; i < t->ncols; i++)
        buf_adds(&sql, i ? ", ?" : "?");
    buf_adds(&sql, ")");
    sqlite3_free(name);
    check(s, sqlite3_prepare_v2(s->db, buf_str(&sql), -1, &s->insert, NULL), SQLITE_OK);
    buf_free(&sql);
}

static void sqlite_row(sink_t *self, const row_t *row)
{
    sqlite_sink_t *s = (sqlite_sink_t *)self;
    char stamps[8][27];
    size_t nstamps = 0;
    for (size_t i = 0; i < row->n; i++) {
        int col = (int)i + 1;
        const field_t *f = &row->f[i];
        if (f->null) {
            sqlite3_bind_null(s->insert, col);
            continue;
        }
        if (s->timestamp[i] && nstamps < 8 && timestamp_six(f->data, f->len, stamps[nstamps])) {
            sqlite3_bind_text(s->insert, col, stamps[nstamps], 26, SQLITE_STATIC);
            nstamps++;
            continue;
        }
        sqlite3_bind_text(s->insert, col, f->data, (int)f->len, SQLITE_STATIC);
    }
    if (sqlite3_step(s->insert) != SQLITE_DONE) {
        /* a NULL where the application's table has NOT NULL, a second
        ** cost_center_code: a row its table does not take */
        if ((sqlite3_extended_errcode(s->db) & 0xff) == SQLITE_CONSTRAINT)
            runtime_error("%s: %s, in %s line %lld: the application's table does not take "
                          "it (--format csv writes the dataset as it is)",
                          s->path, sqlite3_errmsg(s->db), s->header->source,
                          (long long)row->line);
        runtime_error("%s: %s", s->path, sqlite3_errmsg(s->db));
    }
    sqlite3_reset(s->insert);
}

static void sqlite_end(sink_t *self)
{
    sqlite_sink_t *s = (sqlite_sink_t *)self;
    sqlite3_finalize(s->insert);
    s->insert = NULL;
    if (s->table == T_COUNT)
        return;
    buf_t sql;
    buf_init(&sql);
    ddl_sqlite_indexes_for(&sql, s->schema, s->table, s->header);
    exec(s, buf_str(&sql));
    buf_free(&sql);
}

/* Whole: the revision, and the copy's foreign keys hold. */
static void finish_whole(sqlite_sink_t *s)
{
    const char *versions = schema_versions_table();
    char *sql = sqlite3_mprintf("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                "name = '%q'",
                                versions);
    bool versioned = query_int(s, sql) > 0;
    sqlite3_free(sql);
    if (versioned) {
        sql = sqlite3_mprintf("UPDATE \"%w\" SET version_num = '%q'", versions,
                              schema_revision(s->schema));
        exec(s, sql);
        sqlite3_free(sql);
    }
    sqlite3_stmt *st = NULL;
    check(s, sqlite3_prepare_v2(s->db, "PRAGMA foreign_key_check", -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW) {
        char *what = sqlite3_mprintf("%s row %lld refers to %s, which has no such row",
                                     sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1),
                                     sqlite3_column_text(st, 2));
        sqlite3_finalize(st);
        runtime_error("%s: a foreign key of the copy does not hold: %s (phasemig left a row "
                      "out of the three tables that another table refers to: see --rejects)",
                      s->path, what);
    }
    sqlite3_finalize(st);
}

static void sqlite_close(sink_t *self)
{
    sqlite_sink_t *s = (sqlite_sink_t *)self;
    if (s->whole)
        finish_whole(s);
    exec(s, "COMMIT");
    if (sqlite3_close(s->db) != SQLITE_OK)
        runtime_error("%s: %s", s->path, sqlite3_errmsg(s->db));
    s->db = NULL;
    int fd = open(s->path, O_RDONLY);
    if (fd < 0 || fsync(fd) != 0)
        runtime_error("%s: cannot sync", s->path);
    close(fd);
}

static void sqlite_free_sink(sink_t *self)
{
    sqlite_sink_t *s = (sqlite_sink_t *)self;
    sqlite3_finalize(s->insert);
    sqlite3_close(s->db);
    table_free(s->header);
    free(s->timestamp);
    free(s->path);
    free(s);
}

/* The database at `from`, page for page, into the new file s->db; then
** its three tables dropped, to be made anew. */
static void copy_whole(sqlite_sink_t *s, const char *from)
{
    sqlite3 *src = NULL;
    if (sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(src);
        runtime_error("%s: cannot open the database: %s", from, sqlite3_errmsg(src));
    }
    sqlite3_backup *copy = sqlite3_backup_init(s->db, "main", src, "main");
    if (!copy || sqlite3_backup_step(copy, -1) != SQLITE_DONE) {
        sqlite3_backup_finish(copy);
        sqlite3_close(src);
        runtime_error("%s: cannot copy %s: %s", s->path, from, sqlite3_errmsg(s->db));
    }
    sqlite3_backup_finish(copy);
    sqlite3_close(src);
    /* a trigger on one of the three would go with its table, unseen */
    char *sql = sqlite3_mprintf("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND "
                                "tbl_name IN ('%q', '%q', '%q')",
                                schema_table_name(T_PROJECTS), schema_table_name(T_PHASES),
                                schema_table_name(T_ASSIGNMENTS));
    sqlite3_int64 triggers = query_int(s, sql);
    sqlite3_free(sql);
    if (triggers > 0)
        runtime_error("%s: %lld trigger%s on %s, %s or %s, which making the tables anew would "
                      "lose: take them off first",
                      from, triggers, triggers == 1 ? "" : "s", schema_table_name(T_PROJECTS),
                      schema_table_name(T_PHASES), schema_table_name(T_ASSIGNMENTS));
    exec(s, "PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON; BEGIN");
    for (int t = T_COUNT; t-- > 0;) {
        sql = sqlite3_mprintf("DROP TABLE IF EXISTS \"%w\"", schema_table_name((table_id_t)t));
        exec(s, sql);
        sqlite3_free(sql);
    }
}

sink_t *sqlite_sink_new(const char *path, schema_t schema, const char *whole)
{
    sqlite_sink_t *s = xcalloc(1, sizeof *s);
    s->base.begin = sqlite_begin;
    s->base.row = sqlite_row;
    s->base.end = sqlite_end;
    s->base.close = sqlite_close;
    s->base.free = sqlite_free_sink;
    s->path = xstrdup(path);
    s->schema = schema;
    s->whole = whole != NULL;
    if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK)
        runtime_error("%s: %s", s->path, sqlite3_errmsg(s->db));
    /* the rows are appended, their indexes made after them, so a page
    ** cache of 512 KiB writes as fast as the default 2 MB, which put the
    ** run's peak over its 64 MiB bound at 10M assignments */
    exec(s, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -512");
    if (whole)
        copy_whole(s, whole);
    else
        exec(s, "PRAGMA ignore_check_constraints = ON; BEGIN");
    return &s->base;
}
