/*
** output.h: output that appears whole or not at all.
**
** Everything is written into a staging directory beside OUT (same parent,
** so the final rename cannot cross file systems); every file is fsynced
** when closed. output_commit() swaps the staging directory into place in
** one rename. Until then an exit hook removes the staging directory, so
** an error, a signal or a crash-free failure leaves OUT as it was.
*/
#ifndef PHASEMIG_OUTPUT_H
#define PHASEMIG_OUTPUT_H

#include <stdbool.h>

#include "stage.h"

typedef struct output {
    char *final;        /* OUT as given */
    char *staging;      /* where files are written until commit */
    bool force;         /* OUT may be replaced whatever it holds */
} output_t;

/* Why OUT may not be written without `force` ("exists and is not
** empty", "exists and is not a directory"), or NULL if it may. */
const char *output_refusal(const char *out, bool force);
/* Checks OUT (absent, or an empty directory, or anything with `force`)
** and creates the staging directory; exits with status 2 on failure. */
void output_prepare(output_t *o, const char *out, bool force);
/* Joins the staging directory and `name`; the caller frees. */
char *output_path(const output_t *o, const char *name);
/* Moves the staging directory to OUT in one rename that cannot race:
** without `force`, only while OUT is absent or an empty directory at that
** very moment (of N runs into one OUT, exactly one succeeds; the others
** end with "exists and is not empty"); with `force`, swapped with what is
** there, so OUT is always one run's whole output. */
void output_commit(output_t *o);
/* Removes the staging directory now (a run that starts over). */
void output_abort(output_t *o);
void output_free(output_t *o);

/* One file written beside its final path and renamed into place (the
** rejects file, --html, --out), under the same exit hook. The path "-"
** is standard output: the file is kept in TMPDIR and copied to stdout at
** commit, so that a failed or restarted run prints none of it. */
typedef struct staged_file {
    char *final, *staging;
} staged_file_t;
bytesink_t *staged_file_open(staged_file_t *f, const char *path);
void staged_file_commit(staged_file_t *f);
void staged_file_abort(staged_file_t *f);
void staged_file_free(staged_file_t *f);

/* A buffered file that reports write failures (disk full, ...) through
** runtime_error and fsyncs on close. */
bytesink_t *bytesink_file_new(const char *path);
/* The same on standard output (closing flushes it, no more). */
bytesink_t *bytesink_stdout_new(void);
/* A byte source reading a file. NULL with errno set if it cannot open. */
bytesrc_t *bytesrc_file_open(const char *path);
/* Whether a file byte source, not yet read, starts with gzip's magic
** bytes; the bytes looked at are still read afterwards (so a pipe works). */
bool bytesrc_file_is_gzip(bytesrc_t *b);

#endif
