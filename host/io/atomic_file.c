/* atomic_file.c — one output file as an output set of one (see atomic_file.h). */
#include "io/atomic_file.h"

dy_status dy_atomic_open(dy_atomic_file *a, const char *path, dy_error *err)
{
    dy_outset_init(&a->set);
    a->f = dy_outset_add(&a->set, path, err);
    return a->f ? DY_OK : err ? err->status : DY_ERR_IO;
}

dy_status dy_atomic_close(dy_atomic_file *a, int ok, dy_error *err)
{
    a->f = NULL;
    if (ok) return dy_outset_commit(&a->set, err);
    dy_outset_abort(&a->set);
    return DY_OK;
}
