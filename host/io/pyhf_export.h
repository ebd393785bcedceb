/* pyhf_export.h — one HistFactory JSON workspace (pyhf schema 1.0.0) per mass: a channel per data
 * set with a signal sample (normfactor mu; normsys eff_<set>, pot_<set> and the shared 'yield'
 * and 'shared_signal') and a background sample (normsys bkg_<set> and 'shared_background'), the
 * observed counts, and the measurement with the POI mu.  The same likelihood as
 * host/physics/profile.h (docs/limits.md §8). */
#ifndef DY_PYHF_EXPORT_H
#define DY_PYHF_EXPORT_H
#include <stdio.h>
#include "physics/profile.h"

/* Write the workspace of model m (signal s_d times scale: the events at mu = 1) with the data
 * set names names[d] (letters, digits, . _ + -) to f. */
void dy_pyhf_write(FILE *f, const dy_pl_model *m, const char (*names)[64], double scale);
#endif
