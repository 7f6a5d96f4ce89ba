/*
** problems.h: collecting what is wrong with the input.
**
** Every problem names the input, the line (CSV physical line where the
** record starts, header = 1; SQLite rowid), the column, the value and the
** rule broken, printed as
**     FILE:LINE: column COL: 'VALUE': rule
** A problem that makes a whole table unreadable (not CSV, corrupt gzip,
** missing table) is printed as "FILE: cause" and marks the run fatal.
** The collector keeps the first PROBLEMS_SHOWN messages and a count;
** --max-errors N makes problems_full() true after N so readers stop early.
*/
#ifndef PHASEMIG_PROBLEMS_H
#define PHASEMIG_PROBLEMS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "row.h"

struct bytesink;    /* bytes.h */

#define PROBLEMS_SHOWN 20

typedef struct problems {
    size_t count;
    size_t max_errors;          /* 0: no limit */
    size_t fatal;               /* problems that made a table unreadable */
    size_t nshown;
    char *shown[PROBLEMS_SHOWN];
    /* warnings: the run goes on (e.g. a project without phases) */
    size_t nwarnings;
    char *warnings[PROBLEMS_SHOWN];
    /* --rejects: each problem of a row, and each row taken along with a
    ** rejected project or phase, becomes a line of this CSV file:
    **     table,line,id,column,value,reason,raw */
    struct bytesink *rejects;
    /* where a table's header has the column that identifies a row (its
    ** id in the rejects file), or -1 */
    int (*key_col)(const table_t *t);
    bool keep_going;            /* --rejects: problems reject rows, the run goes on */
    buf_t line;
} problems_t;

void problems_init(problems_t *p, size_t max_errors);
void problems_free(problems_t *p);

/* A problem with field `col` of `row` (read from table `t`). */
void problem_field(problems_t *p, const table_t *t, const row_t *row, size_t col,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A problem at a line of `t` with an explicit column name and value
** (value NULL prints as ''); `row` is the record when there is one. */
void problem_at(problems_t *p, const table_t *t, const row_t *row, int64_t line,
                const char *col, const char *value, size_t value_len, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));
/* A row rejected not for a problem of its own but with its project or
** phase: a line in the rejects file, not a problem. */
void problem_taken_along(problems_t *p, const table_t *t, const row_t *row, const char *col,
                         const char *reason);
/* Sends rejects to `sink` (which the collector then owns), header first;
** a row's id is its field in the column key_col() gives. */
void problems_set_rejects(problems_t *p, struct bytesink *sink, int (*key_col)(const table_t *t));
/* The whole input `source` is unreadable. */
void problem_fatal(problems_t *p, const char *source, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Something the user should know that is not a problem of the input. */
void problem_warn(problems_t *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the warnings kept, as "phasemig: warning: ...", to `out`. */
void problems_print_warnings(const problems_t *p, FILE *out);

/* Moves what `from` collected to the end of `into`'s, as if it had been
** reported there after into's own (a collector filled beside another,
** chain_beside_start); `from` is left empty. Neither has rejects. */
void problems_append(problems_t *into, problems_t *from);

/* True when the reader should stop: --max-errors reached. */
bool problems_full(const problems_t *p);
/* Prints the kept messages and a closing count line to `out`. */
void problems_print(const problems_t *p, FILE *out);

/* Appends `s` to `b` quoted for a message: printable UTF-8 as is, control
** bytes and invalid UTF-8 as \xNN, long values cut at 60 bytes with "...". */
void problem_escape(buf_t *b, const char *s, size_t len);

#endif
