/*
** background.h: a byte sink whose writing happens on a second thread;
** only the chain makes one (chain_write_behind(), chain.h).
**
** The caller's writes only copy bytes into a block; full blocks go to a
** thread that hands them, in order, to the inner sink (which may deflate
** them and write them to disk). So the stages and formatting on one core
** and deflating and writing on another overlap, and the bytes are the
** same as without the thread. The blocks go round a ring (ring.h) whose
** consumer is the thread. (Reading has its own thread too: readahead.h.)
**
** A failure on the thread (disk full, ...) is reported by the caller's
** thread, as runtime_error with the inner sink's message, at its next
** hand-off or at close. Signals go to the calling thread only.
*/
#ifndef PHASEMIG_BACKGROUND_H
#define PHASEMIG_BACKGROUND_H

#include "stage.h"

/* The block size (two blocks a sink). Writing a block to a file costs
** the thread a copy into the page cache, so a small block keeps both
** threads busy; deflating one costs several times filling it, and a
** block of a whole gzip member (GZ_MEMBER, write_gzip.c: the same size)
** lets the thread's longer turn overlap the caller's, where a smaller
** one would make the caller wait. */
#define BG_BLOCK ((size_t)256 << 10)

/* Takes ownership of `inner`, which the thread writes and closes, in
** blocks of block_size bytes. */
bytesink_t *background_bytesink_new(bytesink_t *inner, size_t block_size);

#endif
