/* xsec.h — one cross-section request (process, particles, target, energy, mass, coupling) turned
 * into engine parameters (exact tree level) or into a deterministic approximation (WW family).
 * This is the host half of the process table: each process has a setup and default histograms. */
#ifndef DY_PHYSICS_XSEC_H
#define DY_PHYSICS_XSEC_H
#include "darkyield/dy.h"

enum dy_xsec_process {
    DY_XPROC_BREM = 0,
    DY_XPROC_ANNIHILATION = 1,
    DY_XPROC_PRIMAKOFF = 2,
    DY_XPROC_COMPTON = 3 /* dark Compton gamma e- -> e- A' on an electron at rest */
};
enum dy_xsec_method {
    DY_XM_ETL = 0, /* exact tree level on the engine (brem) / exact kinematics (others) */
    DY_XM_WW = 1,
    DY_XM_IWW = 2,
    DY_XM_HIWW = 3,
    DY_XM_BW = 4,     /* annihilation: Breit-Wigner with energy-dependent width */
    DY_XM_NWA = 5,    /* annihilation: narrow-width approximation (energy-integrated, pb GeV) */
    DY_XM_CLOSED = 6, /* Primakoff: small-angle closed form; Compton: exact closed form */
    DY_XM_BOUND = 7,  /* annihilation: exact BW with electron motion (--electron-motion) and/or
                         ISR (--isr), host quadrature (physics/annih_bound.h) */
    DY_XM_COUNT
};

typedef struct dy_xsec_request {
    int process;         /* enum dy_xsec_process */
    int lepton;          /* 0 = e, 1 = mu (brem) */
    int model;           /* enum dy_model (physics/couplings.h): names the coupling; brem's kernel
                            mediator follows from it; annihilation: the dark photon; primakoff: alp */
    int mediator;        /* primakoff parity: 0 pseudoscalar, 1 scalar (brem: set from model) */
    int inelastic;       /* include the inelastic (proton) form factor */
    int ww_tmax;         /* WW family: enum dy_brem_tmax_mode (default m^2 + m_l^2) */
    double ww_theta_max; /* WW: upper lab angle of X in rad (default 0.3) */
    double Z, A;         /* target element */
    double energy;       /* beam (lepton, photon) or total positron energy, GeV */
    double mass;         /* produced boson mass, GeV */
    double coupling; /* the model's coupling: eps (A'), g (Z', S, P, A), g_agg in GeV^-1 (ALP) */
    /* annihilation */
    int dm_kind;  /* 0 dirac, 1 scalar, 2 majorana, 3 inelastic */
    int channel;  /* 0 resonant e+e- -> A' -> chi chi, 1 e+e- -> gamma A' */
    int per_atom; /* multiply by Z (annihilation, compton: sigma is per electron) */
    int visible;  /* A' -> l l instead of chi chi */
    int motion;   /* method bound: atomic-electron motion of the target element (Compton profile) */
    int isr;      /* method bound: initial-state radiation */
    double alpha_d, dm_mass, dm_splitting;
    char zero_reason[128]; /* set by dy_xsec_setup when the point is an explicit zero */
} dy_xsec_request;

/* Defaults: e, dark photon, inelastic on, coupling 1, alpha_D 0.1, m_chi = m/3, dirac, resonant,
 * WW t_max = m^2 + m_l^2 and theta_X <= 0.3 rad. */
void dy_xsec_request_default(dy_xsec_request *r);

const char *dy_xsec_process_name(int process);
const char *dy_xsec_method_name(int method);
int dy_xsec_method_from_name(const char *s);
/* Whether `method` applies to the request's process (ETL always does). */
int dy_xsec_method_valid(const dy_xsec_request *r, int method);

/* Validate the request (positive energy, mass below the kinematic limit, ...) and fill p for the
 * engine (process, dim, par, ipar; p->id is left to the caller).  A physical request that simply
 * produces nothing (below threshold) is not an error: the integrand is an explicit zero and
 * r->zero_reason says why. */
dy_status dy_xsec_setup(dy_xsec_request *r, dy_params *p, dy_error *err);

/* Integrand form for the histograms h[0..DY_MAX_OBS-1] of p (h may be NULL: none).  Brem integrates
 * the azimuth phi analytically (3-D, the default set by dy_xsec_setup) unless the recoil lepton's
 * polar angle (obs 3, the only observable that depends on phi) is histogrammed: then 4-D.  Other
 * processes are left as they are. */
void dy_xsec_select_form(const dy_xsec_request *r, dy_params *p, const dy_histspec *h);

/* Unit of the method's result column: "pb", or "pb*GeV" for the energy-integrated NWA. */
const char *dy_xsec_method_unit(int method);

/* Deterministic approximations (WW, IWW, HIWW for brem): sigma and its quadrature error, pb. */
dy_status dy_xsec_approx(const dy_xsec_request *r, int method, double *sigma_pb, double *err_pb,
                         dy_error *err);

/* Default histograms of the process's observables: names, units and binning (obs 0..3). */
void dy_xsec_default_hists(const dy_xsec_request *r, dy_histspec h[DY_MAX_OBS],
                           const char *names[DY_MAX_OBS], const char *units[DY_MAX_OBS]);
#endif
