/*
** paths.h: what a run writes is never what it reads.
**
** Before a run reads a byte, its command lists every path it will read
** (paths_input) and every path it will create, replace or remove
** (paths_output), and paths_check() refuses the run (exit 2, one line
** naming both paths) when
**
**   - an output is an input file (the same file: device and inode, so a
**     hard link or a symlink is found as well as another spelling);
**   - an output is or holds an input (replacing OUT would remove it);
**   - an output lies inside an input directory;
**   - two outputs are one path, or one lies inside the other.
**
** Paths are compared made absolute, with every symlink of their existing
** part resolved; a path that does not exist yet is resolved as far as it
** exists. A staging path beside an output (OUT.phasemig-XXXXXX) has the
** same parent as the output, so checking the output covers it.
*/
#ifndef PHASEMIG_PATHS_H
#define PHASEMIG_PATHS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct path_entry {
    char *given;        /* as the user spelled it, for messages */
    char *label;        /* the output's role ("OUT", "--rejects"); NULL for an input */
    char *resolved;     /* absolute, symlinks resolved */
    char *lexical;      /* absolute, symlinks but the last part's resolved */
    bool exists;
    dev_t dev;
    ino_t ino;
} path_entry_t;

typedef struct paths {
    path_entry_t *inputs, *outputs;
    size_t n_inputs, n_outputs, cap_inputs, cap_outputs;
} paths_t;

void paths_init(paths_t *p);
void paths_free(paths_t *p);
/* A path the run reads (a file or a directory; it need not exist). */
void paths_input(paths_t *p, const char *path);
/* A path the run creates or replaces; `label` names it in messages
** ("OUT", "--rejects", "--html", "--out"). A NULL path is skipped. */
void paths_output(paths_t *p, const char *label, const char *path);
/* Refuses the run (exit 2, nothing read or written) on the first clash. */
void paths_check(const paths_t *p);

#endif
