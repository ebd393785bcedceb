/* conventions.h — the conventions behind the numbers, as one-line texts that every output records
 * (CSV comment lines, HDF5 attributes), so a table can be compared with another code without
 * reading C.  One definition each; docs/physics.md "Conventions" lists the same. */
#ifndef DY_CONVENTIONS_H
#define DY_CONVENTIONS_H

/* Constants, the nucleus and what a cross section is per. */
#define DY_CONV_CONSTANTS                                                                          \
    "alpha = 1/137.035999084; m_e, m_mu PDG; nucleus mass M = A x 0.93149410242 GeV; brem and "    \
    "Primakoff per atom, annihilation per target electron"

/* Brem, exact tree level (kernels/processes/dy_proc_brem.h). */
#define DY_CONV_BREM_ETL                                                                           \
    "brem etl: exact 2->3 tree level, x = E_X/E0 in [m/E0, 1 - m_l/E0], all angles, exact t "      \
    "limits t-(x,theta)..t+(x,theta)"

/* The nuclear form factors (kernels/physics/dy_formfactors.h). */
#define DY_CONV_FF_INELASTIC                                                                       \
    "form factor elastic + inelastic: G2 = Tsai/BEST09 (A18) elastic atomic + nuclear plus the "   \
    "BEST09 (A19, as corrected in PETITE) quasi-elastic proton term"
#define DY_CONV_FF_ELASTIC "form factor elastic: Tsai/BEST09 (A18) atomic screening + nuclear size"

/* The main job's channels (host/jobs/run.c): which conventions its yields carry. */
#define DY_CONV_RUN_BREM                                                                           \
    "brem channels: " DY_CONV_BREM_ETL "; " DY_CONV_FF_INELASTIC                                   \
    "; e+ brem = e- brem (one-photon "                                                             \
    "exchange)"
#define DY_CONV_RUN_PRIMAKOFF                                                                      \
    "primakoff: exact 2->2 gamma Z -> a Z with recoil, all angles; " DY_CONV_FF_ELASTIC
#define DY_CONV_RUN_ANNIHILATION                                                                   \
    "annihilation: e+ e- -> A' -> chi chi closed-form Breit-Wigner with the running width "        \
    "sqrt(s) Gamma(sqrt(s)), electrons free and at rest unless the config's "                      \
    "annihilation.electron_motion / annihilation.isr are on (then narrow-width corrections for "   \
    "the Compton profile and initial-state radiation are added)"
#define DY_CONV_RUN_COMPTON                                                                        \
    "compton: exact tree-level gamma e- -> e- A' on electrons free and at rest, all angles, "      \
    "n_e of the whole material"

#define DY_CONV_RUN_ANNIHILATION_GAMMA                                                             \
    "annihilation-gamma: exact tree-level e+ e- -> gamma A' (t- and u-channel electron exchange, " \
    "m_e kept) on electrons free and at rest, all angles, n_e of the whole material; positrons "   \
    "folded from where the photon's centre-of-mass energy reaches annihilation.photon_min_GeV; "   \
    "E_X = the A' lab energy"

/* How errors of channels combine in 'total'. */
#define DY_CONV_TOTAL_ERRORS                                                                       \
    "'total' = sum over channels; channels that reuse the same MC integrals (brem-e+ uses "        \
    "brem-e-'s) add their errors linearly, independent channels in quadrature"

/* K-factors of `darkyield xsec` (DMG4's convention: sigma_etl = sigma_approx / K). */
#define DY_CONV_KFACTOR "K = sigma_approx / sigma_etl, so sigma_etl = sigma_approx / K (as DMG4)"

/* The run conventions of the channels named in channels (comma-separated channel names), one line
 * per kind present, "; "-joined into buf.  Returns buf. */
char *dy_conventions_run(const char *channels, char *buf, int size);

/* The conventions of the WW-family approximations for the given t_max mode (enum
 * dy_brem_tmax_mode) and theta_max (rad), into buf.  Returns buf. */
char *dy_conventions_ww(int tmax_mode, double theta_max, char *buf, int size);
#endif
