/*
 * avx512.c -- the AVX-512 backend: the reference's element functions and the
 * canonical reduction compiled for AVX-512 (16 binary32 or 8 binary64 lanes)
 * by GCC (fast/simd_impl.h says why the bits are the reference's).  The
 * functions here run only where cpuid reports AVX-512F/BW/DQ/VL
 * (fast/dispatch.c).
 */
#if defined(__clang__) /* the fuzzer's build (make fuzz) */
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl"))), apply_to = function)
#else
#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vl")
#endif
#include "fast_common.h"

#define MADA_T float
#define MADA_TN(x) x##_f32
#define FAST_UINT uint32_t
#define FAST_TN(x) x##_avx512_f32
#include "simd_impl.h"
#undef MADA_T
#undef MADA_TN
#undef FAST_TN
#undef FAST_UINT

#define MADA_T double
#define MADA_TN(x) x##_f64
#define FAST_UINT uint64_t
#define FAST_TN(x) x##_avx512_f64
#include "simd_impl.h"
#undef MADA_T
#undef MADA_TN
#undef FAST_TN
#undef FAST_UINT

#if defined(__clang__)
#pragma clang attribute pop
#endif

const mada_backend_ops mada_avx512_ops = {
    MADA_BACKEND_AVX512,
    pass1_avx512_f32, pass1_avx512_f64,
    kernel_avx512_f32, kernel_avx512_f64,
    /* The projection: the reference's loops (docs/DECISIONS.md D24). */
    mada_ref_project,
};
