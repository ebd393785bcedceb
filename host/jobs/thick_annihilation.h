/* thick_annihilation.h — unweighted thick-target events of resonant annihilation of shower (or
 * beam) positrons on atomic electrons, e+ e- -> A'* -> chi chi (or l+ l-): the positron energy E+
 * is drawn from n_e T+(E+) sigma(E+), the integrand of the run's yield (docs/yields.md), by
 * accept-reject against one bound, then the final state at that E+ as the thin-target generator
 * draws it (docs/events.md, "Thick targets: annihilation").
 *
 * Proposal for E+ (a mixture, Devroye (1986) ch. II's composition, inversion and rejection;
 * every piece exact, the weight W = target / proposal density):
 *   A  the fixed-width Breit-Wigner in s, 1/((s - m^2)^2 + (m Gamma)^2), by inverse CDF (atan)
 *      over [E_thr, E0]: it follows the resonance, however narrow;
 *   H  cells (128 uniform in ln E+ below E_a = max(E_thr, E0/2), 8 per octave of
 *      lambda = -ln(1 - E+/E0) above, up to lambda = 64, as the run's fold), each drawn with its
 *      estimated share of the yield: it follows T+ sigma off the peak and the primary positron's
 *      pile-up at E0;
 *   C  E+ = E0 with the positrons' path beyond lambda = 64 (the fold's last point), when
 *      non-zero.
 * Above E_a the densities are taken per unit lambda (dL/dlambda is smooth where T+ is not),
 * below per unit E+, as the run's quadrature does.  The mean weight is N_total per incident
 * particle; w_max, restarts and passes are dy_unweight_accept's (unweight.h).
 * Final state at E+: visible, ee or mumu with probability sigma_ee : sigma_mumu; the CM angle
 * c = cos theta* by accept-reject on dsigma/dc = NORM (C0 + C2 c^2) (dy_proc_annihilation.h);
 * the azimuth uniform.  The same seed gives the same events, bit for bit. */
#ifndef DY_THICK_ANNIHILATION_H
#define DY_THICK_ANNIHILATION_H
#include <stdint.h>
#include "jobs/run.h"
#include "jobs/thick_events.h"
#include "physics/annihilation_event.h"

#define DY_THICK_ANN_ITER_PILOT 0x300000u
#define DY_THICK_ANN_ITER_GEN   0x300001u /* pass k: + k */

typedef struct dy_thick_ann_cell {
    double lo, hi; /* ln E+ (lam 0) or lambda (lam 1) */
    int lam;
} dy_thick_ann_cell;

typedef struct dy_thick_ann {
    dy_run_ann_view v;
    double E0, E_a, lam_a;  /* per unit E+ below E_a, per unit lambda from lam_a up to 64 */
    double G, th_lo, th_hi; /* A: x = (s - m^2)/G, theta = atan x in [th_lo, th_hi] */
    double pA, pH, pC;      /* mixture probabilities */
    int nc;
    dy_thick_ann_cell *cell;
    double *q, *cum;     /* [nc]: cell probabilities and their running sum */
    double L_rest, atom; /* path beyond lambda = 64 (cm) and its yield per incident particle */
    uint64_t key, seed;
    dy_unweight_stats st; /* mean_w +- mean_w_error: N_total per incident particle */
    dy_unweight_draw *draws;
    uint64_t n_events;
    double seconds_unweight;
} dy_thick_ann;

/* Build the proposal of the view (which must outlive t): DY_ERR_INVALID, naming the reason,
 * where the run's annihilation is something these events do not reproduce (electron motion or
 * ISR, a beam-energy spread, hadronic decays, an off-shell continuum only) or vanishes. */
dy_status dy_thick_ann_init(dy_thick_ann *t, const dy_run_ann_view *v, dy_error *err);

/* Draw uo->n_events events (uo->seed, n_pilot, safety, max_restarts, max_draws). */
dy_status dy_thick_ann_unweight(dy_thick_ann *t, const dy_unweight_options *uo, dy_error *err);

/* Event i: e+ (line 1, energy E+), e- at rest, A'* (ap_pdg, status 2), its two daughters.
 * 0, or -1 when the draw lies outside phase space.  *E_pos (may be NULL) gets E+. */
int dy_thick_ann_event(const dy_thick_ann *t, uint64_t i, int ap_pdg, dy_event *ev, double *E_pos);

void dy_thick_ann_free(dy_thick_ann *t);
#endif
