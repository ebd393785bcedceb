/* materials.c — element/compound table, mixtures and derived target quantities (X0, densities,
 * critical energies).  Every material is flattened to (Z, A, mass fraction) lists; derived numbers
 * are recomputed from those lists in finalize().  Sources per formula: docs/tracklengths.md §1. */
#include "physics/materials.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "physics/dy_constants.h"

/* ---- element table --------------------------------------------------------------------------
 * A: standard atomic weights (IUPAC); density: solids at room temperature, gases at 20 C, 1 atm
 * (PDG "Atomic and nuclear properties" values); Ec: electron critical energy in MeV where the PDG
 * table value is used (Pb, W, Al: reference table physics-annihilation-primakoff.md §1; Fe, Cu, Si:
 * PDG values quoted from memory, [U]); 0 means "use the PDG fit" (see critical_energy()). */
typedef struct dy_elem_row {
    const char *sym;
    const char *name;
    int Z;
    double A;
    double rho;
    int gas;
    double Ec_MeV;
} dy_elem_row;

static const dy_elem_row k_elements[] = {
    {"H", "hydrogen", 1, 1.008, 8.376e-5, 1, 0.0},
    {"He", "helium", 2, 4.002602, 1.663e-4, 1, 0.0},
    {"Be", "beryllium", 4, 9.012182, 1.848, 0, 0.0},
    {"C", "carbon", 6, 12.0107, 2.21, 0, 0.0},
    {"N", "nitrogen", 7, 14.007, 1.165e-3, 1, 0.0},
    {"O", "oxygen", 8, 15.999, 1.332e-3, 1, 0.0},
    {"Al", "aluminium", 13, 26.9815385, 2.699, 0, 42.70},
    {"Si", "silicon", 14, 28.0855, 2.329, 0, 40.19},
    {"Ar", "argon", 18, 39.948, 1.662e-3, 1, 0.0},
    {"Fe", "iron", 26, 55.845, 7.874, 0, 21.68},
    {"Cu", "copper", 29, 63.546, 8.960, 0, 19.42},
    {"Ge", "germanium", 32, 72.630, 5.323, 0, 0.0},
    {"I", "iodine", 53, 126.90447, 4.93, 0, 0.0},
    {"Cs", "caesium", 55, 132.90545, 1.873, 0, 0.0},
    {"Ta", "tantalum", 73, 180.94788, 16.654, 0, 0.0},
    {"W", "tungsten", 74, 183.84, 19.30, 0, 7.97},
    {"Pb", "lead", 82, 207.2, 11.35, 0, 7.43},
    {"Bi", "bismuth", 83, 208.98040, 9.747, 0, 0.0},
    {"U", "uranium", 92, 238.02891, 18.95, 0, 0.0},
};
#define N_ELEMENTS ((int)(sizeof k_elements / sizeof k_elements[0]))

/* ---- compounds: composition by atom count (or by mass fraction when mass = 1) ---------------- */
typedef struct dy_comp_row {
    const char *name;
    const char *alias1;
    const char *alias2;
    double rho;
    int gas;
    int mass; /* 1: "n" are mass fractions */
    int n;
    const char *sym[5];
    double num[5];
} dy_comp_row;

static const dy_comp_row k_compounds[] = {
    /* polystyrene scintillator (C8H8)n, rho = 1.06 (PDG; reference §1: Z/A = 0.5377, X0 = 41.3 cm)
     */
    {"polystyrene", "sc", "scintillator", 1.06, 0, 0, 2, {"C", "H"}, {8, 8}},
    {"water", "h2o", NULL, 1.0, 0, 0, 2, {"H", "O"}, {2, 1}},
    /* dry air near sea level (PDG mass fractions) */
    {"air",
     NULL,
     NULL,
     1.205e-3,
     1,
     1,
     4,
     {"N", "O", "Ar", "C"},
     {0.755267, 0.231781, 0.012827, 0.000124}},
    {"bgo", "bi4ge3o12", NULL, 7.13, 0, 0, 3, {"Bi", "Ge", "O"}, {4, 3, 12}},
    {"csi", NULL, NULL, 4.51, 0, 0, 2, {"Cs", "I"}, {1, 1}},
    {"pbwo4", "pwo", NULL, 8.28, 0, 0, 3, {"Pb", "W", "O"}, {1, 1, 4}},
    {"lh2", "liquid_hydrogen", NULL, 0.0708, 0, 0, 1, {"H"}, {1}},
    /* diamond (PADME's active target): carbon at 3.515 g/cm^3 (PDG; "C" is graphite, 2.21) */
    {"diamond", NULL, NULL, 3.515, 0, 0, 1, {"C"}, {1}},
};
#define N_COMPOUNDS ((int)(sizeof k_compounds / sizeof k_compounds[0]))

/* sandwich presets: "name" -> spec string for the sandwich parser */
typedef struct dy_preset_row {
    const char *name;
    const char *spec;
} dy_preset_row;
static const dy_preset_row k_presets[] = {
    /* NA64 ECAL (Shashlik): ~150 layers of 1.5 mm Pb + 1.5 mm scintillator (reference §1, [U]) */
    {"na64_ecal", "Pb:1.5+Sc:1.5"},
};
#define N_PRESETS ((int)(sizeof k_presets / sizeof k_presets[0]))

/* ---- per-element formulas ------------------------------------------------------------------ */

/* Tsai's radiation logarithms; Z <= 4 from Tsai RMP 46 (1974) Table B.2, else eq. 3.67-3.68. */
static void rad_logs(double Z, double *Lrad, double *Lprad)
{
    static const double lr[4] = {5.31, 4.79, 4.74, 4.71};
    static const double lp[4] = {6.144, 5.621, 5.805, 5.924};
    const int iz = (int)lround(Z);
    if (fabs(Z - iz) < 1e-9 && iz >= 1 && iz <= 4) {
        *Lrad = lr[iz - 1];
        *Lprad = lp[iz - 1];
    } else {
        *Lrad = log(184.15 * pow(Z, -1.0 / 3.0));
        *Lprad = log(1194.0 * pow(Z, -2.0 / 3.0));
    }
}

/* Coulomb correction f(Z), Tsai RMP 1974 eq. 3.3 (Davies-Bethe-Maximon, fitted form). */
static double coulomb_f(double Z)
{
    const double z = (Z / 137.0) * (Z / 137.0);
    return 1.202 * z - 1.0369 * z * z + 1.008 * z * z * z / (1.0 + z);
}

double dy_tsai_x0(double Z, double A)
{
    double Lrad, Lprad;
    rad_logs(Z, &Lrad, &Lprad);
    /* X0 = 716.405 A / (Z^2 (L_rad - f) + Z L'_rad) g/cm^2  [Tsai RMP 1974 eq. 3.66] */
    return 716.405 * A / (Z * Z * (Lrad - coulomb_f(Z)) + Z * Lprad);
}

double dy_rossi_b(double Z)
{
    /* b = 1/(18 ln(183 Z^-1/3))  [Rossi, High-Energy Particles (1952), complete screening] */
    return 1.0 / (18.0 * log(183.0 * pow(Z, -1.0 / 3.0)));
}

double dy_tsai_b(double Z)
{
    double Lrad, Lprad;
    rad_logs(Z, &Lrad, &Lprad);
    /* b = (4/3)[1 + (1/12)(Z^2+Z)/(Z^2 L_rad + Z L'_rad)]  [Tsai RMP 1974 eq. 4.3 per brem.f90] */
    return 4.0 / 3.0 * (1.0 + (Z * Z + Z) / (12.0 * (Z * Z * Lrad + Z * Lprad)));
}

/* Electron critical energy in GeV: table value when known, else the PDG fits (Rossi definition)
 * 610 MeV/(Z + 1.24) (solids, liquids) or 710 MeV/(Z + 0.92) (gases)  [PDG RPP "Passage of
 * particles through matter", Fig. 34.14 fits]. */
static double critical_energy(double Z, int gas)
{
    for (int i = 0; i < N_ELEMENTS; ++i)
        if (fabs(Z - k_elements[i].Z) < 1e-9 && k_elements[i].Ec_MeV > 0.0 && !gas)
            return k_elements[i].Ec_MeV * 1e-3;
    return (gas ? 710.0 / (Z + 0.92) : 610.0 / (Z + 1.24)) * 1e-3;
}

/* Minimum-ionising mass stopping power, GeV cm^2/g: own fit to the PDG minima of H, C, Al, Fe,
 * Pb (4.10, 1.74, 1.62, 1.45, 1.12 MeV cm^2/g; [U] quoted from memory), accurate to ~3 %:
 * a_min = 2 (Z/A) (2.036 - 0.1404 ln Z) MeV cm^2/g. */
static double dedx_min_elem(double Z, double A)
{
    return 2.0 * (Z / A) * (2.036 - 0.1404 * log(Z)) * 1e-3;
}

/* Muon critical energy, GeV: PDG fits 5700 GeV/(Z+1.47)^0.838 (solids), 7980/(Z+2.03)^0.879 (gases)
 * [PDG RPP "Passage of particles through matter", muon critical energy]. */
static double muon_critical_energy(double Z, int gas)
{
    return gas ? 7980.0 / pow(Z + 2.03, 0.879) : 5700.0 / pow(Z + 1.47, 0.838);
}

/* ---- construction ---------------------------------------------------------------------------- */

static void copy_name(char *dst, const char *src)
{
    snprintf(dst, DY_MAT_NAME_LEN, "%s", src ? src : "");
}

/* Fill every derived field from the (Z, A, w) lists and density. */
static void finalize(dy_material *m)
{
    double inv_x0 = 0.0, sum_wza = 0.0, sum_wa = 0.0, sum_wz2a = 0.0;
    double b_r = 0.0, b_t = 0.0, ec_num = 0.0, dedx = 0.0, brad = 0.0;
    for (int i = 0; i < m->n_elem; ++i) {
        const double Z = m->Z[i], A = m->A[i], w = m->w[i];
        const double x0 = dy_tsai_x0(Z, A);
        const double ec = critical_energy(Z, m->is_gas);
        const double a = dedx_min_elem(Z, A);
        inv_x0 += w / x0;                /* 1/X0 = sum w_i / X0_i  (Bragg additivity) */
        sum_wza += w * Z / A;            /* electrons per gram / N_A */
        sum_wa += w / A;                 /* atoms per gram / N_A */
        sum_wz2a += w * Z * Z / A;       /* Z^2-weighted atoms per gram / N_A */
        b_r += (w / x0) * dy_rossi_b(Z); /* weighted by each element's share of 1/X0 */
        b_t += (w / x0) * dy_tsai_b(Z);
        ec_num += w * ec / x0; /* ionisation loss per gram ~ Ec_i / X0_i */
        dedx += w * a;
        brad += w * a / muon_critical_energy(Z, m->is_gas);
    }
    m->X0_g = 1.0 / inv_x0;
    m->X0_cm = m->X0_g / m->density;
    m->n_atom = DY_N_AVOGADRO * m->density * sum_wa;
    m->n_e = DY_N_AVOGADRO * m->density * sum_wza;
    m->z2_n_atom = DY_N_AVOGADRO * m->density * sum_wz2a;
    m->ne_X0 = m->n_e * m->X0_cm;
    m->natom_X0 = m->n_atom * m->X0_cm;
    m->z2_natom_X0 = m->z2_n_atom * m->X0_cm;
    m->Z_mean = sum_wza / sum_wa;
    m->A_mean = 1.0 / sum_wa;
    m->Z_eff = sum_wz2a / sum_wza;
    m->A_eff = m->Z_eff / sum_wza;
    m->b_rossi = b_r / inv_x0;
    m->b_tsai = b_t / inv_x0;
    m->Ec = ec_num * m->X0_g; /* Ec = X0 * (dE/dx)_ion with mass-additive dE/dx */
    m->dedx_min = dedx;
    m->Emu_c = dedx / brad;
}

static int find_element(const char *s)
{
    for (int i = 0; i < N_ELEMENTS; ++i)
        if (!strcasecmp(s, k_elements[i].sym) || !strcasecmp(s, k_elements[i].name)) return i;
    if (!strcasecmp(s, "aluminum")) return find_element("Al");
    if (!strcasecmp(s, "cesium")) return find_element("Cs");
    return -1;
}

static void from_element_row(const dy_elem_row *r, dy_material *out)
{
    memset(out, 0, sizeof *out);
    copy_name(out->name, r->sym);
    out->n_elem = 1;
    out->Z[0] = r->Z;
    out->A[0] = r->A;
    out->w[0] = 1.0;
    out->density = r->rho;
    out->is_gas = r->gas;
    finalize(out);
}

dy_status dy_material_element(double Z, double A, double rho, const char *name, dy_material *out,
                              dy_error *err)
{
    if (!out) return dy_error_set(err, DY_ERR_INVALID, "dy_material_element: NULL output");
    if (!(Z >= 1.0 && Z <= 120.0))
        return dy_error_set(err, DY_ERR_INVALID, "material '%s': Z = %g outside 1..120",
                            name ? name : "?", Z);
    if (!(A > 0.0 && A < 1000.0))
        return dy_error_set(err, DY_ERR_INVALID, "material '%s': A = %g g/mol is not positive",
                            name ? name : "?", A);
    if (!(rho > 0.0 && isfinite(rho)))
        return dy_error_set(err, DY_ERR_INVALID, "material '%s': density %g g/cm^3 is not positive",
                            name ? name : "?", rho);
    memset(out, 0, sizeof *out);
    if (name) {
        copy_name(out->name, name);
    } else {
        snprintf(out->name, sizeof out->name, "Z=%g,A=%g", Z, A);
    }
    out->n_elem = 1;
    out->Z[0] = Z;
    out->A[0] = A;
    out->w[0] = 1.0;
    out->density = rho;
    out->is_gas = rho < 0.01;
    finalize(out);
    return DY_OK;
}

dy_status dy_material_mixture(const char *name, int n, const dy_material *comps,
                              const double *fractions, dy_mix_mode mode, double rho,
                              dy_material *out, dy_error *err)
{
    const char *nm = name ? name : "mixture";
    if (n < 1 || !comps || !fractions || !out)
        return dy_error_set(err, DY_ERR_INVALID, "mixture '%s': no components", nm);
    double wsum = 0.0, tsum = 0.0, vol = 0.0;
    double w[64];
    if (n > 64)
        return dy_error_set(err, DY_ERR_INVALID, "mixture '%s': too many components (%d)", nm, n);
    for (int i = 0; i < n; ++i) {
        if (!(fractions[i] >= 0.0 && isfinite(fractions[i])))
            return dy_error_set(err, DY_ERR_INVALID,
                                "mixture '%s': fraction %d (%s) = %g is negative or not finite", nm,
                                i, comps[i].name, fractions[i]);
        if (!(comps[i].density > 0.0) || comps[i].n_elem < 1)
            return dy_error_set(err, DY_ERR_INVALID, "mixture '%s': component %d is not a material",
                                nm, i);
        w[i] = mode == DY_MIX_THICKNESS ? fractions[i] * comps[i].density : fractions[i];
        wsum += w[i];
        tsum += fractions[i];
    }
    if (!(wsum > 0.0))
        return dy_error_set(err, DY_ERR_INVALID, "mixture '%s': fractions sum to zero", nm);
    dy_material m;
    memset(&m, 0, sizeof m);
    copy_name(m.name, nm);
    int all_gas = 1;
    for (int i = 0; i < n; ++i) {
        w[i] /= wsum;
        vol += w[i] / comps[i].density;
        if (w[i] > 0.0 && !comps[i].is_gas) all_gas = 0;
        for (int j = 0; j < comps[i].n_elem; ++j) {
            const double wij = w[i] * comps[i].w[j];
            int k = 0;
            while (k < m.n_elem && !(m.Z[k] == comps[i].Z[j] && m.A[k] == comps[i].A[j]))
                ++k;
            if (k == m.n_elem) {
                if (m.n_elem == DY_MAT_MAX_ELEM)
                    return dy_error_set(err, DY_ERR_INVALID,
                                        "mixture '%s': more than %d distinct elements", nm,
                                        DY_MAT_MAX_ELEM);
                m.Z[k] = comps[i].Z[j];
                m.A[k] = comps[i].A[j];
                m.w[k] = 0.0;
                m.n_elem++;
            }
            m.w[k] += wij;
        }
    }
    if (mode == DY_MIX_THICKNESS)
        m.density = wsum / tsum; /* sum rho_i t_i / sum t_i */
    else
        m.density = rho > 0.0 ? rho : 1.0 / vol;
    m.is_gas = all_gas;
    finalize(&m);
    *out = m;
    return DY_OK;
}

static void trim_copy(char *dst, size_t cap, const char *src, size_t len)
{
    while (len > 0 && isspace((unsigned char)*src)) {
        ++src;
        --len;
    }
    while (len > 0 && isspace((unsigned char)src[len - 1]))
        --len;
    if (len >= cap) len = cap - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

/* "Z,A" or "Z,A,rho" */
static dy_status parse_custom(const char *s, dy_material *out, dy_error *err)
{
    double v[3];
    int nv = 0;
    const char *p = s;
    while (nv < 3) {
        char *end;
        v[nv] = strtod(p, &end);
        if (end == p) break;
        ++nv;
        while (isspace((unsigned char)*end))
            ++end;
        if (*end == ',') {
            p = end + 1;
        } else {
            p = end;
            break;
        }
    }
    while (isspace((unsigned char)*p))
        ++p;
    if (nv < 2 || *p != '\0')
        return dy_error_set(err, DY_ERR_INVALID,
                            "material '%s': expected \"Z,A\" or \"Z,A,rho\" (e.g. \"82,207.2\")",
                            s);
    double rho = nv == 3 ? v[2] : -1.0;
    if (nv == 2) {
        for (int i = 0; i < N_ELEMENTS; ++i)
            if (fabs(v[0] - k_elements[i].Z) < 1e-9) rho = k_elements[i].rho;
        if (rho < 0.0)
            return dy_error_set(err, DY_ERR_INVALID,
                                "material '%s': no table density for Z = %g; write \"Z,A,rho\"", s,
                                v[0]);
    }
    return dy_material_element(v[0], v[1], rho, s, out, err);
}

static dy_status lookup_simple(const char *s, dy_material *out, dy_error *err);

/* "Pb:1.5+Sc:1.5" */
static dy_status parse_sandwich(const char *s, dy_material *out, dy_error *err)
{
    dy_material comps[8];
    double t[8];
    int n = 0;
    const char *p = s;
    while (*p) {
        const char *plus = strchr(p, '+');
        const size_t len = plus ? (size_t)(plus - p) : strlen(p);
        char part[128], nm[96];
        if (len >= sizeof nm) /* never look up a cut name */
            return dy_error_set(err, DY_ERR_INVALID,
                                "material '%.64s...': a sandwich layer is longer than %d "
                                "characters",
                                s, (int)sizeof nm - 1);
        trim_copy(part, sizeof part, p, len);
        char *colon = strchr(part, ':');
        if (!colon || n == 8)
            return dy_error_set(err, DY_ERR_INVALID,
                                "material '%s': sandwich layers are written \"name:thickness\" "
                                "joined by '+', at most 8",
                                s);
        *colon = '\0';
        trim_copy(nm, sizeof nm, part, strlen(part));
        char *end;
        t[n] = strtod(colon + 1, &end);
        while (isspace((unsigned char)*end))
            ++end;
        if (end == colon + 1 || *end != '\0' || !(t[n] > 0.0))
            return dy_error_set(err, DY_ERR_INVALID,
                                "material '%s': layer '%s' needs a positive thickness", s, nm);
        dy_status st = lookup_simple(nm, &comps[n], err);
        if (st != DY_OK) return st;
        ++n;
        if (!plus) break;
        p = plus + 1;
    }
    return dy_material_mixture(s, n, comps, t, DY_MIX_THICKNESS, 0.0, out, err);
}

static dy_status lookup_simple(const char *s, dy_material *out, dy_error *err)
{
    const int ie = find_element(s);
    if (ie >= 0) {
        from_element_row(&k_elements[ie], out);
        return DY_OK;
    }
    for (int c = 0; c < N_COMPOUNDS; ++c) {
        const dy_comp_row *r = &k_compounds[c];
        if (strcasecmp(s, r->name) && !(r->alias1 && !strcasecmp(s, r->alias1)) &&
            !(r->alias2 && !strcasecmp(s, r->alias2)))
            continue;
        dy_material el[5];
        double f[5];
        for (int j = 0; j < r->n; ++j) {
            from_element_row(&k_elements[find_element(r->sym[j])], &el[j]);
            f[j] = r->mass ? r->num[j] : r->num[j] * el[j].A[0];
        }
        dy_status st = dy_material_mixture(r->name, r->n, el, f, DY_MIX_MASS, r->rho, out, err);
        if (st == DY_OK && out->is_gas != r->gas) {
            out->is_gas = r->gas;
            finalize(out);
        }
        return st;
    }
    if (isdigit((unsigned char)s[0]) || s[0] == '.') return parse_custom(s, out, err);
    for (int k = 0; k < N_PRESETS; ++k)
        if (!strcasecmp(s, k_presets[k].name)) {
            dy_status st = parse_sandwich(k_presets[k].spec, out, err);
            if (st == DY_OK) copy_name(out->name, k_presets[k].name);
            return st;
        }
    return dy_error_set(err, DY_ERR_NOT_FOUND,
                        "unknown material '%s' (use an element symbol/name, polystyrene, water, "
                        "air, BGO, CsI, PbWO4, LH2, na64_ecal, \"Z,A[,rho]\" or \"Pb:1.5+Sc:1.5\")",
                        s);
}

dy_status dy_material_lookup(const char *name, dy_material *out, dy_error *err)
{
    if (!name || !out)
        return dy_error_set(err, DY_ERR_INVALID, "dy_material_lookup: NULL argument");
    char s[256];
    if (strlen(name) >= sizeof s) /* never look up a cut name */
        return dy_error_set(err, DY_ERR_INVALID,
                            "material name '%.64s...' is longer than %d "
                            "characters",
                            name, (int)sizeof s - 1);
    trim_copy(s, sizeof s, name, strlen(name));
    if (s[0] == '\0') return dy_error_set(err, DY_ERR_INVALID, "empty material name");
    if (strchr(s, ':')) return parse_sandwich(s, out, err);
    return lookup_simple(s, out, err);
}

const char *const *dy_material_names(void)
{
    static const char *const names[] = {
        "H",  "He",    "Be",  "C",   "N",   "O",     "Al",  "Si",        "Ar", "Fe",
        "Cu", "Ge",    "I",   "Cs",  "Ta",  "W",     "Pb",  "Bi",        "U",  "polystyrene",
        "Sc", "water", "air", "BGO", "CsI", "PbWO4", "LH2", "na64_ecal", NULL};
    return names;
}
