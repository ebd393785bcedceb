/* writer_hdf5_setup.c — the parts of the run file that describe how the numbers were made:
 * /beam, /target and /model (groups whose attributes are the parameters; attribute names end in
 * their unit) and /<channel>/integrals, the engine's diagnostics of every MC integral (writer.h).
 */
#include <hdf5.h>
#include <stdio.h>
#include <string.h>
#include "io/h5_write.h"
#include "io/writer.h"
#include "io/writer_hdf5_setup.h"
#include "physics/couplings.h"

#define UNITS_NOTE                                                                                 \
    "attribute names end in their unit (_GeV, _cm, _g_per_cm3, _per_cm3, _g_per_mol, _X0 = "       \
    "radiation lengths); the others are dimensionless numbers or strings"

static int pdg_of(const char *p)
{
    return !strcmp(p, "e-")      ? 11
           : !strcmp(p, "e+")    ? -11
           : !strcmp(p, "mu-")   ? 13
           : !strcmp(p, "mu+")   ? -13
           : !strcmp(p, "gamma") ? 22
                                 : 0;
}

static hid_t group(hid_t f, const char *name, const char *desc)
{
    hid_t g = H5Gcreate2(f, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g >= 0 &&
        (dy_h5_attr_string(g, "description", desc) || dy_h5_attr_string(g, "units", UNITS_NOTE))) {
        H5Gclose(g);
        return H5I_INVALID_HID;
    }
    return g;
}

static int close_ok(hid_t g, int ok)
{
    if (g < 0) return -1;
    ok &= H5Gclose(g) >= 0;
    return ok ? 0 : -1;
}

static int write_beam(hid_t f, const dy_grid_setup *u)
{
    hid_t b = group(f, "beam", "the particles on target");
    int ok = b >= 0;
    ok = ok && !dy_h5_attr_string(b, "particle", u->beam_particle) &&
         !dy_h5_attr_int(b, "pdg_id", pdg_of(u->beam_particle)) &&
         !dy_h5_attr_double(b, "energy_GeV", u->beam_energy_GeV) &&
         !dy_h5_attr_double(b, "energy_spread_GeV", u->beam_spread_GeV);
    return close_ok(b, ok);
}

static int write_target(hid_t f, const dy_grid_setup *u)
{
    static const char *const sp[3] = {"tracklength_e-", "tracklength_e+", "tracklength_gamma"};
    hid_t t = group(f, "target", "the target material, its thickness and composition");
    int ok = t >= 0;
    ok = ok && !dy_h5_attr_string(t, "material", u->material) &&
         !dy_h5_attr_double(t, "thickness_cm", u->thickness_cm) &&
         !dy_h5_attr_double(t, "thickness_X0", u->thickness_X0) &&
         !dy_h5_attr_double(t, "density_g_per_cm3", u->density_g_cm3) &&
         !dy_h5_attr_double(t, "radiation_length_cm", u->X0_cm) &&
         !dy_h5_attr_double(t, "atoms_per_cm3", u->n_atom_cm3) &&
         !dy_h5_attr_double(t, "electrons_per_cm3", u->n_e_cm3) &&
         !dy_h5_attr_doubles(t, "elements_Z", u->Z, u->n_elem) &&
         !dy_h5_attr_doubles(t, "elements_A_g_per_mol", u->A, u->n_elem) &&
         !dy_h5_attr_doubles(t, "elements_mass_fraction", u->w, u->n_elem);
    for (int i = 0; ok && i < 3; ++i) {
        const char *p = u->tracklength_file[i];
        ok = !dy_h5_attr_string(t, sp[i], p && p[0] ? p : "built-in (docs/tracklengths.md)");
    }
    return close_ok(t, ok);
}

static int write_model(hid_t f, const dy_yield_grid *g)
{
    const dy_grid_coupling cp = dy_grid_coupling_of(g);
    const dy_grid_setup *u = &g->setup;
    hid_t m = group(f, "model", "the dark-sector model the yields were computed in");
    int ok = m >= 0;
    ok = ok && !dy_h5_attr_string(m, "name", cp.model) &&
         !dy_h5_attr_string(m, "particle", cp.particle) &&
         !dy_h5_attr_double(m, "coupling", g->coupling) &&
         !dy_h5_attr_string(m, "coupling_name", cp.name) &&
         !dy_h5_attr_string(m, "coupling_unit", cp.unit) &&
         !dy_h5_attr_string(m, "coupling_definition", cp.definition);
    if (ok && u->recorded)
        ok = !dy_h5_attr_string(m, "decay", u->decay) &&
             !dy_h5_attr_double(m, "alpha_D", u->alpha_D) &&
             !dy_h5_attr_double(m, "mchi_over_m", u->mchi_over_m) &&
             !dy_h5_attr_string(m, "dm_kind", u->dm_kind) &&
             !dy_h5_attr_double(m, "dm_splitting", u->dm_splitting);
    return close_ok(m, ok);
}

int dy_write_hdf5_setup(hid_t f, const dy_yield_grid *g)
{
    const dy_grid_setup *u = &g->setup;
    if (write_model(f, g)) return -1;
    if (!u->recorded) return 0; /* a grid built by hand: beam and target unknown */
    return write_beam(f, u) || write_target(f, u) ||
                   dy_h5_attr_string(f, "processes", u->processes) ||
                   dy_h5_attr_double(f, "precision", u->precision) ||
                   dy_h5_attr_u64(f, "max_eval", u->max_eval) ||
                   dy_h5_attr_int(f, "quadrature_nodes", u->quad_nodes)
               ? -1
               : 0;
}

int dy_write_hdf5_integrals(hid_t f, hid_t chgrp, const dy_yield_grid *g, int c)
{
    const dy_grid_integrals *m = &g->ch[c].mc;
    char path[128];
    if (m->shares[0]) {
        snprintf(path, sizeof path, "/%s/integrals", m->shares);
        return dy_h5_attr_string(chgrp, "integrals", path);
    }
    if (m->n_nodes < 1)
        return dy_h5_attr_string(chgrp, "integrals",
                                 "none (closed-form cross section folded by "
                                 "adaptive quadrature, or not recorded)");
    snprintf(path, sizeof path, "/%s/integrals", g->ch[c].name);
    hid_t ig = H5Gcreate2(chgrp, "integrals", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (ig < 0) return -1;
    const hsize_t d3[3] = {(hsize_t)g->n_masses, (hsize_t)m->n_elem, (hsize_t)m->n_nodes},
                  d2[2] = {(hsize_t)g->n_masses, (hsize_t)m->n_nodes}, de[1] = {d3[1]},
                  dn[1] = {d3[2]};
    int32_t node[256];
    const int nn = m->n_nodes < 256 ? m->n_nodes : 256;
    for (int k = 0; k < nn; ++k)
        node[k] = k;
    char el[160], nd[160];
    snprintf(el, sizeof el, "%s/element_Z", path);
    snprintf(nd, sizeof nd, "%s/node", path);
    const char *const ax3[3] = {"/masses_GeV", el, nd}, *const ax2[2] = {"/masses_GeV", nd},
                      *const ax1[1] = {el};
    const char *sh = "shape [mass][element][node] (axes /masses_GeV, element_Z, node)";
    char d[512];
    /* the factor the fold applies to sigma_pb: the model's coupling^2 in the kernel's
     * normalisation (eps^2 for the A', g^2/(4 pi alpha) for the Z' models, physics/couplings.c) */
    const double cf = dy_coupling_kernel_scale(dy_model_from_name(g->model), g->coupling);
    int ok =
        dy_h5_attr_string(chgrp, "integrals", path) == 0 &&
        dy_h5_attr_double(ig, "coupling_factor", cf) == 0 &&
        dy_h5_attr_string(ig, "coupling_factor_description",
                          "sigma_pb x coupling_factor is the cross section of the model at the "
                          "file's coupling, which the yields fold (nan: model not known)") == 0 &&
        dy_h5_attr_string(ig, "description",
                          "the MC integrals of this channel: the cross section at each energy "
                          "node of the track-length folding, for each element of the target "
                          "and each mass, with the engine's diagnostics") == 0;
    ok = ok && !dy_h5_dataset(ig, "element_Z", 1, de, H5T_NATIVE_DOUBLE, m->elem_Z, "1",
                              "atomic number of the element (elements below 0.5 % of sum n Z^2 "
                              "are dropped)");
    ok = ok && !dy_h5_dataset(ig, "element_A", 1, de, H5T_NATIVE_DOUBLE, m->elem_A, "g/mol",
                              "atomic mass of the element");
    ok = ok && nn == m->n_nodes &&
         !dy_h5_dataset(ig, "node", 1, dn, H5T_NATIVE_INT32, node, "1",
                        "index of the energy node (energies: E_node_GeV)");
    ok = ok && !dy_h5_make_scale(f, el, "element_Z") && !dy_h5_make_scale(f, nd, "node");
    ok = ok && !dy_h5_dataset(ig, "E_node_GeV", 2, d2, H5T_NATIVE_DOUBLE, m->E_GeV, "GeV",
                              "energy of the producing particle at the node; shape [mass][node]");
    snprintf(d, sizeof d, "MC cross section at the node; %s", sh);
    ok = ok && !dy_h5_dataset(ig, "sigma_pb", 3, d3, H5T_NATIVE_DOUBLE, m->sigma_pb,
                              m->sigma_units ? m->sigma_units : "pb", d);
    snprintf(d, sizeof d, "1-sigma MC error of sigma_pb; %s", sh);
    ok = ok && !dy_h5_dataset(ig, "sigma_err_pb", 3, d3, H5T_NATIVE_DOUBLE, m->sigma_err_pb,
                              m->sigma_units ? m->sigma_units : "pb", d);
    snprintf(d, sizeof d, "chi^2 per degree of freedom of the combined VEGAS iterations; %s", sh);
    ok = ok && !dy_h5_dataset(ig, "chi2_dof", 3, d3, H5T_NATIVE_DOUBLE, m->chi2_dof, "1", d);
    snprintf(d, sizeof d, "Q = P(chi^2 >= observed) for iterations - 1 degrees of freedom; %s", sh);
    ok = ok && !dy_h5_dataset(ig, "q", 3, d3, H5T_NATIVE_DOUBLE, m->q, "1", d);
    snprintf(d, sizeof d, "integrand evaluations, warm-up included; %s", sh);
    ok = ok && !dy_h5_dataset(ig, "n_eval", 3, d3, H5T_NATIVE_UINT64, m->n_eval, "1", d);
    snprintf(d, sizeof d, "non-finite weights seen (counted, never summed); %s", sh);
    ok = ok && !dy_h5_dataset(ig, "n_nonfinite", 3, d3, H5T_NATIVE_UINT64, m->n_nonfinite, "1", d);
    snprintf(d, sizeof d, "combined VEGAS iterations; %s", sh);
    ok = ok && !dy_h5_dataset(ig, "n_iter", 3, d3, H5T_NATIVE_INT32, m->n_iter, "1", d);
    snprintf(d, sizeof d,
             "1 when the precision goal was met (or the integral is an explicit zero below "
             "threshold), 0 when the budget ran out first; %s",
             sh);
    ok = ok && !dy_h5_dataset(ig, "converged", 3, d3, H5T_NATIVE_INT32, m->converged, "1", d);
    static const char *const three[] = {"sigma_pb", "sigma_err_pb", "chi2_dof", "q",
                                        "n_eval",   "n_nonfinite",  "n_iter",   "converged"};
    for (int i = 0; ok && i < 8; ++i)
        ok = !dy_h5_attach(ig, three[i], 3, ax3);
    ok = ok && !dy_h5_attach(ig, "E_node_GeV", 2, ax2) && !dy_h5_attach(ig, "element_A", 1, ax1);
    ok &= H5Gclose(ig) >= 0;
    return ok ? 0 : -1;
}
