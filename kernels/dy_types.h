/* dy_types.h — plain structs shared by host and device (same layout on all targets).
 * Only fixed-width integers and doubles, explicitly padded: they are copied byte for byte
 * into OpenCL and CUDA buffers and kernel arguments. */
#ifndef DY_TYPES_H
#define DY_TYPES_H
#include "dy_portable.h"

#define DY_MAX_DIM 8  /* integration dimensions per integral */
#define DY_MAX_OBS 4  /* observables histogrammed per integral */
#define DY_NPAR    32 /* real parameters per integral */
#define DY_NIPAR   4  /* integer parameters per integral */
#define DY_NBINS   64 /* VEGAS map intervals per dimension */

/* One integral (one grid point): which process, its dimension and its parameters.
 * The meaning of par[] / ipar[] is defined by the process header (kernels/processes/). */
typedef struct dy_params {
    double par[DY_NPAR];
    dy_i32 ipar[DY_NIPAR];
    dy_u64 id;      /* global grid-point index: selects the random stream */
    dy_u32 process; /* DY_PROC_* from dy_process_table.h */
    dy_u32 dim;     /* number of integration variables used, 1..DY_MAX_DIM */
} dy_params;

/* Per-launch constants, passed by value as one kernel argument. */
typedef struct dy_launch {
    dy_u64 seed;          /* Philox key */
    dy_u32 iteration;     /* VEGAS iteration: third counter word */
    dy_u32 n_integrals;   /* integrals in this launch */
    dy_u32 n_samples;     /* samples per integral in this launch */
    dy_u32 sample_offset; /* first sample index (an iteration may span launches) */
    dy_u32 n_obs;         /* observables to write per sample (0 = none) */
    dy_u32 pad_;
} dy_launch;

/* Histogram binning of one observable; lo/hi are in log10 when is_log != 0. */
typedef struct dy_histspec {
    double lo, hi;
    dy_u32 nbins;
    dy_u32 is_log;
} dy_histspec;

#define DY_MAX_HBINS 256

#endif
