/* genz.h — host side of the Genz test process: family names and a grid of parameter sets drawn
 * reproducibly from a seed. */
#ifndef DY_GENZ_HOST_H
#define DY_GENZ_HOST_H
#include <stdint.h>
#include "darkyield/dy_status.h"
#include "processes/dy_proc_genz.h"

/* "oscillatory", "product-peak", "corner-peak", "gaussian", "c0", "discontinuous" -> family,
 * or -1. */
int dy_genz_family_from_name(const char *name);
const char *dy_genz_family_name(int family);

/* Fill n integrals of one family in dim dimensions: a_i, u_i drawn from the seed (GSL mt19937),
 * a_i scaled to the family's difficulty (docs/genz.md).  ids are first_id, first_id+1, ... */
dy_status dy_genz_grid(int family, unsigned dim, size_t n, uint64_t seed, uint64_t first_id,
                       dy_params *out, dy_error *err);

/* Closed-form value of a Genz integral (host call of the kernel header's formula). */
double dy_genz_exact(const dy_params *p);
#endif
