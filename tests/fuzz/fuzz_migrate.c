/*
** libFuzzer target: the migrate pipeline on a dataset, in process. The
** input is three CSV files separated by the byte 0x1e (projects, phases,
** assignments). They go through the readers and every stage migrate runs
** (validate, split, remap, match, report, diff, cut, verify, writers to
** sinks that keep nothing), as in pipeline/cmd_migrate.c but without the
** output directory and without giving up: problems are collected as
** --rejects would (rejects to a sink that keeps nothing). Crashes,
** sanitizer reports and an exit (an internal error) are findings.
*/
#include <string.h>

#include "../../pipeline/frame/chain.h"
#include "../../stages/stages.h"
#include "../memsrc.h"

static source_t *open_part(const uint8_t *p, size_t n, const char *table, problems_t *pr)
{
    return csv_source_open(mem_src_new(p, n, 0, table), table, table, pr);
}

static void run(source_t *src, stage_t **stages, size_t n, problems_t *pr)
{
    uint64_t rows = 0;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (stages[i])
            stages[kept++] = stages[i];
    chain_run(src, stages, kept, pr, &rows);
    for (size_t i = 0; i < kept; i++)
        stage_free(stages[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *part[3];
    size_t len[3], at = 0;
    for (int i = 0; i < 3; i++) {
        const uint8_t *sep = at < size ? memchr(data + at, 0x1e, size - at) : NULL;
        part[i] = data + at;
        len[i] = (sep ? (size_t)(sep - data) : size) - at;
        at = sep ? (size_t)(sep - data) + 1 : size;
    }
    problems_t pr;
    problems_init(&pr, 0);
    pr.keep_going = true;
    problems_set_rejects(&pr, null_bytesink_new(), schema_key_col);
    plan_t plan;
    plan_init(&plan);
    uint64_t rejected[3] = {0, 0, 0}, out[3] = {0, 0, 0};
    source_t *projects = open_part(part[0], len[0], "projects", &pr);
    source_t *phases = projects ? open_part(part[1], len[1], "project_phases", &pr) : NULL;
    source_t *assignments = phases ? open_part(part[2], len[2], "resource_assignments", &pr) : NULL;
    if (assignments) {
        stage_t *lp[] = {validate_projects_new(&plan, &pr, &rejected[0])};
        run(projects, lp, 1, &pr);
        stage_t *lf[] = {validate_phases_new(&plan, &pr, &rejected[1], SCHEMA_OLD)};
        run(phases, lf, 1, &pr);
        if (!pr.fatal) {
            split_t *split = split_new(&plan);
            remap_plan(&plan, (data[0] & 1) ? SPLIT_EVIDENCE : SPLIT_MIDPOINT, &pr);
            report_t *report = report_new(&plan);
            diff_t *diff = diff_new(NULL);
            verify_t *verify = verify_new();
            sink_t *sink = null_sink_new();
            source_t *pr_rows = plan_source_new(&plan, false, projects->table, &pr, &rejected[0]);
            stage_t *ep[] = {verify_projects_new(verify), write_new(sink, &out[0])};
            run(pr_rows, ep, 2, &pr);
            source_free(pr_rows);
            static const char *const drop_type[] = {"phase_type", NULL};
            source_t *ph_rows = plan_source_new(&plan, true, phases->table, &pr, &rejected[1]);
            stage_t *eh[] = {verify_original_phases_new(verify), remap_new(&plan),
                             diff_phases_new(diff), cut_new(drop_type),
                             diff_schema_new(diff, phases->table), verify_phases_new(verify),
                             write_new(sink, &out[1])};
            run(ph_rows, eh, 7, &pr);
            source_free(ph_rows);
            static const char *const drop_link[] = {"project_phase_id", NULL};
            stage_t *ea[] = {validate_assignments_new(&plan, &pr, &rejected[2], SCHEMA_OLD),
                             split_count_new(split),
                             match_new(&plan),
                             report_marks_new(report),
                             diff_assignments_new(diff, &plan),
                             cut_new(drop_link),
                             diff_schema_new(diff, assignments->table),
                             verify_assignments_new(verify),
                             write_new(sink, &out[2])};
            run(assignments, ea, 9, &pr);
            split_choose(split);
            check_t checks[VERIFY_CHECKS];
            verify_checks(verify, checks);
            buf_t b;
            buf_init(&b);
            report_input_t ri = {"fuzz", SPLIT_MIDPOINT, out[0], checks, VERIFY_CHECKS};
            report_html(&b, report, &ri);
            buf_free(&b);
            sink_free(sink);
            verify_free(verify);
            diff_free(diff);
            report_free(report);
            split_free(split);
        }
    }
    source_free(assignments);
    source_free(phases);
    source_free(projects);
    plan_free(&plan);
    problems_free(&pr);
    return 0;
}
