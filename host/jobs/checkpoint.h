/* checkpoint.h — the grid-record file shared by checkpoints (<out>/<name>.ckpt, appended as grid
 * points finish) and shard part files (<out>/<name>.part-I-of-N.dyp, written whole): a header
 * (format, darkyield version, config hash and text, shard, grid shape) and one record per grid
 * point, each with its own CRC-32, so a torn or corrupted record is detected and never used.
 * Integers and doubles are little-endian 64-bit words (doubles by bit pattern). */
#ifndef DY_CHECKPOINT_H
#define DY_CHECKPOINT_H
#include <stddef.h>
#include <stdint.h>
#include "darkyield/dy_status.h"

#define DY_CKPT_FORMAT          1
#define DY_CKPT_KIND_CHECKPOINT 1
#define DY_CKPT_KIND_PART       2
/* What a header may say (anything else is refused before it sizes an allocation). */
#define DY_CKPT_MAX_SHARDS 100000            /* as --shard I/N */
#define DY_CKPT_MAX_POINTS (1u << 20)        /* grid points */
#define DY_CKPT_MAX_WORDS  (1u << 28)        /* words per point record (0: no MC integrals) */
#define DY_CKPT_MAX_CONFIG (1u << 20)        /* stored config text, as DY_CFG_MAX_BYTES */
#define DY_CKPT_MAX_FILE   ((size_t)1 << 36) /* bytes of a whole file */

typedef struct dy_ckpt_info {
    uint32_t kind;             /* DY_CKPT_KIND_* */
    uint64_t config_hash;      /* FNV-1a 64 of the config text */
    uint32_t shard_i, shard_n; /* 0/1 for a whole-grid checkpoint */
    uint32_t n_points;         /* grid points of the whole grid */
    uint64_t point_words;      /* words per point record */
    double wall_seconds;       /* compute time spent on the records (parts) */
    char version[32];          /* darkyield version */
    char backend[16];
    char device[128];
    const char *config_text; /* borrowed when writing; malloc'd by dy_ckpt_read */
    size_t config_len;
    char config_path[4096]; /* the config file as given to run (default name, messages) */
} dy_ckpt_info;

/* A file being written: header + records go to a unique temporary beside path (symbolic links
 * followed: the link's target is replaced) until dy_ckpt_commit renames it onto path; later
 * appends go to the committed file (the descriptor stays open). */
typedef struct dy_ckpt {
    int fd;
    int committed;
    uint64_t point_words;
    char path[4096], tmp[4200];
} dy_ckpt;

dy_status dy_ckpt_begin(dy_ckpt *ck, const char *path, const dy_ckpt_info *info, dy_error *err);
/* Append one point's record with a single write(), then fdatasync (a crash leaves either the
 * whole record or a torn tail that dy_ckpt_read detects). */
dy_status dy_ckpt_append(dy_ckpt *ck, uint32_t point, const uint64_t *words, dy_error *err);
dy_status dy_ckpt_commit(dy_ckpt *ck, dy_error *err);
/* Close; an uncommitted temporary is removed. */
void dy_ckpt_close(dy_ckpt *ck);

typedef struct dy_ckpt_data {
    dy_ckpt_info info;
    char *config_text; /* == info.config_text, NUL-terminated */
    int n;             /* valid records */
    uint32_t *points;  /* [n] */
    uint64_t *words;   /* [n * info.point_words] */
    int damaged;       /* 1: a corrupt or truncated record was found; it and the rest ignored */
    char note[512];    /* what was wrong (damaged) */
} dy_ckpt_data;

/* Read path (a regular file; a FIFO or device is refused).  A bad header (not a darkyield grid
 * file, other format, CRC mismatch, fields outside the limits above) is an error
 * (DY_ERR_INVALID); records are read up to the first bad one (truncated, CRC mismatch, bad
 * framing, a point outside the grid, more records than points), which sets damaged and note —
 * records are never trusted past a bad one. */
dy_status dy_ckpt_read(const char *path, dy_ckpt_data *d, dy_error *err);
/* The same from the n bytes at p (path names them in messages). */
dy_status dy_ckpt_parse(const unsigned char *p, size_t n, const char *path, dy_ckpt_data *d,
                        dy_error *err);
void dy_ckpt_data_free(dy_ckpt_data *d);

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32), continuing from crc (start with 0). */
uint32_t dy_crc32(uint32_t crc, const void *data, size_t n);
#endif
