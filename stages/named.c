/*
** named: the first few of many, by name (named.h).
*/
#include "named.h"

#include <stdarg.h>
#include <stdio.h>

void named_add(named_t *named, const char *fmt, ...)
{
    if (named->n < NAMED_MAX) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(named->text[named->n], sizeof named->text[named->n], fmt, ap);
        va_end(ap);
    }
    named->n++;
}

void named_words(const named_t *named, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    for (uint64_t i = 0; i < named->n && i < NAMED_MAX && len + 1 < size; i++)
        len += (size_t)snprintf(out + len, size - len, "%s%s", i ? ", " : "", named->text[i]);
    if (named->n > NAMED_MAX && len + 1 < size)
        snprintf(out + len, size - len, ", ...");
}
