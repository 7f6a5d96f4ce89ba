#include "options.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("phasemig: ", stderr);
    if (cmd)
        fprintf(stderr, "%s: ", cmd);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'phasemig %s%s--help' for more information.\n", cmd ? cmd : "",
            cmd ? " " : "");
    exit(2);
}

/* The edits (insert, delete, change, swap two neighbours) that turn a
** into b, counted up to `cap` (past it: cap + 1). */
static size_t edit_distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if ((la > lb ? la - lb : lb - la) > cap)
        return cap + 1;
    size_t w = lb + 1;
    size_t *d = xmalloc((la + 1) * w * sizeof *d);
    for (size_t i = 0; i <= la; i++)
        for (size_t j = 0; j <= lb; j++) {
            if (i == 0 || j == 0) {
                d[i * w + j] = i + j;
                continue;
            }
            size_t best = d[(i - 1) * w + j - 1] + (a[i - 1] != b[j - 1]);
            if (d[(i - 1) * w + j] + 1 < best)
                best = d[(i - 1) * w + j] + 1;
            if (d[i * w + j - 1] + 1 < best)
                best = d[i * w + j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[(i - 2) * w + j - 2] + 1 < best)
                best = d[(i - 2) * w + j - 2] + 1;
            d[i * w + j] = best;
        }
    size_t dist = d[la * w + lb];
    free(d);
    return dist > cap ? cap + 1 : dist;
}

const char *closest_name(const char *word, const char *const *names, size_t n)
{
    /* two edits for words of five letters and more, one below */
    size_t cap = strlen(word) >= 5 ? 2 : 1;
    const char *best = NULL;
    size_t best_d = cap + 1;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(word, names[i], cap);
        if (d < best_d) {
            best_d = d;
            best = names[i];
        }
    }
    return best;
}

/* "unknown option '--x'", with the closest long name if there is one. */
static _Noreturn void unknown_option(const char *cmd, const option_spec_t *specs, size_t n,
                                     const char *arg)
{
    const char *word = arg;
    while (*word == '-')
        word++;
    size_t len = strcspn(word, "=");
    char *name = xstrndup(word, len);
    const char **names = xmalloc((n ? n : 1) * sizeof *names);
    for (size_t i = 0; i < n; i++)
        names[i] = specs[i].name;
    const char *guess = arg[1] == '-' ? closest_name(name, names, n) : NULL;
    free(name);
    free(names);   /* guess points into specs, not into names */
    if (guess)
        usage_error(cmd, "unknown option '%s' (did you mean --%s?)", arg, guess);
    usage_error(cmd, "unknown option '%s'", arg);
}

static const option_spec_t *find_long(const option_spec_t *specs, size_t n, const char *name,
                                      size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(specs[i].name) == len && strncmp(specs[i].name, name, len) == 0)
            return &specs[i];
    return NULL;
}

static const option_spec_t *find_short(const option_spec_t *specs, size_t n, char c)
{
    for (size_t i = 0; i < n; i++)
        if (specs[i].short_name && specs[i].short_name == c)
            return &specs[i];
    return NULL;
}

void options_parse(const char *cmd, const option_spec_t *specs, size_t n, int argc, char **argv,
                   option_seen_fn seen, void *ctx, const char **operands, size_t max_operands,
                   size_t *n_operands)
{
    size_t count = 0;
    bool options_end = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!options_end && strcmp(a, "--") == 0) {
            options_end = true;
            continue;
        }
        if (options_end || a[0] != '-' || a[1] == '\0') {
            if (count >= max_operands)
                usage_error(cmd, "too many arguments");
            operands[count++] = a;
            continue;
        }
        if (a[1] == '-') {
            const char *name = a + 2, *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            const option_spec_t *o = find_long(specs, n, name, len);
            if (!o)
                unknown_option(cmd, specs, n, a);
            const char *value = NULL;
            if (o->value) {
                if (eq)
                    value = eq + 1;
                else if (i + 1 < argc)
                    value = argv[++i];
                else
                    usage_error(cmd, "--%s needs a value", o->name);
            } else if (eq) {
                usage_error(cmd, "--%s takes no value", o->name);
            }
            seen(ctx, o->id, value);
            continue;
        }
        /* short flags, bundled or not; one that takes a value takes the
        ** rest of the word or the next argument */
        for (const char *c = a + 1; *c; c++) {
            const option_spec_t *o = find_short(specs, n, *c);
            if (!o) {
                char one[3] = {'-', *c, '\0'};
                unknown_option(cmd, specs, n, c == a + 1 && !c[1] ? a : one);
            }
            if (!o->value) {
                seen(ctx, o->id, NULL);
                continue;
            }
            if (c[1])
                seen(ctx, o->id, c + 1);
            else if (i + 1 < argc)
                seen(ctx, o->id, argv[++i]);
            else
                usage_error(cmd, "-%c needs a value", *c);
            break;
        }
    }
    *n_operands = count;
}
