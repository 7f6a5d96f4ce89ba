/*
** write_sqlite: tables into one SQLite file, OUT/dataset.db.
**
** Column types follow the target schema: *_budget NUMERIC(15,2),
** *_percentage NUMERIC(5,2), everything else TEXT (so ids, dates and
** carried-through columns keep their exact text). Budgets are checked not
** negative; the new schema's project_phases also gets check_phase_dates
** (start_date <= end_date) and, once loaded, the indexes
** ix_project_phases_start_date and ix_project_phases_end_date. No journal and no syncs while loading: the
** file is staged and renamed into place only once complete and fsynced.
*/
#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "stages.h"

typedef struct {
    sink_t base;
    char *path;
    sqlite3 *db;
    sqlite3_stmt *insert;
    bool date_indexes;  /* project_phases of the new schema */
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

static void sqlite_begin(sink_t *self, const table_t *t)
{
    sqlite_sink_t *s = (sqlite_sink_t *)self;
    buf_t sql;
    buf_init(&sql);
    char *name = sqlite3_mprintf("\"%w\"", t->name);
    buf_printf(&sql, "CREATE TABLE %s (", name);
    table_id_t table = schema_table_named(t->name);
    for (size_t i = 0; i < t->ncols; i++) {
        char *col = sqlite3_mprintf("\"%w\"", t->cols[i]);
        column_type_t kind = schema_type_of(table, t->cols[i]);
        const char *type = kind == COLUMN_MONEY     ? "NUMERIC(15,2)"
                           : kind == COLUMN_PERCENT ? "NUMERIC(5,2)"
                                                    : "TEXT";
        buf_printf(&sql, "%s%s %s", i ? ", " : "", col, type);
        if (kind == COLUMN_MONEY)
            buf_printf(&sql, " CHECK (%s >= 0)", col);
        sqlite3_free(col);
    }
    binding_t cols;
    schema_bind(&cols, table, t);
    s->date_indexes = table == T_PHASES && cols.at[PHASES_START_DATE] >= 0 &&
                      cols.at[PHASES_END_DATE] >= 0;
    if (s->date_indexes)
        buf_adds(&sql, ", CONSTRAINT check_phase_dates CHECK (start_date <= end_date)");
    buf_adds(&sql, ")");
    exec(s, buf_str(&sql));
    buf_clear(&sql);
    buf_printf(&sql, "INSERT INTO %s VALUES (", name);
    for (size_t i = 0; i < t->ncols; i++)
        buf_adds(&sql, i ? ", ?" : "?");
    buf_adds(&sql, ")");
    sqlite3_free(name);
    check(s, sqlite3_prepare_v2(s->db, buf_str(&sql), -1, &s->insert, NULL), SQLITE_OK);
    buf_free(&sql);
    exec(s, "BEGIN");
}

static void sqlite_row(sink_t *self, const row_t *row)
{
    sqlite_sink_t *s = (sqlite_sink_t *)self;
    for (size_t i = 0; i < row->n; i++) {
        int col = (int)i + 1;
        if (row->f[i].null)
            sqlite3_bind_null(s->insert, col);
        else
            sqlite3_bind_text(s->insert, col, row->f[i].data, (int)row->f[i].len, SQLITE_STATIC);
    }
    check(s, sqlite3_step(s->insert), SQLITE_DONE);
    sqlite3_reset(s->insert);
}

static void sqlite_end(sink_t *self)
{
    sqlite_sink_t *s = (sqlite_sink_t *)self;
    exec(s, "COMMIT");
    sqlite3_finalize(s->insert);
    s->insert = NULL;
    if (s->date_indexes) {
        exec(s, "CREATE INDEX ix_project_phases_start_date ON project_phases (start_date)");
        exec(s, "CREATE INDEX ix_project_phases_end_date ON project_phases (end_date)");
    }
}

static void sqlite_close(sink_t *self)
{
    sqlite_sink_t *s = (sqlite_sink_t *)self;
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
    free(s->path);
    free(s);
}

sink_t *sqlite_sink_new(const char *dir)
{
    sqlite_sink_t *s = xcalloc(1, sizeof *s);
    s->base.begin = sqlite_begin;
    s->base.row = sqlite_row;
    s->base.end = sqlite_end;
    s->base.close = sqlite_close;
    s->base.free = sqlite_free_sink;
    buf_t path;
    buf_init(&path);
    buf_printf(&path, "%s/dataset.db", dir);
    s->path = xstrdup(buf_str(&path));
    buf_free(&path);
    if (sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK)
        runtime_error("%s: %s", s->path, sqlite3_errmsg(s->db));
    /* rows are only appended (no index on the assignments), so a page
    ** cache of 512 KiB writes as fast as the default 2 MB, which put the
    ** run's peak over its 64 MiB bound at 10M assignments */
    exec(s, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -512");
    return &s->base;
}
