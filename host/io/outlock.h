/* outlock.h — an exclusive lock on a set of outputs, so that a second process writing the same
 * files stops with a clear error instead of racing the first (last writer wins, mixed sets).
 * flock(2) on "<dir>/.<stem>.lock": held until dy_outlock_release or process exit (a killed
 * run never leaves a stale lock; the empty lock file itself stays). */
#ifndef DY_OUTLOCK_H
#define DY_OUTLOCK_H
#include "darkyield/dy_status.h"

typedef struct dy_outlock {
    int fd; /* -1: not held */
    char path[4200];
} dy_outlock;

/* Create dir (mkdir -p) and take the lock <dir>/.<stem>.lock without waiting.  DY_ERR_IO when
 * another process holds it (the message names the lock and the outputs it guards) or it cannot
 * be created. */
dy_status dy_outlock_take(dy_outlock *l, const char *dir, const char *stem, const char *what,
                          dy_error *err);
void dy_outlock_release(dy_outlock *l);

/* mkdir -p path */
dy_status dy_make_dirs(const char *path, dy_error *err);
#endif
