/* test_events.c — unweighted brem events (host/jobs/events.h) on the selected backend: every event
 * conserves four-momentum and puts each particle on its mass shell; histograms of x = E_X/E0,
 * the boson's angle, the recoil lepton's energy and angle follow the differential cross sections
 * of an independent VEGAS run (chi^2 p-values, with the reference's own errors), and a wrong
 * hypothesis (a scalar's spectrum) is rejected; the mean weight of the draws and the cross
 * section agree with the 3-D (phi-integrated) integral; a seed gives the same events bit for bit
 * and another seed others; all four mediators and both leptons.  Primakoff gamma N -> a N: the same
 * checks (conservation, the recoil on its mass shell, t and theta_a against dsigma/dt and
 * dsigma/dtheta_a, a wrong mass rejected, the mean weight against sigma, a seed's events).
 * Annihilation e+ e- -> A'* -> chi chi and -> gamma A': balance, ids, the CM angle against the
 * analytic distribution (a wrong one rejected), the mean weight against the closed forms.
 * DY_BACKENDS: cpu opencl cuda */
#include <stdlib.h>
#include <string.h>
#include "darkyield/dy_integrate.h"
#include "dy_process_table.h"
#include "dy_test_backend.h"
#include "dy_test_chi2.h"
#include "jobs/events.h"
#include "physics/couplings.h"
#include "physics/xsec.h"

static dy_engine *engine;

static int setup(void **state)
{
    (void)state;
    engine = dy_test_open_engine();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dy_engine_close(engine);
    return 0;
}

/* A point through the same set-up as the command line (dy_xsec_setup). */
static void point(dy_events_point *pt, int lepton, int model, double Z, double A, double E,
                  double m)
{
    dy_xsec_request r;
    dy_error err;
    memset(pt, 0, sizeof *pt);
    dy_xsec_request_default(&r);
    r.lepton = lepton;
    r.model = model;
    r.Z = Z;
    r.A = A;
    r.energy = E;
    r.mass = m;
    if (dy_xsec_setup(&r, &pt->p, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_true(r.zero_reason[0] == 0);
}

static void generate(dy_events_point *pts, size_t n, uint64_t seed, uint64_t n_events)
{
    dy_vegas_options o;
    dy_unweight_options u;
    dy_error err;
    dy_vegas_options_default(&o);
    o.seed = seed;
    o.rel_precision = 2e-3;
    if (dy_events_integrate(engine, pts, n, &o, &err) != DY_OK) fail_msg("%s", err.msg);
    dy_unweight_options_default(&u);
    u.seed = seed;
    u.n_events = n_events;
    for (size_t i = 0; i < n; ++i)
        if (dy_events_unweight(engine, &pts[i], &u, &err) != DY_OK) fail_msg("%s", err.msg);
}

static double dot(const double *a, const double *b)
{
    return a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3];
}

/* Four-momentum balance to rounding, masses on shell, ids and statuses as LHEF and G4DarkBreM
 * read them, x inside [m/E0, 1 - m_l/E0]; e and mu beams, all mediators, heavy and light
 * nuclei. */
static void conservation(void **state)
{
    (void)state;
    if (!engine) skip();
    enum { NP = 4, NEV = 2000 };
    dy_events_point pts[NP];
    point(&pts[0], 0, DY_MODEL_DARK_PHOTON, 74, 183.84, 8.0, 0.1);
    point(&pts[1], 1, DY_MODEL_SCALAR, 82, 207.2, 100.0, 1.0);
    point(&pts[2], 0, DY_MODEL_AXIAL, 6, 12.011, 4.0, 0.01);
    point(&pts[3], 1, DY_MODEL_PSEUDOSCALAR, 13, 26.98, 15.0, 0.3);
    generate(pts, NP, 3, NEV);
    for (int k = 0; k < NP; ++k) {
        const double E0 = pts[k].p.par[DY_BREM_P_E0], m = pts[k].p.par[DY_BREM_P_M];
        const double ml = pts[k].p.par[DY_BREM_P_ML];
        assert_true(pts[k].st.efficiency > 0.0 && pts[k].st.efficiency <= 1.0);
        assert_true(pts[k].st.w_max_seen <= pts[k].st.w_max);
        for (uint64_t i = 0; i < NEV; ++i) {
            dy_event ev;
            assert_int_equal(dy_events_get(&pts[k], 3, i, 622, &ev), 0);
            assert_int_equal(ev.n, 5);
            assert_int_equal(ev.part[0].pdg, k % 2 ? 13 : 11);
            assert_int_equal(ev.part[2].pdg, ev.part[0].pdg);
            assert_int_equal(ev.part[4].pdg, 622);
            assert_int_equal(ev.part[1].pdg, ev.part[3].pdg);
            assert_int_equal(ev.part[0].status, -1);
            assert_int_equal(ev.part[1].status, -1);
            for (int j = 2; j < 5; ++j)
                assert_int_equal(ev.part[j].status, 1);
            const double M = ev.part[1].m;
            for (int c = 0; c < 4; ++c) {
                const double in = ev.part[0].p[c] + ev.part[1].p[c];
                const double out = ev.part[2].p[c] + ev.part[3].p[c] + ev.part[4].p[c];
                dy_assert_close(out, in, 1e-12 * (E0 + M), 0.0);
            }
            for (int j = 0; j < 5; ++j) {
                const double *p = ev.part[j].p;
                /* components are sums of terms up to E0 + M: rounding ~ 1e-16 (E0 + M) each */
                dy_assert_close(dot(p, p), ev.part[j].m * ev.part[j].m, 1e-12 * p[0] * (E0 + M),
                                0.0);
                assert_true(p[0] > 0.0);
            }
            const double x = ev.part[4].p[0] / E0;
            assert_true(x >= m / E0 * (1 - 1e-12) && x <= 1.0 - ml / E0 * (1 - 1e-12));
            assert_true(ev.t > 0.0);
        }
        /* the azimuth is uniform: <cos phi_X>, <sin phi_X> vanish within 5 sigma */
        double sc = 0.0, ss = 0.0;
        for (uint64_t i = 0; i < NEV; ++i) {
            dy_event ev;
            dy_events_get(&pts[k], 3, i, 622, &ev);
            const double *q = ev.part[4].p, pt = hypot(q[1], q[2]);
            if (pt > 0.0) {
                sc += q[1] / pt;
                ss += q[2] / pt;
            }
        }
        assert_true(fabs(sc) < 5.0 * sqrt(NEV / 2.0) && fabs(ss) < 5.0 * sqrt(NEV / 2.0));
        dy_events_point_free(&pts[k]);
    }
}

static double obs_of(const dy_event *ev, int k, double E0)
{
    const double *p = k == 0 || k == 1 ? ev->part[4].p : ev->part[2].p;
    if (k == 0) return p[0] / E0;
    if (k == 2) return p[0];
    return atan2(hypot(p[1], p[2]), p[3]);
}

static double pvalue(const dy_hist *h, const double *counts, int *ndof)
{
    return dy_chi2_pvalue(h->content, h->error, counts, h->spec.nbins, ndof);
}

static void histogram(const dy_events_point *pt, uint64_t seed, int k, const dy_histspec *s,
                      double E0, double *counts)
{
    memset(counts, 0, DY_MAX_HBINS * sizeof *counts);
    for (uint64_t i = 0; i < pt->n_events; ++i) {
        dy_event ev;
        dy_events_get(pt, seed, i, 622, &ev);
        double v = obs_of(&ev, k, E0);
        if (s->is_log) v = v > 0.0 ? log10(v) : -1e300;
        const double f = (v - s->lo) / (s->hi - s->lo);
        if (f >= 0.0 && f < 1.0) counts[(int)(f * s->nbins)] += 1.0;
    }
}

/* Distributions: 20000 events of 8 GeV e- on W, m = 0.1 GeV against dsigma/dx, dsigma/dtheta_X,
 * dsigma/dE', dsigma/dtheta' of an independent 4-D run (replica stream); the x and theta_X
 * histograms against a scalar's spectra must fail. */
static void distributions(void **state)
{
    (void)state;
    if (!engine) skip();
    enum { NEV = 20000 };
    dy_events_point pt;
    point(&pt, 0, DY_MODEL_DARK_PHOTON, 74, 183.84, 8.0, 0.1);
    generate(&pt, 1, 11, NEV);
    dy_xsec_request r;
    dy_xsec_request_default(&r);
    r.energy = 8.0;
    dy_params ref[2];
    dy_histspec hs[2 * DY_MAX_OBS];
    dy_hist h[2 * DY_MAX_OBS];
    dy_result res[2];
    const char *names[DY_MAX_OBS], *units[DY_MAX_OBS];
    dy_events_point sc;
    point(&sc, 0, DY_MODEL_SCALAR, 74, 183.84, 8.0, 0.1);
    ref[0] = pt.p;
    ref[0].id = 7; /* a replica: streams independent of the events' */
    ref[1] = sc.p;
    ref[1].id = 7;
    dy_xsec_default_hists(&r, hs, names, units);
    dy_xsec_default_hists(&r, hs + DY_MAX_OBS, names, units);
    dy_proc_brem_set_phi(&ref[0], 1);
    dy_proc_brem_set_phi(&ref[1], 1);
    dy_vegas_options o;
    dy_error err;
    dy_vegas_options_default(&o);
    o.seed = 5;
    o.rel_precision = 1e-3;
    if (dy_integrate(engine, ref, 2, &o, hs, res, h, &err) != DY_OK) fail_msg("%s", err.msg);
    double counts[DY_MAX_HBINS];
    for (int k = 0; k < DY_MAX_OBS; ++k) {
        int dof;
        histogram(&pt, 11, k, &hs[k], 8.0, counts);
        const double p = pvalue(&h[k], counts, &dof);
        print_message("%s: p = %.3g (%d dof)\n", names[k], p, dof);
        assert_true(dof >= 10);
        assert_true(p > 1e-3);
        if (k < 2) { /* the test has power: a scalar's spectrum is rejected */
            const double q = pvalue(&h[DY_MAX_OBS + k], counts, &dof);
            print_message("%s against the scalar's: p = %.3g\n", names[k], q);
            assert_true(q < 1e-6);
        }
    }
    dy_events_point_free(&pt);
}

/* The cross section the events carry: the 4-D integral, the mean weight of the draws and the
 * 3-D (phi-integrated, the `xsec` default) integral agree within 4 sigma. */
static void cross_section(void **state)
{
    (void)state;
    if (!engine) skip();
    dy_events_point pt;
    point(&pt, 1, DY_MODEL_DARK_PHOTON, 74, 183.84, 20.0, 0.2);
    generate(&pt, 1, 2, 2000);
    dy_params p3 = pt.p;
    dy_proc_brem_set_phi(&p3, 0);
    dy_result r3;
    dy_vegas_options o;
    dy_error err;
    dy_vegas_options_default(&o);
    o.seed = 9;
    o.rel_precision = 1e-3;
    if (dy_integrate(engine, &p3, 1, &o, NULL, &r3, NULL, &err) != DY_OK) fail_msg("%s", err.msg);
    dy_assert_close(pt.res.value, r3.value, 4.0 * hypot(pt.res.error, r3.error), 0.0);
    dy_assert_close(pt.st.mean_w, r3.value, 4.0 * hypot(pt.st.mean_w_error, r3.error), 0.0);
    dy_events_point_free(&pt);
}

/* A seed fixes the events bit for bit (a fresh integration and unweighting); another seed gives
 * other events. */
static void reproducible(void **state)
{
    (void)state;
    if (!engine) skip();
    dy_events_point a, b, c;
    point(&a, 0, DY_MODEL_DARK_PHOTON, 82, 207.2, 8.0, 0.05);
    b = a;
    c = a;
    generate(&a, 1, 4, 500);
    generate(&b, 1, 4, 500);
    generate(&c, 1, 5, 500);
    assert_memory_equal(a.map, b.map, DY_MAP_STRIDE * sizeof *a.map);
    assert_memory_equal(a.draws, b.draws, 500 * sizeof *a.draws);
    int same = 0;
    for (int i = 0; i < 500; ++i) {
        dy_event ea, eb, ec;
        dy_events_get(&a, 4, (uint64_t)i, 622, &ea);
        dy_events_get(&b, 4, (uint64_t)i, 622, &eb);
        dy_events_get(&c, 5, (uint64_t)i, 622, &ec);
        assert_memory_equal(&ea, &eb, sizeof ea);
        same += ea.part[4].p[0] == ec.part[4].p[0];
    }
    assert_true(same < 5);
    dy_events_point_free(&a);
    dy_events_point_free(&b);
    dy_events_point_free(&c);
}

/* A bound that is not safe (safety 1, a tiny pilot) is raised and generation restarts: the
 * events then never exceed the final bound. */
static void unsafe_bound_is_raised(void **state)
{
    (void)state;
    if (!engine) skip();
    dy_events_point pt;
    point(&pt, 0, DY_MODEL_DARK_PHOTON, 74, 183.84, 8.0, 0.1);
    dy_vegas_options o;
    dy_unweight_options u;
    dy_error err;
    dy_vegas_options_default(&o);
    o.rel_precision = 1e-2;
    if (dy_events_integrate(engine, &pt, 1, &o, &err) != DY_OK) fail_msg("%s", err.msg);
    dy_unweight_options_default(&u);
    u.n_pilot = 16;
    u.safety = 1.0;
    u.n_events = 5000;
    if (dy_events_unweight(engine, &pt, &u, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_true(pt.st.restarts > 0);
    assert_true(pt.st.w_max > pt.st.w_max_pilot);
    assert_true(pt.st.w_max_seen <= pt.st.w_max);
    dy_events_point_free(&pt);
}

/* A Primakoff point as `darkyield events --process primakoff` sets it up (elastic). */
static void prim_point(dy_events_point *pt, int parity, double Z, double A, double E, double m)
{
    dy_xsec_request r;
    dy_error err;
    memset(pt, 0, sizeof *pt);
    dy_xsec_request_default(&r);
    r.process = DY_XPROC_PRIMAKOFF;
    r.model = DY_MODEL_ALP;
    r.mediator = parity;
    r.inelastic = 0;
    r.Z = Z;
    r.A = A;
    r.energy = E;
    r.mass = m;
    if (dy_xsec_setup(&r, &pt->p, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_true(r.zero_reason[0] == 0);
}

/* obs 1 = theta_a (the ALP's polar angle), obs 2 = t (= 2 M E (1 - x): the energy fraction) */
static double prim_obs(const dy_event *ev, int k)
{
    if (k == 2) return ev->t;
    const double *p = ev->part[2].p;
    return atan2(hypot(p[1], p[2]), p[3]);
}

static void prim_histogram(const dy_events_point *pt, uint64_t seed, int k, const dy_histspec *s,
                           double *counts)
{
    memset(counts, 0, DY_MAX_HBINS * sizeof *counts);
    for (uint64_t i = 0; i < pt->n_events; ++i) {
        dy_event ev;
        assert_int_equal(dy_events_get(pt, seed, i, 9000005, &ev), 0);
        double v = prim_obs(&ev, k);
        if (s->is_log) v = v > 0.0 ? log10(v) : -1e300;
        const double f = (v - s->lo) / (s->hi - s->lo);
        if (f >= 0.0 && f < 1.0) counts[(int)(f * s->nbins)] += 1.0;
    }
}

/* Primakoff: every event balances four-momentum, the ALP and the recoil sit on their mass shells
 * (the recoil's from t = |q|^2 - omega^2 and omega = t/2M, well conditioned), ids and statuses;
 * t and theta_a of 20000 events (8 GeV photons on W, m = 0.1 GeV) against an independent run's
 * dsigma/dt, dsigma/dtheta_a by chi^2; m = 0.13 GeV's spectra rejected; the mean weight equals
 * sigma within 4 sigma; a seed fixes the events. */
static void primakoff(void **state)
{
    (void)state;
    if (!engine) skip();
    enum { NEV = 20000 };
    dy_events_point pts[3];
    prim_point(&pts[0], 0, 74, 183.84, 8.0, 0.1);
    prim_point(&pts[1], 1, 6, 12.011, 2.0, 0.3);
    prim_point(&pts[2], 0, 82, 207.2, 100.0, 0.01);
    generate(pts, 3, 3, NEV);
    for (int k = 0; k < 3; ++k) {
        const double E = pts[k].p.par[DY_PRIM_EG], m = pts[k].p.par[DY_PRIM_MA];
        const double M = pts[k].p.par[DY_PRIM_MN];
        assert_true(pts[k].st.efficiency > 0.0 && pts[k].st.efficiency <= 1.0);
        dy_assert_close(pts[k].st.mean_w, pts[k].res.value,
                        4.0 * hypot(pts[k].st.mean_w_error, pts[k].res.error), 0.0);
        for (uint64_t i = 0; i < (k ? 2000u : (uint64_t)NEV); ++i) {
            dy_event ev;
            assert_int_equal(dy_events_get(&pts[k], 3, i, 9000005, &ev), 0);
            assert_int_equal(ev.n, 4);
            assert_int_equal(ev.part[0].pdg, 22);
            assert_int_equal(ev.part[1].pdg, 1000000000 +
                                                 10000 * (k == 0   ? 74
                                                          : k == 1 ? 6
                                                                   : 82) +
                                                 10 * (k == 0   ? 184
                                                       : k == 1 ? 12
                                                                : 207));
            assert_int_equal(ev.part[3].pdg, ev.part[1].pdg);
            assert_int_equal(ev.part[2].pdg, 9000005);
            assert_int_equal(ev.part[0].status, -1);
            assert_int_equal(ev.part[1].status, -1);
            assert_int_equal(ev.part[2].status, 1);
            assert_int_equal(ev.part[3].status, 1);
            for (int c = 0; c < 4; ++c) {
                const double in = ev.part[0].p[c] + ev.part[1].p[c];
                const double out = ev.part[2].p[c] + ev.part[3].p[c];
                dy_assert_close(out, in, 1e-12 * (E + M), 0.0);
            }
            const double *a = ev.part[2].p, *k0 = ev.part[0].p;
            dy_assert_close(dot(a, a), m * m, 1e-12 * a[0] * a[0], 0.0);
            dy_assert_close(dot(k0, k0), 0.0, 0.0, 0.0);
            /* recoil on shell <=> omega = E - E_a = t/2M and |q|^2 - omega^2 = t */
            const double om = E - a[0], q2 = (k0[1] - a[1]) * (k0[1] - a[1]) +
                                             (k0[2] - a[2]) * (k0[2] - a[2]) +
                                             ev.part[3].p[3] * ev.part[3].p[3];
            assert_true(ev.t >= pts[k].p.par[DY_PRIM_TMIN] * (1 - 1e-12) &&
                        ev.t <= pts[k].p.par[DY_PRIM_THI] * (1 + 1e-12));
            dy_assert_close(om, ev.t / (2.0 * M), 1e-9 * ev.t / M + 1e-15 * E, 0.0);
            dy_assert_close(q2 - om * om, ev.t, 1e-9 * ev.t, 0.0);
        }
    }
    /* distributions against an independent run (replica streams), and against m = 0.13 GeV's */
    dy_xsec_request r;
    dy_xsec_request_default(&r);
    r.process = DY_XPROC_PRIMAKOFF;
    r.energy = 8.0;
    dy_events_point wrong;
    prim_point(&wrong, 0, 74, 183.84, 8.0, 0.13);
    dy_params ref[2] = {pts[0].p, wrong.p};
    ref[0].id = ref[1].id = 7;
    dy_histspec hs[2 * DY_MAX_OBS];
    dy_hist h[2 * DY_MAX_OBS];
    dy_result res[2];
    const char *names[DY_MAX_OBS], *units[DY_MAX_OBS];
    dy_xsec_default_hists(&r, hs, names, units);
    dy_xsec_default_hists(&r, hs + DY_MAX_OBS, names, units);
    dy_vegas_options o;
    dy_error err;
    dy_vegas_options_default(&o);
    o.seed = 5;
    o.rel_precision = 1e-4; /* bin errors are conservative (docs/engine.md, Histograms) */
    if (dy_integrate(engine, ref, 2, &o, hs, res, h, &err) != DY_OK) fail_msg("%s", err.msg);
    double counts[DY_MAX_HBINS];
    for (int k = 1; k <= 2; ++k) {
        int dof;
        prim_histogram(&pts[0], 3, k, &hs[k], counts);
        const double p = pvalue(&h[k], counts, &dof);
        print_message("primakoff %s: p = %.3g (%d dof)\n", names[k], p, dof);
        assert_true(dof >= 10);
        assert_true(p > 1e-3);
        const double q = pvalue(&h[DY_MAX_OBS + k], counts, &dof);
        print_message("primakoff %s against m = 0.13 GeV: p = %.3g\n", names[k], q);
        assert_true(q < 1e-6);
    }
    /* a seed: the same events bit for bit; another seed: others */
    dy_events_point a, b;
    prim_point(&a, 0, 74, 183.84, 8.0, 0.1);
    b = a;
    generate(&a, 1, 3, 500);
    generate(&b, 1, 4, 500);
    int same = 0;
    for (int i = 0; i < 500; ++i) {
        dy_event e0, ea, eb;
        dy_events_get(&pts[0], 3, (uint64_t)i, 9000005, &e0);
        dy_events_get(&a, 3, (uint64_t)i, 9000005, &ea);
        dy_events_get(&b, 4, (uint64_t)i, 9000005, &eb);
        assert_memory_equal(&e0, &ea, sizeof ea);
        same += ea.part[2].p[1] == eb.part[2].p[1];
    }
    assert_true(same < 5);
    for (int k = 0; k < 3; ++k)
        dy_events_point_free(&pts[k]);
    dy_events_point_free(&wrong);
    dy_events_point_free(&a);
    dy_events_point_free(&b);
}

/* Dark Compton gamma e- -> e- A' (8 GeV, m = 0.05 GeV): balance, mass shells (the recoil's as
 * |q|^2 - T^2 = 2 m_e T), x = E_A'/omega against an independent run's dsigma/dx by chi^2. */
static void compton(void **state)
{
    (void)state;
    if (!engine) skip();
    dy_events_point pt;
    dy_xsec_request r;
    dy_error err;
    memset(&pt, 0, sizeof pt);
    dy_xsec_request_default(&r);
    r.process = DY_XPROC_COMPTON;
    r.Z = 1;
    r.A = 1.008;
    r.energy = 8.0;
    r.mass = 0.05;
    if (dy_xsec_setup(&r, &pt.p, &err) != DY_OK) fail_msg("%s", err.msg);
    generate(&pt, 1, 3, 20000);
    const double me = 0.51099895e-3;
    double counts[DY_MAX_HBINS] = {0};
    dy_histspec hs[DY_MAX_OBS];
    dy_hist h[DY_MAX_OBS];
    const char *names[DY_MAX_OBS], *units[DY_MAX_OBS];
    dy_xsec_default_hists(&r, hs, names, units);
    for (uint64_t i = 0; i < 20000; ++i) {
        dy_event ev;
        assert_int_equal(dy_events_get(&pt, 3, i, 622, &ev), 0);
        assert_int_equal(ev.n, 4);
        assert_true(ev.part[0].pdg == 22 && ev.part[1].pdg == 11 && ev.part[2].pdg == 11 &&
                    ev.part[3].pdg == 622);
        for (int c = 0; c < 4; ++c)
            dy_assert_close(ev.part[2].p[c] + ev.part[3].p[c], ev.part[0].p[c] + ev.part[1].p[c],
                            1e-12 * 8.0, 0.0);
        const double *a = ev.part[3].p, *e = ev.part[2].p;
        dy_assert_close(dot(a, a), 0.05 * 0.05, 1e-12 * a[0] * a[0], 0.0);
        const double T = e[0] - me, q2 = e[1] * e[1] + e[2] * e[2] + e[3] * e[3];
        dy_assert_close(q2 - T * T, 2.0 * me * T, 1e-9 * q2 + 1e-13 * 8.0 * 8.0, 0.0);
        const double f = (a[0] / 8.0 - hs[0].lo) / (hs[0].hi - hs[0].lo);
        if (f >= 0.0 && f < 1.0) counts[(int)(f * hs[0].nbins)] += 1.0;
    }
    dy_params ref = pt.p;
    ref.id = 7;
    dy_result res;
    dy_vegas_options o;
    dy_vegas_options_default(&o);
    o.seed = 5;
    o.rel_precision = 1e-3;
    if (dy_integrate(engine, &ref, 1, &o, hs, &res, h, &err) != DY_OK) fail_msg("%s", err.msg);
    int dof;
    const double p = pvalue(&h[0], counts, &dof);
    print_message("compton x: p = %.3g (%d dof)\n", p, dof);
    assert_true(dof >= 10);
    assert_true(p > 1e-3);
    dy_assert_close(pt.st.mean_w, res.value, 4.0 * hypot(pt.st.mean_w_error, res.error), 0.0);
    dy_events_point_free(&pt);
}

/* An annihilation point through dy_xsec_setup (per electron). */
static void ann_point(dy_events_point *pt, int channel, int visible, int kind, double E, double m)
{
    dy_xsec_request r;
    dy_error err;
    memset(pt, 0, sizeof *pt);
    dy_xsec_request_default(&r);
    r.process = DY_XPROC_ANNIHILATION;
    r.Z = 1;
    r.A = 1.008;
    r.channel = channel;
    r.visible = visible;
    r.dm_kind = kind;
    r.energy = E;
    r.mass = m;
    if (dy_xsec_setup(&r, &pt->p, &err) != DY_OK) fail_msg("%s", err.msg);
    assert_true(r.zero_reason[0] == 0);
}

/* Every event: ids, statuses, mothers, the final particles' four-momenta summing to the beams'
 * (the A'* carrying the total, mass sqrt s), mass shells.  Returns the CM cosine of the first
 * final particle (particle 3 of the resonant record, the A' of gamma A') w.r.t. the positron. */
static double ann_check(const dy_event *ev, const dy_params *p, int id3, int id4, double m3,
                        double m4)
{
    const double me = 0.51099895e-3, E = p->par[DY_ANN_EPOS], s = 2 * me * me + 2 * me * E;
    const double in[4] = {E + me, 0.0, 0.0, sqrt(E * E - me * me)};
    const int gam = p->ipar[0] == DY_ANN_CH_GAMMA_AP, a = gam ? 3 : 3, b = gam ? 2 : 4;
    assert_int_equal(ev->n, gam ? 4 : 5);
    assert_true(ev->part[0].pdg == -11 && ev->part[0].status == -1);
    assert_true(ev->part[1].pdg == 11 && ev->part[1].status == -1);
    assert_int_equal(ev->part[a].pdg, id3);
    assert_int_equal(ev->part[b].pdg, id4);
    assert_int_equal(ev->part[a].status, 1);
    assert_int_equal(ev->part[b].status, 1);
    if (!gam) {
        assert_true(ev->part[2].pdg == 622 && ev->part[2].status == 2);
        assert_true(ev->part[3].mother[0] == 3 && ev->part[4].mother[1] == 3);
        dy_assert_close(ev->part[2].m, sqrt(s), 1e-14, 0.0);
        for (int c = 0; c < 4; ++c)
            dy_assert_close(ev->part[2].p[c], in[c], 1e-15 * E, 0.0);
    }
    for (int c = 0; c < 4; ++c) {
        dy_assert_close(ev->part[0].p[c] + ev->part[1].p[c], in[c], 1e-15 * E, 0.0);
        dy_assert_close(ev->part[a].p[c] + ev->part[b].p[c], in[c], 1e-13 * E, 0.0);
    }
    const double *x = ev->part[a].p, *y = ev->part[b].p;
    dy_assert_close(dot(x, x), m3 * m3, 1e-13 * x[0] * x[0], 0.0);
    dy_assert_close(dot(y, y), m4 * m4, 1e-13 * y[0] * y[0] + 1e-300, 0.0);
    dy_assert_close(ev->part[a].m, m3, 1e-15, 0.0);
    /* back to the CM: p*_z = gamma p_z - beta gamma E, |p*| from s */
    const double rs = sqrt(s), g = in[0] / rs, bg = in[3] / rs;
    const double pz = g * x[3] - bg * x[0], pt2 = x[1] * x[1] + x[2] * x[2];
    return pz / sqrt(pz * pz + pt2);
}

/* Annihilation.  Resonant e+ e- -> A'* -> chi chi-bar (Dirac, m = 0.05 GeV, E+ = 2.45 GeV near
 * the peak): the CM angle of chi against dsigma/dcos ~ 1 + 4(m_e^2 + m_chi^2)/s + beta_e^2
 * beta_chi^2 cos^2 (the vector current's traces with the masses kept,
 * docs/physics-annihilation-primakoff.md §2.2; for m_e -> 0 Peskin & Schroeder §5.1) by chi^2, a
 * scalar pair's ~ 1 - beta_e^2 cos^2 rejected; the mean weight against the closed-form sigma.  e+
 * e- -> gamma A' (8 GeV, m = 0.05): the A''s CM angle in y = atanh(beta_e cos) bins against |M|^2
 * of dy_annih_gamma_ap_F (explicit traces; the integrand uses its rewritten form G); the mean
 * weight against the closed-form total.  Visible ee, mumu and inelastic, Majorana, scalar: ids,
 * balance, mass shells. */
static void annihilation(void **state)
{
    (void)state;
    if (!engine) skip();
    const double me = 0.51099895e-3;
    enum { NB = 20, NEV = 20000 };
    dy_events_point pt;
    /* resonant, Dirac */
    ann_point(&pt, 0, 0, DY_DM_DIRAC, 2.45, 0.05);
    generate(&pt, 1, 3, NEV);
    const double s = 2 * me * me + 2 * me * 2.45, mc = 0.05 / 3;
    const double be2 = 1 - 4 * me * me / s, bc2 = 1 - 4 * mc * mc / s;
    double counts[NB] = {0}, vec[NB], sca[NB], zero[NB] = {0};
    for (uint64_t i = 0; i < NEV; ++i) {
        dy_event ev;
        assert_int_equal(dy_events_get(&pt, 3, i, 622, &ev), 0);
        const double c = ann_check(&ev, &pt.p, 52, -52, mc, mc);
        const int b = (int)((c + 1.0) * 0.5 * NB);
        counts[b < 0 ? 0 : b >= NB ? NB - 1 : b] += 1.0;
    }
    const double C0 = 1 + 4 * (me * me + mc * mc) / s, C2 = be2 * bc2;
    for (int b = 0; b < NB; ++b) {
        const double lo = -1.0 + 2.0 * b / NB, hi = lo + 2.0 / NB;
        vec[b] = C0 * (hi - lo) + C2 * (hi * hi * hi - lo * lo * lo) / 3.0;
        sca[b] = (hi - lo) - be2 * (hi * hi * hi - lo * lo * lo) / 3.0;
    }
    int dof;
    double p = dy_chi2_pvalue(vec, zero, counts, NB, &dof),
           pw = dy_chi2_pvalue(sca, zero, counts, NB, &dof);
    print_message("annihilation chi chi cos*: p = %.3g (%d dof); scalar's shape p = %.3g\n", p, dof,
                  pw);
    assert_true(dof == NB - 1);
    assert_true(p > 1e-3);
    assert_true(pw < 1e-6);
    const double sig = pt.p.par[DY_ANN_SIGMA];
    dy_assert_close(pt.st.mean_w, sig, 4.0 * pt.st.mean_w_error, 0.0);
    dy_assert_close(pt.res.value, sig, 4.0 * pt.res.error, 0.0);
    dy_events_point_free(&pt);

    /* gamma A' */
    ann_point(&pt, 1, 0, DY_DM_DIRAC, 8.0, 0.05);
    generate(&pt, 1, 4, NEV);
    const double s8 = 2 * me * me + 2 * me * 8.0, rs = sqrt(s8), M = 0.05;
    const double be = sqrt(1 - 4 * me * me / s8), Y = atanh(be);
    const double w = (s8 - M * M) / (2 * rs), Eb = rs / 2;
    double cg[NB] = {0}, ref[NB];
    for (uint64_t i = 0; i < NEV; ++i) {
        dy_event ev;
        assert_int_equal(dy_events_get(&pt, 4, i, 622, &ev), 0);
        const double c = ann_check(&ev, &pt.p, 622, 22, M, 0.0);
        const double y = atanh(fmin(fmax(be * c, -1.0), 1.0));
        const int b = (int)((y + Y) / (2 * Y) * NB);
        cg[b < 0 ? 0 : b >= NB ? NB - 1 : b] += 1.0;
    }
    /* dsigma/dc ~ F(a, b), a = p_e-.k = w E (1 - beta_e c), b = p_e+.k = w E (1 + beta_e c)
     * (the photon opposite the A'); per bin int F dc/dy dy, dc/dy = sech^2 y / beta_e, Simpson */
    for (int b = 0; b < NB; ++b) {
        const int K = 400;
        const double lo = -Y + 2 * Y * b / NB, h = 2 * Y / NB / K;
        double sum = 0;
        for (int k = 0; k <= K; ++k) {
            const double y = lo + k * h, c = tanh(y) / be, ch = cosh(y);
            const double f =
                dy_annih_gamma_ap_F(s8, M, w * Eb * (1 - be * c), w * Eb * (1 + be * c)) /
                (ch * ch * be);
            sum += f * (k == 0 || k == K ? 1 : k % 2 ? 4 : 2);
        }
        ref[b] = sum * h / 3;
    }
    p = dy_chi2_pvalue(ref, zero, cg, NB, &dof);
    print_message("annihilation gamma A' y*: p = %.3g (%d dof)\n", p, dof);
    assert_true(dof == NB - 1);
    assert_true(p > 1e-3);
    const double sg = dy_annih_sigma_gamma_ap(M, 1.0, 8.0);
    dy_assert_close(pt.st.mean_w, sg, 4.0 * pt.st.mean_w_error, 0.0);
    dy_assert_close(pt.res.value, sg, 4.0 * pt.res.error, 0.0);
    dy_events_point_free(&pt);

    /* the other final states: ids, balance, shells */
    const struct {
        int visible, kind, id3, id4;
        double E, m3;
    } fs[] = {{1, 0, 11, -11, 2.45, me},
              {2, 0, 13, -13, 300.0, 0.1056583755},
              {0, DY_DM_SCALAR, 51, -51, 2.45, 0.05 / 3},
              {0, DY_DM_MAJORANA, 52, 52, 2.45, 0.05 / 3},
              {0, DY_DM_INELASTIC, 52, 58, 2.45, 0.05 / 3}};
    for (size_t k = 0; k < sizeof fs / sizeof fs[0]; ++k) {
        const double m = fs[k].visible == 2 ? 0.5 : 0.05;
        ann_point(&pt, 0, fs[k].visible, fs[k].kind, fs[k].E, m);
        generate(&pt, 1, 5, 500);
        const double m4 = fs[k].kind == DY_DM_INELASTIC ? fs[k].m3 * 1.1 : fs[k].m3;
        for (uint64_t i = 0; i < 500; ++i) {
            dy_event ev;
            assert_int_equal(dy_events_get(&pt, 5, i, 622, &ev), 0);
            ann_check(&ev, &pt.p, fs[k].id3, fs[k].id4, fs[k].m3, m4);
        }
        dy_events_point_free(&pt);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(conservation),
        cmocka_unit_test(distributions),
        cmocka_unit_test(cross_section),
        cmocka_unit_test(reproducible),
        cmocka_unit_test(unsafe_bound_is_raised),
        cmocka_unit_test(primakoff),
        cmocka_unit_test(compton),
        cmocka_unit_test(annihilation),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
