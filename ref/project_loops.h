/*
 * project_loops.h -- the reference's projection loops (spec 7.1) for one
 * element type; their contracts are in ref/project_impl.h.  Template:
 * included by ref/project.c with MADA_T and MADA_TN defined.
 */

size_t MADA_TN(mada_first_nonfinite)(const MADA_T *x, size_t n)
{
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer j; 0 <= j < i ==> \is_finite(x[j]);
        loop assigns i;
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return i;
    return n;
}

void MADA_TN(mada_project_part)(size_t n, const MADA_T *x, MADA_T lo, MADA_T hi, MADA_T *p)
{
    /*@ loop invariant 0 <= i <= n;
        loop invariant zeroed: \forall integer j; 0 <= j < i ==> (x[j] < lo || x[j] > hi) ==>
            p[j] == 0.0;
        loop invariant kept: \forall integer j; 0 <= j < i ==> !(x[j] < lo || x[j] > hi) ==>
            p[j] == \at(p[j], Pre);
        loop invariant todo: \forall integer j; i <= j < n ==> p[j] == \at(p[j], Pre);
        loop assigns i, p[0 .. n - 1];
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++)
        if (MADA_TN(mada_outside)(x[i], lo, hi))
            p[i] = (MADA_T)0;
}

void MADA_TN(mada_project_x)(size_t n, MADA_T *x, MADA_T lo, MADA_T hi)
{
    /*@ loop invariant 0 <= i <= n;
        loop invariant in_range: \forall integer j; 0 <= j < i ==>
            \is_finite(x[j]) && lo <= x[j] <= hi;
        loop invariant below: \forall integer j; 0 <= j < i ==> \at(x[j], Pre) < lo ==> x[j] == lo;
        loop invariant above: \forall integer j; 0 <= j < i ==> \at(x[j], Pre) > hi ==> x[j] == hi;
        loop invariant inside: \forall integer j; 0 <= j < i ==> lo <= \at(x[j], Pre) <= hi ==>
            x[j] == \at(x[j], Pre);
        loop invariant todo: \forall integer j; i <= j < n ==> x[j] == \at(x[j], Pre);
        loop invariant todo_finite: \forall integer j; i <= j < n ==> \is_finite(x[j]);
        loop assigns i, x[0 .. n - 1];
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++)
        x[i] = MADA_TN(mada_clamp)(x[i], lo, hi);
}

/* The projection of the reference backend (and of the CPU fast backends,
 * docs/DECISIONS.md D24): the check, then the partials from the parameters
 * before the clamp, then the clamp.  MADA_OK, or MADA_E_PARAM with *bad the
 * first non-finite parameter and nothing written. */
int MADA_TN(mada_ref_project)(size_t n, MADA_T *x, MADA_T lo, MADA_T hi,
                              MADA_T *const part[MADA_NCOEF], size_t *bad)
{
    const size_t b = MADA_TN(mada_first_nonfinite)(x, n);
    if (b < n) {
        *bad = b;
        return MADA_E_PARAM;
    }
    /*@ loop invariant 0 <= k <= MADA_NCOEF;
        loop invariant \forall integer i; 0 <= i < n ==> \is_finite(x[i]);
        loop assigns k, part[0][0 .. n - 1], part[1][0 .. n - 1], part[2][0 .. n - 1],
            part[3][0 .. n - 1], part[4][0 .. n - 1], part[5][0 .. n - 1];
        loop variant MADA_NCOEF - k;
    */
    for (int k = 0; k < MADA_NCOEF; k++) {
        MADA_T *const p = part[k];
        /* Precondition `parts` at k, as one goal: the call's frame then
         * needs no quantifier instantiated. */
        /*@ assert part_k: p == \null || (\valid(p + (0 .. n - 1)) &&
                \separated(p + (0 .. n - 1), x + (0 .. n - 1)) &&
                \separated(p + (0 .. n - 1), part + (0 .. MADA_NCOEF - 1)));
        */
        if (p)
            MADA_TN(mada_project_part)(n, x, lo, hi, p);
    }
    MADA_TN(mada_project_x)(n, x, lo, hi);
    return MADA_OK;
}
