/*
** phasemig: migrates exported planner dumps from fixed phase types to
** named, dated phases. This file is the command table and nothing else.
*/
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "commands.h"
#include "../frame/errors.h"
#include "../frame/options.h"
#include "../frame/util.h"
#include "../frame/values.h"

#ifndef PHASEMIG_VERSION
#define PHASEMIG_VERSION "0.2.0"
#endif

static const command_t COMMANDS[] = {
    {"migrate", "old-schema dataset in, new-schema dataset, diff and summary out", MIGRATE_USAGE,
     cmd_migrate},
    {"verify", "the nine checks on a new-schema dataset", VERIFY_USAGE, cmd_verify},
    {"rollback", "new-schema dataset in, old-schema dataset out", ROLLBACK_USAGE,
     cmd_rollback},
    {"reconcile", "the differences between two datasets, any size", RECONCILE_USAGE,
     cmd_reconcile},
    {"schema", "the PostgreSQL DDL of the old or the new schema", SCHEMA_USAGE, cmd_schema},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: phasemig COMMAND [OPTIONS] ARGS\n\n"
                 "Migrates exported planner dumps (CSV, gzip CSV or SQLite) from fixed\n"
                 "PLANNING/EXECUTION phases to named, dated phases, offline.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        fprintf(out, "  %-10s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fprintf(out, "\n'phasemig help COMMAND' or 'phasemig COMMAND --help' for a command's options;\n"
                 "'phasemig --version' (-V) for the version; man phasemig for more.\n"
                 "Exit status: 0 done, 1 done with findings, 2 usage error, bad input or I/O "
                 "failure.\n");
}

/* The command named `name`, or NULL. */
static const command_t *find_command(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(COMMANDS); i++)
        if (strcmp(name, COMMANDS[i].name) == 0)
            return &COMMANDS[i];
    return NULL;
}

/* "unknown command", with the closest command's name if one is close. */
static _Noreturn void unknown_command(const char *name)
{
    const char *names[ARRAY_LEN(COMMANDS) + 2];
    for (size_t i = 0; i < ARRAY_LEN(COMMANDS); i++)
        names[i] = COMMANDS[i].name;
    names[ARRAY_LEN(COMMANDS)] = "help";
    names[ARRAY_LEN(COMMANDS) + 1] = "version";
    const char *guess = closest_name(name, names, ARRAY_LEN(names));
    if (guess)
        usage_error(NULL, "unknown command '%s' (did you mean %s?)", name, guess);
    usage_error(NULL, "unknown command '%s'", name);
}

/* Whether argv[1..argc) asks for help before any "--". */
static bool asks_for_help(int argc, char **argv)
{
    for (int a = 1; a < argc && strcmp(argv[a], "--") != 0; a++)
        if (strcmp(argv[a], "--help") == 0 || strcmp(argv[a], "-h") == 0)
            return true;
    return false;
}

int main(int argc, char **argv)
{
    phasemig_version = PHASEMIG_VERSION;
    if (argc < 2)
        usage_error(NULL, "no command given");
    const char *first = argv[1];
    if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0 ||
        (strcmp(first, "help") == 0 && argc == 2)) {
        usage(stdout);
        return 0;
    }
    if (strcmp(first, "--version") == 0 || strcmp(first, "-V") == 0 ||
        strcmp(first, "version") == 0) {
        printf("phasemig %s\n", PHASEMIG_VERSION);
        return 0;
    }
    if (strcmp(first, "help") == 0) {
        const command_t *c = find_command(argv[2]);
        if (c) {
            fputs(c->usage, stdout);
            return 0;
        }
        unknown_command(argv[2]);
    }
    const command_t *c = find_command(first);
    if (!c)
        unknown_command(first);
    if (asks_for_help(argc - 1, argv + 1)) {
        fputs(c->usage, stdout);
        return 0;
    }
    install_signal_handlers();
    /* One malloc arena for every thread: the workers allocate
    ** little, and memory one thread frees stays usable by the
    ** others (an arena per thread cost 2.5 MiB of peak RSS). */
    mallopt(M_ARENA_MAX, 1);
    /* ids crafted against a known hash seed would make the
    ** indexes quadratic; without getrandom the default stands */
    uint64_t seed;
    if (getrandom(&seed, sizeof seed, 0) == (ssize_t)sizeof seed)
        uuid_hash_seed(seed);
    return c->run(argc - 1, argv + 1);
}
