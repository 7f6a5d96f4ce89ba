/*
** json.h: the one JSON writer. Every JSON phasemig prints (summary.json,
** verify --json, reconcile --json) is built in a buf_t by its presenter;
** what they share is how a string is written.
*/
#ifndef PHASEMIG_JSON_H
#define PHASEMIG_JSON_H

#include "util.h"

/* Appends `s` (UTF-8, NUL-terminated) as a JSON string, quoted: '"' and
** '\' escaped with a backslash, control characters as \u00XX, the rest
** as it is. */
void json_string(buf_t *b, const char *s);

#endif
