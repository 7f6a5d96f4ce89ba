/*
** read_pgdump_toc: what kind of pg_dump archive a path is, its header and
** its table of contents (docs/formats.md "pg_dump archives").
**
** The layout is PostgreSQL's (src/bin/pg_dump/pg_backup_archiver.c,
** ReadHead and ReadToc; pg_backup_custom.c, _directory.c and _tar.c for
** each format's extra field), read for archive versions 1.13 to 1.16,
** which PostgreSQL 11 to 17 write:
**
**   "PGDMP", major, minor, revision, int size, offset size, format byte;
**   compression: an integer (a level, 0 = none, else gzip) before 1.15,
**   a byte (0 none, 1 gzip, 2 lz4, 3 zstd) from 1.15 on;
**   creation time (7 integers), database name, server and pg_dump
**   versions (strings); the entry count, then per entry: dump id, had
**   dumper, table oid, oid, tag, desc, section, defn, drop statement,
**   copy statement, namespace, tablespace, table access method (1.14),
**   relkind (an integer, 1.16), owner, "with oids", dependencies (strings
**   up to a NULL one), and the format's own field: a data offset (custom)
**   or a file name (directory, tar).
**
** An integer is a sign byte and then `int size` bytes, least significant
** first; a string is its length (an integer, -1 for NULL) and its bytes.
** Only the TABLE DATA entries of the wanted schema are kept; every other
** string is skipped with a seek, not read.
*/
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "pgdump.h"
#include "stages.h"

#define ARCHIVE_FORMAT_CUSTOM 1
#define ARCHIVE_FORMAT_TAR 3
#define ARCHIVE_FORMAT_DIRECTORY 5
/* Bounds that no real archive comes near, so a corrupt count or length
** ends with a message, not an allocation of gigabytes. */
#define TOC_ENTRIES_MAX 100000000
#define KEPT_STRING_MAX ((int64_t)64 * 1024 * 1024)
#define TAR_BLOCK 512
/* How much of a script is looked at to tell it is one. */
#define SNIFF_BYTES 4096
static const char PLAIN_SCRIPT_START[] = "--\n-- PostgreSQL database dump\n";

/* Reading the TOC: a file, where it must not go past, and the first
** problem met (then every later read fails too). */
typedef struct {
    FILE *f;
    const char *path;
    int int_size, off_size;
    bool truncated, corrupt;
    char why[200];
} toc_reader_t;

bool pgdump_read_int(FILE *f, int int_size, int64_t *out)
{
    int sign = getc(f);
    if (sign == EOF)
        return false;
    uint64_t v = 0;
    for (int i = 0; i < int_size; i++) {
        int ch = getc(f);
        if (ch == EOF)
            return false;
        if (i >= 8 && ch != 0)
            return false;
        if (i < 8)
            v |= (uint64_t)ch << (8 * i);
    }
    if (v > (uint64_t)INT64_MAX)
        return false;
    *out = sign ? -(int64_t)v : (int64_t)v;
    return true;
}

/* Notes the first problem; `truncated` when the file simply ended. */
static void toc_fail(toc_reader_t *r, bool truncated, const char *why)
{
    if (r->truncated || r->corrupt)
        return;
    if (truncated || feof(r->f))
        r->truncated = true;
    else
        r->corrupt = true;
    snprintf(r->why, sizeof r->why, "%s", why);
}

/* No problem met so far. */
static bool toc_ok(const toc_reader_t *r)
{
    return !r->truncated && !r->corrupt;
}

/* One byte, or -1 after a problem. */
static int toc_byte(toc_reader_t *r)
{
    if (!toc_ok(r))
        return -1;
    int ch = getc(r->f);
    if (ch == EOF)
        toc_fail(r, true, "");
    return ch;
}

/* An integer (0 after a problem). */
static int64_t toc_int(toc_reader_t *r)
{
    int64_t v = 0;
    if (toc_ok(r) && !pgdump_read_int(r->f, r->int_size, &v))
        toc_fail(r, false, "an integer out of range");
    return v;
}

/* A string kept (malloc'd; NULL for a NULL string or after a problem). */
static char *toc_str(toc_reader_t *r)
{
    int64_t len = toc_int(r);
    if (!toc_ok(r) || len < 0)
        return NULL;
    if (len > KEPT_STRING_MAX) {
        toc_fail(r, false, "a string longer than 64 MiB");
        return NULL;
    }
    char *s = xmalloc((size_t)len + 1);
    if (fread(s, 1, (size_t)len, r->f) != (size_t)len) {
        toc_fail(r, true, "");
        free(s);
        return NULL;
    }
    s[len] = '\0';
    return s;
}

/* A string not needed: skipped. Returns false for a NULL string (the end
** of a dependency list) or after a problem. */
static bool toc_skip_str(toc_reader_t *r)
{
    int64_t len = toc_int(r);
    if (!toc_ok(r) || len < 0)
        return false;
    if (fseeko(r->f, (off_t)len, SEEK_CUR) != 0) {
        toc_fail(r, false, "a string past the end");
        return false;
    }
    return true;
}

/* Reads "PGDMP" and the header; false (and a->path's problem) if it is
** not one phasemig reads. */
static bool read_header(pgdump_t *a, toc_reader_t *r, int want_format, problems_t *problems)
{
    char magic[5];
    if (fread(magic, 1, 5, r->f) != 5 || memcmp(magic, "PGDMP", 5) != 0) {
        problem_fatal(problems, a->path, "not a pg_dump archive: no PGDMP header");
        return false;
    }
    a->vmaj = toc_byte(r);
    a->vmin = toc_byte(r);
    a->vrev = toc_byte(r);
    a->int_size = r->int_size = toc_byte(r);
    a->off_size = r->off_size = toc_byte(r);
    int format = toc_byte(r);
    if (!toc_ok(r)) {
        problem_fatal(problems, a->path, "truncated archive: it ends inside its header");
        return false;
    }
    if (a->vmaj != 1 || a->vmin < 13 || a->vmin > 16) {
        problem_fatal(problems, a->path,
                      "archive version %d.%d, which phasemig does not read (it reads 1.13 to "
                      "1.16, as pg_dump of PostgreSQL 11 to 17 writes them)",
                      a->vmaj, a->vmin);
        return false;
    }
    if (a->int_size < 1 || a->int_size > 8 || a->off_size < 1 || a->off_size > 8) {
        problem_fatal(problems, a->path,
                      "corrupt archive header: integers of %d bytes, offsets of %d", a->int_size,
                      a->off_size);
        return false;
    }
    /* pg_dump 15 writes 3 in the toc.dat of both a directory and a tar
    ** archive: either is taken for either */
    if (want_format != ARCHIVE_FORMAT_CUSTOM &&
        (format == ARCHIVE_FORMAT_TAR || format == ARCHIVE_FORMAT_DIRECTORY))
        format = want_format;
    if (format != want_format) {
        if (want_format == ARCHIVE_FORMAT_CUSTOM &&
            (format == ARCHIVE_FORMAT_TAR || format == ARCHIVE_FORMAT_DIRECTORY))
            problem_fatal(problems, a->path,
                          "the table of contents (toc.dat) of a directory- or tar-format "
                          "archive: give its directory or tar file");
        else
            problem_fatal(problems, a->path, "corrupt archive header: format %d", format);
        return false;
    }
    const char *algorithm = NULL;
    if (a->vmin >= 15) {
        int alg = toc_byte(r);
        if (alg == 1)
            a->gzip = true;
        else if (alg == 2)
            algorithm = "lz4";
        else if (alg == 3)
            algorithm = "zstd";
        else if (alg != 0 && toc_ok(r)) {
            problem_fatal(problems, a->path,
                          "table data compressed with algorithm %d, which phasemig does not know",
                          alg);
            return false;
        }
    } else {
        a->gzip = toc_int(r) != 0;
    }
    if (algorithm) {
        /* the way out names a script beside the archive: NAME.sql for NAME.dump */
        const char *slash = strrchr(a->path, '/'), *dot = strrchr(a->path, '.');
        int stem = dot && dot > (slash ? slash : a->path) ? (int)(dot - a->path)
                                                         : (int)strlen(a->path);
        problem_fatal(problems, a->path,
                      "table data compressed with %s, which phasemig does not read; dump with "
                      "pg_dump -Z gzip, or run pg_restore -f %.*s.sql %s and migrate %.*s.sql",
                      algorithm, stem, a->path, a->path, stem, a->path);
        return false;
    }
    for (int i = 0; i < 7; i++)     /* creation time: sec, min, hour, mday, mon, year, isdst */
        toc_int(r);
    for (int i = 0; i < 3; i++)     /* database name, server version, pg_dump version */
        toc_skip_str(r);
    return true;
}

/* Reads the custom format's data offset: a flag byte and off_size bytes. */
static void read_offset(toc_reader_t *r, pgdump_entry_t *e)
{
    e->offset_state = toc_byte(r);
    uint64_t v = 0;
    for (int i = 0; i < r->off_size; i++) {
        int ch = toc_byte(r);
        if (ch > 0 && i >= 8)
            toc_fail(r, false, "a data offset out of range");
        else if (ch > 0)
            v |= (uint64_t)ch << (8 * i);
    }
    e->offset = v;
    if (toc_ok(r) && (e->offset_state < PGDUMP_OFFSET_NOT_SET ||
                      e->offset_state > PGDUMP_OFFSET_NO_DATA))
        toc_fail(r, false, "a data offset flag that is not 1, 2 or 3");
}

/* Reads the entries, keeping the TABLE DATA ones of a->schema. */
static void read_toc(pgdump_t *a, toc_reader_t *r, int format)
{
    int64_t count = toc_int(r);
    if (toc_ok(r) && (count < 0 || count > TOC_ENTRIES_MAX))
        toc_fail(r, false, "an entry count out of range");
    for (int64_t i = 0; i < count && toc_ok(r); i++) {
        pgdump_entry_t e = {0};
        e.dump_id = toc_int(r);
        toc_int(r);             /* had dumper */
        toc_skip_str(r);        /* table oid */
        toc_skip_str(r);        /* oid */
        e.table = toc_str(r);   /* tag */
        char *desc = toc_str(r);
        toc_int(r);             /* section */
        toc_skip_str(r);        /* defn */
        toc_skip_str(r);        /* drop statement */
        e.copy_stmt = toc_str(r);
        char *namespace = toc_str(r);
        toc_skip_str(r);        /* tablespace */
        if (a->vmin >= 14)
            toc_skip_str(r);    /* table access method */
        if (a->vmin >= 16)
            toc_int(r);         /* relkind */
        toc_skip_str(r);        /* owner */
        toc_skip_str(r);        /* with oids: "false" */
        while (toc_skip_str(r)) /* dependencies, up to a NULL string */
            ;
        if (format == ARCHIVE_FORMAT_CUSTOM)
            read_offset(r, &e);
        else
            e.filename = toc_str(r);
        bool keep = toc_ok(r) && desc && strcmp(desc, "TABLE DATA") == 0 && e.table &&
                    namespace && strcmp(namespace, a->schema) == 0;
        free(desc);
        free(namespace);
        if (!keep) {
            free(e.table);
            free(e.copy_stmt);
            free(e.filename);
            continue;
        }
        if ((a->nentries & (a->nentries - 1)) == 0)
            a->entries = xrealloc(a->entries, (a->nentries ? 2 * a->nentries : 1) * sizeof e);
        a->entries[a->nentries++] = e;
    }
}

/* Header and TOC from `f` (at the header); false with a problem. */
static bool read_header_and_toc(pgdump_t *a, FILE *f, const char *shown, int format,
                                problems_t *problems)
{
    toc_reader_t r = {.f = f, .path = shown};
    if (!read_header(a, &r, format, problems))
        return false;
    read_toc(a, &r, format);
    if (r.truncated) {
        problem_fatal(problems, shown, "truncated archive: it ends inside its table of contents");
        return false;
    }
    if (r.corrupt) {
        problem_fatal(problems, shown, "corrupt table of contents: %s", r.why);
        return false;
    }
    off_t at = ftello(f);
    a->data_start = at > 0 ? (uint64_t)at : 0;
    return true;
}

/* The number in a tar header field of octal digits (NUL or space ended). */
static bool tar_octal(const unsigned char *p, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    while (i < n && p[i] == ' ')
        i++;
    size_t digits = 0;
    for (; i < n && p[i] >= '0' && p[i] <= '7'; i++, digits++) {
        if (v > (UINT64_MAX >> 3))
            return false;
        v = v << 3 | (uint64_t)(p[i] - '0');
    }
    if (digits == 0 || (i < n && p[i] != '\0' && p[i] != ' '))
        return false;
    *out = v;
    return true;
}

/* Lists the members of a tar archive (name, offset, size); false with a
** problem if a header is not a ustar header or the file ends inside. */
static bool read_tar_members(pgdump_t *a, FILE *f, problems_t *problems)
{
    unsigned char h[TAR_BLOCK];
    uint64_t at = 0;
    for (;;) {
        if (fseeko(f, (off_t)at, SEEK_SET) != 0 || fread(h, 1, TAR_BLOCK, f) != TAR_BLOCK) {
            if (a->nmembers > 0 && feof(f))
                return true;    /* pg_dump ends with zero blocks, but the end will do */
            problem_fatal(problems, a->path, "truncated archive: it ends inside a tar header");
            return false;
        }
        if (h[0] == '\0')
            return true;        /* the end-of-archive zero block */
        uint64_t size;
        if (memcmp(h + 257, "ustar", 5) != 0 || !tar_octal(h + 124, 12, &size)) {
            problem_fatal(problems, a->path, "corrupt tar archive: a bad header at byte %llu",
                          (unsigned long long)at);
            return false;
        }
        pgdump_member_t m = {.name = xstrndup((const char *)h, strnlen((const char *)h, 100)),
                             .offset = at + TAR_BLOCK,
                             .size = size};
        if ((a->nmembers & (a->nmembers - 1)) == 0)
            a->members = xrealloc(a->members, (a->nmembers ? 2 * a->nmembers : 1) * sizeof m);
        a->members[a->nmembers++] = m;
        at += TAR_BLOCK + (size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
    }
}

/* Whether the bytes at the start of a file are a plain pg_dump script
** (gzip inflated first when `gzip`). */
static bool plain_script_start(const unsigned char *head, size_t n, bool gzip)
{
    unsigned char text[SNIFF_BYTES];
    size_t len = n;
    if (gzip) {
        z_stream zs;
        memset(&zs, 0, sizeof zs);
        if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
            return false;
        zs.next_in = (unsigned char *)head;
        zs.avail_in = (uInt)n;
        zs.next_out = text;
        zs.avail_out = sizeof text;
        inflate(&zs, Z_SYNC_FLUSH);
        len = sizeof text - zs.avail_out;
        inflateEnd(&zs);
    } else {
        memcpy(text, head, n < sizeof text ? n : sizeof text);
    }
    size_t want = sizeof PLAIN_SCRIPT_START - 1;
    return len >= want && memcmp(text, PLAIN_SCRIPT_START, want) == 0;
}

/* The kind of archive at `path` from its first bytes; false if none.
** `gzip`: a plain script is gzip-compressed. */
static bool sniff(const char *path, pgdump_kind_t *kind, bool *gzip)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return false;
    if (S_ISDIR(st.st_mode)) {
        buf_t toc;
        buf_init(&toc);
        buf_printf(&toc, "%s/toc.dat", path);
        bool is = stat(buf_str(&toc), &st) == 0 && S_ISREG(st.st_mode);
        buf_free(&toc);
        *kind = PGDUMP_DIRECTORY;
        return is;
    }
    if (!S_ISREG(st.st_mode))
        return false;
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    unsigned char head[SNIFF_BYTES];
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    *gzip = false;
    if (n >= 5 && memcmp(head, "PGDMP", 5) == 0) {
        *kind = PGDUMP_CUSTOM;
        return true;
    }
    if (n >= TAR_BLOCK && memcmp(head + 257, "ustar", 5) == 0) {
        *kind = PGDUMP_TAR;
        return true;
    }
    *kind = PGDUMP_PLAIN;
    *gzip = n >= 2 && head[0] == 0x1f && head[1] == 0x8b;
    return plain_script_start(head, n, *gzip);
}

bool pgdump_recognised(const char *path)
{
    pgdump_kind_t kind;
    bool gzip;
    return sniff(path, &kind, &gzip);
}

/* Opens `path` for the TOC; NULL with a problem. */
static FILE *open_or_say(const char *path, problems_t *problems)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        problem_fatal(problems, path, "cannot open: %s", strerror(errno));
    return f;
}

pgdump_t *pgdump_open(const char *path, const char *schema, problems_t *problems)
{
    pgdump_t *a = xcalloc(1, sizeof *a);
    a->path = xstrdup(path);
    a->schema = xstrdup(schema ? schema : "public");
    bool gzip = false;
    if (!sniff(path, &a->kind, &gzip)) {
        problem_fatal(problems, path, "not a pg_dump archive");
        pgdump_close(a);
        return NULL;
    }
    struct stat st;
    bool ok = true;
    if (a->kind == PGDUMP_PLAIN) {
        a->gzip = gzip;
    } else if (a->kind == PGDUMP_DIRECTORY) {
        buf_t toc;
        buf_init(&toc);
        buf_printf(&toc, "%s/toc.dat", path);
        FILE *f = open_or_say(buf_str(&toc), problems);
        ok = f && read_header_and_toc(a, f, buf_str(&toc), ARCHIVE_FORMAT_DIRECTORY, problems);
        if (f)
            fclose(f);
        buf_free(&toc);
    } else {
        FILE *f = open_or_say(path, problems);
        ok = f != NULL;
        if (ok && a->kind == PGDUMP_TAR) {
            ok = read_tar_members(a, f, problems);
            const pgdump_member_t *toc = ok ? pgdump_member(a, "toc.dat") : NULL;
            if (ok && !toc) {
                problem_fatal(problems, path, "a tar file without toc.dat: not a pg_dump archive");
                ok = false;
            }
            ok = ok && fseeko(f, (off_t)toc->offset, SEEK_SET) == 0 &&
                 read_header_and_toc(a, f, path, ARCHIVE_FORMAT_TAR, problems);
        } else if (ok) {
            ok = read_header_and_toc(a, f, path, ARCHIVE_FORMAT_CUSTOM, problems);
        }
        if (f)
            fclose(f);
    }
    if (!ok) {
        pgdump_close(a);
        return NULL;
    }
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
        a->size = (uint64_t)st.st_size;
    return a;
}

const pgdump_entry_t *pgdump_entry(const pgdump_t *a, const char *table)
{
    for (size_t i = 0; i < a->nentries; i++)
        if (strcmp(a->entries[i].table, table) == 0)
            return &a->entries[i];
    return NULL;
}

const pgdump_member_t *pgdump_member(const pgdump_t *a, const char *name)
{
    for (size_t i = 0; i < a->nmembers; i++)
        if (strcmp(a->members[i].name, name) == 0)
            return &a->members[i];
    return NULL;
}

void pgdump_close(pgdump_t *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->nentries; i++) {
        free(a->entries[i].table);
        free(a->entries[i].copy_stmt);
        free(a->entries[i].filename);
    }
    for (size_t i = 0; i < a->nmembers; i++)
        free(a->members[i].name);
    free(a->entries);
    free(a->members);
    free(a->path);
    free(a->schema);
    free(a);
}
