/*
** write_psql: OUT/load.psql, a psql script that loads the CSV output into
** PostgreSQL in one transaction (see write_psql.h for what it does and
** how it is run).
*/
#include "write_psql.h"

#include <inttypes.h>
#include <string.h>

#include "dataset.h"
#include "ddl.h"
#include "write_apply.h"

/* The order foreign keys need: a table after those it refers to. Table
** names are phasemig's own (dataset.h): they go into the script as they
** are, in file names and messages. */
/* The table's place in load order (table_id_t's), T_COUNT if unknown. */
static size_t load_rank(const char *name)
{
    for (int t = 0; t < T_COUNT; t++)
        if (strcmp(name, schema_table_name((table_id_t)t)) == 0)
            return (size_t)t;
    return T_COUNT;
}

/* Whether a name can be spelt in psql's \copy as a quoted identifier
** (ddl_quoted): it passes double-quoted words through whole (spaces,
** commas, parentheses, colons and backslashes included), but it reads one
** line, so a line break cannot be spelt; nor can an empty name. */
static bool identifier_ok(const char *s)
{
    return *s && !strpbrk(s, "\r\n");
}

/* Text inside a SQL string literal that is also a RAISE format: ' and %
** doubled. */
static void add_raise_text(buf_t *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '\'' || *s == '%')
            buf_addc(b, *s);
        buf_addc(b, *s);
    }
}

/* A statement that fails with `text` (psql stops: ON_ERROR_STOP). */
static void add_raise(buf_t *b, const char *text)
{
    buf_adds(b, "DO $phasemig$BEGIN RAISE EXCEPTION 'load.psql: ");
    add_raise_text(b, text);
    buf_adds(b, "'; END$phasemig$;\n");
}

static void add_preamble(buf_t *b, bool gzip, schema_t schema, const psql_table_t *t,
                         size_t n)
{
    const char *ext = gzip ? ".csv.gz" : ".csv";
    buf_printf(b, "-- load.psql, written by phasemig %s: loads the files\n--    ",
               schema == SCHEMA_NEW ? "migrate" : "rollback");
    for (size_t i = 0; i < n; i++)
        buf_printf(b, " %s%s", t[i].header->name, ext);
    buf_printf(b,
               "\n-- into the tables of the %s schema (`phasemig schema --%s`), in one\n"
               "-- transaction: every row or none.\n"
               "--\n"
               "--     cd OUT && psql -X -f load.psql           (and connection options)\n"
               "--     psql -X -v dir=OUT -f OUT/load.psql      (from anywhere)\n"
               "--\n"
               "-- Each \\copy names the columns of its file's header, so their order in\n"
               "-- the table does not matter; a column the table lacks stops the load.\n"
               "-- NULL is an empty unquoted field, an empty string is \"\". The tables\n"
               "-- are not schema-qualified: search_path says where they go. The rows\n"
               "-- loaded are printed beside the rows phasemig wrote; an error or a\n"
               "-- difference rolls everything back (psql exits with status 3).\n"
               "-- Needs psql 10 or later.\n",
               schema == SCHEMA_NEW ? "new" : "old", schema == SCHEMA_NEW ? "new" : "old");
    if (gzip)
        buf_adds(b, "-- The files are gzip: psql runs `gzip -dc` to read them.\n");
    buf_adds(b, "\\set ON_ERROR_STOP on\n"
                "\\encoding UTF8\n"
                "\\if :{?dir}\n"
                "\\cd :dir\n"
                "\\endif\n");
}

void write_psql(const char *path, bool gzip, schema_t schema, const psql_table_t *tables, size_t n)
{
    /* the tables in load order: by rank, then as given */
    psql_table_t *t = xcalloc(n ? n : 1, sizeof *t);
    size_t k = 0;
    for (size_t rank = 0; rank <= T_COUNT; rank++)
        for (size_t i = 0; i < n; i++)
            if (load_rank(tables[i].header->name) == rank)
                t[k++] = tables[i];
    buf_t b;
    buf_init(&b);
    add_preamble(&b, gzip, schema, t, n);

    const char *unnamable = NULL;
    for (size_t i = 0; i < n && !unnamable; i++)
        for (size_t c = 0; c < t[i].header->ncols; c++)
            if (!identifier_ok(t[i].header->cols[c])) {
                unnamable = t[i].header->name;
                break;
            }
    if (unnamable) {
        buf_t text;
        buf_init(&text);
        buf_printf(&text,
                   "%s%s has a column whose name is empty or holds a line break, which "
                   "psql's copy command cannot name: nothing loaded",
                   unnamable, gzip ? ".csv.gz" : ".csv");
        add_raise(&b, buf_str(&text));
        buf_free(&text);
    } else {
        buf_adds(&b, "BEGIN;\n");
        for (size_t i = 0; i < n; i++) {
            const table_t *h = t[i].header;
            buf_adds(&b, "\\copy ");
            ddl_quoted(&b, h->name);
            buf_adds(&b, " (");
            for (size_t c = 0; c < h->ncols; c++) {
                if (c)
                    buf_adds(&b, ", ");
                ddl_quoted(&b, h->cols[c]);
            }
            if (gzip)
                buf_printf(&b, ") FROM PROGRAM 'gzip -dc %s.csv.gz'", h->name);
            else
                buf_printf(&b, ") FROM '%s.csv'", h->name);
            buf_printf(&b, " WITH (FORMAT csv, HEADER true)\n"
                           "\\set phasemig_rows_%zu :ROW_COUNT\n",
                       i + 1);
        }
        for (size_t i = 0; i < n; i++)
            buf_printf(&b, "\\echo 'load.psql: %s:' :phasemig_rows_%zu 'rows loaded, phasemig "
                           "wrote %" PRIu64 "'\n",
                       t[i].header->name, i + 1, t[i].rows);
        buf_adds(&b, "SELECT ");
        for (size_t i = 0; i < n; i++)
            buf_printf(&b, "%s:phasemig_rows_%zu = %" PRIu64, i ? " AND " : "", i + 1,
                       t[i].rows);
        buf_adds(&b, n ? " AS phasemig_rows_ok \\gset\n" : "true AS phasemig_rows_ok \\gset\n");
        buf_adds(&b, "\\if :phasemig_rows_ok\n"
                     "COMMIT;\n"
                     "\\else\n");
        add_raise(&b, "the files do not hold the rows phasemig wrote: nothing loaded");
        buf_adds(&b, "\\endif\n");
    }

    bytesink_t *f = bytesink_file_new(path);
    f->write(f, b.data, b.len);
    f->close(f);
    bytesink_free(f);
    buf_free(&b);
    free(t);
}

/* ---- the sink that notes what is written ---- */

typedef struct {
    sink_t base;
    sink_t *inner;
    char *dir;
    bool gzip;
    schema_t schema;
    const uint64_t *assignments_read;
    table_t *headers[8];
    uint64_t rows[8];
    size_t n;
    /* the phases by name (new schema) or type (old), for apply.psql */
    int label_col;      /* in the phases' header; -1: not the phases */
    apply_label_t *labels;
    size_t nlabels;
} psql_sink_t;

static void psql_begin(sink_t *self, const table_t *t)
{
    psql_sink_t *s = (psql_sink_t *)self;
    if (s->n == ARRAY_LEN(s->headers))
        runtime_error("internal error: load.psql: more than %zu tables", ARRAY_LEN(s->headers));
    s->headers[s->n] = table_copy(t);
    s->rows[s->n] = 0;
    s->n++;
    s->label_col = -1;
    if (schema_table_named(t->name) == T_PHASES) {
        binding_t cols;
        schema_bind(&cols, T_PHASES, t);
        s->label_col = cols.at[s->schema == SCHEMA_NEW ? PHASES_NAME : PHASES_PHASE_TYPE];
    }
    s->inner->begin(s->inner, t);
}

static void count_label(psql_sink_t *s, const field_t *f)
{
    if (f->null)
        return;
    for (size_t i = 0; i < s->nlabels; i++)
        if (strcmp(s->labels[i].label, f->data) == 0) {
            s->labels[i].count++;
            return;
        }
    s->labels = xrealloc(s->labels, (s->nlabels + 1) * sizeof *s->labels);
    s->labels[s->nlabels++] = (apply_label_t){xstrdup(f->data), 1};
}

static void psql_row(sink_t *self, const row_t *row)
{
    psql_sink_t *s = (psql_sink_t *)self;
    s->rows[s->n - 1]++;
    if (s->label_col >= 0 && (size_t)s->label_col < row->n)
        count_label(s, &row->f[s->label_col]);
    s->inner->row(s->inner, row);
}

static void psql_end(sink_t *self)
{
    psql_sink_t *s = (psql_sink_t *)self;
    s->inner->end(s->inner);
}

static void psql_close(sink_t *self)
{
    psql_sink_t *s = (psql_sink_t *)self;
    s->inner->close(s->inner);
    psql_table_t tables[ARRAY_LEN(s->headers)];
    apply_input_t apply = {.to = s->schema,
                           .gzip = s->gzip,
                           .assignments_read = *s->assignments_read,
                           .labels = s->labels,
                           .nlabels = s->nlabels};
    for (size_t i = 0; i < s->n; i++) {
        tables[i] = (psql_table_t){s->headers[i], s->rows[i]};
        table_id_t t = schema_table_named(s->headers[i]->name);
        if (t != T_COUNT) {
            apply.headers[t] = s->headers[i];
            apply.rows[t] = s->rows[i];
        }
    }
    buf_t path;
    buf_init(&path);
    buf_printf(&path, "%s/load.psql", s->dir);
    write_psql(buf_str(&path), s->gzip, s->schema, tables, s->n);
    buf_clear(&path);
    buf_printf(&path, "%s/apply.psql", s->dir);
    write_apply(buf_str(&path), &apply);
    buf_free(&path);
}

static void psql_free(sink_t *self)
{
    psql_sink_t *s = (psql_sink_t *)self;
    sink_free(s->inner);
    for (size_t i = 0; i < s->n; i++)
        table_free(s->headers[i]);
    for (size_t i = 0; i < s->nlabels; i++)
        free(s->labels[i].label);
    free(s->labels);
    free(s->dir);
    free(s);
}

sink_t *psql_sink_new(sink_t *inner, const char *dir, bool gzip, schema_t schema,
                      const uint64_t *assignments_read)
{
    psql_sink_t *s = xcalloc(1, sizeof *s);
    s->base.begin = psql_begin;
    s->base.row = psql_row;
    s->base.end = psql_end;
    s->base.close = psql_close;
    s->base.free = psql_free;
    s->inner = inner;
    s->dir = xstrdup(dir);
    s->gzip = gzip;
    s->schema = schema;
    s->assignments_read = assignments_read;
    s->label_col = -1;
    return &s->base;
}
