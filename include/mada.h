/*
 * mada.h -- MADA (meta-adaptive optimizers through hyper-gradient descent) and
 * AVGrad: the one public header.
 *
 * The numerical contract is MADA-SPEC.md (section numbers below refer to it);
 * the decisions this library took where the spec is silent are in
 * docs/DECISIONS.md.
 *
 * Ownership: an optimizer owns its state (moments, partials, coefficients).
 * The caller owns the parameter and gradient buffers passed to mada_step();
 * the library never keeps a pointer to them after the call returns.
 *
 * Thread safety: distinct optimizers may be used from distinct threads at the
 * same time.  One optimizer must not be used by two threads at once (no
 * internal locking).  mada_strerror(), mada_config_preset() and the backend
 * queries are thread-safe.  Backend auto-selection happens once per process
 * (thread-safe, on first use).
 *
 * Errors: every function that can fail returns an int: MADA_OK (0) or a
 * negative mada_status.  On error nothing observable changes (the optimizer,
 * the caller's buffers and files keep their bytes), except the diagnostic
 * returned by mada_last_error().
 *
 * Floating-point environment (docs/DECISIONS.md D17): every function that
 * computes (mada_config_check, mada_create, mada_step, mada_project,
 * mada_set_coef, mada_save, mada_load and their CUDA forms) runs in the
 * IEEE 754 default environment whatever the caller's: round to nearest
 * even, no trap, no flush-to-zero, no denormals-are-zero.  It gives the
 * caller's environment back exactly on return, rounding mode, traps and
 * exception flags included.  So results do not depend on fesetround(),
 * feenableexcept(), FTZ/DAZ set by the caller or by another library, and
 * the library never raises SIGFPE.
 */
#ifndef MADA_H
#define MADA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MADA_VERSION_MAJOR 0
#define MADA_VERSION_MINOR 1
#define MADA_VERSION_PATCH 0

/* ---- Input domain (spec 8; docs/DECISIONS.md D1) ----------------------------
 * mada_step() accepts exactly these inputs; on them every value the step
 * stores in the parameters and in the moment state is finite (proved:
 * proofs/README.md).  Partials (the per-element hyper-gradient factors) may
 * still overflow for extreme inputs; spec 6.2 skips a non-finite
 * hyper-gradient. */
#define MADA_GMAX       0x1p32          /* |g_i| <= 2^32 (about 4.3e9)           */
#define MADA_XMAX       0x1p100         /* |x_i| <= 2^100 (about 1.3e30)         */
#define MADA_EPS_MIN    0x1p-52         /* eps in [2^-52, 1] (2^-52 ~ 2.2e-16)   */
#define MADA_EPS_MAX    1.0
#define MADA_LR_MAX     1.0             /* learning rate in [0, 1]               */
#define MADA_LAMBDA_MAX 1.0             /* weight decay lambda in [0, 1]         */
#define MADA_BETA_MAX   (1.0 - 0x1p-20) /* beta1..3, Lion betas in [0, 1-2^-20] */

/* ---- Status codes ----------------------------------------------------------- */
typedef enum {
    MADA_OK = 0,
    MADA_E_NULL = -1,          /* a required pointer is NULL                     */
    MADA_E_OVERLAP = -2,       /* parameter and gradient (or state) buffers overlap */
    MADA_E_GRAD = -3,          /* a gradient element is NaN, infinite or |g| > GMAX */
    MADA_E_PARAM = -4,         /* a parameter element is NaN, infinite or |x| > XMAX */
    MADA_E_LR = -5,            /* learning rate not finite or outside [0, LR_MAX]  */
    MADA_E_COEF = -6,          /* a coefficient outside its domain or its [lo, hi] */
    MADA_E_CONFIG = -7,        /* eps, lambda, Lion betas, hyper settings, ranges  */
    MADA_E_SIZE = -8,          /* n == 0, or n too large to allocate               */
    MADA_E_NOMEM = -9,         /* allocation failed                                */
    MADA_E_DTYPE = -10,        /* unknown element type                             */
    MADA_E_PRESET = -11,       /* unknown preset name                              */
    MADA_E_BACKEND = -12,      /* unknown backend, or not available here           */
    MADA_E_IO = -13,           /* file could not be opened, read or written        */
    MADA_E_FORMAT = -14,       /* not a MADA state file, or truncated              */
    MADA_E_VERSION = -15,      /* state file of an unsupported format version      */
    MADA_E_CHECKSUM = -16,     /* state file checksum mismatch (corrupted)         */
    MADA_E_MISMATCH = -17,     /* state file for another n or element type         */
    MADA_E_STATE = -18,        /* optimizer state or state file outside the domain */
    MADA_E_INDEX = -19,        /* coefficient index out of range                   */
    MADA_E_LIMIT = -20,        /* a step counter is at its largest value           */
    MADA_E_BOUNDS = -21        /* projection bounds: not finite, lo > hi, outside
                                  [-XMAX, XMAX] or not of the parameters' type   */
} mada_status;

/* Human-readable, static description of a status code; never NULL. */
const char *mada_strerror(int status);

/* ---- Types ------------------------------------------------------------------ */
typedef enum { MADA_F32 = 1, MADA_F64 = 2 } mada_dtype;

/* Second-moment average (spec 2): AVGrad's running mean or AMSGrad's maximum. */
typedef enum { MADA_VBAR_AVG = 0, MADA_VBAR_MAX = 1 } mada_vbar_mode;

/* The six learned coefficients q, in this order. */
enum { MADA_BETA1 = 0, MADA_BETA2, MADA_BETA3, MADA_RHO, MADA_C, MADA_GAMMA,
       MADA_NCOEF };

typedef enum {
    MADA_BACKEND_AUTO = 0,   /* best available; MADA_BACKEND env var overrides */
    MADA_BACKEND_REF = 1,    /* scalar reference (ref/)                         */
    MADA_BACKEND_AVX512 = 2, /* AVX-512F/BW/DQ/VL CPUs (fast/avx512.c)           */
    MADA_BACKEND_AVX2 = 3,   /* AVX2 CPUs (fast/avx2.c)                           */
    MADA_BACKEND_CUDA = 4    /* NVIDIA GPUs: mada_create_cuda() (fast/cuda/)      */
} mada_backend;

/* Everything that configures an optimizer.  Obtain one from
 * mada_config_preset() and edit fields; mada_create() validates it.
 *   coef[q]   initial value of coefficient q.  Domain: betas [0, BETA_MAX],
 *             rho, c, gamma [0, 1].
 *   eta[q]    hyper learning rate (finite, >= 0).  0 freezes q bit for bit.
 *   mu[q]     hyper momentum, in [0, 1].
 *   lo[q], hi[q]  projection range of a learning q: inside q's domain,
 *             lo <= coef <= hi.  Ignored for frozen coefficients.
 *   hclip     hyper-gradient clip, finite and > 0 (spec 6.2).
 *   warmup    no coefficient update while t - 1 <= warmup (spec 6.2).
 *   eps       in [EPS_MIN, EPS_MAX].
 *   lambda    decoupled weight decay, in [0, LAMBDA_MAX]; factor lr*lambda.
 *   lb1, lb2  Lion betas, in [0, BETA_MAX].
 *   vbar      MADA_VBAR_AVG or MADA_VBAR_MAX.
 *   compat    0: this specification; 1: the released code's differences
 *             (spec 9): v, vbar start at 1.0e-15, n starts at g_1^2, gp starts
 *             at 0, Lion direction from the updated l.  Use
 *             mada_config_compat() to also take its Lion betas.
 *   lean      1 (every preset): a lean optimizer (spec 5.1, MADA_LEAN_* below):
 *             a coefficient frozen at 0 or 1 drops the state it makes dead
 *             for the optimizer's whole life, which is then neither
 *             allocated, read nor stored, and the replaced lines of spec 5.1
 *             run.  0: every array is kept and the full lines run.  Lean and
 *             full optimizers may differ in the sign of a zero (spec 5.1);
 *             docs/DECISIONS.md D20. */
typedef struct {
    double coef[MADA_NCOEF];
    double eta[MADA_NCOEF];
    double mu[MADA_NCOEF];
    double lo[MADA_NCOEF];
    double hi[MADA_NCOEF];
    double hclip;
    uint64_t warmup;
    double eps;
    double lambda;
    double lb1, lb2;
    mada_vbar_mode vbar;
    int compat;
    int lean;
} mada_config;

/* Lean parts (spec 5.1), one bit per row of its table: mada_info.lean_mask.
 * A part is in force when the configuration has lean = 1 and its condition
 * holds at creation (eta = 0 is "frozen"); it stays in force for the
 * optimizer's life (mada_set_coef() refuses to break its condition). */
#define MADA_LEAN_NO_ADAN   1u  /* beta3 frozen at 0: n, gp dropped; gh = g, N = mh        */
#define MADA_LEAN_NO_LION   2u  /* gamma frozen at 1: l dropped; upd = q                    */
#define MADA_LEAN_NO_AVG    4u  /* rho frozen at 1: vbar dropped; P = v1                    */
#define MADA_LEAN_NO_YOGI   8u  /* c frozen at 1: no state dropped; gt2 = gh2               */
#define MADA_LEAN_LION_ONLY 16u /* gamma frozen at 0 and nothing learns: m, v, vbar, n, gp
                                   dropped; upd = sgn(u) (only u, l, sgn(u), decay, x')     */

/* Fill *cfg with a named preset (spec 3.1): "adam", "amsgrad", "avgrad",
 * "yogi", "adan", "lion", "hyperadam", "mada", "mada-toy".
 * Errors: MADA_E_NULL, MADA_E_PRESET (unknown name; *cfg unchanged). */
int mada_config_preset(mada_config *cfg, const char *name);

/* Switch *cfg to the released code's conventions (spec 9): compat = 1 and
 * Lion betas (0.95, 0.98).  Errors: MADA_E_NULL. */
int mada_config_compat(mada_config *cfg);

/* Check a configuration without creating anything.
 * Errors: MADA_E_NULL, MADA_E_COEF, MADA_E_CONFIG (including lean not 0 or
 * 1). */
int mada_config_check(const mada_config *cfg);

/* ---- Optimizer -------------------------------------------------------------- */
typedef struct mada_opt mada_opt;

/* Create an optimizer for n elements (n >= 1) of type dtype, with the backend
 * chosen by mada_backend_default().  All state starts at zero (spec 9 compat:
 * v and vbar at 1.0e-15).  *out is set only on success.
 * Errors: MADA_E_NULL, MADA_E_SIZE, MADA_E_DTYPE, MADA_E_COEF, MADA_E_CONFIG
 * (also: MADA_NUM_THREADS malformed), MADA_E_BACKEND (MADA_BACKEND names an
 * unknown or unavailable backend), MADA_E_NOMEM. */
int mada_create(mada_opt **out, size_t n, mada_dtype dtype, const mada_config *cfg);

/* Free an optimizer; NULL is a no-op. */
void mada_destroy(mada_opt *opt);

/* One iteration (spec 7) on the caller's parameters x (n elements of the
 * optimizer's type in host memory, updated in place) with gradient g (read
 * only, evaluated at the current x) and this step's learning rate lr.  (An
 * optimizer from mada_create_cuda() steps with mada_step_cuda().)
 * All-or-nothing: every input is checked before anything changes.
 * Errors: MADA_E_NULL; MADA_E_OVERLAP (x and g share bytes, or x overlaps
 * the optimizer's state); MADA_E_LR (lr not in [0, LR_MAX]); MADA_E_GRAD
 * (g[i] NaN, infinite or |g[i]| > GMAX; mada_last_error() names the first
 * such i; in compat mode the first gradient must obey |g[i]| <= 2^27);
 * MADA_E_PARAM (likewise for x[i] and XMAX); MADA_E_BACKEND (a CUDA
 * optimizer: use mada_step_cuda()); MADA_E_STATE (the previous step
 * stored a second moment v or vbar above 2^100, outside the proved domain:
 * docs/DECISIONS.md D1); MADA_E_LIMIT (a counter is at its largest value:
 * t = 2^64 - 1, or, at a step that updates coefficients, the hyper-step count
 * or a skip count could overflow: docs/DECISIONS.md D18). */
int mada_step(mada_opt *opt, void *x, const void *g, double lr);

/* Projection onto the box [lo, hi] (spec 7.1), for constrained problems,
 * after a step: each of the n parameters x[i] (the optimizer's type, host
 * memory, updated in place) outside [lo, hi] is set to the nearer bound,
 * and every stored partial of element i to +0, so the next hyper-gradient
 * does not see an element whose value no longer depends on the
 * coefficients (the released code re-creates a clamped parameter).  An x[i]
 * inside [lo, hi] keeps its bits and its partials.  The result lies in
 * [lo, hi] (proved: proofs/README.md).  lo and hi are in x's units and must
 * be values of the optimizer's type: for binary32, (double)(float)lo == lo
 * (docs/DECISIONS.md D24).  All-or-nothing: every check runs before
 * anything changes.  (An optimizer from mada_create_cuda() projects with
 * mada_project_cuda().)
 * Errors: MADA_E_NULL; MADA_E_BOUNDS (lo or hi not finite, lo > hi, |lo| or
 * |hi| above MADA_XMAX, or not a binary32 value for a binary32 optimizer;
 * mada_last_error() names which); MADA_E_OVERLAP (x overlaps the optimizer's
 * state); MADA_E_PARAM (x[i] NaN or infinite; mada_last_error() and
 * mada_last_error_index() name the first such i); MADA_E_BACKEND (a CUDA
 * optimizer). */
int mada_project(mada_opt *opt, void *x, double lo, double hi);

/* Current coefficients q (after the last hyper step).  Errors: MADA_E_NULL. */
int mada_get_coefs(const mada_opt *opt, double coef[MADA_NCOEF]);

/* Set coefficient q (0 <= q < MADA_NCOEF) to value.  A learning coefficient
 * must lie in its [lo, hi], a frozen one in its domain.  The momentum buffer is
 * kept.  In a lean optimizer, a frozen coefficient whose value put a lean part
 * in force keeps that value (spec 5.1: the part's dropped state would become
 * live, or its replaced lines wrong).
 * Errors: MADA_E_NULL, MADA_E_INDEX, MADA_E_COEF, MADA_E_CONFIG (the lean
 * case; mada_last_error() names the coefficient, the part and the dropped
 * arrays). */
int mada_set_coef(mada_opt *opt, int q, double value);

/* A copy of the optimizer's configuration (coef holds the current values).
 * Errors: MADA_E_NULL. */
int mada_get_config(const mada_opt *opt, mada_config *cfg);

typedef struct {
    uint64_t t;                        /* completed steps                           */
    size_t n;                          /* elements                                  */
    mada_dtype dtype;
    mada_backend backend;              /* the backend that runs the steps           */
    double coef[MADA_NCOEF];           /* current coefficients                      */
    double hypergrad[MADA_NCOEF];      /* h_q of the last hyper step (0 if none; may be infinite,
                                          or NaN: then always the canonical quiet NaN) */
    uint64_t hyper_steps;              /* steps at which coefficients were updated  */
    uint64_t skipped;                  /* non-finite h_q skipped, all coefficients  */
    uint64_t skipped_coef[MADA_NCOEF]; /* the same, per coefficient                 */
    int threads;                       /* threads of a fast backend's step          */
    unsigned lean_mask;                /* lean parts in force: MADA_LEAN_* bits     */
    size_t state_bytes_per_elem;       /* bytes the optimizer owns per element: the
                                          state arrays it keeps plus the stored
                                          partials (binary32 adam: 8; mada with
                                          all six learning: 48)                    */
} mada_info;

/* Step information.  Errors: MADA_E_NULL. */
int mada_get_info(const mada_opt *opt, mada_info *info);

/* The last error of a call on this optimizer as a sentence naming the cause
 * (for MADA_E_GRAD and MADA_E_PARAM: the first offending index and value;
 * for file errors: the whole path and the system's reason); never truncated;
 * "" if none.  Valid until the next call on opt.  Never NULL. */
const char *mada_last_error(const mada_opt *opt);
/* The index named by the last MADA_E_GRAD or MADA_E_PARAM error, else SIZE_MAX. */
size_t mada_last_error_index(const mada_opt *opt);

/* Save the whole optimizer (configuration, coefficients, hyper state, t,
 * moments, partials) to path: a versioned little-endian binary file with a
 * CRC-64 checksum (docs/STATE_FORMAT.md), written to a temporary file in
 * path's directory and renamed over path, so an existing file is never left
 * half-written; any file name the system accepts works.  The file is created
 * with mode 0600 (owner only).  The optimizer is not changed.
 * Errors: MADA_E_NULL, MADA_E_IO (the directory cannot be opened or written,
 * or path names a directory), MADA_E_NOMEM. */
int mada_save(const mada_opt *opt, const char *path);

/* Replace the optimizer's whole state by the one saved in path.  The file must
 * be of this format version, with this n and element type, an intact checksum
 * and content in the valid domain; otherwise the optimizer is left exactly as
 * it was.  A path that is not a regular file (a directory, FIFO, device or
 * socket) is refused without being read and without blocking.
 * Errors: MADA_E_NULL, MADA_E_IO, MADA_E_FORMAT, MADA_E_VERSION,
 * MADA_E_CHECKSUM, MADA_E_MISMATCH, MADA_E_STATE, MADA_E_NOMEM. */
int mada_load(mada_opt *opt, const char *path);

/* ---- Backends --------------------------------------------------------------- */
/* Name of a backend ("auto", "ref", "avx512", "avx2", "cuda"); "?" if unknown. */
const char *mada_backend_name(mada_backend b);
/* 1 if backend b can run on this machine, else 0 (AUTO: always 1; CUDA:
 * device 0 is usable, mada_cuda_status()). */
int mada_backend_available(mada_backend b);
/* The backend new optimizers get: the environment variable MADA_BACKEND
 * (auto, ref, avx512, avx2, cuda) if set, else the best available.  Decided once
 * per process.  Errors: MADA_E_BACKEND if MADA_BACKEND is unknown or names an
 * unavailable backend (*b then unchanged). */
int mada_backend_default(mada_backend *b);
/* Move opt to backend b (AUTO: the best available; ignores the environment)
 * among the CPU backends (a CUDA optimizer's state is on its device: it
 * cannot move, nor can a CPU optimizer move to CUDA).  Every backend
 * computes the same bits (spec 5, 6.1): a move changes speed only.
 * Errors: MADA_E_NULL, MADA_E_BACKEND. */
int mada_set_backend(mada_opt *opt, mada_backend b);

/* The threads one step of opt uses on a fast CPU backend (AVX-512, AVX2;
 * the reference runs on one): nthreads in [1, 1024], or 0 for the default
 * of new optimizers (the environment variable MADA_NUM_THREADS when set,
 * else OpenMP's maximum, i.e. OMP_NUM_THREADS or the processors).  Results
 * are bit-identical for every thread count: threads compute whole blocks of
 * the canonical reduction (spec 6.1) and elements independently.
 * Errors: MADA_E_NULL, MADA_E_CONFIG (nthreads out of range, or
 * MADA_NUM_THREADS malformed). */
int mada_set_threads(mada_opt *opt, int nthreads);

/* ---- CUDA (fast/cuda/) ----------------------------------------------------------
 * An optimizer whose state (moments, partials) lives in the memory of an
 * NVIDIA GPU (cudaMalloc; never managed memory), stepped with device
 * pointers on a CUDA stream.  It computes the reference's bits (spec 5, 6.1:
 * the same element functions, the same reduction order).  Every other
 * function of this header works on it too: mada_save() and mada_load() copy
 * the state to and from the host (the same file format), mada_get_info()
 * reports MADA_BACKEND_CUDA.  In a library built without nvcc every CUDA
 * function answers MADA_E_BACKEND. */

/* Whether CUDA device `device` (0, 1, ...) is usable here: MADA_OK, or
 * MADA_E_BACKEND; buf (cap bytes, terminated) gets the device's name or the
 * reason, with the CUDA error text (without a driver, cudaGetDeviceCount's
 * error 35).  buf may be NULL. */
int mada_cuda_status(int device, char *buf, size_t cap);

/* As mada_create(), with the state on CUDA device `device`.
 * Errors: those of mada_create(); MADA_E_BACKEND (no usable device:
 * mada_cuda_status() says why); MADA_E_NOMEM (host or device memory). */
int mada_create_cuda(mada_opt **out, size_t n, mada_dtype dtype, const mada_config *cfg,
                     int device);

/* One iteration (spec 7) of an optimizer made by mada_create_cuda(): x and
 * g are device pointers to n elements, the work runs on `stream` (a
 * cudaStream_t; NULL for the default stream), and the call returns once it
 * has finished.  All-or-nothing as mada_step(): the value checks run on the
 * device before anything is written, and an error names the first
 * offending element.  Errors: those of mada_step(); MADA_E_BACKEND (opt is
 * not a CUDA optimizer; x or g is host memory or memory of another device,
 * refused before anything runs; or the device failed: mada_last_error() has
 * the CUDA text). */
int mada_step_cuda(mada_opt *opt, void *x, const void *g, double lr, void *stream);

/* mada_project() for an optimizer made by mada_create_cuda(): x is a device
 * pointer to n elements, the work runs on `stream` (NULL: the default
 * stream), and the call returns once it has finished.  All-or-nothing: the
 * finiteness check runs on the device before anything is written.
 * Errors: those of mada_project() (MADA_E_OVERLAP excepted); MADA_E_BACKEND
 * (opt is not a CUDA optimizer; x is not memory of its device; or the device
 * failed: mada_last_error() has the CUDA text). */
int mada_project_cuda(mada_opt *opt, void *x, double lo, double hi, void *stream);

#ifdef __cplusplus
}
#endif
#endif /* MADA_H */
