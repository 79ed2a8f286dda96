/*
 * test_reduce.c -- the canonical reduction of spec 6.1: equal (bit for bit)
 * to a plain transcription of the spec, and within the classical error bound
 * gamma_n * sum |g_i p_i| of the exact sum (MPFR).
 */
#include <math.h>
#include <mpfr.h>
#include <stdio.h>
#include <stdlib.h>

#include "mada_mpfr.h"
#include "testutil.h"

static const size_t lengths[] = {0, 1, 15, 16, 17, 4095, 4096, 4097, 100003};
#define NLEN (sizeof lengths / sizeof lengths[0])

/* Spec 6.1 transcribed literally: per block, lanes s_0..s_15 from +0, element
 * i of the block into lane i mod 16 in increasing i; a_k = s_k + s_{k+8},
 * b_k = a_k + a_{k+4}, c_k = b_k + b_{k+2}, block = c_0 + c_1; blocks summed
 * left to right starting from the first block. */
static double transcription(const double *prod, size_t n)
{
    double H = 0.0;
    size_t nblocks = (n + 4095) / 4096;
    for (size_t blk = 0; blk < nblocks; blk++) {
        double s[16] = {0};
        size_t start = blk * 4096, end = start + 4096 < n ? start + 4096 : n;
        for (size_t i = start; i < end; i++)
            s[(i - start) % 16] = s[(i - start) % 16] + prod[i];
        double a[8], b[4], c[2];
        for (int k = 0; k < 8; k++) a[k] = s[k] + s[k + 8];
        for (int k = 0; k < 4; k++) b[k] = a[k] + a[k + 4];
        for (int k = 0; k < 2; k++) c[k] = b[k] + b[k + 2];
        double block = c[0] + c[1];
        H = blk == 0 ? block : H + block;
    }
    return H;
}

/* Random values with random signs over a wide range, so sums cancel. */
static void fill_pair(rng_t *r, double *g, double *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        g[i] = rng_logmag(r, -30, 30);
        p[i] = rng_logmag(r, -30, 30);
    }
}

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static void check_len(size_t n, int f32, rng_t *r)
{
    double *g = malloc((n + 1) * sizeof *g), *p = malloc((n + 1) * sizeof *p);
    double *prod = malloc((n + 1) * sizeof *prod);
    float *gf = malloc((n + 1) * sizeof *gf), *pf = malloc((n + 1) * sizeof *pf);
    CU_ASSERT_FATAL(g && p && prod && gf && pf);
    fill_pair(r, g, p, n);
    if (f32)
        for (size_t i = 0; i < n; i++) {
            gf[i] = (float)g[i];
            pf[i] = (float)p[i];
            g[i] = gf[i];
            p[i] = pf[i];
        }
    for (size_t i = 0; i < n; i++)
        prod[i] = g[i] * p[i];
    const double want = transcription(prod, n);
    const double got = f32 ? mada_ref_reduce_f32(gf, pf, n) : mada_ref_reduce_f64(g, p, n);
    if (!same_bits(got, want))
        printf("\nreduce n=%zu %s: got %a want %a\n", n, f32 ? "f32" : "f64", got, want);
    CU_ASSERT(same_bits(got, want));

    /* Error against the exact sum. */
    mpfr_t exact, err, bound, abssum, prodm;
    mpfr_inits2(4096, exact, err, abssum, prodm, (mpfr_ptr)0);
    mpfr_init2(bound, 64);
    mada_mp_dot(exact, g, p, n);
    mpfr_set_zero(abssum, 1);
    for (size_t i = 0; i < n; i++) {
        mpfr_set_d(prodm, g[i], MPFR_RNDN);
        mpfr_mul_d(prodm, prodm, p[i], MPFR_RNDN);
        mpfr_abs(prodm, prodm, MPFR_RNDN);
        mpfr_add(abssum, abssum, prodm, MPFR_RNDN);
    }
    mpfr_sub_d(err, exact, got, MPFR_RNDN);
    mpfr_abs(err, err, MPFR_RNDN);
    /* gamma_n = n u / (1 - n u), u = 2^-53, rounded up. */
    const double nu = (double)n * 0x1p-53;
    mpfr_set_d(bound, nu / (1.0 - nu), MPFR_RNDU);
    mpfr_mul(bound, bound, abssum, MPFR_RNDU);
    mpfr_nextabove(bound);
    if (mpfr_cmp(err, bound) > 0)
        mpfr_printf("\nreduce n=%zu: error %.3Re above bound %.3Re\n", n, err, bound);
    CU_ASSERT(mpfr_cmp(err, bound) <= 0);
    if (n == 0)
        CU_ASSERT(same_bits(got, 0.0));
    mpfr_clears(exact, err, bound, abssum, prodm, (mpfr_ptr)0);
    free(g), free(p), free(prod), free(gf), free(pf);
}

static void test_lengths_f64(void)
{
    rng_t r = {11};
    for (size_t k = 0; k < NLEN; k++)
        check_len(lengths[k], 0, &r);
}

static void test_lengths_f32(void)
{
    rng_t r = {12};
    for (size_t k = 0; k < NLEN; k++)
        check_len(lengths[k], 1, &r);
}

/* The order matters: a permutation of the same terms gives another sum for
 * these inputs, so equality above is not a coincidence of exact sums. */
static void test_order_sensitive(void)
{
    const size_t n = 4097;
    double *g = malloc(n * sizeof *g), *p = malloc(n * sizeof *p);
    CU_ASSERT_FATAL(g && p);
    rng_t r = {13};
    fill_pair(&r, g, p, n);
    const double fwd = mada_ref_reduce_f64(g, p, n);
    for (size_t i = 0; i < n / 2; i++) {
        double tg = g[i], tp = p[i];
        g[i] = g[n - 1 - i], p[i] = p[n - 1 - i];
        g[n - 1 - i] = tg, p[n - 1 - i] = tp;
    }
    CU_ASSERT(!same_bits(fwd, mada_ref_reduce_f64(g, p, n)));
    free(g), free(p);
}

/* Every backend the dispatcher offers computes the same bits. */
static void test_backends_agree(void)
{
    const size_t n = 100003;
    double *g = malloc(n * sizeof *g), *p = malloc(n * sizeof *p);
    CU_ASSERT_FATAL(g && p);
    rng_t r = {14};
    fill_pair(&r, g, p, n);
    const double want = mada_ref_reduce_f64(g, p, n);
    double *x = calloc(n, sizeof *x), *sums = malloc((n / MADA_RED_BLOCK + 1) * MADA_NCOEF * 8);
    CU_ASSERT_FATAL(x && sums);
    int compared = 0;
    for (int b = MADA_BACKEND_REF; b <= MADA_BACKEND_CUDA; b++) {
        const mada_backend_ops *ops = mada_backend_ops_get((mada_backend)b);
        if (!ops)
            continue; /* not available here: nothing to compare */
        for (int threads = 1; threads <= 3; threads++) {
            /* Pass 1 with one partial: its reduction, all lanes of the
             * canonical order, on 1 to 3 threads. */
            mada_pass1_t a = {.n = n, .x = x, .g = g, .nthreads = threads, .blocksums = sums};
            a.part[MADA_RHO] = p;
            double H[MADA_NCOEF] = {0};
            size_t bad = 0;
            CU_ASSERT(ops->pass1_f64(&a, H, &bad) == MADA_OK);
            CU_ASSERT(same_bits(H[MADA_RHO], want));
            compared++;
        }
    }
    CU_ASSERT(compared >= 3);
    free(g), free(p), free(x), free(sums);
}

void register_reduce_suite(void)
{
    static const test_entry tests[] = {
        {"lengths 0..100003, binary64: transcription and error bound", test_lengths_f64},
        {"lengths 0..100003, binary32: transcription and error bound", test_lengths_f32},
        {"the order is observable", test_order_sensitive},
        {"available backends agree bit for bit", test_backends_agree},
        {NULL, NULL},
    };
    add_suite("canonical reduction", tests);
}
