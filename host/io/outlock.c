/* outlock.c — output locks (see outlock.h). */
#include "io/outlock.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

dy_status dy_make_dirs(const char *path, dy_error *err)
{
    char buf[4096];
    if (!path || !path[0]) return dy_error_set(err, DY_ERR_INVALID, "empty output directory");
    if (strlen(path) >= sizeof buf)
        return dy_error_set(err, DY_ERR_INVALID, "output directory '%.200s...' is too long", path);
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; ++p)
        if (*p == '/') {
            *p = 0;
            if (mkdir(buf, 0777) && errno != EEXIST) goto fail;
            *p = '/';
        }
    if (mkdir(buf, 0777) && errno != EEXIST) goto fail;
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        goto fail;
    }
    return DY_OK;
fail:
    return dy_error_set(err, DY_ERR_IO, "cannot create output directory %s: %s", path,
                        strerror(errno));
}

dy_status dy_outlock_take(dy_outlock *l, const char *dir, const char *stem, const char *what,
                          dy_error *err)
{
    l->fd = -1;
    dy_status s = dy_make_dirs(dir, err);
    if (s != DY_OK) return s;
    if ((size_t)snprintf(l->path, sizeof l->path, "%s/.%s.lock", dir, stem) >= sizeof l->path)
        return dy_error_set(err, DY_ERR_INVALID, "output path %s/%s is too long", dir, stem);
    const int fd = open(l->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
    if (fd < 0)
        return dy_error_set(err, DY_ERR_IO, "cannot create the lock file %s: %s", l->path,
                            strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int e = errno;
        close(fd);
        if (e == EWOULDBLOCK)
            return dy_error_set(err, DY_ERR_IO,
                                "another darkyield process is writing %s in %s (it holds %s): "
                                "wait for it to finish, or choose another output directory",
                                what, dir, l->path);
        return dy_error_set(err, DY_ERR_IO, "cannot lock %s: %s", l->path, strerror(e));
    }
    l->fd = fd;
    return DY_OK;
}

void dy_outlock_release(dy_outlock *l)
{
    if (l->fd >= 0) close(l->fd);
    l->fd = -1;
}
