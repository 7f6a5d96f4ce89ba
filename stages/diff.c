/*
** diff: what the migration changes, as diff.csv
**     table,id,change,field,before,after,project_id,assignment_date,
**     before_phase,after_phase
** First the schema changes (id empty; column_removed / column_added, found
** by comparing each table's header before and after), then per phase four
** `remapped` rows (phase_type before; name, start_date, end_date after),
** then one row per moved or orphaned assignment (project_phase_id before,
** the implicit phase id after, empty when orphaned; then its project,
** date and both phases' names). Kept assignments are
** counted, not listed. Without a file (dry run) only a preview is kept:
** the first DIFF_PREVIEW_ROWS rows of each section.
*/
#include <errno.h>
#include <string.h>

#include "stages.h"

#define DIFF_PREVIEW_ROWS 10
#define DIFF_FLUSH ((size_t)64 * 1024)

enum { SECTION_SCHEMA, SECTION_PHASES, SECTION_ASSIGNMENTS, SECTIONS };

/* SPEC's six columns first, so that existing readers keep working; then
** the context of an assignment row (empty on schema and phase rows): its
** project and its date (named as the assignment's columns), and the names
** of the phases before and after. */
#define DIFF_COLUMNS 10
static void diff_header(buf_t *b)
{
    const char *const header[DIFF_COLUMNS] = {
        /* id: the changed row's key, as each table names its own */
        "table", schema_column_name(schema_key(T_ASSIGNMENTS)), "change", "field", "before",
        "after",
        schema_column_name(ASSIGNMENTS_PROJECT_ID),
        schema_column_name(ASSIGNMENTS_ASSIGNMENT_DATE),
        "before_phase", "after_phase"};
    csv_format_strings(b, header, DIFF_COLUMNS);
}

struct diff {
    bytesink_t *out;
    /* schema and phase rows are held until the first assignment row (the
    ** schema rows of the assignments come last but go first); phase rows
    ** past DIFF_FLUSH wait in a spill file, not in memory */
    buf_t section[SECTIONS];
    FILE *held_phases;
    const char *spill_dir;
    bool head_written;
    buf_t preview;
    size_t preview_rows[SECTIONS];
    uint64_t rows;
};

typedef struct {
    stage_t base;
    diff_t *diff;
    const plan_t *plan;     /* assignments: the phases' names */
    table_t *before;
    binding_t cols;         /* where the header has each column */
} diff_stage_t;

diff_t *diff_new(bytesink_t *out)
{
    diff_t *d = xcalloc(1, sizeof *d);
    d->out = out;
    for (int i = 0; i < SECTIONS; i++)
        buf_init(&d->section[i]);
    buf_init(&d->preview);
    /* the preview is read as the file is: its header row first */
    diff_header(&d->preview);
    return d;
}

/* Phase rows go to the spill file a DIFF_FLUSH at a time. */
static void spill_phases(diff_t *d)
{
    buf_t *b = &d->section[SECTION_PHASES];
    if (!d->held_phases)
        d->held_phases = spill_file_open(&d->spill_dir);
    if (fwrite(b->data, 1, b->len, d->held_phases) != b->len)
        runtime_error("%s: cannot write a spill file: %s", d->spill_dir, strerror(errno));
    buf_clear(b);
}

static void write_spilled_phases(diff_t *d)
{
    if (!d->held_phases)
        return;
    if (fflush(d->held_phases) != 0 || fseek(d->held_phases, 0, SEEK_SET) != 0)
        runtime_error("%s: cannot read a spill file: %s", d->spill_dir, strerror(errno));
    char chunk[64 * 1024];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, d->held_phases)) > 0)
        d->out->write(d->out, chunk, n);
    if (ferror(d->held_phases))
        runtime_error("%s: cannot read a spill file: %s", d->spill_dir, strerror(errno));
    fclose(d->held_phases);
    d->held_phases = NULL;
}

static void write_held(diff_t *d)
{
    if (d->head_written)
        return;
    d->head_written = true;
    buf_t head;
    buf_init(&head);
    diff_header(&head);
    if (d->out) {
        d->out->write(d->out, head.data, head.len);
        d->out->write(d->out, d->section[SECTION_SCHEMA].data, d->section[SECTION_SCHEMA].len);
        write_spilled_phases(d);
        d->out->write(d->out, d->section[SECTION_PHASES].data, d->section[SECTION_PHASES].len);
    }
    buf_free(&head);
    buf_clear(&d->section[SECTION_SCHEMA]);
    buf_clear(&d->section[SECTION_PHASES]);
}

/* An assignment row's context columns (diff.csv's last four); NULL on
** schema and phase rows, whose context is empty. */
typedef struct {
    const field_t *project, *date;
    const char *before_phase, *after_phase;   /* NULL: empty */
} context_t;

/* Emits one row of `section`. Its first `plain` fields are NULL or need
** no quotes: this file's own words, and the ids and dates validate parsed. */
static void emit(diff_t *d, int section, size_t plain, const char *table, const field_t *id,
                 const char *change, const char *fieldname, const field_t *before,
                 const field_t *after, const context_t *context)
{
    static const field_t none = {"", 0, true};
    field_t f[DIFF_COLUMNS] = {
        {table, strlen(table), false},
        id ? *id : none,
        {change, strlen(change), false},
        {fieldname, strlen(fieldname), false},
        before ? *before : none,
        after ? *after : none,
        none, none, none, none,
    };
    if (context) {
        f[6] = context->project ? *context->project : none;
        f[7] = context->date ? *context->date : none;
        if (context->before_phase)
            f[8] = (field_t){context->before_phase, strlen(context->before_phase), false};
        if (context->after_phase)
            f[9] = (field_t){context->after_phase, strlen(context->after_phase), false};
    }
    if (section == SECTION_ASSIGNMENTS)
        write_held(d);
    buf_t *b = &d->section[section];
    size_t at = b->len;
    csv_format_record(b, f, DIFF_COLUMNS, plain);
    d->rows++;
    if (d->preview_rows[section] < DIFF_PREVIEW_ROWS) {
        buf_add(&d->preview, b->data + at, b->len - at);
        d->preview_rows[section]++;
    }
    if (!d->out) {   /* a preview only: nothing to hold for later */
        buf_clear(b);
        return;
    }
    if (section == SECTION_PHASES && b->len >= DIFF_FLUSH && !d->head_written)
        spill_phases(d);
    if (section != SECTION_ASSIGNMENTS)
        return;
    if (b->len >= DIFF_FLUSH) {
        d->out->write(d->out, b->data, b->len);
        buf_clear(b);
    }
}

static const table_t *schema_header(stage_t *self, const table_t *in)
{
    diff_stage_t *s = (diff_stage_t *)self;
    const table_t *before = s->before;
    for (size_t i = 0; i < before->ncols; i++)
        if (table_col(in, before->cols[i]) < 0)
            emit(s->diff, SECTION_SCHEMA, 0, before->name, NULL, "column_removed",
                 before->cols[i], NULL, NULL, NULL);
    for (size_t i = 0; i < in->ncols; i++)
        if (table_col(before, in->cols[i]) < 0)
            emit(s->diff, SECTION_SCHEMA, 0, before->name, NULL, "column_added", in->cols[i],
                 NULL, NULL, NULL);
    return in;
}

static stage_result_t schema_process(stage_t *self, row_t *row)
{
    (void)self, (void)row;
    return STAGE_PASS;
}

static const table_t *phases_header(stage_t *self, const table_t *in)
{
    schema_bind(&((diff_stage_t *)self)->cols, T_PHASES, in);
    return in;
}

/* A phase's remapped field: the column c of `row`, before or after. */
static void emit_remapped(diff_t *d, const field_t *id, const binding_t *cols, const row_t *row,
                          column_id_t c, bool before)
{
    const field_t *f = bound_field(cols, row, c);
    /* plain: up to the field's name, the id a validated one */
    emit(d, SECTION_PHASES, 4, schema_table_name(T_PHASES), id, "remapped",
         schema_column_name(c), before ? f : NULL, before ? NULL : f, NULL);
}

static stage_result_t phases_process(stage_t *self, row_t *row)
{
    diff_stage_t *s = (diff_stage_t *)self;
    if (!row)
        return STAGE_DROP;
    const field_t *id = bound_field(&s->cols, row, PHASES_ID);
    emit_remapped(s->diff, id, &s->cols, row, PHASES_PHASE_TYPE, true);
    emit_remapped(s->diff, id, &s->cols, row, PHASES_NAME, false);
    emit_remapped(s->diff, id, &s->cols, row, PHASES_START_DATE, false);
    emit_remapped(s->diff, id, &s->cols, row, PHASES_END_DATE, false);
    return STAGE_PASS;
}

static const table_t *assignments_header(stage_t *self, const table_t *in)
{
    schema_bind(&((diff_stage_t *)self)->cols, T_ASSIGNMENTS, in);
    return in;
}

/* The name of the phase with plan index i after remap (NULL: none). */
static const char *phase_name(const plan_t *plan, size_t i)
{
    if (i == NO_INDEX || i >= plan->nphases)
        return NULL;
    const phase_t *ph = &plan->phases[i];
    return ph->name ? ph->name : ph->type >= 0 ? PHASE_NAMES[ph->type] : NULL;
}

static stage_result_t assignments_process(stage_t *self, row_t *row)
{
    diff_stage_t *s = (diff_stage_t *)self;
    if (!row)
        return STAGE_DROP;
    size_t project, pointed, implicit;
    day_t day;
    match_class_t class;
    if (!plan_noted(row, &project, &pointed, &day) || !match_noted(row, &class, &implicit))
        runtime_error("internal error: diff without validate and match");
    if (class == MATCH_KEPT)
        return STAGE_PASS;
    context_t context = {
        bound_field(&s->cols, row, ASSIGNMENTS_PROJECT_ID),
        bound_field(&s->cols, row, ASSIGNMENTS_ASSIGNMENT_DATE),
        phase_name(s->plan, pointed),
        phase_name(s->plan, implicit),
    };
    /* after: the implicit phase's id, as read */
    char text[UUID_TEXT_LEN + 1];
    field_t after = {"", 0, true};
    if (implicit != NO_INDEX) {
        const phase_t *ph = &s->plan->phases[implicit];
        after = (field_t){plan_id_text(&ph->id, ph->id_as_read, text), UUID_TEXT_LEN, false};
    }
    const char *change = MATCH_CLASS_NAMES[class];
    /* plain: all but the phases' names, as validate parsed the ids and the
    ** date, and the implicit id is the plan's */
    emit(s->diff, SECTION_ASSIGNMENTS, 8, schema_table_name(T_ASSIGNMENTS),
         bound_field(&s->cols, row, ASSIGNMENTS_ID), change,
         schema_column_name(ASSIGNMENTS_PROJECT_PHASE_ID),
         bound_field(&s->cols, row, ASSIGNMENTS_PROJECT_PHASE_ID), &after, &context);
    return STAGE_PASS;
}

static void diff_stage_free(stage_t *self)
{
    table_free(((diff_stage_t *)self)->before);
    free(self);
}

static stage_t *diff_stage_new(diff_t *d, const table_t *(*header)(stage_t *, const table_t *),
                               stage_result_t (*process)(stage_t *, row_t *))
{
    diff_stage_t *s = xcalloc(1, sizeof *s);
    s->base.name = "diff";
    s->base.header = header;
    s->base.process = process;
    s->base.free = diff_stage_free;
    s->diff = d;
    return &s->base;
}

stage_t *diff_schema_new(diff_t *d, const table_t *before)
{
    stage_t *s = diff_stage_new(d, schema_header, schema_process);
    ((diff_stage_t *)s)->before = table_copy(before);
    return s;
}

stage_t *diff_phases_new(diff_t *d)
{
    return diff_stage_new(d, phases_header, phases_process);
}

stage_t *diff_assignments_new(diff_t *d, const plan_t *plan)
{
    stage_t *s = diff_stage_new(d, assignments_header, assignments_process);
    ((diff_stage_t *)s)->plan = plan;
    return s;
}

void diff_close(diff_t *d)
{
    write_held(d);
    if (!d->out)
        return;
    buf_t *b = &d->section[SECTION_ASSIGNMENTS];
    d->out->write(d->out, b->data, b->len);
    buf_clear(b);
    d->out->close(d->out);
}

const char *diff_preview(diff_t *d)
{
    return buf_str(&d->preview);
}

uint64_t diff_rows(const diff_t *d)
{
    return d->rows;
}

void diff_free(diff_t *d)
{
    if (!d)
        return;
    bytesink_free(d->out);
    if (d->held_phases)
        fclose(d->held_phases);
    for (int i = 0; i < SECTIONS; i++)
        buf_free(&d->section[i]);
    buf_free(&d->preview);
    free(d);
}
