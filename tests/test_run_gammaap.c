/* test_run_gammaap.c — the associated-production channel of `run`, e+ e- -> gamma A' of positrons
 * on atomic electrons ('annihilation-gamma').  A thin target (100 um diamond, 8e-4 X0, PADME's)
 * gives N = n_e L sigma(E0) up to Tsai's straggling correction to first order in bt (as
 * test_run_positron checks the resonant channel), with sigma(E0) from the xsec API's Monte Carlo
 * (`darkyield xsec --process annihilation --channel gamma`); N(E_A' > cut) the same with sigma
 * above the cut from an independent quadrature of the kernel's |M|^2 in the CM angle; the
 * spectrum integrates to N_total (the top bin takes E_A' up to E0 + m_e); the channel is named in
 * the HDF5 groups and root attributes and the CSV rows and conventions; bad options are config
 * errors naming the line. */
#include <hdf5.h>
#include <math.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <stdio.h>
#include <string.h>
#include "darkyield/dy.h"
#include "dy_process_table.h"
#include "dy_test.h"
#include "dy_test_cli.h"
#include "io/config.h"
#include "jobs/run.h"
#include "physics/materials.h"
#include "physics/tracklength.h"

static char out[1 << 16];

#define E0   0.55  /* GeV: PADME's design beam energy */
#define L_CM 0.01  /* 100 um */
#define W0   0.002 /* annihilation.photon_min_GeV */
#define CUT  0.3   /* cuts.energy_min_GeV */
#define NM   2

static const double masses[NM] = {0.005, 0.017};

static const char *cfg = "name: rg\nseed: 5\nprecision: %g\n"
                         "beam: {particle: e+, energy_GeV: 0.55}\n"
                         "target: {material: diamond, thickness_cm: 0.01}\n"
                         "model: {mediator: vector, coupling: 1.0e-3}\n"
                         "processes: [%s]\n"
                         "annihilation: {photon_min_GeV: %s}\n"
                         "masses_GeV: [0.005, 0.017]\n"
                         "energy_bins: {min_GeV: 0, max_GeV: 0.55, n: 11}\n"
                         "cuts: {energy_min_GeV: 0.3}\nquadrature: {nodes: 17}\n"
                         "output: {dir: %s, formats: [hdf5, csv], plots: false}\n";

static void run(const char *text, dy_yield_grid *g)
{
    dy_config c;
    dy_error err;
    dy_engine *e;
    if (dy_config_parse(text, strlen(text), "test_run_gammaap.yaml", &c, &err) != DY_OK)
        fail_msg("%s", err.msg);
    if (dy_engine_open("cpu", &e, &err) != DY_OK) fail_msg("%s", err.msg);
    if (dy_run_grid(&c, e, 0, g, &err) != DY_OK) fail_msg("%s", err.msg);
    dy_engine_close(e);
    dy_config_free(&c);
}

/* the run's first positron energy: the photon's CM energy (s - m^2)/(2 sqrt s) = W0 */
static double e_start(double m)
{
    const double rs = W0 + sqrt(W0 * W0 + m * m);
    return (rs * rs - 2.0 * DY_M_E * DY_M_E) / (2.0 * DY_M_E);
}

typedef struct sctx {
    double m, cut; /* cut > 0: only E_A' > cut */
    gsl_integration_workspace *w;
} sctx;

static double kernel_u(double u, void *vp)
{
    const dy_params *p = vp;
    double obs[4];
    return dy_proc_annihilation_eval(p, &u, obs, 2);
}

/* sigma(E+ > e_start) per electron, pb: the closed form, or above the cut the kernel's |M|^2 in
 * u (y = Y (2u - 1), cos theta* = tanh(y)/beta_e) from the u where E_A' = cut, by GSL */
static double sigma(sctx *c, double E)
{
    if (E < e_start(c->m)) return 0.0;
    if (!(c->cut > 0.0)) return dy_annih_sigma_gamma_ap(c->m, 1.0, E);
    dy_params p;
    dy_annih_config ac;
    dy_annih_config_default(&ac);
    ac.channel = DY_ANN_CH_GAMMA_AP;
    ac.m_ap = c->m;
    ac.e_pos = E;
    if (dy_proc_annihilation_setup(&p, &ac) != DY_ANN_OK) return 0.0;
    const double *q = p.par;
    const double cc = (c->cut - q[DY_ANN_GBOOST] * q[DY_ANN_ESTAR]) /
                      (q[DY_ANN_BGBOOST] * q[DY_ANN_QSTAR]); /* E_A' linear in cos theta* */
    if (cc >= 1.0) return 0.0;
    double u0 = 0.0;
    if (cc > -1.0) u0 = 0.5 * (atanh(q[DY_ANN_BETAE] * cc) / q[DY_ANN_Y] + 1.0);
    gsl_function F = {kernel_u, &p};
    double r, ae;
    const int st =
        gsl_integration_qag(&F, u0, 1.0, 0.0, 1e-9, 1000, GSL_INTEG_GAUSS61, c->w, &r, &ae);
    if (st && st != GSL_EROUND) fail_msg("sigma above the cut: %s", gsl_strerror(st));
    return r;
}

typedef struct cctx {
    sctx *s;
    double s0;
} cctx;

static double c_f(double y, void *vp)
{
    cctx *c = vp;
    return (1.0 - y + 0.75 * y * y) * (sigma(c->s, E0 * (1.0 - y)) / c->s0 - 1.0) / y;
}

/* C = int_0^1 dy (1 - y + 3y^2/4)(sigma(E0 (1 - y))/sigma(E0) - 1)/y: the thin target's N is
 * n_e L sigma(E0) (1 + (bt/2) C) to first order in bt (Tsai's straggling averaged over depth,
 * as test_run_positron) */
static double first_order_C(double m, double cut)
{
    gsl_integration_workspace *w = gsl_integration_workspace_alloc(1000);
    sctx s = {m, cut, gsl_integration_workspace_alloc(1000)};
    cctx c = {&s, sigma(&s, E0)};
    gsl_function F = {c_f, &c};
    double pts[3] = {0.0, 1.0 - e_start(m) / E0, 1.0}, r, e;
    const int st = gsl_integration_qagp(&F, pts, 3, 0.0, 1e-7, 1000, w, &r, &e);
    if (st && st != GSL_EROUND) fail_msg("C: %s", gsl_strerror(st));
    gsl_integration_workspace_free(w);
    gsl_integration_workspace_free(s.w);
    return r;
}

static double sigma_at(double m, double E, double cut)
{
    sctx s = {m, cut, gsl_integration_workspace_alloc(1000)};
    const double v = sigma(&s, E);
    gsl_integration_workspace_free(s.w);
    return v;
}

static void thin_target_is_ne_L_sigma(void **state)
{
    (void)state;
    char text[1024];
    snprintf(text, sizeof text, cfg, 0.003, "annihilation-gamma", "0.002", "unused");
    dy_yield_grid g;
    run(text, &g);
    assert_int_equal(g.n_channels, 1);
    assert_string_equal(g.ch[0].name, "annihilation-gamma");
    dy_material dia;
    dy_error err;
    if (dy_material_lookup("diamond", &dia, &err) != DY_OK) fail_msg("%s", err.msg);
    const double bt = dia.b_tsai * L_CM / dia.X0_cm;
    /* sigma(E0) as `darkyield xsec --process annihilation --channel gamma` computes it (MC) */
    dy_engine *e;
    if (dy_engine_open("cpu", &e, &err) != DY_OK) fail_msg("%s", err.msg);
    dy_xsec_spec sp;
    dy_xsec_spec_default(&sp);
    sp.process = "annihilation";
    sp.channel = "gamma";
    sp.precision = 1e-3;
    double En[NM] = {E0, E0};
    dy_xsec_value xs[NM];
    if (dy_xsec_compute(e, &sp, NM, En, masses, xs, &err) != DY_OK) fail_msg("%s", err.msg);
    dy_engine_close(e);
    const dy_yield_channel *a = &g.ch[0];
    for (int m = 0; m < NM; ++m) {
        const double M = masses[m];
        assert_true(isfinite(a->N_total[m]) && a->N_total[m] > 0.0);
        assert_true(a->N_total_err[m] > 0.0 && a->N_total_err[m] < 0.01 * a->N_total[m]);
        assert_true(a->N_above[m] > 0.0 && a->N_above[m] < a->N_total[m]);
        const double k = dia.n_e * L_CM * 1e-6 * DY_PB_TO_CM2; /* eps^2 = 1e-6 */
        const double C = first_order_C(M, 0.0), Ca = first_order_C(M, CUT);
        const double ref = k * xs[m].value * (1.0 + 0.5 * bt * C);
        const double eref = k * xs[m].error * (1.0 + 0.5 * bt * C);
        const double s = sqrt(a->N_total_err[m] * a->N_total_err[m] + eref * eref);
        printf("m = %g: N = %.7g +- %.2g, n_e L sigma(E0) (1 + bt C/2) = %.7g +- %.2g (bt = "
               "%.3g, C = %.3g): %.2f sigma\n",
               M, a->N_total[m], a->N_total_err[m], ref, eref, bt, C, (a->N_total[m] - ref) / s);
        /* the straggling's higher orders: (bt)^2 |C| */
        dy_assert_close(a->N_total[m], ref, 4.0 * s, bt * bt * (1.0 + fabs(C)));
        const double refa = k * sigma_at(M, E0, CUT) * (1.0 + 0.5 * bt * Ca);
        printf("m = %g: N(E_A' > %g) = %.7g +- %.2g, quadrature %.7g (C = %.3g): %.2f sigma\n", M,
               CUT, a->N_above[m], a->N_above_err[m], refa, Ca,
               (a->N_above[m] - refa) / a->N_above_err[m]);
        dy_assert_close(a->N_above[m], refa, 4.0 * a->N_above_err[m],
                        bt * bt * (1.0 + fabs(Ca)) + 1e-7);
        /* the spectrum holds the whole yield: the top bin ends at E0 and takes E_A' up to
         * E0 + m_e */
        double sum = 0.0;
        for (int b = 0; b < g.n_ebins; ++b) {
            const double d = a->dNdE[dy_yield_grid_index(&g, m, b)];
            assert_true(isfinite(d) && d >= 0.0);
            sum += d * (g.ebin_edges_GeV[b + 1] - g.ebin_edges_GeV[b]);
        }
        dy_assert_close(sum, a->N_total[m], 4.0 * a->N_total_err[m], 0.0);
    }
    dy_yield_grid_free(&g);
}

/* geometry: the angle bins and the depth bins of each dN/dE bin sum to it; the A' of a 550 MeV
 * positron is within tan theta_max = b_s / (gamma sqrt(b_cm^2 - b_s^2)) of the beam (2 -> 2 with
 * the A' CM velocity b_s below the CM's b_cm: 0.0146 rad at 17 MeV), so only the degraded
 * positrons (~1e-3) reach beyond twice that */
static void angles_and_depths(void **state)
{
    (void)state;
    char text[1200];
    snprintf(text, sizeof text, cfg, 0.01, "annihilation-gamma", "0.002", "unused");
    strcat(text, "geometry: {theta_bins: 12, theta_min_rad: 1.0e-4, theta_max_rad: 0.3, "
                 "depth_bins: 2}\n");
    dy_yield_grid g;
    run(text, &g);
    const dy_yield_channel *a = &g.ch[0];
    const int NT = g.n_tbins, ND = g.n_dbins, NB = g.n_ebins;
    assert_int_equal(NT, 12);
    const double M = masses[1], s = dy_annih_s(E0), rs = sqrt(s);
    const double bs = (s - M * M) / (s + M * M), gm = (E0 + DY_M_E) / rs;
    const double bc = sqrt(1.0 - 1.0 / (gm * gm)), tmax = bs / (gm * sqrt(bc * bc - bs * bs));
    double far = 0.0, near = 0.0, all = 0.0;
    for (int b = 0; b < NB; ++b) {
        const int i = dy_yield_grid_index(&g, 1, b);
        double st = 0.0, sd = 0.0;
        for (int t = 0; t < NT; ++t) {
            const double v = a->dNdE_theta[(size_t)i * NT + t];
            st += v;
            if (g.theta_edges_rad[t] > 2.0 * tmax) far += v;
            if (g.theta_edges_rad[t] > 0.25 * tmax) near += v;
        }
        for (int d = 0; d < ND; ++d)
            sd += a->dNdE_depth[((size_t)1 * ND + d) * NB + b];
        dy_assert_close(st, a->dNdE[i], 0.0, 1e-9);
        dy_assert_close(sd, a->dNdE[i], 0.0, 1e-6);
        all += a->dNdE[i];
    }
    printf("theta_max = %.4g rad; share of dN/dE beyond 2 theta_max: %.3g, beyond theta_max/4: "
           "%.3g\n",
           tmax, far / all, near / all);
    assert_true(all > 0.0 && far < 3e-3 * all);
    /* the share above that edge from the kernel's own lab angle (obs[2], atan2 of its boosted
     * momentum) at E0, by a 2e4-point midpoint sum in u: the run puts each E_X bin (1/200 of the
     * range) at its centre's angle, and 1e-3 of the positrons are degraded: 0.02 */
    dy_params p;
    dy_annih_config ac;
    dy_annih_config_default(&ac);
    ac.channel = DY_ANN_CH_GAMMA_AP;
    ac.m_ap = M;
    ac.e_pos = E0;
    assert_int_equal(dy_proc_annihilation_setup(&p, &ac), DY_ANN_OK);
    int k = 0;
    while (!(g.theta_edges_rad[k] > 0.25 * tmax))
        ++k;
    double up = 0.0, tot = 0.0;
    for (int i = 0; i < 20000; ++i) {
        const double u = (i + 0.5) / 20000.0;
        double obs[4];
        const double f = dy_proc_annihilation_eval(&p, &u, obs, 3);
        tot += f;
        if (obs[2] > g.theta_edges_rad[k]) up += f;
    }
    printf("share above %.3g rad: run %.4f, kernel %.4f\n", g.theta_edges_rad[k], near / all,
           up / tot);
    dy_assert_close(near / all, up / tot, 0.02, 0.0);
    dy_yield_grid_free(&g);
}

/* A thick target (e- beam, shower positrons): N_total equals an independent GSL fold
 * n_e int_{E_start}^{E0} dE T+(E) sigma(E) of the closed form on the run's own track length, and
 * the result is stable from 17 to 25 nodes within the quoted errors (MC + folding). */
typedef struct tctx {
    const dy_tracklength *T;
    double m;
} tctx;

static double thick_f(double lnE, void *vp)
{
    const tctx *t = vp;
    const double E = exp(lnE);
    return E * dy_tracklength_eval(t->T, E) * dy_annih_sigma_gamma_ap(t->m, 1.0, E);
}

static void thick_target_hand_fold(void **state)
{
    (void)state;
    static const char *tc = "name: rgt\nseed: 7\nprecision: 0.003\n"
                            "beam: {particle: e-, energy_GeV: 1}\n"
                            "target: {material: W, thickness_X0: 10}\n"
                            "model: {mediator: vector}\nprocesses: [annihilation-gamma]\n"
                            "annihilation: {photon_min_GeV: 0.002}\n"
                            "masses_GeV: [0.005, 0.02]\n"
                            "energy_bins: {min_GeV: 0, max_GeV: 1, n: 10}\n"
                            "quadrature: {nodes: %d}\n"
                            "output: {dir: unused, formats: [csv], plots: false}\n";
    dy_yield_grid g[2];
    const int K[2] = {17, 25};
    for (int i = 0; i < 2; ++i) {
        char text[1024];
        snprintf(text, sizeof text, tc, K[i]);
        run(text, &g[i]);
    }
    dy_material w;
    dy_tracklength T;
    dy_error err;
    dy_shower_opts o;
    dy_shower_opts_default(&o);
    o.approx_b = 1; /* as the run builds it */
    if (dy_material_lookup("W", &w, &err) != DY_OK ||
        dy_tracklength_init_shower(&T, &w, 1.0, 10 * w.X0_cm, DY_PARTICLE_ELECTRON,
                                   DY_PARTICLE_POSITRON, &o, &err) != DY_OK)
        fail_msg("%s", err.msg);
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
    for (int m = 0; m < 2; ++m) {
        tctx t = {&T, masses[0] + m * (0.02 - masses[0])};
        gsl_function F = {thick_f, &t};
        double r, ae;
        const int st =
            gsl_integration_qags(&F, log(e_start(t.m)), log(1.0), 0.0, 1e-8, 1000, ws, &r, &ae);
        if (st && st != GSL_EROUND) fail_msg("hand fold: %s", gsl_strerror(st));
        const double hand = w.n_e * r * DY_PB_TO_CM2;
        for (int i = 0; i < 2; ++i) {
            const dy_yield_channel *a = &g[i].ch[0];
            printf("thick W, K = %d, m = %g: N = %.7g +- %.2g, hand fold %.7g (%.2f sigma)\n", K[i],
                   t.m, a->N_total[m], a->N_total_err[m], hand,
                   (a->N_total[m] - hand) / a->N_total_err[m]);
            dy_assert_close(a->N_total[m], hand, 4.0 * a->N_total_err[m], 1e-6);
        }
        const dy_yield_channel *a = &g[0].ch[0], *b = &g[1].ch[0];
        dy_assert_close(a->N_total[m], b->N_total[m],
                        4.0 * hypot(a->N_total_err[m], b->N_total_err[m]), 0.0);
    }
    gsl_integration_workspace_free(ws);
    dy_tracklength_free(&T);
    for (int i = 0; i < 2; ++i)
        dy_yield_grid_free(&g[i]);
}

static void h5_string(const char *file, const char *attr, char *buf, size_t n)
{
    hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t a = H5Aopen(f, attr, H5P_DEFAULT);
    if (a < 0) fail_msg("%s: no attribute %s", file, attr);
    hid_t t = H5Aget_type(a);
    char *s = NULL;
    assert_true(H5Aread(a, t, &s) >= 0);
    snprintf(buf, n, "%s", s);
    H5free_memory(s);
    H5Tclose(t);
    H5Aclose(a);
    H5Fclose(f);
}

/* Through the CLI with the resonant channel beside it: both named in the HDF5 groups, the root
 * attributes and the CSV rows, each with its own conventions. */
static void named_in_outputs(void **state)
{
    (void)state;
    char dir[512], path[600], text[1024], args[1200], buf[8192];
    snprintf(dir, sizeof dir, "%s/test_run_gammaap", DY_BINARY_DIR);
    snprintf(path, sizeof path, "%s/test_run_gammaap.yaml", DY_BINARY_DIR);
    snprintf(text, sizeof text, cfg, 0.02, "annihilation, annihilation-gamma", "0.002", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    snprintf(args, sizeof args, "run %s --backend cpu --fresh", path);
    if (dy_run_cli(args, out, sizeof out) != 0) fail_msg("run failed:\n%s", out);
    snprintf(path, sizeof path, "%s/rg.h5", dir);
    hid_t h = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(h >= 0);
    assert_true(H5Lexists(h, "/annihilation-gamma", H5P_DEFAULT) > 0);
    assert_true(H5Lexists(h, "/annihilation-gamma/N_total", H5P_DEFAULT) > 0);
    assert_true(H5Lexists(h, "/annihilation-gamma/dNdE", H5P_DEFAULT) > 0);
    assert_true(H5Lexists(h, "/annihilation", H5P_DEFAULT) > 0);
    H5Fclose(h);
    h5_string(path, "channels", buf, sizeof buf);
    assert_string_equal(buf, "annihilation,annihilation-gamma");
    h5_string(path, "conventions", buf, sizeof buf);
    assert_non_null(strstr(buf, "annihilation-gamma: exact tree-level e+ e- -> gamma A'"));
    assert_non_null(strstr(buf, "annihilation: e+ e- -> A' -> chi chi"));
    snprintf(path, sizeof path, "%s/rg_integrated.csv", dir);
    f = fopen(path, "r");
    assert_non_null(f);
    char line[4096];
    int rows = 0, conv = 0;
    while (fgets(line, sizeof line, f)) {
        rows += !strncmp(line, "annihilation-gamma,", 19);
        conv |= line[0] == '#' && strstr(line, "photon_min_GeV") != NULL;
    }
    fclose(f);
    assert_int_equal(rows, NM);
    assert_true(conv);
    /* the resonant channel alone: no such channel, no such conventions */
    dy_yield_grid g;
    snprintf(text, sizeof text, cfg, 0.02, "annihilation", "0.002", "unused");
    char *pm = strstr(text, "annihilation: {photon_min_GeV");
    assert_non_null(pm);
    memcpy(pm, "#", 1); /* the option without the process is an error: comment it out */
    run(text, &g);
    assert_int_equal(g.n_channels, 1);
    assert_string_equal(g.ch[0].name, "annihilation");
    dy_yield_grid_free(&g);
}

/* config errors: file and line, the option named */
static void expect_error(const char *text, const char *line, const char *what)
{
    dy_config c;
    dy_error err;
    if (dy_config_parse(text, strlen(text), "x.yaml", &c, &err) == DY_OK) {
        dy_config_free(&c);
        fail_msg("accepted:\n%s", text);
    }
    printf("%s\n", err.msg);
    if (!strstr(err.msg, line)) fail_msg("'%s' not in '%s'", line, err.msg);
    if (!strstr(err.msg, what)) fail_msg("'%s' not in '%s'", what, err.msg);
}

static void bad_options(void **state)
{
    (void)state;
    char text[1024];
    snprintf(text, sizeof text, cfg, 0.02, "annihilation-gamma", "-0.001", "unused");
    expect_error(text, "x.yaml:8", "photon_min_GeV");
    snprintf(text, sizeof text, cfg, 0.02, "annihilation-gamma", "0.6", "unused");
    expect_error(text, "x.yaml:8", "below the beam energy");
    snprintf(text, sizeof text, cfg, 0.02, "annihilation-gamma", "soft", "unused");
    expect_error(text, "x.yaml:8", "photon_min_GeV");
    /* the option without the process */
    snprintf(text, sizeof text, cfg, 0.02, "brem", "0.002", "unused");
    expect_error(text, "x.yaml:8", "applies to process 'annihilation-gamma' only");
    /* the process without the option */
    snprintf(text, sizeof text, cfg, 0.02, "annihilation-gamma", "0.002", "unused");
    char *pm = strstr(text, "annihilation: {photon_min_GeV");
    memcpy(pm, "#", 1);
    expect_error(text, "x.yaml:7", "needs 'annihilation.photon_min_GeV'");
    /* with the resonant channel's ISR: the hard-photon tail twice */
    snprintf(text, sizeof text, cfg, 0.02, "annihilation, annihilation-gamma", "0.002, isr: on",
             "unused");
    expect_error(text, "x.yaml:8", "counts the hard-photon tail twice");
    /* a scalar mediator */
    snprintf(text, sizeof text, cfg, 0.02, "annihilation-gamma", "0.002", "unused");
    char *md = strstr(text, "mediator: vector");
    memcpy(md, "mediator: scalar", 16);
    expect_error(text, "x.yaml:7", "annihilation-gamma");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(thin_target_is_ne_L_sigma), cmocka_unit_test(thick_target_hand_fold),
        cmocka_unit_test(angles_and_depths), cmocka_unit_test(named_in_outputs),
        cmocka_unit_test(bad_options)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
