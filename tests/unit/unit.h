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
int run_reconcile_tests(void);
int run_pgdump_tests(void);

#endif
