#include "unit.h"

int main(void)
{
    int failed = 0;
    failed += run_values_tests();
    failed += run_csv_tests();
    failed += run_uuidmap_tests();
    failed += run_chain_tests();
    failed += run_background_tests();
    failed += run_rowspill_tests();
    failed += run_summary_tests();
    failed += run_unique_tests();
    failed += run_validate_tests();
    failed += run_options_tests();
    failed += run_schema_tests();
    failed += run_stagecase_tests();
    failed += run_progress_tests();
    failed += run_pgdump_tests();
    return failed ? 1 : 0;
}
