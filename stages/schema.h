/*
** schema.h: the planner's tables before and after the migration, as data,
** in one place.
**
** Every column of the three tables has an id (column_id_t) and one entry
** here: its table, name, value type and whether the tool needs it (NOT
** NULL in the DDL). Each schema lists its three tables and each table its
** columns' ids in the live table's order. What the migration drops and
** adds is what one schema has and the other has not (schema_diff).
**
** No other file spells a table's or a column's name (tests/layers.sh
** checks it): a stage binds the header it is given once (schema_bind) and
** reads a row's fields by column id (bound_field). Validation, verify,
** diff, rollback, reconcile's typing, the readers' two-decimal columns,
** the writers' types, remap, the cut lists of the commands and the DDL
** that `phasemig schema` prints all read from here;
** tests/unit/test_schema.c checks the DDL against the table.
*/
#ifndef PHASEMIG_SCHEMA_H
#define PHASEMIG_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "../pipeline/frame/row.h"

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

/* Every column of the three tables that either schema has, as an id. Code
** names a column by its id, never by its name: a binding (schema_bind)
** finds where a header has it. */
typedef enum {
    COLUMN_NONE = -1,
    /* projects */
    PROJECTS_PROGRAM_ID, PROJECTS_NAME, PROJECTS_BUSINESS_SPONSOR, PROJECTS_PROJECT_MANAGER,
    PROJECTS_TECHNICAL_LEAD, PROJECTS_START_DATE, PROJECTS_END_DATE, PROJECTS_COST_CENTER_CODE,
    PROJECTS_DESCRIPTION, PROJECTS_ID, PROJECTS_CREATED_AT, PROJECTS_UPDATED_AT,
    /* project_phases, old and new */
    PHASES_PROJECT_ID, PHASES_PHASE_TYPE, PHASES_CAPITAL_BUDGET, PHASES_EXPENSE_BUDGET,
    PHASES_TOTAL_BUDGET, PHASES_ID, PHASES_CREATED_AT, PHASES_UPDATED_AT, PHASES_NAME,
    PHASES_START_DATE, PHASES_END_DATE, PHASES_DESCRIPTION,
    /* resource_assignments, old and new */
    ASSIGNMENTS_RESOURCE_ID, ASSIGNMENTS_PROJECT_ID, ASSIGNMENTS_PROJECT_PHASE_ID,
    ASSIGNMENTS_ASSIGNMENT_DATE, ASSIGNMENTS_ALLOCATION_PERCENTAGE,
    ASSIGNMENTS_CAPITAL_PERCENTAGE, ASSIGNMENTS_EXPENSE_PERCENTAGE, ASSIGNMENTS_ID,
    ASSIGNMENTS_CREATED_AT, ASSIGNMENTS_UPDATED_AT,
    COLUMN_IDS
} column_id_t;

typedef struct column_def {
    table_id_t table;
    const char *name;
    column_type_t type;
    unsigned length;    /* text: VARCHAR(length) */
    bool not_null;      /* NOT NULL in the application's table */
    bool required;      /* the tool stops without it */
} column_def_t;

/* A CHECK, an index (besides the primary key) and a foreign key of the
** application's tables. Each belongs to every schema that has all its
** columns (schema_checks, ...). */
typedef struct check_def {
    table_id_t table;
    const char *name;
    const char *expr;           /* as the application declares it */
    size_t ncols;
    column_id_t cols[3];        /* the columns it reads */
} check_def_t;

typedef struct index_def {
    table_id_t table;
    const char *name;
    size_t ncols;
    column_id_t cols[2];
    bool unique;
} index_def_t;

typedef struct foreign_key_def {
    table_id_t table;
    const char *name;           /* PostgreSQL's; SQLite's are unnamed */
    column_id_t col;
    const char *ref_table;      /* maybe not one of the three */
    const char *ref_col;
} foreign_key_def_t;

typedef struct table_def {
    const char *name;
    const column_id_t *cols;    /* in the live table's order */
    size_t ncols;
} table_def_t;

/* Table `t` as schema `s` has it. */
const table_def_t *schema_table(schema_t s, table_id_t t);
/* The table's name ("projects", "project_phases", ...). */
const char *schema_table_name(table_id_t t);
/* The table named `name`, or T_COUNT if none of the three is. */
table_id_t schema_table_named(const char *name);
/* What the schema says of column `c`, and its name. */
const column_def_t *schema_column(column_id_t c);
const char *schema_column_name(column_id_t c);
/* The column of table `t` named `name` in either schema, or COLUMN_NONE. */
column_id_t schema_column_named(table_id_t t, const char *name);
/* The column that identifies a row of table `t` (its primary key). */
column_id_t schema_key(table_id_t t);
/* Where header `t` (a table of either schema, by its name) has its key
** column, or -1: the id of a row in the rejects file. */
int schema_key_col(const table_t *t);
/* Whether schema `s` has column `c`. */
bool schema_has(schema_t s, column_id_t c);
/* The value type of the column `name` of table `t` in either schema; a
** column the schema does not know is COLUMN_TEXT. */
column_type_t schema_type_of(table_id_t t, const char *name);
/* Whether that type holds money or a percentage: two decimals, as
** NUMERIC(p,2). */
bool schema_two_decimals(column_type_t type);
/* The columns of table `t` that schema `from` has and `to` has not, into
** out[0..max) and a NULL after them; returns their count. */
size_t schema_diff(table_id_t t, schema_t from, schema_t to, const char **out, size_t max);
/* Schema s's CHECKs, indexes and foreign keys of table t, in the
** application's order, into out[0..max); each returns their count. */
size_t schema_checks(schema_t s, table_id_t t, const check_def_t **out, size_t max);
size_t schema_indexes(schema_t s, table_id_t t, const index_def_t **out, size_t max);
size_t schema_foreign_keys(schema_t s, table_id_t t, const foreign_key_def_t **out, size_t max);
/* Whether schema s has all of cols[0..n). */
bool schema_has_columns(schema_t s, const column_id_t *cols, size_t n);
/* The application's revision (its alembic_version) at schema s:
** 976e6adbac6f before the migration, 92023c163a26 after. */
const char *schema_revision(schema_t s);
/* The table that holds that revision ("alembic_version", column
** version_num). */
const char *schema_versions_table(void);
/* The enum type of phase_type in PostgreSQL and its labels (NULL after the
** last); the migration leaves it in place. */
const char *schema_enum_name(void);
const char *const *schema_enum_labels(void);

/* Where a header has each column of its table, resolved once: at[c] is
** the position of column c in the header, -1 when it has none (or c is
** not of this table). */
typedef struct binding {
    table_id_t table;
    int at[COLUMN_IDS];
} binding_t;

void schema_bind(binding_t *b, table_id_t t, const table_t *header);

/* Column c's field of row r, or NULL when the header has no such column
** (or the row is too short: one a reader found broken). */
static inline const field_t *bound_field(const binding_t *b, const row_t *r, column_id_t c)
{
    int at = b->at[c];
    return at >= 0 && (size_t)at < r->n ? &r->f[at] : NULL;
}

#endif
