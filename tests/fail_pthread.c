/*
** An LD_PRELOAD shim for the end-to-end tests: pthread_create succeeds
** FAIL_PTHREAD_AFTER times (0 if unset) and then fails with EAGAIN, as it
** does when threads or memory run out, so that a thread that cannot start
** is a tested path.
*/
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

typedef int (*create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
    static atomic_long made;
    const char *after = getenv("FAIL_PTHREAD_AFTER");
    if (atomic_fetch_add(&made, 1) >= (after ? atol(after) : 0))
        return EAGAIN;
    create_fn real = (create_fn)dlsym(RTLD_NEXT, "pthread_create");
    return real ? real(thread, attr, fn, arg) : ENOSYS;
}
