/*
 * simd_impl.h -- one CPU backend's two passes for one element type.
 * Template: included by fast/avx512.c and fast/avx2.c, after
 * `#pragma GCC target(...)` and ref/mada_internal.h, with
 *   MADA_T, MADA_TN(x)  as in ref/element_impl.h
 *   FAST_TN(x)          the backend's names (x##_avx512_f32, ...)
 *   FAST_UINT           the unsigned integer of MADA_T's width
 * defined.
 *
 * The arithmetic is the reference's own: each element goes through
 * mada_elem_step() of ref/kernel_impl.h (the element functions of
 * ref/element_impl.h, proved there), compiled for the vector ISA by GCC
 * under `#pragma omp simd`.  Every operation of those functions is an IEEE
 * operation the vector units round like the scalar ones (add, multiply,
 * divide, square root; comparisons and selections are exact), the build
 * forbids contraction (-ffp-contract=off) and approximate reciprocals (no
 * -ffast-math), and every thread runs in the default floating-point
 * environment (ref/fpenv.h): so each element's bits are the reference's,
 * whatever the lane, the tail handling, the alignment or the thread.
 *
 * The loops are specialised (by inlining with constants) on which state
 * arrays are present (spec 5.1), so that a lean optimizer's loop touches
 * only its own arrays; the remaining lean flag (the Yogi term) and the
 * vbar mode are uniform values.
 *
 * Pass 1 fuses the value checks of spec 8 with the canonical reduction of
 * spec 6.1 for every learning coefficient: one read of g (and x, and the
 * partials).  The reduction keeps the canonical order exactly: 16 binary64
 * lane sums per 4096-element block, element i of a block in lane i mod 16,
 * the fixed lane tree, block sums added in block order after the parallel
 * part; threads compute whole blocks.
 */

/* ---- Pass 2: the element loop ------------------------------------------------- */
/* Elements [lo, hi) of one step; returns the largest v, vbar stored.  The
 * has_* and partial flags are constants at every call (FAST_TN(kernel)'s
 * switch), so that each instance reads and writes only what is present. */
/* Inlined into FAST_TN(chunk), whose flatten attribute inlines every element
 * function into the loop whatever GCC's size limits, so that it vectorises. */
static inline __attribute__((always_inline)) MADA_T FAST_TN(elems)(
    size_t lo, size_t hi, MADA_T *restrict x, const MADA_T *restrict g, MADA_T *restrict gp,
    MADA_T *restrict m, MADA_T *restrict v, MADA_T *restrict vb, MADA_T *restrict nn,
    MADA_T *restrict l, MADA_T *restrict p0, MADA_T *restrict p1, MADA_T *restrict p2,
    MADA_T *restrict p3, MADA_T *restrict p4, MADA_T *restrict p5, MADA_TN(mada_scalars) sc,
    int vbar_max, int lion_compat, mada_lean ln, const int has_mv, const int has_vb,
    const int has_ngp, const int has_l, const int partials)
{
    /* The running maximum of v and vbar (all >= +0) as the largest bit
     * pattern: for non-negative IEEE values the integer order is the numeric
     * one, and an integer maximum is a reduction the vectoriser takes. */
    FAST_UINT vbits = 0;
    const MADA_T z = (MADA_T)0;
#pragma omp simd reduction(max : vbits)
    for (size_t i = lo; i < hi; i++) {
        const MADA_TN(mada_elem_out) r = MADA_TN(mada_elem_step)(
            sc, vbar_max, lion_compat, ln, partials, x[i], g[i], has_ngp ? gp[i] : z,
            has_mv ? m[i] : z, has_mv ? v[i] : z, has_vb ? vb[i] : z, has_ngp ? nn[i] : z,
            has_l ? l[i] : z);
        x[i] = r.x2;
        if (has_mv) {
            m[i] = r.m1;
            v[i] = r.v1;
        }
        if (has_vb)
            vb[i] = r.vb1;
        if (has_ngp) {
            nn[i] = r.n1;
            gp[i] = r.g;
        }
        if (has_l)
            l[i] = r.l1;
        if (partials) {
            if (p0)
                p0[i] = r.p.b1;
            if (p1)
                p1[i] = r.p.b2;
            if (p2)
                p2[i] = r.p.b3;
            if (p3)
                p3[i] = r.p.rho;
            if (p4)
                p4[i] = r.p.c;
            if (p5)
                p5[i] = r.p.gm;
        }
        const MADA_T vm = r.vm;
        FAST_UINT b;
        memcpy(&b, &vm, sizeof b);
        vbits = vbits > b ? vbits : b; /* max is exact: any order */
    }
    MADA_T vmax;
    memcpy(&vmax, &vbits, sizeof vmax);
    return vmax;
}

/* One chunk [lo, hi) of the step, with the loop instance for the arrays
 * present.  The presence of the arrays follows from the lean parts (spec
 * 5.1; mada_lean_arrays()): Lion only keeps l; otherwise m and v, vbar
 * unless no average, n and gp unless no Adan term, l unless no Lion term.
 *
 * Every flag the element functions branch on is a constant in each loop
 * instance, equal to the runtime value it replaces (the switch below picks
 * the instance from those values): GCC 12 does not vectorise a selection on
 * a loop-invariant runtime flag ("relevant stmt not supported: c ? a : b"),
 * and a loop it does not vectorise runs scalar code, several times slower.
 * A flag stays a runtime value only where the constant flags make it dead:
 * vbar_max without vbar (no average), lion_compat without the Lion term, the
 * moments' flags under Lion only. */
static inline __attribute__((always_inline)) MADA_T FAST_TN(chunk_flags)(
    const MADA_TN(mada_kargs) *a, MADA_TN(mada_scalars) sc, size_t lo, size_t hi)
{
    const mada_lean ln = a->lean;
    MADA_T *const *p = a->part;
    const int pt = a->partials;
    const int vm = a->vbar_max != 0, lc = a->lion_compat != 0, yg = ln.yogi != 0;
#define FAST_ELEMS(MV, VB, NGP, L, LN, VM, LC)                                               \
    (pt ? FAST_TN(elems)(lo, hi, a->x, a->g, a->gp, a->m, a->v, a->vb, a->nn, a->l, p[0],  \
                         p[1], p[2], p[3], p[4], p[5], sc, VM, LC, LN, MV, VB, NGP, L, 1)  \
        : FAST_TN(elems)(lo, hi, a->x, a->g, a->gp, a->m, a->v, a->vb, a->nn, a->l, NULL,  \
                         NULL, NULL, NULL, NULL, NULL, sc, VM, LC, LN, MV, VB, NGP, L, 0))
    /* The lean flags of the arrays' case (VB = !avg, NGP = !adan, L = !lion)
     * and yogi constant; vbar_max constant where vbar is kept, lion_compat
     * where l is. */
#define FAST_LN(VB, NGP, L, Y) ((mada_lean){!(NGP), !(L), !(VB), (Y), 0})
#define FAST_Y(VB, NGP, L, VMV, LCV)                                                         \
    return yg ? FAST_ELEMS(1, VB, NGP, L, FAST_LN(VB, NGP, L, 1), VMV, LCV)                  \
              : FAST_ELEMS(1, VB, NGP, L, FAST_LN(VB, NGP, L, 0), VMV, LCV)
#define FAST_LC(VB, NGP, L, VMV)                                                             \
    do {                                                                                     \
        if (!(L))                                                                            \
            FAST_Y(VB, NGP, L, VMV, lc);                                                     \
        if (lc)                                                                              \
            FAST_Y(VB, NGP, L, VMV, 1);                                                      \
        FAST_Y(VB, NGP, L, VMV, 0);                                                          \
    } while (0)
#define FAST_CASE(VB, NGP, L)                                                                \
    do {                                                                                     \
        if (!(VB))                                                                           \
            FAST_LC(VB, NGP, L, vm);                                                         \
        if (vm)                                                                              \
            FAST_LC(VB, NGP, L, 1);                                                          \
        FAST_LC(VB, NGP, L, 0);                                                              \
    } while (0)
    if (ln.lion_only) {
        /* Lion only keeps l; its lines read lion_compat and ln.lion (0:
         * gamma is frozen at 0, not 1), not the moments' flags. */
        if (ln.lion == 0 && !pt) {
            const mada_lean lo_ln = {ln.adan, 0, ln.avg, ln.yogi, 1};
            return lc ? FAST_ELEMS(0, 0, 0, 1, lo_ln, a->vbar_max, 1)
                      : FAST_ELEMS(0, 0, 0, 1, lo_ln, a->vbar_max, 0);
        }
        return FAST_ELEMS(0, 0, 0, 1, ln, a->vbar_max, a->lion_compat); /* not reached */
    }
    switch ((ln.avg ? 0 : 4) | (ln.adan ? 0 : 2) | (ln.lion ? 0 : 1)) {
    case 0: FAST_CASE(0, 0, 0);
    case 1: FAST_CASE(0, 0, 1);
    case 2: FAST_CASE(0, 1, 0);
    case 3: FAST_CASE(0, 1, 1);
    case 4: FAST_CASE(1, 0, 0);
    case 5: FAST_CASE(1, 0, 1);
    case 6: FAST_CASE(1, 1, 0);
    default: FAST_CASE(1, 1, 1);
    }
#undef FAST_CASE
#undef FAST_LC
#undef FAST_Y
#undef FAST_LN
#undef FAST_ELEMS
}

/* The weight decay's branch (mada_decay: x1 = x when wd == 0, which keeps
 * the sign of a zero x) is on a runtime scalar too: GCC unswitches the loop
 * on it and then finds the copy's guessed iteration count too small to
 * vectorise.  Here wd == 0 is a constant in one instance (+0 for +-0: the
 * branch is the same) and a condition already tested in the other. */
static __attribute__((flatten)) MADA_T FAST_TN(chunk)(const MADA_TN(mada_kargs) *a,
                                                      MADA_TN(mada_scalars) sc, size_t lo,
                                                      size_t hi)
{
    if (sc.wd == (MADA_T)0) {
        sc.wd = (MADA_T)0;
        return FAST_TN(chunk_flags)(a, sc, lo, hi);
    }
    return FAST_TN(chunk_flags)(a, sc, lo, hi);
}

/* Pass 2 (spec 5, 5.1, 6): the step over a->n elements in chunks, on
 * a->nthreads threads.  Chunk results are independent; the running maximum
 * is exact in any order. */
/* Chunk c of pass 2, and the running maximum vmax with its result. */
static inline MADA_T FAST_TN(chunk_max)(const MADA_TN(mada_kargs) *a, MADA_TN(mada_scalars) s,
                                        size_t c, MADA_T vmax)
{
    const size_t lo = c * FAST_CHUNK;
    const size_t hi = a->n - lo < FAST_CHUNK ? a->n : lo + FAST_CHUNK;
    const MADA_T cm = FAST_TN(chunk)(a, s, lo, hi);
    return vmax > cm ? vmax : cm;
}

static MADA_T FAST_TN(kernel)(const MADA_TN(mada_kargs) *a, MADA_TN(mada_scalars) s)
{
    const size_t n = a->n;
    const size_t nchunks = (n + FAST_CHUNK - 1) / FAST_CHUNK;
    MADA_T vmax = (MADA_T)0;
    const int nt = fast_threads_for(a->nthreads, nchunks);
    if (nt <= 1) { /* no OpenMP region: one costs futex calls even for one thread */
        for (size_t c = 0; c < nchunks; c++) {
            vmax = FAST_TN(chunk_max)(a, s, c, vmax);
        }
        return vmax;
    }
#pragma omp parallel num_threads(nt) reduction(max : vmax)
    {
        mada_fpenv env;
        mada_fpenv_enter(&env);
#pragma omp for schedule(static)
        for (size_t c = 0; c < nchunks; c++) {
            vmax = FAST_TN(chunk_max)(a, s, c, vmax);
        }
        mada_fpenv_leave(&env);
    }
    return vmax;
}

/* ---- Pass 1: value checks fused with the reductions --------------------------- */
/* Block b of pass 1: the first element of g outside [-gbound, gbound] and
 * the first of x outside [-XMAX, XMAX] (NaN included; n if none), and, for
 * each present part[k], the block's canonical sum of g * part[k] into
 * sums[k].  The 16 lanes of spec 6.1 are 16 binary64 accumulators, element
 * j of the block in lane j mod 16; the compiler keeps them in vector
 * registers (two of 8 with AVX-512, four of 4 with AVX2). */
static void FAST_TN(block1)(const mada_pass1_t *a, size_t b, size_t *bad_g, size_t *bad_x,
                            double sums[MADA_NCOEF])
{
    const MADA_T *restrict g = (const MADA_T *)a->g;
    const MADA_T *restrict x = (const MADA_T *)a->x;
    const size_t lo = b * MADA_RED_BLOCK;
    const size_t len = a->n - lo < MADA_RED_BLOCK ? a->n - lo : MADA_RED_BLOCK;
    const double gb = mada_grad_bound(a->compat_first), xb = MADA_XMAX;
    /* The checks: one vector OR of "outside" over the block (a horizontal
     * reduction per block, not per 16 elements), the index only when
     * something is outside. */
    *bad_g = *bad_x = a->n;
    int out_g = 0, out_x = 0;
#pragma omp simd reduction(| : out_g, out_x)
    for (size_t u = 0; u < len; u++) {
        out_g |= !(fabs((double)g[lo + u]) <= gb);
        out_x |= !(fabs((double)x[lo + u]) <= xb);
    }
    if (out_g)
        for (size_t u = 0; u < len; u++)
            if (!(fabs((double)g[lo + u]) <= gb)) {
                *bad_g = lo + u;
                break;
            }
    if (out_x)
        for (size_t u = 0; u < len; u++)
            if (!(fabs((double)x[lo + u]) <= xb)) {
                *bad_x = lo + u;
                break;
            }
    /* The reductions. */
    for (int k = 0; k < MADA_NCOEF; k++) {
        const MADA_T *restrict p = (const MADA_T *)a->part[k];
        if (!p)
            continue;
        double s[MADA_RED_LANES] = {0};
        size_t j = 0;
        for (; j + MADA_RED_LANES <= len; j += MADA_RED_LANES) {
#pragma omp simd
            for (size_t u = 0; u < MADA_RED_LANES; u++)
                s[u] += (double)g[lo + j + u] * (double)p[lo + j + u];
        }
        for (size_t u = 0; j + u < len; u++) /* the tail: lane u = (j + u) mod 16 */
            s[u] += (double)g[lo + j + u] * (double)p[lo + j + u];
        for (unsigned q = 0; q < 8; q++)
            s[q] = s[q] + s[q + 8];
        for (unsigned q = 0; q < 4; q++)
            s[q] = s[q] + s[q + 4];
        for (unsigned q = 0; q < 2; q++)
            s[q] = s[q] + s[q + 2];
        sums[k] = s[0] + s[1];
    }
}

/* Pass 1 over all blocks on a->nthreads threads: MADA_OK with H[k] the
 * canonical sum for each present part[k], or MADA_E_GRAD / MADA_E_PARAM
 * with *bad the first offending index (the sums discarded).  a->blocksums
 * holds MADA_NCOEF doubles per block. */
/* Block b of pass 1, and the first offending indices so far with its own. */
static inline void FAST_TN(block_first)(const mada_pass1_t *a, size_t b, size_t *first_g,
                                        size_t *first_x)
{
    size_t bg, bx;
    FAST_TN(block1)(a, b, &bg, &bx, a->blocksums + b * MADA_NCOEF);
    *first_g = bg < *first_g ? bg : *first_g;
    *first_x = bx < *first_x ? bx : *first_x;
}

static int FAST_TN(pass1)(const mada_pass1_t *a, double H[MADA_NCOEF], size_t *bad)
{
    const size_t n = a->n;
    const size_t nblocks = (n + MADA_RED_BLOCK - 1) / MADA_RED_BLOCK;
    size_t first_g = n, first_x = n;
    const int nt = fast_threads_for(a->nthreads, nblocks);
    if (nt <= 1) { /* as in the kernel: no OpenMP region for one thread */
        for (size_t b = 0; b < nblocks; b++)
            FAST_TN(block_first)(a, b, &first_g, &first_x);
    } else {
#pragma omp parallel num_threads(nt) reduction(min : first_g, first_x)
        {
            mada_fpenv env;
            mada_fpenv_enter(&env);
#pragma omp for schedule(static)
            for (size_t b = 0; b < nblocks; b++)
                FAST_TN(block_first)(a, b, &first_g, &first_x);
            mada_fpenv_leave(&env);
        }
    }
    if (first_g < n) {
        *bad = first_g;
        return MADA_E_GRAD;
    }
    if (first_x < n) {
        *bad = first_x;
        return MADA_E_PARAM;
    }
    /* Block sums in block order, the first block starting the sum (D10). */
    for (int k = 0; k < MADA_NCOEF; k++) {
        if (!a->part[k])
            continue;
        double total = 0.0;
        for (size_t b = 0; b < nblocks; b++)
            total = b == 0 ? a->blocksums[k] : total + a->blocksums[b * MADA_NCOEF + k];
        H[k] = total;
    }
    return MADA_OK;
}
