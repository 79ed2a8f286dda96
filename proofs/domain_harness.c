/*
 * domain_harness.c -- proof harness: the domain mada_step() checks is the
 * domain the kernels are proved on (issue 3, "the checked domain and the
 * proved domain are the same set").  Never compiled into the library; WP
 * proves the two functions below (group `domain` in proofs/groups.conf).
 *
 * Each function is mada_step()'s sequence for one element type, written with
 * the functions mada_step() itself calls (ref/optimizer.c):
 *   mada_config_check()      what mada_create() accepted;
 *   mada_hyper_update()      the coefficient update (spec 6.2), when due;
 *   mada_step_check_T()      the step's value checks (learning rate, the
 *                            bound on v and vbar, |g|, |x|);
 *   mada_scalars_compute(),
 *   mada_scalars_round_f32() the per-step scalars;
 *   mada_compat_init_n_T() or
 *   mada_first_gp_T()        the t = 1 set-up (spec 9);
 *   mada_ref_kernel_T()      the step.
 * WP proves every precondition of every call from the checks that precede
 * it; only the pointer facts that mada_step() establishes by construction
 * (buffers of n elements, the state allocated by the optimizer and checked
 * not to overlap x and g) and the state the previous step left are assumed
 * (requires below).  The state requirement is the kernel's own
 * postcondition (`stored`, ref/kernel_impl.h) with vmax its result, which
 * the initial state (zeros, or 1e-15 in compat mode) and every state
 * mada_load() accepts also satisfy: so the requirement is inductive.
 */
#include "mada_internal.h"

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
