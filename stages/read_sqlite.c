/*
** read_sqlite: records of one table of a SQLite database.
**
** Columns come in the table's order; a record's "line" is its rowid.
** SQLite hands NUMERIC columns back as INTEGER or REAL: for the columns
** the caller names as two-decimal numbers (money, percentages) such values
** are written with exactly two decimals ("50000" -> "50000.00"), so that
** CSV and SQLite input give the same output (docs/contract.md "Values"). A REAL that
** SQLite prints with an exponent is passed on as printed, for validate to
** reject. The record's raw text is its CSV rendering.
*/
#include <sqlite3.h>
#include <string.h>

#include "../pipeline/frame/progress.h"
#include "stages.h"

typedef struct {
    source_t base;
    sqlite3_stmt *stmt;
    problems_t *problems;
    bool *two_decimals;     /* per column */
    row_t row;
    buf_t raw;
} sqlite_src_t;

static int sqlite_next(source_t *self, row_t **out)
{
    sqlite_src_t *s = (sqlite_src_t *)self;
    int rc = sqlite3_step(s->stmt);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW) {
        problem_fatal(s->problems, self->table->source, "cannot read: %s",
                      sqlite3_errmsg(sqlite3_db_handle(s->stmt)));
        return -1;
    }
    row_t *r = &s->row;
    row_reset(r);
    buf_clear(&s->raw);
    r->line = sqlite3_column_int64(s->stmt, 0);
    size_t n = self->table->ncols;
    for (size_t i = 0; i < n; i++) {
        int col = (int)i + 1;
        int type = sqlite3_column_type(s->stmt, col);
        if (type == SQLITE_NULL) {
            row_push(r, NULL, 0);
        } else {
            const char *text = (const char *)sqlite3_column_text(s->stmt, col);
            size_t len = (size_t)sqlite3_column_bytes(s->stmt, col);
            cents_t cents;
            char two[24];
            if ((type == SQLITE_INTEGER || type == SQLITE_FLOAT) && s->two_decimals[i] &&
                cents_parse(text, len, 18, &cents)) {
                cents_format(cents, two);
                text = two;
                len = strlen(two);
            }
            row_push(r, text ? text : "", text ? len : 0);
        }
    }
    row_seal(r);
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_addc(&s->raw, ',');
        csv_format_field(&s->raw, &r->f[i]);
    }
    row_set_raw(r, buf_str(&s->raw), s->raw.len);
    for (size_t i = 0; i < n; i++)
        if (!r->f[i].null && !utf8_valid(r->f[i].data, r->f[i].len)) {
            problem_field(s->problems, self->table, r, i,
                          memchr(r->f[i].data, '\0', r->f[i].len) ? "not text: contains a NUL byte"
                                                                  : "not valid UTF-8");
            r->broken = true;
            break;
        }
    *out = r;
    return 1;
}

static void sqlite_free_source(source_t *self)
{
    sqlite_src_t *s = (sqlite_src_t *)self;
    sqlite3_finalize(s->stmt);
    table_free(self->table);
    free(s->two_decimals);
    row_free(&s->row);
    buf_free(&s->raw);
    free(s);
}

source_t *sqlite_source_open(sqlite3 *db, table_id_t table, const char *display,
                             problems_t *problems)
{
    const char *table_name = schema_table_name(table);
    char *sql = sqlite3_mprintf("SELECT rowid, * FROM \"%w\" ORDER BY rowid", table_name);
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
    sqlite3_free(sql);
    if (rc != SQLITE_OK) {
        const char *msg = sqlite3_errmsg(db);
        if (strncmp(msg, "no such table", 13) == 0)
            problem_fatal(problems, display, "no table %s in the database", table_name);
        else
            problem_fatal(problems, display, "cannot read: %s", msg);
        sqlite3_finalize(stmt);
        return NULL;
    }
    sqlite_src_t *s = xcalloc(1, sizeof *s);
    s->base.next = sqlite_next;
    s->base.free = sqlite_free_source;
    s->base.table = table_new(table_name, display);
    progress_reading(display);
    s->stmt = stmt;
    s->problems = problems;
    row_init(&s->row);
    buf_init(&s->raw);
    int ncols = sqlite3_column_count(stmt) - 1;
    s->two_decimals = xcalloc((size_t)ncols + 1, sizeof *s->two_decimals);
    for (int i = 0; i < ncols; i++) {
        const char *name = sqlite3_column_name(stmt, i + 1);
        table_add_col(s->base.table, name, strlen(name));
        s->two_decimals[i] = schema_two_decimals(schema_type_of(table, name));
    }
    return &s->base;
}
