/* tracklength.h — differential track lengths T(E) = dL/dE (cm/GeV per incident particle) of
 * electrons, positrons, photons and muons in a target: thick-target showers (Rossi Approximation A
 * by exact inverse Mellin transform, optional Approximation-B ionisation factor), thin targets
 * (Tsai straggling), muons (first-order energy loss) and imported CSV histograms.
 * Yields are N = N_inc * n * integral dE T(E) sigma(E).  Physics and checks: docs/tracklengths.md.
 */
#ifndef DY_TRACKLENGTH_H
#define DY_TRACKLENGTH_H
#include <stdio.h>

#include "darkyield/dy_status.h"
#include "physics/materials.h"

typedef enum dy_particle {
    DY_PARTICLE_ELECTRON = 0, /* e- (shower: primary + secondary e- for an e- beam) */
    DY_PARTICLE_POSITRON = 1, /* e+ */
    DY_PARTICLE_PHOTON = 2,   /* gamma */
    DY_PARTICLE_MUON = 3,     /* mu (either sign) */
    DY_PARTICLE_CHARGED = 4,  /* e- + e+ ("all e+-" of Rossi) */
    DY_PARTICLE_PRIMARY = 5,  /* the beam particle itself (shower and thin models) */
    DY_PARTICLE_ANY = 6       /* CSV import: accept rows of any (single) species */
} dy_particle;

/* "e-", "e+", "gamma", "mu", "e+-", "primary", "any" (and a few aliases) -> particle, or -1. */
int dy_particle_from_name(const char *name);
const char *dy_particle_name(dy_particle p);

typedef enum dy_tl_model {
    DY_TL_NONE = 0,
    DY_TL_SHOWER = 1, /* thick target, Rossi Approximation A (+ optional approx-B factor) */
    DY_TL_THIN = 2,   /* thin target: Tsai straggling of the primary, first-order photons */
    DY_TL_MUON = 3,   /* muon: path = target length, constant dE/dx */
    DY_TL_TABLE = 4   /* imported histogram */
} dy_tl_model;

struct dy_tl_shower_table; /* cached Approximation-A table (internal) */
struct dy_tl_thin_table;   /* thin-target depth integral (internal) */

/* Track-length spectrum of one species for one beam/target.  Build with a dy_tracklength_init_*
 * function, evaluate with dy_tracklength_eval (thread-safe, read-only), release with
 * dy_tracklength_free.  Energies GeV, lengths cm. */
typedef struct dy_tracklength {
    dy_tl_model model;
    dy_particle beam;    /* incident species */
    dy_particle species; /* tracked species */
    double E0;           /* beam energy, GeV */
    double X0_cm;        /* radiation length of the target, cm */
    double L_cm;         /* target thickness, cm (INFINITY: infinitely thick) */
    double L_X0;         /* thickness in radiation lengths */
    /* shower */
    const struct dy_tl_shower_table *shower; /* owned by the process-wide cache */
    double c_prim, c_sec, c_gam, c_chg;      /* f = c_prim f_prim + c_sec f_sec + ... */
    double delta_T_cm; /* track length at exactly E = E0 not in eval (photon beam: uncollided
                          photons, X0 (1 - e^{-D L})/D), cm */
    int approx_b;      /* 1: charged spectra times Rossi's approximation-B factor */
    double Ec;         /* critical energy used by approx B, GeV */
    /* thin */
    struct dy_tl_thin_table *thin;
    /* muon */
    double dEdx;  /* GeV/cm */
    double E_low; /* exit energy, GeV */
    /* table */
    int nbins;
    double *e_lo, *e_hi, *t_bin; /* bin edges (GeV) and dT/dE (cm/GeV) */
    char label[256];             /* human-readable description */
} dy_tracklength;

/* Options of the thick-target (shower) model; dy_shower_opts_default fills the defaults. */
typedef struct dy_shower_opts {
    double b;         /* Rossi's b in A(s), B(s), C(s), D; < 0: material's b_rossi (default);
                         0.0135 reproduces Rossi's constants 0.437 / 0.572 */
    int approx_b;     /* 1: multiply e-/e+ spectra by the approximation-B factor (default 0) */
    double Ec;        /* critical energy for approx B, GeV; <= 0: material's Ec (default) */
    double x_min;     /* lower end of the cached table in x = E/E0 (default 1e-8) */
    double c_shower;  /* Bromwich abscissa for secondary/photon parts (default 1.25; > 1) */
    double c_primary; /* Bromwich abscissa for the primary-electron remainder (default 0.5; > 0) */
} dy_shower_opts;

void dy_shower_opts_default(dy_shower_opts *o);

/* Thick target, Rossi Approximation A (complete screening, no ionisation/Compton), exact
 * depth-integrated solution of the shower equations by inverse Mellin transform.
 * beam: ELECTRON, POSITRON or PHOTON.  species: ELECTRON, POSITRON, PHOTON, CHARGED or PRIMARY.
 * thickness_cm: INFINITY (or <= 0) for an infinitely thick target, else the depth-dependent
 * (finite-L) solution.  opts may be NULL (defaults).  The first call for a given (b, L, beam,
 * contours, x_min) computes a table (~1 s); later calls reuse it. */
dy_status dy_tracklength_init_shower(dy_tracklength *t, const dy_material *mat, double E0,
                                     double thickness_cm, dy_particle beam, dy_particle species,
                                     const dy_shower_opts *opts, dy_error *err);

/* Thin target (t = L/X0 <~ 0.3): the primary lepton's spectrum integrated over depth with Tsai's
 * straggling function (b = material's b_tsai), normalised to unit probability per depth, so that
 * integral dE T = L (cm); or (species PHOTON) the photons radiated by the undegraded primary to
 * first order, T_gamma(k) = X0 (t^2/2)(4/3 - 4y/3 + y^2)/k.  beam: ELECTRON or POSITRON;
 * species: the beam species, PRIMARY or PHOTON. */
dy_status dy_tracklength_init_thin(dy_tracklength *t, const dy_material *mat, double E0,
                                   double thickness_cm, dy_particle beam, dy_particle species,
                                   dy_error *err);

/* Muon beam: path = thickness_cm, constant stopping power dEdx_GeV_cm (< 0: material default
 * rho (a_min + a_min E0/Emu_c), docs §4).  The spectrum is a box: dT/dE = L/dE over
 * [E0 - dEdx L, E0] (width 1e-9 E0 when dEdx = 0). */
dy_status dy_tracklength_init_muon(dy_tracklength *t, const dy_material *mat, double E0,
                                   double thickness_cm, double dEdx_GeV_cm, dy_error *err);

/* Imported histogram.  CSV: '#' comments and blank lines ignored; optional header line whose first
 * field is not a number; rows "E_lo_GeV,E_hi_GeV,T_cm_per_GeV[,particle]" with T the density
 * dL/dE (cm/GeV per incident particle) in the bin.  Bins must have E_lo < E_hi, increase and not
 * overlap (gaps count as zero), T >= 0.  With a particle column, only rows of `species` are kept
 * (DY_PARTICLE_ANY: the file must hold a single species).  E0 (GeV, > 0) is the beam energy: a
 * non-empty bin above it is an error; <= 0 takes the upper edge of the last bin.  Errors name
 * the file and line. */
dy_status dy_tracklength_init_csv(dy_tracklength *t, const char *path, dy_particle species,
                                  double E0, dy_error *err);

/* Same from an open stream; `name` is used in messages. */
dy_status dy_tracklength_read_csv(dy_tracklength *t, FILE *f, const char *name, dy_particle species,
                                  double E0, dy_error *err);

/* Write n bins between Emin and Emax (log-spaced if log_bins) with the bin-averaged dT/dE, in the
 * format dy_tracklength_init_csv reads (with particle column). */
dy_status dy_tracklength_write_csv(const dy_tracklength *t, const char *path, double Emin,
                                   double Emax, int n, int log_bins, dy_error *err);

/* dT/dE at energy E (GeV), cm/GeV per incident particle; 0 outside (0, E0) (muon/table: their
 * support).  Thread-safe (no shared mutable state). */
double dy_tracklength_eval(const dy_tracklength *t, double E);

/* dL/dlambda (cm per incident particle) in lambda = -ln(1 - E/E0) >= 0.  Smooth where dT/dE has
 * its integrable end-point singularity (the primary of the shower and thin models carries
 * ~1/(b lambda^2) X0 per unit lambda: a thin target keeps most of its path within 1e-3 of E0).
 * Fold near E0 in lambda: int_{E1}^{E0} T g dE = int_{lambda1}^{inf} dL/dlambda g(E0(1-e^-lambda)).
 */
double dy_tracklength_eval_lambda(const dy_tracklength *t, double lambda);

/* Track length with energy in [E1, E2] (cm per incident particle), by adaptive quadrature
 * (exact for muon and table models); includes delta_T_cm when E2 >= E0.  Returns NaN if the
 * quadrature fails. */
double dy_tracklength_integral(const dy_tracklength *t, double E1, double E2);

/* Muon model: mean energy (GeV) along the path and path length (cm), for folding the box as a
 * single point: yield = n L sigma(E_mean) to first order in the loss.  DY_ERR_INVALID if t is not
 * a muon model. */
dy_status dy_tracklength_muon_mean(const dy_tracklength *t, double *E_mean, double *L_cm);

void dy_tracklength_free(dy_tracklength *t);

/* ---- lower-level functions (tests, docs) ---------------------------------------------------- */

/* Approximation-A components by direct inverse Mellin transform (no table): f(x) such that
 * T = X0 f(E/E0)/E0, for a target of L_X0 radiation lengths (INFINITY: infinite).
 * component: 0 primary lepton, 1 secondary e+ (= secondary e-), 2 photons (e beam);
 * 3 all charged, 4 photons without the uncollided delta (photon beam).
 * c: Bromwich abscissa (components 1-4 with infinite L need c > 1; primary c > 0). */
dy_status dy_shower_f_direct(double b, double L_X0, int component, double x, double c, double *f,
                             dy_error *err);

/* Residue K of f ~ K/x^2 (x -> 0, infinite target, e beam) for all e+- (component 3 of an e beam:
 * 2*secondary) and photons: K_e = D/Delta'(1), K_gamma = C(1)/Delta'(1). */
void dy_shower_rossi_constants(double b, double *K_charged, double *K_photon);

/* Rossi's approximation-B factor R(eps) = eps^2 [(1+eps) e^eps E1(eps) - 1], eps = E/(K_e Ec):
 * T_B = T_A R for E << E0; R -> 1 (E >> Ec), R(0) = 0; integral dE T_B = E0 X0/Ec. */
double dy_rossi_approx_b_factor(double eps);

/* Tsai's thin-slab straggling I(E0, E, t) (1/GeV) (Tsai RMP 1974 eq. 4.7 as coded in brem.f90);
 * normalised = 1 divides by its integral over E (given in closed form in the docs). */
double dy_tsai_straggling(double E0, double E, double t, double b, int normalised);

/* Drop all cached shower tables (only when no dy_tracklength built from them is still used). */
void dy_tracklength_cache_clear(void);

#endif
