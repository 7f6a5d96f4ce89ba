#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "errors.h"

static char *staging_to_remove;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

static void remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void remove_staging(void)
{
    if (staging_to_remove) {
        remove_tree(staging_to_remove);
        free(staging_to_remove);
        staging_to_remove = NULL;
    }
}

static bool dir_is_empty(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return false;
    struct dirent *e;
    bool empty = true;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            empty = false;
            break;
        }
    closedir(d);
    return empty;
}

void output_prepare(output_t *o, const char *out, bool force)
{
    struct stat st;
    if (stat(out, &st) == 0) {
        if (!S_ISDIR(st.st_mode) && !force)
            runtime_error("%s: exists and is not a directory (--force replaces it)", out);
        if (S_ISDIR(st.st_mode) && !force && !dir_is_empty(out))
            runtime_error("%s: exists and is not empty (--force replaces it)", out);
    }
    o->final = xstrdup(out);
    size_t len = strlen(out);
    while (len > 1 && out[len - 1] == '/')
        len--;
    buf_t staging;
    buf_init(&staging);
    buf_add(&staging, out, len);
    buf_adds(&staging, ".phasemig-XXXXXX");
    if (!mkdtemp(staging.data)) {
        int err = errno;
        char *copy = xstrndup(out, len);
        char *parent = dirname(copy);
        runtime_error("%s: cannot write there: %s", parent, strerror(err));
    }
    /* mkdtemp makes it 0700; OUT gets the usual mode */
    mode_t mask = umask(0);
    umask(mask);
    chmod(staging.data, 0777 & ~mask);
    o->staging = xstrdup(buf_str(&staging));
    buf_free(&staging);
    staging_to_remove = xstrdup(o->staging);
    atexit(remove_staging);
}

char *output_path(const output_t *o, const char *name)
{
    buf_t b;
    buf_init(&b);
    buf_printf(&b, "%s/%s", o->staging, name);
    return b.data;
}

static void sync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

void output_commit(output_t *o)
{
    check_interrupted();
    sync_dir(o->staging);
    struct stat st;
    if (lstat(o->final, &st) != 0) {
        if (rename(o->staging, o->final) != 0)
            runtime_error("%s: cannot rename into place: %s", o->final, strerror(errno));
    } else {
        /* swap in one step, then remove what was there */
        if (renameat2(AT_FDCWD, o->staging, AT_FDCWD, o->final, RENAME_EXCHANGE) != 0)
            runtime_error("%s: cannot rename into place: %s", o->final, strerror(errno));
    }
    free(staging_to_remove);
    staging_to_remove = NULL;
    if (lstat(o->staging, &st) == 0)
        remove_tree(o->staging);
    char *copy = xstrdup(o->final);
    sync_dir(dirname(copy));
    free(copy);
}

void output_free(output_t *o)
{
    free(o->final);
    free(o->staging);
}

/* ---- files ---- */

#define FILE_BUF ((size_t)256 * 1024)

typedef struct {
    bytesink_t base;
    char *path;
    int fd;
    char *buf;
    size_t len;
} file_sink_t;

static void flush_file(file_sink_t *f)
{
    size_t done = 0;
    while (done < f->len) {
        ssize_t n = write(f->fd, f->buf + done, f->len - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            runtime_error("%s: write failed: %s", f->path, strerror(errno));
        }
        done += (size_t)n;
    }
    f->len = 0;
}

static void file_write(bytesink_t *self, const void *p, size_t n)
{
    file_sink_t *f = (file_sink_t *)self;
    if (n == 0)
        return;
    if (f->len + n > FILE_BUF)
        flush_file(f);
    if (n > FILE_BUF) {
        f->len = 0;
        const char *bytes = p;
        while (n > 0) {
            ssize_t w = write(f->fd, bytes, n);
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                runtime_error("%s: write failed: %s", f->path, strerror(errno));
            }
            bytes += w;
            n -= (size_t)w;
        }
        return;
    }
    memcpy(f->buf + f->len, p, n);
    f->len += n;
}

static void file_close(bytesink_t *self)
{
    file_sink_t *f = (file_sink_t *)self;
    flush_file(f);
    if (fsync(f->fd) != 0 || close(f->fd) != 0)
        runtime_error("%s: write failed: %s", f->path, strerror(errno));
    f->fd = -1;
}

static void file_free(bytesink_t *self)
{
    file_sink_t *f = (file_sink_t *)self;
    if (f->fd >= 0)
        close(f->fd);
    free(f->buf);
    free(f->path);
    free(f);
}

bytesink_t *bytesink_file_new(const char *path)
{
    file_sink_t *f = xcalloc(1, sizeof *f);
    f->path = xstrdup(path);
    f->base.path = f->path;
    f->base.write = file_write;
    f->base.close = file_close;
    f->base.free = file_free;
    f->buf = xmalloc(FILE_BUF);
    f->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (f->fd < 0)
        runtime_error("%s: cannot create: %s", path, strerror(errno));
    return &f->base;
}

typedef struct {
    bytesrc_t base;
    char *path;
    int fd;
} file_src_t;

static ssize_t file_read(bytesrc_t *self, void *buf, size_t n)
{
    file_src_t *f = (file_src_t *)self;
    for (;;) {
        ssize_t got = read(f->fd, buf, n);
        if (got >= 0)
            return got;
        if (errno != EINTR) {
            snprintf(self->err, sizeof self->err, "read failed: %s", strerror(errno));
            return -1;
        }
    }
}

static void file_src_free(bytesrc_t *self)
{
    file_src_t *f = (file_src_t *)self;
    close(f->fd);
    free(f->path);
    free(f);
}

bytesrc_t *bytesrc_file_open(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    file_src_t *f = xcalloc(1, sizeof *f);
    f->path = xstrdup(path);
    f->base.path = f->path;
    f->base.read = file_read;
    f->base.free = file_src_free;
    f->fd = fd;
    return &f->base;
}
