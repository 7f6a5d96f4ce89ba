/*
** mkarchive VARIANT OUT: writes a small custom-format pg_dump archive,
** built from the format as PostgreSQL documents it in its source
** (pg_backup_archiver.c WriteHead/WriteToc, pg_backup_custom.c), for the
** archive versions and compressions the Debian pg_dump does not write.
** It holds the planner's three tables (the rows of fixtures/pgdump/csv,
** as COPY text with every kind of escape), and before them an unrelated
** table and a large-object block, which a reader must skip.
**
** VARIANT is VERSION-COMPRESSION[-FLAG...]: VERSION 1.13 to 1.16 (or
** 1.17, which no PostgreSQL writes); COMPRESSION none, gzip, lz4, zstd
** (before 1.15: none or gzip, as a level); FLAGs: piped (no data offsets, as
** pg_dump writes to a pipe), corrupt (a byte of the assignments' deflate
** stream changed), truncated (the file cut inside the assignments' data),
** ragged (an assignment line with a field too many), escape (a line
** ending in a lone backslash). The bytes depend on nothing but VARIANT.
*/
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* A growable byte buffer of its own, so the tool links alone. */
typedef struct {
    char *data;
    size_t len, cap;
} buf_t;

static void buf_init(buf_t *b)
{
    memset(b, 0, sizeof *b);
}

static void buf_add(buf_t *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = realloc(b->data, b->cap);
        if (!b->data)
            exit(2);
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void buf_addc(buf_t *b, char c)
{
    buf_add(b, &c, 1);
}

static void buf_adds(buf_t *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

static void buf_clear(buf_t *b)
{
    b->len = 0;
}

static void buf_free(buf_t *b)
{
    free(b->data);
}

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

typedef struct {
    int dump_id;
    const char *tag, *desc, *copy;
    const char *data;           /* COPY text; NULL for the large objects */
    long offset;
} entry_t;

static const char PROJECTS[] =
    "10000000-0000-4000-8000-000000000001\tCaf\\303\\251\\tone\t2024-01-01\t2024-12-31\t"
    "say \\x22hi\\x22, then\\nleave \\\\ ok\n"
    "10000000-0000-4000-8000-000000000002\t\t2024-03-01\t2024-06-30\t\\N\n"
    "\\.\n\n\n";
static const char PHASES[] =
    "20000000-0000-4000-8000-000000000011\t10000000-0000-4000-8000-000000000001\tPLANNING\t"
    "100.00\t50.50\t150.50\n"
    "20000000-0000-4000-8000-000000000012\t10000000-0000-4000-8000-000000000001\tEXECUTION\t"
    "1000.00\t0.00\t1000.00\n"
    "20000000-0000-4000-8000-000000000021\t10000000-0000-4000-8000-000000000002\tEXECUTION\t"
    "10.00\t5.00\t15.00\n"
    "\\.\n\n\n";
static const char ASSIGNMENTS[] =
    "40000000-0000-4000-8000-000000000001\t10000000-0000-4000-8000-000000000001\t"
    "20000000-0000-4000-8000-000000000012\t2024-03-01\t100.00\t\\b\\f\\v ctl\\r\\n\n"
    "40000000-0000-4000-8000-000000000002\t10000000-0000-4000-8000-000000000001\t"
    "20000000-0000-4000-8000-000000000011\t2024-10-01\t\\N\tx\\x7\\q\n"
    "40000000-0000-4000-8000-000000000003\t10000000-0000-4000-8000-000000000002\t"
    "20000000-0000-4000-8000-000000000021\t2024-04-01\t50.00\t\n"
    "40000000-0000-4000-8000-000000000004\t10000000-0000-4000-8000-000000000001\t"
    "20000000-0000-4000-8000-000000000011\t2024-02-01\t25.50\t\\\\N\n";
static const char RAGGED[] =
    "40000000-0000-4000-8000-000000000005\t10000000-0000-4000-8000-000000000001\t"
    "20000000-0000-4000-8000-000000000011\t2024-02-02\t25.50\tnote\tone too many\n";
static const char ESCAPE[] =
    "40000000-0000-4000-8000-000000000005\t10000000-0000-4000-8000-000000000001\t"
    "20000000-0000-4000-8000-000000000011\t2024-02-02\t25.50\tends in \\\n";

static int vmin;
static int algorithm;       /* 0 none, 1 gzip, 2 lz4, 3 zstd */

static void put_byte(buf_t *b, int c)
{
    buf_addc(b, (char)c);
}

/* An integer as pg_dump writes it: a sign byte, 4 bytes least first. */
static void put_int(buf_t *b, long v)
{
    put_byte(b, v < 0);
    unsigned long u = v < 0 ? (unsigned long)-v : (unsigned long)v;
    for (int i = 0; i < 4; i++)
        put_byte(b, (int)(u >> (8 * i)) & 0xff);
}

/* A string: its length and bytes; NULL is length -1. */
static void put_str(buf_t *b, const char *s)
{
    if (!s) {
        put_int(b, -1);
        return;
    }
    put_int(b, (long)strlen(s));
    buf_add(b, s, strlen(s));
}

static void header(buf_t *b)
{
    buf_add(b, "PGDMP", 5);
    put_byte(b, 1);
    put_byte(b, vmin);
    put_byte(b, 0);
    put_byte(b, 4);     /* int size */
    put_byte(b, 8);     /* offset size */
    put_byte(b, 1);     /* custom */
    if (vmin >= 15)
        put_byte(b, algorithm);
    else
        put_int(b, algorithm ? -1 : 0);
    static const long when[7] = {0, 0, 12, 31, 0, 126, 0};
    for (int i = 0; i < 7; i++)
        put_int(b, when[i]);
    put_str(b, "planner");
    put_str(b, "17.2");
    put_str(b, "17.2");
}

static void toc(buf_t *b, const entry_t *e, size_t n, bool offsets)
{
    put_int(b, (long)n);
    for (size_t i = 0; i < n; i++) {
        put_int(b, e[i].dump_id);
        put_int(b, 1);                  /* had dumper */
        put_str(b, "0");
        put_str(b, "0");
        put_str(b, e[i].tag);
        put_str(b, e[i].desc);
        put_int(b, 3);                  /* section: data */
        put_str(b, "");
        put_str(b, "");
        put_str(b, e[i].copy);
        put_str(b, strcmp(e[i].desc, "BLOBS") == 0 ? NULL : "public");
        put_str(b, "");                 /* tablespace */
        if (vmin >= 14)
            put_str(b, "");             /* table access method */
        if (vmin >= 16)
            put_int(b, 'r');            /* relkind */
        put_str(b, "postgres");
        put_str(b, "false");
        put_str(b, "1");                /* one dependency */
        put_str(b, NULL);
        put_byte(b, offsets ? 2 : 1);
        for (int k = 0; k < 8; k++)
            put_byte(b, offsets ? (int)(e[i].offset >> (8 * k)) & 0xff : 0);
    }
}

/* Chunks of at most 40 bytes (so that a table takes several). */
static void chunks(buf_t *b, const unsigned char *p, size_t n)
{
    for (size_t at = 0; at < n; at += 40) {
        size_t k = n - at < 40 ? n - at : 40;
        put_int(b, (long)k);
        buf_add(b, p + at, k);
    }
    put_int(b, 0);
}

/* The data blocks; the assignments' deflate stream starts at *mark. */
static void data(buf_t *b, entry_t *e, size_t n, bool corrupt, size_t *mark)
{
    for (size_t i = 0; i < n; i++) {
        e[i].offset = (long)b->len;
        if (!e[i].data) {
            put_byte(b, 3);             /* large objects: oid, chunks; oid 0 */
            put_int(b, e[i].dump_id);
            put_int(b, 16400);
            chunks(b, (const unsigned char *)"blob bytes", 10);
            put_int(b, 0);
            continue;
        }
        put_byte(b, 1);
        put_int(b, e[i].dump_id);
        const char *text = e[i].data;
        size_t len = strlen(text);
        if (strcmp(e[i].tag, "resource_assignments") == 0)
            *mark = b->len;
        if (!algorithm) {
            chunks(b, (const unsigned char *)text, len);
            continue;
        }
        uLongf zlen = compressBound(len);
        unsigned char *z = malloc(zlen);
        if (!z || compress2(z, &zlen, (const unsigned char *)text, len, 6) != Z_OK)
            exit(2);
        if (corrupt && strcmp(e[i].tag, "resource_assignments") == 0)
            z[zlen / 2] ^= 0x55;
        chunks(b, z, zlen);
        free(z);
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: mkarchive VERSION-COMPRESSION[-FLAG...] OUT\n");
        return 2;
    }
    const char *v = argv[1];
    if (sscanf(v, "1.%d", &vmin) != 1)
        return 2;
    algorithm = strstr(v, "-gzip") ? 1 : strstr(v, "-lz4") ? 2 : strstr(v, "-zstd") ? 3 : 0;
    bool piped = strstr(v, "-piped"), corrupt = strstr(v, "-corrupt"),
         truncated = strstr(v, "-truncated");
    buf_t assignments;
    buf_init(&assignments);
    buf_adds(&assignments, ASSIGNMENTS);
    if (strstr(v, "-ragged"))
        buf_adds(&assignments, RAGGED);
    if (strstr(v, "-escape"))
        buf_adds(&assignments, ESCAPE);
    buf_adds(&assignments, "\\.\n\n\n");
    entry_t e[] = {
        {10, "programs", "TABLE DATA", "COPY public.programs (id, name) FROM stdin;\n",
         "1\tnot the planner\\tat all\n\\.\n\n\n", 0},
        {11, "BLOBS", "BLOBS", "", NULL, 0},
        {12, "projects", "TABLE DATA",
         "COPY public.projects (id, name, start_date, end_date, description) FROM stdin;\n",
         PROJECTS, 0},
        {13, "project_phases", "TABLE DATA",
         "COPY public.project_phases (id, project_id, phase_type, capital_budget, "
         "expense_budget, total_budget) FROM stdin;\n",
         PHASES, 0},
        {14, "resource_assignments", "TABLE DATA",
         "COPY public.resource_assignments (id, project_id, project_phase_id, assignment_date, "
         "allocation_percentage, \"note\") FROM stdin;\n",
         assignments.data, 0},
    };
    size_t n = ARRAY_LEN(e);
    /* the TOC's size does not depend on the offsets: lay out once to learn them */
    buf_t head, body, out;
    buf_init(&head);
    buf_init(&body);
    buf_init(&out);
    header(&head);
    toc(&head, e, n, !piped);
    size_t mark = 0;
    data(&body, e, n, corrupt, &mark);
    for (size_t i = 0; i < n; i++)
        e[i].offset += (long)head.len;
    buf_clear(&head);
    header(&head);
    toc(&head, e, n, !piped);
    buf_add(&out, head.data, head.len);
    buf_add(&out, body.data, body.len);
    size_t len = truncated ? head.len + mark + 30 : out.len;
    FILE *f = fopen(argv[2], "wb");
    if (!f || fwrite(out.data, 1, len, f) != len || fclose(f) != 0) {
        perror(argv[2]);
        return 2;
    }
    buf_free(&head);
    buf_free(&body);
    buf_free(&out);
    buf_free(&assignments);
    return 0;
}
