// bench_cuda.cu -- the CUDA step against a device bandwidth probe with the
// same streams, and against torch.optim.Adam(fused=True) when PyTorch with
// CUDA is importable (issue 11; run by make gpu-check, tests/gpu_check.sh).
//
// For each variant (adam lean, avgrad lean, mada with all six coefficients
// learning, after the warm-up so that both passes run), binary32, n = 2^26
// and 2^28 (BENCH_LOG2N), the median over BENCH_REPS (default 7)
// repetitions of:
//   - the probe: kernels with the variant's read and write streams (pass 1
//     reads, pass 2 updates some arrays in place, reads others, writes
//     others) and trivial arithmetic: the device's limit for the variant;
//   - mada_step_cuda() on device buffers (what a training loop pays per
//     step, host overhead and pass 1's verdict copy included);
//   - torch Adam (fused) in Adam mode, adam row only.
// Columns as make bench's: ns per element, elements per second, effective
// GB/s from the bytes the variant moves (docs/BENCHMARKS.md), % of the probe.
// Table on stdout, CSV into argv[1] (default build/gpu-check/bench_cuda.csv).
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>

#include "mada.h"

#define CK(call)                                                                         \
    do {                                                                                 \
        cudaError_t e_ = (call);                                                         \
        if (e_ != cudaSuccess) {                                                         \
            fprintf(stderr, "bench_cuda: %s: %s\n", #call, cudaGetErrorString(e_));      \
            exit(1);                                                                     \
        }                                                                                \
    } while (0)

struct variant {
    const char *name, *preset;
    int p1_reads, p2_inplace, p2_read, p2_write;
};

// The streams of make bench (bench/bench.c): bytes per element =
// 4 * (p1_reads + 2 * p2_inplace + p2_read + p2_write).
static const variant variants[] = {
    {"adam", "adam", 2, 3, 1, 0},
    {"avgrad", "avgrad", 2, 4, 1, 0},
    {"mada", "mada", 8, 7, 1, 6},
};

static double bytes_per_elem(const variant &v)
{
    return 4.0 * (v.p1_reads + 2 * v.p2_inplace + v.p2_read + v.p2_write);
}

static double median(std::vector<double> t)
{
    std::sort(t.begin(), t.end());
    const size_t k = t.size();
    return k % 2 ? t[k / 2] : 0.5 * (t[k / 2 - 1] + t[k / 2]);
}

struct arrays {
    float *a[16];
};

// Pass 1 of the probe: r streams read; one partial sum per thread block.
__global__ void probe_pass1(arrays p, int r, size_t n, float *out)
{
    float s = 0.0f;
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (size_t)gridDim.x * blockDim.x)
        for (int k = 0; k < r; k++)
            s += p.a[k][i];
    if (s == 12345.0f) // practically never: keeps the loads
        out[blockIdx.x] = s;
}

// Pass 2: ip arrays updated in place, rd read only, wr written only.
__global__ void probe_pass2(arrays p, int ip, int rd, int wr, size_t n)
{
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (size_t)gridDim.x * blockDim.x) {
        float s = 0.0f;
        for (int k = 0; k < rd; k++)
            s += p.a[ip + k][i];
        for (int k = 0; k < ip; k++)
            p.a[k][i] = p.a[k][i] * 0.5f + s;
        for (int k = 0; k < wr; k++)
            p.a[ip + rd + k][i] = s + (float)k;
    }
}

__global__ void fill(float *p, size_t n, float scale, unsigned salt)
{
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (size_t)gridDim.x * blockDim.x)
        p[i] = scale * ((float)((i * 7919u + salt) % 2001u) / 1000.0f - 1.0f);
}

static unsigned grid(size_t n)
{
    int sms = 0;
    cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0);
    const size_t want = (n + 255) / 256, cap = (size_t)sms * 16;
    return (unsigned)std::max<size_t>(1, std::min(want, cap));
}

static double time_probe(const variant &v, size_t n, int reps)
{
    const int arrays_needed =
        std::max(v.p1_reads, v.p2_inplace + v.p2_read + v.p2_write);
    arrays p;
    memset(&p, 0, sizeof p);
    for (int k = 0; k < arrays_needed; k++) {
        CK(cudaMalloc(&p.a[k], n * sizeof(float)));
        fill<<<grid(n), 256>>>(p.a[k], n, 1.0f, (unsigned)k);
    }
    float *out;
    CK(cudaMalloc(&out, 65536 * sizeof(float)));
    cudaEvent_t e0, e1;
    CK(cudaEventCreate(&e0));
    CK(cudaEventCreate(&e1));
    std::vector<double> t;
    for (int r = 0; r <= reps; r++) {
        CK(cudaEventRecord(e0));
        probe_pass1<<<grid(n), 256>>>(p, v.p1_reads, n, out);
        probe_pass2<<<grid(n), 256>>>(p, v.p2_inplace, v.p2_read, v.p2_write, n);
        CK(cudaEventRecord(e1));
        CK(cudaEventSynchronize(e1));
        float ms = 0;
        CK(cudaEventElapsedTime(&ms, e0, e1));
        if (r > 0)
            t.push_back(1e-3 * ms);
    }
    for (int k = 0; k < arrays_needed; k++)
        cudaFree(p.a[k]);
    cudaFree(out);
    cudaEventDestroy(e0);
    cudaEventDestroy(e1);
    return median(t);
}

static double now()
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static double time_step(const variant &v, size_t n, int reps)
{
    mada_config cfg;
    mada_config_preset(&cfg, v.preset);
    cfg.warmup = 0; // both passes from step 2 on
    mada_opt *o;
    const int rc = mada_create_cuda(&o, n, MADA_F32, &cfg, 0);
    if (rc != MADA_OK) {
        fprintf(stderr, "bench_cuda: mada_create_cuda: %s\n", mada_strerror(rc));
        exit(1);
    }
    float *x, *g;
    CK(cudaMalloc(&x, n * sizeof(float)));
    CK(cudaMalloc(&g, n * sizeof(float)));
    fill<<<grid(n), 256>>>(x, n, 1.0f, 1);
    fill<<<grid(n), 256>>>(g, n, 1e-3f, 2);
    CK(cudaDeviceSynchronize());
    std::vector<double> t;
    for (int r = -2; r < reps; r++) { // two warm-up steps: then both passes run
        const double t0 = now();
        if (mada_step_cuda(o, x, g, 1e-3, NULL) != MADA_OK) {
            fprintf(stderr, "bench_cuda: step failed: %s\n", mada_last_error(o));
            exit(1);
        }
        if (r >= 0)
            t.push_back(now() - t0);
    }
    mada_info info;
    mada_get_info(o, &info);
    if (strcmp(v.preset, "mada") == 0 && info.hyper_steps < (uint64_t)reps) {
        fprintf(stderr, "bench_cuda: mada did not run its hyper steps\n");
        exit(1);
    }
    cudaFree(x), cudaFree(g);
    mada_destroy(o);
    return median(t);
}

// torch.optim.Adam(fused=True) on one float32 CUDA tensor: median seconds
// per step, or -1 when python3 has no torch with CUDA.
static double time_torch(size_t n, int reps)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd,
             "python3 -c '\n"
             "import time, statistics, torch\n"
             "assert torch.cuda.is_available()\n"
             "p = torch.nn.Parameter(torch.rand(%zu, device=\"cuda\"))\n"
             "p.grad = torch.rand(%zu, device=\"cuda\") - 0.5\n"
             "opt = torch.optim.Adam([p], lr=1e-3, fused=True)\n"
             "t = []\n"
             "for r in range(%d + 2):\n"
             "    torch.cuda.synchronize(); t0 = time.perf_counter(); opt.step()\n"
             "    torch.cuda.synchronize(); t1 = time.perf_counter()\n"
             "    if r >= 2: t.append(t1 - t0)\n"
             "print(statistics.median(t))\n' 2>/dev/null",
             n, n, reps);
    FILE *f = popen(cmd, "r");
    if (!f)
        return -1;
    double s = -1;
    if (fscanf(f, "%lf", &s) != 1)
        s = -1;
    pclose(f);
    return s;
}

int main(int argc, char **argv)
{
    const char *csv_path = argc > 1 ? argv[1] : "build/gpu-check/bench_cuda.csv";
    const int reps = getenv("BENCH_REPS") ? atoi(getenv("BENCH_REPS")) : 7;
    if (reps < 1 || reps > 63) {
        fprintf(stderr, "bench_cuda: BENCH_REPS must be 1..63\n");
        return 2;
    }
    char why[300];
    if (mada_cuda_status(0, why, sizeof why) != MADA_OK) {
        fprintf(stderr, "bench_cuda: %s\n", why);
        return 3;
    }
    FILE *csv = fopen(csv_path, "w");
    if (!csv) {
        perror(csv_path);
        return 2;
    }
    printf("%s; binary32, median of %d repetitions; GB/s from the bytes per element of each "
           "variant (docs/BENCHMARKS.md)\n\n", why, reps);
    fprintf(csv, "variant,n,what,ns_per_elem,gelem_per_s,gb_per_s,pct_of_probe\n");
    printf("%-7s %10s  %-24s %9s %9s %8s %8s\n", "variant", "n", "what", "ns/elem", "Gelem/s",
           "GB/s", "% probe");
    char sizes[64];
    snprintf(sizes, sizeof sizes, "%s", getenv("BENCH_LOG2N") ? getenv("BENCH_LOG2N") : "26 28");
    for (char *tok = strtok(sizes, " ,"); tok; tok = strtok(NULL, " ,")) {
        const size_t n = (size_t)1 << atoi(tok);
        for (const variant &v : variants) {
            const double bpe = bytes_per_elem(v);
            const double tp = time_probe(v, n, reps);
            struct row {
                const char *what;
                double s, bytes;
            };
            std::vector<row> rows = {{"probe (same streams)", tp, bpe},
                                     {"mada_step_cuda", time_step(v, n, reps), bpe}};
            if (strcmp(v.name, "adam") == 0) {
                const double s = time_torch(n, reps);
                if (s > 0) // torch Adam moves its own bytes: 4 reads + 3 writes
                    rows.push_back({"torch Adam (fused)", s, 28.0});
                else
                    printf("%-7s %10zu  %-24s SKIPPED (python3 has no torch with CUDA)\n",
                           v.name, n, "torch Adam (fused)");
            }
            for (const row &r : rows) {
                const double ns = 1e9 * r.s / (double)n, ge = (double)n / r.s * 1e-9;
                const double gbs = r.bytes * (double)n / r.s * 1e-9, pct = 100.0 * tp / r.s;
                printf("%-7s %10zu  %-24s %9.4f %9.3f %8.1f %7.1f%%\n", v.name, n, r.what, ns, ge,
                       gbs, pct);
                fprintf(csv, "%s,%zu,%s,%.5f,%.4f,%.2f,%.1f\n", v.name, n, r.what, ns, ge, gbs,
                        pct);
            }
            fflush(stdout);
        }
    }
    fclose(csv);
    printf("\nCSV: %s\n", csv_path);
    return 0;
}
