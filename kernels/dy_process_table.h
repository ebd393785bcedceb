/* dy_process_table.h — the list of processes the device can integrate.
 * Adding a process = include its header here + one X(...) line + a host table entry
 * (host/physics/xsec.c) + tests.  The switch is the portable stand-in for function pointers.
 */
#ifndef DY_PROCESS_TABLE_H
#define DY_PROCESS_TABLE_H
#include "dy_types.h"
#include "processes/dy_proc_annihilation.h"
#include "processes/dy_proc_brem.h"
#include "processes/dy_proc_compton.h"
#include "processes/dy_proc_genz.h"
#include "processes/dy_proc_primakoff.h"

/* X(ID, name) — the ID is the value of dy_params.process. */
#define DY_PROCESS_LIST(X) X(0, genz) X(1, brem) X(2, annihilation) X(3, primakoff) X(4, compton)

#define DY_PROC_ENUM_(id, name) DY_PROC_##name = id,
enum dy_process_id { DY_PROCESS_LIST(DY_PROC_ENUM_) DY_PROC_COUNT_ };
#undef DY_PROC_ENUM_

/* 1 when parameter slot i of a process only scales its integrand (a coupling and the
 * normalisation holding it): such slots stay out of the random-stream key (host/engine/vegas.c),
 * so a cross section at two couplings is drawn from one stream and scales exactly. */
DY_DEVICE int dy_proc_scale_slot(dy_u32 process, int i)
{
    if (process == DY_PROC_brem) return i == DY_BREM_P_NORM || i == DY_BREM_P_COUP;
    if (process == DY_PROC_primakoff) return i == DY_PRIM_NORM || i == DY_PRIM_G;
    /* compton: not DY_CMP_Z, so each element of a run draws its own stream (independent errors) */
    if (process == DY_PROC_compton) return i == DY_CMP_NORM || i == DY_CMP_EPS || i == DY_CMP_SIG;
    return 0;
}

/* Integrand times phase-space Jacobian at u in (0,1)^dim; observables 0..nobs-1 written to obs
 * (a process may skip computing the others: nobs is 0 when no histogram is asked for). */
DY_DEVICE double dy_integrand(const dy_params *p, const double *u, double *obs, dy_u32 nobs)
{
#define DY_PROC_CASE_(id, name)                                                                    \
    case id: return dy_proc_##name##_eval(p, u, obs, nobs);
    switch (p->process) {
        DY_PROCESS_LIST(DY_PROC_CASE_)
    default: return 0.0;
    }
#undef DY_PROC_CASE_
}
#endif
