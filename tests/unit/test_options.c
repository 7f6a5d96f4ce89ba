/* The option parser (pipeline/frame/options.c): each form a person types,
** one row of a table, parsed into what the command receives. The usage
** errors (exit 2) are asserted end to end in tests/e2e/cli.sh. */
#include <string.h>

#include "../../pipeline/frame/options.h"
#include "../../pipeline/frame/util.h"
#include "unit.h"

enum { FORMAT, QUIET, FORCE, DRY_RUN, OUT };
static const option_spec_t SPECS[] = {
    {"format", 0, "FMT", FORMAT},
    {"quiet", 'q', NULL, QUIET},
    {"force", 'f', NULL, FORCE},
    {"dry-run", 'n', NULL, DRY_RUN},
    {"out", 'o', "FILE", OUT},
};

/* What the parser handed back: "id=value" or "id" per option, in order,
** then "| operand" per operand, one string. */
static void seen(void *ctx, int id, const char *value)
{
    buf_t *b = ctx;
    buf_printf(b, "%s%d%s%s", b->len ? " " : "", id, value ? "=" : "", value ? value : "");
}

static void parses(const char *line, const char *want)
{
    char copy[256];
    snprintf(copy, sizeof copy, "cmd %s", line);
    char *argv[32];
    int argc = 0;
    for (char *t = strtok(copy, " "); t && argc < 32; t = strtok(NULL, " "))
        argv[argc++] = t;
    buf_t got;
    buf_init(&got);
    const char *operands[3];
    size_t n = 0;
    options_parse("cmd", SPECS, ARRAY_LEN(SPECS), argc, argv, seen, &got, operands, 3, &n);
    for (size_t i = 0; i < n; i++)
        buf_printf(&got, "%s| %s", got.len ? " " : "", operands[i]);
    if (strcmp(buf_str(&got), want) != 0)
        fail_msg("'%s' parsed as '%s', not '%s'", line, buf_str(&got), want);
    buf_free(&got);
}

static void option_forms(void **state)
{
    (void)state;
    /* --opt value and --opt=value are the same */
    parses("--format sqlite IN", "0=sqlite | IN");
    parses("--format=sqlite IN", "0=sqlite | IN");
    /* a value may be empty, or contain '=' */
    parses("--format= IN", "0= | IN");
    parses("--out=a=b", "4=a=b");
    /* short flags alone and bundled, in command-line order */
    parses("-q -f IN OUT", "1 2 | IN | OUT");
    parses("-qfn IN", "1 2 3 | IN");
    /* a short option with a value takes the rest of the word, or the next */
    parses("-ofile", "4=file");
    parses("-qo file X", "1 4=file | X");
    /* options after operands, as GNU tools allow */
    parses("IN OUT --force", "2 | IN | OUT");
    /* -- ends the options; - alone is an operand */
    parses("-q -- --force -x", "1 | --force | -x");
    parses("--out - -", "4=- | -");
}

static void did_you_mean(void **state)
{
    (void)state;
    static const char *const names[] = {"migrate", "verify", "rollback", "reconcile", "schema",
                                        "help"};
    assert_string_equal(closest_name("migarte", names, 6), "migrate");
    assert_string_equal(closest_name("verfy", names, 6), "verify");
    assert_string_equal(closest_name("hlep", names, 6), "help");
    assert_string_equal(closest_name("reconcil", names, 6), "reconcile");
    /* nothing close: no guess rather than a wild one */
    assert_null(closest_name("frobnicate", names, 6));
    assert_null(closest_name("x", names, 6));
}

int run_options_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(option_forms),
        cmocka_unit_test(did_you_mean),
    };
    return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
