/*
** ddl.h: the SQL that creates and changes the planner's tables, written
** from the schema's data (schema.h) and nothing else: the PostgreSQL DDL of
** `phasemig schema` (docs/schema-old.sql, docs/schema-new.sql), the DDL of
** the apply scripts (write_apply.c) and the SQLite DDL of the application's
** planner.db (write_sqlite.c).
**
** Every name here is the schema's own (lower case, no quotes needed);
** nothing from the data reaches this text.
*/
#ifndef PHASEMIG_DDL_H
#define PHASEMIG_DDL_H

#include "../pipeline/frame/util.h"
#include "schema.h"

/* A name as a quoted SQL identifier: "a""b" (any name, from the data
** too: quoted so, it is one identifier in PostgreSQL and SQLite alike). */
void ddl_quoted(buf_t *b, const char *s);

/* A column's type as the application declares it: in PostgreSQL
** (varchar(255), numeric(15,2), phasetype, ...) and in SQLite through
** SQLAlchemy (VARCHAR(255), NUMERIC(15, 2), CHAR(36), VARCHAR(9), ...). */
void ddl_pg_type(buf_t *b, column_id_t c);
void ddl_sqlite_type(buf_t *b, column_id_t c);

/* The fresh-database DDL of schema s, as `phasemig schema` prints it: the
** enum phasetype, then each table with its columns, primary key, foreign
** keys among the three tables and CHECKs, then its indexes. The foreign
** keys to tables outside the three are left out, and a comment says so. */
void ddl_pg_schema(buf_t *b, schema_t s);

/* CREATE TABLE `name` with table t's columns in schema s (types, NOT NULL)
** and its CHECKs, and nothing else: for a table rebuilt in place, whose
** primary key, foreign keys and indexes come after its rows
** (ddl_pg_keys). */
void ddl_pg_create_bare(buf_t *b, schema_t s, table_id_t t, const char *name);
/* Table t's primary key and its foreign keys in schema s (to any table,
** the three and outside), as ALTER TABLE statements, then its indexes. */
void ddl_pg_keys(buf_t *b, schema_t s, table_id_t t);
/* One CHECK, foreign key or index as PostgreSQL takes it, after
** "ALTER TABLE t ADD " or alone. */
void ddl_pg_check(buf_t *b, const check_def_t *c);
void ddl_pg_foreign_key(buf_t *b, const foreign_key_def_t *f);
void ddl_pg_index(buf_t *b, const index_def_t *x);

/* CREATE TABLE `name` as SQLAlchemy writes table t of schema s in SQLite
** (".schema" shows it so): columns, PRIMARY KEY (id), CHECKs and FOREIGN
** KEY clauses, tab-indented; then its indexes, CREATE INDEX each. */
void ddl_sqlite_create(buf_t *b, schema_t s, table_id_t t, const char *name);
void ddl_sqlite_indexes(buf_t *b, schema_t s, table_id_t t);
/* The same for rows with `header` (a table of schema s): its columns in
** the header's order, those the schema knows with the application's type
** and NOT NULL, the others untyped; the primary key, CHECKs, foreign keys
** and indexes whose columns the header all has (foreign keys to tables
** outside the three only with `outside`). With the application's columns
** in its order, this is the application's DDL. */
void ddl_sqlite_create_for(buf_t *b, schema_t s, table_id_t t, const table_t *header,
                           const char *name, bool outside);
void ddl_sqlite_indexes_for(buf_t *b, schema_t s, table_id_t t, const table_t *header);

#endif
