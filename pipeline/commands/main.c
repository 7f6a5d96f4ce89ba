/*
** phasemig: migrates exported planner dumps from fixed phase types to
** named, dated phases. This file is the command table and nothing else.
*/
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "commands.h"
#include "../frame/errors.h"
#include "../frame/values.h"

#ifndef PHASEMIG_VERSION
#define PHASEMIG_VERSION "0.1.0"
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
    fprintf(out, "\n'phasemig COMMAND --help' for a command's options; man phasemig for more.\n"
                 "Exit status: 0 done, 1 done with findings, 2 usage error, bad input or I/O "
                 "failure.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2)
        cmdline_error("no command given");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("phasemig %s\n", PHASEMIG_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        if (strcmp(argv[1], COMMANDS[i].name) == 0) {
            for (int a = 2; a < argc; a++)
                if (strcmp(argv[a], "--help") == 0 || strcmp(argv[a], "-h") == 0) {
                    fputs(COMMANDS[i].usage, stdout);
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
            return COMMANDS[i].run(argc - 1, argv + 1);
        }
    cmdline_error("unknown command '%s'", argv[1]);
}
