/* idm.c — inelastic dark matter: Gamma(chi2 -> chi1 e+ e-) from the exact spin-summed |M|^2, the
 * chi2 energy box of A' -> chi1 chi2 and the decay probability averaged over it (idm.h;
 * docs/references.md, "Inelastic dark matter"; docs/limits.md §3.2).
 *
 * Width.  The dark current is the Dirac one, g_D A'_mu psibar g^mu psi with psi = (chi1 + i chi2)/
 * sqrt 2, i.e. an off-diagonal vector vertex g_D g^mu between the Majorana chi1 and chi2 (the
 * normalisation of DY_DM_INELASTIC in kernels/physics/dy_dark_widths.h: its A' -> chi1 chi2 width
 * is the Dirac one at Delta = 0), plus eps e A'_mu ebar g^mu e.  For chi2(p2) -> chi1(p1) e-(k1)
 * e+(k2)
 *   M = eps e g_D / (q^2 - m^2) [ubar(p1) g^mu u(p2)] [ubar(k1) g_mu v(k2)],   q = k1 + k2,
 * with the A' width in the propagator neglected (q^2 <= (m2 - m1)^2 << m^2).  Summed over all
 * spins, sum |M|^2 = (4 pi alpha eps^2)(4 pi alpha_D) T / (q^2 - m^2)^2 with
 *   T = Tr[(p1/ + m1) g^mu (p2/ + m2) g^nu] Tr[(k1/ + me) g_mu (k2/ - me) g_nu]
 *     = 16 [2 (p1.k1)(p2.k2) + 2 (p1.k2)(p2.k1) + 2 me^2 (p1.p2) - 2 m1 m2 (k1.k2 + 2 me^2)]
 * (each trace 4 [a^mu b^nu + a^nu b^mu - g^{mu nu}(a.b -+ m_a m_b)], contracted).  The sign of
 * the m1 m2 term depends on the relative phase (CP parity) of the two Majorana states; the one
 * above reproduces the small-splitting width 4 eps^2 alpha alpha_D Delta^5 m1^5 / (15 pi m^4) of
 * Izaguirre, Krnjaic & Shuve, PRD 93 (2016) 063523 (arXiv:1508.03050).  The other sign
 * also scales as Delta^5 but is 3 times larger (an axial, Gamow-Teller-like current instead of a
 * vector, Fermi-like one): tests/test_idm.c checks both, so the test decides the sign.
 * Gamma = 1/((2 pi)^3 32 m2^3) int ds23 int ds12 (1/2) sum |M|^2 (PDG Kinematics, Dalitz plot;
 * 1/2 = the chi2 spin average), s23 = q^2 in [4 me^2, (m2 - m1)^2].  In the q rest frame
 * s12 = m1^2 + me^2 + 2 (E1 Ee - P K c), c = cos(p1, k1), so ds12 = 2 P K dc and T is a quadratic
 * in c: 3-point Gauss-Legendre in c is exact.  q^2 = (a + b)/2 - (b - a)/2 cos(theta) removes the
 * square-root end points, and GSL's QAG integrates over theta. */
#include "physics/idm.h"
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <math.h>
#include "physics/dy_constants.h"
#include "physics/dy_dark_widths.h"
#include "physics/dy_decay.h"
#include "physics/rratio.h"

double dy_idm_trace(double m1, double m2, double me, double p1k1, double p1k2, double p2k1,
                    double p2k2, double p1p2, double k1k2, int mass_sign)
{
    return 16.0 * (2.0 * p1k1 * p2k2 + 2.0 * p1k2 * p2k1 + 2.0 * me * me * p1p2 -
                   2.0 * mass_sign * m1 * m2 * (k1k2 + 2.0 * me * me));
}

typedef struct width_par {
    double m_ap, m1, m2, me, a, b; /* a = 4 me^2, b = (m2 - m1)^2 */
    int sign;
} width_par;

/* d Gamma / d theta without the coupling factor and 1/((2 pi)^3 32 m2^3). */
static double dwidth(double theta, void *vp)
{
    const width_par *p = vp;
    const double h = 0.5 * (p->b - p->a), ct = cos(theta);
    const double s = 0.5 * (p->a + p->b) - h * ct;
    const double s_a = h * (1.0 - ct), b_s = h * (1.0 + ct); /* s - a and b - s, no cancellation */
    if (!(s > 0.0) || !(s_a > 0.0) || !(b_s > 0.0)) return 0.0;
    const double rs = sqrt(s), me = p->me, m1 = p->m1, m2 = p->m2;
    const double ee = 0.5 * rs, kk = 0.5 * sqrt(s_a);
    const double e1 = ((m2 - m1) * (m2 + m1) - s) / (2.0 * rs);
    const double pp = sqrt(b_s * ((m1 + m2) * (m1 + m2) - s)) / (2.0 * rs);
    const double p1p2 = 0.5 * (m1 * m1 + m2 * m2 - s), k1k2 = 0.5 * s - me * me;
    static const double xc[3] = {-0.774596669241483377, 0.0, 0.774596669241483377};
    static const double wc[3] = {0.555555555555555556, 0.888888888888888889, 0.555555555555555556};
    double t = 0.0;
    for (int j = 0; j < 3; ++j) {
        const double p1k1 = e1 * ee - pp * kk * xc[j], p1k2 = e1 * ee + pp * kk * xc[j];
        t += wc[j] * dy_idm_trace(m1, m2, me, p1k1, p1k2, p1k1 + 0.5 * s, p1k2 + 0.5 * s, p1p2,
                                  k1k2, p->sign);
    }
    const double prop = s - p->m_ap * p->m_ap;
    /* ds23 = h sin(theta) dtheta; ds12 = 2 P K dc; 1/2 spin average */
    return h * sin(theta) * 2.0 * pp * kk * 0.5 * t / (prop * prop);
}

dy_status dy_idm_width_chi2_full(double m_ap, double m1, double delta, double eps, double alpha_D,
                                 double me, int mass_sign, double *width, double *abserr,
                                 dy_error *err)
{
    *width = NAN;
    if (abserr) *abserr = NAN;
    if (!(m1 > 0.0) || !(delta > 0.0) || !(eps >= 0.0) || !(alpha_D >= 0.0) || !(me >= 0.0) ||
        !isfinite(m1) || !isfinite(delta) || !isfinite(eps) || !isfinite(alpha_D) ||
        (mass_sign != 1 && mass_sign != -1))
        return dy_error_set(err, DY_ERR_INVALID,
                            "chi2 width: need m1 > 0, splitting > 0, eps >= 0, alpha_D >= 0 "
                            "(got m1 = %g GeV, splitting %g, eps %g, alpha_D %g)",
                            m1, delta, eps, alpha_D);
    const double dm = m1 * delta, m2 = m1 + dm;
    if (!(m_ap > dm) || !isfinite(m_ap))
        return dy_error_set(err, DY_ERR_INVALID,
                            "chi2 width: the A' (%g GeV) must be heavier than m2 - m1 = %g GeV "
                            "(off-shell A')",
                            m_ap, dm);
    if (!(dm > 2.0 * me)) { /* chi2 -> chi1 e+ e- closed: stable here */
        *width = 0.0;
        if (abserr) *abserr = 0.0;
        return DY_OK;
    }
    width_par p = {m_ap, m1, m2, me, 4.0 * me * me, dm * dm, mass_sign};
    gsl_function f = {dwidth, &p};
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(200);
    if (!ws) return dy_error_set(err, DY_ERR_NOMEM, "chi2 width: out of memory");
    double r = 0.0, e = 0.0;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    const int rc =
        gsl_integration_qag(&f, 0.0, DY_PI, 0.0, 1e-10, 200, GSL_INTEG_GAUSS31, ws, &r, &e);
    gsl_set_error_handler(old);
    gsl_integration_workspace_free(ws);
    if ((rc && rc != GSL_EROUND) || !isfinite(r) || !(e <= 1e-6 * fabs(r)))
        return dy_error_set(err, DY_ERR_NUMERIC,
                            "chi2 width: integration failed (%s) at m1 = %g GeV, splitting %g",
                            gsl_strerror(rc), m1, delta);
    /* (4 pi alpha eps^2)(4 pi alpha_D)/((2 pi)^3 32 m2^3) = alpha alpha_D eps^2/(16 pi m2^3) */
    const double c = DY_ALPHA_EM * alpha_D * eps * eps / (16.0 * DY_PI * m2 * m2 * m2);
    *width = c * r;
    if (abserr) *abserr = c * e;
    return DY_OK;
}

double dy_idm_width_chi2(double m_ap, double m1, double delta, double eps, double alpha_D)
{
    double w;
    if (dy_idm_width_chi2_full(m_ap, m1, delta, eps, alpha_D, DY_M_E, 1, &w, NULL, NULL) != DY_OK)
        return NAN;
    return w;
}

/* Rapidities of the box: Y of the A' (cosh Y = E/m), y* of chi2 in the A' frame; E2 = m2 cosh u
 * runs over u in [|Y - y*|, Y + y*] (collinear boosts add rapidities). */
static int box_u(double m, double m1, double m2, double e, double *u_lo, double *u_hi, double *p,
                 double *q)
{
    *q = dy_two_body_q(m, m1, m2);
    if (!(e > m) || !(*q > 0.0)) return 0;
    *p = sqrt((e - m) * (e + m));
    const double Y = asinh(*p / m), ys = asinh(*q / m2);
    *u_lo = fabs(Y - ys);
    *u_hi = Y + ys;
    return 1;
}

int dy_idm_chi2_box(double m_ap, double m1, double m2, double e_ap, double *e_lo, double *e_hi)
{
    double ul, uh, p, q;
    *e_lo = *e_hi = 0.0;
    if (!box_u(m_ap, m1, m2, e_ap, &ul, &uh, &p, &q)) return 0;
    *e_lo = m2 * cosh(ul);
    *e_hi = m2 * cosh(uh);
    return 1;
}

typedef struct box_par {
    double log_ctau, z1, z2;
    int beyond;
} box_par;

/* ln [P(u) sinh u]: dE2 = m2 sinh u du; lab decay length l = c tau sinh u (p2/m2 = sinh u). */
static double log_integrand(const box_par *b, double u)
{
    const double ls = log(sinh(u)), log_l = b->log_ctau + ls;
    double lp;
    if (b->beyond)
        lp = b->z1 > 0.0 ? -b->z1 * exp(-log_l) : 0.0;
    else if (log_l > 600.0) /* l >> z2: P = (z2 - z1)/l (l itself would overflow near 700) */
        lp = log(b->z2 - b->z1) - log_l;
    else
        lp = dy_decay_log_prob_in(b->z1, b->z2, exp(log_l));
    return lp + ls;
}

static double log_add(double x, double y)
{
    if (x == -HUGE_VAL) return y;
    if (y == -HUGE_VAL) return x;
    const double hi = fmax(x, y);
    return hi + log1p(exp(-fabs(x - y)));
}

/* 16-point Gauss-Legendre nodes and weights on [-1, 1] */
static const double k_x16[8] = {0.095012509837637441, 0.281603550779258915, 0.458016777657227370,
                                0.617876244402643771, 0.755404408355002999, 0.865631202387831755,
                                0.944575023073232600, 0.989400934991649939};
static const double k_w16[8] = {0.189450610455068502, 0.182603415044923584, 0.169156519395002536,
                                0.149595988816576736, 0.124628971255533877, 0.095158511682492786,
                                0.062253523938647894, 0.027152459411754096};

/* ln int_a^b exp(log_integrand) du by 16-point Gauss-Legendre, in log space. */
static double gl16(const box_par *b, double a, double c)
{
    const double mid = 0.5 * (a + c), hw = 0.5 * (c - a);
    double t[16], tmax = -HUGE_VAL, sum = 0.0;
    for (int i = 0; i < 16; ++i) {
        const double x = i < 8 ? -k_x16[i] : k_x16[i - 8], w = k_w16[i < 8 ? i : i - 8];
        t[i] = log(w * hw) + log_integrand(b, mid + hw * x);
        if (isnan(t[i])) return NAN; /* never "no signal" from a number that is not one */
        if (t[i] > tmax) tmax = t[i];
    }
    if (!(tmax > -HUGE_VAL)) return -HUGE_VAL;
    for (int i = 0; i < 16; ++i)
        sum += exp(t[i] - tmax);
    return tmax + log(sum);
}

/* Adaptive bisection: a short lifetime makes exp(-z1/l) steep near u_hi.  Stops at 1e-9 in ln
 * (relative), where the piece is below e^-40 of the whole, at depth 12, or on -inf or NaN. */
static double adapt(const box_par *b, double a, double c, double whole, double total, int depth)
{
    const double mid = 0.5 * (a + c), l = gl16(b, a, mid), r = gl16(b, mid, c);
    const double both = log_add(l, r);
    if (depth >= 12 || !(both > -HUGE_VAL) || fabs(both - whole) < 1e-9 || both < total - 40.0)
        return both;
    return log_add(adapt(b, a, mid, l, total, depth + 1), adapt(b, mid, c, r, total, depth + 1));
}

double dy_idm_log_prob_box(double m_ap, double m1, double m2, double e_ap, double log_ctau_cm,
                           int beyond, double z1_cm, double z2_cm)
{
    double ul, uh, p, q;
    if (!box_u(m_ap, m1, m2, e_ap, &ul, &uh, &p, &q) || !(uh > ul)) return -HUGE_VAL;
    const box_par b = {log_ctau_cm, fmax(z1_cm, 0.0), z2_cm, beyond};
    if (!beyond && !(b.z2 > b.z1)) return -HUGE_VAL;
    const double whole = gl16(&b, ul, uh);
    const double li = adapt(&b, ul, uh, whole, whole, 0);
    /* <P> = m2 int P sinh u du / (E_hi - E_lo),  E_hi - E_lo = 2 p q / m */
    return li + log(m2) - log(2.0 * p * q / m_ap);
}

dy_status dy_signal_set_idm(dy_signal_spec *s, double m_ap, double mchi_over_m, double delta,
                            double alpha_D, dy_error *err)
{
    const double m1 = mchi_over_m * m_ap, m2 = m1 * (1.0 + delta);
    if (!(m1 > 0.0) || !(delta > 0.0) || !(m1 + m2 < m_ap) || !(alpha_D > 0.0))
        return dy_error_set(err, DY_ERR_INVALID,
                            "iDM at m_A' = %g GeV: need m1 > 0, splitting > 0, alpha_D > 0 and "
                            "m1 + m2 < m_A' (m1 = %g, m2 = %g GeV)",
                            m_ap, m1, m2);
    /* chi2 -> chi1 pi pi (and heavier) through the A': not modelled, so refused, not dropped */
    if (!(m2 - m1 <= 2.0 * DY_M_PI))
        return dy_error_set(err, DY_ERR_INVALID,
                            "iDM at m_A' = %g GeV: m2 - m1 = %g GeV is above 2 m_pi, where "
                            "hadronic chi2 decays open (not modelled): with this mchi_over_m "
                            "and dm_splitting the yields' masses must stay below %g GeV",
                            m_ap, m2 - m1, 2.0 * DY_M_PI / (mchi_over_m * delta));
    double w, wmu;
    dy_status st = dy_idm_width_chi2_full(m_ap, m1, delta, 1.0, alpha_D, DY_M_E, 1, &w, NULL, err);
    if (st != DY_OK) return st;
    /* chi2 -> chi1 mu+ mu- above its threshold (0 below it) */
    st = dy_idm_width_chi2_full(m_ap, m1, delta, 1.0, alpha_D, DY_M_MU, 1, &wmu, NULL, err);
    if (st != DY_OK) return st;
    w += wmu;
    s->decay = DY_DECAY_IDM;
    s->idm_m1 = m1;
    s->idm_m2 = m2;
    s->idm_gamma_chi2 = w;
    s->idm_gamma_dm = dy_width_ap_dm(m_ap, alpha_D, m1, delta, DY_DM_INELASTIC);
    s->idm_gamma_vis = dy_ap_visible_widths(m_ap, 1.0).total;
    return DY_OK;
}
