/*
** unique: finds repeated assignment ids in one pass with bounded memory.
**
** Assignments are too many to index, so each (id, line) pair is kept in a
** buffer; when the buffer fills up, its pairs, and all later ones, go to
** one of UNIQUE_BUCKETS spill files chosen by the id's hash. At the end
** each group (the buffer alone, or one bucket file at a time) is checked
** with a hash index: equal ids always share a bucket, and each bucket holds
** its pairs in input order, so the first occurrence stands and every later
** one is reported with the line of the first. Spill files are unlinked as
** soon as they are created, so nothing is left behind by any exit.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stages.h"

#define UNIQUE_BUFFER ((size_t)32 * 1024)
#define UNIQUE_BUCKETS 256

typedef struct {
    uuid_t id;
    int64_t line;
} id_line_t;

struct unique {
    id_line_t *buf;
    size_t n;
    FILE *bucket[UNIQUE_BUCKETS];
    bool spilled;
    const char *tmpdir;     /* where the spill files are, for messages */
};

unique_t *unique_new(void)
{
    unique_t *u = xcalloc(1, sizeof *u);
    u->buf = xmalloc(UNIQUE_BUFFER * sizeof *u->buf);
    return u;
}

static void spill(unique_t *u)
{
    for (size_t i = 0; i < u->n; i++) {
        size_t b = (size_t)(uuid_hash(&u->buf[i].id) >> 56);
        if (!u->bucket[b])
            u->bucket[b] = spill_file_open(&u->tmpdir);
        if (fwrite(&u->buf[i], sizeof u->buf[i], 1, u->bucket[b]) != 1)
            runtime_error("%s: cannot write a spill file: %s", u->tmpdir, strerror(errno));
    }
    u->n = 0;
    u->spilled = true;
}

void unique_add(unique_t *u, const uuid_t *id, int64_t line)
{
    if (u->n == UNIQUE_BUFFER)
        spill(u);
    u->buf[u->n].id = *id;
    u->buf[u->n].line = line;
    u->n++;
}

typedef struct {
    uuid_t id;
    int64_t line, first_line;
} repeat_t;

static int by_line(const void *a, const void *b)
{
    const repeat_t *x = a, *y = b;
    return (x->line > y->line) - (x->line < y->line);
}

/* Checks one group in input order; appends (line, first line) pairs of
** repeats to *dups. */
static void check_group(const id_line_t *e, size_t n, repeat_t **dups, size_t *ndups,
                        size_t *cap)
{
    uuidmap_t seen;
    uuidmap_init(&seen);
    for (size_t i = 0; i < n; i++) {
        size_t first;   /* an index into e: a line can be any int64 (a SQLite rowid) */
        if (!uuidmap_put(&seen, &e[i].id, i, &first)) {
            if (*ndups == *cap) {
                *cap = *cap ? *cap * 2 : 16;
                *dups = xrealloc(*dups, *cap * sizeof **dups);
            }
            (*dups)[*ndups].id = e[i].id;
            (*dups)[*ndups].line = e[i].line;
            (*dups)[*ndups].first_line = e[first].line;
            (*ndups)++;
        }
    }
    uuidmap_free(&seen);
}

void unique_finish(unique_t *u,
                   void (*repeated)(void *ctx, const uuid_t *id, int64_t line, int64_t first_line),
                   void *ctx)
{
    repeat_t *dups = NULL;
    size_t ndups = 0, cap = 0;
    if (!u->spilled) {
        check_group(u->buf, u->n, &dups, &ndups, &cap);
    } else {
        spill(u);
        for (size_t b = 0; b < UNIQUE_BUCKETS; b++) {
            FILE *f = u->bucket[b];
            if (!f)
                continue;
            long size = ftell(f);
            if (size < 0 || fseek(f, 0, SEEK_SET) != 0)
                runtime_error("%s: cannot read a spill file: %s", u->tmpdir, strerror(errno));
            size_t n = (size_t)size / sizeof(id_line_t);
            id_line_t *e = xmalloc(n * sizeof *e);
            if (fread(e, sizeof *e, n, f) != n)
                runtime_error("%s: cannot read a spill file", u->tmpdir);
            check_group(e, n, &dups, &ndups, &cap);
            free(e);
        }
    }
    if (ndups > 1)
        qsort(dups, ndups, sizeof *dups, by_line);
    for (size_t i = 0; i < ndups; i++)
        repeated(ctx, &dups[i].id, dups[i].line, dups[i].first_line);
    free(dups);
}

void unique_free(unique_t *u)
{
    if (!u)
        return;
    for (size_t b = 0; b < UNIQUE_BUCKETS; b++)
        if (u->bucket[b])
            fclose(u->bucket[b]);
    free(u->buf);
    free(u);
}
