/* infile.c — regular-file-only input (see infile.h). */
#include "io/infile.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind(mode_t m)
{
    return S_ISDIR(m)    ? "a directory"
           : S_ISFIFO(m) ? "a FIFO (named pipe)"
           : S_ISCHR(m)  ? "a character device"
           : S_ISBLK(m)  ? "a block device"
           : S_ISSOCK(m) ? "a socket"
                         : "not a regular file";
}

/* O_NONBLOCK: opening a FIFO without a writer would wait forever; cleared once it is known to
 * be a regular file. */
static int open_regular(const char *path, const char *what, dy_error *err)
{
    if (!path || !path[0]) {
        dy_error_set(err, DY_ERR_INVALID, "no %s given (empty path)", what);
        return -1;
    }
    const int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        const int e = errno;
        dy_error_set(err, e == ENOENT ? DY_ERR_NOT_FOUND : DY_ERR_IO, "cannot open %s '%s': %s",
                     what, path, strerror(e));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        dy_error_set(err, DY_ERR_IO, "cannot open %s '%s': %s", what, path, strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        dy_error_set(err, DY_ERR_INVALID, "%s '%s' is %s, not a regular file", what, path,
                     kind(st.st_mode));
        close(fd);
        return -1;
    }
    const int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}

dy_status dy_check_input(const char *path, const char *what, dy_error *err)
{
    const int fd = open_regular(path, what, err);
    if (fd < 0) return err ? err->status : DY_ERR_IO;
    close(fd);
    return DY_OK;
}

FILE *dy_open_input(const char *path, const char *what, dy_error *err)
{
    const int fd = open_regular(path, what, err);
    if (fd < 0) return NULL;
    FILE *f = fdopen(fd, "r");
    if (!f) {
        dy_error_set(err, DY_ERR_IO, "cannot open %s '%s': %s", what, path, strerror(errno));
        close(fd);
    }
    return f;
}

dy_status dy_read_regular_file(const char *path, const char *what, size_t max, unsigned char **buf,
                               size_t *n, dy_error *err)
{
    *buf = NULL;
    *n = 0;
    const int fd = open_regular(path, what, err);
    if (fd < 0) return err ? err->status : DY_ERR_IO;
    size_t used = 0, cap = 1 << 16;
    unsigned char *p = malloc(cap + 1);
    dy_status s = DY_OK;
    while (p) {
        if (used == cap) {
            if (cap > max) break;
            cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            unsigned char *q = realloc(p, cap + 1);
            if (!q) {
                free(p);
                p = NULL;
                break;
            }
            p = q;
        }
        const ssize_t k = read(fd, p + used, cap - used);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) {
            s = dy_error_set(err, DY_ERR_IO, "cannot read %s '%s': %s", what, path,
                             strerror(errno));
            break;
        }
        if (k == 0) break;
        used += (size_t)k;
    }
    close(fd);
    if (!p) return dy_error_set(err, DY_ERR_NOMEM, "%s '%s': out of memory", what, path);
    if (s == DY_OK && used > max)
        s = dy_error_set(err, DY_ERR_INVALID, "%s '%s' is larger than %zu bytes", what, path, max);
    if (s != DY_OK) {
        free(p);
        return s;
    }
    p[used] = 0;
    *buf = p;
    *n = used;
    return DY_OK;
}
