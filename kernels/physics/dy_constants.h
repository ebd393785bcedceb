/* dy_constants.h — physical constants in GeV units (hbar = c = 1), one place for every target.
 * Values: PDG 2024 (CODATA 2018) unless stated.  Compare with DMG4, which uses alpha = 1/137
 * (../docs/physics.md lists the convention differences and their size). */
#ifndef DY_CONSTANTS_H
#define DY_CONSTANTS_H

#define DY_ALPHA_EM     (1.0 / 137.035999084) /* fine-structure constant at q^2 = 0 */
#define DY_M_E          0.51099895000e-3      /* electron mass, GeV */
#define DY_M_MU         0.1056583755          /* muon mass, GeV */
#define DY_M_PI         0.13957039            /* charged pion mass, GeV */
#define DY_M_P          0.93827208816         /* proton mass, GeV */
#define DY_AMU_GEV      0.93149410242         /* atomic mass unit, GeV */
#define DY_MU_P         2.7928473446          /* proton magnetic moment in nuclear magnetons */
#define DY_GEV2_TO_PB   0.389379372e9         /* (hbar c)^2 in pb GeV^2: 1 GeV^-2 = 3.894e8 pb */
#define DY_PB_TO_CM2    1.0e-36               /* 1 pb = 1e-36 cm^2 */
#define DY_HBARC_GEV_CM 1.973269804e-14       /* hbar c in GeV cm */
#define DY_N_AVOGADRO   6.02214076e23         /* mol^-1 */

#endif
