/* xsec_hist2d.h — the 2-D brem histogram d2sigma/dx dtheta_X of `darkyield xsec --hist2d` and of
 * dy_xsec_compute_hist2d (xsec_hist2d.c): one computation for both (not exported). */
#ifndef DY_XSEC_HIST2D_H
#define DY_XSEC_HIST2D_H
#include <stddef.h>
#include <stdint.h>
#include "darkyield/dy_engine.h"
#include "darkyield/dy_xsec.h"
#include "physics/xsec.h"

/* Brem points (E[i], M[i]) of req0 (process brem, method etl): each split into DY_XSEC_HIST2D_NX
 * x slices (one engine integral each, through the process's x range), histogrammed in
 * DY_XSEC_HIST2D_NTHETA log10 theta_X bins from 1e-8 rad to pi; one batched call on e.
 * out[(i * NX + s) * NTHETA + b]: bin b of slice s of point i. */
dy_status dy_xsec_hist2d_request(dy_engine *e, const dy_xsec_request *req0, size_t n,
                                 const double *E, const double *M, uint64_t seed, double precision,
                                 uint64_t max_eval, dy_xsec_hist2d_bin *out, dy_error *err);
#endif
