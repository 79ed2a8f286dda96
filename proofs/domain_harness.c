/*
 * domain_harness.c -- proof harness: the domain mada_step() checks is the
 * domain the kernels are proved on (issue 3, "the checked domain and the
 * proved domain are the same set").  Never compiled into the library; WP
 * proves the functions of domain_harness_impl.h for both types (group
 * `domain` in proofs/groups.conf).
 *
 * domain_step_T is mada_step()'s sequence for one element type, written with
 * the functions mada_step() itself calls (ref/optimizer.c), in four stages
 * whose contracts carry the facts from one to the next
 * (domain_harness_impl.h):
 *   h_check      mada_config_check() (what mada_create() and mada_load()
 *                accepted) and mada_step_check_T() (the step's value checks:
 *                learning rate, the bound on v and vbar, |g|, |x|);
 *   h_scalars    the coefficients (mada_hyper_update() when due, through
 *                domain_coefs) and the per-step scalars
 *                (mada_scalars_compute(), mada_scalars_round_f32());
 *   h_setup      the t = 1 set-up (spec 9): mada_compat_init_n_T() or
 *                mada_first_gp_T() (mada_step() runs it before the scalars;
 *                the two commute, domain_step says why);
 *   h_fill,
 *   h_kernel     the kernel arguments as MADA_FILL_KARGS fills them, and
 *                mada_ref_kernel_T().
 * WP proves every precondition of every call from the checks that precede
 * it; only the pointer facts that mada_step() establishes by construction
 * (buffers of n elements, the state allocated by the optimizer and checked
 * not to overlap x and g) and the arrays' state the previous step left are
 * assumed (domain_step's requires; proofs/README.md lists each with what
 * establishes it).  The scalar state (the step count, alpha_{t-1}, the
 * hyper-optimizer's buffers and counters) is checked: mada_step_check_T()
 * and mada_hyper_check().  The state requirement is the kernel's own
 * postcondition (`stored`, ref/kernel_impl.h) with vmax its result, which
 * the initial state (zeros, or 1e-15 in compat mode) and every state
 * mada_load() accepts also satisfy: so the requirement is inductive.
 */
#include "mada_internal.h"

/* The coefficients of a step: those of a configuration that passed
 * mada_config_check(), after the hyper step when it is due, with the
 * settings ref/optimizer.c (hyper_step) passes.  Copied field by field (no
 * loop): WP then sees the same values, not values equal as real numbers. */
/*@ requires \valid_read(cfg) && mada_config_ok(cfg);
    requires hyper: hyper != 0 ==> mada_hyper_ready(hs, hin.lr_prev);
    requires \valid(q + (0 .. MADA_NCOEF - 1)) && \separated(q + (0 .. MADA_NCOEF - 1), cfg);
    assigns q[0 .. MADA_NCOEF - 1];
    ensures mada_in(q[0], 0.0, MADA_BETA_MAX) && mada_in(q[1], 0.0, MADA_BETA_MAX) &&
            mada_in(q[2], 0.0, MADA_BETA_MAX) && mada_in(q[3], 0.0, 1.0) &&
            mada_in(q[4], 0.0, 1.0) && mada_in(q[5], 0.0, 1.0);
*/
static void domain_coefs(const mada_config *cfg, mada_hyper_state hs,
                         mada_hyper_input hin, int hyper, double *q)
{
#define H_FROM_CFG(k)                                                          \
    (hs.c[k].q = cfg->coef[k], hin.eta[k] = cfg->eta[k], hin.mu[k] = cfg->mu[k], \
     hin.lo[k] = cfg->lo[k], hin.hi[k] = cfg->hi[k])
    H_FROM_CFG(0), H_FROM_CFG(1), H_FROM_CFG(2), H_FROM_CFG(3), H_FROM_CFG(4), H_FROM_CFG(5);
#undef H_FROM_CFG
    hin.hclip = cfg->hclip;
    if (hyper)
        hs = mada_hyper_update(hs, hin);
    q[0] = hs.c[0].q, q[1] = hs.c[1].q, q[2] = hs.c[2].q;
    q[3] = hs.c[3].q, q[4] = hs.c[4].q, q[5] = hs.c[5].q;
}

#define MADA_T float
#define MADA_TN(x) x##_f32
#define MADA_F32_ROUND 1
#include "domain_harness_impl.h"
#undef MADA_T
#undef MADA_TN
#undef MADA_F32_ROUND

#define MADA_T double
#define MADA_TN(x) x##_f64
#define MADA_F32_ROUND 0
#include "domain_harness_impl.h"
#undef MADA_T
#undef MADA_TN
#undef MADA_F32_ROUND
