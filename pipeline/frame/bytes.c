#include "bytes.h"

void bytesrc_free(bytesrc_t *b) { if (b) b->free(b); }
void bytesink_free(bytesink_t *b) { if (b) b->free(b); }
