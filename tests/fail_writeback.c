/*
** An LD_PRELOAD shim for the end-to-end tests: sync_file_range fails with
** EIO whenever it is asked to wait, as it does when the disk failed to
** write back an earlier range of the file. The kernel reports such an
** error once, to the first caller that waits, so an fsync after it may
** succeed: the shim lets the real fsync run and succeed, as it then would.
*/
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

int sync_file_range(int fd, off64_t offset, off64_t nbytes, unsigned int flags)
{
    if (flags & (SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WAIT_AFTER)) {
        errno = EIO;
        return -1;
    }
    return (int)syscall(SYS_sync_file_range, fd, offset, nbytes, flags);
}
