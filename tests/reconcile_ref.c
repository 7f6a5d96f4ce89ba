/*
** The reference reconcile, for tests only (tests/e2e/reconcile.sh's
** differential cases): the implementation phasemig had before
** stages/reconcile.c partitioned by id, kept because it is simple enough
** to be obviously right. build/reconcile-ref is phasemig linked with this
** file in place of stages/reconcile.c; the product has one reconcile.
**
** reconcile: what differs between two datasets of the same schema.
**
** Rows are keyed by id (case-insensitively), columns matched by name,
** values compared by type: money and percentages as decimals (50000 equals
** 50000.00), dates as dates, timestamps as timestamps (a fraction's
** trailing zeros do not count: .500000 equals .5), ids and *_id columns
** case-insensitively; anything else as exact text. NULL differs from "".
**
** Datasets may be larger than memory, so each side's rows go into a
** temporary SQLite database (deleted when closed; its page cache is
** bounded) and are then read back in key order by both sides at once: a
** merge join, one pass, whatever the size. Per-project totals (phase
** budgets, assignment counts) are few and kept in memory.
*/
#include <inttypes.h>
#include <string.h>

#include "../pipeline/frame/json.h"
#include "../stages/stages.h"

#define SPILL_CACHE_KIB 32768   /* SQLite page cache; sorts spill to temporary files */

enum { EXPECTED, ACTUAL, SIDES };
static const char *const SIDE_NAMES[SIDES] = {"expected", "actual"};


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
    sqlite3 *db;
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
    sqlite3_stmt *insert;
    int id, project, budget[3];
} load_t;


static void check(reconcile_t *rc, int ok)
{
    if (!ok)
        runtime_error("reconcile: spill database: %s", sqlite3_errmsg(rc->db));
}

static void exec(reconcile_t *rc, const char *sql)
{
    check(rc, sqlite3_exec(rc->db, sql, NULL, NULL, NULL) == SQLITE_OK);
}

reconcile_t *reconcile_new(bytesink_t *out)
{
    reconcile_t *rc = xcalloc(1, sizeof *rc);
    /* "": a private on-disk database in the temporary directory, deleted on close */
    if (sqlite3_open("", &rc->db) != SQLITE_OK)
        runtime_error("reconcile: cannot open a spill database");
    char pragmas[200];
    snprintf(pragmas, sizeof pragmas,
             "PRAGMA cache_size = -%d; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
             "PRAGMA temp_store = FILE",
             SPILL_CACHE_KIB);
    exec(rc, pragmas);
    uuidmap_init(&rc->totals.index);
    rc->out = out;
    buf_init(&rc->line);
    static const char header[] = "table,id,change,field,expected,actual\n";
    out->write(out, header, sizeof header - 1);
    return rc;
}

void reconcile_free(reconcile_t *rc)
{
    if (!rc)
        return;
    sqlite3_close(rc->db);
    for (int t = 0; t < 3; t++)
        for (int s = 0; s < SIDES; s++)
            table_free(rc->header[t][s]);
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
    buf_t sql;
    buf_init(&sql);
    buf_printf(&sql, "CREATE TABLE t%d_%d (k BLOB, v BLOB)", l->table, l->side);
    exec(rc, buf_str(&sql));
    buf_clear(&sql);
    buf_printf(&sql, "INSERT INTO t%d_%d VALUES (?, ?)", l->table, l->side);
    check(rc, sqlite3_prepare_v2(rc->db, buf_str(&sql), -1, &l->insert, NULL) == SQLITE_OK);
    buf_free(&sql);
    exec(rc, "BEGIN");
    return in;
}

/* A row's values in one blob: per field a NULL flag, a length, the bytes. */
static void pack(buf_t *b, const row_t *row)
{
    buf_clear(b);
    for (size_t i = 0; i < row->n; i++) {
        const field_t *f = &row->f[i];
        uint32_t len = (uint32_t)f->len;
        buf_addc(b, f->null ? 'N' : 'T');
        buf_add(b, &len, sizeof len);
        buf_add(b, f->data, f->len);
    }
}

static stage_result_t load_process(stage_t *self, row_t *row)
{
    load_t *l = (load_t *)self;
    reconcile_t *rc = l->rc;
    if (!row) {
        exec(rc, "COMMIT");
        return STAGE_PASS;
    }
    rc->rows[l->table][l->side]++;
    /* the key: the UUID's bytes, or the id's text if it is no UUID */
    const field_t *id = &row->f[l->id];
    uuid_t key;
    if (!id->null && uuid_parse(id->data, id->len, &key))
        sqlite3_bind_blob(l->insert, 1, key.b, 16, SQLITE_STATIC);
    else
        sqlite3_bind_blob(l->insert, 1, id->data, (int)id->len, SQLITE_STATIC);
    pack(&rc->line, row);
    sqlite3_bind_blob(l->insert, 2, rc->line.data, (int)rc->line.len, SQLITE_STATIC);
    check(rc, sqlite3_step(l->insert) == SQLITE_DONE);
    sqlite3_reset(l->insert);
    if (l->table > 0 && l->project >= 0) {
        size_t at = totals_of(&rc->totals, &row->f[l->project]);
        if (l->table == 2)
            rc->totals.assignments[at][l->side]++;
        else
            for (int k = 0; k < 3; k++) {
                const field_t *f = l->budget[k] >= 0 ? &row->f[l->budget[k]] : NULL;
                cents_t c;
                if (f && !f->null && cents_parse(f->data, f->len, 18, &c))
                    money_sum_add(&rc->totals.budget[at][l->side][k], c);
            }
    }
    return STAGE_PASS;
}

static void load_free(stage_t *self)
{
    sqlite3_finalize(((load_t *)self)->insert);
    free(self);
}

stage_t *reconcile_load_new(reconcile_t *rc, table_id_t table, bool actual)
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
        {schema_table_name(table), strlen(schema_table_name(table)), false},
        {id ? id : "", id ? idlen : 0, id == NULL},
        {change, strlen(change), false},
        {field ? field : "", field ? strlen(field) : 0, field == NULL},
        expected ? *expected : none,
        actual ? *actual : none,
    };
    buf_t b;
    buf_init(&b);
    csv_format_record(&b, f, 6, 0);
    rc->out->write(rc->out, b.data, b.len);
    buf_free(&b);
}

/* Unpacks a row's blob into fields (pointing into the blob). */
static size_t unpack(const unsigned char *p, size_t len, field_t *f, size_t max)
{
    size_t n = 0, i = 0;
    while (i + 5 <= len && n < max) {
        uint32_t flen;
        memcpy(&flen, p + i + 1, sizeof flen);
        f[n].null = p[i] == 'N';
        f[n].data = (const char *)p + i + 5;
        f[n].len = flen;
        n++;
        i += 5 + flen;
    }
    return n;
}

static int compare_keys(sqlite3_stmt *a, sqlite3_stmt *b)
{
    int al = sqlite3_column_bytes(a, 0), bl = sqlite3_column_bytes(b, 0);
    int c = memcmp(sqlite3_column_blob(a, 0), sqlite3_column_blob(b, 0),
                   (size_t)(al < bl ? al : bl));
    return c ? c : (al > bl) - (al < bl);
}

/* The id as the row wrote it (its field `id`). */
static const field_t *id_field(const field_t *f, size_t n, int col)
{
    return col >= 0 && (size_t)col < n ? &f[col] : NULL;
}

void reconcile_compare(reconcile_t *rc, table_id_t table)
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
    size_t ncommon = 0;
    int *epos = xcalloc(eh->ncols + 1, sizeof *epos), *apos = xcalloc(eh->ncols + 1, sizeof *apos);
    column_type_t *types = xcalloc(eh->ncols + 1, sizeof *types);
    for (size_t i = 0; i < eh->ncols; i++) {
        int j = table_col(ah, eh->cols[i]);
        if (j < 0)
            continue;
        epos[ncommon] = (int)i;
        apos[ncommon] = j;
        types[ncommon] = schema_type_of(table, eh->cols[i]);
        ncommon++;
    }
    int eid = table_col(eh, "id"), aid = table_col(ah, "id");

    char sql[2][80];
    sqlite3_stmt *st[2];
    for (int s = 0; s < SIDES; s++) {
        snprintf(sql[s], sizeof sql[s], "SELECT k, v FROM t%d_%d ORDER BY k, rowid", table, s);
        check(rc, sqlite3_prepare_v2(rc->db, sql[s], -1, &st[s], NULL) == SQLITE_OK);
    }
    size_t ef_cap = eh->ncols + 1, af_cap = ah->ncols + 1;
    field_t *ef = xcalloc(ef_cap, sizeof *ef), *af = xcalloc(af_cap, sizeof *af);
    int have[2] = {sqlite3_step(st[0]), sqlite3_step(st[1])};
    unsigned tick = 0;
    while (have[0] == SQLITE_ROW || have[1] == SQLITE_ROW) {
        if ((++tick & 0xfff) == 0)
            check_interrupted();
        int c = have[0] != SQLITE_ROW ? 1 : have[1] != SQLITE_ROW ? -1 : compare_keys(st[0], st[1]);
        size_t en = 0, an = 0;
        if (c <= 0)
            en = unpack(sqlite3_column_blob(st[0], 1), (size_t)sqlite3_column_bytes(st[0], 1),
                        ef, ef_cap);
        if (c >= 0)
            an = unpack(sqlite3_column_blob(st[1], 1), (size_t)sqlite3_column_bytes(st[1], 1),
                        af, af_cap);
        if (c < 0) {
            const field_t *id = id_field(ef, en, eid);
            emit(rc, table, id ? id->data : NULL, id ? id->len : 0, "missing", NULL, NULL, NULL);
            rc->missing[table]++;
            have[0] = sqlite3_step(st[0]);
        } else if (c > 0) {
            const field_t *id = id_field(af, an, aid);
            emit(rc, table, id ? id->data : NULL, id ? id->len : 0, "extra", NULL, NULL, NULL);
            rc->extra[table]++;
            have[1] = sqlite3_step(st[1]);
        } else {
            const field_t *id = id_field(ef, en, eid);
            bool differs = false;
            for (size_t k = 0; k < ncommon; k++) {
                if ((size_t)epos[k] >= en || (size_t)apos[k] >= an)
                    continue;
                const field_t *x = &ef[epos[k]], *y = &af[apos[k]];
                bool same = x->null == y->null &&
                            (x->null || equal_values(types[k], x->data, x->len, y->data, y->len));
                if (!same) {
                    emit(rc, table, id ? id->data : NULL, id ? id->len : 0, "changed",
                         eh->cols[epos[k]], x, y);
                    rc->changed_fields[table]++;
                    differs = true;
                }
            }
            if (differs)
                rc->changed_rows[table]++;
            else
                rc->same[table]++;
            have[0] = sqlite3_step(st[0]);
            have[1] = sqlite3_step(st[1]);
        }
    }
    if (have[0] != SQLITE_DONE || have[1] != SQLITE_DONE)
        check(rc, 0);
    sqlite3_finalize(st[0]);
    sqlite3_finalize(st[1]);
    free(ef);
    free(af);
    free(epos);
    free(apos);
    free(types);
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
    for (int t = 0; t < 3; t++)
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

/* ---- the product's two-pass interface, which the reference does not need:
** reconcile_compare() above writes each table's rows at once ---- */

bool reconcile_wants_rows(const reconcile_t *rc, table_id_t table, bool actual)
{
    (void)rc;
    (void)table;
    (void)actual;
    return false;
}

/* Never called: reconcile_wants_rows() is false. */
stage_t *reconcile_collect_new(reconcile_t *rc, table_id_t table, bool actual)
{
    (void)rc;
    (void)table;
    (void)actual;
    runtime_error("internal error: the reference reconcile reads each table once");
}

void reconcile_report(reconcile_t *rc, table_id_t table)
{
    (void)rc;
    (void)table;
}

/* The reference compares the rows themselves: nothing to fingerprint. */
static stage_result_t pass_through(stage_t *self, row_t *row)
{
    (void)self;
    (void)row;
    return STAGE_PASS;
}

static void pass_through_free(stage_t *self)
{
    free(self);
}

/* One database and one set of totals: one side at a time. */
bool reconcile_sides_at_once(const reconcile_t *rc)
{
    (void)rc;
    return false;
}

stage_t *reconcile_fingerprint_new(reconcile_t *rc, table_id_t table, bool actual)
{
    (void)rc;
    (void)table;
    (void)actual;
    stage_t *s = xcalloc(1, sizeof *s);
    s->name = "reconcile-fingerprint";
    s->process = pass_through;
    s->free = pass_through_free;
    return s;
}
