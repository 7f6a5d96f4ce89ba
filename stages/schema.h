/*
** schema.h: the planner's tables before and after the migration, as data,
** in one place.
**
** Each schema lists its three tables and each table its columns in the
** live table's order, with the column's value type and whether the tool
** needs it (NOT NULL in the DDL). What the migration drops and adds is
** what one schema has and the other has not (schema_diff). Validation,
** the readers' two-decimal columns, the writers' types, remap, the cut
** lists of the commands and the DDL that `phasemig schema` prints all read
** from here; tests/unit/test_schema.c checks the DDL against the table.
*/
#ifndef PHASEMIG_SCHEMA_H
#define PHASEMIG_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { SCHEMA_OLD, SCHEMA_NEW } schema_t;

/* The three tables, in load order (a phase needs its project, an
** assignment both). */
typedef enum { T_PROJECTS, T_PHASES, T_ASSIGNMENTS, T_COUNT } table_id_t;

typedef enum {
    COLUMN_UUID,         /* 8-4-4-4-12 hex digits */
    COLUMN_DATE,         /* YYYY-MM-DD */
    COLUMN_TIMESTAMP,    /* timestamp without time zone */
    COLUMN_MONEY,        /* NUMERIC(15,2), never negative */
    COLUMN_PERCENT,      /* NUMERIC(5,2), 0..100 */
    COLUMN_TEXT,
    COLUMN_PHASE_TYPE    /* PLANNING or EXECUTION (the old enum phasetype) */
} column_type_t;

typedef struct column_def {
    const char *name;
    column_type_t type;
    bool required;      /* the tool stops without it; NOT NULL */
} column_def_t;

typedef struct table_def {
    const char *name;
    const column_def_t *cols;
    size_t ncols;
} table_def_t;

/* Table `t` as schema `s` has it. */
const table_def_t *schema_table(schema_t s, table_id_t t);
/* The table's name ("projects", "project_phases", ...). */
const char *schema_table_name(table_id_t t);
/* The column `name` of table `t` in schema `s`, or NULL if it has none. */
const column_def_t *schema_column(schema_t s, table_id_t t, const char *name);
/* The column `col` of the table named `table` in either schema (the new
** one first), or NULL: for writers, which write both. */
const column_def_t *schema_find(const char *table, const char *col);
/* Whether `col`, of any table in either schema, holds money or a
** percentage: two decimals, as NUMERIC(p,2). Unknown columns do not. */
bool schema_two_decimals(const char *col);
/* The columns of table `t` that schema `from` has and `to` has not, into
** out[0..max) and a NULL after them; returns their count. */
size_t schema_diff(table_id_t t, schema_t from, schema_t to, const char **out, size_t max);
/* The PostgreSQL DDL of a schema, as `phasemig schema` prints it. */
const char *schema_ddl(schema_t s);

#endif
