/*
 * project_impl.h -- the projection onto a box (spec 7.1) for one element
 * type: the element functions, shared by every backend (__host__
 * __device__ under nvcc), and the contracts of the reference's loops
 * (ref/project.c).  Template: included by ref/project.c (with MADA_LT and
 * MADA_GT, ACSL's IEEE comparisons of the type) and before
 * fast/cuda/cuda_impl.h, with MADA_T and MADA_TN defined as for
 * element_impl.h.
 *
 * x_i outside [lo, hi] is clamped to the nearer bound, and every stored
 * partial of element i is set to +0 (the projected x_i no longer depends on
 * the coefficients, so the next hyper-gradient must not see element i);
 * x_i inside keeps its bits, and so do its partials.  Proved in the proof
 * group `project` (proofs/groups.conf).
 */

/* Element x lies outside [lo, hi]: the projection moves it.  (Each
 * assertion ties one IEEE comparison of the code to the order of the reals,
 * one step the provers take alone; proofs/README.md.) */
/*@ requires \is_finite(x) && \is_finite(lo) && \is_finite(hi);
    exits \false;
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> (x < lo || x > hi);
*/
static inline MADA_HD int MADA_TN(mada_outside)(MADA_T x, MADA_T lo, MADA_T hi)
{
    //@ assert lt_lo: MADA_LT(x, lo) <==> x < lo;
    //@ assert gt_hi: MADA_GT(x, hi) <==> x > hi;
    return x < lo || x > hi;
}

/* x clamped to [lo, hi], min(max(x, lo), hi) as spec 7.1 writes it: the
 * bound it passed, else x itself (bit for bit). */
/*@ requires \is_finite(x) && \is_finite(lo) && \is_finite(hi) && lo <= hi;
    exits \false;
    assigns \nothing;
    ensures in_range: \is_finite(\result) && lo <= \result <= hi;
    ensures below: x < lo ==> \result == lo;
    ensures above: x > hi ==> \result == hi;
    ensures inside: lo <= x <= hi ==> \result == x;
*/
static inline MADA_HD MADA_T MADA_TN(mada_clamp)(MADA_T x, MADA_T lo, MADA_T hi)
{
    //@ assert lt_lo: MADA_LT(x, lo) <==> x < lo;
    //@ assert gt_hi: MADA_GT(x, hi) <==> x > hi;
    //@ assert lo_hi: !MADA_GT(lo, hi);
    const MADA_T y = x < lo ? lo : x;
    //@ assert y_hi: MADA_GT(y, hi) <==> y > hi;
    return y > hi ? hi : y;
}

/* The first non-finite element of x[0 .. n-1], else n (spec 7.1: the
 * projection refuses a non-finite parameter before changing anything). */
/*@ requires \valid_read(x + (0 .. n - 1));
    assigns \result \from x[0 .. n - 1], n;
    ensures \result <= n;
    ensures all_finite: \result == n ==> \forall integer i; 0 <= i < n ==> \is_finite(x[i]);
    ensures first: \result < n ==> !\is_finite(x[\result]) &&
        \forall integer i; 0 <= i < \result ==> \is_finite(x[i]);
*/
size_t MADA_TN(mada_first_nonfinite)(const MADA_T *x, size_t n);

/* One partial array p (n elements) of a projection: p[i] = +0 where x[i]
 * (the parameters before the projection) lies outside [lo, hi], else p[i]
 * unchanged.  Partials may be infinite or NaN (spec 8): they are only
 * stored or kept, never computed with; the parameters are finite (the
 * projection checks them first). */
/*@ requires \valid(p + (0 .. n - 1)) && \valid_read(x + (0 .. n - 1));
    requires \separated(p + (0 .. n - 1), x + (0 .. n - 1));
    requires \is_finite(lo) && \is_finite(hi);
    requires \forall integer i; 0 <= i < n ==> \is_finite(x[i]);
    assigns p[0 .. n - 1];
    ensures zeroed: \forall integer i; 0 <= i < n ==> (x[i] < lo || x[i] > hi) ==>
        p[i] == 0.0;
    ensures kept: \forall integer i; 0 <= i < n ==> !(x[i] < lo || x[i] > hi) ==>
        p[i] == \old(p[i]);
*/
void MADA_TN(mada_project_part)(size_t n, const MADA_T *x, MADA_T lo, MADA_T hi, MADA_T *p);

/* The parameters x (n finite elements) clamped to [lo, hi]. */
/*@ requires \valid(x + (0 .. n - 1));
    requires \is_finite(lo) && \is_finite(hi) && lo <= hi;
    requires \forall integer i; 0 <= i < n ==> \is_finite(x[i]);
    assigns x[0 .. n - 1];
    ensures in_range: \forall integer i; 0 <= i < n ==> \is_finite(x[i]) && lo <= x[i] <= hi;
    ensures below: \forall integer i; 0 <= i < n ==> \old(x[i]) < lo ==> x[i] == lo;
    ensures above: \forall integer i; 0 <= i < n ==> \old(x[i]) > hi ==> x[i] == hi;
    ensures inside: \forall integer i; 0 <= i < n ==> lo <= \old(x[i]) <= hi ==>
        x[i] == \old(x[i]);
*/
void MADA_TN(mada_project_x)(size_t n, MADA_T *x, MADA_T lo, MADA_T hi);

/* The whole projection of the reference (ref/project_loops.h): MADA_OK with
 * x clamped and the present partials zeroed where x was outside, or
 * MADA_E_PARAM with *bad the first non-finite x and nothing written.
 * part[k] is NULL for a coefficient without partials. */
/*@ requires \valid(x + (0 .. n - 1)) && \valid(bad);
    requires \valid_read(part + (0 .. MADA_NCOEF - 1));
    requires \is_finite(lo) && \is_finite(hi) && lo <= hi;
    requires \separated(bad, x + (0 .. n - 1)) && \separated(bad, part + (0 .. MADA_NCOEF - 1));
    requires \separated(x + (0 .. n - 1), part + (0 .. MADA_NCOEF - 1));
    requires parts: \forall integer k; 0 <= k < MADA_NCOEF ==> part[k] == \null ||
        (\valid(part[k] + (0 .. n - 1)) &&
         \separated(part[k] + (0 .. n - 1), x + (0 .. n - 1)) &&
         \separated(part[k] + (0 .. n - 1), part + (0 .. MADA_NCOEF - 1)) &&
         \separated(part[k] + (0 .. n - 1), bad));
    assigns *bad, x[0 .. n - 1], part[0][0 .. n - 1], part[1][0 .. n - 1],
        part[2][0 .. n - 1], part[3][0 .. n - 1], part[4][0 .. n - 1], part[5][0 .. n - 1];
    ensures \result == MADA_OK || \result == MADA_E_PARAM;
    ensures in_range: \result == MADA_OK ==>
        \forall integer i; 0 <= i < n ==> \is_finite(x[i]) && lo <= x[i] <= hi;
    ensures refused: \result == MADA_E_PARAM ==> *bad < n && !\is_finite(x[*bad]) &&
        \forall integer i; 0 <= i < n ==> x[i] == \old(x[i]);
*/
int MADA_TN(mada_ref_project)(size_t n, MADA_T *x, MADA_T lo, MADA_T hi,
                              MADA_T *const part[MADA_NCOEF], size_t *bad);
