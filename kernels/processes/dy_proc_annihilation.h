/* dy_proc_annihilation.h — positron annihilation on an atomic electron at rest:
 * resonant e+e- -> A'* -> chi chi (Dirac, complex scalar, Majorana, inelastic chi1 chi2) or
 * -> l+l- (visible), and non-resonant e+e- -> gamma A'.  One integration variable (the CM angle);
 * the integral over u in (0,1) is the cross section per target electron in pb at fixed E+.
 * Formulas, derivations and checks: docs/physics-annihilation-primakoff.md §2. */
#ifndef DY_PROC_ANNIHILATION_H
#define DY_PROC_ANNIHILATION_H
#include "../dy_types.h"
#include "../physics/dy_constants.h"
#include "../physics/dy_dark_widths.h"

/* ipar[0]: final state */
enum dy_annih_channel {
    DY_ANN_CH_INVISIBLE = 0, /* e+e- -> A'* -> DM pair, DM kind in ipar[1] */
    DY_ANN_CH_EE = 1,      /* e+e- -> A'* -> e+e- (A' exchange only, no QED/Bhabha interference) */
    DY_ANN_CH_MUMU = 2,    /* e+e- -> A'* -> mu+mu- */
    DY_ANN_CH_GAMMA_AP = 3 /* e+e- -> gamma A' (non-resonant, t/u-channel electron exchange) */
};
/* ipar[2]: Breit-Wigner width */
enum dy_annih_width_mode {
    DY_ANN_WIDTH_RUNNING = 0, /* sqrt(s) Gamma_tot(sqrt(s)) (optical theorem; default) */
    DY_ANN_WIDTH_FIXED = 1    /* m Gamma_tot(m)  (DMG4 convention) */
};
/* ipar[3] and return value of the setup: why a point gives an explicit zero */
enum dy_annih_status {
    DY_ANN_OK = 0,
    DY_ANN_BAD_INPUT = 1,       /* non-positive mass/coupling, E+ < m_e, unknown enum,
                                   m_A' <= 2 m_e for the resonant channels */
    DY_ANN_BELOW_THRESHOLD = 2, /* s < (m_3 + m_4)^2, or s <= m_A'^2 for gamma A' */
    DY_ANN_DECAY_CLOSED = 3     /* the A' cannot decay on shell into the requested final state
                                   (m_chi1 + m_chi2 >= m_A', or m_A' <= 2 m_mu for mu mu):
                                   the off-shell continuum is deliberately not computed */
};

/* par[] layout (inputs 0..6, the rest precomputed by dy_proc_annihilation_setup) */
#define DY_ANN_MAP     0  /* A' mass m, GeV */
#define DY_ANN_M1      1  /* chi (chi_1) mass, GeV */
#define DY_ANN_M2      2  /* chi_2 mass = m1 (1 + delta) (= m1 except inelastic), GeV */
#define DY_ANN_DELTA   3  /* inelastic splitting (m2 - m1)/m1 */
#define DY_ANN_EPS     4  /* kinetic mixing epsilon (default 1) */
#define DY_ANN_ALPHAD  5  /* alpha_D = g_D^2/(4 pi) */
#define DY_ANN_EPOS    6  /* TOTAL positron energy E+, GeV (lab, electron at rest) */
#define DY_ANN_S       7  /* s = 2 m_e^2 + 2 m_e E+ */
#define DY_ANN_GAMMA   8  /* on-shell total A' width Gamma(m), GeV */
#define DY_ANN_SIGMA   9  /* closed-form total cross section at this E+, pb */
#define DY_ANN_NORM    10 /* resonant: dsigma/du = NORM (C0 + C2 c^2); gamma A': prefactor, pb */
#define DY_ANN_C0      11 /* angular coefficients (resonant) */
#define DY_ANN_C2      12
#define DY_ANN_ESTAR   13 /* CM energy of the particle reported in obs (chi_1 / lepton / A') */
#define DY_ANN_QSTAR   14 /* CM momentum of that particle */
#define DY_ANN_GBOOST  15 /* CM -> lab boost gamma = (E+ + m_e)/sqrt(s) */
#define DY_ANN_BGBOOST 16 /* beta gamma = p+/sqrt(s) */
#define DY_ANN_BETAE   17 /* electron velocity in the CM, sqrt(1 - 4 m_e^2/s) */
#define DY_ANN_Y       18 /* gamma A': Y = atanh(beta_e) (range of the angular variable y) */
#define DY_ANN_K       19 /* gamma A': K = omega sqrt(s)/2, omega = photon CM energy */
#define DY_ANN_BEE     20 /* B(A' -> e+e-) at m */
#define DY_ANN_BMUMU   21 /* B(A' -> mu+mu-) at m */
#define DY_ANN_BDM     22 /* B(A' -> DM) at m */

/* Inputs of the setup (plain struct so host code can fill it field by field). */
typedef struct dy_annih_config {
    double m_ap;       /* A' mass, GeV (> 2 m_e for the resonant channels, > 0 for gamma A') */
    double m_chi;      /* DM mass (chi_1 for inelastic), GeV; unused for visible channels */
    double delta;      /* inelastic splitting (m2 - m1)/m1 >= 0 */
    double eps;        /* kinetic mixing (1 = "per eps^2") */
    double alpha_d;    /* dark coupling alpha_D (0 allowed for visible channels) */
    double e_pos;      /* total positron energy, GeV */
    dy_i32 channel;    /* enum dy_annih_channel */
    dy_i32 dm_kind;    /* enum dy_dm_kind */
    dy_i32 width_mode; /* enum dy_annih_width_mode */
    dy_i32 pad_;
    double gamma_had; /* Gamma(A' -> hadrons) at m_ap, GeV (from the R ratio: host
                         physics/rratio.h; 0 = none).  Enters the total width (the BW and the
                         branching ratios); its running is taken as that of a lepton, ~ sqrt(s) */
} dy_annih_config;

/* Defaults: eps = 1, alpha_D = 0.1, Dirac, running width, invisible; masses/energy set to 0. */
DY_DEVICE void dy_annih_config_default(dy_annih_config *c)
{
    c->m_ap = 0.0;
    c->m_chi = 0.0;
    c->delta = 0.0;
    c->eps = 1.0;
    c->alpha_d = 0.1;
    c->e_pos = 0.0;
    c->channel = DY_ANN_CH_INVISIBLE;
    c->dm_kind = DY_DM_DIRAC;
    c->width_mode = DY_ANN_WIDTH_RUNNING;
    c->pad_ = 0;
    c->gamma_had = 0.0;
}

/* ---------- closed forms ---------- */

/* Resonance energy (total positron energy) s(E_R) = m^2:  E_R = (m^2 - 2 m_e^2)/(2 m_e)  [ref
 * §2.1]. */
DY_DEVICE double dy_annih_e_res(double m_ap)
{
    return (m_ap * m_ap - 2.0 * DY_M_E * DY_M_E) / (2.0 * DY_M_E);
}

/* Mandelstam s for a positron of total energy E+ on an electron at rest  [ref §2.1]. */
DY_DEVICE double dy_annih_s(double e_pos)
{
    return 2.0 * DY_M_E * DY_M_E + 2.0 * DY_M_E * e_pos;
}

/* Narrow-width integral  int sigma dE+ = 2 pi^2 alpha eps^2 B (1 + 2 m_e^2/m^2)/(m_e beta_e(m))
 * in pb GeV per electron; B = branching ratio into the final state.  The m_e factors come from
 * keeping the electron mass in Gamma_ee and the flux (docs §2.4); without them it is the
 * reference's 2 pi^2 alpha eps^2 B/m_e [ref §2.3] (relative difference ~ 4 m_e^2/m^2). */
DY_DEVICE double dy_annih_nwa_integral(double m_ap, double eps, double b)
{
    const double r2 = DY_M_E * DY_M_E / (m_ap * m_ap);
    return 2.0 * DY_PI * DY_PI * DY_ALPHA_EM * eps * eps * b * (1.0 + 2.0 * r2) /
           (DY_M_E * DY_SQRT(1.0 - 4.0 * r2)) * DY_GEV2_TO_PB;
}

/* Peak cross section at s = m^2:  12 pi B_ee B_X/(m^2 beta_e(m)^2)  in pb (PDG-type relativistic
 * Breit-Wigner for a J=1 resonance, (2J+1)/4 x 4 pi/k^2; ref §2.3 quotes the m_e -> 0 form). */
DY_DEVICE double dy_annih_sigma_peak(double m_ap, double b_ee, double b_x)
{
    const double be2 = 1.0 - 4.0 * DY_M_E * DY_M_E / (m_ap * m_ap);
    return 12.0 * DY_PI * b_ee * b_x / (m_ap * m_ap * be2) * DY_GEV2_TO_PB;
}

/* Breit-Wigner denominator |s - m^2 + i Im Pi|^2, Im Pi = sqrt(s) Gamma_tot(sqrt(s)) (running) or
 * m Gamma_tot(m) (fixed).  Widths: dy_dark_widths.h. */
DY_DEVICE double dy_annih_bw_den(double s, const dy_annih_config *c)
{
    const double m2 = c->m_ap * c->m_ap;
    double ip;
    if (c->width_mode == DY_ANN_WIDTH_FIXED) {
        const dy_ap_widths w =
            dy_ap_widths_at(c->m_ap, c->eps, c->alpha_d, c->m_chi, c->delta, c->dm_kind);
        ip = c->m_ap * (w.total + c->gamma_had);
    } else {
        const double rs = DY_SQRT(s);
        const dy_ap_widths w =
            dy_ap_widths_at(rs, c->eps, c->alpha_d, c->m_chi, c->delta, c->dm_kind);
        ip = rs * (w.total + c->gamma_had * (rs / c->m_ap));
    }
    return (s - m2) * (s - m2) + ip * ip;
}

/* e+e- -> gamma A' exact total cross section (electron mass kept everywhere), pb.
 * sigma = (pi alpha^2 eps^2/s)(1 - M^2/s)/beta_e^2 * I,
 * I = 8Y - 4 beta + M^2 s Y/K^2 + 8 m_e^2 Y/K - (4 m_e^4 Y + beta m_e^2 s)/K^2 - M^2 beta s/(2K^2),
 * beta = beta_e, Y = atanh(beta), K = omega sqrt(s)/2, omega = (s - M^2)/(2 sqrt(s)).
 * Derived in docs §2.5 from |M|^2 (explicit traces); m_e -> 0 gives ref §2.4 plus -2M^2/(s-M^2). */
DY_DEVICE double dy_annih_sigma_gamma_ap(double m_ap, double eps, double e_pos)
{
    const double me = DY_M_E, me2 = me * me, M2 = m_ap * m_ap;
    const double s = dy_annih_s(e_pos), rs = DY_SQRT(s);
    const double b2 = 1.0 - 4.0 * me2 / s, b = DY_SQRT(b2);
    const double Y = DY_LOG((1.0 + b) * rs / (2.0 * me));
    const double K = 0.25 * (s - M2), K2 = K * K;
    double I;
    if (s <= M2) return 0.0;
    I = 8.0 * Y - 4.0 * b + M2 * s * Y / K2 + 8.0 * me2 * Y / K -
        (4.0 * me2 * me2 * Y + b * me2 * s) / K2 - M2 * b * s / (2.0 * K2);
    return DY_PI * DY_ALPHA_EM * DY_ALPHA_EM * eps * eps / s * (1.0 - M2 / s) / b2 * I *
           DY_GEV2_TO_PB;
}

/* Leading-log form quoted in ref §2.4 (collinear cut-off by m_e, m_e -> 0 elsewhere), pb:
 * (4 pi alpha^2 eps^2/s)[(s^2 + M^4)/(s(s - M^2)) ln(s/m_e^2) - (s - M^2)/s].  Kept for comparison
 * with published numbers only: it misses the -2M^2/(s-M^2) soft-photon term of the exact result. */
DY_DEVICE double dy_annih_sigma_gamma_ap_ll(double m_ap, double eps, double e_pos)
{
    const double s = dy_annih_s(e_pos), M2 = m_ap * m_ap;
    if (s <= M2) return 0.0;
    return 4.0 * DY_PI * DY_ALPHA_EM * DY_ALPHA_EM * eps * eps / s *
           ((s * s + M2 * M2) / (s * (s - M2)) * DY_LOG(s / (DY_M_E * DY_M_E)) - (s - M2) / s) *
           DY_GEV2_TO_PB;
}

/* Spin- and polarisation-summed |M|^2 of e-(p1) e+(p2) -> gamma(k) A'(M) divided by 8 e^4 eps^2,
 * as a function of a = p1.k, b = p2.k (GeV^2):
 * F = a/b + b/a + M^2 s/(2ab) + 2 m_e^2 (1/a + 1/b) - m_e^4 (1/a + 1/b)^2 - (m_e^2 M^2/2)(1/a^2 +
 * 1/b^2). M = 0 gives the massive-electron e+e- -> gamma gamma result (Peskin-Schroeder Eq. 5.105).
 */
DY_DEVICE double dy_annih_gamma_ap_F(double s, double m_ap, double a, double b)
{
    const double me2 = DY_M_E * DY_M_E, M2 = m_ap * m_ap, ia = 1.0 / a, ib = 1.0 / b;
    return a * ib + b * ia + M2 * s * 0.5 * ia * ib + 2.0 * me2 * (ia + ib) -
           me2 * me2 * (ia + ib) * (ia + ib) - 0.5 * me2 * M2 * (ia * ia + ib * ib);
}

/* Closed-form total sigma(E+) for the configuration, pb per electron (0 if not physical):
 *   Dirac   : (4 pi/3) alpha eps^2 alpha_D beta (s + 2 m_chi^2)(1 + 2 m_e^2/s)/(beta_e D)  [ref
 * §2.3] scalar  : (pi/3) alpha eps^2 alpha_D beta^3 s (1 + 2 m_e^2/s)/(beta_e D)              [ref
 * §2.3] others  : 12 pi Gamma_ee(sqrt s) Gamma_X(sqrt s)/(beta_e^2 D)   (docs §2.3) gamma A':
 * dy_annih_sigma_gamma_ap. The (1 + 2 m_e^2/s)/beta_e factors restore the electron mass dropped in
 * ref §2.3. */
DY_DEVICE double dy_annih_sigma_total(const dy_annih_config *c)
{
    const double me2 = DY_M_E * DY_M_E;
    const double s = dy_annih_s(c->e_pos), rs = DY_SQRT(s);
    const double be = DY_SQRT(1.0 - 4.0 * me2 / s);
    double D, gx;
    if (c->channel == DY_ANN_CH_GAMMA_AP) return dy_annih_sigma_gamma_ap(c->m_ap, c->eps, c->e_pos);
    D = dy_annih_bw_den(s, c);
    if (c->channel == DY_ANN_CH_INVISIBLE) {
        const double mc2 = c->m_chi * c->m_chi;
        const double b2 = 1.0 - 4.0 * mc2 / s;
        const double pre = DY_ALPHA_EM * c->eps * c->eps * c->alpha_d;
        if (c->dm_kind == DY_DM_DIRAC) {
            if (b2 <= 0.0) return 0.0;
            return 4.0 * DY_PI / 3.0 * pre * DY_SQRT(b2) * (s + 2.0 * mc2) * (1.0 + 2.0 * me2 / s) /
                   (be * D) * DY_GEV2_TO_PB;
        }
        if (c->dm_kind == DY_DM_SCALAR) {
            if (b2 <= 0.0) return 0.0;
            return DY_PI / 3.0 * pre * b2 * DY_SQRT(b2) * s * (1.0 + 2.0 * me2 / s) / (be * D) *
                   DY_GEV2_TO_PB;
        }
        gx = dy_width_ap_dm(rs, c->alpha_d, c->m_chi, c->delta, c->dm_kind);
    } else if (c->channel == DY_ANN_CH_EE) {
        gx = dy_width_ap_ll(rs, c->eps, DY_M_E);
    } else if (c->channel == DY_ANN_CH_MUMU) {
        gx = dy_width_ap_ll(rs, c->eps, DY_M_MU);
    } else {
        return 0.0;
    }
    return 12.0 * DY_PI * dy_width_ap_ll(rs, c->eps, DY_M_E) * gx / (be * be * D) * DY_GEV2_TO_PB;
}

/* ---------- setup ---------- */

/* Fills p->par / p->ipar / p->dim (= 1) from the configuration; returns enum dy_annih_status (also
 * stored in ipar[3]).  A non-OK status leaves NORM = 0, so the integrand is an explicit zero.
 * Does not touch p->id or p->process. */
DY_DEVICE int dy_proc_annihilation_setup(dy_params *p, const dy_annih_config *c)
{
    const double me = DY_M_E, me2 = me * me;
    double s, rs, be2, be, m3 = 0.0, m4 = 0.0, ax = 0.0, sym = 1.0, q, D, C0 = 0.0, C2 = 0.0;
    int st = DY_ANN_OK, i;
    dy_ap_widths w;
    for (i = 0; i < DY_NPAR; ++i)
        p->par[i] = 0.0;
    p->dim = 1;
    p->ipar[0] = c->channel;
    p->ipar[1] = c->dm_kind;
    p->ipar[2] = c->width_mode;
    p->par[DY_ANN_MAP] = c->m_ap;
    p->par[DY_ANN_M1] = c->m_chi;
    p->par[DY_ANN_M2] = c->m_chi * (c->dm_kind == DY_DM_INELASTIC ? 1.0 + c->delta : 1.0);
    p->par[DY_ANN_DELTA] = c->delta;
    p->par[DY_ANN_EPS] = c->eps;
    p->par[DY_ANN_ALPHAD] = c->alpha_d;
    p->par[DY_ANN_EPOS] = c->e_pos;

    /* input validation */
    if (!(c->m_ap > (c->channel == DY_ANN_CH_GAMMA_AP ? 0.0 : 2.0 * me)) || !(c->e_pos >= me) ||
        !(c->eps > 0.0) || !(c->alpha_d >= 0.0) || !(c->gamma_had >= 0.0) || c->channel < 0 ||
        c->channel > DY_ANN_CH_GAMMA_AP || c->width_mode < 0 ||
        c->width_mode > DY_ANN_WIDTH_FIXED || c->dm_kind < 0 || c->dm_kind > DY_DM_INELASTIC)
        st = DY_ANN_BAD_INPUT;
    if (st == DY_ANN_OK && c->channel == DY_ANN_CH_INVISIBLE &&
        (!(c->m_chi > 0.0) || !(c->alpha_d > 0.0) || !(c->delta >= 0.0)))
        st = DY_ANN_BAD_INPUT;
    if (st != DY_ANN_OK) {
        p->ipar[3] = st;
        return st;
    }

    s = dy_annih_s(c->e_pos);
    rs = DY_SQRT(s);
    be2 = 1.0 - 4.0 * me2 / s;
    be = DY_SQRT(be2);
    p->par[DY_ANN_S] = s;
    p->par[DY_ANN_BETAE] = be;
    p->par[DY_ANN_GBOOST] = (c->e_pos + me) / rs;
    p->par[DY_ANN_BGBOOST] = DY_SQRT((c->e_pos - me) * (c->e_pos + me)) / rs;
    w = dy_ap_widths_at(c->m_ap, c->eps, c->alpha_d, c->m_chi, c->delta, c->dm_kind);
    w.total += c->gamma_had; /* hadrons from the R ratio, if the host gave them */
    p->par[DY_ANN_GAMMA] = w.total;
    if (w.total > 0.0) { /* zero only for a gamma A' with m_A' < 2 m_e and no DM channel */
        p->par[DY_ANN_BEE] = w.ee / w.total;
        p->par[DY_ANN_BMUMU] = w.mumu / w.total;
        p->par[DY_ANN_BDM] = w.dm / w.total;
    }

    if (c->channel == DY_ANN_CH_GAMMA_AP) {
        const double M2 = c->m_ap * c->m_ap;
        const double Y = DY_LOG((1.0 + be) * rs / (2.0 * me)); /* atanh(beta_e) */
        if (s <= M2) {
            p->ipar[3] = DY_ANN_BELOW_THRESHOLD;
            return DY_ANN_BELOW_THRESHOLD;
        }
        p->par[DY_ANN_Y] = Y;
        p->par[DY_ANN_K] = 0.25 * (s - M2);
        p->par[DY_ANN_ESTAR] = (s + M2) / (2.0 * rs);
        p->par[DY_ANN_QSTAR] = (s - M2) / (2.0 * rs);
        /* dsigma/dc = (pi alpha^2 eps^2/s)(1 - M^2/s) F/beta_e; c = tanh(y)/beta_e, y = Y(2u-1):
         * dsigma/du = (pi alpha^2 eps^2/s)(1 - M^2/s)(2Y/beta_e^2) G(y), G = F sech^2 y (docs §2.5)
         */
        p->par[DY_ANN_NORM] = DY_PI * DY_ALPHA_EM * DY_ALPHA_EM * c->eps * c->eps / s *
                              (1.0 - M2 / s) * 2.0 * Y / be2 * DY_GEV2_TO_PB;
        p->par[DY_ANN_SIGMA] = dy_annih_sigma_gamma_ap(c->m_ap, c->eps, c->e_pos);
        p->ipar[3] = DY_ANN_OK;
        return DY_ANN_OK;
    }

    /* resonant: final-state masses m3, m4 and final-state coupling alpha_X */
    if (c->channel == DY_ANN_CH_INVISIBLE) {
        m3 = p->par[DY_ANN_M1];
        m4 = p->par[DY_ANN_M2];
        ax = c->alpha_d;
        if (c->dm_kind == DY_DM_MAJORANA) sym = 0.5; /* identical particles */
    } else {
        m3 = m4 = (c->channel == DY_ANN_CH_EE) ? DY_M_E : DY_M_MU;
        ax = DY_ALPHA_EM * c->eps * c->eps;
    }
    if (m3 + m4 >= c->m_ap)
        st = DY_ANN_DECAY_CLOSED;
    else if (rs <= m3 + m4)
        st = DY_ANN_BELOW_THRESHOLD;
    if (st != DY_ANN_OK) {
        p->ipar[3] = st;
        return st;
    }
    q = dy_two_body_q(rs, m3, m4);
    p->par[DY_ANN_QSTAR] = q;
    p->par[DY_ANN_ESTAR] = (s + m3 * m3 - m4 * m4) / (2.0 * rs); /* E1 = (s+m1^2-m2^2)/(2 sqrt s) */
    {
        /* L_{mu nu} H^{mu nu} / (s^2/4) = C0 + C2 cos^2 theta*, from the traces in docs §2.2 */
        const double bx2 = 4.0 * q * q / s; /* = beta^2 for equal masses */
        const int kind = (c->channel == DY_ANN_CH_INVISIBLE) ? c->dm_kind : DY_DM_DIRAC;
        if (kind == DY_DM_DIRAC) {
            C0 = 1.0 + 4.0 * (me2 + m3 * m3) / s;
            C2 = be2 * bx2;
        } else if (kind == DY_DM_SCALAR) {
            C0 = 0.5 * bx2;
            C2 = -0.5 * be2 * bx2;
        } else if (kind == DY_DM_MAJORANA) {
            C0 = bx2 * (1.0 + 4.0 * me2 / s);
            C2 = bx2 * be2;
        } else { /* inelastic, vector current chi2bar gamma chi1 */
            const double e3 = p->par[DY_ANN_ESTAR], e4 = rs - e3;
            C0 =
                4.0 / (s * s) * (s * (e3 * e4 + m3 * m4) + 2.0 * me2 * (e3 * e4 + q * q + m3 * m4));
            C2 = be2 * 4.0 * q * q / s;
        }
    }
    D = dy_annih_bw_den(s, c);
    p->par[DY_ANN_C0] = C0;
    p->par[DY_ANN_C2] = C2;
    /* dsigma/dcos = (pi/2) alpha eps^2 alpha_X s (q/k)(C0 + C2 c^2)/D x sym, k = sqrt(s) beta_e/2;
     * x 2 for dcos/du. */
    p->par[DY_ANN_NORM] = DY_PI * DY_ALPHA_EM * c->eps * c->eps * ax * s * (2.0 * q / (rs * be)) /
                          D * sym * DY_GEV2_TO_PB;
    p->par[DY_ANN_SIGMA] = dy_annih_sigma_total(c);
    p->ipar[3] = DY_ANN_OK;
    return DY_ANN_OK;
}

/* ---------- integrand ---------- */

/* The integrand's map of the unit cube, shared with the event generator: u[0] in (0,1) -> cos
 * (*c) and sin (*sn) of the CM angle of the reported particle (chi_1 / l- / A') w.r.t. the
 * positron direction; gamma A' also returns T = tanh y and sech^2 y (else 0).  Returns 0 where
 * the point gives no contribution (non-OK status, u outside (0,1)). */
DY_DEVICE int dy_proc_annihilation_point(const dy_params *p, const double *u, double *c, double *sn,
                                         double *T, double *sech2)
{
    const double *par = p->par;
    const double u0 = u[0];
    *c = 0.0;
    *sn = 0.0;
    *T = 0.0;
    *sech2 = 0.0;
    if (p->ipar[3] != DY_ANN_OK || !(u0 > 0.0 && u0 < 1.0)) return 0;
    if (p->ipar[0] == DY_ANN_CH_GAMMA_AP) {
        /* y uniform in (-Y, Y), c = tanh(y)/beta_e: flattens the collinear 1/(1 - beta_e^2 c^2)
         * peaks */
        const double Y = par[DY_ANN_Y], s = par[DY_ANN_S], be = par[DY_ANN_BETAE];
        const double me2 = DY_M_E * DY_M_E;
        const double y = Y * (2.0 * u0 - 1.0);
        const double e2y = DY_EXP(-2.0 * DY_FABS(y));
        double sin2;
        *T = tanh(y);
        *sech2 = 4.0 * e2y / ((1.0 + e2y) * (1.0 + e2y)); /* 1 - T^2 without cancellation */
        sin2 = (*sech2 - 4.0 * me2 / s) / (be * be);
        *c = *T / be;
        *sn = (sin2 > 0.0) ? DY_SQRT(sin2) : 0.0;
    } else {
        *c = 2.0 * u0 - 1.0;
        *sn = 2.0 * DY_SQRT(u0 * (1.0 - u0));
    }
    return 1;
}

/* u[0] in (0,1) -> CM angle of the reported particle w.r.t. the positron direction
 * (dy_proc_annihilation_point).  obs[0] = cos theta*, obs[1] = lab energy (chi_1 / l- / A'),
 * obs[2] = lab polar angle, obs[3] = E+. */
DY_DEVICE double dy_proc_annihilation_eval(const dy_params *p, const double *u, double *obs,
                                           dy_u32 nobs)
{
    const double *par = p->par;
    double c, sn, T, sech2, f, el, pz, pt;
    obs[0] = 0.0;
    obs[1] = 0.0;
    obs[2] = 0.0;
    obs[3] = par[DY_ANN_EPOS];
    if (!dy_proc_annihilation_point(p, u, &c, &sn, &T, &sech2)) return 0.0;
    if (p->ipar[0] == DY_ANN_CH_GAMMA_AP) {
        const double K = par[DY_ANN_K], s = par[DY_ANN_S];
        const double M2 = par[DY_ANN_MAP] * par[DY_ANN_MAP];
        const double me2 = DY_M_E * DY_M_E;
        const double ch2 = 1.0 / sech2;
        const double G = 2.0 * (1.0 + T * T) + M2 * s / (2.0 * K * K) + 4.0 * me2 / K -
                         4.0 * me2 * me2 * ch2 / (K * K) - me2 * M2 * (2.0 * ch2 - 1.0) / (K * K);
        f = par[DY_ANN_NORM] * G;
    } else {
        f = par[DY_ANN_NORM] * (par[DY_ANN_C0] + par[DY_ANN_C2] * c * c);
    }
    /* boost the reported particle (E*, q sin, 0, q cos) along +z */
    el = par[DY_ANN_GBOOST] * par[DY_ANN_ESTAR] + par[DY_ANN_BGBOOST] * par[DY_ANN_QSTAR] * c;
    pz = par[DY_ANN_BGBOOST] * par[DY_ANN_ESTAR] + par[DY_ANN_GBOOST] * par[DY_ANN_QSTAR] * c;
    pt = par[DY_ANN_QSTAR] * sn;
    obs[0] = c;
    obs[1] = el;
    obs[2] = nobs > 2 ? atan2(pt, pz) : 0.0; /* only when asked: atan2 is costly */
    return f;
}

/* Closed-form total stored by the setup (pb), for the engine's self-checks. */
DY_DEVICE double dy_proc_annihilation_sigma_total(const dy_params *p)
{
    return p->par[DY_ANN_SIGMA];
}

#endif
