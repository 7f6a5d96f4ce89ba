/*
** verify DATASET [--against ORIGINAL]: the nine checks of docs/contract.md "verify" on
** a new-schema dataset (this tool's output or an export of the live
** database after its migration), as PASS/FAIL lines or JSON.
**
**   projects     read -> verify
**   phases       read -> verify
**   assignments  read -> verify
**   original     phases read -> verify (budgets to compare, --against)
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../stages/stages.h"
#include "../../stages/state.h"
#include "commands.h"
#include "../frame/errors.h"
#include "../frame/json.h"
#include "../frame/options.h"
#include "run.h"

const char VERIFY_USAGE[] =
    "usage: phasemig verify [--against ORIGINAL] [--json] [--strict] [--schema NAME]\n"
    "                       DATASET\n\n"
    "Runs the nine checks on the new-schema DATASET (a directory of CSV or gzip\n"
    "CSV files, a SQLite file or a pg_dump archive): every phase has name and dates, the old\n"
    "columns are gone, start <= end, the phase names, each project's phases\n"
    "cover its dates exactly, budgets (compared per project and overall with the\n"
    "old-schema ORIGINAL when given), the SQLite date indexes, and that each\n"
    "assignment's date falls in exactly one phase.\n\n"
    "Each check is PASS, WARN or FAIL. Orphaned assignments are a WARN, with\n"
    "the count by cause (before its start, after its end, between its phases, or\n"
    "the project has no phase). The words, of an assignment against the phases:\n"
    "kept: its date falls in the phase it pointed at. moved: its date falls in\n"
    "another phase of its project. orphaned: its date falls in no phase of its\n"
    "project (before its start, after its end, or the project has no phase).\n"
    "cross-project link: its project_phase_id names a phase of another project.\n\n"
    "options:\n"
    "  --against ORIGINAL  the old-schema dataset the budgets must equal\n"
    "  --json              print the checks as JSON\n"
    "  --strict            a WARN makes the exit status 1\n"
    "  --schema NAME       a pg_dump archive's tables are those of schema NAME\n"
    "                      (default: public)\n"
    "  -h, --help          this text\n\n"
    "Exit status: 0 no check fails (WARNs are printed); 1 a check fails, or\n"
    "warns with --strict; 2 usage error, unreadable input, or a dataset in the\n"
    "old schema (use phasemig migrate).\n";

enum { VERIFY_JSON, VERIFY_AGAINST, VERIFY_STRICT, VERIFY_SCHEMA };
static const option_spec_t VERIFY_OPTIONS[] = {
    {"json", 0, NULL, VERIFY_JSON},
    {"against", 0, "ORIGINAL", VERIFY_AGAINST},
    {"strict", 0, NULL, VERIFY_STRICT},
    {"schema", 0, "NAME", VERIFY_SCHEMA},
};

typedef struct {
    bool json, strict;
    const char *against;
    const char *schema;     /* a pg_dump archive's schema (NULL: public) */
} verify_opts_t;

/* One option of verify into its options. */
static void verify_option(void *ctx, int id, const char *value)
{
    verify_opts_t *o = ctx;
    if (id == VERIFY_JSON)
        o->json = true;
    else if (id == VERIFY_STRICT)
        o->strict = true;
    else if (id == VERIFY_SCHEMA)
        o->schema = value;
    else
        o->against = value;
}

int cmd_verify(int argc, char **argv)
{
    verify_opts_t o = {0};
    const char *operands[1];
    size_t n;
    options_parse("verify", VERIFY_OPTIONS, ARRAY_LEN(VERIFY_OPTIONS), argc, argv, verify_option,
                  &o, operands, 1, &n);
    if (n < 1)
        usage_error("verify", "needs DATASET");
    const char *dataset = operands[0], *against = o.against;
    bool json = o.json;

    problems_t problems;
    problems_init(&problems, 0);
    verify_t *verify = verify_new();
    dataset_t *ds = open_dataset(dataset, o.schema, &problems);
    char revision[33];
    bool versioned = dataset_revision(ds, revision, &problems);
    table_t *phases_header = NULL;
    for (int t = 0; t < T_COUNT; t++) {
        source_t *src = open_table(ds, (table_id_t)t, &problems);
        if (t == T_PHASES)
            phases_header = table_copy(src->table);
        if (t == T_ASSIGNMENTS) {
            /* an old-schema dataset is named as such (exit 2): its nine
            ** checks would only say that it is not migrated */
            const char *refusal = state_refusal(phases_header, src->table,
                                                versioned ? revision : NULL, SCHEMA_NEW);
            if (refusal)
                runtime_error("%s: %s", dataset, refusal);
            table_free(phases_header);
        }
        stage_t *check[] = {t == 0   ? verify_projects_new(verify)
                            : t == 1 ? verify_phases_new(verify)
                                     : verify_assignments_new(verify)};
        run_chain(src, check, 1, &problems);
        source_free(src);
    }
    named_t differences;
    if (dataset_inspect(ds, SCHEMA_NEW, &differences))
        verify_schema(verify, &differences);
    dataset_close(ds);
    if (against) {
        dataset_t *original = open_dataset(against, o.schema, &problems);
        source_t *src = open_table(original, T_PHASES, &problems);
        stage_t *check[] = {verify_original_phases_new(verify)};
        run_chain(src, check, 1, &problems);
        source_free(src);
        dataset_close(original);
    }
    if (problems.count > 0)
        give_up(&problems);

    check_t checks[VERIFY_CHECKS];
    verify_checks(verify, checks);
    bool pass = checks_pass(checks, VERIFY_CHECKS);
    bool warn = checks_warn(checks, VERIFY_CHECKS);
    if (json) {
        buf_t b;
        buf_init(&b);
        buf_adds(&b, "{\n  \"dataset\": ");
        json_string(&b, dataset);
        buf_adds(&b, ",\n  \"against\": ");
        if (against)
            json_string(&b, against);
        else
            buf_adds(&b, "null");
        buf_printf(&b, ",\n  \"ok\": %s,\n  \"status\": \"%s\",\n  ", pass ? "true" : "false",
                   !pass ? "FAIL" : warn ? "WARN" : "PASS");
        checks_json(&b, checks, VERIFY_CHECKS);
        buf_adds(&b, "\n}\n");
        fputs(buf_str(&b), stdout);
        buf_free(&b);
    } else {
        printf("phasemig verify %s%s%s\n", dataset, against ? " --against " : "",
               against ? against : "");
        checks_text(stdout, checks, VERIFY_CHECKS);
        size_t failed = 0, warned = 0;
        for (size_t i = 0; i < VERIFY_CHECKS; i++) {
            failed += !checks[i].ok;
            warned += checks[i].ok && checks[i].warn;
        }
        printf("%s: %zu of %d checks fail", !pass ? "FAIL" : warn ? "WARN" : "PASS", failed,
               VERIFY_CHECKS);
        if (warned > 0)
            printf(", %zu warn%s", warned, o.strict ? " (--strict: exit 1)" : "");
        printf("\n");
    }
    if (fflush(stdout) != 0)
        runtime_error("stdout: write failed: %s", strerror(errno));
    verify_free(verify);
    problems_free(&problems);
    return checks_accept(checks, VERIFY_CHECKS, o.strict) ? 0 : 1;
}
