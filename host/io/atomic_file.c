/* atomic_file.c — temporary-then-rename file writing (see atomic_file.h). */
#include "atomic_file.h"
#include <errno.h>
#include <string.h>
#include <unistd.h>

dy_status dy_atomic_open(dy_atomic_file *a, const char *path, dy_error *err)
{
    snprintf(a->path, sizeof a->path, "%s", path);
    snprintf(a->tmp, sizeof a->tmp, "%s.tmp.%ld", path, (long)getpid());
    a->f = fopen(a->tmp, "w");
    if (!a->f) return dy_error_set(err, DY_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    return DY_OK;
}

dy_status dy_atomic_close(dy_atomic_file *a, int ok, dy_error *err)
{
    int bad = ferror(a->f);
    bad |= fclose(a->f) != 0;
    a->f = NULL;
    if (!ok || bad) {
        remove(a->tmp);
        return ok ? dy_error_set(err, DY_ERR_IO, "writing %s failed", a->path) : DY_OK;
    }
    if (rename(a->tmp, a->path) != 0) {
        const int e = errno;
        remove(a->tmp);
        return dy_error_set(err, DY_ERR_IO, "cannot rename %s to %s: %s", a->tmp, a->path,
                            strerror(e));
    }
    return DY_OK;
}
