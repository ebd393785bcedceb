/* genz.c — Genz parameter grids.  Difficulty per family follows the spirit of Genz (1984): the
 * a_i are random, then scaled so that sum_i a_i = h_f * d with the per-dimension h_f below. */
#include "genz.h"
#include <gsl/gsl_rng.h>
#include <string.h>
#include "dy_process_table.h"

static const char *const names[DY_GENZ_NFAMILIES] = {
    "oscillatory", "product-peak", "corner-peak", "gaussian", "c0", "discontinuous"};
/* Mean a_i per family: moderate peaks VEGAS must adapt to, every family finite and smooth
 * enough for its closed form to be evaluated accurately. */
static const double difficulty[DY_GENZ_NFAMILIES] = {1.5, 7.0, 0.85, 5.0, 2.0, 0.6};

int dy_genz_family_from_name(const char *name)
{
    for (int f = 0; f < DY_GENZ_NFAMILIES; ++f)
        if (strcmp(name, names[f]) == 0) return f;
    return -1;
}

const char *dy_genz_family_name(int family)
{
    return (family >= 0 && family < DY_GENZ_NFAMILIES) ? names[family] : "?";
}

dy_status dy_genz_grid(int family, unsigned dim, size_t n, uint64_t seed, uint64_t first_id,
                       dy_params *out, dy_error *err)
{
    if (family < 0 || family >= DY_GENZ_NFAMILIES)
        return dy_error_set(err, DY_ERR_INVALID, "unknown Genz family %d", family);
    if (dim < 1 || dim > DY_MAX_DIM)
        return dy_error_set(err, DY_ERR_INVALID, "Genz dimension %u outside 1..%d", dim,
                            DY_MAX_DIM);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r) return dy_error_set(err, DY_ERR_NOMEM, "out of memory");
    gsl_rng_set(r, (unsigned long)(seed ^ (seed >> 32)) ^ (unsigned long)family * 7919UL);
    for (size_t i = 0; i < n; ++i) {
        dy_params *p = &out[i];
        double sum = 0.0;
        memset(p, 0, sizeof *p);
        p->process = DY_PROC_genz;
        p->dim = dim;
        p->id = first_id + i;
        p->ipar[0] = family;
        for (unsigned d = 0; d < dim; ++d) {
            p->par[DY_GENZ_A + d] = 0.1 + gsl_rng_uniform(r);
            p->par[DY_GENZ_U + d] = 0.1 + 0.8 * gsl_rng_uniform(r);
            sum += p->par[DY_GENZ_A + d];
        }
        for (unsigned d = 0; d < dim; ++d)
            p->par[DY_GENZ_A + d] *= difficulty[family] * dim / sum;
    }
    gsl_rng_free(r);
    return DY_OK;
}

double dy_genz_exact(const dy_params *p)
{
    return dy_proc_genz_exact(p);
}
