/*
** row.h: the record model every stage sees.
**
** A table_t is a table's header: its name ("projects"), where it came from
** (for problem messages) and its column names in order. A row_t is one
** record of it: fields in header order, each either NULL or a byte string
** (an empty string is not NULL), plus where the record stood in the input
** (CSV physical line of its first byte, or SQLite rowid) and the record's
** raw text. A row owns its bytes; stages may replace or drop fields and
** append new ones, and must then pass a header that says so.
*/
#ifndef PHASEMIG_ROW_H
#define PHASEMIG_ROW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

typedef struct field {
    const char *data;   /* NUL-terminated; "" when null */
    size_t len;
    bool null;
} field_t;

typedef struct table {
    char *name;         /* logical table: projects, project_phases, ... */
    char *source;       /* display name of its input, e.g. dir/projects.csv */
    size_t ncols;
    char **cols;
} table_t;

table_t *table_new(const char *name, const char *source);
void table_add_col(table_t *t, const char *col, size_t len);
/* Index of the column named `col`, or -1. */
int table_col(const table_t *t, const char *col);
table_t *table_copy(const table_t *t);
void table_free(table_t *t);

#define ROW_NOTES 4

typedef struct row {
    size_t n;           /* number of fields */
    field_t *f;
    int64_t line;       /* CSV line of the record's start, or SQLite rowid */
    const char *raw;    /* the record as it stood in the input (no line end) */
    size_t raw_len;
    bool broken;        /* the reader found it malformed (already reported) */
    /* The first `plain` fields are NULL or text that CSV need not quote
    ** (not empty, not \., no comma, quote, CR or LF), so a writer copies
    ** them as they are: the reader knows it of a plain line. Only push and
    ** remove change fields, and neither makes a plain field less so. */
    size_t plain;
    /* values an earlier stage leaves for later ones of the same chain, so
    ** that what one has parsed or found is not parsed or found again: a
    ** typed message along the row, never a column (see stages/plan.h) */
    bool noted;
    int64_t note[ROW_NOTES];
    /* private: storage */
    size_t cap;
    buf_t bytes;
    size_t *offs;       /* field start offsets into bytes while building */
    buf_t rawbuf;
} row_t;

void row_init(row_t *r);
void row_free(row_t *r);
/* Starts a new record (keeps the allocations). */
void row_reset(row_t *r);
/* Appends a field; data NULL means SQL NULL. Pointers in r->f are valid
** only after row_seal(). */
void row_push(row_t *r, const char *data, size_t len);
void row_seal(row_t *r);
/* The fields' bytes as row_push() lays them out, each followed by a NUL
** (a NULL field is a lone NUL), for row_load(). */
const char *row_bytes(const row_t *r, size_t *len);
/* Makes `r` (reset) hold n fields at once, from `bytes` as row_bytes()
** gives them and `lens`, each field's length or UINT32_MAX for NULL; the
** row is sealed. Faster than n row_push() calls. */
void row_load(row_t *r, size_t n, const uint32_t *lens, const char *bytes, size_t bytes_len);
void row_set_raw(row_t *r, const char *raw, size_t len);
/* A row as one record of a batch, for another thread: this head, n x
** uint32 (each field's length, UINT32_MAX for NULL), the fields' bytes as
** row_bytes() lays them out, the raw text and a NUL, then zeros to a
** multiple of ROW_ENCODED_ALIGN, so that the records that follow stay
** aligned. `tag` is the encoder's own (the CSV reader's UTF-8 verdict). */
typedef struct {
    int64_t line;
    int64_t note[ROW_NOTES];
    uint64_t raw_len;       /* 64 bits: a SQLite row may pass 4 GiB */
    uint64_t bytes_len;
    uint32_t n;
    uint32_t plain;
    uint32_t tag;
    uint8_t broken, noted;
    uint8_t pad[2];
} row_encoded_t;

#define ROW_ENCODED_ALIGN 8

/* The bytes one record of n fields takes in a batch, padding included. */
static inline size_t row_encoded_size(size_t n, size_t bytes_len, size_t raw_len)
{
    size_t size = sizeof(row_encoded_t) + n * sizeof(uint32_t) + bytes_len + raw_len + 1;
    return (size + ROW_ENCODED_ALIGN - 1) / ROW_ENCODED_ALIGN * ROW_ENCODED_ALIGN;
}

/* Appends `r` whole (fields, NULLs, line, raw text, broken, plain, note)
** and `tag` to `out`. */
void row_encode(buf_t *out, const row_t *r, uint32_t tag);
/* Makes `r` the record row_encode() wrote at batch + *pos, moves *pos past
** it and returns its tag; r->raw points into the batch, which must
** outlive the row's use. */
uint32_t row_decode(const char *batch, size_t *pos, row_t *r);
/* Removes field i (0 <= i < n). */
void row_remove(row_t *r, size_t i);

#endif
