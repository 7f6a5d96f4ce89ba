/*
** ddl: SQL text from the schema's data (see ddl.h).
*/
#include "ddl.h"

#include <string.h>

/* Enough room for any table's CHECKs, indexes or foreign keys. */
#define MAX_OBJECTS 16

void ddl_pg_type(buf_t *b, column_id_t c)
{
    const column_def_t *d = schema_column(c);
    switch (d->type) {
    case COLUMN_UUID: buf_adds(b, "uuid"); break;
    case COLUMN_DATE: buf_adds(b, "date"); break;
    case COLUMN_TIMESTAMP: buf_adds(b, "timestamp without time zone"); break;
    case COLUMN_MONEY: buf_adds(b, "numeric(15,2)"); break;
    case COLUMN_PERCENT: buf_adds(b, "numeric(5,2)"); break;
    case COLUMN_TEXT: buf_printf(b, "varchar(%u)", d->length); break;
    case COLUMN_PHASE_TYPE: buf_adds(b, schema_enum_name()); break;
    }
}

void ddl_sqlite_type(buf_t *b, column_id_t c)
{
    const column_def_t *d = schema_column(c);
    switch (d->type) {
    case COLUMN_UUID: buf_adds(b, "CHAR(36)"); break;   /* the application's GUID off PostgreSQL */
    case COLUMN_DATE: buf_adds(b, "DATE"); break;
    case COLUMN_TIMESTAMP: buf_adds(b, "DATETIME"); break;
    case COLUMN_MONEY: buf_adds(b, "NUMERIC(15, 2)"); break;
    case COLUMN_PERCENT: buf_adds(b, "NUMERIC(5, 2)"); break;
    case COLUMN_TEXT: buf_printf(b, "VARCHAR(%u)", d->length); break;
    case COLUMN_PHASE_TYPE: {
        /* SQLAlchemy's Enum off PostgreSQL: a VARCHAR as long as its longest label */
        size_t longest = 0;
        for (const char *const *l = schema_enum_labels(); *l; l++)
            if (strlen(*l) > longest)
                longest = strlen(*l);
        buf_printf(b, "VARCHAR(%zu)", longest);
        break;
    }
    }
}

static void column_list(buf_t *b, const column_id_t *cols, size_t n, const char *sep)
{
    for (size_t i = 0; i < n; i++)
        buf_printf(b, "%s%s", i ? sep : "", schema_column_name(cols[i]));
}

static const char *key_name(table_id_t t)
{
    return schema_column_name(schema_key(t));
}

void ddl_pg_check(buf_t *b, const check_def_t *c)
{
    buf_printf(b, "CONSTRAINT %s CHECK (%s)", c->name, c->expr);
}

void ddl_pg_foreign_key(buf_t *b, const foreign_key_def_t *f)
{
    buf_printf(b, "CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s (%s)", f->name,
               schema_column_name(f->col), f->ref_table, f->ref_col);
}

void ddl_pg_index(buf_t *b, const index_def_t *x)
{
    buf_printf(b, "CREATE %sINDEX %s ON %s (", x->unique ? "UNIQUE " : "", x->name,
               schema_table_name(x->table));
    column_list(b, x->cols, x->ncols, ", ");
    buf_adds(b, ");\n");
}

/* The columns of table t in schema s, each "    name type[ NOT NULL]"
** followed by `sep`. */
static void pg_columns(buf_t *b, schema_t s, table_id_t t)
{
    const table_def_t *def = schema_table(s, t);
    for (size_t i = 0; i < def->ncols; i++) {
        buf_printf(b, "%s    %s ", i ? ",\n" : "", schema_column_name(def->cols[i]));
        ddl_pg_type(b, def->cols[i]);
        if (schema_column(def->cols[i])->not_null)
            buf_adds(b, " NOT NULL");
    }
}

static void enum_labels(buf_t *b)
{
    int i = 0;
    for (const char *const *l = schema_enum_labels(); *l; l++)
        buf_printf(b, "%s'%s'", i++ ? ", " : "", *l);
}

void ddl_pg_schema(buf_t *b, schema_t s)
{
    const foreign_key_def_t *fk[MAX_OBJECTS];
    const check_def_t *ck[MAX_OBJECTS];
    const index_def_t *ix[MAX_OBJECTS];
    buf_printf(b,
               "-- The planner's tables in PostgreSQL %s Alembic revision %s (the\n"
               "-- database at %s), as the application's database has them: columns\n"
               "-- in its order, types, NOT NULLs, CHECKs, indexes and keys by its names\n"
               "-- (`phasemig schema --%s` prints this file; docs/contract.md, \"The real\n"
               "-- schema\").\n",
               s == SCHEMA_OLD ? "before" : "after", schema_revision(SCHEMA_NEW),
               schema_revision(s), s == SCHEMA_OLD ? "old" : "new");
    if (s == SCHEMA_NEW)
        buf_printf(b, "-- The migration leaves the enum %s in place, unused.\n", schema_enum_name());
    buf_adds(b, "--\n"
                "-- The foreign keys to tables outside these three are left out, so that\n"
                "-- the three stand alone in a fresh database (the application's database\n"
                "-- has them, and the apply scripts keep them):\n");
    for (int t = 0; t < T_COUNT; t++) {
        size_t n = schema_foreign_keys(s, (table_id_t)t, fk, MAX_OBJECTS);
        for (size_t i = 0; i < n; i++)
            if (schema_table_named(fk[i]->ref_table) == T_COUNT)
                buf_printf(b, "--   %s: %s (%s) -> %s (%s)\n", fk[i]->name,
                           schema_table_name((table_id_t)t), schema_column_name(fk[i]->col),
                           fk[i]->ref_table, fk[i]->ref_col);
    }
    buf_printf(b, "CREATE TYPE %s AS ENUM (", schema_enum_name());
    enum_labels(b);
    buf_adds(b, ");\n");
    for (int t = 0; t < T_COUNT; t++) {
        table_id_t table = (table_id_t)t;
        buf_printf(b, "\nCREATE TABLE %s (\n", schema_table_name(table));
        pg_columns(b, s, table);
        buf_printf(b, ",\n    CONSTRAINT %s_pkey PRIMARY KEY (%s)", schema_table_name(table),
                   key_name(table));
        size_t n = schema_foreign_keys(s, table, fk, MAX_OBJECTS);
        for (size_t i = 0; i < n; i++)
            if (schema_table_named(fk[i]->ref_table) != T_COUNT) {
                buf_adds(b, ",\n    ");
                ddl_pg_foreign_key(b, fk[i]);
            }
        n = schema_checks(s, table, ck, MAX_OBJECTS);
        for (size_t i = 0; i < n; i++) {
            buf_adds(b, ",\n    ");
            ddl_pg_check(b, ck[i]);
        }
        buf_adds(b, "\n);\n\n");
        n = schema_indexes(s, table, ix, MAX_OBJECTS);
        for (size_t i = 0; i < n; i++)
            ddl_pg_index(b, ix[i]);
    }
}

void ddl_pg_create_bare(buf_t *b, schema_t s, table_id_t t, const char *name)
{
    const check_def_t *ck[MAX_OBJECTS];
    buf_printf(b, "CREATE TABLE %s (\n", name);
    pg_columns(b, s, t);
    size_t n = schema_checks(s, t, ck, MAX_OBJECTS);
    for (size_t i = 0; i < n; i++) {
        buf_adds(b, ",\n    ");
        ddl_pg_check(b, ck[i]);
    }
    buf_adds(b, "\n);\n");
}

void ddl_pg_keys(buf_t *b, schema_t s, table_id_t t)
{
    const foreign_key_def_t *fk[MAX_OBJECTS];
    const index_def_t *ix[MAX_OBJECTS];
    const char *table = schema_table_name(t);
    buf_printf(b, "ALTER TABLE %s ADD CONSTRAINT %s_pkey PRIMARY KEY (%s);\n", table, table,
               key_name(t));
    size_t n = schema_foreign_keys(s, t, fk, MAX_OBJECTS);
    for (size_t i = 0; i < n; i++) {
        buf_printf(b, "ALTER TABLE %s ADD ", table);
        ddl_pg_foreign_key(b, fk[i]);
        buf_adds(b, ";\n");
    }
    n = schema_indexes(s, t, ix, MAX_OBJECTS);
    for (size_t i = 0; i < n; i++)
        ddl_pg_index(b, ix[i]);
}

/* Whether header h has every one of cols[0..n). */
static bool header_has(const table_t *h, const column_id_t *cols, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (table_col(h, schema_column_name(cols[i])) < 0)
            return false;
    return true;
}

void ddl_quoted(buf_t *b, const char *s)
{
    buf_addc(b, '"');
    for (; *s; s++) {
        if (*s == '"')
            buf_addc(b, '"');
        buf_addc(b, *s);
    }
    buf_addc(b, '"');
}

void ddl_sqlite_create_for(buf_t *b, schema_t s, table_id_t t, const table_t *header,
                           const char *name, bool outside)
{
    const check_def_t *ck[MAX_OBJECTS];
    const foreign_key_def_t *fk[MAX_OBJECTS];
    /* SQLAlchemy's layout: each element on a line of its own after a tab,
    ** the separating comma followed by a space */
    buf_printf(b, "CREATE TABLE %s (", name);
    int n = 0;
    for (size_t i = 0; i < header->ncols; i++) {
        column_id_t c = schema_column_named(t, header->cols[i]);
        buf_adds(b, n++ ? ", \n\t" : "\n\t");
        if (c == COLUMN_NONE || !schema_has(s, c)) {
            ddl_quoted(b, header->cols[i]);     /* carried through: no type */
            continue;
        }
        buf_printf(b, "%s ", schema_column_name(c));
        ddl_sqlite_type(b, c);
        if (schema_column(c)->not_null)
            buf_adds(b, " NOT NULL");
    }
    column_id_t key = schema_key(t);
    if (header_has(header, &key, 1))
        buf_printf(b, ", \n\tPRIMARY KEY (%s)", key_name(t));
    size_t k = schema_checks(s, t, ck, MAX_OBJECTS);
    for (size_t i = 0; i < k; i++)
        if (header_has(header, ck[i]->cols, ck[i]->ncols))
            buf_printf(b, ", \n\tCONSTRAINT %s CHECK (%s)", ck[i]->name, ck[i]->expr);
    k = schema_foreign_keys(s, t, fk, MAX_OBJECTS);
    for (size_t i = 0; i < k; i++)
        if (header_has(header, &fk[i]->col, 1) &&
            (outside || schema_table_named(fk[i]->ref_table) != T_COUNT))
            buf_printf(b, ", \n\tFOREIGN KEY(%s) REFERENCES %s (%s)",
                       schema_column_name(fk[i]->col), fk[i]->ref_table, fk[i]->ref_col);
    buf_adds(b, "\n)");
}

void ddl_sqlite_indexes_for(buf_t *b, schema_t s, table_id_t t, const table_t *header)
{
    const index_def_t *ix[MAX_OBJECTS];
    size_t n = schema_indexes(s, t, ix, MAX_OBJECTS);
    for (size_t i = 0; i < n; i++) {
        if (!header_has(header, ix[i]->cols, ix[i]->ncols))
            continue;
        buf_printf(b, "CREATE %sINDEX %s ON %s (", ix[i]->unique ? "UNIQUE " : "", ix[i]->name,
                   schema_table_name(t));
        column_list(b, ix[i]->cols, ix[i]->ncols, ", ");
        buf_adds(b, ");\n");
    }
}

/* The header of table t as schema s has it. */
static table_t *schema_header(schema_t s, table_id_t t)
{
    const table_def_t *def = schema_table(s, t);
    table_t *h = table_new(def->name, def->name);
    for (size_t i = 0; i < def->ncols; i++)
        table_add_col(h, schema_column_name(def->cols[i]), strlen(schema_column_name(def->cols[i])));
    return h;
}

void ddl_sqlite_create(buf_t *b, schema_t s, table_id_t t, const char *name)
{
    table_t *h = schema_header(s, t);
    ddl_sqlite_create_for(b, s, t, h, name, true);
    table_free(h);
}

void ddl_sqlite_indexes(buf_t *b, schema_t s, table_id_t t)
{
    table_t *h = schema_header(s, t);
    ddl_sqlite_indexes_for(b, s, t, h);
    table_free(h);
}
