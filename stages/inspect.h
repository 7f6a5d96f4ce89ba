/*
** inspect.h: how a dataset's three tables, as its database declares
** them, differ from the application's (verify's check 8): columns in
** their order, types, NOT NULLs, primary keys, indexes, foreign keys and
** CHECKs. Each difference is named, in words ("project_phases.name is
** TEXT, not VARCHAR(100)"; "resource_assignments has no index
** ix_resource_assignments_project_date").
*/
#ifndef PHASEMIG_INSPECT_H
#define PHASEMIG_INSPECT_H

#include "schema.h"
#include "stages.h"

/* The SQLite database at `path` against schema s in SQLite: its
** differences into *out (out->n of them); -1 if it cannot be opened. */
int inspect_sqlite(const char *path, schema_t s, named_t *out);
/* The statements pg_dump keeps for an archive's schema (the table of
** contents' definitions: CREATE TABLE, ALTER TABLE ... ADD CONSTRAINT,
** CREATE INDEX; others are passed over) against schema s in PostgreSQL:
** their differences into *out. */
void inspect_pg_ddl(const char *const *statements, size_t n, schema_t s, named_t *out);

#endif
