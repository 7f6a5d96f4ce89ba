/*
** inspect_sqlite: how a SQLite database's three tables differ from the
** application's (verify's check 8). Read from SQLite itself (PRAGMA
** table_info, index_list, index_info, foreign_key_list) and, for the
** CHECKs, which SQLite keeps only in the text of CREATE TABLE, from that
** text; compared with what the schema says of schema `s` in SQLite
** (ddl.h's types).
*/
#include <sqlite3.h>
#include <string.h>
#include <strings.h>

#include "ddl.h"
#include "inspect.h"

#define MAX_OBJECTS 16

typedef struct {
    sqlite3 *db;
    named_t *out;
    schema_t schema;
    table_id_t table;
    const char *name;
} inspect_t;

/* A statement of `fmt` over the table's name (one %w), or NULL. */
static sqlite3_stmt *prepare(const inspect_t *in, const char *fmt)
{
    char *sql = sqlite3_mprintf(fmt, in->name);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(in->db, sql, -1, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        st = NULL;
    }
    sqlite3_free(sql);
    return st;
}

static const char *text(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? (const char *)t : "";
}

/* Where column c stands in table t of schema s, counting from 1. */
static size_t position_of(const table_def_t *def, column_id_t c)
{
    size_t k = 0;
    while (k < def->ncols && def->cols[k] != c)
        k++;
    return k + 1;
}

/* The columns: each of the schema's in its place, with its type, NOT NULL
** and primary key; none other. */
static void columns(const inspect_t *in)
{
    const table_def_t *def = schema_table(in->schema, in->table);
    bool seen[COLUMN_IDS] = {false};
    sqlite3_stmt *st = prepare(in, "PRAGMA table_info(\"%w\")");
    size_t at = 0;
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        const char *name = text(st, 1), *type = text(st, 2);
        bool not_null = sqlite3_column_int(st, 3) != 0, pk = sqlite3_column_int(st, 5) != 0;
        column_id_t c = schema_column_named(in->table, name);
        at++;
        if (c == COLUMN_NONE || !schema_has(in->schema, c)) {
            named_add(in->out, "%s.%s is no column of the application's", in->name, name);
            continue;
        }
        seen[c] = true;
        if (position_of(def, c) != at)
            named_add(in->out, "%s.%s is column %zu, not %zu", in->name, name, at,
                      position_of(def, c));
        buf_t want;
        buf_init(&want);
        ddl_sqlite_type(&want, c);
        if (strcasecmp(type, buf_str(&want)) != 0)
            named_add(in->out, "%s.%s is %s, not %s", in->name, name, *type ? type : "untyped",
                      buf_str(&want));
        buf_free(&want);
        if (not_null != schema_column(c)->not_null)
            named_add(in->out, "%s.%s is %sNOT NULL", in->name, name, not_null ? "" : "not ");
        if (pk != (c == schema_key(in->table)))
            named_add(in->out, "%s.%s is %sthe primary key", in->name, name, pk ? "" : "not ");
    }
    sqlite3_finalize(st);
    for (size_t i = 0; i < def->ncols; i++)
        if (!seen[def->cols[i]])
            named_add(in->out, "%s has no column %s", in->name, schema_column_name(def->cols[i]));
}

/* The columns of index `name`, "a, b" into out. */
static void index_columns(const inspect_t *in, const char *name, buf_t *out)
{
    char *sql = sqlite3_mprintf("PRAGMA index_info(\"%w\")", name);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(in->db, sql, -1, &st, NULL) == SQLITE_OK)
        for (int n = 0; sqlite3_step(st) == SQLITE_ROW; n++)
            buf_printf(out, "%s%s", n ? ", " : "", text(st, 2));
    sqlite3_finalize(st);
    sqlite3_free(sql);
}

/* The indexes made by CREATE INDEX: each of the schema's, on its columns,
** unique or not; none other. */
static void indexes(const inspect_t *in)
{
    const index_def_t *ix[MAX_OBJECTS];
    size_t n = schema_indexes(in->schema, in->table, ix, MAX_OBJECTS);
    bool found[MAX_OBJECTS] = {false};
    sqlite3_stmt *st = prepare(in, "PRAGMA index_list(\"%w\")");
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        const char *name = text(st, 1);
        bool unique = sqlite3_column_int(st, 2) != 0;
        if (strcmp(text(st, 3), "c") != 0)
            continue;   /* the primary key's own, checked with the columns */
        size_t k = 0;
        while (k < n && strcmp(ix[k]->name, name) != 0)
            k++;
        if (k == n) {
            named_add(in->out, "%s has an index %s the application's has not", in->name, name);
            continue;
        }
        found[k] = true;
        buf_t have, want;
        buf_init(&have);
        buf_init(&want);
        index_columns(in, name, &have);
        for (size_t i = 0; i < ix[k]->ncols; i++)
            buf_printf(&want, "%s%s", i ? ", " : "", schema_column_name(ix[k]->cols[i]));
        if (strcmp(buf_str(&have), buf_str(&want)) != 0)
            named_add(in->out, "index %s is on (%s), not (%s)", name, buf_str(&have),
                      buf_str(&want));
        if (unique != ix[k]->unique)
            named_add(in->out, "index %s is %sunique", name, unique ? "" : "not ");
        buf_free(&have);
        buf_free(&want);
    }
    sqlite3_finalize(st);
    for (size_t k = 0; k < n; k++)
        if (!found[k])
            named_add(in->out, "%s has no index %s", in->name, ix[k]->name);
}

/* Whether the database has a table named `name`. */
static bool has_table(const inspect_t *in, const char *name)
{
    sqlite3_stmt *st = NULL;
    bool found = sqlite3_prepare_v2(in->db,
                                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                    -1, &st, NULL) == SQLITE_OK &&
                 sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) == SQLITE_OK &&
                 sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

/* The foreign keys: each of the schema's whose table the database has
** (a dataset of the three tables alone has none to programs), none other. */
static void foreign_keys(const inspect_t *in)
{
    const foreign_key_def_t *fk[MAX_OBJECTS];
    size_t n = schema_foreign_keys(in->schema, in->table, fk, MAX_OBJECTS);
    bool found[MAX_OBJECTS] = {false};
    sqlite3_stmt *st = prepare(in, "PRAGMA foreign_key_list(\"%w\")");
    while (st && sqlite3_step(st) == SQLITE_ROW) {
        const char *to = text(st, 2), *from = text(st, 3), *col = text(st, 4);
        size_t k = 0;
        while (k < n && !(strcmp(schema_column_name(fk[k]->col), from) == 0 &&
                          strcmp(fk[k]->ref_table, to) == 0 && strcmp(fk[k]->ref_col, col) == 0))
            k++;
        if (k == n)
            named_add(in->out, "%s.%s refers to %s (%s), which the application's does not",
                      in->name, from, to, col);
        else
            found[k] = true;
    }
    sqlite3_finalize(st);
    for (size_t k = 0; k < n; k++)
        if (!found[k] && has_table(in, fk[k]->ref_table))
            named_add(in->out, "%s.%s does not refer to %s (%s)", in->name,
                      schema_column_name(fk[k]->col), fk[k]->ref_table, fk[k]->ref_col);
}

/* `s` without its blanks, for comparing expressions however spaced. */
static void squeezed(buf_t *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            buf_addc(out, s[i]);
}

/* The CHECKs, read from the CREATE TABLE text: each of the schema's, by
** name, with its expression (blanks aside). */
static void checks(const inspect_t *in)
{
    const check_def_t *ck[MAX_OBJECTS];
    size_t n = schema_checks(in->schema, in->table, ck, MAX_OBJECTS);
    sqlite3_stmt *st = prepare(in, "SELECT sql FROM sqlite_master WHERE type = 'table' AND "
                                   "name = '%q'");
    const char *sql = st && sqlite3_step(st) == SQLITE_ROW ? text(st, 0) : "";
    for (size_t k = 0; k < n; k++) {
        char head[128];
        snprintf(head, sizeof head, "CONSTRAINT %s CHECK (", ck[k]->name);
        const char *at = strstr(sql, head);
        if (!at) {
            named_add(in->out, "%s has no CHECK %s", in->name, ck[k]->name);
            continue;
        }
        /* the expression: up to the parenthesis that closes the one above */
        const char *p = at + strlen(head), *start = p;
        for (int depth = 1; *p && depth > 0; p++)
            depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
        buf_t have, want;
        buf_init(&have);
        buf_init(&want);
        squeezed(&have, start, p > start ? (size_t)(p - start - 1) : 0);
        squeezed(&want, ck[k]->expr, strlen(ck[k]->expr));
        if (strcmp(buf_str(&have), buf_str(&want)) != 0)
            named_add(in->out, "CHECK %s is (%.*s), not (%s)", ck[k]->name,
                      p > start ? (int)(p - start - 1) : 0, start, ck[k]->expr);
        buf_free(&have);
        buf_free(&want);
    }
    sqlite3_finalize(st);
}

int inspect_sqlite(const char *path, schema_t s, named_t *out)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return -1;
    }
    for (int t = 0; t < T_COUNT; t++) {
        inspect_t in = {db, out, s, (table_id_t)t, schema_table_name((table_id_t)t)};
        if (!has_table(&in, in.name)) {
            named_add(out, "no table %s", in.name);
            continue;
        }
        columns(&in);
        indexes(&in);
        foreign_keys(&in);
        checks(&in);
    }
    sqlite3_close(db);
    return 0;
}
