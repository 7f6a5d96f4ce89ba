/*
** chain.h: drives one table's rows from a source through stages.
*/
#ifndef PHASEMIG_CHAIN_H
#define PHASEMIG_CHAIN_H

#include "stage.h"

/* Pushes every row of `src` through stages[0..n) in order: a row goes to
** the next stage while each says STAGE_PASS. At the end every stage gets
** the NULL row, in order. Stops reading early when `problems` is full.
** Counts the rows read in *rows. A source that fills batches (stage.h)
** is read on a thread of its own, a few batches ahead (readahead.h), and
** each row is shown to every stage's prefetch() a few rows before the
** first stage has it. Returns 0, or -1 when the source could not be
** read to its end or a stage found the table unusable (fatal). */
int chain_run(source_t *src, stage_t **stages, size_t n, problems_t *problems,
              uint64_t *rows);

/* As chain_run(), on two threads: the source and stages[0..k) run on a
** worker, ahead of stages[k..n) on this thread; the rows that pass the
** first part cross in batches, encoded (row_encode()), in order. Each
** part's rows are offered to its stages' prefetch() a few rows before
** process(): the first part's as the source's rows are decoded (a source
** that fills batches is read on a third thread, as in chain_run()), the
** second's as each batch is decoded (lookahead.h). The two parts take
** their NULL rows at the same time, each part's stages in order. Until the worker is done only it touches
** `problems`, so every stage that reports a problem (or reads the
** collector) must be in the first part: one behind the cut (its
** reports_problems set) ends the run with an internal error before a row
** is read. The rest may only count and write. Same rows, same problems, same order as chain_run(). */
int chain_run_ahead(source_t *src, stage_t **stages, size_t n, size_t k, problems_t *problems,
                    uint64_t *rows);

/* For a source read outside a chain, row by row, beside one (rollback's
** ORIGINAL): `src` itself if it does not fill batches, else a source
** that owns it and hands out its rows read ahead on a thread of its own
** (readahead.h), as a chain would; freeing it stops the thread. The
** table is the inner source's. */
source_t *chain_source_ahead(source_t *src);

/* A write_behind_fn (stage.h): `file` written on a thread of its own, in
** blocks (background.h); its failure is reported on the caller's thread
** at the next block or at close. */
bytesink_t *chain_write_behind(bytesink_t *file);

/* Work of its own beside the caller's: fn(arg) on a thread of its own,
** from chain_beside_start() until chain_beside_join() has waited for it.
** It must share nothing the caller touches meanwhile (its own sources,
** stages and problems collector); it may run chains, whose rows the
** progress line shows after the caller's (progress_beside_this_thread),
** also while chain_beside_join() waits. A runtime_error() there ends
** only its thread; chain_beside_join() reports it on the caller's. */
typedef struct chain_beside chain_beside_t;
chain_beside_t *chain_beside_start(void (*fn)(void *arg), void *arg, const char *what);
void chain_beside_join(chain_beside_t *b);

/* Calls each stage's header function in order, starting from `in`;
** returns the header of the rows that leave the last stage. */
const table_t *chain_header(stage_t **stages, size_t n, const table_t *in);

#endif
