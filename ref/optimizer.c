/*
 * optimizer.c -- the public optimizer object: presets, creation, the
 * iteration of spec 7, coefficients and step information.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fpenv.h"
#include "mada_internal.h"

/* ---- Status text ------------------------------------------------------------ */
const char *mada_strerror(int status)
{
    switch (status) {
    case MADA_OK: return "success";
    case MADA_E_NULL: return "a required pointer is NULL";
    case MADA_E_OVERLAP: return "buffers overlap (parameters, gradient or optimizer state)";
    case MADA_E_GRAD: return "gradient element NaN, infinite or larger than MADA_GMAX in magnitude";
    case MADA_E_PARAM: return "parameter element NaN, infinite or larger than MADA_XMAX in magnitude";
    case MADA_E_LR: return "learning rate not finite or outside [0, MADA_LR_MAX]";
    case MADA_E_COEF: return "coefficient outside its domain or its projection range";
    case MADA_E_CONFIG: return "invalid configuration (eps, lambda, Lion betas, hyper settings or ranges)";
    case MADA_E_SIZE: return "invalid size (n must be at least 1 and allocatable)";
    case MADA_E_NOMEM: return "out of memory";
    case MADA_E_DTYPE: return "unknown element type";
    case MADA_E_PRESET: return "unknown preset name";
    case MADA_E_BACKEND: return "unknown backend, or backend not available on this machine";
    case MADA_E_IO: return "file could not be opened, read or written, or is not a regular file";
    case MADA_E_FORMAT: return "not a MADA state file, or truncated";
    case MADA_E_VERSION: return "unsupported state file version";
    case MADA_E_CHECKSUM: return "state file checksum mismatch (file corrupted)";
    case MADA_E_MISMATCH: return "state file is for another size or element type";
    case MADA_E_STATE: return "optimizer state outside the valid domain (a state file's content, or a second moment above 2^100 left by the previous step)";
    case MADA_E_INDEX: return "coefficient index out of range";
    case MADA_E_LIMIT: return "a step counter is at its largest value (the step count, the hyper-step count or a skip count would overflow)";
    case MADA_E_BOUNDS: return "projection bounds not finite, lo > hi, outside [-MADA_XMAX, MADA_XMAX] or not values of the parameters' type";
    default: return "unknown status code";
    }
}

/* ---- Diagnostics --------------------------------------------------------------- */
/* The diagnostic buffer grows to fit every message whole (a message may quote
 * a path of any length).  Only when that allocation fails is a fixed text
 * kept instead. */
static const char err_nomem[] = "(the diagnostic could not be stored: out of memory)";

int mada_fail(mada_opt *opt, int status, size_t index, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    opt->err_index = index;
    if (len < 0) {
        opt->err[0] = '\0';
        return status;
    }
    if ((size_t)len >= opt->err_cap) {
        char *bigger = realloc(opt->err, (size_t)len + 1);
        if (!bigger) {
            memcpy(opt->err, err_nomem, sizeof err_nomem); /* err_cap >= MADA_ERR_MIN */
            return status;
        }
        opt->err = bigger;
        opt->err_cap = (size_t)len + 1;
    }
    va_start(ap, fmt);
    vsnprintf(opt->err, opt->err_cap, fmt, ap);
    va_end(ap);
    return status;
}

void mada_clear_error(mada_opt *opt)
{
    opt->err[0] = '\0';
    opt->err_index = SIZE_MAX;
}

#define fail mada_fail

/* ---- Presets (spec 3.1) ----------------------------------------------------- */
typedef struct {
    const char *name;
    double coef[MADA_NCOEF];
    double eta[MADA_NCOEF];
    double mu;
    uint64_t warmup;
    double eps;
    mada_vbar_mode vbar;
    double lb1, lb2;
} preset;

static const preset presets[] = {
    {"adam",      {0.9, 0.999, 0, 1, 1, 1}, {0}, 0, 0, 1e-8, MADA_VBAR_AVG, 0.9, 0.99},
    {"amsgrad",   {0.9, 0.999, 0, 0, 1, 1}, {0}, 0, 0, 1e-8, MADA_VBAR_MAX, 0.9, 0.99},
    {"avgrad",    {0.9, 0.999, 0, 0, 1, 1}, {0}, 0, 0, 1e-8, MADA_VBAR_AVG, 0.9, 0.99},
    {"yogi",      {0.9, 0.999, 0, 1, 0, 1}, {0}, 0, 0, 1e-3, MADA_VBAR_AVG, 0.9, 0.99},
    {"adan",      {0.98, 0.99, 0.92, 1, 1, 1}, {0}, 0, 0, 1e-8, MADA_VBAR_AVG, 0.9, 0.99},
    {"lion",      {0.9, 0.99, 0, 1, 1, 0}, {0}, 0, 0, 1e-8, MADA_VBAR_AVG, 0.9, 0.99},
    {"hyperadam", {0.9, 0.95, 0, 1, 1, 1}, {5e-4, 5e-4, 0, 0, 0, 0}, 0, 50, 1e-6,
     MADA_VBAR_AVG, 0.9, 0.99},
    {"mada",      {0.9, 0.95, 0, 0, 1, 1}, {5e-4, 5e-4, 0.1, 0.1, 0.1, 0.1}, 0, 50, 1e-6,
     MADA_VBAR_AVG, 0.9, 0.99},
    {"mada-toy",  {0.9, 0.99, 0, 1, 1, 1}, {0, 0, 0.1, 0.1, 0.1, 0}, 0.9, 0, 1e-8,
     MADA_VBAR_AVG, 0.9, 0.99},
};

/* Projection ranges of the released code (spec 6.2). */
static const double default_lo[MADA_NCOEF] = {0.01, 0.501, 0.0, 0.0, 0.0, 0.0};
static const double default_hi[MADA_NCOEF] = {0.99, 0.99, 0.99, 1.0, 1.0, 1.0};

int mada_config_preset(mada_config *cfg, const char *name)
{
    if (!cfg || !name)
        return MADA_E_NULL;
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++) {
        const preset *p = &presets[i];
        if (strcmp(p->name, name) != 0)
            continue;
        memset(cfg, 0, sizeof *cfg);
        for (int k = 0; k < MADA_NCOEF; k++) {
            cfg->coef[k] = p->coef[k];
            cfg->eta[k] = p->eta[k];
            cfg->mu[k] = p->mu;
            cfg->lo[k] = default_lo[k];
            cfg->hi[k] = default_hi[k];
        }
        cfg->hclip = 10.0;
        cfg->warmup = p->warmup;
        cfg->eps = p->eps;
        cfg->lambda = 0.0;
        cfg->lb1 = p->lb1;
        cfg->lb2 = p->lb2;
        cfg->vbar = p->vbar;
        cfg->compat = 0;
        cfg->lean = 1;
        return MADA_OK;
    }
    return MADA_E_PRESET;
}

int mada_config_compat(mada_config *cfg)
{
    if (!cfg)
        return MADA_E_NULL;
    cfg->compat = 1;
    cfg->lb1 = 0.95;
    cfg->lb2 = 0.98;
    return MADA_OK;
}

int mada_config_check(const mada_config *cfg)
{
    mada_fpenv env;
    mada_fpenv_enter(&env);
    const int rc = mada_config_domain_check(cfg);
    mada_fpenv_leave(&env);
    return rc;
}

/* ---- Creation ----------------------------------------------------------------- */
static size_t dtype_size(mada_dtype d)
{
    return d == MADA_F32 ? sizeof(float) : d == MADA_F64 ? sizeof(double) : 0;
}

/* 64-byte aligned, zeroed storage for n elements of esz bytes (n*esz checked
 * by the caller). */
static void *alloc_array(size_t n, size_t esz)
{
    size_t bytes = (n * esz + 63) & ~(size_t)63;
    void *p = aligned_alloc(64, bytes);
    if (p)
        memset(p, 0, bytes);
    return p;
}

/* Fill every element of a with value (binary64, rounded to the type). */
static void fill_array(void *a, size_t n, mada_dtype d, double value)
{
    if (d == MADA_F32) {
        float *f = a;
        for (size_t i = 0; i < n; i++)
            f[i] = (float)value;
    } else {
        double *f = a;
        for (size_t i = 0; i < n; i++)
            f[i] = value;
    }
}

/* ---- Lean parts (spec 5.1) ------------------------------------------------------ */
unsigned mada_lean_arrays(mada_lean ln)
{
    if (ln.lion_only)
        return 1u << MADA_ARR_L;
    unsigned keep = (1u << MADA_ARR_M) | (1u << MADA_ARR_V);
    if (!ln.avg)
        keep |= 1u << MADA_ARR_VB;
    if (!ln.adan)
        keep |= (1u << MADA_ARR_N) | (1u << MADA_ARR_GP);
    if (!ln.lion)
        keep |= 1u << MADA_ARR_L;
    return keep;
}

unsigned mada_lean_mask(mada_lean ln)
{
    return (ln.adan ? MADA_LEAN_NO_ADAN : 0u) | (ln.lion ? MADA_LEAN_NO_LION : 0u) |
           (ln.avg ? MADA_LEAN_NO_AVG : 0u) | (ln.yogi ? MADA_LEAN_NO_YOGI : 0u) |
           (ln.lion_only ? MADA_LEAN_LION_ONLY : 0u);
}

mada_lean mada_lean_from_mask(unsigned mask)
{
    mada_lean ln;
    ln.adan = (mask & MADA_LEAN_NO_ADAN) != 0;
    ln.lion = (mask & MADA_LEAN_NO_LION) != 0;
    ln.avg = (mask & MADA_LEAN_NO_AVG) != 0;
    ln.yogi = (mask & MADA_LEAN_NO_YOGI) != 0;
    ln.lion_only = (mask & MADA_LEAN_LION_ONLY) != 0;
    return ln;
}

/* One array of opt's storage: host memory, or device memory for a CUDA
 * optimizer; zeroed.  NULL when out of memory. */
static void *alloc_for(const mada_opt *opt, size_t n, size_t esz)
{
    if (!opt->cuda)
        return alloc_array(n, esz);
    void *p = NULL;
    return mada_cuda_alloc(opt->cuda, &p, n * esz) == MADA_OK ? p : NULL;
}

static void free_for(const mada_opt *opt, void *p)
{
    if (opt->cuda)
        mada_cuda_free(p);
    else
        free(p);
}

/* Release the element storage of opt (not opt itself). */
void mada_opt_free_arrays(mada_opt *opt)
{
    for (int k = 0; k < MADA_NARR; k++) {
        free_for(opt, opt->arr[k]);
        opt->arr[k] = NULL;
    }
    for (int k = 0; k < MADA_NCOEF; k++) {
        free_for(opt, opt->part[k]);
        opt->part[k] = NULL;
    }
}

/* Allocate the element storage for opt->n, opt->dtype, opt->cfg and
 * opt->lean: the state arrays the lean parts keep (spec 5.1), the partials of
 * learning coefficients only (D6), initialised as spec 9 says for t = 0.  On
 * failure nothing stays allocated. */
int mada_opt_alloc_arrays(mada_opt *opt)
{
    const unsigned keep = mada_lean_arrays(opt->lean);
    for (int k = 0; k < MADA_NARR; k++)
        if ((keep >> k) & 1u)
            if (!(opt->arr[k] = alloc_for(opt, opt->n, opt->esz)))
                goto nomem;
    for (int k = 0; k < MADA_NCOEF; k++)
        if (opt->cfg.eta[k] > 0.0 && !(opt->part[k] = alloc_for(opt, opt->n, opt->esz)))
            goto nomem;
    opt->vmax = 0.0;
    if (opt->cfg.compat) {
        const int moments[2] = {MADA_ARR_V, MADA_ARR_VB};
        for (int j = 0; j < 2; j++) {
            if (!opt->arr[moments[j]])
                continue;
            if (!opt->cuda)
                fill_array(opt->arr[moments[j]], opt->n, opt->dtype, 1e-15);
            else if (mada_cuda_fill(opt->cuda, opt->arr[moments[j]], opt->n,
                                    opt->dtype == MADA_F32, 1e-15) != MADA_OK)
                goto nomem;
            opt->vmax = opt->dtype == MADA_F32 ? (double)(float)1e-15 : 1e-15;
        }
    }
    return MADA_OK;
nomem:
    mada_opt_free_arrays(opt);
    return MADA_E_NOMEM;
}

/* device < 0: a CPU optimizer (the default backend); else a CUDA optimizer
 * on that device. */
static int create_in_default_env(mada_opt **out, size_t n, mada_dtype dtype,
                                 const mada_config *cfg, int device)
{
    const size_t esz = dtype_size(dtype);
    if (esz == 0)
        return MADA_E_DTYPE;
    if (n == 0 || n > (SIZE_MAX - 64) / esz)
        return MADA_E_SIZE;
    int rc = mada_config_domain_check(cfg);
    if (rc != MADA_OK)
        return rc;
    /* A CPU optimizer gets the default backend (MADA_BACKEND), a CUDA one
     * the CUDA backend whatever MADA_BACKEND says. */
    mada_backend b = MADA_BACKEND_REF;
    if (device < 0 && (rc = mada_backend_default(&b)) != MADA_OK)
        return rc;
    int nthreads;
    if ((rc = mada_threads_default(&nthreads)) != MADA_OK)
        return rc;
    mada_opt *opt = calloc(1, sizeof *opt);
    if (!opt)
        return MADA_E_NOMEM;
    opt->err_cap = MADA_ERR_MIN;
    opt->err_index = SIZE_MAX;
    if (!(opt->err = calloc(1, opt->err_cap))) {
        free(opt);
        return MADA_E_NOMEM;
    }
    opt->n = n;
    opt->dtype = dtype;
    opt->esz = esz;
    opt->cfg = *cfg;
    opt->lean = mada_lean_of(cfg);
    opt->be = mada_backend_ops_get(b);
    opt->nthreads = nthreads;
    const size_t nblocks = n / MADA_RED_BLOCK + 1;
    opt->blocksums = malloc(nblocks * MADA_NCOEF * sizeof(double));
    rc = opt->blocksums ? MADA_OK : MADA_E_NOMEM;
    if (rc == MADA_OK && device >= 0) {
        rc = mada_cuda_ctx_new(&opt->cuda, device, n, NULL, 0);
        opt->be = &mada_cuda_ops;
    }
    if (rc == MADA_OK)
        rc = mada_opt_alloc_arrays(opt);
    if (rc != MADA_OK) {
        mada_cuda_ctx_free(opt->cuda);
        free(opt->blocksums);
        free(opt->err);
        free(opt);
        return rc;
    }
    *out = opt;
    return MADA_OK;
}

int mada_create(mada_opt **out, size_t n, mada_dtype dtype, const mada_config *cfg)
{
    if (!out || !cfg)
        return MADA_E_NULL;
    mada_fpenv env;
    mada_fpenv_enter(&env);
    const int rc = create_in_default_env(out, n, dtype, cfg, -1);
    mada_fpenv_leave(&env);
    return rc;
}

int mada_create_cuda(mada_opt **out, size_t n, mada_dtype dtype, const mada_config *cfg,
                     int device)
{
    if (!out || !cfg)
        return MADA_E_NULL;
    if (device < 0)
        return MADA_E_BACKEND;
    mada_fpenv env;
    mada_fpenv_enter(&env);
    const int rc = create_in_default_env(out, n, dtype, cfg, device);
    mada_fpenv_leave(&env);
    return rc;
}

void mada_destroy(mada_opt *opt)
{
    if (!opt)
        return;
    mada_opt_free_arrays(opt);
    mada_cuda_ctx_free(opt->cuda);
    free(opt->blocksums);
    free(opt->err);
    free(opt);
}

/* ---- The iteration (spec 7) ----------------------------------------------------- */
static int overlaps(const void *a, size_t alen, const void *b, size_t blen)
{
    const uintptr_t pa = (uintptr_t)a, pb = (uintptr_t)b;
    return pa < pb + blen && pb < pa + alen;
}

/* Element i of the caller's buffer b (device memory for a CUDA optimizer),
 * for diagnostics; NaN if it cannot be read. */
static double element_at(const mada_opt *opt, const void *b, size_t i)
{
    const int f32 = opt->dtype == MADA_F32;
    if (!opt->cuda)
        return f32 ? ((const float *)b)[i] : ((const double *)b)[i];
    double d = NAN;
    float f = NAN;
    if (mada_cuda_download(opt->cuda, f32 ? (void *)&f : (void *)&d,
                           (const char *)b + i * opt->esz, opt->esz) != MADA_OK)
        return NAN;
    return f32 ? (double)f : d;
}

static uint64_t max_u64(const uint64_t *a, int n)
{
    uint64_t m = 0;
    for (int k = 0; k < n; k++)
        m = a[k] > m ? a[k] : m;
    return m;
}

static const char *nonfinite_word(double v)
{
    return isnan(v) ? "NaN" : isinf(v) ? "infinite" : "too large";
}

/* The hyper-optimizer's state of opt as mada_hyper_update() takes it. */
static mada_hyper_state hyper_state_of(const mada_opt *opt)
{
    mada_hyper_state s;
    for (int k = 0; k < MADA_NCOEF; k++) {
        s.c[k].q = opt->cfg.coef[k];
        s.c[k].hb = opt->hb[k];
        s.c[k].hgrad = opt->hypergrad[k];
        s.c[k].skipped = opt->skipped_coef[k];
    }
    s.nskip = 0;
    return s;
}

/* Spec 7 step 2: step opt->t + 1 (opt->t < UINT64_MAX) updates the
 * coefficients from the partials the previous step stored. */
static int hyper_due(const mada_opt *opt)
{
    const uint64_t t = opt->t + 1;
    return t >= 2 && t - 1 > opt->cfg.warmup && mada_any_learning(&opt->cfg) && opt->part_valid;
}

/* Spec 8: everything mada_step() checks, in order, before changing anything
 * (docs/DECISIONS.md D12).  The element checks are the backend's pass 1,
 * fused there with the reductions of the hyper step when it is due (H, for
 * the learning coefficients); a failed check discards them. */
static int validate_step(mada_opt *opt, const void *x, const void *g, double lr,
                         double H[MADA_NCOEF])
{
    const size_t bytes = opt->n * opt->esz;
    if (!x || !g)
        return fail(opt, MADA_E_NULL, SIZE_MAX, "mada_step: %s is NULL", !x ? "x" : "g");
    if (overlaps(x, bytes, g, bytes))
        return fail(opt, MADA_E_OVERLAP, SIZE_MAX,
                    "mada_step: parameter and gradient buffers overlap");
    for (int k = 0; k < MADA_NARR + MADA_NCOEF; k++) {
        const void *s = k < MADA_NARR ? opt->arr[k] : opt->part[k - MADA_NARR];
        if (s && (overlaps(x, bytes, s, bytes) || overlaps(g, bytes, s, bytes)))
            return fail(opt, MADA_E_OVERLAP, SIZE_MAX,
                        "mada_step: a caller buffer overlaps the optimizer's own state");
    }
    /* The hyper-optimizer's state when this step updates coefficients: its
     * counters can count this step, alpha_{t-1} and the momentum buffers are
     * in their domain (ref/hyper.c; what mada_hyper_update() requires). */
    if (opt->t < UINT64_MAX && hyper_due(opt)) {
        const int hrc = mada_hyper_check(hyper_state_of(opt), opt->lr_prev, opt->hyper_steps,
                                         opt->skipped);
        if (hrc == MADA_E_LIMIT)
            return fail(opt, hrc, SIZE_MAX,
                        "mada_step: a hyper-step counter is at its largest value (hyper steps "
                        "%llu, skipped events %llu, at most %llu per coefficient): this step "
                        "could overflow it",
                        (unsigned long long)opt->hyper_steps, (unsigned long long)opt->skipped,
                        (unsigned long long)max_u64(opt->skipped_coef, MADA_NCOEF));
        if (hrc != MADA_OK)
            return fail(opt, hrc, SIZE_MAX,
                        "mada_step: the hyper-optimizer state is outside its domain (alpha_{t-1} "
                        "= %g, or a momentum buffer not finite)", opt->lr_prev);
    }
    /* The value checks: ref/validate.c, whose contracts are what the kernels
     * require (proofs/domain_harness.c); the elements' through pass 1. */
    const int compat_first = opt->cfg.compat && opt->t == 0;
    const int f32 = opt->dtype == MADA_F32;
    size_t i = SIZE_MAX;
    int rc = mada_step_scalars_check(opt->t, lr, opt->vmax);
    if (rc == MADA_OK) {
        mada_pass1_t p1;
        p1.n = opt->n;
        p1.x = x;
        p1.g = g;
        p1.compat_first = compat_first;
        const int reduce = opt->t < UINT64_MAX && hyper_due(opt);
        for (int k = 0; k < MADA_NCOEF; k++)
            p1.part[k] = reduce && opt->cfg.eta[k] > 0.0 ? opt->part[k] : NULL;
        p1.nthreads = opt->nthreads;
        p1.blocksums = opt->blocksums;
        p1.dev = opt->cuda;
        rc = f32 ? opt->be->pass1_f32(&p1, H, &i) : opt->be->pass1_f64(&p1, H, &i);
    }
    switch (rc) {
    case MADA_OK:
        break;
    case MADA_E_LIMIT:
        return fail(opt, rc, SIZE_MAX,
                    "mada_step: the step count t = %llu is at its largest value: a step would "
                    "wrap it to 0", (unsigned long long)opt->t);
    case MADA_E_LR:
        return fail(opt, rc, SIZE_MAX, "mada_step: learning rate %g is not in [0, %g]", lr,
                    MADA_LR_MAX);
    case MADA_E_STATE:
        return fail(opt, rc, SIZE_MAX,
                    "mada_step: second moment %g left the proved domain [0, 2^100]",
                    opt->vmax);
    case MADA_E_GRAD: {
        const double v = element_at(opt, g, i);
        return fail(opt, rc, i, "mada_step: gradient element %zu is %s (%g); need finite |g| <= %g",
                    i, nonfinite_word(v), v, mada_grad_bound(compat_first));
    }
    case MADA_E_PARAM: {
        const double v = element_at(opt, x, i);
        return fail(opt, rc, i,
                    "mada_step: parameter element %zu is %s (%g); need finite |x| <= 2^100",
                    i, nonfinite_word(v), v);
    }
    default: /* MADA_E_BACKEND: the device failed */
        return fail(opt, rc, SIZE_MAX, "mada_step: %s", mada_cuda_take_error(opt->cuda));
    }
    return MADA_OK;
}

/* Spec 7 step 2: the coefficient update with alpha_{t-1}, from H, the
 * canonical reductions against the stored partials (pass 1). */
static void hyper_step(mada_opt *opt, const double H[MADA_NCOEF])
{
    mada_hyper_input in;
    for (int k = 0; k < MADA_NCOEF; k++) {
        in.H[k] = opt->cfg.eta[k] > 0.0 ? H[k] : 0.0;
        in.eta[k] = opt->cfg.eta[k];
        in.mu[k] = opt->cfg.mu[k];
        in.lo[k] = opt->cfg.lo[k];
        in.hi[k] = opt->cfg.hi[k];
    }
    in.lr_prev = opt->lr_prev;
    in.hclip = opt->cfg.hclip;
    /* mada_hyper_update's preconditions hold here: mada_hyper_check() and the
     * configuration's check established them (ref/hyper.h). */
    const mada_hyper_state s = mada_hyper_update(hyper_state_of(opt), in);
    for (int k = 0; k < MADA_NCOEF; k++) {
        opt->cfg.coef[k] = s.c[k].q;
        opt->hb[k] = s.c[k].hb;
        opt->hypergrad[k] = s.c[k].hgrad;
        opt->skipped_coef[k] = s.c[k].skipped;
    }
    opt->skipped += (uint64_t)s.nskip;
    opt->hyper_steps++;
}

/* Fill kernel arguments A (either type) for one step of O over X and G. */
#define MADA_FILL_KARGS(A, O, X, G, STORE)                                   \
    do {                                                                     \
        (A).n = (O)->n;                                                      \
        (A).x = (X);                                                         \
        (A).g = (G);                                                         \
        (A).gp = (O)->arr[MADA_ARR_GP];                                      \
        (A).m = (O)->arr[MADA_ARR_M];                                        \
        (A).v = (O)->arr[MADA_ARR_V];                                        \
        (A).vb = (O)->arr[MADA_ARR_VB];                                      \
        (A).nn = (O)->arr[MADA_ARR_N];                                       \
        (A).l = (O)->arr[MADA_ARR_L];                                        \
        for (int k_ = 0; k_ < MADA_NCOEF; k_++) /* written iff partials */  \
            (A).part[k_] = (O)->part[k_];                                    \
        (A).partials = (STORE);                                              \
        (A).vbar_max = (O)->cfg.vbar == MADA_VBAR_MAX;                       \
        (A).lion_compat = (O)->cfg.compat;                                   \
        (A).lean = (O)->lean;                                                \
        (A).nthreads = (O)->nthreads;                                        \
        (A).dev = (O)->cuda;                                                 \
    } while (0)

static int step_in_default_env(mada_opt *opt, void *x, const void *g, double lr)
{
    double H[MADA_NCOEF] = {0};
    int rc = validate_step(opt, x, g, lr, H);
    if (rc != MADA_OK)
        return rc;

    /* Nothing below can fail. */
    const int hyper = hyper_due(opt);
    const uint64_t t = opt->t + 1;
    const int learning = mada_any_learning(&opt->cfg);
    /* Spec 9: at t = 1 the previous gradient is g_1 itself (compat: 0, and n
     * starts at g_1^2). */
    if (t == 1 && opt->cuda) {
        if (mada_cuda_setup(opt->cuda, opt->dtype == MADA_F32, opt->n, g,
                            opt->cfg.compat ? NULL : opt->arr[MADA_ARR_GP],
                            opt->cfg.compat ? opt->arr[MADA_ARR_N] : NULL) != MADA_OK)
            return fail(opt, MADA_E_BACKEND, SIZE_MAX, "mada_step: %s",
                        mada_cuda_take_error(opt->cuda));
    } else if (t == 1 && opt->cfg.compat && opt->arr[MADA_ARR_N]) {
        if (opt->dtype == MADA_F32)
            mada_compat_init_n_f32(opt->n, g, opt->arr[MADA_ARR_N]);
        else
            mada_compat_init_n_f64(opt->n, g, opt->arr[MADA_ARR_N]);
    } else if (t == 1 && !opt->cfg.compat && opt->arr[MADA_ARR_GP]) {
        if (opt->dtype == MADA_F32)
            mada_first_gp_f32(opt->n, g, opt->arr[MADA_ARR_GP]);
        else
            mada_first_gp_f64(opt->n, g, opt->arr[MADA_ARR_GP]);
    }

    if (hyper)
        hyper_step(opt, H);

    mada_scalar_inputs si;
    memcpy(si.q, opt->cfg.coef, sizeof si.q);
    si.t = t;
    si.eps = opt->cfg.eps;
    si.lb1 = opt->cfg.lb1;
    si.lb2 = opt->cfg.lb2;
    si.lr = lr;
    si.lambda = opt->cfg.lambda;
    mada_scalars_f64 s64;
    mada_scalars_compute(&si, &s64);

    /* Partials of step t are used at step t + 1, which updates coefficients
     * only when t > warmup. */
    const int store = learning && t > opt->cfg.warmup;
    if (opt->dtype == MADA_F32) {
        mada_kargs_f32 a;
        MADA_FILL_KARGS(a, opt, x, g, store);
        mada_scalars_f32 s32;
        mada_scalars_round_f32(&s64, &s32);
        opt->vmax = opt->be->kernel_f32(&a, s32);
    } else {
        mada_kargs_f64 a;
        MADA_FILL_KARGS(a, opt, x, g, store);
        opt->vmax = opt->be->kernel_f64(&a, s64);
    }
    opt->part_valid = store;
    opt->lr_prev = lr;
    opt->t = t;
    if (opt->cuda) {
        const char *e = mada_cuda_take_error(opt->cuda);
        if (e) /* a device failure after the checks: the state is the device's */
            return fail(opt, MADA_E_BACKEND, SIZE_MAX, "mada_step: %s", e);
    }
    return MADA_OK;
}

int mada_step(mada_opt *opt, void *x, const void *g, double lr)
{
    if (!opt)
        return MADA_E_NULL;
    mada_clear_error(opt);
    if (opt->cuda)
        return fail(opt, MADA_E_BACKEND, SIZE_MAX,
                    "mada_step: this optimizer's state is on a CUDA device: step it with "
                    "mada_step_cuda() and device pointers");
    mada_fpenv env;
    mada_fpenv_enter(&env);
    const int rc = step_in_default_env(opt, x, g, lr);
    mada_fpenv_leave(&env);
    return rc;
}

int mada_step_cuda(mada_opt *opt, void *x, const void *g, double lr, void *stream)
{
    if (!opt)
        return MADA_E_NULL;
    mada_clear_error(opt);
    if (!opt->cuda)
        return fail(opt, MADA_E_BACKEND, SIZE_MAX,
                    "mada_step_cuda: this optimizer was not made by mada_create_cuda()");
    char why[160];
    if (x && g && (mada_cuda_check_ptr(opt->cuda, x, "x", why, sizeof why) != MADA_OK ||
                   mada_cuda_check_ptr(opt->cuda, g, "g", why, sizeof why) != MADA_OK))
        return fail(opt, MADA_E_BACKEND, SIZE_MAX, "mada_step_cuda: %s", why);
    mada_cuda_set_stream(opt->cuda, stream);
    mada_fpenv env;
    mada_fpenv_enter(&env);
    const int rc = step_in_default_env(opt, x, g, lr);
    mada_fpenv_leave(&env);
    return rc;
}

/* ---- The projection (spec 7.1) ---------------------------------------------------- */
/* The bounds' checks: finite, lo <= hi, inside [-XMAX, XMAX], values of the
 * optimizer's type (docs/DECISIONS.md D24). */
static int check_bounds(mada_opt *opt, const char *fn, double lo, double hi)
{
    const double b[2] = {lo, hi};
    const char *name[2] = {"lo", "hi"};
    for (int k = 0; k < 2; k++) {
        if (!isfinite(b[k]))
            return fail(opt, MADA_E_BOUNDS, SIZE_MAX, "%s: %s is %s", fn, name[k],
                        isnan(b[k]) ? "NaN" : "infinite");
        if (!(fabs(b[k]) <= MADA_XMAX))
            return fail(opt, MADA_E_BOUNDS, SIZE_MAX,
                        "%s: %s = %.17g is outside [-MADA_XMAX, MADA_XMAX] = [-2^100, 2^100]",
                        fn, name[k], b[k]);
        if (opt->dtype == MADA_F32 && (double)(float)b[k] != b[k])
            return fail(opt, MADA_E_BOUNDS, SIZE_MAX,
                        "%s: %s = %.17g is not a binary32 value, the type of this optimizer's "
                        "parameters (the nearest is %.9g: pass (double)(float)%s)",
                        fn, name[k], b[k], (double)(float)b[k], name[k]);
    }
    if (!(lo <= hi))
        return fail(opt, MADA_E_BOUNDS, SIZE_MAX, "%s: lo = %.17g is above hi = %.17g", fn,
                    lo, hi);
    return MADA_OK;
}

static int project_in_default_env(mada_opt *opt, const char *fn, void *x, double lo, double hi)
{
    if (!x)
        return fail(opt, MADA_E_NULL, SIZE_MAX, "%s: x is NULL", fn);
    int rc = check_bounds(opt, fn, lo, hi);
    if (rc != MADA_OK)
        return rc;
    const size_t bytes = opt->n * opt->esz;
    if (!opt->cuda)
        for (int k = 0; k < MADA_NARR + MADA_NCOEF; k++) {
            const void *s = k < MADA_NARR ? opt->arr[k] : opt->part[k - MADA_NARR];
            if (s && overlaps(x, bytes, s, bytes))
                return fail(opt, MADA_E_OVERLAP, SIZE_MAX,
                            "%s: x overlaps the optimizer's own state", fn);
        }
    mada_project_t a;
    a.n = opt->n;
    a.f32 = opt->dtype == MADA_F32;
    a.x = x;
    a.lo = lo;
    a.hi = hi;
    for (int k = 0; k < MADA_NCOEF; k++)
        a.part[k] = opt->part[k];
    a.dev = opt->cuda;
    size_t bad = SIZE_MAX;
    rc = opt->be->project(&a, &bad);
    if (rc == MADA_E_PARAM) {
        const double v = element_at(opt, x, bad);
        return fail(opt, MADA_E_PARAM, bad, "%s: parameter x[%zu] = %g is %s", fn, bad, v,
                    isnan(v) ? "NaN" : "infinite");
    }
    if (rc != MADA_OK) { /* a device failure */
        const char *e = opt->cuda ? mada_cuda_take_error(opt->cuda) : NULL;
        return fail(opt, rc, SIZE_MAX, "%s: %s", fn, e ? e : "the backend failed");
    }
    return MADA_OK;
}

int mada_project(mada_opt *opt, void *x, double lo, double hi)
{
    if (!opt)
        return MADA_E_NULL;
    mada_clear_error(opt);
    if (opt->cuda)
        return fail(opt, MADA_E_BACKEND, SIZE_MAX,
                    "mada_project: this optimizer's state is on a CUDA device: project with "
                    "mada_project_cuda() and a device pointer");
    mada_fpenv env;
    mada_fpenv_enter(&env);
    const int rc = project_in_default_env(opt, "mada_project", x, lo, hi);
    mada_fpenv_leave(&env);
    return rc;
}

int mada_project_cuda(mada_opt *opt, void *x, double lo, double hi, void *stream)
{
    if (!opt)
        return MADA_E_NULL;
    mada_clear_error(opt);
    if (!opt->cuda)
        return fail(opt, MADA_E_BACKEND, SIZE_MAX,
                    "mada_project_cuda: this optimizer was not made by mada_create_cuda()");
    char why[160];
    if (x && mada_cuda_check_ptr(opt->cuda, x, "x", why, sizeof why) != MADA_OK)
        return fail(opt, MADA_E_BACKEND, SIZE_MAX, "mada_project_cuda: %s", why);
    mada_cuda_set_stream(opt->cuda, stream);
    mada_fpenv env;
    mada_fpenv_enter(&env);
    const int rc = project_in_default_env(opt, "mada_project_cuda", x, lo, hi);
    mada_fpenv_leave(&env);
    return rc;
}

/* ---- Coefficients and information ------------------------------------------------ */
static const char *const coef_name[MADA_NCOEF] = {"beta1", "beta2", "beta3", "rho", "c", "gamma"};

int mada_get_coefs(const mada_opt *opt, double coef[MADA_NCOEF])
{
    if (!opt || !coef)
        return MADA_E_NULL;
    memcpy(coef, opt->cfg.coef, sizeof opt->cfg.coef);
    return MADA_OK;
}

static int set_coef_in_default_env(mada_opt *opt, int q, double value)
{
    if (q < 0 || q >= MADA_NCOEF)
        return fail(opt, MADA_E_INDEX, SIZE_MAX, "mada_set_coef: index %d not in [0, %d)",
                    q, MADA_NCOEF);
    if (!mada_coef_ok(&opt->cfg, q, value))
        return fail(opt, MADA_E_COEF, SIZE_MAX,
                    "mada_set_coef: %g is outside the domain or [lo, hi] of coefficient %s",
                    value, coef_name[q]);
    if (!mada_lean_allows(opt->lean, q, value)) {
        /* The lean part whose condition the change breaks (spec 5.1). */
        const mada_lean ln = opt->lean;
        const char *part = q == MADA_BETA3              ? "no Adan term"
                           : q == MADA_RHO              ? "no average"
                           : q == MADA_C                ? "no Yogi term"
                           : ln.lion && q == MADA_GAMMA ? "no Lion term"
                                                        : "Lion only";
        const char *dropped = q == MADA_BETA3              ? "the arrays n and gp it dropped"
                              : q == MADA_RHO              ? "the array vbar it dropped"
                              : q == MADA_C                ? "the Yogi term's lines it does not evaluate"
                              : ln.lion && q == MADA_GAMMA ? "the array l it dropped"
                                                           : "the arrays m, v, vbar, n and gp it dropped";
        return fail(opt, MADA_E_CONFIG, SIZE_MAX,
                    "mada_set_coef: %s is frozen at %g in this lean optimizer (spec 5.1, %s); "
                    "setting it to %g would need %s (create the optimizer with "
                    "mada_config.lean = 0 to keep every array)",
                    coef_name[q], opt->cfg.coef[q], part, value, dropped);
    }
    opt->cfg.coef[q] = value;
    return MADA_OK;
}

int mada_set_coef(mada_opt *opt, int q, double value)
{
    if (!opt)
        return MADA_E_NULL;
    mada_clear_error(opt);
    mada_fpenv env;
    mada_fpenv_enter(&env);
    const int rc = set_coef_in_default_env(opt, q, value);
    mada_fpenv_leave(&env);
    return rc;
}

int mada_get_config(const mada_opt *opt, mada_config *cfg)
{
    if (!opt || !cfg)
        return MADA_E_NULL;
    *cfg = opt->cfg;
    return MADA_OK;
}

int mada_get_info(const mada_opt *opt, mada_info *info)
{
    if (!opt || !info)
        return MADA_E_NULL;
    memset(info, 0, sizeof *info);
    info->t = opt->t;
    info->n = opt->n;
    info->dtype = opt->dtype;
    info->backend = opt->be->id;
    info->threads = opt->be->id == MADA_BACKEND_REF ? 1 : opt->nthreads;
    memcpy(info->coef, opt->cfg.coef, sizeof info->coef);
    memcpy(info->hypergrad, opt->hypergrad, sizeof info->hypergrad);
    info->hyper_steps = opt->hyper_steps;
    info->skipped = opt->skipped;
    memcpy(info->skipped_coef, opt->skipped_coef, sizeof info->skipped_coef);
    info->lean_mask = mada_lean_mask(opt->lean);
    size_t arrays = 0;
    for (int k = 0; k < MADA_NARR; k++)
        arrays += opt->arr[k] != NULL;
    for (int k = 0; k < MADA_NCOEF; k++)
        arrays += opt->part[k] != NULL;
    info->state_bytes_per_elem = arrays * opt->esz;
    return MADA_OK;
}

const char *mada_last_error(const mada_opt *opt)
{
    return opt ? opt->err : "mada_last_error: opt is NULL";
}

size_t mada_last_error_index(const mada_opt *opt)
{
    return opt ? opt->err_index : SIZE_MAX;
}

int mada_set_threads(mada_opt *opt, int nthreads)
{
    if (!opt)
        return MADA_E_NULL;
    mada_clear_error(opt);
    if (nthreads < 0 || nthreads > MADA_MAX_THREADS)
        return fail(opt, MADA_E_CONFIG, SIZE_MAX,
                    "mada_set_threads: %d threads is not in [1, %d] (or 0: the default)",
                    nthreads, MADA_MAX_THREADS);
    if (nthreads == 0 && mada_threads_default(&nthreads) != MADA_OK)
        return fail(opt, MADA_E_CONFIG, SIZE_MAX,
                    "mada_set_threads: MADA_NUM_THREADS=%s is not a count in [1, %d]",
                    getenv("MADA_NUM_THREADS"), MADA_MAX_THREADS);
    opt->nthreads = nthreads;
    return MADA_OK;
}
