/*
** gendump N DIR [PROJECTS]: writes a deterministic old-schema dump of N assignments
** into DIR (projects.csv, project_phases.csv, resource_assignments.csv),
** for the streaming measurements and the benchmark.
**
** Shape: 5,000 projects per million assignments (or PROJECTS); 70% of projects have
** both phases, 25% Execution only, 5% Planning only; assignments point
** mostly at Execution; about 3% of them lie outside their project's dates
** (orphaned after the migration). Rows are ~230 bytes. The same N always
** gives the same bytes: the only randomness is a fixed-seed splitmix64.
*/
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../pipeline/frame/values.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t next_random(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static unsigned below(unsigned n)
{
    return (unsigned)(next_random() % n);
}

/* A version-4 UUID from the generator. */
static void uuid(char out[37])
{
    uint64_t hi = next_random(), lo = next_random();
    hi = (hi & ~0xF000ULL) | 0x4000ULL;
    lo = (lo & ~(3ULL << 62)) | (2ULL << 62);
    snprintf(out, 37, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(hi >> 32),
             (unsigned)(hi >> 16) & 0xFFFF, (unsigned)hi & 0xFFFF, (unsigned)(lo >> 48),
             (unsigned long long)(lo & 0xFFFFFFFFFFFFULL));
}

static FILE *open_out(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "gendump: %s: %s\n", path, strerror(errno));
        exit(2);
    }
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    return f;
}

typedef struct {
    char id[37];
    day_t start, end;
    char phase[2][37];  /* planning, execution; "" if none */
} project_t;

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: gendump N DIR [PROJECTS]\n");
        return 2;
    }
    char *end;
    unsigned long long n = strtoull(argv[1], &end, 10);
    if (*end || n == 0) {
        fprintf(stderr, "gendump: N must be a positive number\n");
        return 2;
    }
    mkdir(argv[2], 0777);
    size_t nprojects = (size_t)(n / 200 > 0 ? n / 200 : 1);
    if (argc == 4 && (nprojects = strtoul(argv[3], &end, 10)) == 0) {
        fprintf(stderr, "gendump: PROJECTS must be a positive number\n");
        return 2;
    }
    project_t *p = calloc(nprojects, sizeof *p);
    if (!p)
        return 2;
    const char *stamp = "2024-01-15 09:00:00.123456";
    char program[37];
    uuid(program);

    FILE *f = open_out(argv[2], "projects.csv");
    fputs("program_id,name,business_sponsor,project_manager,technical_lead,start_date,"
          "end_date,cost_center_code,description,id,created_at,updated_at\n", f);
    int base = days_from_civil(2023, 1, 1);
    for (size_t i = 0; i < nprojects; i++) {
        uuid(p[i].id);
        p[i].start = base + (int)below(1000);
        p[i].end = p[i].start + 30 + (int)below(700);
        char s[11], e[11];
        date_format(p[i].start, s);
        date_format(p[i].end, e);
        unsigned sponsor = below(500), manager = below(500), lead = below(500);
        /* the application's cost_center_code is unique: the project's number;
        ** the draw that once gave it stays, so that the draws after it (the
        ** phases, the assignments) are as they were */
        (void)below(10000);
        fprintf(f, "%s,Project %zu,Sponsor %u,Manager %u,Lead %u,%s,%s,CC-%zu,"
                   "\"Generated project %zu, for measurements\",%s,%s,%s\n",
                program, i + 1, sponsor, manager, lead, s, e, i + 1, i + 1, p[i].id, stamp, stamp);
    }
    fclose(f);

    f = open_out(argv[2], "project_phases.csv");
    fputs("project_id,phase_type,capital_budget,expense_budget,total_budget,id,created_at,"
          "updated_at\n", f);
    for (size_t i = 0; i < nprojects; i++) {
        unsigned kind = below(100);   /* <70 both, <95 execution only, else planning only */
        for (int t = 0; t < 2; t++) {
            bool wanted = t == 0 ? (kind < 70 || kind >= 95) : kind < 95;
            if (!wanted)
                continue;
            uuid(p[i].phase[t]);
            unsigned cap = below(10000000), exp = below(10000000);
            fprintf(f, "%s,%s,%u.%02u,%u.%02u,%u.%02u,%s,%s,%s\n", p[i].id,
                    t == 0 ? "PLANNING" : "EXECUTION", cap / 100, cap % 100, exp / 100,
                    exp % 100, (cap + exp) / 100, (cap + exp) % 100, p[i].phase[t], stamp,
                    stamp);
        }
    }
    fclose(f);

    f = open_out(argv[2], "resource_assignments.csv");
    fputs("resource_id,project_id,project_phase_id,assignment_date,allocation_percentage,"
          "capital_percentage,expense_percentage,id,created_at,updated_at\n", f);
    char resources[64][37];
    for (int r = 0; r < 64; r++)
        uuid(resources[r]);
    for (unsigned long long a = 0; a < n; a++) {
        project_t *pr = &p[below((unsigned)nprojects)];
        /* mostly Execution, as the live data was booked */
        int t = pr->phase[1][0] && (below(10) < 8 || !pr->phase[0][0]) ? 1 : 0;
        int day = pr->start + (int)below((unsigned)(pr->end - pr->start + 1));
        if (below(100) < 3)
            day = below(2) ? pr->start - 1 - (int)below(30) : pr->end + 1 + (int)below(30);
        char d[11], id[37];
        date_format(day, d);
        uuid(id);
        unsigned cap = below(101);
        fprintf(f, "%s,%s,%s,%s,%u.00,%u.00,%u.00,%s,%s,%s\n", resources[below(64)], pr->id,
                pr->phase[t], d, 10 + below(91), cap, 100 - cap, id, stamp, stamp);
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "gendump: write failed: %s\n", strerror(errno));
        return 2;
    }
    free(p);
    return 0;
}
