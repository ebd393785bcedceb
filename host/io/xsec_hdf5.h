/* xsec_hdf5.h — cross-section tables of `darkyield xsec --format hdf5`: one dataset per column. */
#ifndef DY_XSEC_HDF5_H
#define DY_XSEC_HDF5_H
#include <stdint.h>
#include "darkyield/dy_status.h"
#include "io/outset.h"

typedef struct dy_xsec_table {
    int n; /* rows */
    const double *energy_GeV, *mass_GeV, *sigma, *error, *chi2_dof, *q;
    const uint64_t *n_eval;
    const int *converged;
    const char *const *method; /* per row */
    const char *const *unit;   /* per row: "pb" or "pb*GeV" */
    /* attributes */
    const char *process, *lepton, *mediator, *version, *command;
    double Z, A, coupling;
    /* the coupling (physics/couplings.h) and the conventions behind every number */
    const char *model, *coupling_name, *coupling_unit, *coupling_definition;
    const char *form_factor, *conventions, *notes;
    /* how it was computed: the engine's seed, backend and device ("none" when only closed-form
     * methods ran), the precision goal and budget per integral */
    uint64_t seed;
    const char *backend, *device;
    double precision;
    uint64_t max_eval;
} dy_xsec_table;

/* Write the table to path (unique temporary, renamed when complete; "-" = standard output). */
dy_status dy_write_xsec_hdf5(const char *path, const dy_xsec_table *t, dy_error *err);
/* The same file as a member of an output set (committed, or aborted, by the caller). */
dy_status dy_write_xsec_hdf5_to(dy_outset *set, const char *path, const dy_xsec_table *t,
                                dy_error *err);
#endif
