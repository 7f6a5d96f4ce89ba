/*
** util.h: allocation that cannot return NULL, and a growable byte buffer.
**
** Out of memory is not a condition the tool can recover from in a useful
** way, so xmalloc() and friends print one line and exit with status 2
** (docs/contract.md "Exit status": 2 for an I/O failure); the output
** commit's exit hook removes any staged output first.
*/
#ifndef PHASEMIG_UTIL_H
#define PHASEMIG_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* A growable byte buffer; `data` is always NUL-terminated when len > 0 or
** after buf_terminate(). The buffer owns `data`. */
typedef struct buf {
    char *data;
    size_t len;
    size_t cap;
} buf_t;

void buf_init(buf_t *b);
void buf_free(buf_t *b);
void buf_reserve(buf_t *b, size_t extra);
void buf_add(buf_t *b, const void *p, size_t n);
void buf_addc(buf_t *b, char c);
void buf_adds(buf_t *b, const char *s);
void buf_printf(buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_clear(buf_t *b);
/* Returns data as a C string (never NULL). */
const char *buf_str(buf_t *b);

/* A temporary file in $TMPDIR (else /tmp), unlinked at once so nothing is
** left behind by any exit; open for writing and reading back. Failures
** end the run (runtime_error). `dir_out`, if not NULL, gets the directory
** for later messages (static storage). */
FILE *spill_file_open(const char **dir_out);

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
