/* conventions.c — convention texts assembled for the outputs (conventions.h). */
#include "physics/conventions.h"
#include <stdio.h>
#include <string.h>
#include "physics/brem_ww.h"

/* 1 when the comma-separated list c holds exactly the name w ("annihilation" is not
 * "annihilation-gamma") */
static int has_name(const char *c, const char *w)
{
    const size_t n = strlen(w);
    for (const char *p = c; (p = strstr(p, w)) != NULL; p += n)
        if ((p == c || p[-1] == ',' || p[-1] == ' ') && (p[n] == '\0' || p[n] == ',')) return 1;
    return 0;
}

char *dy_conventions_run(const char *channels, char *buf, int size)
{
    const char *c = channels ? channels : "";
    const int brem = strstr(c, "brem") != NULL;
    const int prim = strstr(c, "primakoff") != NULL;
    const int ann = has_name(c, "annihilation");
    const int cmp = strstr(c, "compton") != NULL;
    const int gam = has_name(c, "annihilation-gamma");
    const char *part[5];
    int n = 0, k = 0;
    if (brem) part[n++] = DY_CONV_RUN_BREM;
    if (prim) part[n++] = DY_CONV_RUN_PRIMAKOFF;
    if (ann) part[n++] = DY_CONV_RUN_ANNIHILATION;
    if (cmp) part[n++] = DY_CONV_RUN_COMPTON;
    if (gam) part[n++] = DY_CONV_RUN_ANNIHILATION_GAMMA;
    buf[0] = 0;
    for (int i = 0; i < n && k >= 0 && k < size; ++i)
        k += snprintf(buf + k, (size_t)(size - k), "%s%s", i ? "; " : "", part[i]);
    return buf;
}

char *dy_conventions_ww(int tmax_mode, double theta_max, char *buf, int size)
{
    const char *tmax = tmax_mode == DY_BREM_TMAX_E02 ? "E0^2" : "m^2 + m_l^2";
    snprintf(buf, (size_t)size,
             "ww: BEST09 double-differential WW, chi(t_min = u~^2/(4 E0^2 (1-x)^2), t_max = %s) "
             "per point, 0 <= theta_X <= %g rad; iww: chi(t_min = m^4/(4 E0^2), t_max = %s), all "
             "angles; hiww: as iww with |k|/E0 -> x beta(1) (G4DarkBreM HyperImproved); x in "
             "[m/E0, 1 - m_l/E0]",
             tmax, theta_max, tmax);
    return buf;
}
