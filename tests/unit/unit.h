/* Each unit-test file exposes one group runner; main.c runs them all. */
#ifndef PHASEMIG_UNIT_H
#define PHASEMIG_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

int run_values_tests(void);
int run_csv_tests(void);
int run_uuidmap_tests(void);
int run_chain_tests(void);
int run_background_tests(void);
int run_rowspill_tests(void);
int run_summary_tests(void);
int run_unique_tests(void);

#endif
