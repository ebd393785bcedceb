/* dy_peer_integrand.c — darkyield's own integrands (kernels/dy_process_table.h compiled as plain C)
 * in a small shared library, so that Python peers (Lepage's vegas through ctypes) evaluate exactly
 * the function the engine integrates: dy_integrand(params, u, obs, 0) on (0,1)^dim, the
 * phase-space Jacobian included.  Parameter sets come from `bench_peers --dump` (raw dy_params).
 * The library counts every evaluation it makes (dy_peer_n_eval), so peers' counts are measured. */
#include <stddef.h>
#include <stdint.h>
#include "dy_process_table.h"

#if defined(__GNUC__)
#define DY_PEER_API __attribute__((visibility("default")))
#else
#define DY_PEER_API
#endif

static uint64_t n_eval;

/* Layout check for the caller: sizeof(dy_params) and DY_MAX_DIM of this build. */
DY_PEER_API size_t dy_peer_params_size(void);
DY_PEER_API unsigned dy_peer_max_dim(void);
/* Dimension of one parameter set (read here, so callers need not know the struct layout). */
DY_PEER_API unsigned dy_peer_dim(const dy_params *p);
/* f[i] = integrand at x[i*stride .. i*stride+dim-1], i < n (x in (0,1)^dim, row-major). */
DY_PEER_API void dy_peer_eval(const dy_params *p, size_t n, const double *x, size_t stride,
                              double *f);
DY_PEER_API uint64_t dy_peer_n_eval(void);
DY_PEER_API void dy_peer_reset(void);

size_t dy_peer_params_size(void)
{
    return sizeof(dy_params);
}

unsigned dy_peer_max_dim(void)
{
    return DY_MAX_DIM;
}

unsigned dy_peer_dim(const dy_params *p)
{
    return p->dim;
}

void dy_peer_eval(const dy_params *p, size_t n, const double *x, size_t stride, double *f)
{
    double obs[DY_MAX_OBS];
    for (size_t i = 0; i < n; ++i)
        f[i] = dy_integrand(p, x + i * stride, obs, 0);
    n_eval += n;
}

uint64_t dy_peer_n_eval(void)
{
    return n_eval;
}

void dy_peer_reset(void)
{
    n_eval = 0;
}
