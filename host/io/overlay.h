/* overlay.h — user curves drawn on the limit plots (`overlays:` of a limit config).  The file
 * format is specified in docs/limits.md §7.1; every violation is refused with FILE:LINE. */
#ifndef DY_OVERLAY_H
#define DY_OVERLAY_H
#include <stddef.h>
#include "darkyield/dy_status.h"

typedef enum dy_overlay_plane {
    DY_OVERLAY_COUPLING = 0, /* mass_GeV,<coupling>: the coupling plot */
    DY_OVERLAY_Y = 1         /* m_chi_GeV,y: the y plot (dark photon, invisible mode) */
} dy_overlay_plane;

#define DY_OVERLAY_MAX_ROWS 100000

/* Read and check the overlay CSV at path.  coupling: the limit's coupling name ("eps", "g_Z'",
 * "g_agg"), the only second column allowed in the coupling plane; allow_y: whether the y plane
 * exists for this limit.  On success *plane and *n_points (>= 2) are set. */
dy_status dy_overlay_check(const char *path, const char *coupling, int allow_y,
                           dy_overlay_plane *plane, int *n_points, dy_error *err);

/* The same check of n bytes in memory (path names them in messages). */
dy_status dy_overlay_parse(const unsigned char *data, size_t n, const char *path,
                           const char *coupling, int allow_y, dy_overlay_plane *plane,
                           int *n_points, dy_error *err);

#endif
