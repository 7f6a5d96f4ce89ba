/*
** errors.h: how a run ends early, as in sqlite's sqldiff.
**
** A wrong command line is usage_error() (options.h), with a hint to the
** command's --help. runtime_error(): the run cannot go on (an I/O failure,
** an interrupt); prints "phasemig: message". Both exit with status 2;
** the output commit's exit hook removes anything staged, so nothing is
** left half-written.
**
** "nothing written" is said only by a run that would have written: one
** that has called run_writes_output() (a command with an OUT, output.c
** once it stages a file). verify, reconcile without --out and a dry run
** write nothing, so they never say it.
*/
#ifndef PHASEMIG_ERRORS_H
#define PHASEMIG_ERRORS_H

#include <pthread.h>
#include <signal.h>

_Noreturn void runtime_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* This run writes output: from now on, a message about an early end adds
** nothing_written(). */
void run_writes_output(void);
/* "; nothing written" if the run writes output, else "": the tail of a
** message about an early end ("phasemig: 2 problems in the input%s"). */
const char *nothing_written(void);

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
