/* couplings.h — every model's own named coupling, and the one place where it is converted into
 * what the kernels compute with.  The kernels evaluate brem with alpha_X = c^2 alpha (vector) or
 * c^2/4pi (S, P, A) and Primakoff with g_agg = c; a model's coupling g relates to them through
 * alpha_X(g), so yield(g) = kernel_factor g^2 yield_kernel(c = 1).  Sources: docs/physics.md
 * "Couplings", docs/references.md. */
#ifndef DY_COUPLINGS_H
#define DY_COUPLINGS_H
#include "darkyield/dy_status.h"

typedef enum dy_model {
    DY_MODEL_DARK_PHOTON = 0,  /* "vector": kinetically mixed A', eps */
    DY_MODEL_LMU_LTAU = 1,     /* "lmu-ltau": L_mu - L_tau Z', gauge coupling g */
    DY_MODEL_B_L = 2,          /* "b-l": B - L Z', gauge coupling g */
    DY_MODEL_SCALAR = 3,       /* "scalar": g_S phi lbar l */
    DY_MODEL_PSEUDOSCALAR = 4, /* "pseudoscalar": i g_P a lbar g5 l */
    DY_MODEL_AXIAL = 5,        /* "axial": g_A A_mu lbar g^mu g5 l */
    DY_MODEL_ALP = 6,          /* "alp": -(g_agg/4) a F Fdual, g_agg in GeV^-1 */
    DY_MODEL_COUNT
} dy_model;

typedef struct dy_coupling_info {
    const char *model;      /* name in configs and on the command line ("vector", "lmu-ltau") */
    const char *particle;   /* "kinetically mixed dark photon A'" */
    const char *name;       /* the coupling, ASCII: "eps", "g_Z'", "g_B-L", "g_S", "g_agg" */
    const char *unit;       /* "1" (dimensionless) or "GeV^-1" */
    const char *definition; /* Lagrangian term and alpha_X, one line */
    int brem_mediator;      /* brem kernel mediator (0 V, 1 S, 2 P, 3 A), -1: no brem */
    int couples_to_e;       /* 1: electron beams radiate it (brem), 0: muons only */
    double kernel_factor;   /* yield(g) = kernel_factor g^2 yield_kernel(1) */
} dy_coupling_info;

/* The model's entry (NULL for an unknown model). */
const dy_coupling_info *dy_coupling_info_of(dy_model m);

/* Model from its config name; -1 when unknown. */
int dy_model_from_name(const char *name);

/* alpha_X = eps^2 alpha (dark photon), g^2/(4 pi) (Z', S, P, A); NaN for the ALP (g_agg has a
 * dimension). */
double dy_coupling_alpha_x(dy_model m, double g);

/* The factor that turns a kernel result at coupling 1 into the model's at coupling g:
 * kernel_factor g^2 (for the Z' models g^2/(4 pi alpha), since the vector kernel uses eps^2 alpha).
 */
double dy_coupling_kernel_scale(dy_model m, double g);

/* The kernel coupling that gives the model's alpha_X at coupling g: sqrt(kernel_factor) g. */
double dy_coupling_kernel_value(dy_model m, double g);

/* Usable couplings: DY_COUPLING_MIN <= g <= DY_COUPLING_MAX and finite.  Yields scale as g^2, so
 * outside this range they underflow to 0 or overflow to inf (or mean nothing physically).
 * what names the input in the message ("model.coupling", "--coupling"). */
#define DY_COUPLING_MIN 1e-30
#define DY_COUPLING_MAX 1e3
dy_status dy_coupling_check(dy_model m, double g, const char *what, dy_error *err);

/* "yields are per particle on target at eps = 0.0001 and scale as eps^2" style sentence:
 * "<name> = <g> <unit>" (the unit left out when dimensionless). */
int dy_coupling_format(dy_model m, double g, char *buf, int size);
#endif
