/* materials.h — target materials for yield calculations: an element/compound table, mixtures by
 * mass or by layer thickness (sandwich calorimeters), and the derived quantities the yields need
 * (Tsai radiation length, atom/electron densities per X0, critical energy, shower "b").
 * Formulas and sources: docs/tracklengths.md §1. */
#ifndef DY_MATERIALS_H
#define DY_MATERIALS_H
#include "darkyield/dy_status.h"

#define DY_MAT_MAX_ELEM 16
#define DY_MAT_NAME_LEN 64

/* A homogeneous material (an element, a compound or a mixture flattened to its elements).
 * Units: g, cm, GeV.  All "derived" fields are filled by the dy_material_* constructors. */
typedef struct dy_material {
    char name[DY_MAT_NAME_LEN];
    int n_elem;                /* number of distinct elements */
    double Z[DY_MAT_MAX_ELEM]; /* atomic number of each element */
    double A[DY_MAT_MAX_ELEM]; /* atomic mass, g/mol */
    double w[DY_MAT_MAX_ELEM]; /* mass fraction (sums to 1) */
    double density;            /* g/cm^3 */
    int is_gas;                /* 1: gas (critical-energy fit for gases) */
    /* --- derived --- */
    double
        X0_g; /* radiation length, g/cm^2 (Tsai RMP 46 (1974) eq. 3.66; mixtures 1/X0=sum w/X0_i) */
    double X0_cm;     /* radiation length, cm */
    double n_atom;    /* atoms / cm^3 */
    double n_e;       /* electrons / cm^3 */
    double z2_n_atom; /* sum_i n_i Z_i^2, cm^-3 (coherent Z^2 processes, e.g. Primakoff) */
    double ne_X0;     /* n_e * X0_cm, electrons / cm^2 per radiation length (annihilation yields) */
    double natom_X0;  /* n_atom * X0_cm, cm^-2 */
    double z2_natom_X0; /* z2_n_atom * X0_cm, cm^-2 */
    double Z_mean;      /* atom-averaged <Z> = n_e / n_atom */
    double A_mean;      /* atom-averaged <A> = N_A rho / n_atom, g/mol */
    double Z_eff;       /* <Z^2>/<Z> (atom averages): n_atom <Z^2> = n_e Z_eff exactly */
    double A_eff;    /* Z_eff * <A>/<Z>: keeps the mixture's Z/A (so n_e = N_A rho Z_eff/A_eff) */
    double Ec;       /* electron critical energy (Rossi definition), GeV */
    double b_rossi;  /* Rossi's complete-screening b = 1/(18 ln(183 Z^-1/3)), X0-weighted */
    double b_tsai;   /* Tsai's straggling b = 4/3[1 + (Z^2+Z)/(12(Z^2 L_rad + Z L'_rad))], X0-w. */
    double dedx_min; /* minimum-ionising mass stopping power, GeV cm^2/g (muons) */
    double Emu_c;    /* muon critical energy (ionisation = radiative loss), GeV */
} dy_material;

typedef enum dy_mix_mode {
    DY_MIX_MASS = 0,     /* fractions are mass fractions (normalised) */
    DY_MIX_THICKNESS = 1 /* fractions are layer thicknesses in a common unit (sandwich) */
} dy_mix_mode;

/* Look a material up by name and fill *out.  Accepted spellings (case-insensitive):
 *  - element symbol or name: "Pb", "lead", "W", "tungsten", "Al", ...
 *  - compounds/presets: "polystyrene" (alias "Sc", "scintillator"), "water", "air", "BGO", "CsI",
 *    "PbWO4", "LH2", "na64_ecal" (1.5 mm Pb + 1.5 mm Sc layers);
 *  - a custom element "Z,A" or "Z,A,rho" (e.g. "82,207.2" or "50,118.71,7.31"); without rho the
 *    density of the table element with that Z is used (error if Z is not in the table);
 *  - a sandwich "Pb:1.5+Sc:1.5" = layers of the named materials with the given thicknesses
 *    (any common unit; up to 8 layers).
 * Returns DY_OK, or DY_ERR_NOT_FOUND / DY_ERR_INVALID with a message naming the input. */
dy_status dy_material_lookup(const char *name, dy_material *out, dy_error *err);

/* A custom element of charge Z (1..120, may be non-integer for an "effective" element), atomic
 * mass A (g/mol) and density rho (g/cm^3, > 0). */
dy_status dy_material_element(double Z, double A, double rho, const char *name, dy_material *out,
                              dy_error *err);

/* Mix n materials.  DY_MIX_MASS: fractions are mass fractions, density rho > 0 is the mixture
 * density, or rho <= 0 for volume additivity (1/rho = sum w_i/rho_i).  DY_MIX_THICKNESS: fractions
 * are layer thicknesses; mass fractions w_i = rho_i t_i / sum rho_j t_j and the average density
 * sum rho_i t_i / sum t_i are used (rho is ignored).  Elements are merged by (Z, A). */
dy_status dy_material_mixture(const char *name, int n, const dy_material *comps,
                              const double *fractions, dy_mix_mode mode, double rho,
                              dy_material *out, dy_error *err);

/* Tsai's radiation length of one element, g/cm^2 (Tsai RMP 46, 815 (1974) eqs. 3.66-3.68 and
 * Table B.2 for Z <= 4). */
double dy_tsai_x0(double Z, double A);

/* Rossi's complete-screening shower parameter b = 1/(18 ln(183 Z^-1/3)) (Rossi 1952). */
double dy_rossi_b(double Z);

/* Tsai's straggling parameter b (Tsai RMP 1974 eq. 4.3; Z <= 4 with Table B.2 logs). */
double dy_tsai_b(double Z);

/* Names accepted by dy_material_lookup (NULL-terminated list; for messages and --help). */
const char *const *dy_material_names(void);

#endif
