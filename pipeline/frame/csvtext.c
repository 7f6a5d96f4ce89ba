#include "csvtext.h"

#include <stdint.h>
#include <string.h>

/* At most this many bytes for a field: every byte a doubled quote, and
** the two quotes around. */
static size_t most_for(const field_t *f)
{
    return 2 * f->len + 2;
}

static bool is_special(char c)
{
    return c == ',' || c == '"' || c == '\n' || c == '\r';
}

/* Whether any of a word's bytes is zero (exact: Hacker's Delight 6-1). */
static uint64_t zero_byte(uint64_t w)
{
    return (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;
}

/* Eight bytes at a time: most fields (ids, dates, numbers) have none. */
static bool has_special(const char *p, size_t n)
{
    const uint64_t ones = 0x0101010101010101ULL;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, sizeof w);
        if (zero_byte(w ^ (ones * ',')) | zero_byte(w ^ (ones * '"')) |
            zero_byte(w ^ (ones * '\n')) | zero_byte(w ^ (ones * '\r')))
            return true;
    }
    for (; i < n; i++)
        if (is_special(p[i]))
            return true;
    return false;
}

static bool needs_quotes(const field_t *f)
{
    return f->len == 0 || (f->len == 2 && memcmp(f->data, "\\.", 2) == 0) ||
           has_special(f->data, f->len);
}

/* Writes field f at `o`, which has room for most_for(f) bytes; returns
** the end. */
static char *format_field(char *o, const field_t *f)
{
    if (f->null)
        return o;
    if (!needs_quotes(f)) {
        memcpy(o, f->data, f->len);
        return o + f->len;
    }
    *o++ = '"';
    for (size_t i = 0; i < f->len; i++) {
        if (f->data[i] == '"')
            *o++ = '"';
        *o++ = f->data[i];
    }
    *o++ = '"';
    return o;
}

void csv_format_field(buf_t *out, const field_t *f)
{
    buf_reserve(out, most_for(f));
    char *end = format_field(out->data + out->len, f);
    out->len = (size_t)(end - out->data);
    out->data[out->len] = '\0';
}

/* The record of n fields, the first `plain` of which need no quotes
** (row.h). */
static void format_record(buf_t *out, const field_t *f, size_t n, size_t plain)
{
    /* one reservation for the whole record: the commas and line end too */
    size_t most = n + 1;
    for (size_t i = 0; i < n; i++)
        most += i < plain ? f[i].len : most_for(&f[i]);
    buf_reserve(out, most);
    char *o = out->data + out->len;
    for (size_t i = 0; i < n; i++) {
        if (i)
            *o++ = ',';
        if (i < plain) {
            memcpy(o, f[i].data, f[i].len);   /* a NULL one is empty */
            o += f[i].len;
        } else {
            o = format_field(o, &f[i]);
        }
    }
    *o++ = '\n';
    out->len = (size_t)(o - out->data);
    out->data[out->len] = '\0';
}

void csv_format_record(buf_t *out, const field_t *f, size_t n, size_t plain)
{
    format_record(out, f, n, plain);
}

void csv_format_row(buf_t *out, const row_t *r)
{
    format_record(out, r->f, r->n, r->plain < r->n ? r->plain : r->n);
}

void csv_format_strings(buf_t *out, const char *const *values, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_addc(out, ',');
        field_t f = {values[i] ? values[i] : "", values[i] ? strlen(values[i]) : 0, !values[i]};
        csv_format_field(out, &f);
    }
    buf_addc(out, '\n');
}
