/* dy_types.h — plain structs shared by host and device (same layout on all targets).
 * Only fixed-width integers and doubles, explicitly padded: they are copied byte for byte
 * into OpenCL and CUDA buffers and kernel arguments. */
#ifndef DY_TYPES_H
#define DY_TYPES_H
#include "dy_portable.h"

#define DY_MAX_DIM   8   /* integration dimensions per integral */
#define DY_MAX_OBS   4   /* observables histogrammed per integral */
#define DY_NPAR      32  /* real parameters per integral */
#define DY_NIPAR     4   /* integer parameters per integral */
#define DY_NBINS     192 /* VEGAS map intervals per axis (<= 256: an interval is a byte) */
#define DY_MAX_HBINS 256 /* histogram bins per observable */
#define DY_MAP_STRIDE                                                                              \
    (DY_MAX_DIM * (DY_NBINS + 1)) /* one integral's map as the host API holds it */

/* One integral (one grid point): which process, its dimension and its parameters.
 * The meaning of par[] / ipar[] is defined by the process header (kernels/processes/).
 * id tags independent replicas of the same integral; the engine keys the random stream by
 * the integral's content and id (host/engine/vegas.c), never by its place in a request. */
typedef struct dy_params {
    double par[DY_NPAR];
    dy_i32 ipar[DY_NIPAR];
    dy_u64 id;      /* replica tag (0 normally); on the device: the stream key */
    dy_u32 process; /* DY_PROC_* from dy_process_table.h */
    dy_u32 dim;     /* number of integration variables used, 1..DY_MAX_DIM */
} dy_params;

/* Histogram binning of one observable; lo/hi are in log10 when is_log != 0. */
typedef struct dy_histspec {
    double lo, hi;
    dy_u32 nbins;
    dy_u32 is_log;
} dy_histspec;

/* Per-chunk and per-iteration totals of one integral (the first DY_NTOT doubles of a record). */
#define DY_T_MEAN   0 /* sum over strata of the stratum mean of w */
#define DY_T_VAR    1 /* sum over strata of (within-stratum sample variance) / n_h */
#define DY_T_W2     2 /* sum of w^2 (0: every weight exactly 0) */
#define DY_T_BAD    3 /* non-finite weights (counted, never summed) */
#define DY_T_ZERO   4 /* weights exactly 0: the integrand's support ends inside the domain */
#define DY_T_FMEAN  5 /* functional f (of histogram 0's bins): as DY_T_MEAN at 5 + 2f, */
#define DY_T_FVAR   6 /* ... as DY_T_VAR at 6 + 2f */
#define DY_MAX_FUNC 2
#define DY_NTOT     (5 + 2 * DY_MAX_FUNC)

/* Per histogram bin in a reduction record: sum over strata of the stratum mean of w 1_bin, the
 * plain sum of (w 1_bin)^2 and the samples in the bin. */
#define DY_HREC 3
/* Per histogram bin, accumulated over the main iterations i (weights w_i, estimates c_i,
 * variances v_i): sum w c, sum w^2 v, sum w^2 c, sum w^2 c^2, sum w^2, iterations, and the raw
 * sum of (w 1_bin)^2 and count of the samples in the bin. */
#define DY_HRUN 8

/* Shape of a batch's state, fixed when it opens: map axes, observables and histogram bins
 * stored per integral.  A reduction record (per chunk, per iteration) is DY_NTOT totals, then
 * dim x DY_NBINS map sums of w^2, then n_obs x hbins x DY_HREC bin sums (DY_HREC). */
typedef struct dy_layout {
    dy_u32 dim, n_obs, hbins;
    dy_u32 n_func; /* functionals of histogram 0 per integral (weights: n_func x hbins each) */
} dy_layout;

/* One active integral in one iteration (the host's control table, ordered by integral).
 * Its samples are n_strata x nh, drawn stratum by stratum (stratified sampling in the map's
 * y-space: ns^dim equal hypercubes, nh samples each, as in Lepage's vegas), and reduced in
 * chunks of spc whole strata. */
typedef struct dy_ictl {
    dy_u64 sample_first; /* index of its first sample in the iteration's sample space */
    dy_u64 chunk_first;  /* index of its first chunk in the iteration's chunk space */
    dy_u32 integral;     /* its index in the batch (state arrays) */
    dy_u32 ns;           /* strata per axis */
    dy_u32 n_strata;     /* ns^dim */
    dy_u32 nh;           /* samples per stratum (>= 2) */
    dy_u32 spc;          /* strata per chunk */
    dy_u32 n_chunks;     /* ceil(n_strata / spc) */
    dy_u32 flags;        /* DY_ICTL_* */
    dy_u32 merge;        /* map intervals pooled per refinement bin (a power of 2, >= 1) */
    double lambda;       /* uniform fraction mixed into the refined map (0: none) */
    double alpha;        /* Lepage's damping exponent of the refinement */
    double hweight;      /* weight per sample of this iteration in the histograms (vegas.c) */
} dy_ictl;

#define DY_ICTL_HIST   1u /* add this iteration to the histograms */
#define DY_ICTL_REFINE 2u /* refine the map from this iteration */

/* One launch: the chunks [chunk_begin, chunk_end) of an iteration, whose samples start at
 * sample_begin; per-sample and per-chunk buffers are indexed relative to these. */
typedef struct dy_launch {
    dy_u64 seed;
    dy_u64 chunk_begin, chunk_end;
    dy_u64 sample_begin;
    dy_u32 iteration;
    dy_u32 n_active; /* entries of the control table */
    dy_layout lay;
} dy_launch;

#endif
