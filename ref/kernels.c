/* kernels.c -- the scalar reference kernels, binary32 and binary64. */
#include "mada_internal.h"

#define MADA_T float
#define MADA_TN(x) x##_f32
#include "kernel_impl.h"
#undef MADA_T
#undef MADA_TN

#define MADA_T double
#define MADA_TN(x) x##_f64
#include "kernel_impl.h"
#undef MADA_T
#undef MADA_TN
