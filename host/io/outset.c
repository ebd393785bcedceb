/* outset.c — output files committed as one set (see outset.h). */
#include "io/outset.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

dy_status dy_out_resolve(const char *path, char *out, size_t n, dy_error *err)
{
    char cur[4096], link[4096];
    if (!path || !path[0]) return dy_error_set(err, DY_ERR_INVALID, "empty output path");
    if (strlen(path) >= sizeof cur)
        return dy_error_set(err, DY_ERR_INVALID, "output path '%.200s...' is too long", path);
    snprintf(cur, sizeof cur, "%s", path);
    for (int hop = 0; hop < 40; ++hop) {
        struct stat st;
        /* not there (a new file) or not a link: this is the file to write */
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode)) {
            if (strlen(cur) >= n)
                return dy_error_set(err, DY_ERR_INVALID, "output path '%s' is too long", path);
            snprintf(out, n, "%s", cur);
            return DY_OK;
        }
        const ssize_t k = readlink(cur, link, sizeof link - 1);
        if (k < 0)
            return dy_error_set(err, DY_ERR_IO, "cannot read the link %s: %s", cur,
                                strerror(errno));
        link[k] = 0;
        const char *slash = strrchr(cur, '/');
        if (link[0] == '/' || !slash) {
            snprintf(cur, sizeof cur, "%s", link);
        } else { /* relative to the link's directory */
            char dir[4096];
            snprintf(dir, sizeof dir, "%.*s", (int)(slash - cur), cur);
            if ((size_t)snprintf(cur, sizeof cur, "%s/%s", dir, link) >= sizeof cur)
                return dy_error_set(err, DY_ERR_INVALID, "output path '%s': link target too long",
                                    path);
        }
    }
    return dy_error_set(err, DY_ERR_IO, "cannot write %s: too many levels of symbolic links", path);
}

static mode_t new_file_mode(const char *target)
{
    struct stat st;
    if (stat(target, &st) == 0 && S_ISREG(st.st_mode)) return st.st_mode & 07777;
    const mode_t u = umask(022); /* read the umask: set and restore */
    umask(u);
    return 0666 & ~u;
}

int dy_out_mktemp(const char *target, char *tmp, size_t n)
{
    static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    static unsigned counter;
    const char *slash = strrchr(target, '/');
    const int dlen = slash ? (int)(slash - target) + 1 : 0;
    const char *base = slash ? slash + 1 : target;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32) ^ (uint64_t)ts.tv_sec;
    for (int attempt = 0; attempt < 100; ++attempt) {
        char suf[7];
        x = x * 6364136223846793005ull + 1442695040888963407ull + ++counter;
        for (int i = 0; i < 6; ++i)
            suf[i] = digits[(x >> (10 + 5 * i)) % 36];
        suf[6] = 0;
        if ((size_t)snprintf(tmp, n, "%.*s.%s.tmp-%s", dlen, target, base, suf) >= n) {
            errno = ENAMETOOLONG;
            return -1;
        }
        const int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) {
            (void)fchmod(fd, new_file_mode(target)); /* may fail on file systems without modes */
            return fd;
        }
        if (errno != EEXIST) return -1;
    }
    errno = EEXIST;
    return -1;
}

void dy_outset_init(dy_outset *s)
{
    memset(s, 0, sizeof *s);
}

static void free_file(dy_outfile *o)
{
    free(o->path);
    free(o->target);
    free(o->tmp);
    free(o->backup);
    memset(o, 0, sizeof *o);
}

static void clear(dy_outset *s)
{
    for (int i = 0; i < s->n; ++i)
        free_file(&s->file[i]);
    free(s->file);
    dy_outset_init(s);
}

FILE *dy_outset_add(dy_outset *s, const char *path, dy_error *err)
{
    char target[4096], tmp[4200];
    struct stat st;
    if (s->n == s->cap) {
        const int cap = s->cap ? 2 * s->cap : 8;
        dy_outfile *q = realloc(s->file, (size_t)cap * sizeof *q);
        if (!q) {
            dy_error_set(err, DY_ERR_NOMEM, "out of memory");
            return NULL;
        }
        s->file = q;
        s->cap = cap;
    }
    dy_outfile *o = &s->file[s->n];
    memset(o, 0, sizeof *o);
    if (!path || !path[0]) {
        dy_error_set(err, DY_ERR_INVALID, "empty output file name");
        return NULL;
    }
    const int is_stdout = !strcmp(path, "-");
    /* streams and devices (/dev/stdout, /proc/self/fd/N, a FIFO) are written in place: their
     * links are magic and must not be resolved by hand */
    const int in_place =
        !is_stdout && ((stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) ||
                       !strncmp(path, "/dev/std", 8) || !strncmp(path, "/dev/fd/", 8) ||
                       !strncmp(path, "/proc/", 6));
    if (in_place)
        snprintf(target, sizeof target, "%s", path);
    else if (!is_stdout && dy_out_resolve(path, target, sizeof target, err) != DY_OK)
        return NULL;
    for (int i = 0; i < s->n; ++i)
        if ((is_stdout && !strcmp(s->file[i].path, "-")) ||
            (!is_stdout && s->file[i].target && !strcmp(s->file[i].target, target))) {
            dy_error_set(err, DY_ERR_INVALID, "output %s is given twice", path);
            return NULL;
        }
    o->path = strdup(path);
    if (!o->path) goto nomem;
    if (is_stdout) {
        o->stream = 1;
        o->f = stdout;
    } else if (stat(target, &st) == 0 && S_ISDIR(st.st_mode)) {
        dy_error_set(err, DY_ERR_IO, "cannot write %s: it is a directory", path);
        free_file(o);
        return NULL;
    } else if (in_place || (stat(target, &st) == 0 && !S_ISREG(st.st_mode))) {
        o->stream = 1; /* a FIFO, a terminal, /dev/stdout: write in place, never replace */
        o->f = fopen(path, "w");
        if (!o->f) {
            dy_error_set(err, DY_ERR_IO, "cannot write %s: %s", path, strerror(errno));
            free_file(o);
            return NULL;
        }
    } else {
        const int fd = dy_out_mktemp(target, tmp, sizeof tmp);
        if (fd < 0) {
            dy_error_set(err, DY_ERR_IO, "cannot write %s: %s", path, strerror(errno));
            free_file(o);
            return NULL;
        }
        o->tmp = strdup(tmp);
        o->f = fdopen(fd, "w");
        if (!o->tmp || !o->f) {
            if (o->f)
                fclose(o->f);
            else
                close(fd);
            remove(tmp);
            goto nomem;
        }
    }
    if (!(o->target = strdup(is_stdout ? "-" : target))) {
        if (!o->stream) {
            fclose(o->f);
            remove(o->tmp);
        } else if (!is_stdout) {
            fclose(o->f);
        }
        goto nomem;
    }
    ++s->n;
    return o->f;
nomem:
    free_file(o);
    dy_error_set(err, DY_ERR_NOMEM, "out of memory");
    return NULL;
}

void dy_outset_abort(dy_outset *s)
{
    for (int i = 0; i < s->n; ++i) {
        dy_outfile *o = &s->file[i];
        if (o->f && o->f != stdout)
            fclose(o->f);
        else if (o->f)
            fflush(o->f);
        o->f = NULL;
        if (o->tmp) remove(o->tmp);
        if (o->backup) remove(o->backup);
    }
    clear(s);
}

/* Flush and close one file; 0 or the errno of the failure. */
static int finish(dy_outfile *o)
{
    int e = 0;
    if (fflush(o->f) != 0) e = errno ? errno : EIO;
    if (!e && ferror(o->f)) e = EIO;
    if (!o->stream && !e && fsync(fileno(o->f)) != 0 && errno != EINVAL && errno != EROFS)
        e = errno;
    if (o->f != stdout) {
        if (fclose(o->f) != 0 && !e) e = errno ? errno : EIO;
    } else {
        clearerr(o->f);
    }
    o->f = NULL;
    return e;
}

/* A free name beside target for a hard link to it (NULL when none could be reserved). */
static char *backup_name(const char *target)
{
    char b[4300];
    const int fd = dy_out_mktemp(target, b, sizeof b);
    if (fd < 0) return NULL;
    close(fd);
    remove(b); /* link() needs the name free; the output lock keeps other writers out */
    return strdup(b);
}

dy_status dy_outset_commit(dy_outset *s, dy_error *err)
{
    dy_status st = DY_OK;
    int k = 0;
    for (int i = 0; i < s->n; ++i) {
        dy_outfile *o = &s->file[i];
        const int e = finish(o);
        if (e && st == DY_OK)
            st = dy_error_set(err, DY_ERR_IO, "cannot write %s: %s", o->path, strerror(e));
    }
    for (int i = 0; st == DY_OK && i < s->n; ++i) { /* what would make a rename fail */
        struct stat sb;
        const dy_outfile *o = &s->file[i];
        if (!o->stream && lstat(o->target, &sb) == 0 && S_ISDIR(sb.st_mode))
            st = dy_error_set(err, DY_ERR_IO, "cannot write %s: it is a directory", o->path);
    }
    if (st != DY_OK) {
        dy_outset_abort(s);
        return st;
    }
    /* old outputs kept as hard links until every rename has succeeded */
    for (int i = 0; i < s->n; ++i) {
        dy_outfile *o = &s->file[i];
        struct stat sb;
        if (o->stream || lstat(o->target, &sb) != 0) continue;
        o->backup = backup_name(o->target);
        if (o->backup && link(o->target, o->backup) != 0) {
            free(o->backup);
            o->backup = NULL;
        }
    }
    for (k = 0; k < s->n; ++k) {
        dy_outfile *o = &s->file[k];
        if (o->stream) continue;
        if (rename(o->tmp, o->target) != 0) {
            st = dy_error_set(err, DY_ERR_IO, "cannot write %s: rename from %s: %s", o->path,
                              o->tmp, strerror(errno));
            break;
        }
        free(o->tmp);
        o->tmp = NULL;
    }
    if (st != DY_OK) { /* put back what was replaced */
        for (int j = 0; j < k; ++j) {
            dy_outfile *o = &s->file[j];
            if (o->stream) continue;
            if (!o->backup) {
                remove(o->target); /* there was no old file */
            } else if (rename(o->backup, o->target) != 0) {
                const size_t L = strlen(err ? err->msg : "");
                if (err && L + 1 < sizeof err->msg)
                    snprintf(err->msg + L, sizeof err->msg - L, "; the old %s is kept as %s",
                             o->path, o->backup);
                free(o->backup); /* keep that file */
            } else {
                free(o->backup);
            }
            o->backup = NULL;
        }
    }
    dy_outset_abort(s); /* removes the temporaries and backups left */
    return st;
}
