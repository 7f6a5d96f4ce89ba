#include "csvtext.h"

#include <string.h>

void csv_format_field(buf_t *out, const field_t *f)
{
    if (f->null)
        return;
    bool quote = f->len == 0 || (f->len == 2 && memcmp(f->data, "\\.", 2) == 0);
    for (size_t i = 0; i < f->len && !quote; i++) {
        char c = f->data[i];
        quote = c == ',' || c == '"' || c == '\n' || c == '\r';
    }
    if (!quote) {
        buf_add(out, f->data, f->len);
        return;
    }
    buf_addc(out, '"');
    const char *p = f->data, *end = f->data + f->len;
    while (p < end) {
        const char *q = memchr(p, '"', (size_t)(end - p));
        if (!q) {
            buf_add(out, p, (size_t)(end - p));
            break;
        }
        buf_add(out, p, (size_t)(q - p) + 1);
        buf_addc(out, '"');
        p = q + 1;
    }
    buf_addc(out, '"');
}

void csv_format_record(buf_t *out, const field_t *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_addc(out, ',');
        csv_format_field(out, &f[i]);
    }
    buf_addc(out, '\n');
}

void csv_format_strings(buf_t *out, const char *const *values, size_t n)
{
    field_t f[16];
    for (size_t i = 0; i < n && i < ARRAY_LEN(f); i++) {
        f[i].null = values[i] == NULL;
        f[i].data = values[i] ? values[i] : "";
        f[i].len = values[i] ? strlen(values[i]) : 0;
    }
    csv_format_record(out, f, n < ARRAY_LEN(f) ? n : ARRAY_LEN(f));
}

