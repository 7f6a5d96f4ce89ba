/*
** write_psql.h: OUT/load.psql, the psql script that loads a CSV (or gzip
** CSV) output into PostgreSQL in one transaction.
**
** The script is meant to be run in OUT (`cd OUT && psql -X -f load.psql`,
** or `psql -X -v dir=OUT -f OUT/load.psql` from anywhere: it does `\cd
** :dir` first). For each table, in foreign-key order (projects,
** project_phases, resource_assignments), it runs
**
**   \copy TABLE ("col", ...) FROM 'TABLE.csv' WITH (FORMAT csv, HEADER true)
**
** (FROM PROGRAM 'gzip -dc TABLE.csv.gz' for gzip output) naming exactly
** the columns of the file's header, so the order of the table's columns
** does not matter and a column the table lacks stops the load; NULL (an
** empty unquoted field) and "" stay apart, as COPY's CSV format has them.
** It then prints the rows loaded next to the rows phasemig wrote and
** commits only when they agree; any error rolls everything back
** (ON_ERROR_STOP: psql exits with status 3). Tables are not schema-
** qualified: search_path says where they go. A SQLite output has no CSV
** files and gets no script. The script needs psql 10 or later (\if).
*/
#ifndef PHASEMIG_WRITE_PSQL_H
#define PHASEMIG_WRITE_PSQL_H

#include "stages.h"

/* One table as written: its header (header->name names the table and
** its file, NAME.csv or NAME.csv.gz) and how many rows the file holds. */
typedef struct psql_table {
    const table_t *header;
    uint64_t rows;
} psql_table_t;

/* Writes the script to `path` (through bytesink_file_new). `gzip`: the
** files are NAME.csv.gz. `schema` names, in the script's comments, the
** schema the tables are in (`phasemig schema --old|--new`). Tables are
** loaded projects, project_phases, resource_assignments first, then any
** other, whatever the order of `tables`. A column name psql's \copy
** cannot spell (empty, or holding a line break) gives a script that
** explains this and stops with an error before loading anything. */
void write_psql(const char *path, bool gzip, schema_t schema, const psql_table_t *tables,
                size_t n);

/* A sink that hands everything on to `inner` (and owns it), noting each
** table's header and row count and the phases by name or type; its
** close() closes `inner`, then writes DIR/load.psql with write_psql() and
** DIR/apply.psql with write_apply() (write_apply.h), whose guard wants the
** number of assignments read, *assignments_read by then. As
** pipeline/commands/run.c's open_output does:
**
**     sink = psql_sink_new(sink, staging_dir, gzip, SCHEMA_NEW, &rows_read);
*/
sink_t *psql_sink_new(sink_t *inner, const char *dir, bool gzip, schema_t schema,
                      const uint64_t *assignments_read);

#endif
