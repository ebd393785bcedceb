/* brem_ww.h — Weizsaecker-Williams (WW), improved WW (IWW) and hyper-improved WW (HIWW) cross
 * sections for dark-boson bremsstrahlung l N -> l N X (X = V, S, P, A), by deterministic GSL
 * quadrature.  Formulas: reference note physics-brem.md §2-§3; conventions: docs/physics-brem.md
 * §6. Used to cross-check the exact-tree-level process kernels/processes/dy_proc_brem.h. */
#ifndef DY_BREM_WW_H
#define DY_BREM_WW_H
#include <stddef.h>
#include "physics/dy_formfactors.h"

enum dy_brem_ww_method {
    DY_BREM_METHOD_WW = 0,  /* BEST09 double-differential, chi(t_min(x,theta), t_max) per point */
    DY_BREM_METHOD_IWW = 1, /* chi fixed at t_min = (m^2/2E0)^2, closed-form u~ integral (LM17) */
    DY_BREM_METHOD_HIWW = 2 /* chi once at x = 1, theta = 0; beta(x) -> beta(1) (G4DarkBreM) */
};
enum dy_brem_tmax_mode {
    DY_BREM_TMAX_M2 = 0, /* t_max = m^2 + m_l^2 (DMG4 DarkZ, LM17)  -- default */
    DY_BREM_TMAX_E02 = 1 /* t_max = E0^2 (G4DarkBreM "Full") */
};

/* Inputs.  Fill with dy_brem_ww_input_default() and override fields as needed. */
typedef struct dy_brem_ww_input {
    int mediator;  /* DY_BREM_V, _S, _P, _A (kernels/physics/dy_me_brem.h) */
    int inelastic; /* 1: G2 = elastic + inelastic; 0: elastic only */
    int tmax_mode; /* enum dy_brem_tmax_mode */
    int pad_;
    double ml;        /* lepton mass (GeV); 0 is allowed for dsigma/dx only */
    double m;         /* boson mass (GeV) */
    double E0;        /* beam energy (GeV) */
    double Z, A;      /* target charge and mass number */
    double coupling;  /* eps (V: alpha_X = eps^2 alpha) or g (S, P, A: alpha_X = g^2/4pi) */
    double theta_max; /* WW only: upper lab angle of X (rad), default 0.3; < 0: no cut and the
                         small-angle measure dcos(theta) = dU/(2 x E0^2) (for closed-form checks) */
    double chi_fixed; /* WW only: > 0 replaces chi(x, theta) by this constant (tests) */
    double x_min;     /* lower x (0: m/E0) */
    double x_max;     /* upper x (0: 1 - m_l/E0) */
    double epsrel;    /* relative tolerance of the outer integrals (0: 1e-6) */
} dy_brem_ww_input;

/* Defaults: lepton 0 = e, 1 = mu; coupling 1, theta_max 0.3, t_max = m^2 + m_l^2, inelastic on. */
void dy_brem_ww_input_default(dy_brem_ww_input *in, int lepton, int mediator, double Z, double A,
                              double E0, double m);

/* Effective photon flux chi = int_{tmin}^{tmax} dt (t - tmin)/t^2 G2(t) (BEST09), quadrature in
 * ln t (GSL QAGP, breaks at 1/a^2, d, 0.71 GeV^2).  Returns 0 or a GSL status. */
int dy_brem_chi(const dy_ffscales *s, int inelastic, double tmin, double tmax, double epsrel,
                double *chi, double *abserr);

/* Analytic elastic chi (DMG4 DarkPhotons.cc form, reference §2). */
double dy_brem_chi_el_analytic(const dy_ffscales *s, double tmin, double tmax);

/* dsigma/dx in pb at x for the given method.  Returns 0 on success; on bad input or a quadrature
 * failure a non-zero status and a message in msg (may be NULL). */
int dy_brem_ww_dsigma_dx(const dy_brem_ww_input *in, int method, double x, double *dsdx_pb,
                         double *abserr_pb, char *msg, size_t msg_len);

/* Total sigma in pb over [x_min, x_max] (quadrature in ln(1-x)).  Same status convention. */
int dy_brem_ww_sigma(const dy_brem_ww_input *in, int method, double *sigma_pb, double *abserr_pb,
                     char *msg, size_t msg_len);

#endif
