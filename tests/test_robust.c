/*
 * test_robust.c -- the library as users' processes really are (issue 8):
 * whatever floating-point environment the caller has set (flush-to-zero,
 * denormals-are-zero, another rounding mode, traps), the results are those of
 * the IEEE default environment and the caller's environment comes back
 * exactly; the hyper-step counters at their limits; state files on odd paths;
 * diagnostics never truncated.
 */
#define _GNU_SOURCE /* feenableexcept */
#include <errno.h>
#include <fenv.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define HAVE_MXCSR 1
#else
#define HAVE_MXCSR 0
#endif

/* ---- The caller's environments ------------------------------------------------ */
enum { ENV_DEFAULT, ENV_FTZ, ENV_DAZ, ENV_FTZ_DAZ, ENV_DOWNWARD, ENV_UPWARD, ENV_TOWARDZERO,
       ENV_TRAPS, ENV_FLAGS, ENV_COUNT };
static const char *const env_name[ENV_COUNT] = {
    "default", "FTZ", "DAZ", "FTZ+DAZ", "round downward", "round upward", "round toward zero",
    "traps on every exception", "flags raised before the call"};

/* Install environment e (from the default). 0 if this machine lacks it. */
static int env_set(int e)
{
    fesetenv(FE_DFL_ENV);
#if HAVE_MXCSR
    _mm_setcsr(0x1F80u);
#endif
    switch (e) {
    case ENV_DEFAULT:
        return 1;
#if HAVE_MXCSR
    case ENV_FTZ:
        _mm_setcsr(_mm_getcsr() | 0x8000u);
        return 1;
    case ENV_DAZ:
        _mm_setcsr(_mm_getcsr() | 0x0040u);
        return 1;
    case ENV_FTZ_DAZ:
        _mm_setcsr(_mm_getcsr() | 0x8040u);
        return 1;
#endif
    case ENV_DOWNWARD:
        return fesetround(FE_DOWNWARD) == 0;
    case ENV_UPWARD:
        return fesetround(FE_UPWARD) == 0;
    case ENV_TOWARDZERO:
        return fesetround(FE_TOWARDZERO) == 0;
    case ENV_TRAPS:
        return feenableexcept(FE_ALL_EXCEPT) != -1;
    case ENV_FLAGS:
        return feraiseexcept(FE_DIVBYZERO | FE_UNDERFLOW) == 0;
    default:
        return 0;
    }
}

/* What a caller can observe of its environment. */
typedef struct {
    int round, flags, traps;
    unsigned int mxcsr;
} env_view;

static env_view env_look(void)
{
    env_view v;
    v.round = fegetround();
    v.flags = fetestexcept(FE_ALL_EXCEPT);
    v.traps = fegetexcept();
#if HAVE_MXCSR
    v.mxcsr = _mm_getcsr();
#else
    v.mxcsr = 0;
#endif
    return v;
}

static int env_same(env_view a, env_view b)
{
    return a.round == b.round && a.flags == b.flags && a.traps == b.traps && a.mxcsr == b.mxcsr;
}

/* A SIGFPE inside the library (a trap the caller enabled) jumps back here. */
static sigjmp_buf fpe_jump;
static volatile sig_atomic_t fpe_seen;

static void on_sigfpe(int sig)
{
    (void)sig;
    fpe_seen = 1;
    siglongjmp(fpe_jump, 1);
}

/* Every library call of a workload goes through guarded(): the environment
 * under test is installed just before the call (the test's own arithmetic
 * runs in the default environment), compared after it with what it was
 * before, and the default is reinstalled.  A trap is a failure, not a
 * crash.  The call is described by a struct so that no local of the caller
 * lives across sigsetjmp. */
typedef struct {
    int env;
    int env_kept;    /* every call gave the environment back */
    int trapped;     /* some call raised SIGFPE */
} env_run;

enum { C_CREATE, C_STEP, C_LOAD, C_SAVE, C_CHECK, C_SETCOEF, C_PROJECT };
typedef struct {
    int kind;
    mada_opt **out;
    mada_opt *o;
    void *x;
    const void *g;
    double lr, value, lo, hi;
    size_t n;
    mada_dtype d;
    const mada_config *cfg;
    const char *path;
    int q;
} lib_call;

static int lib_do(const lib_call *c)
{
    switch (c->kind) {
    case C_CREATE: return mada_create(c->out, c->n, c->d, c->cfg);
    case C_STEP: return mada_step(c->o, c->x, c->g, c->lr);
    case C_LOAD: return mada_load(c->o, c->path);
    case C_SAVE: return mada_save(c->o, c->path);
    case C_CHECK: return mada_config_check(c->cfg);
    case C_PROJECT: return mada_project(c->o, c->x, c->lo, c->hi);
    default: return mada_set_coef(c->o, c->q, c->value);
    }
}

static __attribute__((noinline)) int guarded(env_run *r, const lib_call *c)
{
    volatile int rc = -999;
    if (sigsetjmp(fpe_jump, 1) == 0) {
        env_set(r->env);
        const env_view before = env_look();
        rc = lib_do(c);
        const env_view after = env_look();
        env_set(ENV_DEFAULT);
        if (!env_same(before, after))
            r->env_kept = 0;
    } else {
        env_set(ENV_DEFAULT);
        r->trapped = 1;
    }
    return rc;
}

#define CALL(R, OUT, ...)                                                         \
    do {                                                                          \
        const lib_call c_ = {__VA_ARGS__};                                        \
        (OUT) = guarded((R), &c_);                                                \
    } while (0)

/* ---- Workloads ------------------------------------------------------------------ */
/* The bytes a workload produced: parameters, every optimizer's snapshot and
 * the status codes, concatenated. */
typedef struct {
    unsigned char *b;
    size_t len, cap;
} bytes;

static void bytes_put(bytes *o, const void *p, size_t len)
{
    if (o->len + len > o->cap) {
        o->cap = 2 * (o->len + len) + 256;
        o->b = realloc(o->b, o->cap);
        CU_ASSERT_FATAL(o->b != NULL);
    }
    memcpy(o->b + o->len, p, len);
    o->len += len;
}

static void bytes_put_opt(bytes *o, const mada_opt *opt)
{
    snapshot s = snap_take(opt);
    bytes_put(o, s.bytes, s.len);
    snap_free(&s);
}

/* The step of the issue: adam preset with beta1 = beta2 = 0.25, eps = 2^-52,
 * binary64, x = 0, g = 2^-1060, lr = 1e-3.  Spec 5 gives x' = -lr * 2^-1008
 * (gh2 underflows to 0, so v1 = 0, D = eps; m1 = 0.75 g and mh = m1 / 0.75 =
 * 2^-1060 exactly on the subnormal grid; q = 2^-1060 / 2^-52); under FTZ or
 * DAZ the subnormal g or m1 becomes 0 and x stays 0. */
static double subnormal_step(env_run *r)
{
    mada_config cfg;
    CU_ASSERT_FATAL(mada_config_preset(&cfg, "adam") == MADA_OK);
    cfg.coef[MADA_BETA1] = 0.25;
    cfg.coef[MADA_BETA2] = 0.25;
    cfg.eps = 0x1p-52;
    mada_opt *o = NULL;
    int rc;
    CALL(r, rc, .kind = C_CREATE, .out = &o, .n = 1, .d = MADA_F64, .cfg = &cfg);
    CU_ASSERT_FATAL(rc == MADA_OK && o != NULL);
    double x = 0.0;
    const double g = 0x1p-1060;
    CALL(r, rc, .kind = C_STEP, .o = o, .x = &x, .g = &g, .lr = 1e-3);
    CU_ASSERT(rc == MADA_OK);
    mada_destroy(o);
    return x;
}

/* Spec 8 lets the partials overflow on valid inputs: binary32, beta1 =
 * 1 - 10^-6 and beta2 = 0 frozen, beta3 learning.  Step 1 with g = 2^32
 * leaves m ~ 4295, step 2 with g = 1e-20 gives v1 = 1e-40 (subnormal), r ~
 * 1e-20, q ~ 1e25 and A = q / (2 r D) ~ 1e60: an overflow in binary32.  Under
 * the caller's traps the library must neither trap nor change its results. */
static mada_opt *overflow_run(env_run *r, float *x)
{
    mada_config cfg;
    CU_ASSERT_FATAL(mada_config_preset(&cfg, "adam") == MADA_OK);
    cfg.coef[MADA_BETA1] = 0.999999;
    cfg.coef[MADA_BETA2] = 0.0;
    cfg.eta[MADA_BETA3] = 0.1;
    cfg.eps = 0x1p-52;
    mada_opt *o = NULL;
    int rc;
    CALL(r, rc, .kind = C_CREATE, .out = &o, .n = 4, .d = MADA_F32, .cfg = &cfg);
    CU_ASSERT_FATAL(rc == MADA_OK && o != NULL);
    const float g[3][4] = {{0x1p32f, -0x1p32f, 1.0f, 0.0f},
                           {1e-20f, -1e-20f, 1e-20f, 0.0f},
                           {1e-20f, 2e-20f, -1e-20f, 1.0f}};
    for (int t = 0; t < 3; t++) {
        CALL(r, rc, .kind = C_STEP, .o = o, .x = x, .g = g[t], .lr = 1e-3);
        CU_ASSERT(rc == MADA_OK);
    }
    return o;
}

/* A learning run with subnormal, tiny, huge and zero gradients, every
 * coefficient learning, warm-up 0, AVG or MAX, binary32 or binary64; then a
 * save in the default environment and a load under test. */
static void learning_run(env_run *r, const char *preset, mada_dtype d, int vbar_max,
                         int compat, double lambda, bytes *out)
{
    const size_t n = 37;
    const size_t esz = d == MADA_F32 ? 4 : 8;
    mada_config cfg;
    CU_ASSERT_FATAL(mada_config_preset(&cfg, preset) == MADA_OK);
    cfg.warmup = 0;
    cfg.vbar = vbar_max ? MADA_VBAR_MAX : MADA_VBAR_AVG;
    cfg.lambda = lambda;
    if (compat)
        mada_config_compat(&cfg);
    mada_opt *o = NULL;
    int rc;
    CALL(r, rc, .kind = C_CREATE, .out = &o, .n = n, .d = d, .cfg = &cfg);
    CU_ASSERT_FATAL(rc == MADA_OK && o != NULL);
    void *x = calloc(n, esz), *g = calloc(n, esz);
    CU_ASSERT_FATAL(x && g);
    rng_t rx = {77};
    fill_random(x, n, d, &rx, -3, 2, 0.1);
    for (int t = 0; t < 25; t++) {
        rng_t rg = {1000u + (uint64_t)t};
        /* Magnitudes from far below the smallest normal to large. */
        const int lo = d == MADA_F32 ? (compat && t == 0 ? -140 : -149) : -1074;
        fill_random(g, n, d, &rg, t % 3 == 0 ? lo : -20, t % 3 == 0 ? lo + 30 : 8, 0.1);
        const double lr = 1e-3 * (1.0 + (double)(t % 5));
        CALL(r, rc, .kind = C_STEP, .o = o, .x = x, .g = g, .lr = lr);
        CU_ASSERT(rc == MADA_OK);
        bytes_put(out, &rc, sizeof rc);
        if (t % 3 == 1) { /* the projection (spec 7.1): clamps some of the x */
            CALL(r, rc, .kind = C_PROJECT, .o = o, .x = x, .lo = -0.75, .hi = 1.5);
            CU_ASSERT(rc == MADA_OK);
            bytes_put(out, &rc, sizeof rc);
        }
    }
    bytes_put(out, x, n * esz);
    bytes_put_opt(out, o);

    /* Save (default environment), then load it back under test. */
    char dir[32], path[64];
    make_dir(dir);
    path_in(path, sizeof path, dir, "s.mada");
    CU_ASSERT(mada_save(o, path) == MADA_OK);
    mada_opt *back = NULL;
    CALL(r, rc, .kind = C_CREATE, .out = &back, .n = n, .d = d, .cfg = &cfg);
    CU_ASSERT_FATAL(rc == MADA_OK && back != NULL);
    CALL(r, rc, .kind = C_LOAD, .o = back, .path = path);
    CU_ASSERT(rc == MADA_OK);
    bytes_put_opt(out, back);
    /* Save under test too: the same bytes. */
    CALL(r, rc, .kind = C_SAVE, .o = back, .path = path);
    CU_ASSERT(rc == MADA_OK);
    size_t len = 0;
    unsigned char *img = slurp(path, &len);
    CU_ASSERT_FATAL(img != NULL);
    bytes_put(out, img, len);

    /* A NaN in the loaded state: load's checks compare it (an invalid
     * comparison, which traps under FE_INVALID) and refuse. */
    const size_t arr0 = len - 8 - (size_t)6 * n * esz
                        - (size_t)MADA_NCOEF * n * esz; /* every coefficient learns */
    if (d == MADA_F32) {
        const float nan = NAN;
        memcpy(img + arr0, &nan, 4);
    } else {
        const double nan = NAN;
        memcpy(img + arr0, &nan, 8);
    }
    fix_crc(img, len);
    spit(path, img, len);
    CALL(r, rc, .kind = C_LOAD, .o = back, .path = path);
    CU_ASSERT(rc == MADA_E_STATE);
    bytes_put(out, &rc, sizeof rc);

    /* Invalid inputs: NaN gradient and parameter, refused (comparisons
     * with NaN under FE_INVALID traps). */
    memcpy(g, x, n * esz);
    if (d == MADA_F32)
        ((float *)g)[5] = NAN;
    else
        ((double *)g)[5] = NAN;
    CALL(r, rc, .kind = C_STEP, .o = o, .x = x, .g = g, .lr = 1e-3);
    CU_ASSERT(rc == MADA_E_GRAD);
    bytes_put(out, &rc, sizeof rc);
    CALL(r, rc, .kind = C_PROJECT, .o = o, .x = g, .lo = -1.0, .hi = 1.0);
    CU_ASSERT(rc == MADA_E_PARAM && mada_last_error_index(o) == 5);
    bytes_put(out, &rc, sizeof rc);
    CALL(r, rc, .kind = C_PROJECT, .o = o, .x = x, .lo = NAN, .hi = 1.0);
    CU_ASSERT(rc == MADA_E_BOUNDS);
    bytes_put(out, &rc, sizeof rc);
    mada_config bad = cfg;
    bad.eps = NAN;
    CALL(r, rc, .kind = C_CHECK, .cfg = &bad);
    CU_ASSERT(rc == MADA_E_CONFIG);
    bytes_put(out, &rc, sizeof rc);
    CALL(r, rc, .kind = C_SETCOEF, .o = o, .q = MADA_RHO, .value = NAN);
    CU_ASSERT(rc == MADA_E_COEF);
    bytes_put(out, &rc, sizeof rc);

    free(img);
    free(x);
    free(g);
    mada_destroy(o);
    mada_destroy(back);
    rm_tree(dir);
}

static bytes workload(env_run *r)
{
    bytes out = {NULL, 0, 0};
    const double xs = subnormal_step(r);
    bytes_put(&out, &xs, sizeof xs);
    float x4[4] = {1.0f, -1.0f, 0.5f, 0.0f};
    mada_opt *o = overflow_run(r, x4);
    bytes_put(&out, x4, sizeof x4);
    bytes_put_opt(&out, o);
    mada_destroy(o);
    learning_run(r, "mada", MADA_F32, 0, 0, 0.0, &out);
    learning_run(r, "mada", MADA_F64, 1, 0, 0.01, &out);
    learning_run(r, "mada", MADA_F32, 1, 1, 0.0, &out);
    learning_run(r, "mada", MADA_F64, 0, 1, 0.1, &out);
    return out;
}

static void test_fpenv(void)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigfpe;
    sigemptyset(&sa.sa_mask);
    CU_ASSERT_FATAL(sigaction(SIGFPE, &sa, &old) == 0);

    env_run ref = {ENV_DEFAULT, 1, 0};
    bytes want = workload(&ref);
    CU_ASSERT(ref.env_kept && !ref.trapped);

    /* The value: a normal number, -1e-3 * 2^-1008. */
    double x_ref;
    memcpy(&x_ref, want.b, sizeof x_ref);
    CU_ASSERT(x_ref == -(1e-3 * 0x1p-1008));
    CU_ASSERT(x_ref < 0.0 && fabs(x_ref) >= DBL_MIN);
    printf("\n    subnormal step of the issue: x' = %.17g (default environment)\n", x_ref);

    for (int e = ENV_FTZ; e < ENV_COUNT; e++) {
        if (!env_set(e)) {
            env_set(ENV_DEFAULT);
            printf("    %-28s SKIPPED: not available on this machine\n", env_name[e]);
            continue;
        }
        env_set(ENV_DEFAULT);
        env_run r = {e, 1, 0};
        fpe_seen = 0;
        bytes got = workload(&r);
        const int same = got.len == want.len && memcmp(got.b, want.b, want.len) == 0;
        printf("    %-28s results %s, environment %s%s\n", env_name[e],
               same ? "bit-identical" : "DIFFER", r.env_kept ? "given back" : "CHANGED",
               r.trapped ? ", TRAPPED" : "");
        CU_ASSERT(same);
        CU_ASSERT(r.env_kept);
        CU_ASSERT(!r.trapped);
        free(got.b);
    }
    free(want.b);
    env_set(ENV_DEFAULT);
    sigaction(SIGFPE, &old, NULL);
}

/* Negative control: without the library's own environment, the same
 * arithmetic under FTZ does flush (so the test above can fail). */
static __attribute__((noipa)) double mul(double a, double b)
{
    return a * b;
}

static void test_fpenv_control(void)
{
#if HAVE_MXCSR
    env_set(ENV_FTZ_DAZ);
    const double m1 = mul(0.75, 0x1p-1060);
    env_set(ENV_DEFAULT);
    CU_ASSERT(m1 == 0.0);
    CU_ASSERT(mul(0.75, 0x1p-1060) != 0.0);
#else
    printf("\n    SKIPPED: no MXCSR on this machine\n");
#endif
}

/* ---- Counters at their limits ---------------------------------------------------- */
/* The total of skipped hyper-gradients (issue 8): a state whose counters let
 * the next hyper step overflow it is refused with MADA_E_LIMIT and nothing
 * changes; one step short of that it runs.  The per-coefficient counts and
 * the hyper-step count cannot pass t (mada_load() checks it), so t's limit
 * (tests/test_state.c) covers them; the check is made all the same. */
static void test_skip_counter_limit(void)
{
    const size_t n = 16;
    mada_config cfg;
    CU_ASSERT_FATAL(mada_config_preset(&cfg, "mada") == MADA_OK);
    cfg.warmup = 0;
    mada_opt *o = NULL;
    CU_ASSERT_FATAL(mada_create(&o, n, MADA_F64, &cfg) == MADA_OK);
    double x[16], g[16];
    for (size_t i = 0; i < n; i++)
        x[i] = 0.1 * (double)i, g[i] = 0.01 * (double)(i % 5) - 0.02;
    CU_ASSERT(mada_step(o, x, g, 1e-3) == MADA_OK); /* partials stored */
    char dir[32], path[64];
    make_dir(dir);
    path_in(path, sizeof path, dir, "skip.mada");

    const uint64_t big = (uint64_t)1 << 62;
    const struct {
        uint64_t skipped;
        int want;
    } cases[] = {{UINT64_MAX, MADA_E_LIMIT},
                 {UINT64_MAX - 5, MADA_E_LIMIT},
                 {UINT64_MAX - 6, MADA_OK}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        /* A state as mada_save() writes it: t past 2^62, the per-coefficient
         * counts adding up to the total. */
        o->t = big + 10;
        o->hyper_steps = big;
        uint64_t left = cases[c].skipped;
        for (int k = 0; k < MADA_NCOEF; k++) {
            o->skipped_coef[k] = left < big ? left : big;
            left -= o->skipped_coef[k];
        }
        o->skipped = cases[c].skipped;
        CU_ASSERT(mada_save(o, path) == MADA_OK);
        mada_opt *u = NULL;
        CU_ASSERT_FATAL(mada_create(&u, n, MADA_F64, &cfg) == MADA_OK);
        CU_ASSERT_FATAL(mada_load(u, path) == MADA_OK);
        snapshot s = snap_take(u);
        double x2[16];
        memcpy(x2, x, sizeof x2);
        const int rc = mada_step(u, x2, g, 1e-3);
        CU_ASSERT(rc == cases[c].want);
        if (cases[c].want != MADA_OK) {
            CU_ASSERT(snap_equal(&s, u));
            CU_ASSERT(memcmp(x2, x, sizeof x) == 0);
            CU_ASSERT(strstr(mada_last_error(u), "hyper-step counter") != NULL);
        } else {
            mada_info info;
            CU_ASSERT(mada_get_info(u, &info) == MADA_OK && info.hyper_steps == big + 1);
        }
        snap_free(&s);
        mada_destroy(u);
    }
    /* A file whose per-coefficient counts would overflow their total is
     * not a state any step produces: refused. */
    o->skipped_coef[0] = UINT64_MAX - 1;
    o->skipped_coef[1] = 2;
    o->t = UINT64_MAX;
    o->skipped = 0; /* what the wrapped sum would give */
    CU_ASSERT(mada_save(o, path) == MADA_OK);
    mada_opt *u = NULL;
    CU_ASSERT_FATAL(mada_create(&u, n, MADA_F64, &cfg) == MADA_OK);
    CU_ASSERT(mada_load(u, path) == MADA_E_STATE);
    mada_destroy(u);
    mada_destroy(o);
    rm_tree(dir);
}

/* ---- State files on odd paths ---------------------------------------------------- */
static sigjmp_buf alarm_jump;

static void on_alarm(int sig)
{
    (void)sig;
    siglongjmp(alarm_jump, 1);
}

/* mada_load(path) without blocking: MADA_E_IO naming the kind of file. */
static void expect_not_regular(mada_opt *o, const char *path, const char *kind)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    CU_ASSERT_FATAL(sigaction(SIGALRM, &sa, &old) == 0);
    snapshot s = snap_take(o);
    int rc = -999;
    if (sigsetjmp(alarm_jump, 1) == 0) {
        alarm(10);
        rc = mada_load(o, path);
        alarm(0);
    } else {
        CU_FAIL("mada_load blocked for 10 s");
    }
    sigaction(SIGALRM, &old, NULL);
    CU_ASSERT(rc == MADA_E_IO);
    CU_ASSERT(strstr(mada_last_error(o), kind) != NULL);
    CU_ASSERT(strstr(mada_last_error(o), path) != NULL);
    CU_ASSERT(snap_equal(&s, o));
    snap_free(&s);
}

static void test_load_not_regular(void)
{
    mada_opt *o = make_opt("adam", 8, MADA_F32);
    char dir[32], fifo[64], link[64];
    make_dir(dir);
    path_in(fifo, sizeof fifo, dir, "fifo");
    CU_ASSERT_FATAL(mkfifo(fifo, 0600) == 0);
    expect_not_regular(o, fifo, "a FIFO");
    /* Through a symbolic link too. */
    path_in(link, sizeof link, dir, "link");
    CU_ASSERT_FATAL(symlink(fifo, link) == 0);
    expect_not_regular(o, link, "a FIFO");
    expect_not_regular(o, dir, "a directory");
    expect_not_regular(o, "/dev/null", "a character device");
    expect_not_regular(o, "/dev/zero", "a character device");
    mada_destroy(o);
    rm_tree(dir);
}

/* A path of total length len (>= 40) under dir whose last component is
 * `base`: nested directories of up to 200 characters each. */
static char *long_path(const char *dir, size_t len, const char *base)
{
    char *p = malloc(len + 1);
    CU_ASSERT_FATAL(p != NULL);
    size_t at = (size_t)snprintf(p, len + 1, "%s", dir);
    const size_t blen = strlen(base);
    while (at + 1 + blen < len) {
        size_t comp = len - at - 1 - blen - 1; /* room for one more level */
        if (comp > 200)
            comp = 200;
        if (comp == 0 || at + 1 + comp + 1 + blen > len)
            break;
        p[at++] = '/';
        memset(p + at, 'd', comp);
        at += comp;
        p[at] = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST)
            CU_FAIL_FATAL("mkdir");
    }
    snprintf(p + at, len + 1 - at, "/%s", base);
    return p;
}

static void test_save_odd_paths(void)
{
    const size_t n = 8;
    mada_opt *o = make_opt("mada", n, MADA_F64);
    double x[8] = {0}, g[8] = {1, -1, 2, -2, 0.5, 0, 3, 1e-3};
    CU_ASSERT(mada_step(o, x, g, 1e-3) == MADA_OK);
    snapshot s = snap_take(o);
    char dir[32];
    make_dir(dir);

    /* File names of 250 and NAME_MAX (255) characters. */
    const size_t lens[] = {250, 255};
    for (size_t k = 0; k < 2; k++) {
        char name[256], path[320];
        memset(name, 'n', lens[k]);
        name[lens[k]] = '\0';
        path_in(path, sizeof path, dir, name);
        CU_ASSERT(mada_save(o, path) == MADA_OK);
        CU_ASSERT(mada_last_error(o)[0] == '\0');
        const char *only[] = {name};
        CU_ASSERT(dir_is(dir, only, 1));
        mada_opt *u = make_opt("mada", n, MADA_F64);
        CU_ASSERT(mada_load(u, path) == MADA_OK);
        CU_ASSERT(snap_equal(&s, u));
        mada_destroy(u);
        CU_ASSERT(unlink(path) == 0);
    }

    /* A path of PATH_MAX - 1 bytes with a one-letter file name. */
    char *deep = long_path(dir, PATH_MAX - 1, "s");
    CU_ASSERT(strlen(deep) == PATH_MAX - 1);
    CU_ASSERT(mada_save(o, deep) == MADA_OK);
    mada_opt *u = make_opt("mada", n, MADA_F64);
    CU_ASSERT(mada_load(u, deep) == MADA_OK);
    CU_ASSERT(snap_equal(&s, u));
    mada_destroy(u);

    /* A path that names a directory: refused, nothing created. */
    char slash[64];
    snprintf(slash, sizeof slash, "%s/", dir);
    CU_ASSERT(mada_save(o, slash) == MADA_E_IO);
    CU_ASSERT(strstr(mada_last_error(o), "names a directory") != NULL);
    CU_ASSERT(snap_equal(&s, o));

    free(deep);
    snap_free(&s);
    mada_destroy(o);
    rm_tree(dir);
}

/* ---- Diagnostics and status texts ---------------------------------------------------- */
static void test_diagnostics_whole(void)
{
    mada_opt *o = make_opt("adam", 4, MADA_F32);
    /* A missing file behind a 3000-character path, and a path longer than
     * the system accepts: the message holds the whole path and the reason. */
    const size_t lens[] = {3000, 3 * PATH_MAX};
    for (size_t k = 0; k < 2; k++) {
        char *p = malloc(lens[k] + 1);
        CU_ASSERT_FATAL(p != NULL);
        strcpy(p, "/tmp/mada-no-such-dir/");
        for (size_t i = strlen(p); i < lens[k]; i++)
            p[i] = (i % 64 == 63) ? '/' : 'q';
        p[lens[k]] = '\0';
        CU_ASSERT(mada_load(o, p) == MADA_E_IO);
        const char *m = mada_last_error(o);
        CU_ASSERT(strstr(m, p) != NULL);
        const char *why = k == 0 ? strerror(ENOENT) : strerror(ENAMETOOLONG);
        CU_ASSERT(strlen(m) >= strlen(why) && strcmp(m + strlen(m) - strlen(why), why) == 0);
        CU_ASSERT(mada_save(o, p) == MADA_E_IO);
        CU_ASSERT(strstr(mada_last_error(o), p) != NULL);
        free(p);
    }
    mada_destroy(o);
}

/* Every status text names every situation its status is returned in. */
static void test_status_texts(void)
{
    for (int c = MADA_OK; c >= MADA_E_BOUNDS; c--) {
        const char *t = mada_strerror(c);
        CU_ASSERT(t != NULL && strcmp(t, "unknown status code") != 0);
        for (int d = c - 1; d >= MADA_E_BOUNDS; d--)
            CU_ASSERT(strcmp(t, mada_strerror(d)) != 0);
    }
    CU_ASSERT(strcmp(mada_strerror(MADA_E_BOUNDS - 1), "unknown status code") == 0);
    CU_ASSERT(strstr(mada_strerror(MADA_E_BOUNDS), "projection") != NULL);
    /* MADA_E_STATE: mada_load() (a file's content) and mada_step() (v or vbar
     * above 2^100 left by the previous step). */
    CU_ASSERT(strstr(mada_strerror(MADA_E_STATE), "state file") != NULL);
    CU_ASSERT(strstr(mada_strerror(MADA_E_STATE), "previous step") != NULL);
    /* MADA_E_IO: also a path that is not a regular file. */
    CU_ASSERT(strstr(mada_strerror(MADA_E_IO), "not a regular file") != NULL);
    CU_ASSERT(strstr(mada_strerror(MADA_E_LIMIT), "counter") != NULL);
}

void register_robust_suite(void)
{
    static const test_entry tests[] = {
        {"caller's floating-point environment: results and environment kept", test_fpenv},
        {"negative control: FTZ/DAZ flush the issue's subnormal product", test_fpenv_control},
        {"skipped-event counter at its limit: step refused, nothing changed",
         test_skip_counter_limit},
        {"load refuses FIFOs, directories and devices without blocking", test_load_not_regular},
        {"save: 250- and 255-character names, PATH_MAX paths", test_save_odd_paths},
        {"diagnostics are never truncated", test_diagnostics_whole},
        {"status texts fit every function that returns them", test_status_texts},
        {NULL, NULL},
    };
    add_suite("robustness (issue 8)", tests);
}
