/*
** state: the state a dataset is in (state.h).
*/
#include "state.h"

#include <stdio.h>
#include <string.h>

/* The columns of project_phases that the new schema adds and `phases`
** has, "name, start_date" into out; how many. */
static size_t added_columns(const table_t *phases, char *out, size_t size)
{
    const char *added[8];
    size_t n = schema_diff(T_PHASES, SCHEMA_NEW, SCHEMA_OLD, added, 8), found = 0, len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        if (table_col(phases, added[i]) >= 0)
            len += (size_t)snprintf(out + len, len < size ? size - len : 0, "%s%s",
                                    found++ ? ", " : "", added[i]);
    return found;
}

const char *state_refusal(const table_t *phases, const table_t *assignments,
                          const char *revision, schema_t want)
{
    static char line[512];
    binding_t p, a;
    schema_bind(&p, T_PHASES, phases);
    bool type = p.at[PHASES_PHASE_TYPE] >= 0;
    bool named = p.at[PHASES_NAME] >= 0 && p.at[PHASES_START_DATE] >= 0 &&
                 p.at[PHASES_END_DATE] >= 0;
    bool link = false;
    if (assignments) {
        schema_bind(&a, T_ASSIGNMENTS, assignments);
        link = a.at[ASSIGNMENTS_PROJECT_PHASE_ID] >= 0;
    }
    char added[128];
    if (type && added_columns(phases, added, sizeof added) > 0) {
        snprintf(line, sizeof line,
                 "this dataset is half-migrated: project_phases has phase_type and also %s, as "
                 "the application's migration %s leaves a SQLite database where it stops%s%s%s; "
                 "migrate the copy from before the migration (the backup taken before it)",
                 added, schema_revision(SCHEMA_NEW), revision ? " (alembic_version still says " : "",
                 revision ? revision : "", revision ? ")" : "");
        return line;
    }
    /* the revision against the columns: one of the migration's own two */
    schema_t columns = type ? SCHEMA_OLD : SCHEMA_NEW;
    if (revision && (type || named)) {
        for (int s = SCHEMA_OLD; s <= SCHEMA_NEW; s++)
            if ((schema_t)s != columns && strcmp(revision, schema_revision((schema_t)s)) == 0) {
                snprintf(line, sizeof line,
                         "its alembic_version says %s, but its tables are in the %s schema (%s): "
                         "no state the application's migrations make; use the copy from before "
                         "the migration (the backup taken before it)",
                         revision, columns == SCHEMA_OLD ? "old" : "new",
                         columns == SCHEMA_OLD ? "phase_type" : "named, dated phases");
                return line;
            }
    }
    if (want == SCHEMA_NEW && type && !named)
        return link ? "this dataset has phase_type and project_phase_id: it is in the old "
                      "schema; use phasemig migrate"
                    : "this dataset has phase_type and no phase names or dates: it is in "
                      "the old schema; use phasemig migrate";
    if (want == SCHEMA_OLD && !type && named)
        return "this dataset has named, dated phases and no phase_type: it is in the new "
               "schema; use phasemig verify or phasemig rollback";
    return NULL;
}
