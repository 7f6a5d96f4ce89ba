/*
** background.h: a byte sink whose writing, and a byte source whose
** reading, happen on a second thread.
**
** The sink: the caller's writes only copy bytes into a block; full blocks
** go to a thread that hands them, in order, to the inner sink (which may
** deflate them and write them to disk). The source: a thread reads blocks
** ahead from the inner source (which may inflate them) while the caller
** parses the blocks already read. So inflating, parsing and the stages,
** formatting, and deflating overlap on two cores, and the bytes are the
** same as without the threads.
**
** A failure on a thread (disk full, ...) is reported by the caller's
** thread, as runtime_error with the inner sink's message on its next
** hand-off or at close, or as the source's read error at the point the
** caller reaches it. Signals go to the calling thread only.
*/
#ifndef PHASEMIG_BACKGROUND_H
#define PHASEMIG_BACKGROUND_H

#include "stage.h"

/* Takes ownership of `inner`, which the thread writes and closes. */
bytesink_t *background_bytesink_new(bytesink_t *inner);

/* Takes ownership of `inner`, which the thread reads ahead. */
bytesrc_t *background_bytesrc_new(bytesrc_t *inner);

#endif
