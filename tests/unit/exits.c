/*
** exits.c: see unit.h, unit_exit_of().
*/
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../pipeline/frame/util.h"
#include "unit.h"

char *unit_exit_of(void (*fn)(void *arg), void *arg, int *status)
{
    int err[2];
    assert_int_equal(pipe(err), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(err[0]);
        dup2(err[1], 2);
        fn(arg);
        _exit(0);
    }
    close(err[1]);
    buf_t got;
    buf_init(&got);
    char chunk[4096];
    for (ssize_t n; (n = read(err[0], chunk, sizeof chunk)) > 0;)
        buf_add(&got, chunk, (size_t)n);
    close(err[0]);
    int wstatus;
    assert_int_equal(waitpid(pid, &wstatus, 0), pid);
    assert_true(WIFEXITED(wstatus));
    *status = WEXITSTATUS(wstatus);
    char *text = xstrdup(buf_str(&got));
    buf_free(&got);
    return text;
}
