/* idm.h — inelastic dark matter (iDM): a dark photon A' (mass m, kinetic mixing eps) coupled
 * off-diagonally to two Majorana states chi1, chi2 (m2 = (1 + Delta) m1).  The A' decays promptly
 * to chi1 chi2; chi2 -> chi1 e+ e- through an off-shell A' makes chi2 long-lived.  Here: the exact
 * three-body width of chi2 (GSL integration of the spin-summed |M|^2 over the Dalitz plot), the
 * chi2's lab energy box from A' -> chi1 chi2, and the decay probability in a volume averaged over
 * that box.  Derivation: docs/references.md (iDM) and the comments in idm.c.  Units: GeV, cm. */
#ifndef DY_IDM_H
#define DY_IDM_H
#include "darkyield/dy_status.h"
#include "physics/limits.h"

/* The contracted traces T = Tr[(p1/ + m1) g^mu (p2/ + s m2) g^nu] Tr[(k1/ + me) g_mu (k2/ - me)
 * g_nu] in terms of the dot products of chi1 (p1), chi2 (p2), e- (k1) and e+ (k2); mass_sign s = +1
 * is the physical iDM vertex (the one reproducing the small-splitting width), -1 the other sign of
 * the m1 m2 term (kept for the test that tells them apart). */
double dy_idm_trace(double m1, double m2, double me, double p1k1, double p1k2, double p2k1,
                    double p2k2, double p1p2, double k1k2, int mass_sign);

/* Gamma(chi2 -> chi1 e+ e-) in GeV for A' mass m_ap, m1, splitting delta = (m2 - m1)/m1, kinetic
 * mixing eps and alpha_D = g_D^2/(4 pi), with electron mass me and the sign of the m1 m2 trace
 * term (+1 physical).  0 below threshold (m2 - m1 <= 2 me).  *abserr: GSL's error estimate.
 * DY_ERR_INVALID for bad arguments, DY_ERR_NUMERIC if the integration fails. */
dy_status dy_idm_width_chi2_full(double m_ap, double m1, double delta, double eps, double alpha_D,
                                 double me, int mass_sign, double *width, double *abserr,
                                 dy_error *err);

/* The physical width (me = m_e, mass_sign +1); NaN when the integration fails or the arguments
 * are bad. */
double dy_idm_width_chi2(double m_ap, double m1, double delta, double eps, double alpha_D);

/* chi2 energy box for A' -> chi1 chi2 with the A' at lab energy e_ap: isotropic in the A' rest
 * frame (an approximation: the A' from bremsstrahlung is polarised), so E2 is uniform on
 * [e_lo, e_hi] = m2 cosh(|Y -+ y*|) with Y, y* the rapidities of the A' boost and of chi2 in the
 * A' frame.  Returns 0 (and e_lo = e_hi = 0) when e_ap <= m_ap or A' -> chi1 chi2 is closed. */
int dy_idm_chi2_box(double m_ap, double m1, double m2, double e_ap, double *e_lo, double *e_hi);

/* ln <P> for chi2 from an A' of energy e_ap: P = decay in [z1, z2] from the production point
 * (beyond = 0) or no decay before z1 (beyond = 1), averaged over the uniform E2 box, with proper
 * decay length c tau = exp(log_ctau_cm) (log_ctau_cm = +inf: stable).  -inf when nothing is
 * produced or nothing decays there. */
double dy_idm_log_prob_box(double m_ap, double m1, double m2, double e_ap, double log_ctau_cm,
                           int beyond, double z1_cm, double z2_cm);

/* Fill the iDM fields of a signal spec (decay DY_DECAY_IDM) at A' mass m_ap: m1 = mchi_over_m
 * m_ap, m2 = (1 + delta) m1, Gamma(chi2 -> chi1 l+l-) at eps = 1 (e and, above its threshold,
 * mu), Gamma(A' -> chi1 chi2) (dy_width_ap_dm) and the A' visible width at eps = 1
 * (dy_ap_visible_widths, for the BR).  Refused (DY_ERR_INVALID) where m2 - m1 > 2 m_pi: hadronic
 * chi2 decays are not modelled. */
dy_status dy_signal_set_idm(dy_signal_spec *s, double m_ap, double mchi_over_m, double delta,
                            double alpha_D, dy_error *err);

#endif
