#!/usr/bin/env python3
"""Symbolic checks behind the phi-integrated brem amplitude <A^2>_phi (docs/physics-brem.md §3.2,
kernels/physics/dy_me_brem.h dy_me_brem_a2_phiavg).  Needs sympy; run: python3 brem_phi_average.py

1. With P.p = 2 M E0 - (s+t)/2, P.p' = 2 M E_V - (t-u)/2 and P.k = P.p - P.p' (s = s~, u = u~), the
   closed-form A^2 of every mediator times s^2 is a cubic polynomial in s: A^2 is the Laurent
   polynomial c1 s + c0 + c_1/s + c_2/s^2.
2. For the vector these coefficients equal PETITE's phi-integrated form (A_1, A_0, A_m1, A_m2 of
   Blinov et al., arXiv:2401.06843, as transcribed in the project's reference note).
3. The per-block c_1, c_2 used in the kernel equal the Laurent coefficients for V, S, P, A.
4. V^2 |q|^2 - (V.q)^2 as a function of t has leading coefficient -s2/4M^2 (s2 = E_M^2 - V^2), so it
   equals s2 (t - t_-)(t_+ - t)/4M^2 with t_+- its roots (|cos theta_q| = 1).
5. The two averages used: <1/(a - b cos phi)> = 1/sqrt(a^2-b^2), <1/(a - b cos phi)^2> = a/(a^2-b^2)^1.5,
   checked by numerical quadrature at one point, and the rewritten differences d1, d2.
"""
import sympy as sp

E, x, M, t, m2, ml2, s = sp.symbols('E x M t m2 ml2 s', positive=True)
u = sp.symbols('u', negative=True)
P2 = 4 * M**2 + t
A0 = 2 * M * E - t / 2
A1 = 2 * M * (1 - x) * E - t / 2
Pp = A0 - s / 2
Ppp = 2 * M * (1 - x) * E - (t - u) / 2
Pk = Pp - Ppp
K0 = 2 * M * x * E - u / 2


def blocks(s_, Pp_, Pk_):
    su, spu, a = s_ * u, s_ + u, Pp_ * u + Ppp * s_
    br = (t * P2 * spu**2 - 4 * a**2) / su**2
    tps = t * P2 / su
    ts = (P2 * spu**2 - 4 * t * Pk_**2) / su
    tv = (2 * P2 * ((s_ + t)**2 + (u + t)**2) - 8 * t * (Pp_**2 + Ppp**2)) / su
    return tv, ts, br, tps


def mix(med, tv, ts, br, tps):
    c = m2 - 4 * ml2
    return {'V': tv - 8 * m2 * tps + 2 * (m2 + 2 * ml2) * br, 'S': ts + c * br, 'P': ts + m2 * br,
            'A': tv - 8 * c * tps + 2 * c * br + 4 * ml2 / m2 * ts}[med]


laurent = {}
for med in 'VSPA':
    poly = sp.Poly(sp.expand(sp.cancel(mix(med, *blocks(s, Pp, Pk)) * s**2)), s)
    assert poly.degree() <= 3, med
    laurent[med] = [sp.simplify(poly.coeff_monomial(s**i)) for i in range(4)]  # c_2, c_1, c0, c1
    print(med, 'A^2 s^2 is a cubic in s: ok')

mu2 = m2 + 2 * ml2
petite = [-8 * M * (4 * E**2 * M - t * (2 * E + M)) * mu2,
          (8 / u) * (M**2 * (2 * t * u + u**2 + 4 * E**2 * (2 * (x - 1) * mu2 - t * (x**2 - 2 * x + 2))
                             + 2 * t * (-m2 + 2 * ml2 + t))
                     - 2 * E * M * t * ((1 - x) * u + (x - 2) * (mu2 + t)) + t**2 * (u - m2)),
          (8 / u**2) * (M**2 * (2 * t * u + (t - 4 * E**2 * (x - 1)**2) * mu2)
                        + 2 * E * M * t * (u - (x - 1) * mu2)),
          8 * M**2 / u]
assert all(sp.simplify(a - b) == 0 for a, b in zip(laurent['V'], petite))
print('V: Laurent coefficients = PETITE A_m2, A_m1, A_0, A_1: ok')

for med in 'VSPA':
    c1 = mix(med, (2 * P2 * (t**2 + (u + t)**2) - 8 * t * (A0**2 + Ppp**2)) / u,
             (P2 * u**2 - 4 * t * K0**2) / u, (2 * t * P2 - 8 * A0 * A1) / u, t * P2 / u)
    c2 = mix(med, 0, 0, t * P2 - 4 * A0**2, 0)
    assert sp.simplify(c1 - laurent[med][1]) == 0 and sp.simplify(c2 - laurent[med][0]) == 0, med
    print(med, 'block coefficients c_1, c_2: ok')

V2, EV, ut = sp.symbols('V2 E_V ut', positive=True)
f = V2 * (t + t**2 / (4 * M**2)) - (ut - t - EV * t / M)**2 / 4  # V^2|q|^2 - (V.q)^2
lead = sp.Poly(sp.expand(f), t).coeff_monomial(t**2)
assert sp.simplify(lead + ((EV + M)**2 - V2) / (4 * M**2)) == 0
print('V^2|q|^2 - (V.q)^2 = s2 (t - t_-)(t_+ - t)/4M^2: leading coefficient ok')

a, b = sp.Rational(3), sp.Rational(2)
phi = sp.symbols('phi')
for n, exact in ((1, 1 / sp.sqrt(a**2 - b**2)), (2, a / (a**2 - b**2)**sp.Rational(3, 2))):
    num = sp.Integral(1 / (a - b * sp.cos(phi))**n, (phi, 0, 2 * sp.pi)).evalf(30) / (2 * sp.pi)
    assert abs(num - exact.evalf(30)) < 1e-25
sb, sd = sp.symbols('sbar sdel', positive=True)
rw = sp.sqrt(sb**2 - sd**2)
d1 = sd**2 / (sb * rw * (sb + rw))
d2 = d1 * (sb**2 + sb * rw + rw**2) / (sb * rw**2)
assert sp.simplify(d1 - (1 / rw - 1 / sb)) == 0
assert sp.simplify(d2 - (sb / rw**3 - 1 / sb**2)) == 0
print('averages and d1 = <1/s> - 1/sbar, d2 = <1/s^2> - 1/sbar^2: ok')
