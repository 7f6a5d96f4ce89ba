#include "errors.h"
#include "progress.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* atomic, not just volatile: a worker thread that waits reads it too */
_Atomic int interrupted_by;

/* Set once by the main thread; read by any thread's runtime_error(). */
static _Atomic bool writes_output;

void run_writes_output(void)
{
    writes_output = true;
}

const char *nothing_written(void)
{
    return writes_output ? "; nothing written" : "";
}

/* Set on a worker thread (errors_on_this_thread): where its runtime_error
** goes instead of ending the process from under the main thread. */
static _Thread_local void (*thread_fail)(void *ctx, const char *msg);
static _Thread_local void *thread_fail_ctx;

void errors_on_this_thread(void (*fail)(void *ctx, const char *msg), void *ctx)
{
    thread_fail = fail;
    thread_fail_ctx = ctx;
}

void runtime_error(const char *fmt, ...)
{
    va_list ap;
    if (thread_fail) {
        char msg[ERROR_MAX];
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        thread_fail(thread_fail_ctx, msg);
        pthread_exit(NULL);
    }
    progress_end();
    va_start(ap, fmt);
    fputs("phasemig: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

static void on_signal(int sig)
{
    interrupted_by = sig;
}

void install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    /* A full pipe or a file-size limit become write errors, reported. */
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN);
}

void wait_interruptibly(pthread_cond_t *cond, pthread_mutex_t *lock)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 100L * 1000 * 1000;
    if (until.tv_nsec >= 1000L * 1000 * 1000) {
        until.tv_sec++;
        until.tv_nsec -= 1000L * 1000 * 1000;
    }
    pthread_cond_timedwait(cond, lock, &until);
    /* a worker waiting on another worker leaves the interrupt to the main
    ** thread, which ends the run */
    if (interrupted_by && !thread_fail) {
        pthread_mutex_unlock(lock);
        check_interrupted();
    }
}

void check_interrupted(void)
{
    if (interrupted_by)
        runtime_error("interrupted by signal %d%s", (int)interrupted_by, nothing_written());
}
