#include "chain.h"

#include <stdlib.h>

#include "errors.h"
#include "progress.h"

void bytesrc_free(bytesrc_t *b) { if (b) b->free(b); }
void source_free(source_t *s) { if (s) s->free(s); }
void stage_free(stage_t *s) { if (s) s->free(s); }
void sink_free(sink_t *s) { if (s) s->free(s); }
void bytesink_free(bytesink_t *b) { if (b) b->free(b); }

const table_t *chain_header(stage_t **stages, size_t n, const table_t *in)
{
    const table_t *h = in;
    for (size_t i = 0; i < n; i++)
        if (stages[i]->header)
            h = stages[i]->header(stages[i], h);
    return h;
}

int chain_run(source_t *src, stage_t **stages, size_t n, problems_t *problems,
              uint64_t *rows)
{
    size_t fatal_before = problems->fatal;
    chain_header(stages, n, src->table);
    /* a stage's header function may have found this table unusable (a
    ** count, not a flag: an earlier table may have been unusable too) */
    if (problems->fatal > fatal_before)
        return -1;
    int rc = 0;
    row_t *row;
    unsigned tick = 0;
    for (;;) {
        if ((++tick & 0x3ff) == 0) {
            check_interrupted();
            progress_rows(0x400);
        }
        if (problems_full(problems))
            break;
        int got = src->next(src, &row);
        if (got == 0)
            break;
        if (got < 0) {
            rc = -1;
            break;
        }
        (*rows)++;
        for (size_t i = 0; i < n; i++)
            if (stages[i]->process(stages[i], row) == STAGE_DROP)
                break;
    }
    for (size_t i = 0; i < n; i++)
        stages[i]->process(stages[i], NULL);
    check_interrupted();
    return rc;
}
