/*
 * fpenv.h -- every public function that computes runs in the IEEE 754
 * default floating-point environment, whatever the caller's, and gives the
 * caller's back exactly (docs/DECISIONS.md D17).
 *
 * The default: round to nearest even, every exception masked (no trap), no
 * flush-to-zero, no denormals-are-zero, flags clear.  It is the environment
 * the proofs model and spec 5 pins; a caller may have changed any of it
 * (fesetround(), feenableexcept(), a library built with -ffast-math that
 * sets FTZ/DAZ in MXCSR when it loads, PyTorch's set_flush_denormal).
 * Exact restoration includes the exception flags: the caller sees none of
 * the flags the library raised, and keeps those it had.
 */
#ifndef MADA_FPENV_H
#define MADA_FPENV_H

#include <fenv.h>

typedef struct {
    fenv_t env;         /* fegetenv(): control, status, traps              */
    unsigned int mxcsr; /* x86 SSE control and status (FTZ, DAZ, rounding) */
} mada_fpenv;

/* Save the calling thread's environment in *saved, then install the
 * default.  Call on entry to a public function that computes. */
void mada_fpenv_enter(mada_fpenv *saved);

/* Reinstall *saved exactly (modes, traps, flags).  Call before returning. */
void mada_fpenv_leave(const mada_fpenv *saved);

#endif
