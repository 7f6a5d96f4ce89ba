/*
** reconcile: what differs between two datasets of the same schema.
**
** Rows are keyed by id (case-insensitively), columns matched by name,
** values compared by type: money and percentages as decimals (50000 equals
** 50000.00), dates as dates, timestamps as timestamps (a fraction's
** trailing zeros do not count: .500000 equals .5), ids
** case-insensitively, each column by the type the schema gives it
** (schema_type_of); a column the schema does not know, and text, as exact
** text. NULL differs from "".
**
** Any size, any order, bounded memory (docs/design.md, "reconcile").
**
** Pass 1 (reconcile_fingerprint_new on the chain's worker thread, then
** reconcile_load_new on the side's thread, which is handed only the
** entry; the two sides may be read at the same time):
** each row becomes an entry of 56 bytes or
** so: its key (the id's 16 bytes when the id is a UUID, else the id's
** text; keys order as byte strings, a shorter one first when it is the
** other's start), its place in its side's table, and a 128-bit
** fingerprint of its values by type (each column's name and its
** normalised value: 50000 and 50000.00 hash alike), whatever the column
** order. Entries go to one of 1024 partitions by the key's first 10 bits,
** so every key of partition p sorts before every key of p + 1; a side
** keeps them in memory while they fit its budget, past it in its spill
** file, in chunks.
**
** reconcile_compare: the partitions are joined one at a time, in order,
** through a hash index of the expected side's keys. A pair whose
** fingerprints are equal settles there (when both sides have the same
** columns); the rest (pairs that differ, rows of one side only) are
** sorted by key, then occurrence, and listed in the table's item log. That
** is the order of a merge join of both sides sorted by (key, input
** order): repeated ids pair in input order, the first with the first, and
** the ones left over are missing or extra.
**
** Pass 2, only for a table with pairs that differ (reconcile_collect_new):
** the table is read again and the rows of those pairs, only, are kept
** (row log; memory, then spill file). reconcile_report writes the
** difference rows in the item log's order, comparing each pair field by
** field.
*/
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "../pipeline/frame/json.h"
#include "stages.h"

#define PARTITION_BITS 10
#define PARTITIONS (1u << PARTITION_BITS)
/* Bytes of entries a side holds in memory before its tables spill; each
** item log and row log holds up to half of it. */
#define DEFAULT_BUDGET ((uint64_t)48 << 20)
/* A spilling partition writes its entries out in chunks of this size (or
** of budget / PARTITIONS, if smaller, so that a tiny test budget spills
** every entry). */
#define MAX_CHUNK ((size_t)16 << 10)
#define NONE UINT32_MAX
#define NO_ROW UINT64_MAX
#define ID_FROM_KEY UINT32_MAX          /* the id's text is the key's (below) */
#define ID_ABSENT (UINT32_MAX - 1)      /* the row has no id field */
#define KEY_IS_UUID 1u

enum { EXPECTED, ACTUAL, SIDES };
static const char *const SIDE_NAMES[SIDES] = {"expected", "actual"};


/* Pass 1: one row of one side in its partition: this head, the key, the
** id's text when the key does not give it back (idlen), zeros up to a
** multiple of 8 (so entries laid end to end stay aligned). */
typedef struct {
    uint64_t seq;           /* the row's place in its side's table, from 0 */
    uint64_t fp[2];         /* the fingerprint of its values */
    uint32_t size;          /* the whole entry, padding included */
    uint32_t keylen;
    uint32_t idlen;         /* or ID_FROM_KEY: a UUID key formats to it (lower case), a
                               text key is it; ID_ABSENT */
    uint32_t flags;         /* KEY_IS_UUID */
} entry_t;

/* Pass 2: a row kept for its field by field comparison: this head, n
** uint32 lengths (UINT32_MAX: NULL), the fields' bytes each followed by a
** NUL, zeros up to a multiple of 8. */
typedef struct {
    uint64_t size;
    uint64_t bytes_len;
    uint32_t n;
    uint32_t pad;
} record_t;

/* A row to report, in the item log: a pair (both seqs), or a row of one
** side only, with its id's text after the head (idlen bytes, or
** ID_ABSENT), zeros up to a multiple of 8. */
typedef struct {
    uint64_t seq[2];        /* NO_ROW: none on that side */
    uint32_t size;
    uint32_t idlen;
} item_rec_t;

/* A run of one partition's entries in the spill file. */
typedef struct {
    uint64_t off;
    size_t len;
    uint32_t partition;
} chunk_t;

/* One side's entries of one table. */
typedef struct {
    buf_t part[PARTITIONS];     /* entries not (yet) in the spill file */
    bool spilling;
    FILE *spill;                /* once spilling: unlinked, in TMPDIR */
    uint64_t spill_len;
    chunk_t *chunks;
    size_t nchunks, chunk_cap;
    uint64_t seq;               /* entries added */
} store_t;

/* Bytes added at the end and read back at any place: in memory up to a
** limit, then the older part in an unlinked file. */
typedef struct {
    buf_t mem;
    FILE *file;
    uint64_t file_len;
} log_t;

/* Per project: budgets and assignment counts on each side. */
typedef struct {
    uuidmap_t index;
    uuid_t *ids;
    char **texts;
    money_sum_t (*budget)[SIDES][3];
    uint64_t (*assignments)[SIDES];
    size_t n, cap;
} totals_t;

/* What one table's comparison knows of both headers. */
typedef struct {
    table_id_t table;
    const table_t *eh;
    size_t ncommon;
    int *epos, *apos;           /* each common column's place on each side */
    column_type_t *types;
    bool same_columns;          /* the same set: fingerprints settle pairs */
    int eid;                    /* the id column of the expected side */
    field_t *ef, *af;           /* a record's fields, unpacked */
    size_t ef_cap, af_cap;
} columns_t;

/* Pass 2's rows of one side of one table: which rows (a bit each, and
** the bits set before each word), and where each one kept is. */
typedef struct {
    uint64_t *want;
    uint64_t *rank;
    size_t words;
    uint64_t *at;               /* by rank: its place in the row log */
    uint64_t nwanted;
    log_t rows;
} wanted_t;

struct reconcile {
    store_t store[T_COUNT][SIDES];
    /* bytes of entries in memory, per side: a cache line each, since
    ** the two sides' threads change them on every row */
    struct {
        _Alignas(64) uint64_t bytes;
    } held[SIDES];
    uint64_t budget;
    size_t chunk;
    table_t *header[T_COUNT][SIDES];
    uint64_t rows[T_COUNT][SIDES];
    uint64_t same[T_COUNT], missing[T_COUNT], extra[T_COUNT], changed_rows[T_COUNT], changed_fields[T_COUNT];
    uint64_t columns_missing[T_COUNT], columns_extra[T_COUNT];
    columns_t cols[T_COUNT];
    bool compared[T_COUNT];
    log_t items[T_COUNT];
    wanted_t wanted[T_COUNT][SIDES];
    /* per side, as its tables end (a side may be read beside the other);
    ** joined into totals, expected's first, by the first compare */
    totals_t side_totals[SIDES];
    totals_t totals;
    bool totals_joined;
    bytesink_t *out;
    buf_t line, scratch[SIDES];
};

/* Pass 1's first stage, on the chain's worker thread: makes each row its
** entry (key, place, fingerprint; entry_t), which the row then carries
** alone, as its raw text and no fields, to the load stage after it: the
** side's thread decodes 56 bytes a row, not the row. It also keeps the
** per-project totals of this table, added to the reconcile's as the table
** ends (into its side's: the other side may be read at the same time). */
typedef struct {
    stage_t base;
    reconcile_t *rc;
    table_id_t table;
    int side;
    int id, project, budget[3];
    table_t *out;               /* the header of what goes on: no columns */
    uint64_t seq;               /* rows so far */
    buf_t entry;
    totals_t totals;            /* this table's, in the order first seen */
    size_t ncols;
    size_t *by_name;            /* column indexes in the order of their names */
    column_type_t *types;        /* by column index */
    uint64_t *name_hash;        /* by column index */
} fingerprint_t;

typedef struct {
    stage_t base;
    reconcile_t *rc;
    table_id_t table;
    int side;
} load_t;

typedef struct {
    stage_t base;
    reconcile_t *rc;
    table_id_t table;
    int side;
    uint64_t seq;
    buf_t record;
} collect_t;


/* The memory budget per side: PHASEMIG_RECONCILE_BUDGET bytes if set (a
** test-only setting: a tiny one forces every table through the spill
** files), else DEFAULT_BUDGET. */
static uint64_t budget_from_env(void)
{
    const char *s = getenv("PHASEMIG_RECONCILE_BUDGET");
    if (!s || !*s)
        return DEFAULT_BUDGET;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || end == s)
        runtime_error("PHASEMIG_RECONCILE_BUDGET: not a number of bytes: %s", s);
    return (uint64_t)v;
}

reconcile_t *reconcile_new(bytesink_t *out)
{
    reconcile_t *rc = xcalloc(1, sizeof *rc);
    rc->budget = budget_from_env();
    uint64_t chunk = rc->budget / PARTITIONS;
    rc->chunk = chunk < 1 ? 1 : chunk > MAX_CHUNK ? MAX_CHUNK : (size_t)chunk;
    uuidmap_init(&rc->totals.index);
    for (int side = 0; side < SIDES; side++)
        uuidmap_init(&rc->side_totals[side].index);
    rc->out = out;
    buf_init(&rc->line);
    static const char header[] = "table,id,change,field,expected,actual\n";
    out->write(out, header, sizeof header - 1);
    return rc;
}

/* Lets go of a store's entries, in memory and on disk. */
static void store_release(store_t *s)
{
    for (unsigned p = 0; p < PARTITIONS; p++)
        buf_free(&s->part[p]);
    if (s->spill)
        fclose(s->spill);
    free(s->chunks);
    memset(s, 0, sizeof *s);
}

static void log_release(log_t *l)
{
    buf_free(&l->mem);
    if (l->file)
        fclose(l->file);
    memset(l, 0, sizeof *l);
}

static void wanted_release(wanted_t *w)
{
    free(w->want);
    free(w->rank);
    free(w->at);
    log_release(&w->rows);
    memset(w, 0, sizeof *w);
}

static void columns_release(columns_t *c)
{
    free(c->epos);
    free(c->apos);
    free(c->types);
    free(c->ef);
    free(c->af);
    memset(c, 0, sizeof *c);
}

static void totals_free(totals_t *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->texts[i]);
    free(t->texts);
    free(t->ids);
    free(t->budget);
    free(t->assignments);
    uuidmap_free(&t->index);
    memset(t, 0, sizeof *t);
}

void reconcile_free(reconcile_t *rc)
{
    if (!rc)
        return;
    for (table_id_t t = 0; t < T_COUNT; t++) {
        for (int s = 0; s < SIDES; s++) {
            store_release(&rc->store[t][s]);
            wanted_release(&rc->wanted[t][s]);
            table_free(rc->header[t][s]);
        }
        log_release(&rc->items[t]);
        columns_release(&rc->cols[t]);
    }
    totals_free(&rc->totals);
    for (int side = 0; side < SIDES; side++)
        totals_free(&rc->side_totals[side]);
    bytesink_free(rc->out);
    buf_free(&rc->line);
    for (int s = 0; s < SIDES; s++)
        buf_free(&rc->scratch[s]);
    free(rc);
}

/* ---- typed values ---- */

/* A timestamp without its fraction's trailing zeros (and without a
** fraction of only zeros), so equal instants print equal. */
static size_t timestamp_canonical(const char *s, size_t len, char *out, size_t cap)
{
    if (len >= cap)
        len = cap - 1;
    memcpy(out, s, len);
    out[len] = '\0';
    char *dot = strchr(out, '.');
    if (!dot)
        return len;
    char *end = dot + 1;
    while (*end >= '0' && *end <= '9')
        end++;
    char *last = end;
    while (last > dot + 1 && last[-1] == '0')
        last--;
    if (last == dot + 1)
        last = dot;   /* ".000" is no fraction */
    memmove(last, end, strlen(end) + 1);
    return strlen(out);
}

static bool equal_values(column_type_t type, const char *a, size_t alen, const char *b,
                         size_t blen)
{
    if (alen == blen && memcmp(a, b, alen) == 0)
        return true;
    switch (type) {
    case COLUMN_UUID: {
        uuid_t x, y;
        if (uuid_parse(a, alen, &x) && uuid_parse(b, blen, &y))
            return uuid_eq(&x, &y);
        return false;
    }
    case COLUMN_MONEY:
    case COLUMN_PERCENT: {
        cents_t x, y;
        return cents_parse(a, alen, 18, &x) && cents_parse(b, blen, 18, &y) && x == y;
    }
    case COLUMN_DATE: {
        day_t x, y;
        return date_parse(a, alen, &x) && date_parse(b, blen, &y) && x == y;
    }
    case COLUMN_TIMESTAMP: {
        char x[64], y[64];
        size_t xl = timestamp_canonical(a, alen, x, sizeof x);
        size_t yl = timestamp_canonical(b, blen, y, sizeof y);
        return xl == yl && memcmp(x, y, xl) == 0;
    }
    case COLUMN_TEXT:
    case COLUMN_PHASE_TYPE:
        break;
    }
    return false;
}

/* ---- fingerprints ---- */

/* A 128-bit hash in two lanes of different mixes; not cryptographic: it
** tells rows apart, it does not stand against rows crafted to collide. */
typedef struct {
    uint64_t a, b;
} fp_state_t;

static inline void fp_word(fp_state_t *h, uint64_t w)
{
    h->a = (h->a ^ w) * 0x9e3779b97f4a7c15ull;
    h->a ^= h->a >> 29;
    h->b = (h->b + w) * 0xc2b2ae3d27d4eb4full;
    h->b = (h->b << 31) | (h->b >> 33);
}

static void fp_bytes(fp_state_t *h, const void *data, size_t n)
{
    const unsigned char *p = data;
    fp_word(h, n);
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        fp_word(h, w);
    }
    uint64_t w = 0;
    memcpy(&w, p, n);
    fp_word(h, w);
}

static uint64_t fmix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ull;
    return k ^ (k >> 33);
}

/* Hashes a value of an id column that is a UUID: its 16 bytes. */
static void fp_uuid(fp_state_t *h, const uuid_t *u)
{
    fp_word(h, 1);
    fp_bytes(h, u->b, 16);
}

/* Hashes one value as its type normalises it: two values that
** equal_values() finds equal hash alike (a value that does not parse as
** its type is hashed as text, as equal_values() compares it then). */
static void fp_value(fp_state_t *h, column_type_t type, const field_t *f)
{
    if (f->null) {
        fp_word(h, 0x4e554c4c);   /* NULL: a tag no value below gives */
        return;
    }
    switch (type) {
    case COLUMN_UUID: {
        uuid_t u;
        if (uuid_parse(f->data, f->len, &u)) {
            fp_uuid(h, &u);
            return;
        }
        break;
    }
    case COLUMN_MONEY:
    case COLUMN_PERCENT: {
        cents_t c;
        if (cents_parse(f->data, f->len, 18, &c)) {
            fp_word(h, 2);
            fp_word(h, (uint64_t)c);
            return;
        }
        break;
    }
    case COLUMN_DATE: {
        day_t d;
        if (date_parse(f->data, f->len, &d)) {
            fp_word(h, 3);
            fp_word(h, (uint64_t)(int64_t)d);
            return;
        }
        break;
    }
    case COLUMN_TIMESTAMP: {
        char canon[64];
        size_t len = timestamp_canonical(f->data, f->len, canon, sizeof canon);
        fp_word(h, 4);
        fp_bytes(h, canon, len);
        return;
    }
    case COLUMN_TEXT:
    case COLUMN_PHASE_TYPE:
        break;
    }
    fp_word(h, 5);
    fp_bytes(h, f->data, f->len);
}

/* ---- the spill: partitions, logs ---- */

/* Writes `len` bytes at `off` of a spill file, or ends the run. */
static void spill_write(FILE *f, uint64_t off, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = pwrite(fileno(f), p, len, (off_t)off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            runtime_error("reconcile: cannot write a spill file: %s",
                          w < 0 ? strerror(errno) : "no space");
        p += w;
        off += (uint64_t)w;
        len -= (size_t)w;
    }
}

/* Reads `len` bytes at `off` of a spill file into `p`, or ends the run. */
static void spill_read(FILE *f, uint64_t off, char *p, size_t len)
{
    while (len > 0) {
        ssize_t r = pread(fileno(f), p, len, (off_t)off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            runtime_error("reconcile: cannot read back a spill file: %s",
                          r < 0 ? strerror(errno) : "it is shorter than written");
        p += r;
        off += (uint64_t)r;
        len -= (size_t)r;
    }
}

/* Appends len bytes to the log; returns where they start. Past `limit`
** bytes in memory, those go to the log's file. */
static uint64_t log_add(log_t *l, const void *p, size_t len, uint64_t limit)
{
    uint64_t at = l->file_len + l->mem.len;
    buf_add(&l->mem, p, len);
    if (l->mem.len > limit) {
        if (!l->file)
            l->file = spill_file_open(NULL);
        spill_write(l->file, l->file_len, l->mem.data, l->mem.len);
        l->file_len += l->mem.len;
        buf_free(&l->mem);
    }
    return at;
}

/* The log's bytes at..at+len: in memory, or read into `scratch`. */
static const char *log_get(const log_t *l, uint64_t at, size_t len, buf_t *scratch)
{
    if (at >= l->file_len)
        return l->mem.data + (at - l->file_len);
    buf_clear(scratch);
    buf_reserve(scratch, len);
    spill_read(l->file, at, scratch->data, len);
    return scratch->data;
}

/* A key's hash for the join's index: a UUID's is seeded (values.h), so no
** file chosen in advance makes its ids share a slot; other ids (not
** UUIDs, rare in a reconcile) get a plain multiplicative mix. */
static const unsigned char *entry_key(const entry_t *e)
{
    return (const unsigned char *)(e + 1);
}

static uint64_t key_hash(const entry_t *e)
{
    const unsigned char *k = entry_key(e);
    if (e->keylen == 16) {
        uuid_t u;
        memcpy(u.b, k, 16);
        return uuid_hash(&u);
    }
    uint64_t h = 0x9e3779b97f4a7c15ull ^ e->keylen;
    for (uint32_t i = 0; i < e->keylen; i++)
        h = (h ^ k[i]) * 0x100000001b3ull;
    return fmix64(h);
}

/* Byte-string order of two keys: a shorter one first when it is the
** other's start (SQLite's BLOB order, which the reference used). */
static int key_cmp(const entry_t *a, const entry_t *b)
{
    size_t al = a->keylen, bl = b->keylen;
    int c = memcmp(entry_key(a), entry_key(b), al < bl ? al : bl);
    return c ? c : (al > bl) - (al < bl);
}

static bool key_eq(const entry_t *a, const entry_t *b)
{
    return a->keylen == b->keylen && memcmp(entry_key(a), entry_key(b), a->keylen) == 0;
}

/* The partition of a key: its first PARTITION_BITS bits (missing bytes
** count as zero), so partitions follow key order. */
static unsigned partition_of(const unsigned char *key, size_t len)
{
    unsigned b0 = len > 0 ? key[0] : 0, b1 = len > 1 ? key[1] : 0;
    return ((b0 << 8) | b1) >> (16 - PARTITION_BITS);
}

/* Moves partition p's entries in memory to the end of the spill file. */
static void store_flush(reconcile_t *rc, store_t *s, int side, unsigned p)
{
    buf_t *b = &s->part[p];
    if (b->len == 0)
        return;
    if (!s->spill)
        s->spill = spill_file_open(NULL);
    spill_write(s->spill, s->spill_len, b->data, b->len);
    if (s->nchunks == s->chunk_cap) {
        s->chunk_cap = s->chunk_cap ? s->chunk_cap * 2 : 1024;
        s->chunks = xrealloc(s->chunks, s->chunk_cap * sizeof *s->chunks);
    }
    s->chunks[s->nchunks++] = (chunk_t){s->spill_len, b->len, p};
    s->spill_len += b->len;
    rc->held[side].bytes -= b->len;
    /* a huge entry's buffer is not kept for the small ones after it */
    if (b->cap > 4 * rc->chunk + 4096)
        buf_free(b);
    else
        buf_clear(b);
}

/* Appends an entry (len bytes: head, key, id text, padding) to its partition. */
static void store_add(reconcile_t *rc, store_t *s, int side, const char *e, size_t len)
{
    entry_t head;   /* copied: `e` need not be aligned */
    memcpy(&head, e, sizeof head);
    unsigned p = partition_of((const unsigned char *)e + sizeof head, head.keylen);
    buf_t *b = &s->part[p];
    buf_add(b, e, len);
    s->seq++;
    rc->held[side].bytes += len;
    if (!s->spilling && rc->held[side].bytes > rc->budget) {
        s->spilling = true;
        for (unsigned i = 0; i < PARTITIONS; i++)
            store_flush(rc, s, side, i);
    } else if (s->spilling && b->len >= rc->chunk) {
        store_flush(rc, s, side, p);
    }
}

/* Sorts the store's chunks by partition (keeping their order within one)
** and sets first[p]..first[p + 1] to partition p's range of them. */
static void store_index(store_t *s, size_t first[PARTITIONS + 1])
{
    memset(first, 0, (PARTITIONS + 1) * sizeof *first);
    for (size_t i = 0; i < s->nchunks; i++)
        first[s->chunks[i].partition + 1]++;
    for (unsigned p = 0; p < PARTITIONS; p++)
        first[p + 1] += first[p];
    if (s->nchunks == 0)
        return;
    chunk_t *sorted = xmalloc(s->nchunks * sizeof *sorted);
    size_t *next = xmalloc(PARTITIONS * sizeof *next);
    memcpy(next, first, PARTITIONS * sizeof *next);
    for (size_t i = 0; i < s->nchunks; i++)
        sorted[next[s->chunks[i].partition]++] = s->chunks[i];
    free(next);
    free(s->chunks);
    s->chunks = sorted;
    s->chunk_cap = s->nchunks;
}

/* Makes `out` partition p's entries in input order (the spilled chunks,
** then what is still in memory) and lists them in *list (*n of them). */
static void store_read(store_t *s, const size_t first[PARTITIONS + 1], unsigned p, buf_t *out,
                       const entry_t ***list, size_t *n, size_t *cap)
{
    buf_clear(out);
    for (size_t c = first[p]; c < first[p + 1]; c++) {
        buf_reserve(out, s->chunks[c].len);
        spill_read(s->spill, s->chunks[c].off, out->data + out->len, s->chunks[c].len);
        out->len += s->chunks[c].len;
    }
    buf_add(out, s->part[p].data, s->part[p].len);
    buf_free(&s->part[p]);   /* read once: memory goes back as the compare goes on */
    *n = 0;
    for (size_t at = 0; at < out->len;) {
        const entry_t *e = (const entry_t *)(const void *)(out->data + at);
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 256;
            *list = xrealloc(*list, *cap * sizeof(const entry_t *));
        }
        (*list)[(*n)++] = e;
        at += e->size;
    }
}

/* ---- pass 1: loading a side ---- */

/* The index of project `id` in t, added (with `text` as its id's text) if
** it is not there yet. */
static size_t totals_of(totals_t *t, const uuid_t *id, const char *text, size_t len)
{
    size_t at;
    if (uuidmap_get(&t->index, id, &at))
        return at;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->ids = xrealloc(t->ids, t->cap * sizeof *t->ids);
        t->texts = xrealloc(t->texts, t->cap * sizeof *t->texts);
        t->budget = xrealloc(t->budget, t->cap * sizeof *t->budget);
        t->assignments = xrealloc(t->assignments, t->cap * sizeof *t->assignments);
    }
    at = t->n++;
    uuidmap_put(&t->index, id, at, NULL);
    t->ids[at] = *id;
    t->texts[at] = xstrndup(text, len);
    memset(t->budget[at], 0, sizeof t->budget[at]);
    memset(t->assignments[at], 0, sizeof t->assignments[at]);
    return at;
}

/* Adds side `side` of `from` to `into`; projects new to `into` go to its
** end in from's order, so the order stays the order first seen over all
** the tables read so far, as if one index had seen them all. */
static void totals_merge(totals_t *into, const totals_t *from, int side)
{
    for (size_t i = 0; i < from->n; i++) {
        size_t at = totals_of(into, &from->ids[i], from->texts[i], strlen(from->texts[i]));
        into->assignments[at][side] += from->assignments[i][side];
        for (int k = 0; k < 3; k++)
            into->budget[at][side][k].v += from->budget[i][side][k].v;
    }
}

/* Counts a phase's budgets, or an assignment, in its project's totals
** (`project`: its project_id field; `parsed`: that as a UUID, NULL if it
** is none). */
static void count_totals(fingerprint_t *f, const row_t *row, const field_t *project,
                         const uuid_t *parsed)
{
    uuid_t id;
    if (parsed)
        id = *parsed;
    else
        memset(&id, 0xff, sizeof id);   /* rows of no readable project */
    size_t at = totals_of(&f->totals, &id, project->data, project->len);
    if (f->table == T_ASSIGNMENTS) {
        f->totals.assignments[at][f->side]++;
        return;
    }
    for (int k = 0; k < 3; k++) {
        const field_t *b =
            f->budget[k] >= 0 && (size_t)f->budget[k] < row->n ? &row->f[f->budget[k]] : NULL;
        cents_t c;
        if (b && !b->null && cents_parse(b->data, b->len, 18, &c))
            money_sum_add(&f->totals.budget[at][f->side][k], c);
    }
}

static const table_t *fingerprint_header(stage_t *self, const table_t *in)
{
    fingerprint_t *f = (fingerprint_t *)self;
    f->rc->header[f->table][f->side] = table_copy(in);
    binding_t cols;
    schema_bind(&cols, f->table, in);
    f->id = cols.at[schema_key(f->table)];
    if (f->id < 0)
        runtime_error("reconcile: %s has no id column", in->source);
    f->out = table_new(in->name, in->source);
    f->project = f->table == T_PHASES        ? cols.at[PHASES_PROJECT_ID]
                 : f->table == T_ASSIGNMENTS ? cols.at[ASSIGNMENTS_PROJECT_ID]
                                             : -1;
    f->budget[0] = cols.at[PHASES_CAPITAL_BUDGET];
    f->budget[1] = cols.at[PHASES_EXPENSE_BUDGET];
    f->budget[2] = cols.at[PHASES_TOTAL_BUDGET];
    /* the columns in the order of their names, so that the same values in
    ** another column order hash alike */
    f->ncols = in->ncols;
    f->by_name = xcalloc(in->ncols + 1, sizeof *f->by_name);
    f->types = xcalloc(in->ncols + 1, sizeof *f->types);
    f->name_hash = xcalloc(in->ncols + 1, sizeof *f->name_hash);
    for (size_t i = 0; i < in->ncols; i++) {
        f->by_name[i] = i;
        f->types[i] = schema_type_of(f->table, in->cols[i]);
        fp_state_t h = {0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull};
        fp_bytes(&h, in->cols[i], strlen(in->cols[i]));
        f->name_hash[i] = h.a ^ fmix64(h.b);
    }
    /* insertion sort: headers are short, and qsort would want a global */
    for (size_t i = 1; i < in->ncols; i++)
        for (size_t k = i; k > 0 && strcmp(in->cols[f->by_name[k - 1]], in->cols[f->by_name[k]]) > 0;
             k--) {
            size_t swap = f->by_name[k];
            f->by_name[k] = f->by_name[k - 1];
            f->by_name[k - 1] = swap;
        }
    return f->out;
}

/* Whether a UUID's text is the lower-case form uuid_format() writes (it
** parsed, so only its letters' case can differ). */
static bool uuid_text_canonical(const field_t *f)
{
    for (size_t i = 0; i < f->len; i++)
        if (f->data[i] >= 'A' && f->data[i] <= 'F')
            return false;
    return true;
}

static stage_result_t fingerprint_process(stage_t *self, row_t *row)
{
    fingerprint_t *f = (fingerprint_t *)self;
    if (!row) {
        totals_merge(&f->rc->side_totals[f->side], &f->totals, f->side);
        totals_free(&f->totals);
        return STAGE_PASS;
    }
    /* the id and project_id parsed once, for the fingerprint, the key and
    ** the totals */
    static const field_t absent = {"", 0, true};
    const field_t *id = (size_t)f->id < row->n ? &row->f[f->id] : &absent;
    uuid_t key, project;
    bool id_is_uuid = !id->null && uuid_parse(id->data, id->len, &key);
    bool has_project = f->project >= 0 && (size_t)f->project < row->n;
    bool project_is_uuid = false;
    if (has_project) {
        const field_t *pf = &row->f[f->project];
        project_is_uuid = !pf->null && uuid_parse(pf->data, pf->len, &project);
        count_totals(f, row, pf, project_is_uuid ? &project : NULL);
    }
    fp_state_t h = {0x243f6a8885a308d3ull, 0x13198a2e03707344ull};
    for (size_t k = 0; k < f->ncols; k++) {
        size_t i = f->by_name[k];
        if (i >= row->n)
            continue;   /* compared only where both rows have the field */
        fp_word(&h, f->name_hash[i]);
        const uuid_t *parsed = i == (size_t)f->id && id_is_uuid                        ? &key
                               : has_project && i == (size_t)f->project && project_is_uuid ? &project
                                                                                         : NULL;
        if (parsed && f->types[i] == COLUMN_UUID)
            fp_uuid(&h, parsed);   /* as fp_value() hashes a UUID it parses */
        else
            fp_value(&h, f->types[i], &row->f[i]);
    }
    entry_t head = {.seq = f->seq++, .idlen = ID_FROM_KEY};
    head.fp[0] = fmix64(h.a ^ h.b);
    head.fp[1] = fmix64(h.b + 0x9e3779b97f4a7c15ull * h.a);

    /* the key: the UUID's bytes, or the id's text if it is no UUID */
    const void *keybytes = id->data;
    const char *idtext = NULL;
    head.keylen = (uint32_t)id->len;
    if (id_is_uuid) {
        keybytes = key.b;
        head.keylen = sizeof key.b;
        head.flags = KEY_IS_UUID;
        if (!uuid_text_canonical(id)) {
            idtext = id->data;
            head.idlen = (uint32_t)id->len;
        }
    } else if (id == &absent) {
        head.idlen = ID_ABSENT;
    }
    if (id->len >= ID_ABSENT)
        runtime_error("reconcile: %s: an id too long to compare", f->out->source);
    size_t idbytes = idtext ? head.idlen : 0;
    head.size = (uint32_t)((sizeof head + head.keylen + idbytes + 7) / 8 * 8);
    buf_t *e = &f->entry;
    buf_clear(e);
    buf_reserve(e, head.size);
    buf_add(e, &head, sizeof head);
    buf_add(e, keybytes, head.keylen);
    if (idtext)
        buf_add(e, idtext, idbytes);
    memset(e->data + e->len, 0, head.size - e->len);
    e->len = head.size;
    /* the row goes on as its entry alone */
    int64_t line = row->line;
    row_reset(row);
    row->line = line;
    row_set_raw(row, e->data, e->len);
    row_seal(row);
    return STAGE_PASS;
}

static void fingerprint_free(stage_t *self)
{
    fingerprint_t *f = (fingerprint_t *)self;
    free(f->by_name);
    free(f->types);
    free(f->name_hash);
    totals_free(&f->totals);
    table_free(f->out);
    buf_free(&f->entry);
    free(f);
}

stage_t *reconcile_fingerprint_new(reconcile_t *rc, table_id_t table, bool actual)
{
    fingerprint_t *f = xcalloc(1, sizeof *f);
    f->rc = rc;
    f->table = table;
    f->side = actual ? ACTUAL : EXPECTED;
    uuidmap_init(&f->totals.index);
    f->base.name = "reconcile-fingerprint";
    f->base.header = fingerprint_header;
    f->base.process = fingerprint_process;
    f->base.free = fingerprint_free;
    return &f->base;
}

static stage_result_t load_process(stage_t *self, row_t *row)
{
    load_t *l = (load_t *)self;
    reconcile_t *rc = l->rc;
    if (!row) {
        /* counted by its store, per row: rc->rows lies beside the other
        ** side's counts, which the other thread may be changing */
        rc->rows[l->table][l->side] = rc->store[l->table][l->side].seq;
        return STAGE_PASS;
    }
    entry_t head = {0};
    if (row->raw_len >= sizeof head)
        memcpy(&head, row->raw, sizeof head);
    if (row->n != 0 || row->raw_len < sizeof head || row->raw_len != head.size)
        runtime_error("internal error: reconcile-load without reconcile-fingerprint before it");
    store_add(rc, &rc->store[l->table][l->side], l->side, row->raw, row->raw_len);
    return STAGE_PASS;
}

static void load_free(stage_t *self)
{
    free(self);
}

stage_t *reconcile_load_new(reconcile_t *rc, table_id_t table, bool actual)
{
    load_t *l = xcalloc(1, sizeof *l);
    l->base.name = "reconcile-load";
    l->base.process = load_process;
    l->base.free = load_free;
    l->rc = rc;
    l->table = table;
    l->side = actual ? ACTUAL : EXPECTED;
    return &l->base;
}

bool reconcile_sides_at_once(const reconcile_t *rc)
{
    (void)rc;   /* each side has its stores, counts and totals */
    return true;
}

/* ---- comparing: the join ---- */

/* A row to report while its partition is joined: rank is its occurrence
** among the rows of its key (a row of a key the other side lacks: its
** input order, which sorts the same). */
typedef struct {
    const entry_t *e, *a;
    uint64_t rank;
} item_t;

static int item_cmp(const void *x, const void *y)
{
    const item_t *p = x, *q = y;
    int c = key_cmp(p->e ? p->e : p->a, q->e ? q->e : q->a);
    if (c)
        return c;
    return (p->rank > q->rank) - (p->rank < q->rank);
}

/* An expected key's rows: the first, the last, the first not yet paired
** (chained by next[]), and the actual rows of the key seen so far. */
typedef struct {
    uint32_t first, last, cursor;
    uint32_t actual_seen;
} group_t;

/* The join's working memory, reused from partition to partition. */
typedef struct {
    buf_t ebytes, abytes;
    const entry_t **erecs, **arecs;
    size_t ecap, acap;
    uint32_t *slots;            /* group + 1; 0: free */
    size_t slot_cap;
    group_t *groups;
    uint32_t *next;
    size_t group_cap;
    item_t *items;
    size_t nitems, item_cap;
} join_t;

static void add_item(join_t *j, const entry_t *e, const entry_t *a, uint64_t rank)
{
    if (j->nitems == j->item_cap) {
        j->item_cap = j->item_cap ? j->item_cap * 2 : 64;
        j->items = xrealloc(j->items, j->item_cap * sizeof *j->items);
    }
    j->items[j->nitems++] = (item_t){e, a, rank};
}

/* The group (+1) of entry r's key in the index; if there is none: NONE,
** or with index_if_added != NONE a new group for it, and 0. */
static uint32_t group_of(join_t *j, const entry_t *const *erecs, const entry_t *r,
                         size_t *ngroups, uint32_t index_if_added)
{
    size_t mask = j->slot_cap - 1;
    for (size_t s = key_hash(r) & mask;; s = (s + 1) & mask) {
        uint32_t g = j->slots[s];
        if (g == 0) {
            if (index_if_added == NONE)
                return NONE;
            j->groups[*ngroups] = (group_t){index_if_added, index_if_added, index_if_added, 0};
            j->slots[s] = (uint32_t)++*ngroups;
            return 0;
        }
        if (key_eq(erecs[j->groups[g - 1].first], r))
            return g;
    }
}

/* Joins one partition's entries of both sides (each in input order):
** counts the pairs that settle and lists in j->items the rest, sorted as
** the output wants them. */
static void join_partition(reconcile_t *rc, const columns_t *c, join_t *j, size_t ne, size_t na)
{
    const entry_t **E = j->erecs, **A = j->arecs;
    j->nitems = 0;
    if (ne >= NONE)
        runtime_error("reconcile: too many rows in one partition");
    size_t want = 16;
    while (want < 2 * ne)
        want *= 2;
    if (want > j->slot_cap) {
        free(j->slots);
        j->slot_cap = want;
        j->slots = xmalloc(want * sizeof *j->slots);
    }
    memset(j->slots, 0, j->slot_cap * sizeof *j->slots);
    if (ne > j->group_cap) {
        j->group_cap = ne;
        j->groups = xrealloc(j->groups, ne * sizeof *j->groups);
        j->next = xrealloc(j->next, ne * sizeof *j->next);
    }
    size_t ngroups = 0;
    for (uint32_t i = 0; i < ne; i++) {
        j->next[i] = NONE;
        uint32_t g = group_of(j, E, E[i], &ngroups, i);
        if (g != 0) {   /* a repeated id: chained after the key's last row */
            j->next[j->groups[g - 1].last] = i;
            j->groups[g - 1].last = i;
        }
    }
    for (size_t i = 0; i < na; i++) {
        const entry_t *a = A[i];
        uint32_t g = group_of(j, E, a, &ngroups, NONE);
        if (g == NONE) {
            add_item(j, NULL, a, a->seq);
            continue;
        }
        group_t *grp = &j->groups[g - 1];
        uint64_t rank = grp->actual_seen++;
        if (grp->cursor == NONE) {
            add_item(j, NULL, a, rank);
            continue;
        }
        const entry_t *e = E[grp->cursor];
        grp->cursor = j->next[grp->cursor];
        if (c->same_columns && e->fp[0] == a->fp[0] && e->fp[1] == a->fp[1])
            rc->same[c->table]++;
        else
            add_item(j, e, a, rank);
    }
    for (size_t g = 0; g < ngroups; g++) {
        uint64_t rank = j->groups[g].actual_seen;
        for (uint32_t i = j->groups[g].cursor; i != NONE; i = j->next[i])
            add_item(j, E[i], NULL, rank++);
    }
    if (j->nitems > 1)
        qsort(j->items, j->nitems, sizeof *j->items, item_cmp);
}

static void want_row(wanted_t *w, uint64_t seq)
{
    w->want[seq / 64] |= (uint64_t)1 << (seq % 64);
}

/* Moves j->items to the table's item log; marks the rows of each pair
** for pass 2. */
static void log_items(reconcile_t *rc, table_id_t table, const join_t *j, buf_t *rec)
{
    uint64_t limit = rc->budget / 2;
    for (size_t i = 0; i < j->nitems; i++) {
        const item_t *it = &j->items[i];
        item_rec_t head = {{it->e ? it->e->seq : NO_ROW, it->a ? it->a->seq : NO_ROW}, 0, 0};
        buf_clear(rec);
        char canon[37];
        const char *idtext = NULL;
        const entry_t *one;
        if (it->e && it->a) {
            want_row(&rc->wanted[table][EXPECTED], it->e->seq);
            want_row(&rc->wanted[table][ACTUAL], it->a->seq);
        } else if ((one = it->e ? it->e : it->a) != NULL) {
            /* a row of one side only: its id's text, as it came */
            const unsigned char *key = entry_key(one);
            if (one->idlen == ID_ABSENT) {
                head.idlen = ID_ABSENT;
            } else if (one->idlen != ID_FROM_KEY) {
                idtext = (const char *)key + one->keylen;
                head.idlen = one->idlen;
            } else if (one->flags & KEY_IS_UUID) {
                uuid_t u;
                memcpy(u.b, key, 16);
                uuid_format(&u, canon);
                idtext = canon;
                head.idlen = 36;
            } else {
                idtext = (const char *)key;
                head.idlen = one->keylen;
            }
        }
        size_t idbytes = idtext ? head.idlen : 0;
        head.size = (uint32_t)((sizeof head + idbytes + 7) / 8 * 8);
        buf_reserve(rec, head.size);
        buf_add(rec, &head, sizeof head);
        if (idtext)
            buf_add(rec, idtext, idbytes);
        memset(rec->data + rec->len, 0, head.size - rec->len);
        rec->len = head.size;
        log_add(&rc->items[table], rec->data, rec->len, limit);
    }
}

void reconcile_compare(reconcile_t *rc, table_id_t table)
{
    if (!rc->totals_joined) {
        /* in the order first seen: expected's tables, then actual's */
        for (int side = 0; side < SIDES; side++) {
            totals_merge(&rc->totals, &rc->side_totals[side], side);
            totals_free(&rc->side_totals[side]);
        }
        rc->totals_joined = true;
    }
    const table_t *eh = rc->header[table][EXPECTED], *ah = rc->header[table][ACTUAL];
    if (!eh || !ah)
        return;
    rc->compared[table] = true;
    /* the common columns: position on each side, and type */
    columns_t *c = &rc->cols[table];
    c->table = table;
    c->eh = eh;
    c->epos = xcalloc(eh->ncols + 1, sizeof *c->epos);
    c->apos = xcalloc(eh->ncols + 1, sizeof *c->apos);
    c->types = xcalloc(eh->ncols + 1, sizeof *c->types);
    for (size_t i = 0; i < eh->ncols; i++) {
        int k = table_col(ah, eh->cols[i]);
        if (k < 0)
            continue;
        c->epos[c->ncommon] = (int)i;
        c->apos[c->ncommon] = k;
        c->types[c->ncommon] = schema_type_of(table, eh->cols[i]);
        c->ncommon++;
    }
    c->same_columns = eh->ncols == ah->ncols && c->ncommon == eh->ncols;
    c->eid = table_col(eh, schema_column_name(schema_key(table)));

    for (int s = 0; s < SIDES; s++) {
        wanted_t *w = &rc->wanted[table][s];
        w->words = (size_t)(rc->rows[table][s] / 64 + 1);
        w->want = xcalloc(w->words, sizeof *w->want);
    }
    store_t *es = &rc->store[table][EXPECTED], *as = &rc->store[table][ACTUAL];
    size_t efirst[PARTITIONS + 1], afirst[PARTITIONS + 1];
    store_index(es, efirst);
    store_index(as, afirst);
    join_t j = {0};
    buf_t rec;
    buf_init(&rec);
    for (unsigned p = 0; p < PARTITIONS; p++) {
        check_interrupted();
        size_t ne, na;
        store_read(es, efirst, p, &j.ebytes, &j.erecs, &ne, &j.ecap);
        store_read(as, afirst, p, &j.abytes, &j.arecs, &na, &j.acap);
        if (ne + na == 0)
            continue;
        join_partition(rc, c, &j, ne, na);
        log_items(rc, table, &j, &rec);
    }
    buf_free(&rec);
    buf_free(&j.ebytes);
    buf_free(&j.abytes);
    free(j.erecs);
    free(j.arecs);
    free(j.slots);
    free(j.groups);
    free(j.next);
    free(j.items);
    store_release(es);
    store_release(as);
    /* pass 2's ranks: the rows wanted before each word */
    for (int s = 0; s < SIDES; s++) {
        wanted_t *w = &rc->wanted[table][s];
        w->rank = xmalloc(w->words * sizeof *w->rank);
        uint64_t n = 0;
        for (size_t i = 0; i < w->words; i++) {
            w->rank[i] = n;
            n += (uint64_t)__builtin_popcountll(w->want[i]);
        }
        w->nwanted = n;
        w->at = n ? xmalloc(n * sizeof *w->at) : NULL;
    }
}

/* ---- pass 2: the rows of the pairs that differ ---- */

bool reconcile_wants_rows(const reconcile_t *rc, table_id_t table, bool actual)
{
    return rc->wanted[table][actual ? ACTUAL : EXPECTED].nwanted > 0;
}

static stage_result_t collect_process(stage_t *self, row_t *row)
{
    collect_t *k = (collect_t *)self;
    reconcile_t *rc = k->rc;
    wanted_t *w = &rc->wanted[k->table][k->side];
    if (!row) {
        if (k->seq != rc->rows[k->table][k->side])
            runtime_error("reconcile: %s changed while it was read: %" PRIu64 " rows, then %" PRIu64,
                          rc->header[k->table][k->side]->source, rc->rows[k->table][k->side],
                          k->seq);
        return STAGE_PASS;
    }
    uint64_t seq = k->seq++;
    if (seq / 64 >= w->words || !(w->want[seq / 64] >> (seq % 64) & 1))
        return STAGE_PASS;
    uint64_t bytes_len = row->n;
    for (size_t i = 0; i < row->n; i++)
        bytes_len += row->f[i].len;
    record_t head = {0, bytes_len, (uint32_t)row->n, 0};
    head.size = (sizeof head + row->n * sizeof(uint32_t) + bytes_len + 7) / 8 * 8;
    buf_t *b = &k->record;
    buf_clear(b);
    buf_reserve(b, head.size);
    buf_add(b, &head, sizeof head);
    for (size_t i = 0; i < row->n; i++) {
        uint32_t len = row->f[i].null ? UINT32_MAX : (uint32_t)row->f[i].len;
        buf_add(b, &len, sizeof len);
    }
    for (size_t i = 0; i < row->n; i++) {
        buf_add(b, row->f[i].data, row->f[i].len);
        buf_addc(b, '\0');
    }
    memset(b->data + b->len, 0, head.size - b->len);
    b->len = head.size;
    uint64_t rank = w->rank[seq / 64] +
                    (uint64_t)__builtin_popcountll(w->want[seq / 64] & (((uint64_t)1 << (seq % 64)) - 1));
    w->at[rank] = log_add(&w->rows, b->data, b->len, rc->budget / 2);
    return STAGE_PASS;
}

static void collect_free(stage_t *self)
{
    buf_free(&((collect_t *)self)->record);
    free(self);
}

stage_t *reconcile_collect_new(reconcile_t *rc, table_id_t table, bool actual)
{
    collect_t *k = xcalloc(1, sizeof *k);
    k->base.name = "reconcile-collect";
    k->base.process = collect_process;
    k->base.free = collect_free;
    k->rc = rc;
    k->table = table;
    k->side = actual ? ACTUAL : EXPECTED;
    return &k->base;
}

/* ---- writing the differences ---- */

static void emit(reconcile_t *rc, table_id_t table, const char *id, size_t idlen, const char *change,
                 const char *field, const field_t *expected, const field_t *actual)
{
    static const field_t none = {"", 0, true};
    field_t f[6] = {
        {schema_table_name(table), strlen(schema_table_name(table)), false},
        {id ? id : "", id ? idlen : 0, id == NULL},
        {change, strlen(change), false},
        {field ? field : "", field ? strlen(field) : 0, field == NULL},
        expected ? *expected : none,
        actual ? *actual : none,
    };
    buf_clear(&rc->line);
    csv_format_record(&rc->line, f, 6, 0);
    rc->out->write(rc->out, rc->line.data, rc->line.len);
}

/* Unpacks row `seq` of one side, kept in pass 2, into *f (grown to fit);
** returns its number of fields. */
static uint32_t kept_row(reconcile_t *rc, table_id_t table, int side, uint64_t seq, field_t **f,
                         size_t *cap)
{
    wanted_t *w = &rc->wanted[table][side];
    uint64_t rank = w->rank[seq / 64] +
                    (uint64_t)__builtin_popcountll(w->want[seq / 64] & (((uint64_t)1 << (seq % 64)) - 1));
    uint64_t at = w->at[rank];
    record_t head;
    memcpy(&head, log_get(&w->rows, at, sizeof head, &rc->scratch[side]), sizeof head);
    const char *r = log_get(&w->rows, at, head.size, &rc->scratch[side]);
    if (head.n > *cap) {
        *cap = head.n;
        *f = xrealloc(*f, *cap * sizeof **f);
    }
    const uint32_t *lens = (const uint32_t *)(const void *)(r + sizeof head);
    const char *p = (const char *)(lens + head.n);
    for (uint32_t i = 0; i < head.n; i++) {
        (*f)[i].null = lens[i] == UINT32_MAX;
        (*f)[i].len = (*f)[i].null ? 0 : lens[i];
        (*f)[i].data = p;
        p += (*f)[i].len + 1;
    }
    return head.n;
}

/* Compares a pair's common fields by type, writing a changed row for each
** that differs; returns whether any does. */
static bool report_pair(reconcile_t *rc, columns_t *c, uint64_t eseq, uint64_t aseq)
{
    uint32_t en = kept_row(rc, c->table, EXPECTED, eseq, &c->ef, &c->ef_cap);
    uint32_t an = kept_row(rc, c->table, ACTUAL, aseq, &c->af, &c->af_cap);
    const field_t *id = c->eid >= 0 && (uint32_t)c->eid < en ? &c->ef[c->eid] : NULL;
    bool differs = false;
    for (size_t k = 0; k < c->ncommon; k++) {
        if ((uint32_t)c->epos[k] >= en || (uint32_t)c->apos[k] >= an)
            continue;
        const field_t *x = &c->ef[c->epos[k]], *y = &c->af[c->apos[k]];
        bool same = x->null == y->null &&
                    (x->null || equal_values(c->types[k], x->data, x->len, y->data, y->len));
        if (same)
            continue;
        differs = true;
        emit(rc, c->table, id ? id->data : NULL, id ? id->len : 0, "changed",
             c->eh->cols[c->epos[k]], x, y);
        rc->changed_fields[c->table]++;
    }
    return differs;
}

void reconcile_report(reconcile_t *rc, table_id_t table)
{
    const table_t *eh = rc->header[table][EXPECTED], *ah = rc->header[table][ACTUAL];
    if (!rc->compared[table])
        return;
    /* columns on one side only */
    for (size_t i = 0; i < eh->ncols; i++)
        if (table_col(ah, eh->cols[i]) < 0) {
            emit(rc, table, NULL, 0, "column_missing", eh->cols[i], NULL, NULL);
            rc->columns_missing[table]++;
        }
    for (size_t i = 0; i < ah->ncols; i++)
        if (table_col(eh, ah->cols[i]) < 0) {
            emit(rc, table, NULL, 0, "column_extra", ah->cols[i], NULL, NULL);
            rc->columns_extra[table]++;
        }
    log_t *items = &rc->items[table];
    uint64_t end = items->file_len + items->mem.len;
    buf_t scratch;
    buf_init(&scratch);
    unsigned tick = 0;
    for (uint64_t at = 0; at < end;) {
        if ((++tick & 0xfff) == 0)
            check_interrupted();
        item_rec_t head;
        memcpy(&head, log_get(items, at, sizeof head, &scratch), sizeof head);
        const char *rec = log_get(items, at, head.size, &scratch);
        at += head.size;
        const char *idtext = head.idlen == ID_ABSENT ? NULL : rec + sizeof head;
        size_t idlen = idtext ? head.idlen : 0;
        if (head.seq[EXPECTED] != NO_ROW && head.seq[ACTUAL] != NO_ROW) {
            if (report_pair(rc, &rc->cols[table], head.seq[EXPECTED], head.seq[ACTUAL]))
                rc->changed_rows[table]++;
            else
                rc->same[table]++;
        } else if (head.seq[EXPECTED] != NO_ROW) {
            emit(rc, table, idtext, idlen, "missing", NULL, NULL, NULL);
            rc->missing[table]++;
        } else {
            emit(rc, table, idtext, idlen, "extra", NULL, NULL, NULL);
            rc->extra[table]++;
        }
    }
    buf_free(&scratch);
    log_release(items);
    for (int s = 0; s < SIDES; s++)
        wanted_release(&rc->wanted[table][s]);
}

void reconcile_close(reconcile_t *rc)
{
    rc->out->close(rc->out);
}

/* ---- the summary ---- */

bool reconcile_identical(const reconcile_t *rc)
{
    for (table_id_t t = 0; t < T_COUNT; t++)
        if (rc->missing[t] || rc->extra[t] || rc->changed_rows[t] || rc->columns_missing[t] ||
            rc->columns_extra[t])
            return false;
    return true;
}

static bool totals_differ(const totals_t *tt, size_t i)
{
    if (tt->assignments[i][EXPECTED] != tt->assignments[i][ACTUAL])
        return true;
    for (int k = 0; k < 3; k++)
        if (!money_sum_eq(tt->budget[i][EXPECTED][k], tt->budget[i][ACTUAL][k]))
            return true;
    return false;
}

void reconcile_summary_json(const reconcile_t *rc, buf_t *b)
{
    buf_printf(b, "{\n  \"identical\": %s,\n  \"tables\": {", reconcile_identical(rc) ? "true" : "false");
    for (table_id_t t = 0; t < T_COUNT; t++)
        buf_printf(b,
                   "%s\n    \"%s\": {\"expected\": %" PRIu64 ", \"actual\": %" PRIu64
                   ", \"matching\": %" PRIu64 ", \"missing\": %" PRIu64 ", \"extra\": %" PRIu64
                   ", \"changed\": %" PRIu64 ", \"changed_fields\": %" PRIu64
                   ", \"column_missing\": %" PRIu64 ", \"column_extra\": %" PRIu64 "}",
                   t ? "," : "", schema_table_name(t), rc->rows[t][EXPECTED], rc->rows[t][ACTUAL], rc->same[t],
                   rc->missing[t], rc->extra[t], rc->changed_rows[t], rc->changed_fields[t],
                   rc->columns_missing[t], rc->columns_extra[t]);
    buf_adds(b, "\n  },\n  \"projects_differing\": [");
    const totals_t *tt = &rc->totals;
    bool first = true;
    for (size_t i = 0; i < tt->n; i++) {
        if (!totals_differ(tt, i))
            continue;
        buf_adds(b, first ? "\n    {\"project_id\": " : ",\n    {\"project_id\": ");
        first = false;
        json_string(b, tt->texts[i]);
        for (int s = 0; s < SIDES; s++) {
            char sums[3][48];
            for (int k = 0; k < 3; k++)
                money_sum_format(tt->budget[i][s][k], sums[k]);
            buf_printf(b,
                       ", \"%s\": {\"capital\": \"%s\", \"expense\": \"%s\", \"total\": \"%s\", "
                       "\"assignments\": %" PRIu64 "}",
                       SIDE_NAMES[s], sums[0], sums[1], sums[2], tt->assignments[i][s]);
        }
        buf_adds(b, "}");
    }
    buf_adds(b, first ? "]\n}\n" : "\n  ]\n}\n");
}

void reconcile_summary_text(const reconcile_t *rc, FILE *out)
{
    fprintf(out, "%-21s %10s %10s %10s %8s %8s %8s %8s\n", "table", "expected", "actual",
            "matching", "missing", "extra", "changed", "columns");
    for (table_id_t t = 0; t < T_COUNT; t++)
        fprintf(out, "%-21s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %8" PRIu64 " %8" PRIu64
                     " %8" PRIu64 " %8" PRIu64 "\n",
                schema_table_name(t), rc->rows[t][EXPECTED], rc->rows[t][ACTUAL], rc->same[t],
                rc->missing[t], rc->extra[t], rc->changed_rows[t],
                rc->columns_missing[t] + rc->columns_extra[t]);
    const totals_t *tt = &rc->totals;
    size_t shown = 0, differing = 0;
    for (size_t i = 0; i < tt->n; i++) {
        if (!totals_differ(tt, i))
            continue;
        if (differing++ == 0)
            fprintf(out, "\nProjects whose budgets or assignment counts differ (expected -> actual):\n");
        if (shown++ >= 20)
            continue;
        char e[48], a[48];
        money_sum_format(tt->budget[i][EXPECTED][2], e);
        money_sum_format(tt->budget[i][ACTUAL][2], a);
        fprintf(out, "  %s: total budget %s -> %s, assignments %" PRIu64 " -> %" PRIu64 "\n",
                tt->texts[i], e, a, tt->assignments[i][EXPECTED], tt->assignments[i][ACTUAL]);
    }
    if (differing > 20)
        fprintf(out, "  ... and %zu more (--json lists them all)\n", differing - 20);
    fprintf(out, "%s\n", reconcile_identical(rc) ? "\nidentical" : "\ndifferent");
}
