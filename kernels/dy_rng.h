/* dy_rng.h — counter-based random numbers: Random123 Philox4x32-10 (Salmon et al., SC'11).
 * Key = seed; counter = (sample, integral id lo, integral id hi, iteration<<8 | block), so every
 * uniform depends only on (seed, integral, iteration, sample) — never on backend or batching. */
#ifndef DY_RNG_H
#define DY_RNG_H
#include "dy_portable.h"
#include <Random123/philox.h>
#include <Random123/u01fixedpt.h>

/* Raw Philox4x32-10 block (exposed for the known-answer tests). */
DY_DEVICE void dy_philox4x32(const dy_u32 *ctr_in, const dy_u32 *key_in, dy_u32 *out)
{
    philox4x32_ctr_t c;
    philox4x32_key_t k;
    philox4x32_ctr_t r;
    int i;
    for (i = 0; i < 4; ++i)
        c.v[i] = ctr_in[i];
    k.v[0] = key_in[0];
    k.v[1] = key_in[1];
    r = philox4x32(c, k);
    for (i = 0; i < 4; ++i)
        out[i] = r.v[i];
}

/* n (<= 8) uniforms in the open interval (0,1), (i + 1/2) 2^-32: four per Philox block (the
 * generator is half of the work of a cheap integrand).  32 bits suffice: a VEGAS map of 128
 * intervals and the processes' own maps are smooth, so the grid of 2^32 points in each variable is
 * far finer than any structure an integrand resolves (the brem x map spends ~30 units of ln(1-x)
 * on it: steps of 7e-9 in ln(1-x)). */
DY_DEVICE void dy_rng_uniforms(dy_u64 seed, dy_u64 integral, dy_u32 iteration, dy_u32 sample,
                               dy_u32 n, double *y)
{
    philox4x32_ctr_t c;
    philox4x32_key_t k;
    dy_u32 blk, i;
    k.v[0] = (dy_u32)(seed & 0xffffffffu);
    k.v[1] = (dy_u32)(seed >> 32);
    for (blk = 0; 4 * blk < n; ++blk) {
        philox4x32_ctr_t r;
        c.v[0] = sample;
        c.v[1] = (dy_u32)(integral & 0xffffffffu);
        c.v[2] = (dy_u32)(integral >> 32);
        c.v[3] = (iteration << 8) | blk;
        r = philox4x32(c, k);
        for (i = 0; i < 4 && 4 * blk + i < n; ++i)
            y[4 * blk + i] = u01fixedpt_open_open_32_double(r.v[i]);
    }
}
#endif
