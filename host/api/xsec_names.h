/* xsec_names.h — the names of `darkyield xsec`'s options (process, mediator, lepton, target,
 * form factor, DM kind, final state, channel, WW t_max) turned into a dy_xsec_request, shared by
 * the command line and the public API so both accept and refuse the same values with the same
 * words.  Messages start with the option's name as the command spells it ("target 'X': ...");
 * the command line puts "--" in front.  NULL is the option's default (process: brem). */
#ifndef DY_XSEC_NAMES_H
#define DY_XSEC_NAMES_H
#include "darkyield/dy_status.h"
#include "physics/xsec.h"

dy_status dy_xsec_names_process(const char *process, dy_xsec_request *r, dy_error *err);
/* After the process: the model that names the coupling (brem: the mediator; primakoff: the ALP
 * and its parity; annihilation: the dark photon, no mediator allowed); primakoff switches the
 * default form factor to elastic. */
dy_status dy_xsec_names_model(const char *process, const char *mediator, dy_xsec_request *r,
                              dy_error *err);
dy_status dy_xsec_names_lepton(const char *lepton, dy_xsec_request *r, dy_error *err);
dy_status dy_xsec_names_form_factor(const char *ff, dy_xsec_request *r, dy_error *err);
/* An element name (one element: cross sections are per atom) or "Z,A"; NULL only for
 * annihilation (per electron). */
dy_status dy_xsec_names_target(const char *target, dy_xsec_request *r, dy_error *err);
dy_status dy_xsec_names_annihilation(const char *dm_kind, const char *final_state,
                                     const char *channel, dy_xsec_request *r, dy_error *err);
dy_status dy_xsec_names_ww_tmax(const char *tmax, dy_xsec_request *r, dy_error *err);

/* "dirac", "scalar", "majorana", "inelastic" for dm_kind 0..3. */
const char *dy_xsec_dm_kind_name(int kind);
#endif
