/* dy_materials.h — target materials and the track lengths of a beam's shower in them, as the
 * yield grids use them: a material looked up by name (element, compound, "Z,A[,rho]" or a
 * sandwich "Pb:1.5+Sc:1.5") with its radiation length, and the differential track length
 * T(E) = dL/dE of electrons, positrons and photons (cm/GeV per incident particle) for a beam on
 * a target of given thickness.  Units: g, cm, GeV.  Physics: docs/tracklengths.md; docs/api.md. */
#ifndef DY_PUBLIC_MATERIALS_H
#define DY_PUBLIC_MATERIALS_H
#include <stddef.h>
#include "dy_api.h"
#include "dy_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DY_MATERIAL_MAX_ELEMENTS 16

typedef struct dy_material_info {
    char name[64];
    int n_elements;                     /* distinct elements */
    double Z[DY_MATERIAL_MAX_ELEMENTS]; /* atomic numbers */
    double A[DY_MATERIAL_MAX_ELEMENTS]; /* atomic masses, g/mol */
    double mass_fraction[DY_MATERIAL_MAX_ELEMENTS];
    double density_g_cm3;
    double X0_g_cm2, X0_cm;     /* radiation length (Tsai, RMP 46 (1974) 815, eq. 3.66) */
    double Z_eff, A_eff;        /* <Z^2>/<Z> and the A keeping Z/A: the element the yields use */
    double Z_mean, A_mean;      /* atom averages */
    double n_atom_cm3, n_e_cm3; /* atoms and electrons per cm^3 */
    double Ec_GeV;              /* electron critical energy (Rossi's definition) */
} dy_material_info;

/* Look a material up ("Pb", "lead", "W", "polystyrene", "PbWO4", "82,207.2", "Pb:1.5+Sc:1.5",
 * "na64-ecal"; names are case-insensitive).  DY_ERR_NOT_FOUND / DY_ERR_INVALID with a message
 * naming the input; *out is then untouched. */
DY_API dy_status dy_material_find(const char *name, dy_material_info *out, dy_error *err);

/* The i-th name dy_material_find accepts from its table (i = 0, 1, ...), NULL past the end. */
DY_API const char *dy_material_name_at(int i);

typedef struct dy_tracklength_spec {
    const char *material; /* as dy_material_find */
    double thickness_X0;  /* target thickness in radiation lengths (> 0), or */
    double thickness_cm;  /* used when thickness_X0 <= 0; both <= 0: infinitely thick */
    const char *beam;     /* "e-" (default), "e+", "gamma", "mu" */
    const char *species;  /* tracked: "e-", "e+", "gamma", "e+-" (both charges), "primary";
                             NULL: the beam particle */
    double energy_GeV;    /* beam energy (> 0) */
    /* NULL or "auto": as `darkyield run` (muon beam: constant dE/dx; the beam species in a
     * target <= 0.3 X0: thin target, Tsai's straggling; otherwise the shower, Rossi's
     * approximation A with the approximation-B ionisation factor); "shower", "thin", "muon". */
    const char *model;
} dy_tracklength_spec;

/* The defaults: an e- beam, species and model NULL, everything else 0 (to be set). */
DY_API void dy_tracklength_spec_default(dy_tracklength_spec *s);

/* dT/dE at n energies E_GeV[i] into dTdE[i] (cm/GeV per incident particle; 0 outside the
 * spectrum).  The first call for a shower of given thickness computes a table (about a
 * second); later ones reuse it. */
DY_API dy_status dy_tracklength_compute(const dy_tracklength_spec *s, size_t n, const double *E_GeV,
                                        double *dTdE, dy_error *err);

/* The track length with energy in [E1, E2] GeV (cm per incident particle), by quadrature; with
 * E2 >= E0 it includes, for a photon beam, the photons that leave at E0 unscattered.  E1 = 0 is
 * allowed for charged species (their whole track length); photon spectra diverge as E -> 0
 * (about 1/E^2 in a shower), so for photons E1 must be > 0. */
DY_API dy_status dy_tracklength_integral_cm(const dy_tracklength_spec *s, double E1, double E2,
                                            double *L_cm, dy_error *err);

#ifdef __cplusplus
}
#endif
#endif
