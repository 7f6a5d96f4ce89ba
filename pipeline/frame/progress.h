/*
** progress.h: a one-line progress report on stderr for long runs,
**
**   resource_assignments.csv, pass 2 of 2  [#########.........]  52%  528,000 rows  131.3 MB/s  0:01 left
**
** the table or step being read (and which pass, when a command reads it
** more than once), a bar and the percent of all the bytes to read over all
** passes, the rows of this table so far, the rate and the time left. Only
** when stderr is a terminal, never with -q; cut to the terminal's width;
** escape codes (bold, clear to the end of the line) only where
** terminal_escapes() allows them, else the line is cleared with spaces.
*/
#ifndef PHASEMIG_PROGRESS_H
#define PHASEMIG_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Turns the report on if stderr is a terminal and `quiet` is false;
** `total_bytes` is the size of all the input to be read, every pass
** counted (0 if unknown). */
void progress_start(uint64_t total_bytes, bool quiet);
/* A reader names the table it starts to read (`what`: its display name,
** shown from its last '/'); the rows shown count from zero again. */
void progress_reading(const char *what);
/* A command that reads a table more than once says which pass comes
** next, of how many (1 of 1: none shown); it holds for the tables read
** from here on. */
void progress_pass(unsigned pass, unsigned passes);
/* A command names the phase it is in ("reading expected", "comparing",
** "writing"): shown alone until a reader names its table, then before
** it ("reading expected: projects.csv"); the rows count from zero again.
** "" ends it. */
void progress_phase(const char *phase);
/* Input bytes read (called by the file reader, on any thread) and rows
** done (on the main thread, or beside it: progress_beside_this_thread). */
void progress_bytes(uint64_t n);
void progress_rows(uint64_t n);
/* Main thread: draws the line if it is due (at most four times a
** second), while it waits and counts no rows itself. */
void progress_redraw(void);
/* Work running beside the main thread's (chain_beside_start): from now
** on this thread's rows are shown after the main thread's ("1,200 +
** 1,100 rows"), counting from zero at each table it names, and its other
** calls change nothing; the main thread's next progress_phase() ends it. */
void progress_beside_this_thread(void);
/* Clears the line. */
void progress_end(void);

/* Whether escape codes may be written to the terminal on `fd`: it is a
** terminal, TERM is set and not "dumb", and NO_COLOR is unset or empty
** (no-color.org). */
bool terminal_escapes(int fd);

/* What one progress line shows. */
typedef struct {
    const char *what;           /* NULL: not named */
    unsigned pass, passes;      /* shown when passes > 1 */
    uint64_t rows;              /* of this table */
    bool beside;                /* rows_beside shown: work beside the main thread's */
    uint64_t rows_beside;       /* of the table it reads */
    uint64_t bytes, total;      /* over all passes; total 0: unknown */
    double seconds;             /* since the start */
} progress_view_t;

/* Writes the line for `v` into `buf` (`size` bytes, NUL-terminated),
** at most `width` columns wide (ASCII only); with `bold`, the percent is
** wrapped in bold escape codes, which take no columns. Returns the
** columns the line takes. */
size_t progress_format(char *buf, size_t size, const progress_view_t *v, unsigned width,
                       bool bold);

#endif
