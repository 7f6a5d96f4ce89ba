/*
** commands.h: the command table. Each command parses its own options,
** wires readers, stages and writers into chains, and returns the exit
** status (0 all well, 1 findings, 2 trouble).
*/
#ifndef PHASEMIG_COMMANDS_H
#define PHASEMIG_COMMANDS_H

typedef struct command {
    const char *name;
    const char *summary;
    const char *usage;
    int (*run)(int argc, char **argv);
} command_t;

int cmd_migrate(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_rollback(int argc, char **argv);
int cmd_reconcile(int argc, char **argv);
int cmd_schema(int argc, char **argv);

/* "0.2.0", set by main() from PHASEMIG_VERSION (main.c, where the
** Makefile reads it), for what names the version: the report. */
extern const char *phasemig_version;

extern const char MIGRATE_USAGE[];
extern const char VERIFY_USAGE[];
extern const char ROLLBACK_USAGE[];
extern const char RECONCILE_USAGE[];
extern const char SCHEMA_USAGE[];

#endif
