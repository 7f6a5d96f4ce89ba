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
#include "progress.h"

/* What an exit before commit removes: the staging directory, staged files. */
#define STAGED_MAX 4
static char *staged[STAGED_MAX];
static bool hook_installed;

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

static void remove_staged(void)
{
    for (int i = 0; i < STAGED_MAX; i++)
        if (staged[i]) {
            remove_tree(staged[i]);
            free(staged[i]);
            staged[i] = NULL;
        }
}

static void stage_path(const char *path)
{
    if (!hook_installed) {
        atexit(remove_staged);
        hook_installed = true;
    }
    for (int i = 0; i < STAGED_MAX; i++)
        if (!staged[i]) {
            staged[i] = xstrdup(path);
            return;
        }
    runtime_error("%s: too many staged outputs", path);
}

/* Committed or abandoned: the exit hook leaves it alone from now on. */
static void unstage_path(const char *path)
{
    for (int i = 0; i < STAGED_MAX; i++)
        if (staged[i] && strcmp(staged[i], path) == 0) {
            free(staged[i]);
            staged[i] = NULL;
        }
}

/* Makes a staged name beside `path`: PATH.phasemig-XXXXXX. */
static char *beside(const char *path)
{
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    buf_t b;
    buf_init(&b);
    buf_add(&b, path, len);
    buf_adds(&b, ".phasemig-XXXXXX");
    return b.data;
}

/* mkdtemp and mkstemp make 0700 and 0600; outputs get the usual modes */
static void usual_mode(const char *path, mode_t mode)
{
    mode_t mask = umask(0);
    umask(mask);
    chmod(path, mode & ~mask);
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

const char *output_refusal(const char *out, bool force)
{
    struct stat st;
    if (force || stat(out, &st) != 0)
        return NULL;
    if (!S_ISDIR(st.st_mode))
        return "exists and is not a directory";
    if (!dir_is_empty(out))
        return "exists and is not empty";
    return NULL;
}

void output_prepare(output_t *o, const char *out, bool force)
{
    const char *refusal = output_refusal(out, force);
    if (refusal)
        runtime_error("%s: %s (--force replaces it)", out, refusal);
    run_writes_output();
    o->final = xstrdup(out);
    o->force = force;
    o->staging = beside(out);
    if (!mkdtemp(o->staging)) {
        int err = errno;
        char *parent = dirname(o->final);
        runtime_error("%s: cannot write there: %s", parent, strerror(err));
    }
    usual_mode(o->staging, 0777);
    stage_path(o->staging);
}

void output_abort(output_t *o)
{
    if (!o->staging)
        return;
    remove_tree(o->staging);
    unstage_path(o->staging);
    output_free(o);
    memset(o, 0, sizeof *o);
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

/* The refusal of output_prepare(), for an OUT found at commit. */
static _Noreturn void refuse_existing(const char *out)
{
    struct stat st;
    if (lstat(out, &st) == 0 && !S_ISDIR(st.st_mode))
        runtime_error("%s: exists and is not a directory (--force replaces it)", out);
    runtime_error("%s: exists and is not empty (--force replaces it)", out);
}

void output_commit(output_t *o)
{
    check_interrupted();
    sync_dir(o->staging);
    for (;;) {
        if (renameat2(AT_FDCWD, o->staging, AT_FDCWD, o->final, RENAME_NOREPLACE) == 0)
            break;
        if (errno != EEXIST)
            runtime_error("%s: cannot rename into place: %s", o->final, strerror(errno));
        if (o->force) {
            /* swap in one step; what was there is removed below */
            if (renameat2(AT_FDCWD, o->staging, AT_FDCWD, o->final, RENAME_EXCHANGE) == 0)
                break;
            if (errno != ENOENT)   /* gone in between: try the first way again */
                runtime_error("%s: cannot rename into place: %s", o->final, strerror(errno));
            continue;
        }
        /* An empty directory may be replaced: rmdir removes it only while
        ** it is empty, so another run's output there is never lost. */
        if (rmdir(o->final) != 0 && errno != ENOENT)
            refuse_existing(o->final);
    }
    unstage_path(o->staging);
    struct stat st;
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

bytesink_t *staged_file_open(staged_file_t *f, const char *path)
{
    run_writes_output();
    bool to_stdout = strcmp(path, "-") == 0;
    if (to_stdout) {
        /* kept aside in TMPDIR until the run commits: a run that starts
        ** over or fails prints none of it */
        const char *tmp = getenv("TMPDIR");
        buf_t b;
        buf_init(&b);
        buf_printf(&b, "%s/phasemig-stdout", tmp && *tmp ? tmp : "/tmp");
        f->final = NULL;
        f->staging = beside(buf_str(&b));
        buf_free(&b);
    } else {
        f->final = xstrdup(path);
        f->staging = beside(path);
    }
    int fd = mkstemp(f->staging);
    if (fd < 0)
        runtime_error("%s: cannot write there: %s", to_stdout ? f->staging : path, strerror(errno));
    close(fd);
    usual_mode(f->staging, 0666);
    stage_path(f->staging);
    return bytesink_file_new(f->staging);
}

/* Copies the staged file to stdout (a `-` output) and removes it. */
static void staged_to_stdout(staged_file_t *f)
{
    bytesrc_t *src = bytesrc_file_open(f->staging);
    if (!src)
        runtime_error("%s: cannot read back: %s", f->staging, strerror(errno));
    bytesink_t *out = bytesink_stdout_new();
    char buf[65536];
    ssize_t got;
    while ((got = src->read(src, buf, sizeof buf)) > 0)
        out->write(out, buf, (size_t)got);
    if (got < 0)
        runtime_error("%s: %s", f->staging, src->err);
    out->close(out);
    bytesink_free(out);
    bytesrc_free(src);
    remove(f->staging);
    unstage_path(f->staging);
}

void staged_file_commit(staged_file_t *f)
{
    if (!f->final) {
        staged_to_stdout(f);
        return;
    }
    if (rename(f->staging, f->final) != 0)
        runtime_error("%s: cannot rename into place: %s", f->final, strerror(errno));
    unstage_path(f->staging);
    char *copy = xstrdup(f->final);
    sync_dir(dirname(copy));
    free(copy);
}

void staged_file_abort(staged_file_t *f)
{
    if (!f->staging)
        return;
    remove(f->staging);
    unstage_path(f->staging);
    staged_file_free(f);
}

void staged_file_free(staged_file_t *f)
{
    free(f->final);
    free(f->staging);
    f->final = f->staging = NULL;
}

/* ---- files ---- */

#define FILE_BUF ((size_t)256 * 1024)
/* Written bytes are handed to the disk every WRITEBACK_STEP: with much
** memory the kernel would otherwise hold gigabytes of them until the
** fsync at close, and the disk would sit idle through the run and then
** keep it waiting (10M assignments: 2.5 GB, 9 s at 295 MB/s). The step
** before, on the disk by then, leaves the page cache: a run does not
** fill memory with output nobody reads back now, and its writes reuse the
** same pages instead of ever new ones (in this VM, where a page never
** used costs the host a fault, writing 1.5 GB took 12.7 s so and 2.6 s
** with dd oflag=nocache). */
#define WRITEBACK_STEP ((off_t)8 << 20)

typedef struct {
    bytesink_t base;
    char *path;
    int fd;
    char *buf;
    size_t len;
    off_t written;          /* bytes written to fd */
    off_t handed;           /* of which handed to the disk */
    off_t dropped;          /* of which on the disk and out of the cache */
} file_sink_t;

/* sync_file_range on f's bytes [from, to); a failure is the run's (a
** write failure) unless the file cannot take it (a pipe, a terminal:
** ESPIPE; EINVAL). It must not be ignored: a wait that finds the disk
** failed to write a range back reports that once, and the fsync at close
** then succeeds. */
static void sync_range(file_sink_t *f, off_t from, off_t to, unsigned flags)
{
    if (sync_file_range(f->fd, from, to - from, flags) != 0 && errno != ESPIPE && errno != EINVAL)
        runtime_error("%s: write failed: %s", f->path, strerror(errno));
}

/* Starts writing back what has been written since the last time, and
** drops the step before from the cache once it is on the disk. */
static void start_writeback(file_sink_t *f)
{
    if (f->written - f->handed < WRITEBACK_STEP)
        return;
    if (f->handed > f->dropped) {
        sync_range(f, f->dropped, f->handed,
                   SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
        (void)posix_fadvise(f->fd, f->dropped, f->handed - f->dropped, POSIX_FADV_DONTNEED);
    }
    f->dropped = f->handed;
    sync_range(f, f->handed, f->written, SYNC_FILE_RANGE_WRITE);
    f->handed = f->written;
}

/* Writes n bytes of p to the file, all of them. */
static void write_all(file_sink_t *f, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(f->fd, p, n);
        if (w < 0) {
            if (errno == EINTR) {
                check_interrupted();
                continue;
            }
            runtime_error("%s: write failed: %s", f->path, strerror(errno));
        }
        p += w;
        n -= (size_t)w;
        f->written += w;
    }
    start_writeback(f);
}

static void flush_file(file_sink_t *f)
{
    write_all(f, f->buf, f->len);
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
        write_all(f, p, n);
        return;
    }
    memcpy(f->buf + f->len, p, n);
    f->len += n;
}

static void file_close(bytesink_t *self)
{
    file_sink_t *f = (file_sink_t *)self;
    flush_file(f);
    if (f->fd == STDOUT_FILENO)
        return;   /* a pipe or a terminal: nothing to sync, not ours to close */
    if (fsync(f->fd) != 0 || close(f->fd) != 0)
        runtime_error("%s: write failed: %s", f->path, strerror(errno));
    f->fd = -1;
}

static void file_free(bytesink_t *self)
{
    file_sink_t *f = (file_sink_t *)self;
    if (f->fd >= 0 && f->fd != STDOUT_FILENO)
        close(f->fd);
    free(f->buf);
    free(f->path);
    free(f);
}

static file_sink_t *file_sink_new(const char *path, int fd)
{
    file_sink_t *f = xcalloc(1, sizeof *f);
    f->path = xstrdup(path);
    f->base.path = f->path;
    f->base.write = file_write;
    f->base.close = file_close;
    f->base.free = file_free;
    f->buf = xmalloc(FILE_BUF);
    f->fd = fd;
    return f;
}

bytesink_t *bytesink_file_new(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        runtime_error("%s: cannot create: %s", path, strerror(errno));
    return &file_sink_new(path, fd)->base;
}

bytesink_t *bytesink_stdout_new(void)
{
    return &file_sink_new("stdout", STDOUT_FILENO)->base;
}

typedef struct {
    bytesrc_t base;
    char *path;
    int fd;
    unsigned char head[2];  /* read ahead to tell gzip, handed out first */
    size_t head_len, head_pos;
} file_src_t;

static ssize_t read_fd(file_src_t *f, void *buf, size_t n)
{
    for (;;) {
        ssize_t got = read(f->fd, buf, n);
        if (got >= 0) {
            progress_bytes((uint64_t)got);
            return got;
        }
        if (errno != EINTR) {
            snprintf(f->base.err, sizeof f->base.err, "read failed: %s", strerror(errno));
            return -1;
        }
        check_interrupted();   /* a signal while blocked (a pipe, a slow disk) */
    }
}

static ssize_t file_read(bytesrc_t *self, void *buf, size_t n)
{
    file_src_t *f = (file_src_t *)self;
    if (f->head_pos < f->head_len && n > 0) {
        size_t k = f->head_len - f->head_pos;
        if (k > n)
            k = n;
        memcpy(buf, f->head + f->head_pos, k);
        f->head_pos += k;
        return (ssize_t)k;
    }
    return read_fd(f, buf, n);
}

bool bytesrc_file_is_gzip(bytesrc_t *b)
{
    file_src_t *f = (file_src_t *)b;
    if (f->head_len == 0 && f->head_pos == 0) {
        /* two bytes, even from a pipe that hands them one at a time */
        while (f->head_len < sizeof f->head) {
            ssize_t got = read_fd(f, f->head + f->head_len, sizeof f->head - f->head_len);
            if (got <= 0)
                break;
            f->head_len += (size_t)got;
        }
    }
    return f->head_len == 2 && f->head[0] == 0x1f && f->head[1] == 0x8b;
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
