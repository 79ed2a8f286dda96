/*
 * state_file.c -- save and load the whole optimizer (docs/STATE_FORMAT.md).
 *
 * Layout, little-endian, no padding:
 *   header   magic "MADASTF\0", u32 version, u32 dtype, u64 n, u64 t,
 *            f64 lr_prev, configuration, hyper-optimizer state,
 *            u32 part_valid, u32 part_mask, and from version 2 on
 *            u32 lean (the configuration field), u32 lean_mask
 *   arrays   those of m, v, vbar, n, gp, l the lean mask keeps (version 1:
 *            all six), then the partials of each coefficient in part_mask,
 *            n elements each, in the element type
 *   trailer  u64 CRC-64/XZ of every preceding byte
 * Save writes a temporary file beside the target (a short name of its own in
 * the target's directory, so any file name the system accepts works) and
 * renames it over the target.  Load refuses anything but a regular file
 * without blocking (a FIFO or a device is never read), then checks the whole
 * file (length, checksum, match, domain) before touching the optimizer.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fpenv.h"
#include "mada_internal.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "state_file.c writes element arrays as they are in memory: little-endian hosts only"
#endif

#define STATE_MAGIC "MADASTF"  /* 8 bytes with the terminating NUL */
#define STATE_VERSION 2u /* written; versions 1 and 2 are read */
#define CHUNK ((size_t)1 << 20)

/* ---- Header encoding ------------------------------------------------------------ */
/* A fixed-size byte buffer with a cursor; fields are written and read in the
 * same order by one function, header_io(), so the two cannot drift apart. */
typedef struct {
    unsigned char b[1024];
    size_t pos;
    int reading;
} hbuf;

static void io_u64(hbuf *h, uint64_t *v)
{
    if (h->reading) {
        uint64_t r = 0;
        for (int i = 7; i >= 0; i--)
            r = (r << 8) | h->b[h->pos + (size_t)i];
        *v = r;
    } else {
        for (int i = 0; i < 8; i++)
            h->b[h->pos + (size_t)i] = (unsigned char)(*v >> (8 * i));
    }
    h->pos += 8;
}

static void io_u32(hbuf *h, uint32_t *v)
{
    uint64_t w = *v;
    if (h->reading) {
        uint32_t r = 0;
        for (int i = 3; i >= 0; i--)
            r = (r << 8) | h->b[h->pos + (size_t)i];
        *v = r;
    } else {
        for (int i = 0; i < 4; i++)
            h->b[h->pos + (size_t)i] = (unsigned char)(w >> (8 * i));
    }
    h->pos += 4;
}

static void io_f64(hbuf *h, double *v)
{
    uint64_t w;
    memcpy(&w, v, 8);
    io_u64(h, &w);
    memcpy(v, &w, 8);
}

static void io_f64s(hbuf *h, double *v, int count)
{
    for (int i = 0; i < count; i++)
        io_f64(h, &v[i]);
}

/* The header fields of one optimizer, as stored. */
typedef struct {
    uint32_t version, dtype;
    uint64_t n, t;
    double lr_prev;
    mada_config cfg;
    double buf[MADA_NCOEF];
    uint32_t started_mask;
    double hypergrad[MADA_NCOEF];
    uint64_t hyper_steps, skipped, skipped_coef[MADA_NCOEF];
    uint32_t part_valid, part_mask;
    uint32_t lean_mask; /* version 2 */
} header;

static void header_io(hbuf *h, header *x)
{
    uint32_t vbar = (uint32_t)x->cfg.vbar, compat = (uint32_t)x->cfg.compat;
    io_u32(h, &x->version);
    io_u32(h, &x->dtype);
    io_u64(h, &x->n);
    io_u64(h, &x->t);
    io_f64(h, &x->lr_prev);
    io_f64s(h, x->cfg.coef, MADA_NCOEF);
    io_f64s(h, x->cfg.eta, MADA_NCOEF);
    io_f64s(h, x->cfg.mu, MADA_NCOEF);
    io_f64s(h, x->cfg.lo, MADA_NCOEF);
    io_f64s(h, x->cfg.hi, MADA_NCOEF);
    io_f64(h, &x->cfg.hclip);
    io_u64(h, &x->cfg.warmup);
    io_f64(h, &x->cfg.eps);
    io_f64(h, &x->cfg.lambda);
    io_f64(h, &x->cfg.lb1);
    io_f64(h, &x->cfg.lb2);
    io_u32(h, &vbar);
    io_u32(h, &compat);
    io_f64s(h, x->buf, MADA_NCOEF);
    io_u32(h, &x->started_mask);
    io_f64s(h, x->hypergrad, MADA_NCOEF);
    io_u64(h, &x->hyper_steps);
    io_u64(h, &x->skipped);
    for (int k = 0; k < MADA_NCOEF; k++)
        io_u64(h, &x->skipped_coef[k]);
    io_u32(h, &x->part_valid);
    io_u32(h, &x->part_mask);
    uint32_t lean = (uint32_t)x->cfg.lean;
    if (x->version >= 2) {
        io_u32(h, &lean);
        io_u32(h, &x->lean_mask);
    } else if (h->reading) {
        /* Version 1 predates lean configurations: a full optimizer. */
        lean = 0;
        x->lean_mask = 0;
    }
    /* Out-of-range enum values are kept as they are and rejected by the
     * domain check (never converted to a valid value). */
    x->cfg.vbar = vbar > 1 ? (mada_vbar_mode)2 : (mada_vbar_mode)vbar;
    x->cfg.compat = compat > 1 ? 2 : (int)compat;
    x->cfg.lean = lean > 1 ? 2 : (int)lean;
}

/* Size of the encoded header of a format version: magic plus header_io()'s
 * fields. */
static size_t header_size(uint32_t version)
{
    hbuf h = {{0}, 8, 0};
    header x;
    memset(&x, 0, sizeof x);
    x.version = version;
    header_io(&h, &x);
    return h.pos;
}

static uint32_t learning_mask(const mada_config *cfg)
{
    uint32_t mask = 0;
    for (int k = 0; k < MADA_NCOEF; k++)
        if (cfg->eta[k] > 0.0)
            mask |= 1u << k;
    return mask;
}

static int popcount6(uint32_t m)
{
    int c = 0;
    for (int k = 0; k < MADA_NCOEF; k++)
        c += (m >> k) & 1u;
    return c;
}

/* ---- Save ---------------------------------------------------------------------- */
typedef struct {
    FILE *f;
    uint64_t crc;
    int bad;
} writer;

/* An array of the optimizer as host bytes: itself, or for a CUDA optimizer
 * its copy in stage (len bytes); NULL (and w->bad) if the copy failed. */
static const void *host_bytes(writer *w, const mada_opt *opt, const void *p, void *stage,
                              size_t len)
{
    if (!opt->cuda)
        return p;
    if (!stage || mada_cuda_download(opt->cuda, stage, p, len) != MADA_OK) {
        w->bad = 1;
        return NULL;
    }
    return stage;
}

static void put(writer *w, const void *p, size_t len)
{
    if (w->bad || len == 0 || !p)
        return;
    if (fwrite(p, 1, len, w->f) != len)
        w->bad = 1;
    w->crc = mada_crc64(w->crc, p, len);
}

/* The kind of a non-regular file, for diagnostics. */
static const char *file_kind(mode_t m)
{
    return S_ISDIR(m)    ? "a directory"
           : S_ISFIFO(m) ? "a FIFO"
           : S_ISCHR(m)  ? "a character device"
           : S_ISBLK(m)  ? "a block device"
           : S_ISSOCK(m) ? "a socket"
                         : "not a regular file";
}

/* The directory part of path (a fresh string; "." when path has no '/')
 * and, in *base, its last component.  NULL when out of memory. */
static char *split_path(const char *path, const char **base)
{
    const char *slash = strrchr(path, '/');
    *base = slash ? slash + 1 : path;
    if (!slash)
        return strdup(".");
    const size_t len = slash == path ? 1 : (size_t)(slash - path); /* "/name": "/" */
    char *dir = malloc(len + 1);
    if (dir) {
        memcpy(dir, path, len);
        dir[len] = '\0';
    }
    return dir;
}

/* A new temporary file in directory dfd, mode 0600, with a short name of its
 * own (written to name, 32 bytes): the target's name may be as long as the
 * system allows, so the temporary name is not derived from it. */
static int create_temp(int dfd, char name[32])
{
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t r = ((uint64_t)getpid() << 32) ^ (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec;
    for (int attempt = 0; attempt < 100; attempt++) {
        r = r * 6364136223846793005ull + 1442695040888963407ull; /* LCG step */
        char *p = name + sprintf(name, ".mada-save-");
        uint64_t v = r;
        for (int i = 0; i < 12; i++, v /= 36)
            *p++ = digits[v % 36];
        *p = '\0';
        const int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

static int save_in_default_env(mada_opt *opt, const char *path)
{
    header x;
    memset(&x, 0, sizeof x);
    x.version = STATE_VERSION;
    x.dtype = (uint32_t)opt->dtype;
    x.n = opt->n;
    x.t = opt->t;
    x.lr_prev = opt->lr_prev;
    x.cfg = opt->cfg;
    for (int k = 0; k < MADA_NCOEF; k++) {
        x.buf[k] = opt->hb[k].buf;
        x.started_mask |= opt->hb[k].started ? 1u << k : 0u;
        x.hypergrad[k] = opt->hypergrad[k];
        x.skipped_coef[k] = opt->skipped_coef[k];
    }
    x.hyper_steps = opt->hyper_steps;
    x.skipped = opt->skipped;
    x.part_valid = (uint32_t)opt->part_valid;
    x.part_mask = learning_mask(&opt->cfg);
    x.lean_mask = mada_lean_mask(opt->lean);

    hbuf h = {{0}, 8, 0};
    memcpy(h.b, STATE_MAGIC, 8);
    header_io(&h, &x);

    const char *base;
    char *dir = split_path(path, &base);
    if (!dir)
        return mada_fail(opt, MADA_E_NOMEM, SIZE_MAX, "mada_save: out of memory");
    if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        free(dir);
        return mada_fail(opt, MADA_E_IO, SIZE_MAX, "mada_save: %s names a directory, not a file",
                         path);
    }
    const int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        const int e = errno;
        free(dir);
        return mada_fail(opt, MADA_E_IO, SIZE_MAX,
                         "mada_save: cannot open the directory of %s: %s", path, strerror(e));
    }
    free(dir);
    char tmp[32];
    const int fd = create_temp(dfd, tmp);
    if (fd < 0) {
        const int e = errno;
        close(dfd);
        return mada_fail(opt, MADA_E_IO, SIZE_MAX,
                         "mada_save: cannot create a temporary file beside %s: %s", path,
                         strerror(e));
    }
    writer w = {fdopen(fd, "wb"), 0, 0};
    if (!w.f) {
        close(fd);
        w.bad = 1;
    } else {
        const size_t bytes = opt->n * opt->esz;
        put(&w, h.b, h.pos);
        void *stage = opt->cuda ? malloc(bytes) : NULL; /* device arrays pass through it */
        for (int k = 0; k < MADA_NARR; k++)
            if (opt->arr[k])
                put(&w, host_bytes(&w, opt, opt->arr[k], stage, bytes), bytes);
        for (int k = 0; k < MADA_NCOEF; k++)
            if (x.part_mask & (1u << k))
                put(&w, host_bytes(&w, opt, opt->part[k], stage, bytes), bytes);
        free(stage);
        unsigned char trailer[8];
        const uint64_t crc = w.crc;
        for (int i = 0; i < 8; i++)
            trailer[i] = (unsigned char)(crc >> (8 * i));
        put(&w, trailer, 8);
        if (fflush(w.f) != 0 || fsync(fileno(w.f)) != 0)
            w.bad = 1;
        if (fclose(w.f) != 0)
            w.bad = 1;
    }
    int rc = MADA_OK;
    const int e = errno;
    if (w.bad) {
        rc = mada_fail(opt, MADA_E_IO, SIZE_MAX, "mada_save: cannot write %s: %s", path,
                       strerror(e));
        unlinkat(dfd, tmp, 0);
    } else if (renameat(dfd, tmp, dfd, base) != 0) {
        const int e2 = errno;
        rc = mada_fail(opt, MADA_E_IO, SIZE_MAX, "mada_save: cannot rename the new file to %s: %s",
                       path, strerror(e2));
        unlinkat(dfd, tmp, 0);
    } else {
        fsync(dfd); /* the rename itself on disk; an error here loses nothing */
    }
    close(dfd);
    return rc;
}

int mada_save(const mada_opt *opt_c, const char *path)
{
    if (!opt_c || !path)
        return MADA_E_NULL;
    /* The diagnostic is the only thing save may write in opt. */
    mada_opt *opt = (mada_opt *)opt_c;
    mada_clear_error(opt);
    mada_fpenv env;
    mada_fpenv_enter(&env);
    const int rc = save_in_default_env(opt, path);
    mada_fpenv_leave(&env);
    return rc;
}

/* ---- Load ---------------------------------------------------------------------- */
static int load_fail(mada_opt *opt, int status, const char *path, const char *why)
{
    return mada_fail(opt, status, SIZE_MAX, "mada_load: %s: %s", path, why);
}

/* Every element of a lies in [lo, hi] (NaN fails); *max gets the largest. */
static int all_within(const void *a, size_t n, mada_dtype d, double lo, double hi,
                      double *max)
{
    for (size_t i = 0; i < n; i++) {
        const double v = d == MADA_F32 ? ((const float *)a)[i] : ((const double *)a)[i];
        if (!(lo <= v && v <= hi))
            return 0;
        *max = v > *max ? v : *max;
    }
    return 1;
}

/* The loaded state lies in the domain the step relies on (docs/STATE_FORMAT.md). */
static int state_ok(const header *x, mada_opt *nw)
{
    if (mada_config_domain_check(&x->cfg) != MADA_OK)
        return 0;
    const uint32_t learn = learning_mask(&x->cfg);
    const int learning = learn != 0;
    if (x->part_mask != learn || (x->started_mask & ~learn) != 0)
        return 0;
    /* The lean mask agrees with the configuration: known bits only, none
     * without lean = 1, and every part in force has its condition (a part
     * whose condition holds need not be in force: the configuration may have
     * reached that value after creation, mada_set_coef()). */
    const unsigned can = mada_lean_mask(mada_lean_of(&x->cfg));
    if ((x->lean_mask & ~can) != 0)
        return 0;
    if (x->part_valid != (uint32_t)(learning && x->t >= 1 && x->t > x->cfg.warmup))
        return 0;
    if (!(x->lr_prev >= 0.0 && x->lr_prev <= MADA_LR_MAX))
        return 0;
    /* Any t is valid, UINT64_MAX included (then the next step refuses with
     * MADA_E_LIMIT): whatever mada_save() writes, mada_load() reads back. */
    uint64_t sum = 0;
    for (int k = 0; k < MADA_NCOEF; k++) {
        if (!isfinite(x->buf[k]) || x->skipped_coef[k] > x->t)
            return 0;
        if (x->skipped_coef[k] > UINT64_MAX - sum) /* no step makes the total wrap */
            return 0;
        sum += x->skipped_coef[k];
    }
    if (sum != x->skipped || x->hyper_steps > x->t)
        return 0;
    /* The state domain of the proofs (docs/DECISIONS.md D1): what a step can
     * store.  v and vbar may exceed MADA_V_MAX (then the next step refuses). */
    double vmax = 0.0, ignore = 0.0;
    for (int k = 0; k < MADA_NARR; k++) {
        if (!nw->arr[k])
            continue; /* dropped by the lean mask */
        const double bound = k == MADA_ARR_GP ? MADA_GMAX : MADA_S_MAX;
        const int moment2 = k == MADA_ARR_V || k == MADA_ARR_VB;
        if (!all_within(nw->arr[k], nw->n, nw->dtype, moment2 ? 0.0 : -bound,
                        moment2 ? HUGE_VAL : bound, moment2 ? &vmax : &ignore))
            return 0;
    }
    nw->vmax = vmax;
    return isfinite(vmax);
}

/* Read exactly len bytes; 0 on a short read. */
static int get(FILE *f, void *p, size_t len, uint64_t *crc)
{
    if (len == 0)
        return 1;
    if (fread(p, 1, len, f) != len)
        return 0;
    *crc = mada_crc64(*crc, p, len);
    return 1;
}

/* Open path for reading if it is a regular file; never blocks (a FIFO
 * without a writer, a device) and never reads anything else.  NULL with the
 * diagnostic set otherwise. */
static FILE *open_regular(mada_opt *opt, const char *path, struct stat *st)
{
    /* Refuse by type before opening (opening some devices has effects),
     * and again on the open descriptor (the path may have changed). */
    if (stat(path, st) != 0) {
        mada_fail(opt, MADA_E_IO, SIZE_MAX, "mada_load: cannot open %s: %s", path,
                  strerror(errno));
        return NULL;
    }
    if (!S_ISREG(st->st_mode)) {
        mada_fail(opt, MADA_E_IO, SIZE_MAX, "mada_load: %s is %s, not a regular file", path,
                  file_kind(st->st_mode));
        return NULL;
    }
    const int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        mada_fail(opt, MADA_E_IO, SIZE_MAX, "mada_load: cannot open %s: %s", path,
                  strerror(errno));
        return NULL;
    }
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        mada_fail(opt, MADA_E_IO, SIZE_MAX, "mada_load: %s is %s, not a regular file", path,
                  file_kind(st->st_mode));
        close(fd);
        return NULL;
    }
    const int flags = fcntl(fd, F_GETFL);
    FILE *f = flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0 ? NULL : fdopen(fd, "rb");
    if (!f) {
        mada_fail(opt, MADA_E_IO, SIZE_MAX, "mada_load: cannot read %s: %s", path,
                  strerror(errno));
        close(fd);
    }
    return f;
}

/* Replace nw's host arrays by device copies on opt's CUDA device; 0 (nw
 * unchanged) if that fails. */
static int to_device(mada_opt *opt, mada_opt *nw)
{
    const size_t bytes = nw->n * nw->esz;
    void *dev[MADA_NARR + MADA_NCOEF] = {NULL};
    int ok = 1;
    for (int k = 0; k < MADA_NARR + MADA_NCOEF && ok; k++) {
        const void *h = k < MADA_NARR ? nw->arr[k] : nw->part[k - MADA_NARR];
        if (h)
            ok = mada_cuda_alloc(opt->cuda, &dev[k], bytes) == MADA_OK &&
                 mada_cuda_upload(opt->cuda, dev[k], h, bytes) == MADA_OK;
    }
    if (!ok) {
        for (int k = 0; k < MADA_NARR + MADA_NCOEF; k++)
            mada_cuda_free(dev[k]);
        return 0;
    }
    mada_opt_free_arrays(nw); /* the host copies (nw->cuda is NULL) */
    memcpy(nw->arr, dev, sizeof nw->arr);
    memcpy(nw->part, dev + MADA_NARR, sizeof nw->part);
    nw->cuda = opt->cuda; /* from here on nw's arrays are device memory */
    return 1;
}

static int load_in_default_env(mada_opt *opt, const char *path)
{
    struct stat st;
    FILE *f = open_regular(opt, path, &st);
    if (!f)
        return MADA_E_IO;
    const uint64_t flen = (uint64_t)st.st_size;
    size_t hlen = header_size(1); /* the shortest; the version says which */
    int rc = MADA_OK;
    unsigned char *chunk = NULL;
    mada_opt nw;
    memset(&nw, 0, sizeof nw);

    hbuf h = {{0}, 8, 1};
    uint64_t crc = 0;
    header x;
    memset(&x, 0, sizeof x);
    if (flen < hlen || !get(f, h.b, hlen, &crc) || memcmp(h.b, STATE_MAGIC, 8) != 0) {
        rc = load_fail(opt, MADA_E_FORMAT, path, "not a MADA state file (bad magic or too short)");
        goto out;
    }
    const uint32_t version = (uint32_t)h.b[8] | (uint32_t)h.b[9] << 8 |
                             (uint32_t)h.b[10] << 16 | (uint32_t)h.b[11] << 24;
    if (version != 1 && version != 2) {
        rc = mada_fail(opt, MADA_E_VERSION, SIZE_MAX,
                       "mada_load: %s: format version %u; this library reads versions 1 and 2",
                       path, (unsigned)version);
        goto out;
    }
    if (header_size(version) > hlen) { /* the rest of a longer header */
        const size_t more = header_size(version) - hlen;
        if (flen < hlen + more || !get(f, h.b + hlen, more, &crc)) {
            rc = load_fail(opt, MADA_E_FORMAT, path, "not a MADA state file (too short)");
            goto out;
        }
        hlen += more;
    }
    x.version = version;
    header_io(&h, &x);
    /* The state arrays the file holds: those its lean mask keeps. */
    const mada_lean lean = mada_lean_from_mask(x.lean_mask);
    const unsigned keep = mada_lean_arrays(lean);
    const uint64_t esz = x.dtype == MADA_F32 ? 4 : x.dtype == MADA_F64 ? 8 : 0;
    const uint64_t narr = (uint64_t)popcount6(keep) + (uint64_t)popcount6(x.part_mask);
    if (esz == 0 || (x.part_mask >> MADA_NCOEF) != 0 || x.n == 0 ||
        x.n > (UINT64_MAX - hlen - 8) / esz / narr ||
        flen != hlen + narr * x.n * esz + 8) {
        rc = load_fail(opt, MADA_E_FORMAT, path,
                       "length does not match its header (truncated or malformed)");
        goto out;
    }
    /* Pass 1: the checksum over the whole file, before anything is allocated. */
    chunk = malloc(CHUNK);
    if (!chunk) {
        rc = load_fail(opt, MADA_E_NOMEM, path, "out of memory");
        goto out;
    }
    for (uint64_t left = flen - hlen - 8; left > 0;) {
        const size_t len = left < CHUNK ? (size_t)left : CHUNK;
        if (!get(f, chunk, len, &crc)) {
            rc = load_fail(opt, MADA_E_IO, path, "read error");
            goto out;
        }
        left -= len;
    }
    unsigned char trailer[8];
    uint64_t dummy = 0, stored = 0;
    if (!get(f, trailer, 8, &dummy)) {
        rc = load_fail(opt, MADA_E_IO, path, "read error");
        goto out;
    }
    for (int i = 7; i >= 0; i--)
        stored = (stored << 8) | trailer[i];
    if (stored != crc) {
        rc = load_fail(opt, MADA_E_CHECKSUM, path, "checksum mismatch (file corrupted)");
        goto out;
    }
    if (x.dtype != (uint32_t)opt->dtype || x.n != (uint64_t)opt->n) {
        rc = mada_fail(opt, MADA_E_MISMATCH, SIZE_MAX,
                       "mada_load: %s: saved for n = %llu, %s; this optimizer has n = %zu, %s",
                       path, (unsigned long long)x.n,
                       x.dtype == MADA_F32 ? "binary32" : "binary64", opt->n,
                       opt->dtype == MADA_F32 ? "binary32" : "binary64");
        goto out;
    }
    /* Pass 2: the arrays, into fresh storage, checked against the same
     * checksum again (the file may have changed since pass 1). */
    nw.n = opt->n;
    nw.dtype = opt->dtype;
    nw.esz = opt->esz;
    nw.cfg = x.cfg;
    nw.lean = lean;
    for (int k = 0; k < MADA_NCOEF; k++) /* allocate what the file holds */
        nw.cfg.eta[k] = (x.part_mask >> k) & 1u ? 1.0 : 0.0;
    if (mada_opt_alloc_arrays(&nw) != MADA_OK) {
        rc = load_fail(opt, MADA_E_NOMEM, path, "out of memory");
        goto out;
    }
    const size_t bytes = opt->n * opt->esz;
    uint64_t crc2 = mada_crc64(0, h.b, hlen);
    if (fseek(f, (long)hlen, SEEK_SET) != 0) {
        rc = load_fail(opt, MADA_E_IO, path, "seek error");
        goto out;
    }
    for (int k = 0; k < MADA_NARR + MADA_NCOEF; k++) {
        void *dst = k < MADA_NARR ? nw.arr[k] : nw.part[k - MADA_NARR];
        if (dst && !get(f, dst, bytes, &crc2)) {
            rc = load_fail(opt, MADA_E_IO, path, "read error");
            goto out;
        }
    }
    if (crc2 != stored) {
        rc = load_fail(opt, MADA_E_CHECKSUM, path, "file changed while being read");
        goto out;
    }
    if (!state_ok(&x, &nw)) {
        rc = load_fail(opt, MADA_E_STATE, path, "content outside the valid domain");
        goto out;
    }
    /* A CUDA optimizer: the checked arrays to fresh device memory. */
    if (opt->cuda && !to_device(opt, &nw)) {
        rc = load_fail(opt, MADA_E_BACKEND, path, mada_cuda_take_error(opt->cuda));
        goto out;
    }
    /* Commit: nothing below can fail. */
    mada_opt_free_arrays(opt);
    memcpy(opt->arr, nw.arr, sizeof opt->arr);
    memcpy(opt->part, nw.part, sizeof opt->part);
    memset(nw.arr, 0, sizeof nw.arr);
    memset(nw.part, 0, sizeof nw.part);
    opt->lean = nw.lean;
    opt->cfg = x.cfg;
    opt->t = x.t;
    opt->lr_prev = x.lr_prev;
    for (int k = 0; k < MADA_NCOEF; k++) {
        opt->hb[k].buf = x.buf[k];
        opt->hb[k].started = (int)((x.started_mask >> k) & 1u);
        opt->hypergrad[k] = x.hypergrad[k];
        opt->skipped_coef[k] = x.skipped_coef[k];
    }
    opt->hyper_steps = x.hyper_steps;
    opt->skipped = x.skipped;
    opt->part_valid = (int)x.part_valid;
    opt->vmax = nw.vmax;
out:
    mada_opt_free_arrays(&nw);
    free(chunk);
    fclose(f);
    return rc;
}

int mada_load(mada_opt *opt, const char *path)
{
    if (!opt || !path)
        return MADA_E_NULL;
    mada_clear_error(opt);
    mada_fpenv env;
    mada_fpenv_enter(&env);
    const int rc = load_in_default_env(opt, path);
    mada_fpenv_leave(&env);
    return rc;
}
