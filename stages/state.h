/*
** state.h: which state a dataset is in, told by its tables' headers and
** its Alembic revision: the old schema, the new one, or neither (the
** application's migration stopped half-way, as it does on SQLite, or a
** revision that its columns contradict). A command that takes one schema
** refuses a dataset in another state with one line that says what it is
** and what to do.
*/
#ifndef PHASEMIG_STATE_H
#define PHASEMIG_STATE_H

#include "../pipeline/frame/row.h"
#include "schema.h"

/* NULL when the header of project_phases (`phases`), of
** resource_assignments if known (`assignments`, may be NULL) and the
** revision in alembic_version (`revision`, NULL: none) fit schema `want`,
** or are not recognisably anything else; else the line that refuses it
** ("this dataset has phase_type and project_phase_id: it is in the old
** schema; use phasemig migrate"). The text lives as long as the next
** call. */
const char *state_refusal(const table_t *phases, const table_t *assignments,
                          const char *revision, schema_t want);

#endif
