/* hepdata.h — HEPData YAML output as hepdata_lib writes it: a submission.yaml (one document with
 * the comment, then one per table: name, description, keywords, data_file) and one data file
 * per table with independent_variables / dependent_variables, each a header {name, units} and
 * values [{value: x}] (asymmetric errors optional).  Numbers keep DY_HEP_DIGITS significant
 * digits (no fewer than the CSV files).  The files are one output set (io/outset.h): renamed
 * into place together when all are complete. */
#ifndef DY_HEPDATA_H
#define DY_HEPDATA_H
#include "darkyield/dy_status.h"
#include "io/outset.h"

#define DY_HEP_MAX_DEP  6
#define DY_HEP_DIGITS   10
#define DY_HEP_MAX_QUAL 6

typedef struct dy_hep_var {
    const char *name, *units;
    const double *values;               /* n_points; NaN or inf is written as '-' */
    const double *err_minus, *err_plus; /* optional: asymerror {minus: -x, plus: +y}; left out
                                           where both are 0 (HEPData rejects all-zero errors) */
    const char *err_label;              /* e.g. "expected 1 sigma" */
    int n_qual;
    const char *qual_name[DY_HEP_MAX_QUAL], *qual_value[DY_HEP_MAX_QUAL];
} dy_hep_var;

typedef struct dy_hep_table {
    const char *name, *description, *data_file; /* data_file: plain name like "observed.yaml" */
    const char *observable;                     /* keywords: observables */
    int n_points;
    dy_hep_var indep;
    int n_dep;
    dy_hep_var dep[DY_HEP_MAX_DEP];
} dy_hep_table;

/* Write dir/<table.data_file> for each table and dir/submission.yaml, committed together.  dir
 * is created if missing (one level). */
dy_status dy_hepdata_write(const char *dir, const char *comment, const dy_hep_table *tables,
                           int n_tables, dy_error *err);
/* The same files as members of the output set (committed, or aborted, by the caller). */
dy_status dy_hepdata_write_to(dy_outset *set, const char *dir, const char *comment,
                              const dy_hep_table *tables, int n_tables, dy_error *err);
#endif
