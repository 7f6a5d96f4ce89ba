/*
** plan.h: the small tables of a migration, in memory and indexed.
**
** Projects and phases are few (thousands), so they are held: validate
** fills them in input order, remap gives each phase its name and date
** range, match and verify look assignments up against them. What the
** stages use is in project_t and phase_t; their rows wait in a rowspill
** until they are written. Assignments are never held: only counters live
** here.
*/
#ifndef PHASEMIG_PLAN_H
#define PHASEMIG_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "../pipeline/frame/row.h"
#include "../pipeline/frame/rowspill.h"
#include "../pipeline/frame/uuidmap.h"
#include "../pipeline/frame/values.h"

#define NO_INDEX ((size_t)-1)

enum phase_type { PHASE_PLANNING = 0, PHASE_EXECUTION = 1, PHASE_TYPES = 2 };
/* Where a project with both phases is cut (stages/split.c). */
typedef enum { SPLIT_MIDPOINT = 0, SPLIT_EVIDENCE = 1, SPLIT_POLICIES = 2 } split_policy_t;
/* The move matrix: what an assignment pointed at (a phase of its project
** by type, or a phase of another project) and where its date lands. */
enum { FROM_OTHER_PROJECT = 2, FROM_KINDS = 3 };
enum { TO_PLANNING = 0, TO_EXECUTION = 1, TO_NONE = 2, TO_KINDS = 3 };
/* 32 bits a cell: a project counts at most MOVE_COUNT_MAX assignments in
** one cell (match stops with an error past it). 64-bit cells would cost 48
** bytes a project, over 2 MB of peak memory at 50,000 projects. */
typedef uint32_t move_count_t;
#define MOVE_COUNT_MAX UINT32_MAX
typedef struct move_matrix {
    move_count_t n[FROM_KINDS][TO_KINDS];
    /* the first and last assignment_date of each cell, when n > 0 (so
    ** that a move can be explained: "dated 2024-02-01..2024-04-30") */
    day_t first[FROM_KINDS][TO_KINDS], last[FROM_KINDS][TO_KINDS];
    /* of the orphaned (TO_NONE), those dated after the project's end,
    ** apart: the TO_NONE cell's dates are of the others (before its start,
    ** or of a project without phase) when there are any */
    move_count_t after_end[FROM_KINDS];
    day_t after_first[FROM_KINDS], after_last[FROM_KINDS];
} move_matrix_t;

#define UUID_TEXT_LEN 36

/* The fields every assignment reads come first, so that they fall in the
** struct's first cache lines: with many projects each line is a miss.
** Nothing here changes while the assignments stream, as validate's thread
** reads it: what is counted then is kept apart (plan.moves). */
typedef struct project {
    day_t start, end;
    size_t phase[PHASE_TYPES];  /* index of its phase of each type, or NO_INDEX */
    bool rejected;
    bool reported;              /* a problem names this row itself */
    uuid_t id;
    int64_t line;               /* of its record (problem messages) */
    const char *id_as_read;     /* NULL: as uuid_format() spells id (plan_id_text) */
    const char *name;           /* its "name" column, or NULL (plan_keep) */
    const char *why;            /* else why it is rejected with others */
    size_t first, count;        /* its phases in plan.order (plan_order_phases) */
    /* both phases: the last Planning day under each policy, and how many of
    ** its in-range assignments each would move (split_choose) */
    bool split_known;
    day_t split_day[SPLIT_POLICIES];
    uint64_t split_moves[SPLIT_POLICIES];
} project_t;

/* As for project_t: what every assignment reads first. */
typedef struct phase {
    uuid_t id;
    size_t project;             /* index into projects, NO_INDEX if unknown */
    int type;                   /* enum phase_type, -1 if unknown */
    bool rejected;
    bool reported;              /* a problem names this row itself */
    /* new schema, or after remap */
    bool has_range;
    day_t start, end;
    const char *id_as_read;     /* NULL: as uuid_format() spells id (plan_id_text) */
    cents_t capital, expense, total;
    int64_t line;               /* of its record (problem messages) */
    const char *name;           /* new schema: its name (plan_keep) */
    const char *why;            /* else why it is rejected with others */
} phase_t;

typedef struct assignment_counts {
    uint64_t total, kept, moved, orphaned, cross_project_links;
    /* check 9: phases containing the date */
    uint64_t in_one, in_none, in_many;
} assignment_counts_t;

/* Assignment rows whose id an earlier row has. */
typedef struct id_repeats {
    struct id_repeat {
        int64_t line, first_line;
    } *v;
    size_t n, cap;
} id_repeats_t;

typedef struct plan {
    project_t *projects;
    size_t nprojects, projects_cap;
    /* per project, as projects: where its assignments move (match counts
    ** them on the main thread; in project_t, the lines validate's thread
    ** reads would go back and forth between the cores) */
    move_matrix_t *moves;
    phase_t *phases;
    size_t nphases, phases_cap;
    uuidmap_t project_index, phase_index;
    size_t *order;              /* phase indexes by project, start_date, id */
    /* the records of projects and phases, in input order, until written */
    rowspill_t *project_rows, *phase_rows;
    /* text the plan keeps (names), in blocks */
    char **text_blocks, *text_next;
    size_t ntext_blocks, text_left;
    assignment_counts_t counts;
    /* --rejects: repeated assignment ids are only known at the end of the
    ** stream, after their rows went out; the run then starts over knowing
    ** them (known, by line), so that they are rejected as they come */
    id_repeats_t known_repeats, found_repeats;
} plan_t;

void plan_init(plan_t *p);
void plan_free(plan_t *p);
/* Each adds an entry whose record is `r` (kept in the plan's rowspill,
** with its raw text if with_raw); returns it zeroed but for line, its
** phase indexes (NO_INDEX) and, for a phase, project and type (none). */
project_t *plan_add_project(plan_t *p, const row_t *r, bool with_raw);
phase_t *plan_add_phase(plan_t *p, const row_t *r, bool with_raw);
/* A copy of s[0..len) and a NUL that lives as long as the plan. */
const char *plan_keep(plan_t *p, const char *s, size_t len);
/* An id's text is kept only when it is not uuid_format()'s spelling of the
** id (upper case): 36 bytes of every project and phase otherwise. Returns
** what to store as id_as_read: NULL, or a kept copy of text[0..36). */
const char *plan_keep_id(plan_t *p, const uuid_t *id, const char *text);
/* The id as read: as_read, or uuid_format(id) into buf. */
const char *plan_id_text(const uuid_t *id, const char *as_read, char buf[UUID_TEXT_LEN + 1]);

/* Orders the usable phases of each project by (start_date, id) into
** plan.order, and sets each project's first and count. */
void plan_order_phases(plan_t *plan);

/* Rejects project i (and so everything of it); `why` is said in the
** rejects file when no problem names the project's own row. */
void plan_reject_project(plan_t *plan, size_t i, const char *why);

/* An assignment that pointed at `from` and lands in `to` changes phase
** (moved or orphaned), unless it stays in its own phase's type. */
static inline bool move_is_change(int from, int to)
{
    return from == FROM_OTHER_PROJECT || from != to;
}
uint64_t move_matrix_changes(const move_matrix_t *m);
/* Indexes of the projects not rejected (all, or only those with changes),
** the most changed first, then in input order; the caller frees *out. */
size_t plan_projects_by_changes(const plan_t *plan, bool all, size_t **out);

/* Once per plan and table: the held projects (phases = false) or phases,
** read back from the rowspill in input order, as a
** source of rows with `header`: those not rejected. Each one held back is
** counted in *rejected and, if no problem named it, written to the
** rejects file as taken along. */
struct source;
struct problems;
struct source *plan_source_new(plan_t *plan, bool phases, const table_t *header,
                               struct problems *problems, uint64_t *rejected);

/* validate leaves on each assignment row it passes its project's and
** phase's indexes (NO_INDEX: none, in the new schema) and its date; the
** stages after it read them back instead of parsing again. */
static inline void plan_note(row_t *r, size_t project, size_t phase, day_t day)
{
    r->noted = true;
    r->note[0] = (int64_t)project;
    r->note[1] = phase == NO_INDEX ? -1 : (int64_t)phase;
    r->note[2] = day;
    r->note[3] = -1;    /* not matched yet */
}

/* What match finds of an assignment: kept (its date falls in the phase it
** pointed at), moved (in another phase of its project) or orphaned (in
** none); and that phase, its implicit phase (NO_INDEX when orphaned). */
typedef enum { MATCH_KEPT, MATCH_MOVED, MATCH_ORPHANED, MATCH_CLASSES } match_class_t;
extern const char *const MATCH_CLASS_NAMES[MATCH_CLASSES];    /* "kept", ... */

/* match leaves its finding on the row, beside validate's note: the
** stages after it (diff, the report) read it back. */
static inline void match_note(row_t *r, match_class_t class, size_t implicit)
{
    r->note[3] = (int64_t)((implicit == NO_INDEX ? 0 : implicit + 1) << 2) | (int64_t)class;
}

/* False if no match stage ran before (a bug in the chain). */
static inline bool match_noted(const row_t *r, match_class_t *class, size_t *implicit)
{
    if (!r->noted || r->note[3] < 0)
        return false;
    *class = (match_class_t)(r->note[3] & 3);
    size_t plus_one = (size_t)(r->note[3] >> 2);
    *implicit = plus_one == 0 ? NO_INDEX : plus_one - 1;
    return true;
}

/* False if no validate stage ran before (a bug in the chain). */
static inline bool plan_noted(const row_t *r, size_t *project, size_t *phase, day_t *day)
{
    if (!r->noted)
        return false;
    *project = (size_t)r->note[0];
    *phase = r->note[1] < 0 ? NO_INDEX : (size_t)r->note[1];
    *day = (day_t)r->note[2];
    return true;
}

void id_repeats_add(id_repeats_t *r, int64_t line, int64_t first_line);
/* The first line of the id of `line`, or -1 if it is not a known repeat
** (r is in line order). */
int64_t id_repeats_find(const id_repeats_t *r, int64_t line);

extern const char *const PHASE_NAMES[PHASE_TYPES];   /* "Planning", "Execution" */

#endif
