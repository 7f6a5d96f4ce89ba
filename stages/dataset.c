#include "dataset.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "inspect.h"
#include "stages.h"

void dataset_inputs(paths_t *p, const char *path)
{
    paths_input(p, path);
    struct stat st;
    buf_t b;
    buf_init(&b);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            buf_clear(&b);
            buf_printf(&b, "%s/%s", path, e->d_name);
            if (stat(buf_str(&b), &st) == 0 && !S_ISDIR(st.st_mode))
                paths_input(p, buf_str(&b));
        }
        if (d)
            closedir(d);
    } else {
        static const char *const companions[] = {"-wal", "-journal", "-shm"};
        for (size_t i = 0; i < ARRAY_LEN(companions); i++) {
            buf_clear(&b);
            buf_printf(&b, "%s%s", path, companions[i]);
            paths_input(p, buf_str(&b));
        }
    }
    buf_free(&b);
}

static bool has_sqlite_header(const char *path)
{
    char head[16];
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return n == sizeof head && memcmp(head, "SQLite format 3", 16) == 0;
}

/* The one SQLite database in directory `dir` when it holds no table of
** CSV files (NULL otherwise), malloc'd. */
static char *lone_database(const char *dir)
{
    buf_t b;
    buf_init(&b);
    struct stat st;
    for (int t = 0; t < T_COUNT; t++) {
        static const char *const endings[] = {".csv", ".csv.gz"};
        for (int e = 0; e < 2; e++) {
            buf_clear(&b);
            buf_printf(&b, "%s/%s%s", dir, schema_table_name((table_id_t)t), endings[e]);
            if (stat(buf_str(&b), &st) == 0) {
                buf_free(&b);
                return NULL;
            }
        }
    }
    char *found = NULL;
    int count = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        buf_clear(&b);
        buf_printf(&b, "%s/%s", dir, e->d_name);
        if (e->d_name[0] != '.' && stat(buf_str(&b), &st) == 0 && S_ISREG(st.st_mode) &&
            has_sqlite_header(buf_str(&b)) && count++ == 0)
            found = xstrdup(buf_str(&b));
    }
    if (d)
        closedir(d);
    buf_free(&b);
    if (count != 1) {
        free(found);
        return NULL;
    }
    return found;
}

bool dataset_inspect(dataset_t *d, schema_t s, named_t *out)
{
    memset(out, 0, sizeof *out);
    if (d->db)
        return inspect_sqlite(d->path, s, out) == 0;
    return false;
}

const char *dataset_sqlite_file(const dataset_t *d)
{
    return d->db ? d->path : NULL;
}

bool dataset_revision(dataset_t *d, char out[33], problems_t *problems)
{
    const char *versions = schema_versions_table();
    out[0] = '\0';
    if (d->db) {
        char *sql = sqlite3_mprintf("SELECT version_num FROM \"%w\"", versions);
        sqlite3_stmt *st = NULL;
        bool found = sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) == SQLITE_OK &&
                     sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0);
        if (found)
            snprintf(out, 33, "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        sqlite3_free(sql);
        return found;
    }
    if (!d->archive || !pgdump_entry(d->archive, versions))
        return false;
    source_t *src = pgdump_table(d->archive, versions, problems);
    row_t *row;
    bool found = src && src->next(src, &row) > 0 && row->n > 0 && !row->f[0].null;
    if (found)
        snprintf(out, 33, "%s", row->f[0].data);
    source_free(src);
    return found;
}

dataset_t *dataset_open(const char *path, problems_t *problems)
{
    return dataset_open_schema(path, NULL, problems);
}

dataset_t *dataset_open_schema(const char *path, const char *schema, problems_t *problems)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        problem_fatal(problems, path, "cannot open: %s", strerror(errno));
        return NULL;
    }
    if (S_ISFIFO(st.st_mode)) {
        /* each table is read in a pass of its own, some twice */
        problem_fatal(problems, path,
                      "a pipe: phasemig reads its input more than once; save it to a file first");
        return NULL;
    }
    dataset_t *d = xcalloc(1, sizeof *d);
    d->path = xstrdup(path);
    if (pgdump_recognised(path)) {
        d->archive = pgdump_open(path, schema, problems);
        if (!d->archive) {
            dataset_close(d);
            return NULL;
        }
        return d;
    }
    if (S_ISDIR(st.st_mode)) {
        /* a directory of no CSV tables but one SQLite database (migrate
        ** --format sqlite's OUT) is that database */
        char *db = lone_database(path);
        if (!db)
            return d;
        free(d->path);
        d->path = db;
        path = d->path;
    }
    if (!has_sqlite_header(path)) {
        problem_fatal(problems, path,
                      "not a dataset: neither a directory of CSV files, a SQLite database nor a "
                      "pg_dump archive");
        dataset_close(d);
        return NULL;
    }
    if (sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        problem_fatal(problems, path, "cannot open the database: %s", sqlite3_errmsg(d->db));
        dataset_close(d);
        return NULL;
    }
    return d;
}

source_t *dataset_table(dataset_t *d, table_id_t id, problems_t *problems)
{
    const char *table = schema_table_name(id);
    buf_t display;
    buf_init(&display);
    source_t *src = NULL;
    if (d->archive) {
        buf_free(&display);
        return pgdump_table(d->archive, table, problems);
    }
    if (d->db) {
        buf_printf(&display, "%s[%s]", d->path, table);
        src = sqlite_source_open(d->db, id, buf_str(&display), problems);
        buf_free(&display);
        return src;
    }
    buf_t plain, gz;
    buf_init(&plain);
    buf_init(&gz);
    buf_printf(&plain, "%s/%s.csv", d->path, table);
    buf_printf(&gz, "%s/%s.csv.gz", d->path, table);
    struct stat st;
    bool has_plain = stat(buf_str(&plain), &st) == 0;
    bool has_gz = stat(buf_str(&gz), &st) == 0;
    const char *path = has_plain ? buf_str(&plain) : buf_str(&gz);
    if (has_plain && has_gz) {
        problem_fatal(problems, d->path, "both %s.csv and %s.csv.gz: which one is meant?", table,
                      table);
    } else if (!has_plain && !has_gz) {
        problem_fatal(problems, d->path, "no %s.csv or %s.csv.gz in it", table, table);
    } else if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        problem_fatal(problems, path, "is a directory, not a CSV file");
    } else {
        bytesrc_t *bytes = bytesrc_file_open(path);
        if (!bytes) {
            problem_fatal(problems, path, "cannot open: %s", strerror(errno));
        } else {
            /* read, inflated and parsed in batches, which a chain fills
            ** ahead on a thread of their own */
            if (bytesrc_file_is_gzip(bytes))
                bytes = gzip_bytesrc_new(bytes);
            src = csv_source_open(bytes, table, path, problems);
        }
    }
    buf_free(&plain);
    buf_free(&gz);
    buf_free(&display);
    return src;
}

uint64_t dataset_bytes(const dataset_t *d)
{
    struct stat st;
    if (d->archive)
        return d->archive->size;
    if (d->db)
        return stat(d->path, &st) == 0 ? (uint64_t)st.st_size : 0;
    uint64_t total = 0;
    static const char *const endings[] = {".csv", ".csv.gz"};
    for (int t = 0; t < T_COUNT; t++)
        for (int e = 0; e < 2; e++) {
            buf_t path;
            buf_init(&path);
            buf_printf(&path, "%s/%s%s", d->path, schema_table_name((table_id_t)t), endings[e]);
            if (stat(buf_str(&path), &st) == 0 && S_ISREG(st.st_mode))
                total += (uint64_t)st.st_size;
            buf_free(&path);
        }
    return total;
}

void dataset_close(dataset_t *d)
{
    if (!d)
        return;
    if (d->db)
        sqlite3_close(d->db);
    pgdump_close(d->archive);
    free(d->path);
    free(d);
}
