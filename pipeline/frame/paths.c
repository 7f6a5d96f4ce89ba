#include "paths.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"
#include "util.h"

void paths_init(paths_t *p)
{
    memset(p, 0, sizeof *p);
}

static void entry_free(path_entry_t *e)
{
    free(e->given);
    free(e->label);
    free(e->resolved);
    free(e->lexical);
}

void paths_free(paths_t *p)
{
    for (size_t i = 0; i < p->n_inputs; i++)
        entry_free(&p->inputs[i]);
    for (size_t i = 0; i < p->n_outputs; i++)
        entry_free(&p->outputs[i]);
    free(p->inputs);
    free(p->outputs);
    paths_init(p);
}

/* `path` made absolute against the working directory; the caller frees. */
static char *absolute(const char *path)
{
    if (path[0] == '/')
        return xstrdup(path);
    char *cwd = getcwd(NULL, 0);
    if (!cwd)
        runtime_error("cannot find the working directory: %s", strerror(errno));
    buf_t b;
    buf_init(&b);
    buf_printf(&b, "%s/%s", cwd, path);
    free(cwd);
    return b.data;
}

/* Appends the component [s, s + n) to the absolute path in `b`: "." is
** nothing, ".." drops the last component (of a part that does not exist,
** so no symlink can make that wrong). */
static void append_component(buf_t *b, const char *s, size_t n)
{
    if (n == 0 || (n == 1 && s[0] == '.'))
        return;
    if (n == 2 && s[0] == '.' && s[1] == '.') {
        while (b->len > 1 && b->data[b->len - 1] != '/')
            b->len--;
        if (b->len > 1)
            b->len--;   /* the slash, but not the root's */
        b->data[b->len] = '\0';
        return;
    }
    if (b->len == 0 || b->data[b->len - 1] != '/')
        buf_addc(b, '/');
    buf_add(b, s, n);
}

/* The absolute path `abs` with every symlink of its longest existing
** prefix resolved (realpath), and the rest appended as written; the
** caller frees. */
static char *resolve_existing(const char *abs)
{
    size_t len = strlen(abs);
    char *prefix = xstrdup(abs);
    size_t cut = len;
    char *real = NULL;
    for (;;) {
        prefix[cut] = '\0';
        real = realpath(cut == 0 ? "/" : prefix, NULL);
        if (real || cut == 0)
            break;
        while (cut > 0 && prefix[cut - 1] != '/')
            cut--;
        while (cut > 0 && prefix[cut - 1] == '/')
            cut--;
    }
    free(prefix);
    buf_t b;
    buf_init(&b);
    buf_adds(&b, real ? real : "/");
    free(real);
    for (const char *s = abs + cut; *s;) {
        while (*s == '/')
            s++;
        const char *e = s;
        while (*e && *e != '/')
            e++;
        append_component(&b, s, (size_t)(e - s));
        s = e;
    }
    return b.data;
}

/* The path with its parent resolved but its last component kept (a
** symlink there is itself what a rename replaces); the caller frees. */
static char *resolve_parent(const char *abs)
{
    size_t len = strlen(abs);
    while (len > 1 && abs[len - 1] == '/')
        len--;
    size_t base = len;
    while (base > 0 && abs[base - 1] != '/')
        base--;
    size_t n = len - base;
    if (n == 0 || (n == 1 && abs[base] == '.') || (n == 2 && abs[base] == '.' && abs[base + 1] == '.'))
        return resolve_existing(abs);
    char *parent = xstrndup(abs, base);
    char *dir = resolve_existing(parent);
    free(parent);
    buf_t b;
    buf_init(&b);
    buf_adds(&b, dir);
    free(dir);
    append_component(&b, abs + base, n);
    return b.data;
}

static void entry_init(path_entry_t *e, const char *label, const char *path)
{
    memset(e, 0, sizeof *e);
    e->given = xstrdup(path);
    e->label = label ? xstrdup(label) : NULL;
    char *abs = absolute(path);
    e->resolved = resolve_existing(abs);
    e->lexical = resolve_parent(abs);
    free(abs);
    struct stat st;
    if (stat(path, &st) == 0) {
        e->exists = true;
        e->dev = st.st_dev;
        e->ino = st.st_ino;
    }
}

static path_entry_t *grow(path_entry_t **v, size_t *n, size_t *cap)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *v = xrealloc(*v, *cap * sizeof **v);
    }
    return &(*v)[(*n)++];
}

void paths_input(paths_t *p, const char *path)
{
    entry_init(grow(&p->inputs, &p->n_inputs, &p->cap_inputs), NULL, path);
}

void paths_output(paths_t *p, const char *label, const char *path)
{
    if (path)
        entry_init(grow(&p->outputs, &p->n_outputs, &p->cap_outputs), label, path);
}

/* Whether `inner` is `outer` or lies inside it (both resolved paths). */
static bool within(const char *inner, const char *outer)
{
    size_t n = strlen(outer);
    if (strncmp(inner, outer, n) != 0)
        return false;
    return inner[n] == '\0' || inner[n] == '/' || (n == 1 && outer[0] == '/');
}

static bool same_path(const path_entry_t *a, const path_entry_t *b)
{
    if (a->exists && b->exists && a->dev == b->dev && a->ino == b->ino)
        return true;
    return strcmp(a->resolved, b->resolved) == 0 || strcmp(a->lexical, b->lexical) == 0;
}

/* Whether `inner` lies inside `outer` (not the same path), by either of
** their spellings. */
static bool inside(const path_entry_t *inner, const path_entry_t *outer)
{
    const char *in[2] = {inner->resolved, inner->lexical};
    const char *out[2] = {outer->resolved, outer->lexical};
    for (int i = 0; i < 2; i++)
        for (int o = 0; o < 2; o++)
            if (strcmp(in[i], out[o]) != 0 && within(in[i], out[o]))
                return true;
    return false;
}

void paths_check(const paths_t *p)
{
    for (size_t o = 0; o < p->n_outputs; o++) {
        const path_entry_t *out = &p->outputs[o];
        /* the gravest first: an input file itself, then a directory
        ** holding one, then a place inside one */
        for (size_t i = 0; i < p->n_inputs; i++)
            if (same_path(out, &p->inputs[i]))
                runtime_error("%s '%s' is the input '%s': phasemig never writes over what it reads",
                              out->label, out->given, p->inputs[i].given);
        for (size_t i = 0; i < p->n_inputs; i++)
            if (inside(&p->inputs[i], out))
                runtime_error("%s '%s' holds the input '%s': replacing it would remove the input",
                              out->label, out->given, p->inputs[i].given);
        for (size_t i = 0; i < p->n_inputs; i++)
            if (inside(out, &p->inputs[i]))
                runtime_error("%s '%s' lies inside the input '%s': write it elsewhere", out->label,
                              out->given, p->inputs[i].given);
        for (size_t k = 0; k < o; k++) {
            const path_entry_t *other = &p->outputs[k];
            if (same_path(out, other))
                runtime_error("%s '%s' and %s '%s' are one path: each output needs its own",
                              other->label, other->given, out->label, out->given);
            if (inside(out, other) || inside(other, out)) {
                bool in_other = inside(out, other);
                const path_entry_t *a = in_other ? out : other, *b = in_other ? other : out;
                runtime_error("%s '%s' lies inside %s '%s': each output needs its own path",
                              a->label, a->given, b->label, b->given);
            }
        }
    }
}
