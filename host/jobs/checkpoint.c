/* checkpoint.c — grid-record files: checkpoints and shard parts (see checkpoint.h).  Layout:
 * "DYGRID\r\n" | header fields | config text | config path (u64 length + bytes) | u32 header
 * CRC, then records
 * u32 "DYPR" | u32 point | u64 nwords | nwords u64 | u32 CRC of point..words. */
#include "checkpoint.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "io/infile.h"
#include "io/outset.h"

static const char MAGIC[8] = {'D', 'Y', 'G', 'R', 'I', 'D', '\r', '\n'};
#define REC_MAGIC 0x52505944u /* "DYPR" little-endian */

uint32_t dy_crc32(uint32_t crc, const void *data, size_t n)
{
    static uint32_t table[256];
    static int init = 0;
    if (!init) {
        for (uint32_t i = 0; i < 256; ++i) {
            uint32_t c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        init = 1;
    }
    const unsigned char *p = data;
    crc = ~crc;
    for (size_t i = 0; i < n; ++i)
        crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

/* ---- little-endian byte buffers ---- */

typedef struct buf {
    unsigned char *p;
    size_t n, cap;
    int bad;
} buf;

static void put(buf *b, const void *d, size_t n)
{
    if (b->bad) return;
    if (b->n + n > b->cap) {
        size_t c = b->cap ? b->cap : 4096;
        while (c < b->n + n)
            c *= 2;
        unsigned char *q = realloc(b->p, c);
        if (!q) {
            b->bad = 1;
            return;
        }
        b->p = q;
        b->cap = c;
    }
    memcpy(b->p + b->n, d, n);
    b->n += n;
}

static void put_u32(buf *b, uint32_t v)
{
    unsigned char c[4];
    for (int i = 0; i < 4; ++i)
        c[i] = (unsigned char)(v >> (8 * i));
    put(b, c, 4);
}

static void put_u64(buf *b, uint64_t v)
{
    unsigned char c[8];
    for (int i = 0; i < 8; ++i)
        c[i] = (unsigned char)(v >> (8 * i));
    put(b, c, 8);
}

static uint32_t get_u32(const unsigned char *c)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
        v |= (uint32_t)c[i] << (8 * i);
    return v;
}

static uint64_t get_u64(const unsigned char *c)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
        v |= (uint64_t)c[i] << (8 * i);
    return v;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

#define STR_FIELD(b, s, len)                                                                       \
    do {                                                                                           \
        char tmp_[len];                                                                            \
        memset(tmp_, 0, sizeof tmp_);                                                              \
        snprintf(tmp_, sizeof tmp_, "%s", s);                                                      \
        put(b, tmp_, sizeof tmp_);                                                                 \
    } while (0)

dy_status dy_ckpt_begin(dy_ckpt *ck, const char *path, const dy_ckpt_info *in, dy_error *err)
{
    buf b = {0};
    uint64_t wall;
    memset(ck, 0, sizeof *ck);
    ck->fd = -1;
    ck->point_words = in->point_words;
    dy_status st = dy_out_resolve(path, ck->path, sizeof ck->path, err); /* through links */
    if (st != DY_OK) return st;
    put(&b, MAGIC, sizeof MAGIC);
    put_u32(&b, DY_CKPT_FORMAT);
    put_u32(&b, in->kind);
    put_u64(&b, in->config_hash);
    put_u32(&b, in->shard_i);
    put_u32(&b, in->shard_n);
    put_u32(&b, in->n_points);
    put_u32(&b, 0);
    put_u64(&b, in->point_words);
    memcpy(&wall, &in->wall_seconds, sizeof wall);
    put_u64(&b, wall);
    STR_FIELD(&b, in->version, 32);
    STR_FIELD(&b, in->backend, 16);
    STR_FIELD(&b, in->device, 128);
    put_u64(&b, in->config_len);
    put(&b, in->config_text ? in->config_text : "", in->config_len);
    put_u64(&b, strlen(in->config_path));
    put(&b, in->config_path, strlen(in->config_path));
    if (!b.bad) put_u32(&b, dy_crc32(0, b.p, b.n));
    if (b.bad) {
        free(b.p);
        return dy_error_set(err, DY_ERR_NOMEM, "checkpoint: out of memory");
    }
    ck->fd = dy_out_mktemp(ck->path, ck->tmp, sizeof ck->tmp); /* unique: no two writers share */
    if (ck->fd < 0) ck->tmp[0] = 0;
    if (ck->fd < 0 || write_all(ck->fd, b.p, b.n)) {
        const int e = errno;
        free(b.p);
        dy_ckpt_close(ck);
        return dy_error_set(err, DY_ERR_IO, "cannot write %s: %s", path, strerror(e));
    }
    free(b.p);
    return DY_OK;
}

dy_status dy_ckpt_append(dy_ckpt *ck, uint32_t point, const uint64_t *w, dy_error *err)
{
    buf b = {0};
    put_u32(&b, REC_MAGIC);
    put_u32(&b, point);
    put_u64(&b, ck->point_words);
    for (uint64_t i = 0; i < ck->point_words; ++i)
        put_u64(&b, w[i]);
    if (!b.bad) put_u32(&b, dy_crc32(0, b.p + 4, b.n - 4));
    if (b.bad) {
        free(b.p);
        return dy_error_set(err, DY_ERR_NOMEM, "checkpoint: out of memory");
    }
    int bad = write_all(ck->fd, b.p, b.n);
    if (!bad && ck->committed) bad = fdatasync(ck->fd);
    const int e = errno;
    free(b.p);
    if (bad)
        return dy_error_set(err, DY_ERR_IO, "cannot append to %s: %s",
                            ck->committed ? ck->path : ck->tmp, strerror(e));
    return DY_OK;
}

dy_status dy_ckpt_commit(dy_ckpt *ck, dy_error *err)
{
    if (fsync(ck->fd) != 0 || rename(ck->tmp, ck->path) != 0) {
        const int e = errno;
        dy_ckpt_close(ck);
        return dy_error_set(err, DY_ERR_IO, "cannot write %s: %s", ck->path, strerror(e));
    }
    ck->committed = 1;
    return DY_OK;
}

void dy_ckpt_close(dy_ckpt *ck)
{
    if (ck->fd >= 0) close(ck->fd);
    if (!ck->committed && ck->tmp[0]) remove(ck->tmp);
    ck->fd = -1;
    ck->tmp[0] = 0;
}

/* ---- reading ---- */

void dy_ckpt_data_free(dy_ckpt_data *d)
{
    free(d->config_text);
    free(d->points);
    free(d->words);
    memset(d, 0, sizeof *d);
}

/* Header strings come from a file: keep them printable (they end up in messages and outputs). */
static void clean_string(char *s)
{
    for (; *s; ++s)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f) *s = '?';
}

dy_status dy_ckpt_parse(const unsigned char *p, size_t n, const char *path, dy_ckpt_data *d,
                        dy_error *err)
{
    memset(d, 0, sizeof *d);
    dy_status s = DY_OK;
    const size_t fixed = 8 + 4 + 4 + 8 + 4 + 4 + 4 + 4 + 8 + 8 + 32 + 16 + 128 + 8;
    if (n < fixed + 4 || memcmp(p, MAGIC, 8) != 0)
        return dy_error_set(err, DY_ERR_INVALID, "%s: not a darkyield checkpoint or part file",
                            path);
    dy_ckpt_info *in = &d->info;
    const unsigned char *c = p + 8;
    const uint32_t format = get_u32(c);
    if (format != DY_CKPT_FORMAT)
        return dy_error_set(err, DY_ERR_INVALID, "%s: file format %u, this darkyield reads %d",
                            path, format, DY_CKPT_FORMAT);
    in->kind = get_u32(c + 4);
    in->config_hash = get_u64(c + 8);
    in->shard_i = get_u32(c + 16);
    in->shard_n = get_u32(c + 20);
    in->n_points = get_u32(c + 24);
    in->point_words = get_u64(c + 32);
    const uint64_t wall = get_u64(c + 40);
    memcpy(&in->wall_seconds, &wall, sizeof wall);
    c += 48;
    memcpy(in->version, c, 31);
    memcpy(in->backend, c + 32, 15);
    memcpy(in->device, c + 48, 127);
    c += 176;
    const uint64_t clen = get_u64(c);
    c += 8;
    if (clen > n - fixed - 4 || n - fixed - 4 - clen < 8)
        return dy_error_set(err, DY_ERR_INVALID, "%s: header truncated or corrupt", path);
    const uint64_t plen = get_u64(c + clen);
    if (plen >= sizeof in->config_path || plen > n - fixed - 4 - clen - 8)
        return dy_error_set(err, DY_ERR_INVALID, "%s: header truncated or corrupt", path);
    memcpy(in->config_path, c + clen + 8, (size_t)plen);
    const size_t hlen = fixed + (size_t)clen + 8 + (size_t)plen;
    if (n - hlen < 4 || get_u32(p + hlen) != dy_crc32(0, p, hlen))
        return dy_error_set(err, DY_ERR_INVALID, "%s: header corrupt (CRC mismatch): not used",
                            path);
    /* a valid CRC says the bytes are as written, not that the writer was sane: every field is
     * checked before it sizes an allocation or indexes an array */
    const char *why = NULL;
    if (in->kind != DY_CKPT_KIND_CHECKPOINT && in->kind != DY_CKPT_KIND_PART)
        why = "unknown file kind";
    else if (in->shard_n < 1 || in->shard_n > DY_CKPT_MAX_SHARDS || in->shard_i >= in->shard_n)
        why = "impossible shard (needs 0 <= I < N <= 100000)";
    else if (in->n_points < 1 || in->n_points > DY_CKPT_MAX_POINTS)
        why = "impossible number of grid points";
    else if (in->point_words > DY_CKPT_MAX_WORDS)
        why = "impossible record size";
    else if (!(in->wall_seconds >= 0.0 && in->wall_seconds < 1e12))
        why = "impossible compute time";
    else if (clen > DY_CKPT_MAX_CONFIG)
        why = "stored configuration larger than a config file may be";
    else if (memchr(c, 0, (size_t)clen) || memchr(in->config_path, 0, (size_t)plen))
        why = "NUL byte in the stored configuration";
    if (why)
        return dy_error_set(err, DY_ERR_INVALID, "%s: header has an impossible grid shape (%s)",
                            path, why);
    clean_string(in->version);
    clean_string(in->backend);
    clean_string(in->device);
    clean_string(in->config_path);
    d->config_text = malloc((size_t)clen + 1);
    if (!d->config_text) return dy_error_set(err, DY_ERR_NOMEM, "%s: out of memory", path);
    memcpy(d->config_text, c, (size_t)clen);
    d->config_text[clen] = 0;
    in->config_text = d->config_text;
    in->config_len = (size_t)clen;
    /* records: at most one per grid point fits the checks below; the file size bounds the rest */
    const size_t rlen = 4 + 4 + 8 + 8 * (size_t)in->point_words + 4;
    size_t off = hlen + 4;
    size_t maxrec = (n - off) / rlen; /* complete records in the file */
    if (maxrec > in->n_points) maxrec = in->n_points;
    d->points = malloc((maxrec + 1) * sizeof *d->points);
    d->words = malloc((maxrec * (size_t)in->point_words + 1) * sizeof *d->words);
    if (!d->points || !d->words) {
        s = dy_error_set(err, DY_ERR_NOMEM, "%s: out of memory", path);
        goto done;
    }
    while (off < n) {
        const int rec = d->n + 1;
        if (n - off < rlen) {
            snprintf(d->note, sizeof d->note,
                     "%s: record %d at byte %zu is truncated (%zu of %zu bytes): ignored", path,
                     rec, off, n - off, rlen);
            d->damaged = 1;
            break;
        }
        const unsigned char *r = p + off;
        if (get_u32(r) != REC_MAGIC || get_u64(r + 8) != in->point_words ||
            get_u32(r + rlen - 4) != dy_crc32(0, r + 4, rlen - 8)) {
            snprintf(d->note, sizeof d->note,
                     "%s: record %d at byte %zu is corrupt (%s): it and the %zu byte(s) after it "
                     "are ignored",
                     path, rec, off, get_u32(r) != REC_MAGIC ? "bad record marker" : "CRC mismatch",
                     n - off - rlen);
            d->damaged = 1;
            break;
        }
        const uint32_t pt = get_u32(r + 4);
        if (pt >= in->n_points) {
            snprintf(d->note, sizeof d->note, "%s: record %d names grid point %u of %u: ignored",
                     path, rec, pt, in->n_points);
            d->damaged = 1;
            break;
        }
        if ((size_t)d->n >= maxrec) { /* only the n_points cap can stop a complete record */
            snprintf(d->note, sizeof d->note,
                     "%s: more records than grid points (%u): record %d and after ignored", path,
                     in->n_points, rec);
            d->damaged = 1;
            break;
        }
        d->points[d->n] = pt;
        uint64_t *w = d->words + (size_t)d->n * in->point_words;
        for (uint64_t i = 0; i < in->point_words; ++i)
            w[i] = get_u64(r + 16 + 8 * i);
        ++d->n;
        off += rlen;
    }
done:
    if (s != DY_OK) dy_ckpt_data_free(d);
    return s;
}

dy_status dy_ckpt_read(const char *path, dy_ckpt_data *d, dy_error *err)
{
    unsigned char *p = NULL;
    size_t n = 0;
    memset(d, 0, sizeof *d);
    dy_status s =
        dy_read_regular_file(path, "checkpoint or part file", DY_CKPT_MAX_FILE, &p, &n, err);
    if (s != DY_OK) return s;
    s = dy_ckpt_parse(p, n, path, d, err);
    free(p);
    return s;
}
