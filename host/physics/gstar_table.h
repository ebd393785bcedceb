/* gstar_table.h — Saikawa & Shirai's (2018) tabulated g_*rho(T), g_*s(T) of the Standard Model
 * (arXiv:1803.01038); rows {T [GeV], g_rho, err, g_s, err}, T increasing.  See gstar_table.c. */
#ifndef DY_GSTAR_TABLE_H
#define DY_GSTAR_TABLE_H

extern const double dy_gstar_ss2018[][5];
extern const int dy_gstar_ss2018_rows;

#endif
