/*
** reconcile: what differs between two datasets of the same schema.
**
** Rows are keyed by id (case-insensitively), columns matched by name,
** values compared by type: money and percentages as decimals (50000 equals
** 50000.00), dates as dates, timestamps as timestamps (a fraction's
** trailing zeros do not count: .500000 equals .5), ids and *_id columns
** case-insensitively; anything else as exact text. NULL differs from "".
**
** Any size, any order, bounded memory (docs/design.md, "reconcile"). A
** row's key is its id's 16 bytes when the id is a UUID, else the id's
** text; keys order as byte strings (a shorter one first when one is the
** other's start). Each side's rows of a table become records in one of
** 1024 partitions chosen by the key's first 10 bits, so every key of
** partition p sorts before every key of p + 1. A side keeps its records
** in memory while they fit its budget; past it, each partition's records
** go to the side's spill file in chunks as they come. Then the partitions
** are compared one at a time, in order: both sides' records of one
** partition (about a thousandth of the table, since ids are random
** UUIDs) are joined by key through a hash index, a row that equals its
** partner settles there (byte-equal rows at once, others field by field,
** by type), and only the rows to report are sorted, by key and then by
** occurrence, and written. That gives exactly the rows, in exactly the
** order, of a merge join of both sides sorted by (key, input order):
** repeated ids pair in input order, the first with the first, and the
** ones left over are missing or extra.
*/
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "stages.h"

#define PARTITION_BITS 10
#define PARTITIONS (1u << PARTITION_BITS)
/* Bytes of records a side holds in memory before its tables spill. */
#define DEFAULT_BUDGET ((uint64_t)48 << 20)
/* A spilling partition writes its records out in chunks of this size (or
** of budget / PARTITIONS, if smaller, so that a tiny test budget spills
** every record). */
#define MAX_CHUNK ((size_t)16 << 10)
#define NONE UINT32_MAX

enum { EXPECTED, ACTUAL, SIDES };
static const char *const SIDE_NAMES[SIDES] = {"expected", "actual"};

typedef enum { AS_TEXT, AS_ID, AS_DECIMAL, AS_DATE, AS_TIMESTAMP } value_type_t;

/* One row of one side, as a partition holds it: this head, n uint32
** lengths (UINT32_MAX: NULL), the key, the fields' bytes each followed by
** a NUL, zeros up to a multiple of 8 (so records laid end to end stay
** aligned). */
typedef struct {
    uint64_t seq;           /* the row's place in its side's table, from 0 */
    uint64_t size;          /* the whole record, padding included */
    uint64_t bytes_len;     /* the fields' bytes with their NULs */
    uint32_t keylen;
    uint32_t n;
} record_t;

/* A run of one partition's records in the spill file. */
typedef struct {
    uint64_t off;
    size_t len;
    uint32_t partition;
} chunk_t;

/* One side's records of one table. */
typedef struct {
    buf_t part[PARTITIONS];     /* records not (yet) in the spill file */
    bool spilling;
    FILE *spill;                /* once spilling: unlinked, in TMPDIR */
    uint64_t spill_len;
    chunk_t *chunks;
    size_t nchunks, chunk_cap;
    uint64_t seq;               /* records added */
} store_t;

/* Per project: budgets and assignment counts on each side. */
typedef struct {
    uuidmap_t index;
    uuid_t *ids;
    char **texts;
    money_sum_t (*budget)[SIDES][3];
    uint64_t (*assignments)[SIDES];
    size_t n, cap;
} totals_t;

struct reconcile {
    store_t store[3][SIDES];
    uint64_t held[SIDES];       /* bytes of records in memory, per side */
    uint64_t budget;
    size_t chunk;
    table_t *header[3][SIDES];
    uint64_t rows[3][SIDES];
    uint64_t same[3], missing[3], extra[3], changed_rows[3], changed_fields[3];
    uint64_t columns_missing[3], columns_extra[3];
    totals_t totals;
    bytesink_t *out;
    buf_t line;
};

typedef struct {
    stage_t base;
    reconcile_t *rc;
    int table, side;
    int id, project, budget[3];
} load_t;

static const char *const TABLES[3] = {"projects", "project_phases", "resource_assignments"};

/* The memory budget per side: PHASEMIG_RECONCILE_BUDGET bytes if set (a
** test-only setting: a tiny one forces every table through the spill
** file), else DEFAULT_BUDGET. */
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
    rc->out = out;
    buf_init(&rc->line);
    static const char header[] = "table,id,change,field,expected,actual\n";
    out->write(out, header, sizeof header - 1);
    return rc;
}

/* Lets go of a store's records, in memory and on disk; it may be used
** again from empty. */
static void store_release(store_t *s)
{
    for (unsigned p = 0; p < PARTITIONS; p++)
        buf_free(&s->part[p]);
    if (s->spill)
        fclose(s->spill);
    free(s->chunks);
    memset(s, 0, sizeof *s);
}

void reconcile_free(reconcile_t *rc)
{
    if (!rc)
        return;
    for (int t = 0; t < 3; t++)
        for (int s = 0; s < SIDES; s++) {
            store_release(&rc->store[t][s]);
            table_free(rc->header[t][s]);
        }
    totals_t *tt = &rc->totals;
    for (size_t i = 0; i < tt->n; i++)
        free(tt->texts[i]);
    free(tt->texts);
    free(tt->ids);
    free(tt->budget);
    free(tt->assignments);
    uuidmap_free(&tt->index);
    bytesink_free(rc->out);
    buf_free(&rc->line);
    free(rc);
}

/* ---- typed values ---- */

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static value_type_t type_of(const char *col)
{
    if (strcmp(col, "id") == 0 || ends_with(col, "_id"))
        return AS_ID;
    if (ends_with(col, "_budget") || ends_with(col, "_percentage"))
        return AS_DECIMAL;
    if (ends_with(col, "_date"))
        return AS_DATE;
    if (ends_with(col, "_at"))
        return AS_TIMESTAMP;
    return AS_TEXT;
}

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

static bool equal_values(value_type_t type, const char *a, size_t alen, const char *b,
                         size_t blen)
{
    if (alen == blen && memcmp(a, b, alen) == 0)
        return true;
    switch (type) {
    case AS_ID: {
        uuid_t x, y;
        if (uuid_parse(a, alen, &x) && uuid_parse(b, blen, &y))
            return uuid_eq(&x, &y);
        return false;
    }
    case AS_DECIMAL: {
        cents_t x, y;
        return cents_parse(a, alen, 18, &x) && cents_parse(b, blen, 18, &y) && x == y;
    }
    case AS_DATE: {
        day_t x, y;
        return date_parse(a, alen, &x) && date_parse(b, blen, &y) && x == y;
    }
    case AS_TIMESTAMP: {
        char x[64], y[64];
        size_t xl = timestamp_canonical(a, alen, x, sizeof x);
        size_t yl = timestamp_canonical(b, blen, y, sizeof y);
        return xl == yl && memcmp(x, y, xl) == 0;
    }
    case AS_TEXT:
        break;
    }
    return false;
}

/* ---- records and their partitions ---- */

static const uint32_t *record_lens(const record_t *r)
{
    return (const uint32_t *)(const void *)(r + 1);
}

static const unsigned char *record_key(const record_t *r)
{
    return (const unsigned char *)(record_lens(r) + r->n);
}

static const char *record_bytes(const record_t *r)
{
    return (const char *)record_key(r) + r->keylen;
}

/* Fills f[0..r->n) with the record's fields (pointing into it). */
static void record_fields(const record_t *r, field_t *f)
{
    const uint32_t *lens = record_lens(r);
    const char *p = record_bytes(r);
    for (uint32_t i = 0; i < r->n; i++) {
        f[i].null = lens[i] == UINT32_MAX;
        f[i].len = f[i].null ? 0 : lens[i];
        f[i].data = p;
        p += f[i].len + 1;
    }
}

/* Byte-string order of two keys: a shorter one first when it is the
** other's start (the order of SQLite's BLOB comparison, which the
** reference implementation used). */
static int key_cmp(const record_t *a, const record_t *b)
{
    size_t al = a->keylen, bl = b->keylen;
    int c = memcmp(record_key(a), record_key(b), al < bl ? al : bl);
    return c ? c : (al > bl) - (al < bl);
}

static bool key_eq(const record_t *a, const record_t *b)
{
    return a->keylen == b->keylen && memcmp(record_key(a), record_key(b), a->keylen) == 0;
}

/* A key's hash for the join's index: a UUID's is seeded (values.h), so no
** file chosen in advance makes its ids share a slot; other ids (not
** UUIDs, rare in a reconcile) get a plain multiplicative mix. */
static uint64_t key_hash(const record_t *r)
{
    const unsigned char *k = record_key(r);
    if (r->keylen == 16) {
        uuid_t u;
        memcpy(u.b, k, 16);
        return uuid_hash(&u);
    }
    uint64_t h = 0x9e3779b97f4a7c15ull ^ r->keylen;
    for (uint32_t i = 0; i < r->keylen; i++)
        h = (h ^ k[i]) * 0x100000001b3ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 33);
}

/* The partition of a key: its first PARTITION_BITS bits (missing bytes
** count as zero), so partitions follow key order. */
static unsigned partition_of(const unsigned char *key, size_t len)
{
    unsigned b0 = len > 0 ? key[0] : 0, b1 = len > 1 ? key[1] : 0;
    return ((b0 << 8) | b1) >> (16 - PARTITION_BITS);
}

/* Writes `len` bytes at `off` of the spill file, or ends the run. */
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

/* Reads `len` bytes at `off` of the spill file into `p`, or ends the run. */
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

/* Moves partition p's records in memory to the end of the spill file. */
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
    rc->held[side] -= b->len;
    /* a huge record's buffer is not kept for the small ones after it */
    if (b->cap > 4 * rc->chunk + 4096)
        buf_free(b);
    else
        buf_clear(b);
}

/* Appends `row` (keyed by key[0..keylen)) to its partition of store s. */
static void store_add(reconcile_t *rc, store_t *s, int side, const row_t *row,
                      const unsigned char *key, size_t keylen)
{
    uint64_t bytes_len = row->n;
    for (size_t i = 0; i < row->n; i++)
        bytes_len += row->f[i].len;
    uint64_t size = sizeof(record_t) + row->n * sizeof(uint32_t) + keylen + bytes_len;
    size = (size + 7) / 8 * 8;
    if (keylen > UINT32_MAX || row->n > UINT32_MAX)
        runtime_error("reconcile: a row too large to compare");
    unsigned p = partition_of(key, keylen);
    buf_t *b = &s->part[p];
    buf_reserve(b, size);
    char *at = b->data + b->len;
    record_t head = {s->seq++, size, bytes_len, (uint32_t)keylen, (uint32_t)row->n};
    memcpy(at, &head, sizeof head);
    char *q = at + sizeof head;
    for (size_t i = 0; i < row->n; i++) {
        uint32_t len = row->f[i].null ? UINT32_MAX : (uint32_t)row->f[i].len;
        memcpy(q, &len, sizeof len);
        q += sizeof len;
    }
    memcpy(q, key, keylen);
    q += keylen;
    for (size_t i = 0; i < row->n; i++) {
        memcpy(q, row->f[i].data, row->f[i].len);
        q += row->f[i].len;
        *q++ = '\0';
    }
    memset(q, 0, (size_t)(at + size - q));
    b->len += size;
    rc->held[side] += size;
    if (!s->spilling && rc->held[side] > rc->budget) {
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

/* Makes `out` partition p's records in input order (the spilled chunks,
** then what is still in memory) and lists them in *recs (*n of them). */
static void store_read(store_t *s, const size_t first[PARTITIONS + 1], unsigned p, buf_t *out,
                       const record_t ***recs, size_t *n, size_t *cap)
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
        const record_t *r = (const record_t *)(const void *)(out->data + at);
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 256;
            *recs = xrealloc(*recs, *cap * sizeof **recs);
        }
        (*recs)[(*n)++] = r;
        at += r->size;
    }
}

/* ---- loading a side ---- */

static size_t totals_of(totals_t *t, const field_t *project)
{
    uuid_t id;
    if (project->null || !uuid_parse(project->data, project->len, &id))
        memset(&id, 0xff, sizeof id);   /* rows of no readable project */
    size_t at;
    if (uuidmap_get(&t->index, &id, &at))
        return at;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->ids = xrealloc(t->ids, t->cap * sizeof *t->ids);
        t->texts = xrealloc(t->texts, t->cap * sizeof *t->texts);
        t->budget = xrealloc(t->budget, t->cap * sizeof *t->budget);
        t->assignments = xrealloc(t->assignments, t->cap * sizeof *t->assignments);
    }
    at = t->n++;
    uuidmap_put(&t->index, &id, at, NULL);
    t->ids[at] = id;
    t->texts[at] = xstrndup(project->data, project->len);
    memset(t->budget[at], 0, sizeof t->budget[at]);
    memset(t->assignments[at], 0, sizeof t->assignments[at]);
    return at;
}

static const table_t *load_header(stage_t *self, const table_t *in)
{
    load_t *l = (load_t *)self;
    reconcile_t *rc = l->rc;
    rc->header[l->table][l->side] = table_copy(in);
    l->id = table_col(in, "id");
    l->project = table_col(in, "project_id");
    l->budget[0] = table_col(in, "capital_budget");
    l->budget[1] = table_col(in, "expense_budget");
    l->budget[2] = table_col(in, "total_budget");
    if (l->id < 0)
        runtime_error("reconcile: %s has no id column", in->source);
    return in;
}

static stage_result_t load_process(stage_t *self, row_t *row)
{
    load_t *l = (load_t *)self;
    reconcile_t *rc = l->rc;
    if (!row)
        return STAGE_PASS;
    rc->rows[l->table][l->side]++;
    /* the key: the UUID's bytes, or the id's text if it is no UUID */
    static const field_t absent = {"", 0, true};
    const field_t *id = (size_t)l->id < row->n ? &row->f[l->id] : &absent;
    uuid_t key;
    if (!id->null && uuid_parse(id->data, id->len, &key))
        store_add(rc, &rc->store[l->table][l->side], l->side, row, key.b, sizeof key.b);
    else
        store_add(rc, &rc->store[l->table][l->side], l->side, row,
                  (const unsigned char *)id->data, id->len);
    if (l->table > 0 && l->project >= 0 && (size_t)l->project < row->n) {
        size_t at = totals_of(&rc->totals, &row->f[l->project]);
        if (l->table == 2)
            rc->totals.assignments[at][l->side]++;
        else
            for (int k = 0; k < 3; k++) {
                const field_t *f = l->budget[k] >= 0 && (size_t)l->budget[k] < row->n
                                       ? &row->f[l->budget[k]]
                                       : NULL;
                cents_t c;
                if (f && !f->null && cents_parse(f->data, f->len, 18, &c))
                    money_sum_add(&rc->totals.budget[at][l->side][k], c);
            }
    }
    return STAGE_PASS;
}

static void load_free(stage_t *self)
{
    free(self);
}

stage_t *reconcile_load_new(reconcile_t *rc, int table, bool actual)
{
    load_t *l = xcalloc(1, sizeof *l);
    l->base.name = "reconcile-load";
    l->base.header = load_header;
    l->base.process = load_process;
    l->base.free = load_free;
    l->rc = rc;
    l->table = table;
    l->side = actual ? ACTUAL : EXPECTED;
    return &l->base;
}

/* ---- comparing ---- */

static void emit(reconcile_t *rc, int table, const char *id, size_t idlen, const char *change,
                 const char *field, const field_t *expected, const field_t *actual)
{
    static const field_t none = {"", 0, true};
    field_t f[6] = {
        {TABLES[table], strlen(TABLES[table]), false},
        {id ? id : "", id ? idlen : 0, id == NULL},
        {change, strlen(change), false},
        {field ? field : "", field ? strlen(field) : 0, field == NULL},
        expected ? *expected : none,
        actual ? *actual : none,
    };
    buf_clear(&rc->line);
    csv_format_record(&rc->line, f, 6);
    rc->out->write(rc->out, rc->line.data, rc->line.len);
}

/* What one table's comparison knows of both headers. */
typedef struct {
    int table;
    const table_t *eh;
    size_t ncommon;
    int *epos, *apos;           /* each common column's place on each side */
    value_type_t *types;
    bool same_layout;           /* the same columns in the same order */
    int eid, aid;               /* the id column on each side */
    field_t *ef, *af;           /* a record's fields, unpacked */
    size_t ef_cap, af_cap;
} columns_t;

/* Compares the common fields of a pair of rows by type; with `report`,
** writes a changed row for each that differs and counts it. Returns
** whether any differs. */
static bool pair_differs(reconcile_t *rc, columns_t *c, const record_t *e, const record_t *a,
                         bool report)
{
    if (c->same_layout && e->n == a->n && e->bytes_len == a->bytes_len &&
        memcmp(record_lens(e), record_lens(a), e->n * sizeof(uint32_t)) == 0 &&
        memcmp(record_bytes(e), record_bytes(a), e->bytes_len) == 0)
        return false;   /* byte-equal: nearly every row of a reconcile */
    if (e->n > c->ef_cap) {
        c->ef_cap = e->n;
        c->ef = xrealloc(c->ef, c->ef_cap * sizeof *c->ef);
    }
    if (a->n > c->af_cap) {
        c->af_cap = a->n;
        c->af = xrealloc(c->af, c->af_cap * sizeof *c->af);
    }
    record_fields(e, c->ef);
    record_fields(a, c->af);
    const field_t *id = c->eid >= 0 && (uint32_t)c->eid < e->n ? &c->ef[c->eid] : NULL;
    bool differs = false;
    for (size_t k = 0; k < c->ncommon; k++) {
        if ((uint32_t)c->epos[k] >= e->n || (uint32_t)c->apos[k] >= a->n)
            continue;
        const field_t *x = &c->ef[c->epos[k]], *y = &c->af[c->apos[k]];
        bool same = x->null == y->null &&
                    (x->null || equal_values(c->types[k], x->data, x->len, y->data, y->len));
        if (same)
            continue;
        differs = true;
        if (!report)
            return true;
        emit(rc, c->table, id ? id->data : NULL, id ? id->len : 0, "changed",
             c->eh->cols[c->epos[k]], x, y);
        rc->changed_fields[c->table]++;
    }
    return differs;
}

/* A row to report: a pair that differs, or a row of one side only; rank
** is its occurrence among the rows of its key (a row of a key the other
** side lacks: its input order, which sorts the same). */
typedef struct {
    const record_t *e, *a;
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
    const record_t **erecs, **arecs;
    size_t ecap, acap;
    uint32_t *slots;            /* group + 1; 0: free */
    size_t slot_cap;
    group_t *groups;
    uint32_t *next;
    size_t group_cap, next_cap;
    item_t *items;
    size_t nitems, item_cap;
} join_t;

static void add_item(join_t *j, const record_t *e, const record_t *a, uint64_t rank)
{
    if (j->nitems == j->item_cap) {
        j->item_cap = j->item_cap ? j->item_cap * 2 : 64;
        j->items = xrealloc(j->items, j->item_cap * sizeof *j->items);
    }
    j->items[j->nitems++] = (item_t){e, a, rank};
}

/* The group of record r's key in the index, or NONE; with `add`, a new
** group is made for it if there is none. */
static uint32_t group_of(join_t *j, const record_t *const *erecs, const record_t *r, size_t *ngroups,
                         uint32_t index_if_added)
{
    size_t mask = j->slot_cap - 1;
    for (size_t s = key_hash(r) & mask;; s = (s + 1) & mask) {
        uint32_t g = j->slots[s];
        if (g == 0) {
            if (index_if_added == NONE)
                return NONE;
            j->groups[*ngroups] = (group_t){index_if_added, index_if_added, index_if_added, 0};
            j->slots[s] = (uint32_t)++*ngroups;
            return g;   /* 0 marks "new" to the caller */
        }
        if (key_eq(erecs[j->groups[g - 1].first], r))
            return g;
    }
}

/* Joins one partition's records of both sides (each in input order):
** counts the rows that match and lists in j->items the ones to report,
** sorted as the output wants them. */
static void join_partition(reconcile_t *rc, columns_t *c, join_t *j, size_t ne, size_t na)
{
    const record_t **E = j->erecs, **A = j->arecs;
    j->nitems = 0;
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
    if (ne >= NONE)
        runtime_error("reconcile: too many rows in one partition");
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
        const record_t *a = A[i];
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
        const record_t *e = E[grp->cursor];
        grp->cursor = j->next[grp->cursor];
        if (pair_differs(rc, c, e, a, false))
            add_item(j, e, a, rank);
        else
            rc->same[c->table]++;
    }
    for (size_t g = 0; g < ngroups; g++) {
        uint64_t rank = j->groups[g].actual_seen;
        for (uint32_t i = j->groups[g].cursor; i != NONE; i = j->next[i])
            add_item(j, E[i], NULL, rank++);
    }
    if (j->nitems > 1)
        qsort(j->items, j->nitems, sizeof *j->items, item_cmp);
}

/* Writes the rows j->items stand for, in order. */
static void report_items(reconcile_t *rc, columns_t *c, const join_t *j)
{
    int t = c->table;
    for (size_t i = 0; i < j->nitems; i++) {
        const item_t *it = &j->items[i];
        const record_t *r = it->e ? it->e : it->a;
        int col = it->e ? c->eid : c->aid;
        field_t *f = it->e ? c->ef : c->af;
        size_t *cap = it->e ? &c->ef_cap : &c->af_cap;
        if (r->n > *cap) {
            *cap = r->n;
            f = xrealloc(f, *cap * sizeof *f);
            if (it->e)
                c->ef = f;
            else
                c->af = f;
        }
        record_fields(r, f);
        const field_t *id = col >= 0 && (uint32_t)col < r->n ? &f[col] : NULL;
        const char *idtext = id ? id->data : NULL;
        size_t idlen = id ? id->len : 0;
        if (it->e && it->a) {
            if (pair_differs(rc, c, it->e, it->a, true))
                rc->changed_rows[t]++;
            else
                rc->same[t]++;
        } else if (it->e) {
            emit(rc, t, idtext, idlen, "missing", NULL, NULL, NULL);
            rc->missing[t]++;
        } else {
            emit(rc, t, idtext, idlen, "extra", NULL, NULL, NULL);
            rc->extra[t]++;
        }
    }
}

void reconcile_compare(reconcile_t *rc, int table)
{
    const table_t *eh = rc->header[table][EXPECTED], *ah = rc->header[table][ACTUAL];
    if (!eh || !ah)
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
    /* the common columns: position on each side, and type */
    columns_t c = {.table = table, .eh = eh};
    c.epos = xcalloc(eh->ncols + 1, sizeof *c.epos);
    c.apos = xcalloc(eh->ncols + 1, sizeof *c.apos);
    c.types = xcalloc(eh->ncols + 1, sizeof *c.types);
    for (size_t i = 0; i < eh->ncols; i++) {
        int k = table_col(ah, eh->cols[i]);
        if (k < 0)
            continue;
        c.epos[c.ncommon] = (int)i;
        c.apos[c.ncommon] = k;
        c.types[c.ncommon] = type_of(eh->cols[i]);
        c.ncommon++;
    }
    c.same_layout = eh->ncols == ah->ncols && c.ncommon == eh->ncols;
    for (size_t k = 0; k < c.ncommon && c.same_layout; k++)
        c.same_layout = (size_t)c.epos[k] == k && (size_t)c.apos[k] == k;
    c.eid = table_col(eh, "id");
    c.aid = table_col(ah, "id");

    store_t *es = &rc->store[table][EXPECTED], *as = &rc->store[table][ACTUAL];
    size_t efirst[PARTITIONS + 1], afirst[PARTITIONS + 1];
    store_index(es, efirst);
    store_index(as, afirst);
    join_t j = {0};
    for (unsigned p = 0; p < PARTITIONS; p++) {
        check_interrupted();
        size_t ne, na;
        store_read(es, efirst, p, &j.ebytes, &j.erecs, &ne, &j.ecap);
        store_read(as, afirst, p, &j.abytes, &j.arecs, &na, &j.acap);
        if (ne + na == 0)
            continue;
        join_partition(rc, &c, &j, ne, na);
        report_items(rc, &c, &j);
    }
    buf_free(&j.ebytes);
    buf_free(&j.abytes);
    free(j.erecs);
    free(j.arecs);
    free(j.slots);
    free(j.groups);
    free(j.next);
    free(j.items);
    free(c.ef);
    free(c.af);
    free(c.epos);
    free(c.apos);
    free(c.types);
    store_release(es);
    store_release(as);
}

void reconcile_close(reconcile_t *rc)
{
    rc->out->close(rc->out);
}

/* ---- the summary ---- */

bool reconcile_identical(const reconcile_t *rc)
{
    for (int t = 0; t < 3; t++)
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
    for (int t = 0; t < 3; t++)
        buf_printf(b,
                   "%s\n    \"%s\": {\"expected\": %" PRIu64 ", \"actual\": %" PRIu64
                   ", \"matching\": %" PRIu64 ", \"missing\": %" PRIu64 ", \"extra\": %" PRIu64
                   ", \"changed\": %" PRIu64 ", \"changed_fields\": %" PRIu64
                   ", \"column_missing\": %" PRIu64 ", \"column_extra\": %" PRIu64 "}",
                   t ? "," : "", TABLES[t], rc->rows[t][EXPECTED], rc->rows[t][ACTUAL], rc->same[t],
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
    for (int t = 0; t < 3; t++)
        fprintf(out, "%-21s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %8" PRIu64 " %8" PRIu64
                     " %8" PRIu64 " %8" PRIu64 "\n",
                TABLES[t], rc->rows[t][EXPECTED], rc->rows[t][ACTUAL], rc->same[t],
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
