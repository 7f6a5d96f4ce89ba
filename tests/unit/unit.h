/* Each unit-test file exposes one group runner; main.c runs them all. */
#ifndef PHASEMIG_UNIT_H
#define PHASEMIG_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

#include "../../pipeline/frame/values.h"

/* The i-th of a series of distinct, readable UUIDs. */
static inline uuid_t unit_uuid(size_t i)
{
    char text[64];  /* room for any size_t, though i stays small */
    snprintf(text, sizeof text, "%08zx-0000-4000-8000-%012zx", i * 7, i);
    uuid_t u;
    uuid_parse(text, 36, &u);
    return u;
}

/* Runs fn(arg) in a child process, which is expected to end the run
** (runtime_error(), give_up()): returns what it wrote to stderr (the
** caller frees it) and its exit status in *status. What the child had
** allocated when it exited is still reachable from `arg`, or static in a
** file, so that LeakSanitizer does not count it. */
char *unit_exit_of(void (*fn)(void *arg), void *arg, int *status);

int run_values_tests(void);
int run_csv_tests(void);
int run_uuidmap_tests(void);
int run_chain_tests(void);
int run_background_tests(void);
int run_rowspill_tests(void);
int run_summary_tests(void);
int run_validate_tests(void);
int run_unique_tests(void);
int run_options_tests(void);
int run_schema_tests(void);
int run_stagecase_tests(void);
int run_progress_tests(void);
int run_pgdump_tests(void);

#endif
