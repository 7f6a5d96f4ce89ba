/*
** csvtext.h: CSV as phasemig writes it, quoted as PostgreSQL's COPY ... CSV
** writes it, so that the output loads back exactly: NULL is an empty
** unquoted field, an empty string is "", and a value is quoted when it
** holds a comma, a quote, CR or LF (or is exactly \. , which psql would
** take for the end of data). Line end: LF.
*/
#ifndef PHASEMIG_CSVTEXT_H
#define PHASEMIG_CSVTEXT_H

#include "row.h"

void csv_format_field(buf_t *out, const field_t *f);
/* n fields and a line end; the first `plain` of them are NULL or text that
** needs no quotes (the caller knows it: an id or date that was parsed),
** copied unchecked. */
void csv_format_record(buf_t *out, const field_t *f, size_t n, size_t plain);
/* The row's fields and a line end; its plain fields are copied unchecked. */
void csv_format_row(buf_t *out, const row_t *r);
/* n strings (NULL: SQL NULL) and a line end */
void csv_format_strings(buf_t *out, const char *const *values, size_t n);

#endif
