/*
** worker.c: see worker.h.
*/
#include "worker.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

void worker_init(worker_t *w)
{
    memset(w, 0, sizeof *w);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->changed, NULL);
}

/* The worker's runtime_error: keep the message, wake the main thread. */
static void worker_fail(void *ctx, const char *msg)
{
    worker_t *w = ctx;
    pthread_mutex_lock(&w->lock);
    snprintf(w->err, sizeof w->err, "%s", msg);
    w->failed = w->done = true;
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
}

static void *worker_main(void *arg)
{
    worker_t *w = arg;
    errors_on_this_thread(worker_fail, w);
    w->fn(w->arg);
    pthread_mutex_lock(&w->lock);
    w->done = true;
    pthread_cond_broadcast(&w->changed);
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

#define WORKER_STACK ((size_t)2 << 20)

void worker_start(worker_t *w, void (*fn)(void *arg), void *arg, const char *what)
{
    w->fn = fn;
    w->arg = arg;
    sigset_t handled, old;
    sigemptyset(&handled);
    sigaddset(&handled, SIGINT);
    sigaddset(&handled, SIGTERM);
    sigaddset(&handled, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &handled, &old);
    /* A worker needs little stack; the default 8 MiB of address space per
    ** thread is what a memory limit (ulimit -v) would run out of first. */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, WORKER_STACK);
    int rc = pthread_create(&w->thread, &attr, worker_main, w);
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0)
        runtime_error("%s: cannot start a thread: %s", what, strerror(rc));
    w->started = true;
}

bool worker_join(worker_t *w)
{
    return worker_join_ticking(w, NULL);
}

bool worker_join_ticking(worker_t *w, void (*tick)(void))
{
    if (!w->started)
        return false;
    pthread_mutex_lock(&w->lock);
    while (!w->done) {
        wait_interruptibly(&w->changed, &w->lock);
        if (tick)
            tick();
    }
    bool failed = w->failed;
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    w->started = false;
    return failed;
}

void worker_destroy(worker_t *w)
{
    pthread_cond_destroy(&w->changed);
    pthread_mutex_destroy(&w->lock);
}
