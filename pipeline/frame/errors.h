/*
** errors.h: the two ways a run ends early, as in sqlite's sqldiff.
**
** cmdline_error(): the command line is wrong; prints the message and a
** hint to --help. runtime_error(): the run cannot go on (an I/O failure,
** an interrupt); prints "phasemig: message". Both exit with status 2;
** the output commit's exit hook removes anything staged, so nothing is
** left half-written.
*/
#ifndef PHASEMIG_ERRORS_H
#define PHASEMIG_ERRORS_H

#include <pthread.h>
#include <signal.h>

_Noreturn void cmdline_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void runtime_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* On a worker thread: runtime_error() calls fail(ctx, message) and ends
** the thread; the thread's owner reports the message (at most ERROR_MAX
** bytes: a path and some words). */
#define ERROR_MAX 4352
void errors_on_this_thread(void (*fail)(void *ctx, const char *msg), void *ctx);

/* pthread_cond_wait() for the main thread, which must not sleep through
** an interrupt while a worker is stuck (a stalled pipe, a slow disk): it
** wakes every 100 ms and, if a signal came, unlocks `lock` and ends the
** run as check_interrupted() does. On a worker thread it only waits. */
void wait_interruptibly(pthread_cond_t *cond, pthread_mutex_t *lock);

/* Set by SIGINT/SIGTERM (lock-free, so a handler may set it); long loops
** call check_interrupted(). */
extern _Atomic int interrupted_by;
void install_signal_handlers(void);
void check_interrupted(void);

#endif
