/* backend.h — the internal backend interface: one const table of functions per backend
 * (the shape of GSL's gsl_rng_type and ggml's backend interface).  A batch is one launch:
 * sample n_integrals x n_samples points, then reduce them on the device in a fixed order. */
#ifndef DY_BACKEND_H
#define DY_BACKEND_H
#include <stddef.h>
#include "darkyield/dy_status.h"
#include "dy_sample.h"

typedef struct dy_batch {
    const dy_params *params;  /* n_integrals */
    const double *grids;      /* n_integrals * DY_GRID_STRIDE VEGAS edges */
    const dy_histspec *hspec; /* n_integrals * DY_MAX_OBS, used when launch.n_obs > 0 */
    dy_launch launch;         /* n_samples is a multiple of DY_CHUNK */
    double *tot;              /* out: n_integrals * chunks * DY_TOT_STRIDE */
    double *acc;              /* out: n_integrals * chunks * DY_MAX_DIM * DY_NBINS */
    double *hst;              /* out: n_integrals * chunks * DY_MAX_OBS * 2 * DY_MAX_HBINS */
    double *w_out;            /* optional out: the raw weights, n_integrals * n_samples */
} dy_batch;

typedef struct dy_backend_type {
    const char *name;
    int priority; /* higher is preferred by the automatic choice */
    /* DY_OK when a usable device exists; otherwise the reason in err. */
    dy_status (*probe)(dy_error *err);
    /* Device list for `darkyield devices`. */
    void (*describe)(char *buf, size_t n);
    dy_status (*init)(void **state, char *device, size_t n, dy_error *err);
    /* Samples per launch the backend prefers at most (memory bound). */
    size_t (*max_samples)(void *state);
    dy_status (*run)(void *state, dy_batch *b, dy_error *err);
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
};

/* Number of chunks of a launch. */
static inline size_t dy_batch_chunks(const dy_launch *L)
{
    return L->n_samples / DY_CHUNK;
}

#endif
