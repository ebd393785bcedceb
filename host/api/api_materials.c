/* api_materials.c — the public material and track-length calls (include/darkyield/
 * dy_materials.h) over physics/materials.c and physics/tracklength.c, with the model choice of
 * the yield grids (jobs/run.c: add_channel). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "darkyield/dy_materials.h"
#include "physics/materials.h"
#include "physics/tracklength.h"

/* As the run config: "na64-ecal" and "na64_ecal" are the same material. */
static dy_status lookup(const char *name, dy_material *m, dy_error *err)
{
    char alt[64];
    if (dy_material_lookup(name, m, NULL) == DY_OK) return DY_OK;
    snprintf(alt, sizeof alt, "%s", name);
    for (char *p = alt; *p; ++p)
        if (*p == '-') *p = '_';
    if (dy_material_lookup(alt, m, NULL) == DY_OK) return DY_OK;
    return dy_material_lookup(name, m, err);
}

dy_status dy_material_find(const char *name, dy_material_info *out, dy_error *err)
{
    if (!name || !out) return dy_error_set(err, DY_ERR_INVALID, "dy_material_find: NULL argument");
    dy_material m;
    const dy_status st = lookup(name, &m, err);
    if (st != DY_OK) return st;
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", m.name);
    out->n_elements = m.n_elem;
    for (int i = 0; i < m.n_elem && i < DY_MATERIAL_MAX_ELEMENTS; ++i) {
        out->Z[i] = m.Z[i];
        out->A[i] = m.A[i];
        out->mass_fraction[i] = m.w[i];
    }
    out->density_g_cm3 = m.density;
    out->X0_g_cm2 = m.X0_g;
    out->X0_cm = m.X0_cm;
    out->Z_eff = m.Z_eff;
    out->A_eff = m.A_eff;
    out->Z_mean = m.Z_mean;
    out->A_mean = m.A_mean;
    out->n_atom_cm3 = m.n_atom;
    out->n_e_cm3 = m.n_e;
    out->Ec_GeV = m.Ec;
    return DY_OK;
}

const char *dy_material_name_at(int i)
{
    const char *const *names = dy_material_names();
    for (int k = 0; names[k]; ++k)
        if (k == i) return names[k];
    return NULL;
}

void dy_tracklength_spec_default(dy_tracklength_spec *s)
{
    if (s) memset(s, 0, sizeof *s);
}

/* The track length of spec s (the caller frees it). */
static dy_status init(const dy_tracklength_spec *s, dy_tracklength *t, dy_error *err)
{
    dy_material mat;
    dy_status st;
    if (!s->material)
        return dy_error_set(err, DY_ERR_INVALID, "dy_tracklength_compute: material is NULL");
    if ((st = lookup(s->material, &mat, err)) != DY_OK) return st;
    if (!(s->energy_GeV > 0.0) || !isfinite(s->energy_GeV))
        return dy_error_set(err, DY_ERR_INVALID,
                            "dy_tracklength_compute: energy_GeV = %g (must be > 0 and finite)",
                            s->energy_GeV);
    if (!isfinite(s->thickness_X0) || !(isfinite(s->thickness_cm) || s->thickness_cm > 0))
        return dy_error_set(err, DY_ERR_INVALID,
                            "dy_tracklength_compute: thickness_X0 = %g, thickness_cm = %g",
                            s->thickness_X0, s->thickness_cm);
    const char *bname = s->beam ? s->beam : "e-";
    const int beam = dy_particle_from_name(bname);
    if (beam != DY_PARTICLE_ELECTRON && beam != DY_PARTICLE_POSITRON &&
        beam != DY_PARTICLE_PHOTON && beam != DY_PARTICLE_MUON)
        return dy_error_set(err, DY_ERR_INVALID,
                            "dy_tracklength_compute: beam '%s' (e-, e+, gamma or mu)", bname);
    int sp = s->species ? dy_particle_from_name(s->species) : beam;
    if (sp < 0 || sp == DY_PARTICLE_ANY || (sp == DY_PARTICLE_MUON && beam != DY_PARTICLE_MUON))
        return dy_error_set(err, DY_ERR_INVALID,
                            "dy_tracklength_compute: species '%s' (e-, e+, gamma, e+- or "
                            "primary)",
                            s->species);
    const double L_cm = s->thickness_X0 > 0.0   ? s->thickness_X0 * mat.X0_cm
                        : s->thickness_cm > 0.0 ? s->thickness_cm
                                                : INFINITY;
    const char *model = s->model && strcmp(s->model, "auto") ? s->model : NULL;
    if (model && strcmp(model, "shower") && strcmp(model, "thin") && strcmp(model, "muon"))
        return dy_error_set(err, DY_ERR_INVALID,
                            "dy_tracklength_compute: model '%s' (auto, shower, thin or muon)",
                            model);
    if (beam == DY_PARTICLE_MUON || (model && !strcmp(model, "muon"))) {
        if (beam != DY_PARTICLE_MUON || (model && strcmp(model, "muon")))
            return dy_error_set(err, DY_ERR_INVALID,
                                "dy_tracklength_compute: the muon model is for a muon beam, and "
                                "a muon beam has only it");
        if (!isfinite(L_cm))
            return dy_error_set(err, DY_ERR_INVALID,
                                "dy_tracklength_compute: a muon beam needs a finite thickness");
        return dy_tracklength_init_muon(t, &mat, s->energy_GeV, L_cm, -1.0, err);
    }
    const int thin = model ? !strcmp(model, "thin")
                           : L_cm / mat.X0_cm <= 0.3 && (sp == beam || sp == DY_PARTICLE_PRIMARY);
    if (thin) {
        if (!isfinite(L_cm))
            return dy_error_set(err, DY_ERR_INVALID,
                                "dy_tracklength_compute: a thin target needs a finite thickness");
        return dy_tracklength_init_thin(t, &mat, s->energy_GeV, L_cm, beam,
                                        sp == beam ? DY_PARTICLE_PRIMARY : sp, err);
    }
    dy_shower_opts o;
    dy_shower_opts_default(&o);
    o.approx_b = 1; /* ionisation below a few E_c, as the yield grids */
    return dy_tracklength_init_shower(t, &mat, s->energy_GeV, L_cm, beam, sp, &o, err);
}

dy_status dy_tracklength_compute(const dy_tracklength_spec *s, size_t n, const double *E_GeV,
                                 double *dTdE, dy_error *err)
{
    if (!s || (n > 0 && (!E_GeV || !dTdE)))
        return dy_error_set(err, DY_ERR_INVALID, "dy_tracklength_compute: NULL argument");
    dy_tracklength t;
    memset(&t, 0, sizeof t);
    const dy_status st = init(s, &t, err);
    if (st == DY_OK)
        for (size_t i = 0; i < n; ++i)
            dTdE[i] = isfinite(E_GeV[i]) ? dy_tracklength_eval(&t, E_GeV[i]) : NAN;
    dy_tracklength_free(&t);
    return st;
}

dy_status dy_tracklength_integral_cm(const dy_tracklength_spec *s, double E1, double E2,
                                     double *L_cm, dy_error *err)
{
    if (!s || !L_cm)
        return dy_error_set(err, DY_ERR_INVALID, "dy_tracklength_integral_cm: NULL argument");
    if (!(E1 >= 0.0) || !(E2 > E1) || !isfinite(E1))
        return dy_error_set(err, DY_ERR_INVALID,
                            "dy_tracklength_integral_cm: energy range [%g, %g] GeV (need 0 <= E1 "
                            "< E2)",
                            E1, E2);
    dy_tracklength t;
    memset(&t, 0, sizeof t);
    dy_status st = init(s, &t, err);
    if (st == DY_OK && t.species == DY_PARTICLE_PHOTON && !(E1 > 0.0))
        st = dy_error_set(err, DY_ERR_INVALID,
                          "dy_tracklength_integral_cm: the photon track length diverges as E -> "
                          "0; give E1 > 0");
    if (st == DY_OK) {
        *L_cm = dy_tracklength_integral(&t, E1, E2);
        if (!isfinite(*L_cm))
            st = dy_error_set(err, DY_ERR_NUMERIC,
                              "dy_tracklength_integral_cm: the quadrature failed on [%g, %g] GeV",
                              E1, E2);
    }
    dy_tracklength_free(&t);
    return st;
}
