/*
** bytes.h: raw bytes in and out of one file, below the rows.
**
**  bytesrc   the bytes of one input file (plain, or inflated gzip);
**  bytesink  the bytes of one output file (plain, or deflated gzip).
**
** Each is freed by its own free function, which accepts NULL.
*/
#ifndef PHASEMIG_BYTES_H
#define PHASEMIG_BYTES_H

#include <stddef.h>
#include <sys/types.h>

typedef struct bytesrc bytesrc_t;
struct bytesrc {
    const char *path;   /* for messages */
    /* Reads up to n bytes into buf: the count, 0 at the end, -1 on error
    ** (then `err` says why). */
    ssize_t (*read)(bytesrc_t *self, void *buf, size_t n);
    void (*free)(bytesrc_t *self);
    char err[256];
};

typedef struct bytesink bytesink_t;
struct bytesink {
    const char *path;
    void (*write)(bytesink_t *self, const void *p, size_t n);
    /* Flushes and closes the file (fsync included). */
    void (*close)(bytesink_t *self);
    void (*free)(bytesink_t *self);
};

void bytesrc_free(bytesrc_t *b);
void bytesink_free(bytesink_t *b);

#endif
