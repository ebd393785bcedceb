/* dy_proc_brem.h — exact-tree-level (ETL) dark-boson bremsstrahlung l N -> l N X, l = e or mu,
 * X = vector (A'/Z'), scalar, pseudoscalar or axial vector, on a nucleus (Z, A) with form factor
 * G2. dsigma = alpha_X alpha^2/(16 pi) G2/t^2 A^2 |k| E0/(M^2 |p| V) dx dcos(theta) dt dphi
 * (reference physics-brem.md §4.2); variables, maps and couplings in docs/physics-brem.md §5.
 * Two forms: dim 3 (default) integrates phi in closed form (<A^2>_phi, docs §3.2); dim 4 samples
 * phi and is needed only for the recoil lepton's polar angle (obs 3). */
#ifndef DY_PROC_BREM_H
#define DY_PROC_BREM_H
#include "../dy_types.h"
#include "../physics/dy_brem_kinematics.h"
#include "../physics/dy_constants.h"
#include "../physics/dy_formfactors.h"
#include "../physics/dy_me_brem.h"

/* par[] layout */
#define DY_BREM_P_E0   0  /* beam energy E0 (GeV) */
#define DY_BREM_P_ML   1  /* lepton mass (GeV) */
#define DY_BREM_P_M    2  /* X mass m (GeV) */
#define DY_BREM_P_MN   3  /* nucleus mass M = A * DY_AMU_GEV (GeV) */
#define DY_BREM_P_Z    4  /* Z */
#define DY_BREM_P_A    5  /* mass number A */
#define DY_BREM_P_TA   6  /* 1/a^2 (elastic screening, GeV^2) */
#define DY_BREM_P_TAP  7  /* 1/a'^2 (inelastic screening, GeV^2) */
#define DY_BREM_P_D    8  /* nuclear size d (GeV^2) */
#define DY_BREM_P_NORM 9  /* alpha_X alpha^2/(16 pi) * (GeV^-2 -> pb) */
#define DY_BREM_P_COUP 10 /* coupling (eps for V, g for S/P/A) */
#define DY_BREM_P_XMIN 11 /* lower x cut (default m/E0) */
#define DY_BREM_P_XMAX 12 /* upper x cut (default 1 - m_l/E0) */
#define DY_BREM_P_YLO  13 /* ln(1 - XMAX) */
#define DY_BREM_P_YHI  14 /* ln(1 - XMIN) */
#define DY_BREM_P_YB   15 /* ln(m_l^2/m^2): break of the ln(1-x) map */
#define DY_BREM_P_YA   16 /* weight of [YLO, min(YHI, YB)] in the map's density */
#define DY_BREM_P_YZ   17 /* total weight of the map's density on [YLO, YHI] */
/* ipar[] layout */
#define DY_BREM_I_LEPTON   0 /* 0 = e, 1 = mu */
#define DY_BREM_I_MEDIATOR 1 /* enum dy_brem_mediator: 0 V, 1 S, 2 P, 3 A */
#define DY_BREM_I_INEL     2 /* 1 = add the inelastic (proton) term to G2 */
#define DY_BREM_I_TMAP     3 /* 1 = t map with breaks at 1/a^2 and d (set when m^2 + m_l^2 > d) */
#define DY_BREM_DIM        3 /* phi integrated analytically (default) */
#define DY_BREM_DIM_PHI    4 /* phi sampled: the recoil lepton's direction is known */

/* Sets the x range [xmin, xmax] (clipped to [m/E0, 1 - m_l/E0]) and the ln(1-x) map: density in
 * y = ln(1-x) flat above y_b = ln(m_l^2/m^2) and exp(y - y_b) below it, where the collinear
 * growth 1/(m^2 (1-x) + m_l^2 x^2) of dsigma/dx stops (reference P6; docs/physics-brem.md §5). */
DY_DEVICE void dy_proc_brem_set_xrange(dy_params *p, double xmin, double xmax)
{
    const double E0 = p->par[DY_BREM_P_E0];
    const double lo = p->par[DY_BREM_P_M] / E0, hi = 1.0 - p->par[DY_BREM_P_ML] / E0;
    double ylo, yhi, yb, wa = 0.0, wb = 0.0;
    xmin = DY_FMAX(xmin, lo);
    xmax = DY_FMIN(xmax, hi);
    ylo = DY_LOG(1.0 - xmax);
    yhi = DY_LOG1P(-xmin);
    yb = 2.0 * DY_LOG(p->par[DY_BREM_P_ML] / p->par[DY_BREM_P_M]);
    if (ylo < yb) wa = DY_EXP(DY_FMIN(yhi, yb) - yb) - DY_EXP(ylo - yb);
    if (yhi > yb) wb = yhi - DY_FMAX(ylo, yb);
    p->par[DY_BREM_P_XMIN] = xmin;
    p->par[DY_BREM_P_XMAX] = xmax;
    p->par[DY_BREM_P_YLO] = ylo;
    p->par[DY_BREM_P_YHI] = yhi;
    p->par[DY_BREM_P_YB] = yb;
    p->par[DY_BREM_P_YA] = wa;
    p->par[DY_BREM_P_YZ] = wa + wb;
}

/* u0 -> y = ln(1-x) by the inverse of the map's distribution; returns dy/du0 (0 when the range is
 * empty). */
DY_DEVICE double dy_proc_brem_map_y(const dy_params *p, double u0, double *y)
{
    const double ylo = p->par[DY_BREM_P_YLO], yhi = p->par[DY_BREM_P_YHI];
    const double yb = p->par[DY_BREM_P_YB], wa = p->par[DY_BREM_P_YA], wz = p->par[DY_BREM_P_YZ];
    const double r = wz * u0;
    *y = ylo;
    if (!(yhi > ylo) || !(wz > 0.0)) return 0.0;
    if (r < wa) {
        *y = DY_FMIN(yb + DY_LOG(DY_EXP(ylo - yb) + r), DY_FMIN(yhi, yb));
        return wz * DY_EXP(yb - *y);
    }
    *y = DY_FMIN(DY_FMAX(ylo, yb) + (r - wa), yhi);
    return wz;
}

/* Host-side set-up: fills par[], ipar[] and dim = DY_BREM_DIM (process and id are left to the
 * caller; dy_proc_brem_set_phi asks for the 4-D form).
 * Coupling: vector alpha_X = coupling^2 alpha (coupling = eps); S, P, A alpha_X = coupling^2/(4 pi)
 * (reference §1).  Nucleus mass M = A * DY_AMU_GEV.  x range: [m/E0, 1 - m_l/E0] (pitfall P1). */
DY_DEVICE void dy_proc_brem_setup(dy_params *p, int lepton, int mediator, double Z,
                                  double A_mass_number, double E0, double m, double coupling,
                                  int inelastic_ff)
{
    int i;
    dy_ffscales s = dy_ff_scales(Z, A_mass_number);
    double alx;
    for (i = 0; i < DY_NPAR; ++i)
        p->par[i] = 0.0;
    for (i = 0; i < DY_NIPAR; ++i)
        p->ipar[i] = 0;
    p->par[DY_BREM_P_E0] = E0;
    p->par[DY_BREM_P_ML] = lepton == 1 ? DY_M_MU : DY_M_E;
    p->par[DY_BREM_P_M] = m;
    p->par[DY_BREM_P_MN] = A_mass_number * DY_AMU_GEV;
    p->par[DY_BREM_P_Z] = Z;
    p->par[DY_BREM_P_A] = A_mass_number;
    p->par[DY_BREM_P_TA] = s.ta;
    p->par[DY_BREM_P_TAP] = s.tap;
    p->par[DY_BREM_P_D] = s.d;
    alx = mediator == DY_BREM_V ? coupling * coupling * DY_ALPHA_EM
                                : coupling * coupling / (4.0 * DY_PI);
    p->par[DY_BREM_P_NORM] = alx * DY_ALPHA_EM * DY_ALPHA_EM / (16.0 * DY_PI) * DY_GEV2_TO_PB;
    p->par[DY_BREM_P_COUP] = coupling;
    p->ipar[DY_BREM_I_LEPTON] = lepton;
    p->ipar[DY_BREM_I_MEDIATOR] = mediator;
    p->ipar[DY_BREM_I_INEL] = inelastic_ff;
    /* the t map with breaks pays off when the flux plateau ends at d, i.e. m^2 + m_l^2 > d
     * (measured, docs/physics-brem.md §5); below that the plain ln t map does better */
    p->ipar[DY_BREM_I_TMAP] = m * m + p->par[DY_BREM_P_ML] * p->par[DY_BREM_P_ML] > s.d;
    p->dim = DY_BREM_DIM;
    dy_proc_brem_set_xrange(p, 0.0, 1.0);
}

/* u2 -> t in [t_-, t_+] with density in ln t proportional to t/ta below ta = 1/a^2, flat up to d
 * and d/t above (atomic screening and nuclear size, reference P6): uniform in t, in ln t and in
 * 1/t on the three pieces, so one log or none.  Returns dt/du2; *t, *dtlo = t - t_-,
 * *dthi = t_+ - t. */
DY_DEVICE double dy_proc_brem_map_t_breaks(double tmin, double tmax, double ta, double d, double u2,
                                           double *t, double *dtlo, double *dthi)
{
    const double t1 = DY_FMAX(tmin, ta), t2 = DY_FMIN(tmax, d), td = DY_FMAX(tmin, d);
    const double wa = tmin < ta ? (DY_FMIN(tmax, ta) - tmin) / ta : 0.0;
    const double wb = t2 > t1 ? DY_LOG(t2 / t1) : 0.0;
    const double wc = tmax > d ? d / td - d / tmax : 0.0;
    const double wz = wa + wb + wc;
    double r = wz * u2, jac;
    if (r < wa) {
        *t = DY_FMIN(tmin + r * ta, DY_FMIN(tmax, ta));
        jac = wz * ta;
    } else if (r < wa + wb) {
        *t = DY_FMIN(t1 * DY_EXP(r - wa), tmax);
        jac = wz * *t;
    } else {
        r -= wa + wb;
        *t = DY_FMIN(d / DY_FMAX(d / td - r, d / tmax), tmax);
        jac = wz * *t * *t / d;
    }
    *t = DY_FMAX(*t, tmin);
    *dtlo = *t - tmin; /* exact near the limits (Sterbenz) */
    *dthi = tmax - *t;
    return jac;
}

/* 1: sample phi (dim 4, needed for obs 3); 0: integrate it analytically (dim 3, the default). */
DY_DEVICE void dy_proc_brem_set_phi(dy_params *p, int sample_phi)
{
    p->dim = sample_phi ? DY_BREM_DIM_PHI : DY_BREM_DIM;
}

/* u -> the phase-space point of dy_proc_brem_eval, up to t (phi, u3, is left to the caller):
 * u0 -> y = ln(1-x) on [YLO, YHI], density flat above YB, exp(y - YB) below (set_xrange);
 * u1 -> w = 1 - cos(theta) by w = w_c v/(1-v), v in [0, 2/(2+w_c)], w_c = U_min/(2 x E0^2),
 *       U_min = m^2(1-x)/x + m_l^2 x (the angular peak, P6), which flattens 1/(w_c + w)^2;
 * u2 -> ln t on [ln t_-, ln t_+] (exact limits), or dy_proc_brem_map_t_breaks when I_TMAP.
 * Fills K at the angle level and K->t; *jac = the map's Jacobian (without phi's 2 pi), *x, *w,
 * dt[0] = t - t_-, dt[1] = t_+ - t.  Returns 0 outside phase space.  Shared by the integrand and
 * the event generator (host/physics/brem_event.c), so an event is the point its weight was
 * computed at. */
DY_DEVICE int dy_proc_brem_point(const dy_params *p, const double *u, dy_brem_kin *K, double *jac,
                                 double *x_out, double *w_out, double *dt)
{
    const double E0 = p->par[DY_BREM_P_E0], ml = p->par[DY_BREM_P_ML], m = p->par[DY_BREM_P_M];
    const double M = p->par[DY_BREM_P_MN];
    double y, omx, x, wc, vmax, v, omv, w, lt, t;
    *jac = dy_proc_brem_map_y(p, u[0], &y);
    if (!(*jac > 0.0)) return 0;
    omx = DY_EXP(y);
    x = -DY_EXPM1(y);
    *jac *= omx;
    wc = (m * m * omx / x + ml * ml * x) / (2.0 * x * E0 * E0);
    vmax = 2.0 / (2.0 + wc);
    v = vmax * u[1];
    omv = (1.0 - u[1]) + u[1] * (wc / (2.0 + wc)); /* 1 - v without cancellation */
    w = wc * v / omv;
    *jac *= vmax * wc / (omv * omv);
    if (w > 2.0) w = 2.0;
    *x_out = x;
    *w_out = w;
    if (!dy_brem_kin_angle(K, E0, ml, m, M, x, w)) return 0;
    if (!(K->tmin > 0.0)) return 0;
    if (p->ipar[DY_BREM_I_TMAP]) {
        *jac *= dy_proc_brem_map_t_breaks(K->tmin, K->tmax, p->par[DY_BREM_P_TA],
                                          p->par[DY_BREM_P_D], u[2], &t, &dt[0], &dt[1]);
    } else {
        lt = DY_LOG(K->tmax / K->tmin);
        t = K->tmin * DY_EXP(lt * u[2]);
        *jac *= lt * t;
        dt[0] = t - K->tmin; /* exact near the limits (Sterbenz), where sdel needs them */
        dt[1] = K->tmax - t;
    }
    K->t = t;
    return 1;
}

/* Integrand on (0,1)^dim including the Jacobian: dsigma in pb.  u0..u2 as dy_proc_brem_point;
 * u3 -> phi = 2 pi u3 (dim 4 only; dim 3 uses 2 pi <A^2>_phi).
 * obs (written for k < nobs, the others 0): [0] x, [1] theta_X (rad), [2] E' (GeV), [3] polar
 * angle of the recoil lepton (rad; dim 4 only, 0 in dim 3). */
DY_DEVICE double dy_proc_brem_eval(const dy_params *p, const double *u, double *obs, dy_u32 nobs)
{
    const double E0 = p->par[DY_BREM_P_E0], M = p->par[DY_BREM_P_MN];
    const int med = p->ipar[DY_BREM_I_MEDIATOR];
    const int phi4 = p->dim == DY_BREM_DIM_PHI;
    double x, w, jac, t, dt[2], g2t2, a2, f, Ep, polar = 0.0;
    dy_brem_kin K;
    dy_brem_inv I;
    dy_ffscales s;
    obs[0] = 0.0;
    obs[1] = 0.0;
    obs[2] = 0.0;
    obs[3] = 0.0;
    if (!dy_proc_brem_point(p, u, &K, &jac, &x, &w, dt)) return 0.0;
    t = K.t;
    jac *= DY_TWO_PI;
    if (phi4) {
        if (!dy_brem_kin_t(&K, t, DY_TWO_PI * u[3])) return 0.0;
        I = dy_brem_invariants(&K);
        a2 = dy_me_brem_a2(&I, med);
        Ep = K.pp[0];
        if (nobs > 3) polar = dy_brem_polar(K.pp);
    } else {
        if (!dy_brem_kin_t_phiavg(&K, t, dt[0], dt[1])) return 0.0;
        a2 = dy_me_brem_a2_phiavg(&K, med);
        Ep = K.Ep;
    }
    s.Z = p->par[DY_BREM_P_Z];
    s.ta = p->par[DY_BREM_P_TA];
    s.tap = p->par[DY_BREM_P_TAP];
    s.d = p->par[DY_BREM_P_D];
    g2t2 = dy_ff_g2_over_t2(&s, t, p->ipar[DY_BREM_I_INEL]);
    f = p->par[DY_BREM_P_NORM] * g2t2 * a2 * K.kk * E0 / (M * M * K.pl * K.V) * jac;
    /* the angles only when asked: asin and atan2 are a tenth of the work */
    if (nobs > 0) obs[0] = x;
    if (nobs > 1) obs[1] = 2.0 * asin(DY_SQRT(0.5 * w));
    if (nobs > 2) obs[2] = Ep;
    if (nobs > 3) obs[3] = polar;
    return DY_ISFINITE(f) ? f : 0.0;
}

#endif
