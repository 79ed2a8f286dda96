/*
 * bench.c -- make bench: the step of each backend against a bandwidth probe
 * with the same streams, and against PyTorch's Adam when it is installed
 * (issue 10).
 *
 * For each variant (adam lean, avgrad lean, mada with all six coefficients
 * learning, after the warm-up so that both passes run), binary32, n = 2^24
 * and 2^26, 1 and 2 threads, the median over at least 7 repetitions of:
 *   - the probe: the same numbers of read and write streams as the variant's
 *     two passes (pass 1 reads; pass 2 updates some arrays in place, reads
 *     others, writes others), with trivial arithmetic: the physical limit of
 *     the variant on this machine, measured in this process;
 *   - mada_step() on the reference, AVX2 and AVX-512 backends;
 *   - torch.optim.Adam (foreach) on one tensor of n elements in Adam mode,
 *     through /usr/bin/python3 when it imports torch (the row is skipped
 *     otherwise).
 * Columns: ns per element, elements per second, effective GB/s from the
 * bytes the variant moves (docs/BENCHMARKS.md lists them), and the
 * percentage of the probe.  The table goes to stdout, and as CSV to the file
 * named by the first argument (default build/bench/bench.csv).
 *
 * Environment: BENCH_REPS (default 7), BENCH_LOG2N (a list, default "24 26").
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mada.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int k)
{
    qsort(v, (size_t)k, sizeof *v, cmp_double);
    return k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
}

/* ---- The variants ------------------------------------------------------------ */
typedef struct {
    const char *name;
    const char *preset;
    /* Streams of pass 1 (reads) and pass 2 (in place, read only, write only). */
    int p1_reads, p2_inplace, p2_read, p2_write;
} variant;

/* Binary32 bytes per element = 4 * (p1_reads + 2 * p2_inplace + p2_read + p2_write). */
static const variant variants[] = {
    /* adam, lean: pass 1 reads g, x; pass 2 updates x, m, v and reads g. */
    {"adam", "adam", 2, 3, 1, 0},
    /* avgrad, lean: pass 2 updates x, m, v, vbar. */
    {"avgrad", "avgrad", 2, 4, 1, 0},
    /* mada, all six learning: pass 1 reads g, x and the six partials; pass 2
     * updates x, gp, m, v, vbar, n, l, reads g, writes the six partials. */
    {"mada", "mada", 8, 7, 1, 6},
};
#define NVAR (sizeof variants / sizeof variants[0])

static double bytes_per_elem(const variant *v)
{
    return 4.0 * (v->p1_reads + 2 * v->p2_inplace + v->p2_read + v->p2_write);
}

/* ---- The probe --------------------------------------------------------------- */
typedef struct {
    float *a[16]; /* pass 1 reads, then pass 2's arrays */
    size_t n;
} probe_mem;

static float probe_sink;

/* Pass 1: r streams read and summed (the checks and reductions read as
 * much). */
static void probe_pass1(const probe_mem *pm, int r, int threads)
{
    float total = 0;
#pragma omp parallel for num_threads(threads) schedule(static) reduction(+ : total)
    for (size_t c = 0; c < pm->n; c += 32768) {
        const size_t e = pm->n - c < 32768 ? pm->n : c + 32768;
        float s = 0;
        for (int k = 0; k < r; k++) {
            const float *restrict p = pm->a[k];
#pragma omp simd reduction(+ : s)
            for (size_t i = c; i < e; i++)
                s += p[i];
        }
        total += s;
    }
    probe_sink += total;
}

/* Pass 2 on elements [c, e): ip arrays updated in place, rd read only, wr
 * written only.  Always inlined with constant counts (probe_pass2 below), so
 * that the stream loops unroll and the element loop vectorises like the
 * kernels': a probe in scalar code would be a limit the kernels beat. */
static inline __attribute__((always_inline)) void
probe_chunk2(float *const *a, size_t c, size_t e, const int ip, const int rd, const int wr)
{
#pragma omp simd
    for (size_t i = c; i < e; i++) {
        float s = 0;
        for (int k = 0; k < rd; k++)
            s += a[ip + k][i];
        for (int k = 0; k < ip; k++)
            a[k][i] = a[k][i] * 0.5f + s;
        for (int k = 0; k < wr; k++)
            a[ip + rd + k][i] = s + (float)k;
    }
}

#define PROBE_PASS2_CASE(IP, RD, WR)                                                         \
    if (ip == (IP) && rd == (RD) && wr == (WR)) {                                            \
        _Pragma("omp parallel for num_threads(threads) schedule(static)")                    \
        for (size_t c = 0; c < pm->n; c += 32768)                                            \
            probe_chunk2(pm->a, c, pm->n - c < 32768 ? pm->n : c + 32768, IP, RD, WR);       \
        return;                                                                              \
    }

/* Pass 2 with the stream counts of one of the variants (the table below). */
static void probe_pass2(const probe_mem *pm, int ip, int rd, int wr, int threads)
{
    PROBE_PASS2_CASE(3, 1, 0) /* adam   */
    PROBE_PASS2_CASE(4, 1, 0) /* avgrad */
    PROBE_PASS2_CASE(7, 1, 6) /* mada   */
    fprintf(stderr, "bench: no probe for %d in-place, %d read, %d written streams\n", ip, rd, wr);
    exit(1);
}

static double time_probe(const variant *v, size_t n, int threads, int reps)
{
    const int arrays = v->p2_inplace + v->p2_read + v->p2_write;
    const int need = arrays > v->p1_reads ? arrays : v->p1_reads;
    probe_mem pm = {{NULL}, n};
    for (int k = 0; k < need; k++) {
        pm.a[k] = aligned_alloc(64, n * sizeof(float));
        if (!pm.a[k]) {
            fprintf(stderr, "bench: out of memory for the probe\n");
            exit(1);
        }
#pragma omp parallel for num_threads(threads) schedule(static)
        for (size_t i = 0; i < n; i++) /* first touch by the threads that use it */
            pm.a[k][i] = 1.0f / (float)(1 + (i + (size_t)k) % 1000);
    }
    double t[64];
    for (int r = 0; r <= reps; r++) {
        const double t0 = now();
        probe_pass1(&pm, v->p1_reads, threads);
        probe_pass2(&pm, v->p2_inplace, v->p2_read, v->p2_write, threads);
        if (r > 0) /* the first is a warm-up */
            t[r - 1] = now() - t0;
    }
    for (int k = 0; k < need; k++)
        free(pm.a[k]);
    return median(t, reps);
}

/* ---- The library --------------------------------------------------------------- */
/* Seconds per step (median), or -1 if the backend is not available. */
static double time_step(const variant *v, mada_backend be, size_t n, int threads, int reps)
{
    if (!mada_backend_available(be))
        return -1;
    mada_config cfg;
    mada_config_preset(&cfg, v->preset);
    cfg.warmup = 0; /* both passes from step 2 on */
    mada_opt *o;
    if (mada_create(&o, n, MADA_F32, &cfg) != MADA_OK || mada_set_backend(o, be) != MADA_OK ||
        mada_set_threads(o, threads) != MADA_OK) {
        fprintf(stderr, "bench: cannot create %s on %s\n", v->preset, mada_backend_name(be));
        exit(1);
    }
    float *x = aligned_alloc(64, n * sizeof(float)), *g = aligned_alloc(64, n * sizeof(float));
    if (!x || !g) {
        fprintf(stderr, "bench: out of memory\n");
        exit(1);
    }
#pragma omp parallel for num_threads(threads) schedule(static)
    for (size_t i = 0; i < n; i++) {
        x[i] = 0.01f * (float)(i % 1000);
        g[i] = 1e-3f * (float)((i * 7919) % 2001) - 1.0f;
    }
    double t[64];
    /* Two warm-up steps (the first stores the partials, the second runs the
     * hyper step: both passes from then on). */
    for (int r = -2; r < reps; r++) {
        const double t0 = now();
        if (mada_step(o, x, g, 1e-3) != MADA_OK) {
            fprintf(stderr, "bench: step failed: %s\n", mada_last_error(o));
            exit(1);
        }
        if (r >= 0)
            t[r] = now() - t0;
    }
    mada_info info;
    mada_get_info(o, &info);
    if (strcmp(v->preset, "mada") == 0 && info.hyper_steps < (uint64_t)reps) {
        fprintf(stderr, "bench: mada did not run its hyper steps\n");
        exit(1);
    }
    free(x), free(g);
    mada_destroy(o);
    return median(t, reps);
}

/* torch.optim.Adam(foreach=True) on one float32 tensor of n elements, median
 * seconds per step; -1 when /usr/bin/python3 has no torch. */
static double time_torch(size_t n, int threads, int reps)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c '\n"
             "import time, statistics\n"
             "import torch\n"
             "torch.set_num_threads(%d)\n"
             "p = torch.nn.Parameter(torch.rand(%zu))\n"
             "p.grad = torch.rand(%zu) - 0.5\n"
             "opt = torch.optim.Adam([p], lr=1e-3, foreach=True)\n"
             "t = []\n"
             "for r in range(%d + 2):\n"
             "    t0 = time.perf_counter(); opt.step(); t1 = time.perf_counter()\n"
             "    if r >= 2: t.append(t1 - t0)\n"
             "print(statistics.median(t))\n' 2>/dev/null",
             threads, n, n, reps);
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
    const char *csv_path = argc > 1 ? argv[1] : "build/bench/bench.csv";
    const int reps = getenv("BENCH_REPS") ? atoi(getenv("BENCH_REPS")) : 7;
    if (reps < 1 || reps > 63) {
        fprintf(stderr, "bench: BENCH_REPS must be 1..63\n");
        return 2;
    }
    const char *sizes = getenv("BENCH_LOG2N") ? getenv("BENCH_LOG2N") : "24 26";
    FILE *csv = fopen(csv_path, "w");
    if (!csv) {
        perror(csv_path);
        return 2;
    }
    fprintf(csv, "variant,n,threads,what,ns_per_elem,gelem_per_s,gb_per_s,pct_of_probe\n");
    printf("binary32, median of %d repetitions; GB/s from the bytes per element of each "
           "variant (docs/BENCHMARKS.md)\n\n", reps);
    printf("%-7s %9s %3s  %-24s %9s %9s %8s %8s\n", "variant", "n", "thr", "what",
           "ns/elem", "Gelem/s", "GB/s", "% probe");
    static const mada_backend backends[] = {MADA_BACKEND_REF, MADA_BACKEND_AVX2,
                                            MADA_BACKEND_AVX512};
    char buf[64];
    strncpy(buf, sizes, sizeof buf - 1);
    buf[sizeof buf - 1] = '\0';
    for (char *tok = strtok(buf, " ,"); tok; tok = strtok(NULL, " ,")) {
        const size_t n = (size_t)1 << atoi(tok);
        for (int threads = 1; threads <= 2; threads++) {
            for (size_t vi = 0; vi < NVAR; vi++) {
                const variant *v = &variants[vi];
                const double bpe = bytes_per_elem(v);
                const double tp = time_probe(v, n, threads, reps);
                struct {
                    const char *what;
                    double s;
                } rows[8];
                int nr = 0;
                rows[nr].what = "probe (same streams)";
                rows[nr++].s = tp;
                for (size_t b = 0; b < 3; b++) {
                    if (backends[b] == MADA_BACKEND_REF && threads > 1)
                        continue; /* the reference runs on one thread */
                    const double s = time_step(v, backends[b], n, threads, reps);
                    if (s < 0) {
                        printf("%-7s %9zu %3d  %-24s SKIPPED (not available here)\n", v->name, n,
                               threads, mada_backend_name(backends[b]));
                        continue;
                    }
                    rows[nr].what = mada_backend_name(backends[b]);
                    rows[nr++].s = s;
                }
                if (strcmp(v->name, "adam") == 0) {
                    const double s = time_torch(n, threads, reps);
                    if (s > 0) {
                        rows[nr].what = "torch Adam (foreach)";
                        rows[nr++].s = s;
                    } else {
                        printf("%-7s %9zu %3d  %-24s SKIPPED (/usr/bin/python3 has no torch)\n",
                               v->name, n, threads, "torch Adam (foreach)");
                    }
                }
                for (int r = 0; r < nr; r++) {
                    const double ns = 1e9 * rows[r].s / (double)n;
                    const double ge = (double)n / rows[r].s * 1e-9;
                    /* torch Adam moves its own bytes: 4 reads + 3 writes. */
                    const double b = strncmp(rows[r].what, "torch", 5) == 0 ? 28.0 : bpe;
                    const double gbs = b * (double)n / rows[r].s * 1e-9;
                    const double pct = 100.0 * tp / rows[r].s;
                    printf("%-7s %9zu %3d  %-24s %9.3f %9.3f %8.1f %7.1f%%\n", v->name, n,
                           threads, rows[r].what, ns, ge, gbs, pct);
                    fprintf(csv, "%s,%zu,%d,%s,%.4f,%.4f,%.2f,%.1f\n", v->name, n, threads,
                            rows[r].what, ns, ge, gbs, pct);
                }
                fflush(stdout);
            }
        }
    }
    fclose(csv);
    printf("\nCSV: %s\n", csv_path);
    return 0;
}
