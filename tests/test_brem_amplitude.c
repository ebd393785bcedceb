/* test_brem_amplitude.c — brute-force check of the closed-form bremsstrahlung amplitudes
 * (kernels/physics/dy_me_brem.h): explicit 4x4 Dirac matrices in long double complex, traces summed
 * over explicit polarisation vectors, against the closed forms at random physical points; Ward
 * identities; exact kinematics (kernels/physics/dy_brem_kinematics.h) against a long-double
 * rebuild; the phi-integrated <A^2>_phi against a quadrature in phi of the 4-D A^2. */
#include <complex.h>
#include <stdio.h>
#include <stdlib.h>
#include "dy_test.h"
#include "physics/dy_brem_kinematics.h"
#include "physics/dy_constants.h"
#include "physics/dy_me_brem.h"

typedef long double complex lc;
typedef struct mat4 {
    lc a[4][4];
} mat4;

static mat4 G[4], G5, ONE;

static mat4 mzero(void)
{
    mat4 r;
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j)
            r.a[i][j] = 0;
    return r;
}
static mat4 mmul(mat4 x, mat4 y)
{
    mat4 r = mzero();
    for (int i = 0; i < 4; ++i)
        for (int k = 0; k < 4; ++k)
            for (int j = 0; j < 4; ++j)
                r.a[i][j] += x.a[i][k] * y.a[k][j];
    return r;
}
static mat4 madd(mat4 x, mat4 y, lc cy)
{
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j)
            x.a[i][j] += cy * y.a[i][j];
    return x;
}
static lc mtrace(mat4 x)
{
    return x.a[0][0] + x.a[1][1] + x.a[2][2] + x.a[3][3];
}
/* Dirac bar: gamma0 X^dagger gamma0 */
static mat4 mbar(mat4 x)
{
    mat4 h;
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j)
            h.a[i][j] = conjl(x.a[j][i]);
    return mmul(mmul(G[0], h), G[0]);
}
static mat4 slash(const long double *v)
{
    mat4 r = mzero();
    r = madd(r, G[0], v[0]);
    for (int i = 1; i < 4; ++i)
        r = madd(r, G[i], -v[i]);
    return r;
}
static void init_dirac(void)
{
    /* Dirac representation */
    const lc sig[3][2][2] = {{{0, 1}, {1, 0}}, {{0, -I}, {I, 0}}, {{1, 0}, {0, -1}}};
    for (int mu = 0; mu < 4; ++mu)
        G[mu] = mzero();
    G5 = mzero();
    ONE = mzero();
    for (int i = 0; i < 4; ++i)
        ONE.a[i][i] = 1;
    G[0].a[0][0] = G[0].a[1][1] = 1;
    G[0].a[2][2] = G[0].a[3][3] = -1;
    for (int k = 0; k < 3; ++k)
        for (int i = 0; i < 2; ++i)
            for (int j = 0; j < 2; ++j) {
                G[k + 1].a[i][j + 2] = sig[k][i][j];
                G[k + 1].a[i + 2][j] = -sig[k][i][j];
            }
    for (int i = 0; i < 2; ++i)
        G5.a[i][i + 2] = G5.a[i + 2][i] = 1;
}

/* A long-double phase-space point built independently of dy_brem_kinematics.h. */
typedef struct ldpt {
    long double ml, m, M, E0, p[4], pp[4], k[4], Pi[4], Pf[4];
} ldpt;

static long double ldot(const long double *a, const long double *b)
{
    return a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3];
}

/* p along z, k at polar angle th in the x-z plane, q fixed by t (on-shell p') and azimuth phi
 * around V = p - k.  Returns the cosine of the q-V angle (|c| <= 1 inside phase space). */
static long double build_ld(ldpt *P, long double E0, long double ml, long double m, long double M,
                            long double x, long double th, long double t, long double phi)
{
    long double pl = sqrtl(E0 * E0 - ml * ml), Ek = x * E0, kk = sqrtl(Ek * Ek - m * m);
    long double V[3] = {-kk * sinl(th), 0, pl - kk * cosl(th)}, Vm, eV[3], e1[3], q[4];
    long double EV = E0 - Ek, q0 = -t / (2 * M), qq = sqrtl(t + q0 * q0), c, sn;
    Vm = sqrtl(V[0] * V[0] + V[2] * V[2]);
    for (int i = 0; i < 3; ++i)
        eV[i] = V[i] / Vm;
    e1[0] = eV[2];
    e1[1] = 0;
    e1[2] = -eV[0];
    /* |p'|^2 = (E_V + q0)^2 - ml^2 = V^2 + q^2 + 2 V q c */
    c = ((EV + q0) * (EV + q0) - ml * ml - Vm * Vm - qq * qq) / (2 * Vm * qq);
    sn = sqrtl(fabsl(1 - c * c));
    q[0] = q0;
    for (int i = 0; i < 3; ++i)
        q[i + 1] = qq * (c * eV[i] + sn * cosl(phi) * e1[i]);
    q[2] += qq * sn * sinl(phi);
    P->ml = ml;
    P->m = m;
    P->M = M;
    P->E0 = E0;
    P->p[0] = E0;
    P->p[1] = P->p[2] = 0;
    P->p[3] = pl;
    P->k[0] = Ek;
    P->k[1] = kk * sinl(th);
    P->k[2] = 0;
    P->k[3] = kk * cosl(th);
    P->Pi[0] = M;
    P->Pi[1] = P->Pi[2] = P->Pi[3] = 0;
    for (int i = 0; i < 4; ++i) {
        P->Pf[i] = P->Pi[i] - q[i];
        P->pp[i] = P->p[i] - P->k[i] + q[i];
    }
    return c;
}

/* (1/2) Tr[(p'+ml) Gam (p+ml) Gambar] for Gam = vtx S1 Pslash + Pslash S2 vtx. */
static long double half_trace(const ldpt *P, mat4 vtx, long double st, long double ut)
{
    long double Psum[4], l1[4], l2[4];
    for (int i = 0; i < 4; ++i) {
        Psum[i] = P->Pi[i] + P->Pf[i];
        l1[i] = P->pp[i] + P->k[i];
        l2[i] = P->p[i] - P->k[i];
    }
    mat4 Ps = slash(Psum);
    mat4 S1 = madd(slash(l1), ONE, P->ml), S2 = madd(slash(l2), ONE, P->ml);
    mat4 g = madd(mmul(mmul(vtx, S1), Ps), mmul(mmul(Ps, S2), vtx), st / ut);
    /* g = st * Gam; divide at the end */
    mat4 a = madd(slash(P->pp), ONE, P->ml), b = madd(slash(P->p), ONE, P->ml);
    lc tr = mtrace(mmul(mmul(mmul(a, g), b), mbar(g)));
    return 0.5L * creall(tr) / (st * st);
}

/* Three real polarisation vectors of a massive boson of momentum k (k in the x-z plane). */
static void polvecs(const ldpt *P, long double e[3][4])
{
    long double kk = sqrtl(P->k[1] * P->k[1] + P->k[3] * P->k[3]);
    long double n[3] = {P->k[1] / kk, 0, P->k[3] / kk};
    e[0][0] = 0;
    e[0][1] = n[2];
    e[0][2] = 0;
    e[0][3] = -n[0];
    e[1][0] = 0;
    e[1][1] = 0;
    e[1][2] = 1;
    e[1][3] = 0;
    e[2][0] = kk / P->m;
    for (int i = 0; i < 3; ++i)
        e[2][i + 1] = P->k[0] / P->m * n[i];
}

static long double brute(const ldpt *P, int med, long double st, long double ut)
{
    long double e[3][4], r = 0;
    if (med == DY_BREM_S) return half_trace(P, ONE, st, ut);
    if (med == DY_BREM_P) return half_trace(P, G5, st, ut);
    polvecs(P, e);
    for (int l = 0; l < 3; ++l) {
        mat4 v = slash(e[l]);
        if (med == DY_BREM_A) v = mmul(v, G5);
        r += half_trace(P, v, st, ut);
    }
    return r;
}

static dy_brem_inv inv_from_ld(const ldpt *P, long double *st, long double *ut)
{
    long double Psum[4], t;
    dy_brem_inv iv;
    for (int i = 0; i < 4; ++i)
        Psum[i] = P->Pi[i] + P->Pf[i];
    *st = P->m * P->m + 2 * ldot(P->pp, P->k);
    *ut = P->m * P->m - 2 * ldot(P->p, P->k);
    t = 2 * P->M * (P->Pf[0] - P->M);
    iv.s = (double)*st;
    iv.u = (double)*ut;
    iv.spu = (double)(*st + *ut);
    iv.t = (double)t;
    iv.P2 = (double)ldot(Psum, Psum);
    iv.Pp = (double)ldot(Psum, P->p);
    iv.Ppp = (double)ldot(Psum, P->pp);
    iv.Pk = (double)ldot(Psum, P->k);
    iv.m2 = (double)(P->m * P->m);
    iv.ml2 = (double)(P->ml * P->ml);
    return iv;
}

static double urand(unsigned *s)
{
    *s = *s * 1664525u + 1013904223u;
    return ((*s >> 8) + 0.5) / 16777216.0;
}

/* A random physical point at moderate t (round-off of the brute force below 1e-12). */
static int random_point(unsigned *seed, double ml, ldpt *P, dy_brem_kin *K)
{
    for (int tries = 0; tries < 1000; ++tries) {
        double E0 = 2.0 + 30.0 * urand(seed);
        double m = 0.02 + 0.8 * urand(seed);
        double M = (4.0 + 200.0 * urand(seed)) * DY_AMU_GEV;
        double x = 0.1 + 0.8 * urand(seed);
        double th = 0.01 + 0.4 * urand(seed);
        double omc = 2.0 * sin(0.5 * th) * sin(0.5 * th);
        if (x * E0 <= m * 1.01) continue;
        if (!dy_brem_kin_angle(K, E0, ml, m, M, x, omc)) continue;
        double lo = fmax(K->tmin, 1e-3), hi = fmin(K->tmax, 0.3);
        if (hi <= lo * 1.1) continue;
        double t = lo * pow(hi / lo, urand(seed));
        double phi = 6.283185307179586 * urand(seed);
        if (!dy_brem_kin_t(K, t, phi)) continue;
        long double c = build_ld(P, E0, ml, m, M, x, th, t, phi);
        if (fabsl(c) > 1) continue;
        return 1;
    }
    return 0;
}

static void check_mediator(int med, double ml, double tol)
{
    unsigned seed = 12345u + 17u * (unsigned)med + (ml > 0.01 ? 1000u : 0u);
    double worst = 0;
    for (int n = 0; n < 24; ++n) {
        ldpt P;
        dy_brem_kin K;
        long double st, ut;
        assert_true(random_point(&seed, ml, &P, &K));
        dy_brem_inv iv = inv_from_ld(&P, &st, &ut);
        long double bf = brute(&P, med, st, ut);
        double cf = dy_me_brem_a2(&iv, med);
        double rel = fabs((double)(cf - bf)) / fabs((double)bf);
        if (rel > worst) worst = rel;
        dy_assert_close(cf, (double)bf, 0.0, tol);
    }
    printf("    mediator %d, m_l = %.4g: worst relative difference %.2e over 24 points\n", med, ml,
           worst);
}

static void test_vector_e(void **st)
{
    (void)st;
    check_mediator(DY_BREM_V, DY_M_E, 1e-10);
}
static void test_vector_mu(void **st)
{
    (void)st;
    check_mediator(DY_BREM_V, DY_M_MU, 1e-10);
}
static void test_scalar_e(void **st)
{
    (void)st;
    check_mediator(DY_BREM_S, DY_M_E, 1e-10);
}
static void test_scalar_mu(void **st)
{
    (void)st;
    check_mediator(DY_BREM_S, DY_M_MU, 1e-10);
}
static void test_pseudo_e(void **st)
{
    (void)st;
    check_mediator(DY_BREM_P, DY_M_E, 1e-10);
}
static void test_pseudo_mu(void **st)
{
    (void)st;
    check_mediator(DY_BREM_P, DY_M_MU, 1e-10);
}
static void test_axial_e(void **st)
{
    (void)st;
    check_mediator(DY_BREM_A, DY_M_E, 1e-10);
}
static void test_axial_mu(void **st)
{
    (void)st;
    check_mediator(DY_BREM_A, DY_M_MU, 1e-10);
}

/* Ward identities: sum_spins |k.M_V|^2 = 0;  k.M_A = -2 m_l M_P (docs/physics-brem.md §3). */
static void test_ward(void **state)
{
    (void)state;
    unsigned seed = 777u;
    for (int n = 0; n < 20; ++n) {
        double ml = (n % 2) ? DY_M_MU : DY_M_E;
        ldpt P;
        dy_brem_kin K;
        long double st, ut;
        assert_true(random_point(&seed, ml, &P, &K));
        (void)inv_from_ld(&P, &st, &ut);
        long double scale = brute(&P, DY_BREM_V, st, ut) * P.m * P.m;
        long double kv = half_trace(&P, slash(P.k), st, ut);
        long double ka = half_trace(&P, mmul(slash(P.k), G5), st, ut);
        long double pp = half_trace(&P, G5, st, ut);
        dy_assert_close((double)(kv / scale), 0.0, 1e-12, 0.0);
        /* relative to the natural scale m^2 A_V (the k-slash contraction cancels strongly) */
        dy_assert_close((double)((ka - 4 * P.ml * P.ml * pp) / scale), 0.0, 1e-12, 0.0);
        assert_true(fabsl(pp) > 0);
    }
}

/* The double-precision kinematics header against the long-double rebuild: four-vectors,
 * on-shell conditions, invariants, and |cos theta_q| -> 1 at the exact limits t_-, t_+. */
static void test_kinematics(void **state)
{
    (void)state;
    unsigned seed = 99u;
    for (int n = 0; n < 40; ++n) {
        double ml = (n % 2) ? DY_M_MU : DY_M_E;
        ldpt P;
        dy_brem_kin K;
        long double st, ut;
        assert_true(random_point(&seed, ml, &P, &K));
        for (int i = 0; i < 4; ++i) {
            dy_assert_close(K.pp[i], (double)P.pp[i], 1e-13 * K.E0, 0.0);
            dy_assert_close(K.Pf[i], (double)P.Pf[i], 1e-13 * K.E0, 0.0);
            dy_assert_close(K.k[i], (double)P.k[i], 1e-13 * K.E0, 0.0);
        }
        dy_brem_inv iv = inv_from_ld(&P, &st, &ut), J = dy_brem_invariants(&K);
        dy_assert_close(J.s, iv.s, 0.0, 1e-9);
        dy_assert_close(J.u, iv.u, 0.0, 1e-12);
        dy_assert_close(J.Pp, iv.Pp, 0.0, 1e-12);
        dy_assert_close(J.Ppp, iv.Ppp, 0.0, 1e-12);
        dy_assert_close(J.Pk, iv.Pk, 0.0, 1e-12);
        /* at the exact limits the q-V angle is 0 or pi */
        double th = acos(K.cth);
        long double c1 = build_ld(&P, K.E0, ml, K.m, K.M, K.x, th, K.tmin, 0.0);
        long double c2 = build_ld(&P, K.E0, ml, K.m, K.M, K.x, th, K.tmax, 0.0);
        dy_assert_close((double)fabsl(c1), 1.0, 1e-9, 0.0);
        dy_assert_close((double)fabsl(c2), 1.0, 1e-9, 0.0);
    }
    /* the small root at a tiny-t point (E0 = 150 GeV electron, collinear) stays positive and
     * equals the WW collinear limit u~^2/(4 E0^2 (1-x)^2) to O(theta^2, 1/M) */
    dy_brem_kin K;
    assert_true(dy_brem_kin_angle(&K, 150.0, DY_M_E, 0.0167, 207 * DY_AMU_GEV, 0.9, 1e-12));
    double tww = K.ut * K.ut / (4.0 * 150.0 * 150.0 * 0.01);
    assert_true(K.tmin > 0.0);
    dy_assert_close(K.tmin, tww, 0.0, 1e-3);
}

/* Collinear / WW limit: with M -> infinity, theta -> 0 and t -> t_min the 2->3 building blocks
 * reduce to the 2->2 rows, so ratios X/V of 2->3 amplitudes integrated over phi and over t with
 * the weight G2/t^2 approach the 2->2 ratios.  Checked at one muon point (found equal to ~1e-5;
 * asserted to 1e-3). */
static void test_collinear_ratio(void **state)
{
    (void)state;
    const double E0 = 160.0, ml = DY_M_MU, m = 0.05, M = 1e6, x = 0.6, th = 2e-4;
    const double omc = 2.0 * sin(0.5 * th) * sin(0.5 * th);
    dy_brem_kin K;
    assert_true(dy_brem_kin_angle(&K, E0, ml, m, M, x, omc));
    double sum[4] = {0, 0, 0, 0};
    const double tmax = fmin(K.tmax, 1e-2 * K.tmin > 1e-3 ? K.tmax : 1e3 * K.tmin);
    for (int it = 0; it < 400; ++it) {
        double t = K.tmin * pow(tmax / K.tmin, (it + 0.5) / 400.0);
        for (int ip = 0; ip < 64; ++ip) {
            if (!dy_brem_kin_t(&K, t, 6.283185307179586 * (ip + 0.5) / 64.0)) continue;
            dy_brem_inv iv = dy_brem_invariants(&K);
            for (int med = 0; med < 4; ++med)
                sum[med] += dy_me_brem_a2(&iv, med) / t;
        }
    }
    double uww = -x * E0 * E0 * th * th - m * m * (1 - x) / x - ml * ml * x;
    double v22 = dy_me_brem_a2_22(DY_BREM_V, x, uww, m, ml);
    for (int med = 1; med < 4; ++med) {
        double r23 = sum[med] / sum[0], r22 = dy_me_brem_a2_22(med, x, uww, m, ml) / v22;
        printf("    mediator %d: 2->3 ratio to V %.5g, 2->2 ratio %.5g\n", med, r23, r22);
        dy_assert_close(r23, r22, 0.0, 1e-3);
    }
}

/* A random physical (x, omega, t) drawn like the process map (ln(1-x) uniform, omega log-uniform
 * over 1e-3..1e3 of the peak omega_c, ln t uniform in [t_-, t_+]); t - t_-, t_+ - t as the
 * process computes them.  Returns 0 outside phase space. */
static int random_xwt(unsigned *seed, double E0, double ml, double m, double M, dy_brem_kin *K,
                      double *t, double *dtlo, double *dthi)
{
    const double ylo = log(ml / E0), yhi = log1p(-m / E0);
    const double y = ylo + (yhi - ylo) * urand(seed), omx = exp(y), x = -expm1(y);
    const double wc = (m * m * omx / x + ml * ml * x) / (2.0 * x * E0 * E0);
    const double w = fmin(2.0, wc * pow(10.0, 6.0 * urand(seed) - 3.0));
    if (!dy_brem_kin_angle(K, E0, ml, m, M, x, w) || !(K->tmin > 0.0)) return 0;
    const double lt = log(K->tmax / K->tmin), v = urand(seed);
    *t = K->tmin * exp(lt * v);
    *dtlo = K->tmin * expm1(lt * v);
    *dthi = -K->tmax * expm1(lt * (v - 1.0));
    return 1;
}

/* <A^2>_phi by the midpoint rule in phi on (0, pi) (A^2 is even in phi) over the 4-D closed form
 * dy_me_brem_a2 at each phi.  For a periodic function analytic in |Im phi| < a the rule with 2n
 * points on (0, 2 pi) errs by ~2 exp(-2 n a); the poles of 1/s~ sit at a = ln((sbar + sqrt
 * W)/sdel), so n is doubled until exp(-2 n a) < 1e-13.  Returns -1 when a point fails the 4-D
 * kinematics. */
static double phi_quadrature(const dy_brem_kin *K0, double t, int med, int *npts)
{
    const double W = (K0->sbar - K0->sdel) * (K0->sbar + K0->sdel);
    const double a = K0->sdel > 0.0 ? log((K0->sbar + sqrt(W)) / K0->sdel) : 1e3;
    int n = 1000;
    while (exp(-2.0 * n * a) > 1e-13 && n < (1 << 20))
        n *= 2;
    double sum = 0.0;
    for (int j = 0; j < n; ++j) {
        dy_brem_kin K = *K0;
        if (!dy_brem_kin_t(&K, t, DY_PI * (j + 0.5) / n)) return -1.0;
        const dy_brem_inv iv = dy_brem_invariants(&K);
        sum += dy_me_brem_a2(&iv, med);
    }
    *npts = n;
    return sum / n;
}

/* The phi-integrated amplitude against the phi quadrature of the 4-D one, all mediators, e and
 * mu, Pb at E0 = 10-160 GeV with m = 1 MeV-1 GeV, and light nuclei (H, C, Al) at E0 = 1-5 GeV
 * with m = 0.01-0.5 GeV.  Tolerance 1e-8: the quadrature's truncation is < 1e-13 (above), and the
 * rounding of the two closed forms was measured against 50-digit evaluations at the same inputs
 * over 10^4 points from this distribution: <= 1.5e-9 for the 4-D form, <= 1.3e-10 for <A^2>_phi
 * (docs/physics-brem.md §3.2).  Also s~ = sbar - sdel cos(phi) against the four-vectors. */
static void test_phi_average(void **state)
{
    (void)state;
    unsigned seed = 4242u;
    const double Zl[3] = {1, 6, 13}, Al[3] = {1.008, 12.011, 26.982};
    double worst[4] = {0, 0, 0, 0}, worst_s = 0.0;
    int n = 0, nmax = 0;
    for (int i = 0; i < 400; ++i) {
        const int lep = i % 2, light = (i % 5) == 4;
        const double ml = lep ? DY_M_MU : DY_M_E;
        const double E0 = light ? 1.0 + 4.0 * urand(&seed) : 10.0 * pow(16.0, urand(&seed));
        const double m = light ? 0.01 * pow(50.0, urand(&seed)) : 1e-3 * pow(1e3, urand(&seed));
        const double M = (light ? Al[i % 3] : 207.2) * DY_AMU_GEV;
        (void)Zl;
        dy_brem_kin K;
        double t, dtlo, dthi;
        if (m + ml >= E0 || !random_xwt(&seed, E0, ml, m, M, &K, &t, &dtlo, &dthi)) continue;
        assert_true(dy_brem_kin_t_phiavg(&K, t, dtlo, dthi));
        /* s~ at phi = 0, pi/2, pi from the four-vectors */
        const double phis[3] = {0.0, 0.5 * DY_PI, DY_PI}, cs[3] = {1.0, 0.0, -1.0};
        for (int k = 0; k < 3; ++k) {
            dy_brem_kin K4 = K;
            if (!dy_brem_kin_t(&K4, t, phis[k])) continue; /* |cos theta_q| > 1 by round-off */
            const dy_brem_inv iv = dy_brem_invariants(&K4);
            const double ex = K.sbar - K.sdel * cs[k], d = fabs(iv.s - ex) / ex;
            if (d > worst_s) worst_s = d;
            dy_assert_close(iv.s, ex, 0.0, 1e-8);
        }
        int np = 0;
        for (int med = 0; med < 4; ++med) {
            const double bf = phi_quadrature(&K, t, med, &np), cf = dy_me_brem_a2_phiavg(&K, med);
            if (bf < 0.0) break; /* t within round-off of a limit: no 4-D reference */
            const double d = fabs(cf - bf) / fabs(bf);
            if (d > worst[med]) worst[med] = d;
            dy_assert_close(cf, bf, 0.0, 1e-8);
            assert_true(cf > 0.0);
        }
        if (np > nmax) nmax = np;
        ++n;
    }
    printf("    %d points: worst relative difference V %.2e S %.2e P %.2e A %.2e; s~(phi) %.2e; "
           "up to %d phi points\n",
           n, worst[0], worst[1], worst[2], worst[3], worst_s, 2 * nmax);
    assert_true(n > 300);
}

/* At the exact limits q is parallel to V, sdel = 0 and <A^2>_phi = A^2(s~ = sbar).  Approaching
 * them (t - t_- or t_+ - t from 1e-15 to 1e-3 of the limit) every t is accepted, the result is
 * finite and positive, and it departs from the limit value linearly in the distance (A^2 is smooth
 * in t): each decade from 1e-12 to 1e-6 multiplies |f/f0 - 1| by 10 (asserted 8-12 wherever it is
 * above 1e-8, 100x its round-off).  sdel uses the product of roots (t - t_-)(t_+ - t): with
 * 1 - cos^2(theta_q) it would be noise (or negative) this close to the limits. */
static void test_phi_average_at_limits(void **state)
{
    (void)state;
    const struct {
        double ml, E0, m, x, w;
    } c[3] = {{DY_M_E, 100.0, 0.05, 0.7, 1e-9},
              {DY_M_MU, 160.0, 0.5, 0.3, 1e-5},
              {DY_M_E, 2.0, 0.3, 0.9, 0.1}};
    for (int i = 0; i < 3; ++i)
        for (int med = 0; med < 4; ++med)
            for (int side = 0; side < 2; ++side) {
                dy_brem_kin K;
                assert_true(dy_brem_kin_angle(&K, c[i].E0, c[i].ml, c[i].m, 207.2 * DY_AMU_GEV,
                                              c[i].x, c[i].w));
                const double span = K.tmax - K.tmin, lim = side ? K.tmax : K.tmin;
                dy_brem_kin K0 = K;
                assert_true(dy_brem_kin_t_phiavg(&K0, lim, side ? span : 0.0, side ? 0.0 : span));
                assert_true(K0.sdel == 0.0);
                const double f0 = dy_me_brem_a2_phiavg(&K0, med);
                assert_true(f0 > 0.0 && isfinite(f0));
                double prev = 0.0;
                for (int e = 15; e >= 3; --e) {
                    const double d = lim * pow(10.0, -e), t = side ? lim - d : lim + d;
                    dy_brem_kin K1 = K;
                    assert_true(
                        dy_brem_kin_t_phiavg(&K1, t, side ? span - d : d, side ? d : span - d));
                    const double f = dy_me_brem_a2_phiavg(&K1, med), r = fabs(f / f0 - 1.0);
                    assert_true(f > 0.0 && isfinite(f));
                    if (e <= 12 && e >= 6 && prev > 1e-8)
                        assert_true(r > 8 * prev && r < 12 * prev);
                    prev = r;
                }
            }
}

int main(void)
{
    init_dirac();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vector_e),
        cmocka_unit_test(test_vector_mu),
        cmocka_unit_test(test_scalar_e),
        cmocka_unit_test(test_scalar_mu),
        cmocka_unit_test(test_pseudo_e),
        cmocka_unit_test(test_pseudo_mu),
        cmocka_unit_test(test_axial_e),
        cmocka_unit_test(test_axial_mu),
        cmocka_unit_test(test_ward),
        cmocka_unit_test(test_kinematics),
        cmocka_unit_test(test_collinear_ratio),
        cmocka_unit_test(test_phi_average),
        cmocka_unit_test(test_phi_average_at_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
