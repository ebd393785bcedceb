/* pyhf_export.c — HistFactory JSON workspaces (L. Heinrich et al., pyhf, JOSS 6 (2021) 2823;
 * schema https://scikit-hep.org/pyhf/likelihood.html).  Log-normal factors (1+sigma)^theta are
 * normsys modifiers with hi = 1+sigma, lo = 1/(1+sigma) under pyhf's default interpolation code 1
 * (exponential), whose constraint is a unit Gaussian: the likelihood of profile.c. */
#include "io/pyhf_export.h"

static void normsys(FILE *f, const char *name, const char *set, double sigma)
{
    fprintf(f,
            ",\n          {\"name\": \"%s%s%s\", \"type\": \"normsys\", \"data\": {\"hi\": %.17g, "
            "\"lo\": %.17g}}",
            name, set[0] ? "_" : "", set, 1.0 + sigma, 1.0 / (1.0 + sigma));
}

void dy_pyhf_write(FILE *f, const dy_pl_model *m, const char (*names)[64], double scale)
{
    fprintf(f, "{\n  \"version\": \"1.0.0\",\n  \"channels\": [");
    for (int d = 0; d < m->n_bins; ++d) {
        const dy_pl_bin *b = &m->bin[d];
        fprintf(f, "%s\n    {\"name\": \"%s\", \"samples\": [\n", d ? "," : "", names[d]);
        fprintf(f, "      {\"name\": \"signal\", \"data\": [%.17g], \"modifiers\": [\n",
                b->s * scale);
        fprintf(f, "          {\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null}");
        if (b->se > 0.0) normsys(f, "eff", names[d], b->se);
        if (b->sp > 0.0) normsys(f, "pot", names[d], b->sp);
        if (b->sy > 0.0) normsys(f, "yield", "", b->sy);
        if (b->ss > 0.0) normsys(f, "shared_signal", "", b->ss); /* one parameter: same name */
        fprintf(f, "]}");
        if (b->b > 0.0) { /* no background sample without background */
            fprintf(f, ",\n      {\"name\": \"background\", \"data\": [%.17g], \"modifiers\": [",
                    b->b);
            const char *sep = "";
            if (b->sb > 0.0) {
                fprintf(f,
                        "\n          {\"name\": \"bkg_%s\", \"type\": \"normsys\", \"data\": "
                        "{\"hi\": %.17g, \"lo\": %.17g}}",
                        names[d], 1.0 + b->sb, 1.0 / (1.0 + b->sb));
                sep = ",";
            }
            if (b->sbs > 0.0)
                fprintf(f,
                        "%s\n          {\"name\": \"shared_background\", \"type\": \"normsys\", "
                        "\"data\": {\"hi\": %.17g, \"lo\": %.17g}}",
                        sep, 1.0 + b->sbs, 1.0 / (1.0 + b->sbs));
            fprintf(f, "]}");
        }
        fprintf(f, "\n    ]}");
    }
    fprintf(f, "\n  ],\n  \"observations\": [");
    for (int d = 0; d < m->n_bins; ++d)
        fprintf(f, "%s\n    {\"name\": \"%s\", \"data\": [%d]}", d ? "," : "", names[d],
                m->bin[d].n);
    fprintf(
        f, "\n  ],\n  \"measurements\": [\n    {\"name\": \"limit\", \"config\": {\"poi\": \"mu\", "
           "\"parameters\": [{\"name\": \"mu\", \"bounds\": [[0.0, 100.0]], \"inits\": [1.0]}]}}\n "
           " ]\n}\n");
}
