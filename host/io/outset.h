/* outset.h — a command's output files, committed as one set.  Every file of the set is written
 * to a unique temporary beside its target (mkstemp: ".<name>.tmp-XXXXXX"); only when all of them
 * are complete (flushed, fsync'ed, closed without error) are they renamed into place, and a
 * failure at any step removes every temporary and leaves the old outputs as they were.
 * Targets: a symbolic link is written through (its target is replaced, the link stays); "-" is
 * standard output; an existing target that is not a regular file (FIFO, terminal, /dev/stdout,
 * /dev/null) is written in place, without a temporary. */
#ifndef DY_OUTSET_H
#define DY_OUTSET_H
#include <stddef.h>
#include <stdio.h>
#include "darkyield/dy_status.h"

typedef struct dy_outfile {
    FILE *f;
    int stream;   /* written in place ("-" or a non-regular target) */
    char *path;   /* as given (messages) */
    char *target; /* path with symbolic links resolved: what the commit replaces */
    char *tmp;    /* the temporary (NULL for streams) */
    char *backup; /* during a commit: a hard link to the old target, to restore on failure */
} dy_outfile;

typedef struct dy_outset {
    int n, cap;
    dy_outfile *file;
} dy_outset;

void dy_outset_init(dy_outset *s);
/* Open path for writing as a member of the set; NULL (err set, DY_ERR_IO or DY_ERR_INVALID)
 * when it cannot be created, is a directory, or is already in the set. */
FILE *dy_outset_add(dy_outset *s, const char *path, dy_error *err);
/* Finish every file, then rename all into place; on any failure nothing is replaced and no
 * temporary is left (DY_ERR_IO naming the file and the reason, e.g. "No space left on device").
 * The set is empty afterwards either way. */
dy_status dy_outset_commit(dy_outset *s, dy_error *err);
/* Close and remove every temporary (old outputs untouched); the set is empty afterwards. */
void dy_outset_abort(dy_outset *s);

/* path with its symbolic links followed (at most 40), the target need not exist. */
dy_status dy_out_resolve(const char *path, char *out, size_t n, dy_error *err);
/* Create a unique temporary beside target (mode: the target's, else 0666 & ~umask) and return
 * its descriptor (close-on-exec) with its name in tmp; -1 with errno set on failure. */
int dy_out_mktemp(const char *target, char *tmp, size_t n);
#endif
