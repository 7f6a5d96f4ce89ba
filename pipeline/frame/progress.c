#include "progress.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define BAR_COLUMNS 20
#define NAME_MAX_BYTES 256
#define LINE_MAX_BYTES 512

static struct {
    bool on, escapes;
    bool new_step;          /* a table or pass began since the last draw */
    uint64_t total, rows, ticks;
    unsigned pass, passes;
    char what[NAME_MAX_BYTES];
    char phase[64];         /* progress_phase()'s, shown before the table */
    size_t shown_columns;   /* of the line on the screen, to clear it */
    double started, shown;
} state;

/* Counted by whichever thread reads the input (a reader thread inflates
** gzip), shown by the main thread. */
static _Atomic uint64_t bytes_read;

/* Set on the thread of work beside the main thread's, whose rows are
** counted apart and whose other calls change nothing
** (progress_beside_this_thread); bytes are counted from any thread. */
static _Thread_local bool muted;
static _Atomic bool beside_on;
static _Atomic uint64_t beside_rows;

void progress_beside_this_thread(void)
{
    muted = true;
    atomic_store(&beside_rows, 0);
    atomic_store(&beside_on, true);
}

/* Seconds on a clock that only goes forward. */
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

bool terminal_escapes(int fd)
{
    if (!isatty(fd))
        return false;
    const char *term = getenv("TERM");
    if (term == NULL || term[0] == '\0' || strcmp(term, "dumb") == 0)
        return false;
    const char *no_colour = getenv("NO_COLOR");   /* no-color.org: set and not empty */
    return no_colour == NULL || no_colour[0] == '\0';
}

/* The columns of the terminal on stderr (80 when it does not say). */
static unsigned terminal_columns(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 80;
}

void progress_start(uint64_t total_bytes, bool quiet)
{
    state.on = !quiet && isatty(STDERR_FILENO);
    state.escapes = terminal_escapes(STDERR_FILENO);
    state.total = total_bytes;
    state.rows = state.ticks = 0;
    state.pass = state.passes = 0;
    state.what[0] = '\0';
    state.phase[0] = '\0';
    state.shown_columns = 0;
    state.started = state.shown = now();
    atomic_store_explicit(&bytes_read, 0, memory_order_relaxed);
}

void progress_reading(const char *what)
{
    if (muted) {
        atomic_store_explicit(&beside_rows, 0, memory_order_relaxed);
        return;
    }
    const char *slash = strrchr(what, '/');
    snprintf(state.what, sizeof state.what, "%s%s%s", state.phase, state.phase[0] ? ": " : "",
             slash ? slash + 1 : what);
    state.rows = 0;
    state.new_step = true;
}

void progress_pass(unsigned pass, unsigned passes)
{
    if (muted)
        return;
    state.pass = pass;
    state.passes = passes;
    state.new_step = true;
}

void progress_bytes(uint64_t n)
{
    atomic_fetch_add_explicit(&bytes_read, n, memory_order_relaxed);
}

/* `n` with a comma between groups of three digits, into `out`. */
static void with_commas(char *out, size_t size, uint64_t n)
{
    char digits[24];
    int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
    size_t at = 0;
    for (int i = 0; i < len && at + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[at++] = ',';
        out[at++] = digits[i];
    }
    out[at] = '\0';
}

/* One way to lay the line out: which parts, how wide the bar. */
typedef struct {
    bool name, rate;
    unsigned bar;   /* columns inside the brackets; 0: no bar */
    bool bold;
} layout_t;

/* Writes the line for `v` as `l` lays it out; returns its columns (the
** escape codes take none). */
static size_t lay_out(char *buf, size_t size, const progress_view_t *v, layout_t l)
{
    size_t at = 0, columns = 0;
    buf[0] = '\0';
#define ADD(visible, ...)                                                            \
    do {                                                                            \
        int n_ = snprintf(buf + at, at < size ? size - at : 0, __VA_ARGS__);       \
        if (n_ > 0)                                                                 \
            at = at + (size_t)n_ < size ? at + (size_t)n_ : size - 1;              \
        columns += (visible);                                                       \
    } while (0)
    char part[NAME_MAX_BYTES + 64];
    if (l.name && v->what && v->what[0]) {
        if (v->passes > 1)
            snprintf(part, sizeof part, "%s, pass %u of %u  ", v->what, v->pass, v->passes);
        else
            snprintf(part, sizeof part, "%s  ", v->what);
        ADD(strlen(part), "%s", part);
    }
    bool known = v->total > 0 && v->bytes <= v->total;
    double done = known ? (double)v->bytes / (double)v->total : 0;
    if (known && l.bar > 0) {
        unsigned filled = (unsigned)(done * l.bar);
        char bar[BAR_COLUMNS + 1];
        memset(bar, '#', filled);
        memset(bar + filled, '.', l.bar - filled);
        bar[l.bar] = '\0';
        ADD(l.bar + 3, "[%s] ", bar);
    }
    if (known) {
        snprintf(part, sizeof part, "%3.0f%%", done * 100);
        ADD(strlen(part) + 2, "%s%s%s  ", l.bold ? "\033[1m" : "", part, l.bold ? "\033[0m" : "");
    }
    char rows[32];
    with_commas(rows, sizeof rows, v->rows);
    if (v->beside) {
        char beside[32];
        with_commas(beside, sizeof beside, v->rows_beside);
        snprintf(part, sizeof part, "%s + %s rows", rows, beside);
    } else {
        snprintf(part, sizeof part, "%s rows", rows);
    }
    ADD(strlen(part), "%s", part);
    if (l.rate) {
        double rate = v->seconds > 0 ? (double)v->bytes / v->seconds / 1e6 : 0;
        snprintf(part, sizeof part, "  %.1f MB/s", rate);
        ADD(strlen(part), "%s", part);
    }
    if (known && done > 0) {
        unsigned long left = (unsigned long)(v->seconds / done - v->seconds);
        if (left >= 3600)
            snprintf(part, sizeof part, "  %lu:%02lu:%02lu left", left / 3600, left / 60 % 60,
                     left % 60);
        else
            snprintf(part, sizeof part, "  %lu:%02lu left", left / 60, left % 60);
        ADD(strlen(part), "%s", part);
    }
#undef ADD
    return columns;
}

size_t progress_format(char *buf, size_t size, const progress_view_t *v, unsigned width,
                       bool bold)
{
    /* the last column is left free: a terminal may wrap a line that fills it */
    size_t room = width > 1 ? width - 1 : 1;
    bool known = v->total > 0 && v->bytes <= v->total;
    /* what goes first when the terminal is narrow: the rate, then the
    ** name; the bar takes what is left, up to BAR_COLUMNS, at least 5 */
    const layout_t tries[] = {{true, true, 0, bold}, {true, false, 0, bold},
                              {false, true, 0, bold}, {false, false, 0, bold}};
    for (int with_bar = known; with_bar >= 0; with_bar--)
        for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
            layout_t l = tries[i];
            size_t columns = lay_out(buf, size, v, l);
            if (with_bar) {
                if (columns + 3 + 5 > room)
                    continue;
                size_t bar = room - columns - 3;
                l.bar = bar < BAR_COLUMNS ? (unsigned)bar : BAR_COLUMNS;
                columns = lay_out(buf, size, v, l);
            }
            if (columns <= room)
                return columns;
        }
    /* narrower still: the figures, cut */
    size_t columns = lay_out(buf, size, v, (layout_t){false, false, 0, false});
    if (columns > room && room < size) {
        buf[room] = '\0';
        columns = room;
    }
    return columns;
}

/* Redraws the line: the first time it is called (after 64K rows, so
** that a small run shows none) and in each new table or pass, else at
** most four times a second. */
static void show(void)
{
    double t = now();
    if (state.shown_columns > 0 && !state.new_step && t - state.shown < 0.25)
        return;
    state.shown = t;
    state.new_step = false;
    progress_view_t v = {state.what, state.pass, state.passes, state.rows,
                         atomic_load(&beside_on),
                         atomic_load_explicit(&beside_rows, memory_order_relaxed),
                         atomic_load_explicit(&bytes_read, memory_order_relaxed), state.total,
                         t - state.started};
    char line[LINE_MAX_BYTES];
    size_t columns = progress_format(line, sizeof line, &v, terminal_columns(), state.escapes);
    if (state.escapes)
        fprintf(stderr, "\r%s\033[K", line);
    else   /* spaces over what the last line left */
        fprintf(stderr, "\r%s%*s", line,
                state.shown_columns > columns ? (int)(state.shown_columns - columns) : 0, "");
    state.shown_columns = columns;
}

void progress_rows(uint64_t n)
{
    if (muted) {
        atomic_fetch_add_explicit(&beside_rows, n, memory_order_relaxed);
        return;
    }
    state.rows += n;
    if (state.on && (++state.ticks & 0x3f) == 0)
        show();
}

void progress_redraw(void)
{
    if (!muted && state.on)
        show();
}

void progress_phase(const char *phase)
{
    if (muted)
        return;
    atomic_store(&beside_on, false);
    snprintf(state.phase, sizeof state.phase, "%s", phase);
    snprintf(state.what, sizeof state.what, "%s", phase);
    state.rows = 0;
    state.new_step = true;
    if (state.on && phase[0])
        show();   /* a phase that reads nothing ticks no rows to show it */
}

void progress_end(void)
{
    if (muted)
        return;
    if (state.on && state.shown_columns > 0) {
        if (state.escapes)
            fprintf(stderr, "\r\033[K");
        else
            fprintf(stderr, "\r%*s\r", (int)state.shown_columns, "");
    }
    state.on = false;
    state.shown_columns = 0;
}
