#include "problems.h"

#include <stdlib.h>
#include <string.h>

#include "csvtext.h"
#include "errors.h"
#include "bytes.h"
#include "values.h"

#define VALUE_SHOWN 60

void problems_init(problems_t *p, size_t max_errors)
{
    memset(p, 0, sizeof *p);
    p->max_errors = max_errors;
    buf_init(&p->line);
}

void problems_free(problems_t *p)
{
    bytesink_free(p->rejects);
    p->rejects = NULL;
    buf_free(&p->line);
    for (size_t i = 0; i < p->nshown; i++)
        free(p->shown[i]);
    p->nshown = 0;
    for (size_t i = 0; i < p->nwarnings && i < PROBLEMS_SHOWN; i++)
        free(p->warnings[i]);
    p->nwarnings = 0;
}

void problem_warn(problems_t *p, const char *fmt, ...)
{
    if (p->nwarnings < PROBLEMS_SHOWN) {
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        p->warnings[p->nwarnings] = xstrdup(msg);
    }
    p->nwarnings++;
}

void problems_print_warnings(const problems_t *p, FILE *out)
{
    for (size_t i = 0; i < p->nwarnings && i < PROBLEMS_SHOWN; i++)
        fprintf(out, "phasemig: warning: %s\n", p->warnings[i]);
    if (p->nwarnings > PROBLEMS_SHOWN)
        fprintf(out, "phasemig: warning: ... and %zu more warnings\n",
                p->nwarnings - PROBLEMS_SHOWN);
}

void problem_escape(buf_t *b, const char *s, size_t len)
{
    size_t n = len > VALUE_SHOWN ? VALUE_SHOWN : len;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\' || c == '\'') {
            buf_addc(b, '\\');
            buf_addc(b, (char)c);
            i++;
        } else if (c == '\n') {
            buf_adds(b, "\\n");
            i++;
        } else if (c == '\r') {
            buf_adds(b, "\\r");
            i++;
        } else if (c == '\t') {
            buf_adds(b, "\\t");
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            buf_printf(b, "\\x%02x", c);
            i++;
        } else if (c < 0x80) {
            buf_addc(b, (char)c);
            i++;
        } else {
            /* keep a whole valid UTF-8 sequence, else escape the byte */
            size_t seq = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            if (i + seq <= len && utf8_valid(s + i, seq)) {
                buf_add(b, s + i, seq);
                i += seq;
            } else {
                buf_printf(b, "\\x%02x", c);
                i++;
            }
        }
    }
    if (len > VALUE_SHOWN)
        buf_adds(b, "...");
}

void problems_set_rejects(problems_t *p, struct bytesink *sink, int (*key_col)(const table_t *t))
{
    p->key_col = key_col;
    static const char header[] = "table,line,id,column,value,reason,raw\n";
    p->rejects = sink;
    sink->write(sink, header, sizeof header - 1);
}

static void write_reject(problems_t *p, const table_t *t, const row_t *row, int64_t line,
                         const char *col, const char *value, size_t value_len,
                         const char *reason)
{
    if (!p->rejects)
        return;
    buf_t *b = &p->line;
    buf_clear(b);
    char number[24];
    snprintf(number, sizeof number, "%lld", (long long)line);
    int idcol = p->key_col(t);
    const field_t *id = row && idcol >= 0 && (size_t)idcol < row->n ? &row->f[idcol] : NULL;
    field_t f[7] = {
        {t->name, strlen(t->name), false},
        {number, strlen(number), false},
        {id ? id->data : "", id ? id->len : 0, !id || id->null},
        {col, strlen(col), false},
        {value ? value : "", value ? value_len : 0, value == NULL},
        {reason, strlen(reason), false},
        {row && row->raw ? row->raw : "", row && row->raw ? row->raw_len : 0, !row || !row->raw},
    };
    csv_format_record(b, f, 7, 0);
    p->rejects->write(p->rejects, b->data, b->len);
}

void problem_taken_along(problems_t *p, const table_t *t, const row_t *row, const char *col,
                         const char *reason)
{
    int at = table_col(t, col);
    const field_t *f = at >= 0 && (size_t)at < row->n ? &row->f[at] : NULL;
    write_reject(p, t, row, row->line, col, f && !f->null ? f->data : NULL, f ? f->len : 0,
                 reason);
}

static void keep(problems_t *p, buf_t *msg)
{
    p->count++;
    if (p->nshown < PROBLEMS_SHOWN)
        p->shown[p->nshown++] = xstrdup(buf_str(msg));
    buf_free(msg);
}

static void vproblem_at(problems_t *p, const table_t *t, const row_t *row, int64_t line,
                        const char *col, const char *value, size_t value_len, const char *fmt,
                        va_list ap)
{
    buf_t msg;
    buf_init(&msg);
    buf_printf(&msg, "%s:%lld: column %s: '", t->source, (long long)line, col);
    if (value)
        problem_escape(&msg, value, value_len);
    buf_adds(&msg, "': ");
    char rule[512];
    vsnprintf(rule, sizeof rule, fmt, ap);
    buf_adds(&msg, rule);
    keep(p, &msg);
    write_reject(p, t, row, line, col, value, value_len, rule);
}

void problem_at(problems_t *p, const table_t *t, const row_t *row, int64_t line,
                const char *col, const char *value, size_t value_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vproblem_at(p, t, row, line, col, value, value_len, fmt, ap);
    va_end(ap);
}

void problem_field(problems_t *p, const table_t *t, const row_t *row, size_t col,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const field_t *f = &row->f[col];
    vproblem_at(p, t, row, row->line, t->cols[col], f->null ? NULL : f->data, f->len, fmt, ap);
    va_end(ap);
}

void problem_fatal(problems_t *p, const char *source, const char *fmt, ...)
{
    buf_t msg;
    buf_init(&msg);
    buf_printf(&msg, "%s: ", source);
    char cause[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cause, sizeof cause, fmt, ap);
    va_end(ap);
    buf_adds(&msg, cause);
    p->fatal++;
    keep(p, &msg);
}

void problems_append(problems_t *into, problems_t *from)
{
    if (into->rejects || from->rejects)
        runtime_error("internal error: problems with rejects cannot be appended");
    for (size_t i = 0; i < from->nshown; i++) {
        if (into->nshown < PROBLEMS_SHOWN)
            into->shown[into->nshown++] = from->shown[i];
        else
            free(from->shown[i]);
    }
    size_t from_warnings = from->nwarnings < PROBLEMS_SHOWN ? from->nwarnings : PROBLEMS_SHOWN;
    for (size_t i = 0; i < from_warnings; i++) {
        if (into->nwarnings < PROBLEMS_SHOWN)
            into->warnings[into->nwarnings] = from->warnings[i];
        else
            free(from->warnings[i]);
        into->nwarnings++;
    }
    into->nwarnings += from->nwarnings - from_warnings;
    into->count += from->count;
    into->fatal += from->fatal;
    from->nshown = from->nwarnings = from->count = from->fatal = 0;
}

bool problems_full(const problems_t *p)
{
    return p->max_errors > 0 && p->count >= p->max_errors;
}

void problems_print(const problems_t *p, FILE *out)
{
    for (size_t i = 0; i < p->nshown; i++)
        fprintf(out, "%s\n", p->shown[i]);
    if (p->count > p->nshown)
        fprintf(out, "... and %zu more\n", p->count - p->nshown);
    if (problems_full(p))
        fprintf(out, "phasemig: stopped after %zu problems (--max-errors)%s\n", p->count,
                nothing_written());
    else
        fprintf(out, "phasemig: %zu problem%s in the input%s\n", p->count,
                p->count == 1 ? "" : "s", nothing_written());
}
