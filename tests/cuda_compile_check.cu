// cuda_compile_check.cu -- the element kernel and partials of ref/ compiled
// unchanged by nvcc (MADA_HD = __host__ __device__).  Compile-only: run by
// tests/run.sh when nvcc is present; running it needs a GPU (later issue).
#include "mada_internal.h"


__global__ void element_f32(const mada_scalars_f32 *s, const mada_elem_in_f32 *in,
                            mada_elem_mid_f32 *o, mada_partial_f32 *p)
{
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    const mada_lean ln = {i & 4, i & 8, i & 16, i & 32, i & 64};
    o[i] = mada_element_f32(*s, i & 1, i & 2, ln, in[i]);
    p[i] = mada_partials_f32(*s, in[i], o[i]);
}

__global__ void element_f64(const mada_scalars_f64 *s, const mada_elem_in_f64 *in,
                            mada_elem_mid_f64 *o, mada_partial_f64 *p)
{
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    const mada_lean ln = {i & 4, i & 8, i & 16, i & 32, i & 64};
    o[i] = mada_element_f64(*s, i & 1, i & 2, ln, in[i]);
    p[i] = mada_partials_f64(*s, in[i], o[i]);
}
