/*
 * cuda_impl.h -- the CUDA backend's kernel bodies for one element type, as
 * __host__ __device__ functions of the thread index (issue 11).  Template:
 * included with MADA_T and MADA_TN defined as in ref/element_impl.h, by
 * fast/cuda/mada_cuda.cu (the __global__ kernels call these bodies with
 * blockIdx * blockDim + threadIdx, and do the atomics) and by
 * tests/test_cuda_emul.c (which runs every index of every kernel on the host
 * and compares with the reference: the logic of the kernels is tested on
 * machines without a GPU; the device's arithmetic only where one is lent,
 * make gpu-check).
 *
 * Pass 1 (spec 8 checks fused with the reduction of spec 6.1):
 *   lane   thread (b, j), j < 16: lane j of block b, i.e. the elements
 *          b*4096 + j + 16*u in increasing u, summed in binary64 for each
 *          learning coefficient, in order (as the reference's lane j); and
 *          the first element of its share of g, then of x, outside the
 *          domain;
 *   tree   thread (b, k): the fixed lane tree of block b for coefficient k;
 *   total  thread k: the block sums of coefficient k in block order.
 * Pass 2: thread i: element i's step (mada_elem_step, the reference's
 * element functions), its stores, and the bits of max(v', vbar') for the
 * running maximum (non-negative values: integer order is numeric order).
 */

/* Pass 1's arguments: the arrays of n elements in device memory. */
typedef struct {
    size_t n, nblocks;
    const MADA_T *x, *g;
    const MADA_T *part[MADA_NCOEF]; /* NULL: not reduced */
    double gbound;                  /* mada_grad_bound(compat_first)     */
    double *lanes;                  /* nblocks * MADA_NCOEF * 16         */
    double *blocksums;              /* nblocks * MADA_NCOEF              */
} MADA_TN(mada_cuda_p1);

/* Lane j of block b (tid = 16 b + j): its sums into lanes, and the first
 * bad index of g and of x among its elements (n if none). */
static inline MADA_HD void MADA_TN(mada_cuda_lane)(size_t tid, const MADA_TN(mada_cuda_p1) *a,
                                            size_t *bad_g, size_t *bad_x)
{
    const size_t b = tid / MADA_RED_LANES, j = tid % MADA_RED_LANES;
    const size_t lo = b * MADA_RED_BLOCK;
    const size_t hi = a->n - lo < MADA_RED_BLOCK ? a->n : lo + MADA_RED_BLOCK;
    size_t bg = a->n, bx = a->n;
    double s[MADA_NCOEF] = {0, 0, 0, 0, 0, 0};
    for (size_t i = lo + j; i < hi; i += MADA_RED_LANES) {
        const double gi = (double)a->g[i], xi = (double)a->x[i];
        if (bg == a->n && !(fabs(gi) <= a->gbound))
            bg = i;
        if (bx == a->n && !(fabs(xi) <= MADA_XMAX))
            bx = i;
        for (int k = 0; k < MADA_NCOEF; k++)
            if (a->part[k])
                s[k] += gi * (double)a->part[k][i];
    }
    for (int k = 0; k < MADA_NCOEF; k++)
        a->lanes[(b * MADA_NCOEF + (size_t)k) * MADA_RED_LANES + j] = s[k];
    *bad_g = bg;
    *bad_x = bx;
}

/* The fixed tree of spec 6.1 over the 16 lanes of block b, coefficient k
 * (tid = MADA_NCOEF b + k). */
static inline MADA_HD void MADA_TN(mada_cuda_tree)(size_t tid, const MADA_TN(mada_cuda_p1) *a)
{
    const size_t b = tid / MADA_NCOEF;
    const int k = (int)(tid % MADA_NCOEF);
    if (!a->part[k])
        return;
    const double *l = a->lanes + (b * MADA_NCOEF + (size_t)k) * MADA_RED_LANES;
    double s[MADA_RED_LANES];
    for (unsigned q = 0; q < MADA_RED_LANES; q++)
        s[q] = l[q];
    for (unsigned q = 0; q < 8; q++)
        s[q] = s[q] + s[q + 8];
    for (unsigned q = 0; q < 4; q++)
        s[q] = s[q] + s[q + 4];
    for (unsigned q = 0; q < 2; q++)
        s[q] = s[q] + s[q + 2];
    a->blocksums[b * MADA_NCOEF + (size_t)k] = s[0] + s[1];
}

/* Coefficient k's block sums in block order, the first block starting the
 * sum (docs/DECISIONS.md D10). */
static inline MADA_HD double MADA_TN(mada_cuda_total)(int k, const MADA_TN(mada_cuda_p1) *a)
{
    double total = 0.0;
    for (size_t b = 0; b < a->nblocks; b++)
        total = b == 0 ? a->blocksums[k] : total + a->blocksums[b * MADA_NCOEF + (size_t)k];
    return total;
}

/* Element i of pass 2: the step and its stores; returns the bits of
 * max(v', vbar') (of the type's width, widened). */
static inline MADA_HD uint64_t MADA_TN(mada_cuda_elem)(size_t i, const MADA_TN(mada_kargs) *a,
                                                MADA_TN(mada_scalars) s)
{
    const MADA_T z = (MADA_T)0;
    const MADA_TN(mada_elem_out) r = MADA_TN(mada_elem_step)(
        s, a->vbar_max, a->lion_compat, a->lean, a->partials, a->x[i], a->g[i],
        a->gp ? a->gp[i] : z, a->m ? a->m[i] : z, a->v ? a->v[i] : z, a->vb ? a->vb[i] : z,
        a->nn ? a->nn[i] : z, a->l ? a->l[i] : z);
    a->x[i] = r.x2;
    if (a->m)
        a->m[i] = r.m1;
    if (a->v)
        a->v[i] = r.v1;
    if (a->vb)
        a->vb[i] = r.vb1;
    if (a->nn)
        a->nn[i] = r.n1;
    if (a->l)
        a->l[i] = r.l1;
    if (a->gp)
        a->gp[i] = r.g;
    if (a->partials) {
        if (a->part[0])
            a->part[0][i] = r.p.b1;
        if (a->part[1])
            a->part[1][i] = r.p.b2;
        if (a->part[2])
            a->part[2][i] = r.p.b3;
        if (a->part[3])
            a->part[3][i] = r.p.rho;
        if (a->part[4])
            a->part[4][i] = r.p.c;
        if (a->part[5])
            a->part[5][i] = r.p.gm;
    }
    uint64_t u = 0;
    if (sizeof(MADA_T) == 4) {
        uint32_t w;
        memcpy(&w, &r.vm, sizeof w);
        u = w;
    } else {
        memcpy(&u, &r.vm, sizeof(MADA_T));
    }
    return u;
}

/* The bits of the running maximum back to the type. */
static inline MADA_HD MADA_T MADA_TN(mada_cuda_unbits)(uint64_t u)
{
    MADA_T v;
    if (sizeof(MADA_T) == 4) {
        const uint32_t w = (uint32_t)u;
        memcpy(&v, &w, sizeof(MADA_T));
    } else {
        memcpy(&v, &u, sizeof(MADA_T));
    }
    return v;
}

/* The projection (spec 7.1): x and the partials of n elements. */
typedef struct {
    size_t n;
    MADA_T *x;
    MADA_T lo, hi;
    MADA_T *part[MADA_NCOEF]; /* NULL: no partials of coefficient k */
} MADA_TN(mada_cuda_proj);

/* Check, thread i: i if x[i] is not finite, else n (the host takes the
 * minimum over the threads: the first non-finite element). */
static inline MADA_HD size_t MADA_TN(mada_cuda_proj_check)(size_t i,
                                                           const MADA_TN(mada_cuda_proj) *a)
{
    return isfinite(a->x[i]) ? a->n : i;
}

/* Thread i, after a check that found every x finite: element i's partials
 * zeroed if x[i] lies outside [lo, hi] (decided on x[i] before the clamp,
 * as the reference does), then x[i] clamped; the reference's element
 * functions (ref/project_impl.h). */
static inline MADA_HD void MADA_TN(mada_cuda_proj_elem)(size_t i, const MADA_TN(mada_cuda_proj) *a)
{
    const MADA_T xi = a->x[i];
    if (MADA_TN(mada_outside)(xi, a->lo, a->hi))
        for (int k = 0; k < MADA_NCOEF; k++)
            if (a->part[k])
                a->part[k][i] = (MADA_T)0;
    a->x[i] = MADA_TN(mada_clamp)(xi, a->lo, a->hi);
}
