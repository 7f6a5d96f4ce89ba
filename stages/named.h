/*
** named.h: the first few of many, by name. A check's detail names its
** first NAMED_MAX offenders, each "ID (why)", and says how many there are
** in all, as the application's verification prints its first five.
*/
#ifndef PHASEMIG_NAMED_H
#define PHASEMIG_NAMED_H

#include <stddef.h>
#include <stdint.h>

#define NAMED_MAX 5
typedef struct named {
    uint64_t n;                     /* how many there are in all */
    char text[NAMED_MAX][120];      /* the first ones */
} named_t;

/* Counts one more; names it while fewer than NAMED_MAX are named. */
void named_add(named_t *named, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "A (why), B (why), ..." into out ("..." when there are more than
** those named; "" when none). */
void named_words(const named_t *named, char *out, size_t size);

#endif
