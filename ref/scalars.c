/*
 * scalars.c -- the per-step scalars of spec 4: computed once per step in
 * binary64 and rounded once to the kernel's type.  Every backend receives
 * these values; none recomputes them.  Contracts: ref/scalars.h.
 *
 * Axioms.  WP sees the five wrappers below only through their contracts
 * (body-less declarations under __FRAMAC__; the compiler gets the bodies).
 * Each states only what follows from IEEE 754 or from glibc's documented
 * accuracy (glibc manual, "Known Maximum Errors in Math Functions": pow,
 * expm1 and log1p within 1 ulp in binary64 on x86_64; pow is correctly
 * rounded in nearly all cases since glibc 2.28):
 *
 *   S1  one_minus_pow(beta, t), beta in [0, BETA_MAX], t in [1, 2^64] (an
 *       integer): result finite, in [(1 - BETA_MAX)(1 - 2^-40), 1].
 *       The exact value 1 - beta^t lies in [1 - beta, 1] and
 *       1 - beta >= 1 - BETA_MAX = 2^-20.
 *       beta < 1/2: pow(beta, t) has exact value in [0, 1/2); within 1 ulp
 *       it is in [0, 1/2] (the next binary64 above 1/2 is 2 ulps away), so
 *       1 - pow(...) rounds into [1/2, 1].
 *       beta >= 1/2: beta - 1 is exact (Sterbenz); log1p, the product by t
 *       and expm1 add relative errors of at most 2^-52, 2^-53 and 2^-52, and
 *       expm1 does not amplify a relative error of its (negative) argument
 *       (|y e^y / (e^y - 1)| <= 1 for y < 0): the result is within relative
 *       2^-50 of 1 - beta^t, far inside 2^-40.  expm1(y) >= -1: the exact
 *       value is > -1 and the binary64 number below -1 is 2 ulps away, so
 *       the result is <= 1.  |t * log1p(.)| <= 2^64 cannot overflow.
 *   S2  pow_unit(beta, e), beta in [0, BETA_MAX], e in [0, 2^64]: result
 *       finite, in [0, 1].  The exact value beta^e is in [0, 1] (pow(x, 0) is
 *       exactly 1 by C11 F.10.4.4); within 1 ulp it stays in [0, 1]: a
 *       nonnegative base gives a nonnegative result, and 1 + 2^-52 is 2 ulps
 *       from any exact value below 1.
 *   S3  u64_to_f64(t), t >= 1: result in [1, 2^64].  Conversion rounds to
 *       nearest (C11 6.3.1.4, F.4), which is monotone; 1 and 2^64 are
 *       binary64 numbers.
 *   S4  f64_to_f32(d), |d| <= 2^120: result finite; rounding to nearest is
 *       monotone, so d <= c implies the result <= c, and d >= c the result
 *       >= c, for every binary32 number c; the contract names the ones used:
 *       0, 1, BETA_MAX = 1 - 2^-20, EPS_MIN = 2^-52, IB_MAX = 2^20 (1 + 2^-16),
 *       2^105, 2^120 (all exact in binary32: at most 21 significant bits,
 *       exponents within [-126, 127]).
 * (WP's provers here cannot relate a conversion or a libm call to its real
 * value; everything else below is proved.)
 *
 * Proof (from the repository root; WHY3CONFIG with Gappa and CVC5, about 1 min):
 *   frama-c -cpp-extra-args=-Iinclude -cpp-extra-args=-Iref -wp -wp-rte -wp-split \
 *     -wp-timeout 10 -wp-par 2 -wp-prover gappa,cvc5 -wp-fct avg_wo,scalars_of \
 *     ref/scalars.c -then -wp-no-split -wp-prover=-gappa,cvc5 \
 *     -wp-fct round_unit,round_beta,round_ib,round_eps,round_kb,round_kc,round_of,mada_scalars_compute,mada_scalars_round_f32 \
 *     -then -report-classify -report-unclassified-unknown ERROR
 */
#include "mada_internal.h"

#ifdef __FRAMAC__
/*@ requires \is_finite(beta) && 0.0 <= beta <= MADA_BETA_MAX;
    requires \is_finite(t) && 1.0 <= t <= 0x1p64;
    assigns \result \from beta, t;
    ensures S1: \is_finite(\result) &&
                (1.0 - MADA_BETA_MAX) * (1.0 - 0x1p-40) <= \result <= 1.0;
*/
double mada_one_minus_pow(double beta, double t);
/*@ requires \is_finite(beta) && 0.0 <= beta <= MADA_BETA_MAX;
    requires \is_finite(e) && 0.0 <= e <= 0x1p64;
    assigns \result \from beta, e;
    ensures S2: \is_finite(\result) && 0.0 <= \result <= 1.0;
*/
double mada_pow_unit(double beta, double e);
/*@ requires t >= 1;
    assigns \result \from t;
    ensures S3: \is_finite(\result) && 1.0 <= \result <= 0x1p64;
*/
double mada_u64_to_f64(uint64_t t);
/*@ requires \is_finite(d) && -0x1p120 <= d <= 0x1p120;
    assigns \result \from d;
    ensures S4_finite: \is_finite(\result) && -0x1p120 <= \result <= 0x1p120;
    ensures S4_0: d >= 0.0 ==> \result >= 0.0;
    ensures S4_1: (d <= 1.0 ==> \result <= 1.0) && (d >= 1.0 ==> \result >= 1.0);
    ensures S4_beta: d <= MADA_BETA_MAX ==> \result <= MADA_BETA_MAX;
    ensures S4_eps: d >= MADA_EPS_MIN ==> \result >= MADA_EPS_MIN;
    ensures S4_ib: d <= MADA_IB_MAX ==> \result <= MADA_IB_MAX;
    ensures S4_105: d <= 0x1p105 ==> \result <= 0x1p105;
*/
float mada_f64_to_f32(double d);
#else
/* 1 - beta^t to a few ulps.  For beta >= 1/2 the plain 1 - pow(beta, t)
 * cancels (beta = 0.999: relative error about 5.0e-14 from t = 2 on); there
 * beta - 1 is exact (Sterbenz) and -expm1(t log1p(beta - 1)) is accurate.
 * docs/DECISIONS.md D4. */
static double mada_one_minus_pow(double beta, double t)
{
    return beta >= 0.5 ? -expm1(t * log1p(beta - 1.0)) : 1.0 - pow(beta, t);
}
static double mada_pow_unit(double beta, double e)
{
    return pow(beta, e);
}
static double mada_u64_to_f64(uint64_t t)
{
    return (double)t;
}
static float mada_f64_to_f32(double d)
{
    return (float)d;
}
#endif

/* wo = (t - 1)/t, in [0, 1].  The quotient of fl(t - 1) <= t by t rounds to
 * at most 1 (rounding is monotone), so the test never changes wo; it states
 * the bound for the prover, which cannot relate numerator and denominator. */
/*@ requires \is_finite(t) && 1.0 <= t <= 0x1p64;
    assigns \nothing;
    ensures mada_fin_f64(\result, 0.0, 1.0);
*/
static double avg_wo(double t)
{
    const double wo = (t - 1.0) / t;
    return wo <= 1.0 ? wo : 1.0;
}

/* Spec 4 in binary64, by value (the proof then names no memory). */
/*@ requires mada_scalar_inputs_ok(in);
    assigns \nothing;
    ensures b1: mada_fin_f64(\result.b1, 0.0, MADA_BETA_MAX);
    ensures omb1: mada_fin_f64(\result.omb1, 0.0, 1.0);
    ensures b2: mada_fin_f64(\result.b2, 0.0, MADA_BETA_MAX);
    ensures omb2: mada_fin_f64(\result.omb2, 0.0, 1.0);
    ensures b3: mada_fin_f64(\result.b3, 0.0, MADA_BETA_MAX);
    ensures omb3: mada_fin_f64(\result.omb3, 0.0, 1.0);
    ensures rh: mada_fin_f64(\result.rh, 0.0, 1.0);
    ensures omrh: mada_fin_f64(\result.omrh, 0.0, 1.0);
    ensures c: mada_fin_f64(\result.c, 0.0, 1.0);
    ensures omc: mada_fin_f64(\result.omc, 0.0, 1.0);
    ensures gm: mada_fin_f64(\result.gm, 0.0, 1.0);
    ensures omgm: mada_fin_f64(\result.omgm, 0.0, 1.0);
    ensures ib1: mada_fin_f64(\result.ib1, 1.0, MADA_IB_MAX);
    ensures ib2: mada_fin_f64(\result.ib2, 1.0, MADA_IB_MAX);
    ensures kb1: mada_fin_f64(\result.kb1, 0.0, 0x1p105);
    ensures kb2: mada_fin_f64(\result.kb2, 0.0, 0x1p105);
    ensures kc: mada_fin_f64(\result.kc, 0.0, MADA_IB_MAX);
    ensures wo: mada_fin_f64(\result.wo, 0.0, 1.0);
    ensures wn: mada_fin_f64(\result.wn, 0.0, 1.0);
    ensures lb1: mada_fin_f64(\result.lb1, 0.0, MADA_BETA_MAX);
    ensures omlb1: mada_fin_f64(\result.omlb1, 0.0, 1.0);
    ensures lb2: mada_fin_f64(\result.lb2, 0.0, MADA_BETA_MAX);
    ensures omlb2: mada_fin_f64(\result.omlb2, 0.0, 1.0);
    ensures eps: mada_fin_f64(\result.eps, MADA_EPS_MIN, MADA_EPS_MAX);
    ensures lr: mada_fin_f64(\result.lr, 0.0, MADA_LR_MAX);
    ensures wd: mada_fin_f64(\result.wd, 0.0, 1.0);
*/
static mada_scalars_f64 scalars_of(mada_scalar_inputs in)
{
    const double beta1 = in.q[MADA_BETA1], beta2 = in.q[MADA_BETA2];
    const double beta3 = in.q[MADA_BETA3], rho = in.q[MADA_RHO];
    const double c = in.q[MADA_C], gamma = in.q[MADA_GAMMA];
    const double t = mada_u64_to_f64(in.t);
    const double B1 = mada_one_minus_pow(beta1, t), B2 = mada_one_minus_pow(beta2, t);
    mada_scalars_f64 s;

    s.b1 = beta1;  s.omb1 = 1.0 - beta1;
    s.b2 = beta2;  s.omb2 = 1.0 - beta2;
    s.b3 = beta3;  s.omb3 = 1.0 - beta3;
    s.rh = rho;    s.omrh = 1.0 - rho;
    s.c = c;       s.omc = 1.0 - c;
    s.gm = gamma;  s.omgm = 1.0 - gamma;
    s.ib1 = 1.0 / B1;
    s.ib2 = 1.0 / B2;
    s.kb1 = t * mada_pow_unit(beta1, t - 1.0) / (B1 * B1);
    s.kb2 = t * mada_pow_unit(beta2, t - 1.0) / (B2 * B2);
    s.kc = rho * (1.0 - beta2) / B2;
    s.wo = avg_wo(t);
    s.wn = 1.0 / t;
    s.lb1 = in.lb1; s.omlb1 = 1.0 - in.lb1;
    s.lb2 = in.lb2; s.omlb2 = 1.0 - in.lb2;
    s.eps = in.eps;
    s.lr = in.lr;
    s.wd = in.lr * in.lambda;
    return s;
}

void mada_scalars_compute(const mada_scalar_inputs *in, mada_scalars_f64 *s)
{
    *s = scalars_of(*in);
}

/* Rounding of one scalar from a range whose ends are binary32 numbers. */
/*@ requires mada_fin_f64(d, 0.0, 1.0);
    assigns \nothing;
    ensures mada_fin_f32(\result, 0.0, 1.0);
*/
static float round_unit(double d)
{
    return mada_f64_to_f32(d);
}

/*@ requires mada_fin_f64(d, 0.0, MADA_BETA_MAX);
    assigns \nothing;
    ensures mada_fin_f32(\result, 0.0, MADA_BETA_MAX);
*/
static float round_beta(double d)
{
    return mada_f64_to_f32(d);
}

/*@ requires mada_fin_f64(d, 1.0, MADA_IB_MAX);
    assigns \nothing;
    ensures mada_fin_f32(\result, 1.0, MADA_IB_MAX);
*/
static float round_ib(double d)
{
    return mada_f64_to_f32(d);
}

/*@ requires mada_fin_f64(d, MADA_EPS_MIN, MADA_EPS_MAX);
    assigns \nothing;
    ensures mada_fin_f32(\result, MADA_EPS_MIN, MADA_EPS_MAX);
*/
static float round_eps(double d)
{
    return mada_f64_to_f32(d);
}

/*@ requires mada_fin_f64(d, 0.0, 0x1p105);
    assigns \nothing;
    ensures mada_fin_f32(\result, 0.0, 0x1p105);
*/
static float round_kb(double d)
{
    return mada_f64_to_f32(d);
}

/*@ requires mada_fin_f64(d, 0.0, MADA_IB_MAX);
    assigns \nothing;
    ensures mada_fin_f32(\result, 0.0, MADA_IB_MAX);
*/
static float round_kc(double d)
{
    return mada_f64_to_f32(d);
}

/* Each binary64 scalar rounded once to binary32, by value. */
/*@ requires b1: mada_fin_f64(d.b1, 0.0, MADA_BETA_MAX);
    requires omb1: mada_fin_f64(d.omb1, 0.0, 1.0);
    requires b2: mada_fin_f64(d.b2, 0.0, MADA_BETA_MAX);
    requires omb2: mada_fin_f64(d.omb2, 0.0, 1.0);
    requires b3: mada_fin_f64(d.b3, 0.0, MADA_BETA_MAX);
    requires omb3: mada_fin_f64(d.omb3, 0.0, 1.0);
    requires rh: mada_fin_f64(d.rh, 0.0, 1.0);
    requires omrh: mada_fin_f64(d.omrh, 0.0, 1.0);
    requires c: mada_fin_f64(d.c, 0.0, 1.0);
    requires omc: mada_fin_f64(d.omc, 0.0, 1.0);
    requires gm: mada_fin_f64(d.gm, 0.0, 1.0);
    requires omgm: mada_fin_f64(d.omgm, 0.0, 1.0);
    requires ib1: mada_fin_f64(d.ib1, 1.0, MADA_IB_MAX);
    requires ib2: mada_fin_f64(d.ib2, 1.0, MADA_IB_MAX);
    requires kb1: mada_fin_f64(d.kb1, 0.0, 0x1p105);
    requires kb2: mada_fin_f64(d.kb2, 0.0, 0x1p105);
    requires kc: mada_fin_f64(d.kc, 0.0, MADA_IB_MAX);
    requires wo: mada_fin_f64(d.wo, 0.0, 1.0);
    requires wn: mada_fin_f64(d.wn, 0.0, 1.0);
    requires lb1: mada_fin_f64(d.lb1, 0.0, MADA_BETA_MAX);
    requires omlb1: mada_fin_f64(d.omlb1, 0.0, 1.0);
    requires lb2: mada_fin_f64(d.lb2, 0.0, MADA_BETA_MAX);
    requires omlb2: mada_fin_f64(d.omlb2, 0.0, 1.0);
    requires eps: mada_fin_f64(d.eps, MADA_EPS_MIN, MADA_EPS_MAX);
    requires lr: mada_fin_f64(d.lr, 0.0, MADA_LR_MAX);
    requires wd: mada_fin_f64(d.wd, 0.0, 1.0);
    assigns \nothing;
    ensures b1: mada_fin_f32(\result.b1, 0.0, MADA_BETA_MAX);
    ensures omb1: mada_fin_f32(\result.omb1, 0.0, 1.0);
    ensures b2: mada_fin_f32(\result.b2, 0.0, MADA_BETA_MAX);
    ensures omb2: mada_fin_f32(\result.omb2, 0.0, 1.0);
    ensures b3: mada_fin_f32(\result.b3, 0.0, MADA_BETA_MAX);
    ensures omb3: mada_fin_f32(\result.omb3, 0.0, 1.0);
    ensures rh: mada_fin_f32(\result.rh, 0.0, 1.0);
    ensures omrh: mada_fin_f32(\result.omrh, 0.0, 1.0);
    ensures c: mada_fin_f32(\result.c, 0.0, 1.0);
    ensures omc: mada_fin_f32(\result.omc, 0.0, 1.0);
    ensures gm: mada_fin_f32(\result.gm, 0.0, 1.0);
    ensures omgm: mada_fin_f32(\result.omgm, 0.0, 1.0);
    ensures ib1: mada_fin_f32(\result.ib1, 1.0, MADA_IB_MAX);
    ensures ib2: mada_fin_f32(\result.ib2, 1.0, MADA_IB_MAX);
    ensures kb1: mada_fin_f32(\result.kb1, 0.0, 0x1p105);
    ensures kb2: mada_fin_f32(\result.kb2, 0.0, 0x1p105);
    ensures kc: mada_fin_f32(\result.kc, 0.0, MADA_IB_MAX);
    ensures wo: mada_fin_f32(\result.wo, 0.0, 1.0);
    ensures wn: mada_fin_f32(\result.wn, 0.0, 1.0);
    ensures lb1: mada_fin_f32(\result.lb1, 0.0, MADA_BETA_MAX);
    ensures omlb1: mada_fin_f32(\result.omlb1, 0.0, 1.0);
    ensures lb2: mada_fin_f32(\result.lb2, 0.0, MADA_BETA_MAX);
    ensures omlb2: mada_fin_f32(\result.omlb2, 0.0, 1.0);
    ensures eps: mada_fin_f32(\result.eps, MADA_EPS_MIN, MADA_EPS_MAX);
    ensures lr: mada_fin_f32(\result.lr, 0.0, MADA_LR_MAX);
    ensures wd: mada_fin_f32(\result.wd, 0.0, 1.0);
*/
static mada_scalars_f32 round_of(mada_scalars_f64 d)
{
    mada_scalars_f32 f;
    f.b1 = round_beta(d.b1);
    f.omb1 = round_unit(d.omb1);
    f.b2 = round_beta(d.b2);
    f.omb2 = round_unit(d.omb2);
    f.b3 = round_beta(d.b3);
    f.omb3 = round_unit(d.omb3);
    f.rh = round_unit(d.rh);
    f.omrh = round_unit(d.omrh);
    f.c = round_unit(d.c);
    f.omc = round_unit(d.omc);
    f.gm = round_unit(d.gm);
    f.omgm = round_unit(d.omgm);
    f.ib1 = round_ib(d.ib1);
    f.ib2 = round_ib(d.ib2);
    f.kb1 = round_kb(d.kb1);
    f.kb2 = round_kb(d.kb2);
    f.kc = round_kc(d.kc);
    f.wo = round_unit(d.wo);
    f.wn = round_unit(d.wn);
    f.lb1 = round_beta(d.lb1);
    f.omlb1 = round_unit(d.omlb1);
    f.lb2 = round_beta(d.lb2);
    f.omlb2 = round_unit(d.omlb2);
    f.eps = round_eps(d.eps);
    f.lr = round_unit(d.lr);
    f.wd = round_unit(d.wd);
    return f;
}

void mada_scalars_round_f32(const mada_scalars_f64 *d, mada_scalars_f32 *f)
{
    *f = round_of(*d);
}
