/* hepdata.c — HEPData submission writer (see hepdata.h; format: hepdata-submission schema as
 * produced by hepdata_lib: submission.yaml with '---'-separated documents, table YAML files). */
#include "io/hepdata.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "io/outset.h"

/* A single-quoted YAML scalar ('' escapes a quote; newlines become spaces). */
static void q(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; s && *s; ++s) {
        if (*s == '\'')
            fputs("''", f);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', f);
        else
            fputc(*s, f);
    }
    fputc('\'', f);
}

/* A number that YAML 1.1 readers (PyYAML) also take as a float: "1e-05" would be a string
 * there, so a mantissa without '.' gets ".0" ("1.0e-05"). */
static void num(FILE *f, double x)
{
    char b[64];
    if (!isfinite(x)) {
        fputs("'-'", f);
        return;
    }
    snprintf(b, sizeof b, "%.*g", DY_HEP_DIGITS, x);
    char *e = strchr(b, 'e');
    if (e && !strchr(b, '.')) {
        char tail[32];
        snprintf(tail, sizeof tail, "%s", e);
        snprintf(e, sizeof b - (size_t)(e - b), ".0%s", tail);
    }
    fputs(b, f);
}

static void var(FILE *f, const dy_hep_var *v, int n)
{
    fputs("- header: {name: ", f);
    q(f, v->name);
    fputs(", units: ", f);
    q(f, v->units ? v->units : "");
    fputs("}\n", f);
    if (v->n_qual > 0) {
        fputs("  qualifiers:\n", f);
        for (int i = 0; i < v->n_qual; ++i) {
            fputs("  - {name: ", f);
            q(f, v->qual_name[i]);
            fputs(", value: ", f);
            q(f, v->qual_value[i]);
            fputs("}\n", f);
        }
    }
    fputs("  values:\n", f);
    for (int i = 0; i < n; ++i) {
        fputs("  - value: ", f);
        num(f, v->values[i]);
        fputc('\n', f);
        if (v->err_minus && v->err_plus && isfinite(v->values[i]) && isfinite(v->err_minus[i]) &&
            isfinite(v->err_plus[i]) && (v->err_minus[i] != 0.0 || v->err_plus[i] != 0.0)) {
            fputs("    errors:\n    - asymerror: {minus: ", f);
            num(f, -fabs(v->err_minus[i]));
            fputs(", plus: ", f);
            num(f, fabs(v->err_plus[i]));
            fputs("}\n      label: ", f);
            q(f, v->err_label ? v->err_label : "1 sigma");
            fputc('\n', f);
        }
    }
}

dy_status dy_hepdata_write_to(dy_outset *set, const char *dir, const char *comment,
                              const dy_hep_table *t, int n, dy_error *err)
{
    char path[4200];
    FILE *f;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return dy_error_set(err, DY_ERR_IO, "cannot create %s: %s", dir, strerror(errno));
    for (int k = 0; k < n; ++k) {
        if (!t[k].data_file || strchr(t[k].data_file, '/') || t[k].n_points < 1)
            return dy_error_set(err, DY_ERR_INVALID, "hepdata: bad table %d", k);
        snprintf(path, sizeof path, "%s/%s", dir, t[k].data_file);
        if (!(f = dy_outset_add(set, path, err))) return err ? err->status : DY_ERR_IO;
        fputs("independent_variables:\n", f);
        var(f, &t[k].indep, t[k].n_points);
        fputs("dependent_variables:\n", f);
        for (int d = 0; d < t[k].n_dep; ++d)
            var(f, &t[k].dep[d], t[k].n_points);
    }
    snprintf(path, sizeof path, "%s/submission.yaml", dir);
    if (!(f = dy_outset_add(set, path, err))) return err ? err->status : DY_ERR_IO;
    fputs("---\ncomment: ", f);
    q(f, comment);
    fputc('\n', f);
    for (int k = 0; k < n; ++k) {
        fputs("---\nname: ", f);
        q(f, t[k].name);
        fputs("\ndescription: ", f);
        q(f, t[k].description);
        fputs("\nkeywords:\n- name: observables\n  values: [", f);
        q(f, t[k].observable ? t[k].observable : t[k].dep[0].name);
        fputs("]\ndata_file: ", f);
        q(f, t[k].data_file);
        fputc('\n', f);
    }
    return DY_OK;
}

dy_status dy_hepdata_write(const char *dir, const char *comment, const dy_hep_table *t, int n,
                           dy_error *err)
{
    dy_outset set;
    dy_outset_init(&set);
    const dy_status st = dy_hepdata_write_to(&set, dir, comment, t, n, err);
    if (st != DY_OK) {
        dy_outset_abort(&set);
        return st;
    }
    return dy_outset_commit(&set, err);
}
