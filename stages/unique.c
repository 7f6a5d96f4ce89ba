/*
** unique: finds repeated assignment ids in one pass with bounded memory.
**
** Assignments are too many to index, so each (id, line) pair is kept in a
** buffer; when the buffer fills up, its pairs, and all later ones, go to
** one of UNIQUE_BUCKETS spill files chosen by the id's hash. At the end
** each group (the buffer alone, or one bucket file at a time) is checked
** in input order against an index of the ids seen so far: the first
** occurrence stands and every later one is reported with the line of the
** first. Equal ids always share a bucket, and a bucket keeps its pairs in
** input order. A bucket of more than group_max pairs (past 16 million
** assignments) is first split in 16 by the next 4 bits of the hash, and so
** on, so the index never holds more than group_max ids whatever the
** number of assignments; ids whose hashes agree in every bit are one id
** in practice, which the index holds once. Spill files are unlinked as
** soon as they are created, so nothing is left behind by any exit.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stages.h"

#define UNIQUE_BUFFER ((size_t)32 * 1024)
#define UNIQUE_GROUP_MAX ((size_t)64 * 1024)
#define UNIQUE_BUCKETS 256
#define SPLIT_BITS 4
#define SPLITS (1u << SPLIT_BITS)

typedef struct {
    uuid_t id;
    int64_t line;
} id_line_t;

struct unique {
    id_line_t *buf;
    size_t n, buffer_max, group_max;
    FILE *bucket[UNIQUE_BUCKETS];
    bool spilled;
    const char *tmpdir;     /* where the spill files are, for messages */
};

unique_t *unique_new_limits(size_t buffer_max, size_t group_max)
{
    unique_t *u = xcalloc(1, sizeof *u);
    u->buffer_max = buffer_max;
    u->group_max = group_max;
    u->buf = xmalloc(buffer_max * sizeof *u->buf);
    return u;
}

unique_t *unique_new(void)
{
    return unique_new_limits(UNIQUE_BUFFER, UNIQUE_GROUP_MAX);
}

static void write_pair(unique_t *u, FILE *f, const id_line_t *e)
{
    /* one thread writes each file: the stream lock per pair was a tenth of
    ** the validate thread's time */
    if (fwrite_unlocked(e, sizeof *e, 1, f) != 1)
        runtime_error("%s: cannot write a spill file: %s", u->tmpdir, strerror(errno));
}

static void spill(unique_t *u)
{
    for (size_t i = 0; i < u->n; i++) {
        size_t b = (size_t)(uuid_hash(&u->buf[i].id) >> 56);
        if (!u->bucket[b])
            u->bucket[b] = spill_file_open(&u->tmpdir);
        write_pair(u, u->bucket[b], &u->buf[i]);
    }
    u->n = 0;
    u->spilled = true;
}

void unique_add(unique_t *u, const uuid_t *id, int64_t line)
{
    if (u->n == u->buffer_max)
        spill(u);
    u->buf[u->n].id = *id;
    u->buf[u->n].line = line;
    u->n++;
}

typedef struct {
    uuid_t id;
    int64_t line, first_line;
} repeat_t;

typedef struct {
    repeat_t *v;
    size_t n, cap;
} repeats_t;

static int by_line(const void *a, const void *b)
{
    const repeat_t *x = a, *y = b;
    return (x->line > y->line) - (x->line < y->line);
}

/* The ids seen in one group and the line each was first seen on. One
** serves every group in turn, emptied for each with room for the group
** (seen_empty): made and grown afresh for each of 256 groups, it was
** megabytes of allocations a group, and its growth the run's peak memory. */
typedef struct {
    uuidmap_t index;        /* id -> index into first_lines */
    int64_t *first_lines;
    size_t n, cap;
} seen_t;

/* Empties s for a group of at most `pairs` pairs. */
static void seen_empty(seen_t *s, size_t pairs)
{
    uuidmap_clear(&s->index, pairs);
    if (s->cap < pairs) {
        free(s->first_lines);
        s->first_lines = xmalloc(pairs * sizeof *s->first_lines);
        s->cap = pairs;
    }
    s->n = 0;
}

/* Checks pairs e[0..n), which follow the group's earlier pairs in input
** order; appends the repeats to r. */
static void check_pairs(seen_t *s, const id_line_t *e, size_t n, repeats_t *r)
{
    for (size_t i = 0; i < n; i++) {
        size_t first;   /* an index: a line can be any int64 (a SQLite rowid) */
        if (uuidmap_put(&s->index, &e[i].id, s->n, &first)) {
            if (s->n == s->cap) {
                s->cap = s->cap ? s->cap * 2 : 64;
                s->first_lines = xrealloc(s->first_lines, s->cap * sizeof *s->first_lines);
            }
            s->first_lines[s->n++] = e[i].line;
            continue;
        }
        if (r->n == r->cap) {
            r->cap = r->cap ? r->cap * 2 : 16;
            r->v = xrealloc(r->v, r->cap * sizeof *r->v);
        }
        r->v[r->n].id = e[i].id;
        r->v[r->n].line = e[i].line;
        r->v[r->n].first_line = s->first_lines[first];
        r->n++;
    }
}

/* Reads the next pairs of f into the buffer; their count, 0 at the end. */
static size_t read_pairs(unique_t *u, FILE *f)
{
    size_t n = fread(u->buf, sizeof *u->buf, u->buffer_max, f);
    if (n < u->buffer_max && ferror(f))
        runtime_error("%s: cannot read a spill file: %s", u->tmpdir, strerror(errno));
    return n;
}

static size_t rewind_pairs(unique_t *u, FILE *f)
{
    long size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0)
        runtime_error("%s: cannot read a spill file: %s", u->tmpdir, strerror(errno));
    return (size_t)size / sizeof(id_line_t);
}

/* Which of the SPLITS parts of a group an id goes to at `depth` (the
** bucket took the hash's top 8 bits). */
static unsigned part_of(const uuid_t *id, unsigned depth)
{
    return (unsigned)(uuid_hash(id) >> (56 - SPLIT_BITS * depth)) & (SPLITS - 1);
}

#define DEPTHS ((64 - 8) / SPLIT_BITS)

/* Checks the pairs of f from where it is to its end, as one group of at
** most `ids` ids. */
static void check_stream(unique_t *u, FILE *f, seen_t *s, size_t ids, repeats_t *r)
{
    seen_empty(s, ids);
    size_t got;
    while ((got = read_pairs(u, f)) > 0)
        check_pairs(s, u->buf, got, r);
}

/* Checks the group of pairs written to f (at the end of it), splitting it
** first while it has more than group_max pairs. */
static void check_file(unique_t *u, FILE *f, unsigned depth, seen_t *s, repeats_t *r)
{
    size_t n = rewind_pairs(u, f);
    if (n > u->group_max && depth <= DEPTHS) {
        /* count first: a group of one part goes on to the next bits
        ** without being written again, and a group of one hash (one id,
        ** many times) is checked at once */
        size_t count[SPLITS] = {0}, got;
        uint64_t hash = 0;
        bool one_hash = true, first = true;
        while ((got = read_pairs(u, f)) > 0)
            for (size_t i = 0; i < got; i++) {
                uint64_t h = uuid_hash(&u->buf[i].id);
                one_hash = one_hash && (first || h == hash);
                hash = h;
                first = false;
                count[(h >> (56 - SPLIT_BITS * depth)) & (SPLITS - 1)]++;
            }
        unsigned nonempty = 0;
        for (unsigned p = 0; p < SPLITS; p++)
            nonempty += count[p] > 0;
        if (one_hash) {
            rewind_pairs(u, f);
            check_stream(u, f, s, 1, r);
            return;
        }
        if (nonempty == 1) {
            if (fseek(f, 0, SEEK_END) != 0)
                runtime_error("%s: cannot read a spill file: %s", u->tmpdir, strerror(errno));
            check_file(u, f, depth + 1, s, r);
            return;
        }
        FILE *part[SPLITS] = {0};
        rewind_pairs(u, f);
        while ((got = read_pairs(u, f)) > 0)
            for (size_t i = 0; i < got; i++) {
                unsigned p = part_of(&u->buf[i].id, depth);
                if (!part[p])
                    part[p] = spill_file_open(&u->tmpdir);
                write_pair(u, part[p], &u->buf[i]);
            }
        for (unsigned p = 0; p < SPLITS; p++)
            if (part[p]) {
                check_file(u, part[p], depth + 1, s, r);
                fclose(part[p]);
            }
        return;
    }
    check_stream(u, f, s, n, r);
}

void unique_finish(unique_t *u,
                   void (*repeated)(void *ctx, const uuid_t *id, int64_t line, int64_t first_line),
                   void *ctx)
{
    repeats_t r = {0};
    seen_t s = {0};   /* its index made by the first seen_empty */
    if (!u->spilled) {
        seen_empty(&s, u->n);
        check_pairs(&s, u->buf, u->n, &r);
    } else {
        spill(u);
        for (size_t b = 0; b < UNIQUE_BUCKETS; b++)
            if (u->bucket[b])
                check_file(u, u->bucket[b], 1, &s, &r);
    }
    uuidmap_free(&s.index);
    free(s.first_lines);
    if (r.n > 1)
        qsort(r.v, r.n, sizeof *r.v, by_line);
    for (size_t i = 0; i < r.n; i++)
        repeated(ctx, &r.v[i].id, r.v[i].line, r.v[i].first_line);
    free(r.v);
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
