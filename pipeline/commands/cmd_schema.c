/*
** schema --old|--new: prints the PostgreSQL DDL of the planner's tables
** before or after the migration, as the application's database has them
** (stages/ddl.c writes it from the schema's data, stages/schema.c).
** migrate's load.psql loads into the new tables, rollback's into the old.
**
** docs/schema-old.sql and docs/schema-new.sql are byte-identical copies:
** after a change to the schema, `./phasemig schema --old
** docs/schema-old.sql` (and --new). tests/e2e/postgres.sh checks that they
** are the same, and that a real PostgreSQL dumps them as expected.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../stages/ddl.h"
#include "commands.h"
#include "../frame/errors.h"
#include "../frame/options.h"
#include "../frame/output.h"
#include "../frame/util.h"

const char SCHEMA_USAGE[] =
    "usage: phasemig schema --old|--new [--sqlite] [FILE]\n\n"
    "Prints the PostgreSQL DDL of the planner's three tables: --old before the\n"
    "migration (phase_type, of the enum phasetype; project_phase_id), --new\n"
    "after it (named, dated phases; check_phase_dates, the budget checks,\n"
    "foreign keys, ix_project_phases_start_date and _end_date). migrate writes\n"
    "OUT/load.psql, which loads its CSV output into the --new tables in one\n"
    "transaction (cd OUT && psql -X -f load.psql); rollback's loads into the\n"
    "--old ones. The same text is in docs/schema-old.sql and docs/schema-new.sql.\n\n"
    "options:\n"
    "  --old        the schema before the migration\n"
    "  --new        the schema after it\n"
    "  --sqlite     the three tables as the application's SQLite database\n"
    "               (planner.db) has them, as SQLAlchemy writes them there\n"
    "  FILE         write it there (all at once) instead of stdout; - is stdout\n"
    "  -h, --help   this text\n\n"
    "Exit status: 0 printed; 2 usage error or a write failure.\n";

enum { SCHEMA_PICK_OLD, SCHEMA_PICK_NEW, SCHEMA_PICK_SQLITE };
static const option_spec_t SCHEMA_OPTIONS[] = {
    {"old", 0, NULL, SCHEMA_PICK_OLD},
    {"new", 0, NULL, SCHEMA_PICK_NEW},
    {"sqlite", 0, NULL, SCHEMA_PICK_SQLITE},
};

typedef struct {
    int which;      /* SCHEMA_PICK_OLD or _NEW, -1 until given */
    bool sqlite;
} schema_pick_t;

static void schema_option(void *ctx, int id, const char *value)
{
    (void)value;
    schema_pick_t *pick = ctx;
    if (id == SCHEMA_PICK_SQLITE) {
        pick->sqlite = true;
        return;
    }
    if (pick->which >= 0 && pick->which != id)
        usage_error("schema", "--old or --new, not both");
    pick->which = id;
}

int cmd_schema(int argc, char **argv)
{
    schema_pick_t pick = {-1, false};
    const char *operands[1];
    size_t n;
    options_parse("schema", SCHEMA_OPTIONS, ARRAY_LEN(SCHEMA_OPTIONS), argc, argv, schema_option,
                  &pick, operands, 1, &n);
    if (pick.which < 0)
        usage_error("schema", "needs --old or --new");
    schema_t s = pick.which == SCHEMA_PICK_OLD ? SCHEMA_OLD : SCHEMA_NEW;
    buf_t sql;
    buf_init(&sql);
    if (pick.sqlite) {
        for (int t = 0; t < T_COUNT; t++) {
            ddl_sqlite_create(&sql, s, (table_id_t)t, schema_table_name((table_id_t)t));
            buf_adds(&sql, ";\n");
            ddl_sqlite_indexes(&sql, s, (table_id_t)t);
        }
    } else {
        ddl_pg_schema(&sql, s);
    }
    if (n == 0 || strcmp(operands[0], "-") == 0) {
        if (fwrite(sql.data, 1, sql.len, stdout) != sql.len || fflush(stdout) != 0)
            runtime_error("stdout: write failed: %s", strerror(errno));
    } else {
        staged_file_t file = {0};
        bytesink_t *out = staged_file_open(&file, operands[0]);
        out->write(out, sql.data, sql.len);
        out->close(out);
        bytesink_free(out);
        staged_file_commit(&file);
        staged_file_free(&file);
    }
    buf_free(&sql);
    return 0;
}
