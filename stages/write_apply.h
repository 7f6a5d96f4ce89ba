/*
** write_apply.h: OUT/apply.psql, the psql script that changes the planner
** database itself, in one transaction, as the application's own Alembic
** migration does: migrate's takes it from revision 976e6adbac6f to
** 92023c163a26, rollback's back again.
**
**     psql -X -v ON_ERROR_STOP=1 -d DB -v dir=OUT -f OUT/apply.psql
**
** run against the database that IN was dumped from (or a restore of it).
** Its DDL is the schema's (stages/ddl.c), in the application's names, and
** it touches nothing but the three tables and alembic_version.
**
** Before it changes anything it stages OUT's CSV files (every column as
** text, by position: no name from the data is spelt in the script) and
** refuses, with one message and everything rolled back, a database that
** is not the one phasemig read: another revision (already migrated, or
** another one); projects (id, start_date, end_date) or phases (id,
** project_id, and phase_type, or what the name says of it) that differ
** from OUT's, counted and the first five named; another number of
** assignments than the dataset's (both numbers said); rollback's, also an
** assignment OUT has no link for, named with its project.
**
** migrate's (forward): adds name, start_date, end_date, description to
** project_phases with their indexes, fills them from OUT/project_phases.csv
** in one UPDATE, makes them NOT NULL, adds check_phase_dates, drops
** phase_type, then project_phase_id with its foreign key and index, and
** sets the revision: the application's steps in its order, so that pg_dump
** of the result equals the application's.
**
** rollback's (back): rebuilds project_phases and resource_assignments in
** the old layout (phase_type second, project_phase_id third, as they
** stood), their rows from the database with phase_type and
** project_phase_id from OUT's files (derived from dates, or restored with
** --against); the foreign keys of other tables that point at them are
** dropped and added again as they were, and their owners and grants kept.
**
** Both check the result before COMMIT against what phasemig wrote (phases
** per name or type, no phase without a name or dates, every assignment
** linked) and print a line of what they did.
*/
#ifndef PHASEMIG_WRITE_APPLY_H
#define PHASEMIG_WRITE_APPLY_H

#include "stages.h"

/* Phases by name (migrate) or by type (rollback), as written. */
typedef struct apply_label {
    char *label;
    uint64_t count;
} apply_label_t;

typedef struct apply_input {
    schema_t to;                        /* SCHEMA_NEW: migrate's; SCHEMA_OLD: rollback's */
    bool gzip;                          /* the files are NAME.csv.gz */
    const table_t *headers[T_COUNT];    /* of the files, as written */
    uint64_t rows[T_COUNT];             /* the rows the files hold */
    uint64_t assignments_read;          /* the dataset's: the database must have as many */
    const apply_label_t *labels;
    size_t nlabels;
} apply_input_t;

/* Writes the script to `path` (through bytesink_file_new). */
void write_apply(const char *path, const apply_input_t *in);

#endif
