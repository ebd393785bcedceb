/* dy_test_chi2.h — chi^2 p-value of event counts against a histogram of a differential cross
 * section that has its own MC errors: bins merged in order until each group expects >= 10
 * events; variance per group N p + (N sigma_p)^2 (Poisson counts plus the reference's error). */
#ifndef DY_TEST_CHI2_H
#define DY_TEST_CHI2_H
#include <gsl/gsl_cdf.h>

/* content[b], error[b]: the cross section in bin b and its error (any common unit); counts[b]:
 * events in bin b.  The shape is compared (normalised to the events inside the histogram).
 * *ndof = groups - 1. */
static inline double dy_chi2_pvalue(const double *content, const double *error,
                                    const double *counts, unsigned nbins, int *ndof)
{
    double C = 0.0, N = 0.0, chi2 = 0.0, gc = 0.0, gv = 0.0, gn = 0.0;
    int groups = 0;
    for (unsigned b = 0; b < nbins; ++b) {
        C += content[b];
        N += counts[b];
    }
    for (unsigned b = 0; b < nbins; ++b) {
        gc += content[b];
        gv += error[b] * error[b];
        gn += counts[b];
        if (N * gc / C >= 10.0 || b + 1 == nbins) {
            const double e = N * gc / C, var = e + N * N * gv / (C * C);
            if (var > 0.0) {
                chi2 += (gn - e) * (gn - e) / var;
                ++groups;
            }
            gc = gv = gn = 0.0;
        }
    }
    *ndof = groups - 1;
    return groups > 1 ? gsl_cdf_chisq_Q(chi2, groups - 1) : 0.0;
}
#endif
