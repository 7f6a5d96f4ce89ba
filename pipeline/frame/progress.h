/*
** progress.h: a one-line progress report on stderr for long runs: rows,
** MB/s, percent of the input bytes, time left. Only on a terminal, never
** with -q; colour only without NO_COLOR.
*/
#ifndef PHASEMIG_PROGRESS_H
#define PHASEMIG_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

/* Turns the report on if stderr is a terminal and `quiet` is false;
** `total_bytes` is the size of the input files (0 if unknown). */
void progress_start(uint64_t total_bytes, bool quiet);
/* Input bytes read (called by the file reader) and rows done. */
void progress_bytes(uint64_t n);
void progress_rows(uint64_t n);
/* Clears the line. */
void progress_end(void);

#endif
