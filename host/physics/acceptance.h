/* acceptance.h — a detector's angular acceptance applied to the boson's angle histogram of a run
 * (geometry.theta_bins, docs/geometry.md): the share of the bosons of one energy bin whose
 * direction lies within a half-angle theta_acc of the axis (docs/limits.md §3.1). */
#ifndef DY_ACCEPTANCE_H
#define DY_ACCEPTANCE_H

/* Share of the angle histogram h[0..nt) (any units; bin t spans edges e[t]..e[t+1], the first
 * bin from 0, the last up to pi) with theta < theta_acc.  Bins wholly inside count fully; the
 * bin that theta_acc cuts counts in proportion to the solid angle (theta^2) in the first bin,
 * which starts at 0, and to ln theta in the others (log-spaced bins).  0 when the histogram is
 * empty or theta_acc <= 0; NaN when theta_acc >= e[nt] (the last bin's content above e[nt] is
 * not resolved) unless that bin is empty. */
double dy_accept_fraction(const double *e, int nt, const double *h, double theta_acc);

/* The half-angle of a disc of radius R at distance L (same units) seen from the axis: atan(R/L);
 * NaN when L <= 0. */
double dy_accept_half_angle(double radius, double distance);

/* A' -> e+e- with the decay products followed to the detector: the probability that both
 * (need_both = 1) or at least one (0) of the e+ and e- reach a disc of radius R centred on the axis
 * at the detector plane, for an A' of mass m and energy E (GeV) at angle theta to the axis,
 * produced at lever arm off = L - d before the plane, decaying uniformly in lever arm between
 * lev_lo = L - z2 and lev_hi = L - z1 (cm, 0 <= lev_lo < lev_hi).  The decay is isotropic in the
 * A' rest frame; a product at angle alpha to the A' lands at tan(theta) off + tan(alpha)(L - z)
 * in the transverse plane (both straight lines).  The azimuth is integrated exactly (arcs of the
 * disc), cos theta* and z by midpoint rules of 64 and 32 points (0.1 % on a test case against
 * a Monte Carlo, tests/test_acceptance.c). */
double dy_accept_products(double m, double E, double theta, double off, double lev_lo,
                          double lev_hi, double R, int need_both);

/* The same averaged over an angle bin lo..hi of the histogram (lo = 0: the first bin, 3 points
 * uniform in theta^2; else 3 points uniform in ln theta), and over the histogram h[0..nt) with
 * edges e[0..nt] (the last bin at its nominal range e[nt-1]..e[nt]): the accepted share. */
double dy_accept_products_share(const double *e, int nt, const double *h, double m, double E,
                                double off, double lev_lo, double lev_hi, double R, int need_both);

#endif
