/* backend.h — the internal backend interface: one const table of functions per backend
 * (the shape of GSL's gsl_rng_type and ggml's backend interface).  A backend holds one batch of
 * integrals at a time: their parameters, maps, iteration records and histograms stay on the
 * device from batch_open to batch_close.  An iteration is a list of launches over chunks of the
 * active integrals' samples (sample, chunk reduction, combine), then one finish pass; only the
 * iteration totals (DY_NTOT doubles per active integral) come back. */
#ifndef DY_BACKEND_H
#define DY_BACKEND_H
#include "engine/clock.h"
#include <stddef.h>
#include <stdint.h>
#include "darkyield/dy_status.h"
#include "dy_reduce.h"

/* A batch as opened on a device. */
typedef struct dy_batch_desc {
    const dy_params *params;  /* n; id holds the stream key */
    const dy_histspec *hspec; /* n * lay.n_obs, or NULL when lay.n_obs == 0 */
    const double *maps;       /* optional initial maps, DY_MAP_STRIDE per integral (NULL: flat) */
    const double *fw;         /* functional weights, n * lay.n_func * lay.hbins (NULL if none) */
    size_t n;
    dy_layout lay;
} dy_batch_desc;

/* One iteration of the open batch. */
typedef struct dy_iter_plan {
    const dy_ictl *ctl; /* n_active entries, ordered by integral */
    uint32_t n_active;
    const dy_launch *launch; /* n_launch launches covering the iteration's chunks in order */
    size_t n_launch;
    double *w_out; /* optional: the iteration's raw weights (consistency checks only) */
} dy_iter_plan;

/* What crossed the bus and how long the device worked (summed into dy_engine_stats). */
typedef struct dy_dev_stats {
    uint64_t launches, bytes_to_device, bytes_from_device;
    double device_seconds;
} dy_dev_stats;

typedef struct dy_backend_type {
    const char *name;
    int priority; /* higher is preferred by the automatic choice */
    /* DY_OK when a usable device exists; otherwise the reason in err. */
    dy_status (*probe)(dy_error *err);
    /* 1 when the automatic choice should take this backend once probed (e.g. opencl only for a
     * GPU: PoCL on the host is slower than the native cpu backend, benchmarks/RESULTS.md). */
    int (*auto_pick)(void);
    /* Usable devices (for MPI rank binding); 0 when none. */
    int (*device_count)(void);
    /* Device list for `darkyield devices`. */
    void (*describe)(char *buf, size_t n);
    /* Open device `device` (-1: the backend's default or its environment variable). */
    dy_status (*init)(void **state, int device, char *name, size_t n, dy_error *err);
    /* Samples per launch at most (memory bound); launches split iterations at chunk edges. */
    size_t (*max_samples)(void *state);
    /* Integrals per batch the device wants to be efficient (a hint for the jobs' grouping). */
    size_t (*batch_hint)(void *state);
    dy_status (*batch_open)(void *state, const dy_batch_desc *d, dy_dev_stats *st, dy_error *err);
    /* One iteration; out gets DY_NTOT doubles per active integral. */
    dy_status (*iterate)(void *state, const dy_iter_plan *p, double *out, dy_dev_stats *st,
                         dy_error *err);
    /* The histogram accumulators: hrun (n * DY_HRUN * n_obs * hbins) and hw (n). */
    dy_status (*histograms)(void *state, double *hrun, double *hw, dy_dev_stats *st, dy_error *err);
    /* The batch's current maps into out (DY_MAP_STRIDE doubles per integral, dim axes used). */
    dy_status (*read_maps)(void *state, double *out, dy_dev_stats *st, dy_error *err);
    void (*batch_close)(void *state);
    /* Philox known-answer hook: out[4i..] = philox4x32(ctr[4i..], key[2i..]). */
    dy_status (*philox)(void *state, const dy_u32 *ctr, const dy_u32 *key, dy_u32 *out, dy_u32 n,
                        dy_error *err);
    void (*free)(void *state);
} dy_backend_type;

extern const dy_backend_type dy_backend_cpu;
#ifdef DY_HAVE_OPENCL
extern const dy_backend_type dy_backend_opencl;
#endif
#ifdef DY_HAVE_CUDA
extern const dy_backend_type dy_backend_cuda;
#endif

/* The backend of an open engine (for tests and the integrator). */
struct dy_engine {
    const dy_backend_type *type;
    void *state;
    char device[256];
    dy_dev_stats dev;           /* summed over the engine's life */
    uint64_t integrals, rounds; /* integrals integrated, lockstep iterations run */
    uint64_t evaluations;       /* integrand evaluations */
    double wall_seconds;        /* inside dy_integrate */
};

/* Index of the first sample of chunk c of an iteration (c may be the end of the chunk space). */
uint64_t dy_plan_chunk_sample(const dy_ictl *ctl, uint32_t n_active, uint64_t c);

#endif
