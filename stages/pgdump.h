/*
** pgdump.h: the tables of a pg_dump archive, read offline.
**
** An archive is recognised from its bytes (docs/formats.md "pg_dump
** archives"): a custom-format file (magic PGDMP), a directory-format
** directory (toc.dat), a tar-format file (ustar header, first member
** toc.dat) or a plain SQL script (gzip or not) as pg_dump -Fp or
** pg_restore -f write it. The archive's table of contents (or, for a
** script, its COPY statements) says where each table's data is; a table's
** COPY text is decoded into rows as the CSV reader makes them, with the
** columns of the archive's own COPY statement. Each table read is one
** pass over its data; nothing else in the archive is inflated.
**
** Three files: read_pgdump_toc.c reads headers and tables of contents,
** read_pgdump.c finds a table's data (and parses COPY statements),
** read_pgdump_copy.c decodes COPY text into batches of rows (which a chain
** fills on a reader thread).
*/
#ifndef PHASEMIG_PGDUMP_H
#define PHASEMIG_PGDUMP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../pipeline/frame/problems.h"
#include "../pipeline/frame/stage.h"

typedef enum {
    PGDUMP_CUSTOM,      /* -Fc: one file, data blocks after the TOC */
    PGDUMP_DIRECTORY,   /* -Fd: DIR/toc.dat and DIR/NNNN.dat[.gz] */
    PGDUMP_TAR,         /* -Ft: ustar members toc.dat and NNNN.dat */
    PGDUMP_PLAIN        /* -Fp: an SQL script, COPY ... FROM stdin; blocks */
} pgdump_kind_t;

/* One TABLE DATA entry of the table of contents (schema matched). */
typedef struct pgdump_entry {
    char *table;            /* the TOC entry's tag: the table's name */
    int64_t dump_id;
    char *copy_stmt;        /* "COPY schema.table (cols) FROM stdin;\n" */
    int offset_state;       /* custom: PGDUMP_OFFSET_* */
    uint64_t offset;        /* custom, offset set: where its data block starts */
    char *filename;         /* directory, tar: "NNNN.dat" */
} pgdump_entry_t;

/* The flag in front of a custom archive's data offset. */
#define PGDUMP_OFFSET_NOT_SET 1
#define PGDUMP_OFFSET_SET 2
#define PGDUMP_OFFSET_NO_DATA 3

/* A member of a tar archive. */
typedef struct pgdump_member {
    char *name;
    uint64_t offset, size;  /* of its contents */
} pgdump_member_t;

typedef struct pgdump {
    char *path;
    char *schema;           /* the tables' namespace: "public" unless --schema */
    pgdump_kind_t kind;
    int vmaj, vmin, vrev;   /* archive version (not for plain) */
    int int_size, off_size;
    bool gzip;              /* table data compressed with gzip (zlib) */
    uint64_t data_start;    /* custom: the first byte after the TOC */
    uint64_t size;          /* bytes of data, for the progress report */
    pgdump_entry_t *entries;
    size_t nentries;
    pgdump_member_t *members;   /* tar */
    size_t nmembers;
} pgdump_t;

/* Whether `path` looks like a pg_dump archive of a kind phasemig reads,
** from its first bytes (a directory: from its toc.dat). Reads nothing of
** a pipe or device. */
bool pgdump_recognised(const char *path);
/* Reads the header and table of contents of the archive at `path`
** (schema NULL: "public"). NULL, with a fatal problem "PATH: cause"
** reported, if it is not one phasemig reads (unknown version, lz4 or
** zstd data, truncated, corrupt). */
pgdump_t *pgdump_open(const char *path, const char *schema, problems_t *problems);
/* The rows of `table`'s COPY data, named ARCHIVE[table], each row's line
** its 1-based number in that data. NULL, with a fatal problem, if the
** archive holds no such table or its data cannot be found. */
source_t *pgdump_table(pgdump_t *a, const char *table, problems_t *problems);
void pgdump_close(pgdump_t *a);

/* ---- shared by read_pgdump_toc.c and read_pgdump.c ---- */

/* The TABLE DATA entry of `table`, or NULL. */
const pgdump_entry_t *pgdump_entry(const pgdump_t *a, const char *table);
/* The tar member called `name`, or NULL. */
const pgdump_member_t *pgdump_member(const pgdump_t *a, const char *name);
/* Reads a custom archive's integer (a sign byte, then int_size bytes,
** least significant first) from `f`; false at the end of the file or
** when it does not fit in 63 bits. */
bool pgdump_read_int(FILE *f, int int_size, int64_t *out);

/* ---- COPY text (read_pgdump.c: statements; read_pgdump_copy.c: data) ---- */

/* Parses `COPY [schema.]table (col, ...) FROM stdin;` (identifiers bare
** or double-quoted), giving the schema ("" if none), the table and the
** columns (appended to `cols`, which may be NULL). False if `stmt` is not
** such a statement. */
bool copy_stmt_parse(const char *stmt, size_t len, char **schema, char **table, table_t *cols);

/* The outcome of decoding one COPY text line. */
typedef enum {
    COPY_LINE_OK,
    COPY_LINE_BAD_ESCAPE,   /* a backslash with nothing after it */
    COPY_LINE_BAD_END_MARKER    /* \. not alone on its line */
} copy_line_t;
/* Decodes the COPY text line `s` (no line end) into `row` (reset first):
** tab-separated fields, \N alone NULL, escapes decoded. On
** an invalid escape, *bad_field is the field where it stood. */
copy_line_t copy_line_decode(const char *s, size_t len, row_t *row, size_t *bad_field);

/* A source of the rows of COPY text read from `bytes` (owned from now on):
** `header` (owned from now on) names the columns. If `find` is not NULL,
** the bytes are a plain SQL script: the data is that of the statement
** `COPY find_schema.find ... FROM stdin;`, other tables' data skipped.
** NULL, with a fatal problem, if the statement is not there. */
source_t *copy_source_open(bytesrc_t *bytes, table_t *header, const char *find_schema,
                           const char *find, problems_t *problems);

#endif
