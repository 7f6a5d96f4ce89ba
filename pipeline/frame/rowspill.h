/*
** rowspill.h: rows kept for later, in input order, out of memory.
**
** The projects and phases of a large dump are held from the time they are
** validated until they are written, and as row_t copies they took three
** times their size in memory. A rowspill keeps them encoded: in a buffer
** while they are few, in an unlinked spill file in $TMPDIR once they pass
** ROWSPILL_MEMORY (then in batches of ROWSPILL_FILE_BATCH). They are read
** back once, in the order they were added; as the last row is read, the
** buffer and the file are let go (that row's own bytes stay until the
** next call), though the rowspill lives on.
*/
#ifndef PHASEMIG_ROWSPILL_H
#define PHASEMIG_ROWSPILL_H

#include <stdbool.h>

#include "row.h"

#define ROWSPILL_MEMORY (1u << 20)
#define ROWSPILL_FILE_BATCH (64u << 10)

typedef struct rowspill rowspill_t;

rowspill_t *rowspill_new(void);
void rowspill_free(rowspill_t *s);
/* Appends a copy of r's fields and line, and its raw text if with_raw (and
** r has one). A spill file that cannot be written ends the run. */
void rowspill_add(rowspill_t *s, const row_t *r, bool with_raw);
/* Makes *out (reset) the next row added, in order; false after the last.
** The first call ends adding. */
bool rowspill_next(rowspill_t *s, row_t *out);
/* Whether the added rows' buffer and file have been let go (tests). */
bool rowspill_released(const rowspill_t *s);

#endif
