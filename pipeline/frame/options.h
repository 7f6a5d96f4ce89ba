/*
** options.h: the one option parser every command uses.
**
** A command describes its options as a table and gets each one back, in
** command-line order, through a callback; what is left are its operands.
** The habits of GNU tools hold:
**
**   --name value   --name=value   -q -f   -qf (short flags bundled)
**   --             ends the options (what follows is an operand, even "-x")
**   -              alone is an operand (a command may read it as stdout)
**
** An unknown option, a missing or unexpected value and too many operands
** are usage errors (usage_error: exit 2, and a hint to the command's own
** --help); an unknown option close to a known one gets "did you mean".
*/
#ifndef PHASEMIG_OPTIONS_H
#define PHASEMIG_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct option_spec {
    const char *name;       /* the long name, without "--" */
    char short_name;        /* a one-letter flag ('q' for -q), or 0 */
    const char *value;      /* the value's name ("FILE"), or NULL for a flag */
    int id;                 /* handed back to the command */
} option_spec_t;

/* Called once per option given, in order; `value` is NULL for a flag. */
typedef void (*option_seen_fn)(void *ctx, int id, const char *value);

/* Parses argv[1..argc) for command `cmd` against specs[0..n). Operands go
** to operands[0..max_operands) and their count to *n_operands; more than
** max_operands is a usage error. */
void options_parse(const char *cmd, const option_spec_t *specs, size_t n, int argc, char **argv,
                   option_seen_fn seen, void *ctx, const char **operands, size_t max_operands,
                   size_t *n_operands);

/* "phasemig: CMD: message" and "Try 'phasemig CMD --help' ...", exit 2
** (`cmd` NULL: the hint names 'phasemig --help'). */
_Noreturn void usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The one of names[0..n) closest to `word` when it is close enough to be
** what was meant (at most two edits, or fewer for short words), or NULL. */
const char *closest_name(const char *word, const char *const *names, size_t n);

#endif
