/* infile.h — opening input files named by users or configs.  Only regular files are read: a
 * directory, FIFO, socket or device (/dev/zero, /dev/tty, a named pipe nobody writes to) is
 * refused with a clear error instead of hanging or reading forever; opening never blocks. */
#ifndef DY_INFILE_H
#define DY_INFILE_H
#include <stddef.h>
#include <stdio.h>
#include "darkyield/dy_status.h"

/* Check that path names a readable regular file.  what: "config file", "efficiency table"...
 * for the message.  DY_ERR_NOT_FOUND when missing, DY_ERR_INVALID when not a regular file,
 * DY_ERR_IO otherwise. */
dy_status dy_check_input(const char *path, const char *what, dy_error *err);
/* fopen(path, "r") for a regular file only (NULL with err set otherwise). */
FILE *dy_open_input(const char *path, const char *what, dy_error *err);
/* The whole regular file in a malloc'd buffer (NUL-terminated, *n bytes); files larger than
 * max bytes are refused (DY_ERR_INVALID). */
dy_status dy_read_regular_file(const char *path, const char *what, size_t max, unsigned char **buf,
                               size_t *n, dy_error *err);
#endif
