/*
** rollback: new schema back to old, as the live migration's downgrade.
**
** A phase's phase_type is PLANNING when its lower-cased name contains
** "planning", else EXECUTION; it is appended as the last phase column (the
** cut stage drops name, start_date, end_date, description). An assignment
** gets project_phase_id, appended as its last column: the phase of its
** project containing its date, the first such by (start_date, id) where
** edited phases overlap; else the project's first phase by (start_date,
** id), counted as unmatched_to_first_phase. An assignment whose project
** has no phase cannot be rolled back: a problem.
**
** These links are derived, not restored. With --against ORIGINAL (the
** old-schema export before the migration) an assignment found by id in
** ORIGINAL whose original phase is still there, in the same project, gets
** its original project_phase_id back exactly, as ORIGINAL spells it; a
** phase keeps ORIGINAL's phase_type text where it names the same type; and
** the columns come in ORIGINAL's order where the sets agree. So rollback
** --against X of migrate X gives back X.
**
** ORIGINAL's assignments are many: they are never held. First they are
** read side by side with the dataset's (lockstep: the same ids in the same
** order, as migrate leaves them), one row at a time. At the first row
** whose id differs, ORIGINAL's assignments are read again into an index on
** disk (original_index_build): records spread over ORIGINAL_BUCKETS spill
** files by the id's hash, then each bucket, one at a time, made into its
** open-addressing region of one unlinked file, looked up with pread. Heap
** memory: the one bucket being built, 2 x 72 bytes a record of 1/256 of
** ORIGINAL (28 MB at 50 million assignments), and a 4 KiB read buffer;
** the file is 2 x 72 bytes a record at most.
**
** The rollback checks watch the rows as they are written: every phase has
** a phase_type, every assignment a project_phase_id, the new columns are
** gone, and the type distribution.
*/
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "stages.h"

#define ORIGINAL_BUCKETS 256
#define PROBE_CHUNK 56      /* slots read at once: 4,032 bytes */

/* What ORIGINAL says of an assignment: its project, its phase as spelt. */
typedef struct {
    uuid_t id, project;
    char phase[UUID_TEXT_LEN];
    uint8_t used;
    uint8_t pad[3];
} link_record_t;

/* ORIGINAL's phases (few, held): project and phase_type text by id. */
typedef struct {
    uuidmap_t index;            /* phase id -> entry */
    uuid_t *project;
    char **type;
    size_t n, cap;
} original_phases_t;

struct rollback {
    plan_t *plan;
    problems_t *problems;
    uint64_t *rejected;     /* assignments that cannot be rolled back */
    uint64_t phases, typed, by_type[PHASE_TYPES];
    uint64_t assignments, linked, matched, unmatched_to_first_phase;
    bool new_columns_left;
    char left[64];
    /* --against */
    bool against;
    original_phases_t orig_phases;
    table_t *orig_header[T_COUNT];      /* ORIGINAL's column orders */
    source_t *(*reopen)(void *ctx);     /* ORIGINAL's assignments, from the start */
    void *reopen_ctx;
    source_t *lockstep;                 /* NULL once the index is built */
    int l_id, l_project, l_phase;
    bool indexed;
    FILE *index;                        /* the regions, one per bucket */
    uint64_t region_at[ORIGINAL_BUCKETS], region_mask[ORIGINAL_BUCKETS];
    bool region_empty[ORIGINAL_BUCKETS];
    const char *tmpdir;
    uint64_t restored, not_in_original, phase_gone, types_restored;
};

typedef struct {
    stage_t base;
    rollback_t *rb;
    table_t *out;
    const table_t *in;
    binding_t cols;     /* where the header coming in has each column */
} rb_stage_t;

rollback_t *rollback_new(plan_t *plan, problems_t *problems, uint64_t *rejected)
{
    rollback_t *rb = xcalloc(1, sizeof *rb);
    rb->plan = plan;
    rb->problems = problems;
    rb->rejected = rejected;
    return rb;
}

void rollback_free(rollback_t *rb)
{
    if (!rb)
        return;
    original_phases_t *op = &rb->orig_phases;
    for (size_t i = 0; i < op->n; i++)
        free(op->type[i]);
    free(op->type);
    free(op->project);
    uuidmap_free(&op->index);
    for (int t = 0; t < T_COUNT; t++)
        table_free(rb->orig_header[t]);
    source_free(rb->lockstep);
    if (rb->index)
        fclose(rb->index);
    free(rb);
}

/* ---- --against ORIGINAL ---- */

typedef struct {
    stage_t base;
    rollback_t *rb;
    int id, project, type;
} orig_stage_t;

/* Where ORIGINAL's phases keep id, project and type; their column order. */
static const table_t *orig_phases_header(stage_t *self, const table_t *in)
{
    orig_stage_t *s = (orig_stage_t *)self;
    binding_t cols;
    schema_bind(&cols, T_PHASES, in);
    s->id = cols.at[PHASES_ID];
    s->project = cols.at[PHASES_PROJECT_ID];
    s->type = cols.at[PHASES_PHASE_TYPE];
    table_free(s->rb->orig_header[T_PHASES]);
    s->rb->orig_header[T_PHASES] = table_copy(in);
    return in;
}

/* Records each readable phase of ORIGINAL (the first of a repeated id). */
static stage_result_t orig_phases_process(stage_t *self, row_t *row)
{
    orig_stage_t *s = (orig_stage_t *)self;
    if (!row || s->id < 0 || s->project < 0 || s->type < 0)
        return STAGE_DROP;
    original_phases_t *op = &s->rb->orig_phases;
    uuid_t id, project;
    const field_t *type = &row->f[s->type];
    if (row->f[s->id].null || row->f[s->project].null || type->null ||
        !uuid_parse(row->f[s->id].data, row->f[s->id].len, &id) ||
        !uuid_parse(row->f[s->project].data, row->f[s->project].len, &project))
        return STAGE_DROP;
    if (!uuidmap_put(&op->index, &id, op->n, NULL))
        return STAGE_DROP;
    if (op->n == op->cap) {
        op->cap = op->cap ? op->cap * 2 : 64;
        op->project = xrealloc(op->project, op->cap * sizeof *op->project);
        op->type = xrealloc(op->type, op->cap * sizeof *op->type);
    }
    op->project[op->n] = project;
    op->type[op->n] = xstrdup(type->data);
    op->n++;
    return STAGE_DROP;
}

/* Frees the stage; what it recorded is the rollback's. */
static void orig_stage_free(stage_t *self)
{
    free(self);
}

stage_t *rollback_original_phases_new(rollback_t *rb)
{
    orig_stage_t *s = xcalloc(1, sizeof *s);
    s->base.name = "rollback-original-phases";
    s->base.header = orig_phases_header;
    s->base.process = orig_phases_process;
    s->base.free = orig_stage_free;
    s->rb = rb;
    rb->against = true;
    uuidmap_init(&rb->orig_phases.index);
    return &s->base;
}

/* The columns of ORIGINAL's source `src` that a link needs; false if
** one is missing (then nothing is restored from it). */
static bool link_columns(const table_t *t, int *id, int *project, int *phase)
{
    binding_t cols;
    schema_bind(&cols, T_ASSIGNMENTS, t);
    *id = cols.at[ASSIGNMENTS_ID];
    *project = cols.at[ASSIGNMENTS_PROJECT_ID];
    *phase = cols.at[ASSIGNMENTS_PROJECT_PHASE_ID];
    return *id >= 0 && *project >= 0 && *phase >= 0;
}

void rollback_original_assignments(rollback_t *rb, source_t *(*reopen)(void *ctx), void *ctx)
{
    rb->reopen = reopen;
    rb->reopen_ctx = ctx;
    rb->lockstep = reopen(ctx);
    table_free(rb->orig_header[T_ASSIGNMENTS]);
    rb->orig_header[T_ASSIGNMENTS] = table_copy(rb->lockstep->table);
    if (!link_columns(rb->lockstep->table, &rb->l_id, &rb->l_project, &rb->l_phase)) {
        source_free(rb->lockstep);
        rb->lockstep = NULL;
        rb->indexed = true;     /* and empty: nothing to restore */
        for (int b = 0; b < ORIGINAL_BUCKETS; b++)
            rb->region_empty[b] = true;
    }
}

/* A row of ORIGINAL's assignments as a link record; false if unreadable. */
static bool read_link(const row_t *r, int id, int project, int phase, link_record_t *out)
{
    memset(out, 0, sizeof *out);
    const field_t *ph = &r->f[phase];
    uuid_t phase_id;
    if (r->f[id].null || r->f[project].null || ph->null || ph->len != UUID_TEXT_LEN ||
        !uuid_parse(r->f[id].data, r->f[id].len, &out->id) ||
        !uuid_parse(r->f[project].data, r->f[project].len, &out->project) ||
        !uuid_parse(ph->data, ph->len, &phase_id))
        return false;
    memcpy(out->phase, ph->data, UUID_TEXT_LEN);
    out->used = 1;
    return true;
}

/* Writes one block to a spill file, or ends the run (disk full). */
static void index_write(rollback_t *rb, FILE *f, const void *p, size_t size)
{
    if (fwrite(p, size, 1, f) != 1)
        runtime_error("%s: cannot write a spill file: %s", rb->tmpdir, strerror(errno));
}

/* Slots of a region: a power of two at least twice its records, so that
** probes stay short and an empty slot always ends one. */
static uint64_t region_slots(uint64_t records)
{
    uint64_t slots = 1;
    while (slots < 2 * records)
        slots *= 2;
    return slots;
}

/* ORIGINAL's assignments, read again from the start, into the index on
** disk: by bucket into spill files, then bucket by bucket into regions. */
static void original_index_build(rollback_t *rb)
{
    source_free(rb->lockstep);
    rb->lockstep = NULL;
    rb->indexed = true;
    source_t *src = rb->reopen(rb->reopen_ctx);
    int id, project, phase;
    link_columns(src->table, &id, &project, &phase);
    FILE *bucket[ORIGINAL_BUCKETS] = {0};
    uint64_t count[ORIGINAL_BUCKETS] = {0};
    row_t *r;
    int got;
    while ((got = src->next(src, &r)) > 0) {
        link_record_t rec;
        if (!read_link(r, id, project, phase, &rec))
            continue;
        size_t b = (size_t)(uuid_hash(&rec.id) >> 56);
        if (!bucket[b])
            bucket[b] = spill_file_open(&rb->tmpdir);
        index_write(rb, bucket[b], &rec, sizeof rec);
        count[b]++;
    }
    source_free(src);
    if (got < 0)
        runtime_error("%s: cannot be read to the end", rb->orig_header[T_ASSIGNMENTS]->source);
    rb->index = spill_file_open(&rb->tmpdir);
    uint64_t at = 0;
    for (size_t b = 0; b < ORIGINAL_BUCKETS; b++) {
        rb->region_empty[b] = count[b] == 0;
        if (!bucket[b])
            continue;
        uint64_t slots = region_slots(count[b]);
        link_record_t *region = xcalloc(slots, sizeof *region);
        if (fflush(bucket[b]) != 0 || fseek(bucket[b], 0, SEEK_SET) != 0)
            runtime_error("%s: cannot read a spill file: %s", rb->tmpdir, strerror(errno));
        link_record_t rec;
        while (fread(&rec, sizeof rec, 1, bucket[b]) == 1) {
            uint64_t i = uuid_hash(&rec.id) & (slots - 1);
            while (region[i].used && !uuid_eq(&region[i].id, &rec.id))
                i = (i + 1) & (slots - 1);
            if (!region[i].used)
                region[i] = rec;    /* a repeated id: the first stands */
        }
        if (ferror(bucket[b]))
            runtime_error("%s: cannot read a spill file: %s", rb->tmpdir, strerror(errno));
        fclose(bucket[b]);
        index_write(rb, rb->index, region, slots * sizeof *region);
        free(region);
        rb->region_at[b] = at;
        rb->region_mask[b] = slots - 1;
        at += slots;
    }
    if (fflush(rb->index) != 0)
        runtime_error("%s: cannot write a spill file: %s", rb->tmpdir, strerror(errno));
}

/* ORIGINAL's link of assignment `id` from the index on disk. */
static bool index_lookup(rollback_t *rb, const uuid_t *id, link_record_t *out)
{
    uint64_t h = uuid_hash(id);
    size_t b = (size_t)(h >> 56);
    if (rb->region_empty[b] || !rb->index)
        return false;
    uint64_t mask = rb->region_mask[b], i = h & mask;
    link_record_t chunk[PROBE_CHUNK];
    for (;;) {
        uint64_t n = mask + 1 - i < PROBE_CHUNK ? mask + 1 - i : PROBE_CHUNK;
        off_t at = (off_t)((rb->region_at[b] + i) * sizeof *chunk);
        ssize_t got = pread(fileno(rb->index), chunk, n * sizeof *chunk, at);
        if (got != (ssize_t)(n * sizeof *chunk))
            runtime_error("%s: cannot read a spill file: %s", rb->tmpdir,
                          got < 0 ? strerror(errno) : "short read");
        for (uint64_t k = 0; k < n; k++) {
            if (!chunk[k].used)
                return false;
            if (uuid_eq(&chunk[k].id, id)) {
                *out = chunk[k];
                return true;
            }
        }
        i = (i + n) & mask;     /* a region is never full: an empty slot ends it */
    }
}

/* ORIGINAL's link of assignment `id`: side by side while the ids agree,
** else from the index. */
static bool original_link(rollback_t *rb, const uuid_t *id, link_record_t *out)
{
    if (rb->lockstep) {
        row_t *r;
        int got = rb->lockstep->next(rb->lockstep, &r);
        if (got > 0 && read_link(r, rb->l_id, rb->l_project, rb->l_phase, out) &&
            uuid_eq(&out->id, id))
            return true;
        if (got < 0)
            runtime_error("%s: cannot be read to the end", rb->orig_header[T_ASSIGNMENTS]->source);
        original_index_build(rb);
    }
    return index_lookup(rb, id, out);
}

/* The original project_phase_id of the assignment `id` of project
** `project`, if ORIGINAL has it and its phase is still there in the same
** project as in ORIGINAL (counted either way). */
static const char *restorable(rollback_t *rb, const uuid_t *id, const project_t *project,
                              link_record_t *link)
{
    if (!original_link(rb, id, link) || !uuid_eq(&link->project, &project->id)) {
        rb->not_in_original++;
        return NULL;
    }
    uuid_t phase;
    size_t orig, now;
    uuid_parse(link->phase, UUID_TEXT_LEN, &phase);
    const plan_t *plan = rb->plan;
    if (!uuidmap_get(&rb->orig_phases.index, &phase, &orig) ||
        !uuidmap_get(&plan->phase_index, &phase, &now) || plan->phases[now].rejected ||
        plan->phases[now].project == NO_INDEX ||
        !uuid_eq(&plan->projects[plan->phases[now].project].id, &rb->orig_phases.project[orig])) {
        rb->phase_gone++;
        return NULL;
    }
    return link->phase;
}

/* The header coming in, bound as table `t`, with column c appended. */
static const table_t *add_column(rb_stage_t *s, const table_t *in, table_id_t t, column_id_t c)
{
    table_free(s->out);
    s->out = table_copy(in);
    const char *col = schema_column_name(c);
    table_add_col(s->out, col, strlen(col));
    s->in = in;
    schema_bind(&s->cols, t, in);
    return s->out;
}

static const table_t *phases_header(stage_t *self, const table_t *in)
{
    return add_column((rb_stage_t *)self, in, T_PHASES, PHASES_PHASE_TYPE);
}

/* PLANNING when the lower-cased name contains "planning". */
static int type_of_name(const char *name)
{
    static const char word[] = "planning";
    for (const char *p = name; *p; p++) {
        size_t i = 0;
        while (word[i] && p[i] && (p[i] | 0x20) == word[i])
            i++;
        if (!word[i])
            return PHASE_PLANNING;
    }
    return PHASE_EXECUTION;
}

static stage_result_t phases_process(stage_t *self, row_t *row)
{
    rb_stage_t *s = (rb_stage_t *)self;
    if (!row)
        return STAGE_DROP;
    rollback_t *rb = s->rb;
    int type = type_of_name(bound_field(&s->cols, row, PHASES_NAME)->data);
    const char *text = type == PHASE_PLANNING ? "PLANNING" : "EXECUTION";
    uuid_t id;
    size_t orig;
    const field_t *idf = bound_field(&s->cols, row, PHASES_ID);
    /* --against: ORIGINAL's spelling of the same type ("execution") */
    if (rb->against && idf && !idf->null && uuid_parse(idf->data, idf->len, &id) &&
        uuidmap_get(&rb->orig_phases.index, &id, &orig) &&
        strcasecmp(rb->orig_phases.type[orig], text) == 0) {
        text = rb->orig_phases.type[orig];
        rb->types_restored++;
    }
    row_push(row, text, strlen(text));
    row_seal(row);
    return STAGE_PASS;
}

static const table_t *assignments_header(stage_t *self, const table_t *in)
{
    return add_column((rb_stage_t *)self, in, T_ASSIGNMENTS, ASSIGNMENTS_PROJECT_PHASE_ID);
}

static stage_result_t assignments_process(stage_t *self, row_t *row)
{
    rb_stage_t *s = (rb_stage_t *)self;
    if (!row)
        return STAGE_DROP;
    rollback_t *rb = s->rb;
    plan_t *plan = rb->plan;
    size_t project, none;
    day_t date;
    if (!plan_noted(row, &project, &none, &date))
        runtime_error("internal error: rollback without validate");
    const project_t *pr = &plan->projects[project];
    uuid_t id;
    link_record_t link;
    const char *original = NULL;
    const field_t *idf = bound_field(&s->cols, row, ASSIGNMENTS_ID);
    if (rb->against && idf && !idf->null && uuid_parse(idf->data, idf->len, &id))
        original = restorable(rb, &id, pr, &link);
    if (original) {
        rb->restored++;
        row_push(row, original, UUID_TEXT_LEN);
        row_seal(row);
        return STAGE_PASS;
    }
    if (pr->count == 0) {
        problem_field(rb->problems, s->in, row, (size_t)s->cols.at[ASSIGNMENTS_PROJECT_ID],
                      "project has no phase to roll back to");
        (*rb->rejected)++;
        return STAGE_DROP;
    }
    const phase_t *to = NULL;
    for (size_t i = 0; i < pr->count && !to; i++) {
        const phase_t *ph = &plan->phases[plan->order[pr->first + i]];
        if (ph->start <= date && date <= ph->end)
            to = ph;
    }
    if (to) {
        rb->matched++;
    } else {
        to = &plan->phases[plan->order[pr->first]];
        rb->unmatched_to_first_phase++;
    }
    char text[UUID_TEXT_LEN + 1];
    row_push(row, plan_id_text(&to->id, to->id_as_read, text), UUID_TEXT_LEN);
    row_seal(row);
    return STAGE_PASS;
}

/* ---- the checks, on the rows being written ---- */

static const table_t *check_phases_header(stage_t *self, const table_t *in)
{
    rb_stage_t *s = (rb_stage_t *)self;
    const char *added[8];   /* what migrate added: name, start_date, ... */
    size_t n = schema_diff(T_PHASES, SCHEMA_NEW, SCHEMA_OLD, added, ARRAY_LEN(added));
    schema_bind(&s->cols, T_PHASES, in);
    for (size_t i = 0; i < n; i++)
        if (table_col(in, added[i]) >= 0) {
            s->rb->new_columns_left = true;
            snprintf(s->rb->left, sizeof s->rb->left, "%s", added[i]);
        }
    return in;
}

static stage_result_t check_phases_process(stage_t *self, row_t *row)
{
    rb_stage_t *s = (rb_stage_t *)self;
    if (!row)
        return STAGE_PASS;
    rollback_t *rb = s->rb;
    rb->phases++;
    const field_t *type = bound_field(&s->cols, row, PHASES_PHASE_TYPE);
    if (type && !type->null) {
        rb->typed++;
        rb->by_type[strcasecmp(type->data, "PLANNING") == 0 ? PHASE_PLANNING
                                                             : PHASE_EXECUTION]++;
    }
    return STAGE_PASS;
}

static const table_t *check_assignments_header(stage_t *self, const table_t *in)
{
    schema_bind(&((rb_stage_t *)self)->cols, T_ASSIGNMENTS, in);
    return in;
}

static stage_result_t check_assignments_process(stage_t *self, row_t *row)
{
    rb_stage_t *s = (rb_stage_t *)self;
    if (!row)
        return STAGE_PASS;
    s->rb->assignments++;
    const field_t *link = bound_field(&s->cols, row, ASSIGNMENTS_PROJECT_PHASE_ID);
    if (link && !link->null)
        s->rb->linked++;
    return STAGE_PASS;
}

static void rb_stage_free(stage_t *self)
{
    table_free(((rb_stage_t *)self)->out);
    free(self);
}

static stage_t *rb_stage_new(rollback_t *rb, const char *name,
                             const table_t *(*header)(stage_t *, const table_t *),
                             stage_result_t (*process)(stage_t *, row_t *))
{
    rb_stage_t *s = xcalloc(1, sizeof *s);
    s->base.name = name;
    s->base.header = header;
    s->base.process = process;
    s->base.free = rb_stage_free;
    s->rb = rb;
    return &s->base;
}

stage_t *rollback_phases_new(rollback_t *rb)
{
    return rb_stage_new(rb, "rollback-phases", phases_header, phases_process);
}

stage_t *rollback_assignments_new(rollback_t *rb)
{
    stage_t *s = rb_stage_new(rb, "rollback-assignments", assignments_header, assignments_process);
    s->reports_problems = true;   /* a link that cannot be undone */
    return s;
}

stage_t *rollback_check_phases_new(rollback_t *rb)
{
    return rb_stage_new(rb, "rollback-check", check_phases_header, check_phases_process);
}

stage_t *rollback_check_assignments_new(rollback_t *rb)
{
    return rb_stage_new(rb, "rollback-check", check_assignments_header,
                        check_assignments_process);
}

/* ---- --against: ORIGINAL's column order ---- */

typedef struct {
    stage_t base;
    rollback_t *rb;
    table_id_t table;
    size_t *from;           /* out column i is in column from[i]; NULL: as is */
    size_t same_prefix;     /* columns that keep their place */
    field_t *scratch;
    table_t *out;           /* ORIGINAL's columns under this table's names */
} reorder_t;

/* ORIGINAL's order when the rows have exactly ORIGINAL's columns. */
static const table_t *reorder_header(stage_t *self, const table_t *in)
{
    reorder_t *s = (reorder_t *)self;
    const table_t *want = s->rb->orig_header[s->table];
    free(s->from);
    s->from = NULL;
    if (!want || want->ncols != in->ncols)
        return in;
    size_t *from = xcalloc(in->ncols + 1, sizeof *from);
    for (size_t i = 0; i < want->ncols; i++) {
        int at = table_col(in, want->cols[i]);
        if (at < 0) {
            free(from);
            return in;
        }
        from[i] = (size_t)at;
    }
    s->from = from;
    s->same_prefix = 0;
    while (s->same_prefix < in->ncols && from[s->same_prefix] == s->same_prefix)
        s->same_prefix++;
    s->scratch = xrealloc(s->scratch, (in->ncols + 1) * sizeof *s->scratch);
    table_free(s->out);
    s->out = table_new(in->name, in->source);
    for (size_t i = 0; i < want->ncols; i++)
        table_add_col(s->out, want->cols[i], strlen(want->cols[i]));
    return s->out;
}

/* Puts the row's fields in ORIGINAL's order (the field records move;
** their bytes stay where they are). */
static stage_result_t reorder_process(stage_t *self, row_t *row)
{
    reorder_t *s = (reorder_t *)self;
    if (!row || !s->from)
        return STAGE_PASS;
    for (size_t i = 0; i < row->n; i++)
        s->scratch[i] = row->f[s->from[i]];
    memcpy(row->f, s->scratch, row->n * sizeof *row->f);
    if (row->plain > s->same_prefix)
        row->plain = s->same_prefix;    /* only those are known plain still */
    return STAGE_PASS;
}

/* Frees the stage, its order and its header. */
static void reorder_free(stage_t *self)
{
    reorder_t *s = (reorder_t *)self;
    free(s->from);
    free(s->scratch);
    table_free(s->out);
    free(s);
}

stage_t *rollback_reorder_new(rollback_t *rb, table_id_t table)
{
    reorder_t *s = xcalloc(1, sizeof *s);
    s->base.name = "rollback-reorder";
    s->base.header = reorder_header;
    s->base.process = reorder_process;
    s->base.free = reorder_free;
    s->rb = rb;
    s->table = table;
    return &s->base;
}

size_t rollback_checks(const rollback_t *rb, check_t out[ROLLBACK_CHECKS])
{
    memset(out, 0, ROLLBACK_CHECKS * sizeof *out);
    out[0] = (check_t){1, "every phase has a phase_type", rb->typed == rb->phases, "", false};
    snprintf(out[0].detail, sizeof out[0].detail, "%llu of %llu phases",
             (unsigned long long)rb->typed, (unsigned long long)rb->phases);
    char restored[48] = "";
    if (rb->against)
        snprintf(restored, sizeof restored, "%llu restored, ", (unsigned long long)rb->restored);
    /* a link by the first-phase rule is a guess: a WARN */
    out[1] = (check_t){2, "every assignment has a project_phase_id",
                       rb->linked == rb->assignments, "", rb->unmatched_to_first_phase > 0};
    snprintf(out[1].detail, sizeof out[1].detail,
             "%llu of %llu assignments (%s%llu by date, %llu unmatched_to_first_phase)",
             (unsigned long long)rb->linked, (unsigned long long)rb->assignments,
             restored, (unsigned long long)rb->matched,
             (unsigned long long)rb->unmatched_to_first_phase);
    out[2] = (check_t){3, "the new columns are gone", !rb->new_columns_left, "", false};
    snprintf(out[2].detail, sizeof out[2].detail, "%s%s",
             rb->new_columns_left ? "still there: " : "name, start_date, end_date, description absent",
             rb->new_columns_left ? rb->left : "");
    out[3] = (check_t){4, "phase type distribution", true, "", false};
    snprintf(out[3].detail, sizeof out[3].detail, "PLANNING %llu, EXECUTION %llu",
             (unsigned long long)rb->by_type[PHASE_PLANNING],
             (unsigned long long)rb->by_type[PHASE_EXECUTION]);
    return ROLLBACK_CHECKS;
}

void rollback_numbers(const rollback_t *rb, rollback_numbers_t *out)
{
    out->against = rb->against;
    out->restored = rb->restored;
    out->not_in_original = rb->not_in_original;
    out->phase_gone = rb->phase_gone;
    out->types_restored = rb->types_restored;
    out->matched = rb->matched;
    out->unmatched_to_first_phase = rb->unmatched_to_first_phase;
    out->planning = rb->by_type[PHASE_PLANNING];
    out->execution = rb->by_type[PHASE_EXECUTION];
}
