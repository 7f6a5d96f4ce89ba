#include "row.h"

#include <stdlib.h>
#include <string.h>

table_t *table_new(const char *name, const char *source)
{
    table_t *t = xcalloc(1, sizeof *t);
    t->name = xstrdup(name);
    t->source = xstrdup(source);
    return t;
}

void table_add_col(table_t *t, const char *col, size_t len)
{
    /* grows by doubling: a capacity is a power of two */
    if ((t->ncols & (t->ncols - 1)) == 0)
        t->cols = xrealloc(t->cols, (t->ncols ? t->ncols * 2 : 1) * sizeof *t->cols);
    t->cols[t->ncols++] = xstrndup(col, len);
}

int table_col(const table_t *t, const char *col)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i], col) == 0)
            return (int)i;
    return -1;
}

table_t *table_copy(const table_t *t)
{
    table_t *c = table_new(t->name, t->source);
    for (size_t i = 0; i < t->ncols; i++)
        table_add_col(c, t->cols[i], strlen(t->cols[i]));
    return c;
}

void table_free(table_t *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ncols; i++)
        free(t->cols[i]);
    free(t->cols);
    free(t->name);
    free(t->source);
    free(t);
}

void row_init(row_t *r)
{
    memset(r, 0, sizeof *r);
    buf_init(&r->bytes);
    buf_init(&r->rawbuf);
}

void row_free(row_t *r)
{
    free(r->f);
    free(r->offs);
    buf_free(&r->bytes);
    buf_free(&r->rawbuf);
    memset(r, 0, sizeof *r);
}

void row_reset(row_t *r)
{
    r->n = 0;
    r->line = 0;
    r->raw = NULL;
    r->raw_len = 0;
    r->broken = false;
    r->plain = 0;
    r->noted = false;
    buf_clear(&r->bytes);
}

void row_push(row_t *r, const char *data, size_t len)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->f = xrealloc(r->f, r->cap * sizeof *r->f);
        r->offs = xrealloc(r->offs, r->cap * sizeof *r->offs);
    }
    field_t *f = &r->f[r->n];
    r->offs[r->n] = r->bytes.len;
    f->null = data == NULL;
    f->len = data ? len : 0;
    if (data)
        buf_add(&r->bytes, data, len);
    buf_addc(&r->bytes, '\0');
    r->n++;
}

void row_seal(row_t *r)
{
    for (size_t i = 0; i < r->n; i++)
        r->f[i].data = r->bytes.data + r->offs[i];
}

const char *row_bytes(const row_t *r, size_t *len)
{
    *len = r->bytes.len;
    return r->bytes.data ? r->bytes.data : "";
}

void row_load(row_t *r, size_t n, const uint32_t *lens, const char *bytes, size_t bytes_len)
{
    row_reset(r);
    if (n > r->cap) {
        r->cap = n;
        r->f = xrealloc(r->f, r->cap * sizeof *r->f);
        r->offs = xrealloc(r->offs, r->cap * sizeof *r->offs);
    }
    buf_add(&r->bytes, bytes, bytes_len);
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t len = lens[i];
        r->offs[i] = off;
        r->f[i].null = len == UINT32_MAX;
        r->f[i].len = len == UINT32_MAX ? 0 : len;
        off += r->f[i].len + 1;
    }
    r->n = n;
    row_seal(r);
}

void row_set_raw(row_t *r, const char *raw, size_t len)
{
    buf_clear(&r->rawbuf);
    buf_add(&r->rawbuf, raw, len);
    r->raw = buf_str(&r->rawbuf);
    r->raw_len = len;
}

void row_remove(row_t *r, size_t i)
{
    if (i < r->plain)
        r->plain--;
    memmove(&r->f[i], &r->f[i + 1], (r->n - i - 1) * sizeof *r->f);
    memmove(&r->offs[i], &r->offs[i + 1], (r->n - i - 1) * sizeof *r->offs);
    r->n--;
}

_Static_assert(sizeof(row_encoded_t) % ROW_ENCODED_ALIGN == 0, "the lengths stay aligned");

void row_encode(buf_t *out, const row_t *r, uint32_t tag)
{
    size_t bytes_len;
    const char *bytes = row_bytes(r, &bytes_len);
    row_encoded_t h = {.line = r->line,
                       .note = {r->note[0], r->note[1], r->note[2], r->note[3]},
                       .raw_len = r->raw_len,
                       .bytes_len = bytes_len,
                       .n = (uint32_t)r->n,
                       .plain = (uint32_t)r->plain,
                       .tag = tag,
                       .broken = r->broken,
                       .noted = r->noted};
    size_t size = row_encoded_size(r->n, bytes_len, r->raw_len);
    buf_reserve(out, size);
    char *o = out->data + out->len;
    memcpy(o, &h, sizeof h);
    o += sizeof h;
    for (size_t i = 0; i < r->n; i++) {
        uint32_t len = r->f[i].null ? UINT32_MAX : (uint32_t)r->f[i].len;
        memcpy(o, &len, sizeof len);
        o += sizeof len;
    }
    memcpy(o, bytes, bytes_len);
    o += bytes_len;
    if (r->raw_len)
        memcpy(o, r->raw, r->raw_len);
    o += r->raw_len;
    memset(o, 0, size - (size_t)(o - (out->data + out->len)));
    out->len += size;
    out->data[out->len] = '\0';
}

uint32_t row_decode(const char *batch, size_t *pos, row_t *r)
{
    const char *p = batch + *pos;
    row_encoded_t h;
    memcpy(&h, p, sizeof h);
    p += sizeof h;
    const uint32_t *lens = (const uint32_t *)(const void *)p;   /* aligned: see row_encoded_t */
    p += (size_t)h.n * sizeof(uint32_t);
    row_load(r, h.n, lens, p, h.bytes_len);
    p += h.bytes_len;
    r->raw = p;
    r->raw_len = h.raw_len;
    r->line = h.line;
    r->broken = h.broken;
    r->plain = h.plain;
    r->noted = h.noted;
    memcpy(r->note, h.note, sizeof r->note);
    *pos += row_encoded_size(h.n, h.bytes_len, h.raw_len);
    return h.tag;
}
