/*
** worker.h: a second thread and its hand-shake with the main thread, as
** the writer thread (background.c) and the ring's producer (ring.c: a
** chain's reader and validate's thread) use it.
**
** worker_start() runs fn(arg) on a thread that blocks SIGINT, SIGTERM and
** SIGHUP, so that they reach the main thread, which checks for them. A
** runtime_error() on the worker ends the worker only: `failed` is set and
** the message kept in `err` for the main thread to report. `lock` and
** `changed` also guard the owner's own conditions; the main thread waits
** on them with wait_interruptibly() (errors.h), so an interrupt still ends
** the run while the worker is stuck (a stalled pipe, a slow disk).
*/
#ifndef PHASEMIG_WORKER_H
#define PHASEMIG_WORKER_H

#include <pthread.h>
#include <stdbool.h>

#include "errors.h"

typedef struct worker {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    bool done;              /* under lock: fn returned, or failed */
    bool failed;            /* under lock: runtime_error() on the worker */
    char err[ERROR_MAX];    /* its message, once failed */
    /* private */
    pthread_t thread;
    bool started;           /* the main thread's: started, not yet joined */
    void (*fn)(void *arg);
    void *arg;
} worker_t;

void worker_init(worker_t *w);
/* `what` names the file the worker serves, in the message if it cannot
** start. */
void worker_start(worker_t *w, void (*fn)(void *arg), void *arg, const char *what);
/* Main thread: waits until the worker is done, then joins it; returns
** whether it failed (its message in w->err). Nothing if not started. */
bool worker_join(worker_t *w);
/* As worker_join(), calling tick() after each wait (at most 100 ms) while
** the worker runs: the progress line goes on moving (chain_beside_join). */
bool worker_join_ticking(worker_t *w, void (*tick)(void));
void worker_destroy(worker_t *w);

#endif
