/*
** dataset.h: the three tables of a dataset, wherever they are.
**
** A dataset is a directory of NAME.csv files (each possibly gzip, told by
** its bytes, whatever its name: NAME.csv or NAME.csv.gz), a SQLite
** database file (told by its header), or a pg_dump archive (pgdump.h:
** custom, directory, tar or plain script, told by its bytes; a directory
** is one when it holds toc.dat). dataset_table() opens one table as a
** source of rows.
*/
#ifndef PHASEMIG_DATASET_H
#define PHASEMIG_DATASET_H

#include <sqlite3.h>

#include "../pipeline/frame/paths.h"
#include "../pipeline/frame/problems.h"
#include "../pipeline/frame/stage.h"
#include "named.h"
#include "pgdump.h"
#include "schema.h"


typedef struct dataset {
    char *path;
    sqlite3 *db;        /* NULL for a directory of CSV files */
    pgdump_t *archive;  /* a pg_dump archive, else NULL */
} dataset_t;

/* Lists in `p` every path reading the dataset at `path` may touch, without
** reading a byte: the path itself; for a directory, each file in it (the
** tables, whatever their spelling or link); for a file, a SQLite
** database's -wal, -journal and -shm companions. */
void dataset_inputs(paths_t *p, const char *path);
/* NULL, with a fatal problem reported, if `path` is no dataset. */
dataset_t *dataset_open(const char *path, problems_t *problems);
/* The same, with the schema whose tables a pg_dump archive gives (NULL:
** public; other datasets have none). */
dataset_t *dataset_open_schema(const char *path, const char *schema, problems_t *problems);
/* NULL, with a fatal problem reported, if the table cannot be read. */
source_t *dataset_table(dataset_t *d, table_id_t table, problems_t *problems);
/* The path of the SQLite database the dataset is, or NULL. */
const char *dataset_sqlite_file(const dataset_t *d);
/* The Alembic revision in the dataset's alembic_version (a SQLite
** database's, or a pg_dump archive's table data), into out; false when it
** has none (CSV files have none). */
bool dataset_revision(dataset_t *d, char out[33], problems_t *problems);
/* How the dataset's tables, as its database declares them, differ from
** schema s (inspect.h), into *out; false when it declares none (CSV
** files). */
bool dataset_inspect(dataset_t *d, schema_t s, named_t *out);
/* The size of its files, for the progress report (0 if unknown). */
uint64_t dataset_bytes(const dataset_t *d);
void dataset_close(dataset_t *d);

#endif
