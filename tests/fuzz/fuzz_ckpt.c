/* fuzz_ckpt.c — libFuzzer harness: shard part and checkpoint files (dy_ckpt_parse).  With the
 * low bit of the last byte set, the harness first writes correct CRCs into the header and the
 * records it can frame, so that the fuzzer reaches the field checks behind the CRCs (files whose
 * CRC is valid but whose fields are absurd, issue 10.8) instead of stopping at the CRC. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "jobs/checkpoint.h"

static uint64_t get64(const unsigned char *c)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
        v |= (uint64_t)c[i] << (8 * i);
    return v;
}

static void put32(unsigned char *c, uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        c[i] = (unsigned char)(v >> (8 * i));
}

/* Layout (checkpoint.c): 232 bytes of fixed fields (words per point at 40), u64 config length
 * at 232, the config, u64 path length, the path, u32 CRC; then records u32 magic | u32 point | u64
 * nwords | words | u32 CRC of point..words. */
static void fix_crcs(unsigned char *p, size_t n)
{
    if (n < 248) return;
    const uint64_t clen = get64(p + 232);
    if (clen > n - 248) return;
    const uint64_t plen = get64(p + 240 + clen);
    if (plen > n - 248 - clen) return;
    const size_t hlen = 248 + (size_t)clen + (size_t)plen;
    if (n - hlen < 4) return;
    put32(p + hlen, dy_crc32(0, p, hlen));
    const uint64_t words = get64(p + 40);
    if (words > (1u << 16)) return;
    const size_t rlen = 20 + 8 * (size_t)words;
    for (size_t off = hlen + 4; n - off >= rlen; off += rlen)
        put32(p + off + rlen - 4, dy_crc32(0, p + off + 4, rlen - 8));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    unsigned char *p = malloc(size);
    if (!p) return 0;
    memcpy(p, data, size);
    if (data[size - 1] & 1) fix_crcs(p, size - 1);
    dy_ckpt_data d;
    dy_error err;
    if (dy_ckpt_parse(p, size - 1, "fuzz.dyp", &d, &err) == DY_OK) dy_ckpt_data_free(&d);
    free(p);
    return 0;
}
