/* xsec_scan.c — a cross-section scan with libdarkyield: dark-photon bremsstrahlung e W -> e W A'
 * at 8 GeV over a few masses, exact tree level (Monte Carlo, one batched call) beside the
 * improved Weizsaecker-Williams approximation, and their ratio K = sigma_iww / sigma_etl.
 * Build: see examples/CMakeLists.txt (CMake) or examples/Makefile (pkg-config). */
#include <darkyield/dy.h>
#include <math.h>
#include <stdio.h>

int main(void)
{
    const double mass[] = {0.01, 0.03, 0.1, 0.3}; /* GeV */
    const double energy[] = {8.0, 8.0, 8.0, 8.0}; /* GeV */
    enum { N = sizeof mass / sizeof mass[0] };
    dy_xsec_value etl[N], iww[N];
    dy_error err;
    dy_engine *e = NULL;

    printf("# darkyield %s (headers %s)\n", dy_version(), DY_VERSION);
    if (dy_engine_open("cpu", &e, &err) != DY_OK) {
        fprintf(stderr, "xsec_scan: %s\n", err.msg);
        return 1;
    }
    dy_xsec_spec s;
    dy_xsec_spec_default(&s);
    s.process = "brem";
    s.lepton = "e";
    s.target = "W";
    s.coupling = 1e-4; /* eps; sigma scales as eps^2 */
    s.precision = 1e-2;
    s.method = "etl";
    dy_status st = dy_xsec_compute(e, &s, N, energy, mass, etl, &err);
    if (st == DY_OK) {
        s.method = "iww";
        st = dy_xsec_compute(e, &s, N, energy, mass, iww, &err);
    }
    dy_engine_close(e);
    if (st != DY_OK) {
        fprintf(stderr, "xsec_scan: %s: %s\n", dy_status_string(st), err.msg);
        return 1;
    }
    printf("# e W -> e W A' at E = 8 GeV, eps = 1e-4; sigma in %s\n", etl[0].unit);
    printf("%8s %14s %10s %14s %8s\n", "m/GeV", "sigma_etl", "error", "sigma_iww", "K");
    for (int i = 0; i < N; ++i)
        printf("%8.3g %14.6g %10.2g %14.6g %8.4f\n", mass[i], etl[i].value, etl[i].error,
               iww[i].value, iww[i].value / etl[i].value);

    /* errors come back as status and message, never as a crash */
    s.target = "Unobtainium";
    st = dy_xsec_point(NULL, &s, 8.0, 0.1, &etl[0], &err);
    printf("# a bad target: %s: %s\n", dy_status_string(st), err.msg);
    return st == DY_OK;
}
