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

#endif
