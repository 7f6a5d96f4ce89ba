#include "progress.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static struct {
    bool on, colour;
    uint64_t total, rows, ticks;
    double started, shown;
} state;

/* Counted by whichever thread reads the input (a reader thread inflates
** gzip), shown by the main thread. */
static _Atomic uint64_t bytes_read;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void progress_start(uint64_t total_bytes, bool quiet)
{
    state.on = !quiet && isatty(STDERR_FILENO);
    const char *no_colour = getenv("NO_COLOR");   /* no-color.org: set and not empty */
    state.colour = no_colour == NULL || no_colour[0] == '\0';
    state.total = total_bytes;
    state.started = state.shown = now();
}

void progress_bytes(uint64_t n)
{
    atomic_fetch_add_explicit(&bytes_read, n, memory_order_relaxed);
}

static void show(void)
{
    double t = now();
    if (t - state.shown < 0.25)
        return;
    state.shown = t;
    uint64_t bytes = atomic_load_explicit(&bytes_read, memory_order_relaxed);
    double elapsed = t - state.started, rate = elapsed > 0 ? (double)bytes / elapsed / 1e6 : 0;
    fprintf(stderr, "\r%12llu rows  %7.1f MB/s", (unsigned long long)state.rows, rate);
    if (state.total > 0 && bytes <= state.total) {
        double done = (double)bytes / (double)state.total;
        int left = done > 0 ? (int)(elapsed / done - elapsed) : 0;
        fprintf(stderr, "  %s%3.0f%%%s  %d:%02d left", state.colour ? "\033[1m" : "",
                done * 100, state.colour ? "\033[0m" : "", left / 60, left % 60);
    }
    fprintf(stderr, "\033[K");
}

void progress_rows(uint64_t n)
{
    state.rows += n;
    if (state.on && (++state.ticks & 0x3f) == 0)
        show();
}

void progress_end(void)
{
    if (state.on)
        fprintf(stderr, "\r\033[K");
    state.on = false;
}
