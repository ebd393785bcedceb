/* atomic_file.h — write a file under a temporary name and rename it into place only when it is
 * complete, so a failed or interrupted run never leaves a partial output file. */
#ifndef DY_ATOMIC_FILE_H
#define DY_ATOMIC_FILE_H
#include <stdio.h>
#include "darkyield/dy_status.h"

typedef struct dy_atomic_file {
    FILE *f;
    char path[4096], tmp[4200];
} dy_atomic_file;

/* Open "<path>.tmp.<pid>" for writing. */
dy_status dy_atomic_open(dy_atomic_file *a, const char *path, dy_error *err);
/* Flush, close and rename onto path (or remove the temporary when ok == 0). */
dy_status dy_atomic_close(dy_atomic_file *a, int ok, dy_error *err);
#endif
