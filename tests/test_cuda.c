/*
 * test_cuda.c -- the CUDA API (issue 11): what holds on every machine (a
 * clear MADA_E_BACKEND with the CUDA text where no device is usable, never a
 * crash; a CPU optimizer and a CUDA one never mixed), and, in a suite that
 * is inactive (SKIPPED, with the reason) without a usable device, what needs
 * one: host pointers refused, bad input refused with its index and nothing
 * changed, save and load through the same file format as the CPU's.
 *
 * The differential comparison of the kernels is test_fast.c's ("cuda" on the
 * device, "cuda-emul" on the host).
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

static int have_device(void)
{
    return mada_cuda_status(0, NULL, 0) == MADA_OK;
}

/* ---- Every machine ------------------------------------------------------------ */

/* mada_cuda_status: a terminated text that names CUDA, whatever the answer. */
static void test_status_text(void)
{
    char buf[300];
    memset(buf, 'x', sizeof buf);
    const int rc = mada_cuda_status(0, buf, sizeof buf);
    CU_ASSERT(rc == MADA_OK || rc == MADA_E_BACKEND);
    CU_ASSERT(memchr(buf, '\0', sizeof buf) != NULL);
    CU_ASSERT(strncmp(buf, "CUDA", 4) == 0);
    printf("\n    device 0: %s", buf);
    CU_ASSERT(mada_cuda_status(0, NULL, 0) == rc);
    /* A short buffer: truncated and terminated. */
    char small[8];
    memset(small, 'x', sizeof small);
    mada_cuda_status(0, small, sizeof small);
    CU_ASSERT(small[7] == '\0' && strlen(small) == 7);
    /* Devices that cannot exist. */
    CU_ASSERT(mada_cuda_status(-1, buf, sizeof buf) == MADA_E_BACKEND);
    CU_ASSERT(strncmp(buf, "CUDA", 4) == 0);
    CU_ASSERT(mada_cuda_status(1 << 20, buf, sizeof buf) == MADA_E_BACKEND);
    CU_ASSERT(mada_backend_available(MADA_BACKEND_CUDA) == (rc == MADA_OK));
}

/* mada_create_cuda: its argument errors first, then MADA_E_BACKEND without a
 * device; *out untouched on every error. */
static void test_create_errors(void)
{
    mada_config cfg;
    CU_ASSERT_FATAL(mada_config_preset(&cfg, "adam") == MADA_OK);
    mada_opt *const sentinel = (mada_opt *)&cfg;
    mada_opt *o = sentinel;
    CU_ASSERT(mada_create_cuda(NULL, 10, MADA_F32, &cfg, 0) == MADA_E_NULL);
    CU_ASSERT(mada_create_cuda(&o, 10, MADA_F32, NULL, 0) == MADA_E_NULL);
    CU_ASSERT(mada_create_cuda(&o, 10, MADA_F32, &cfg, -1) == MADA_E_BACKEND);
    CU_ASSERT(mada_create_cuda(&o, 10, MADA_F32, &cfg, 1 << 20) == MADA_E_BACKEND);
    CU_ASSERT(mada_create_cuda(&o, 10, (mada_dtype)7, &cfg, 0) == MADA_E_DTYPE);
    CU_ASSERT(mada_create_cuda(&o, 0, MADA_F32, &cfg, 0) == MADA_E_SIZE);
    mada_config bad = cfg;
    bad.eps = -1.0;
    CU_ASSERT(mada_create_cuda(&o, 10, MADA_F32, &bad, 0) == MADA_E_CONFIG);
    CU_ASSERT(o == sentinel);
    if (!have_device()) {
        CU_ASSERT(mada_create_cuda(&o, 10, MADA_F32, &cfg, 0) == MADA_E_BACKEND);
        CU_ASSERT(o == sentinel);
    }
}

/* A CPU optimizer: mada_step_cuda refused with a sentence, nothing changed;
 * it cannot move to CUDA. */
static void test_cpu_optimizer_refuses(void)
{
    mada_opt *o = make_opt("adam", 64, MADA_F32);
    float x[64], g[64];
    for (int i = 0; i < 64; i++)
        x[i] = 1.0f, g[i] = 0.5f;
    CU_ASSERT(mada_step(o, x, g, 1e-3) == MADA_OK);
    snapshot s = snap_take(o);
    CU_ASSERT(mada_step_cuda(o, x, g, 1e-3, NULL) == MADA_E_BACKEND);
    CU_ASSERT(strstr(mada_last_error(o), "mada_create_cuda") != NULL);
    CU_ASSERT(snap_equal(&s, o));
    CU_ASSERT(mada_set_backend(o, MADA_BACKEND_CUDA) == MADA_E_BACKEND);
    CU_ASSERT(strstr(mada_last_error(o), "mada_create_cuda") != NULL);
    CU_ASSERT(snap_equal(&s, o));
    CU_ASSERT(mada_step_cuda(NULL, x, g, 1e-3, NULL) == MADA_E_NULL);
    CU_ASSERT(mada_project_cuda(o, x, -1.0, 1.0, NULL) == MADA_E_BACKEND);
    CU_ASSERT(strstr(mada_last_error(o), "mada_create_cuda") != NULL);
    CU_ASSERT(mada_project_cuda(NULL, x, -1.0, 1.0, NULL) == MADA_E_NULL);
    CU_ASSERT(snap_equal(&s, o));
    snap_free(&s);
    mada_destroy(o);
}

/* ---- With a device ------------------------------------------------------------ */

/* A CUDA optimizer of n binary32 elements with device buffers x, g. */
typedef struct {
    mada_opt *o;
    float *hx, *hg;
    void *dx, *dg;
    size_t n;
} dev_opt;

static void dev_open(dev_opt *d, const char *preset, size_t n)
{
    mada_config cfg;
    CU_ASSERT_FATAL(mada_config_preset(&cfg, preset) == MADA_OK);
    cfg.warmup = 0;
    d->n = n;
    CU_ASSERT_FATAL(mada_create_cuda(&d->o, n, MADA_F32, &cfg, 0) == MADA_OK);
    d->hx = malloc(n * sizeof(float));
    d->hg = malloc(n * sizeof(float));
    CU_ASSERT_FATAL(d->hx && d->hg);
    for (size_t i = 0; i < n; i++) {
        d->hx[i] = 1.0f + (float)i / (float)n;
        d->hg[i] = (float)sin((double)i) * 0.25f;
    }
    CU_ASSERT_FATAL(mada_cuda_alloc(d->o->cuda, &d->dx, n * sizeof(float)) == MADA_OK);
    CU_ASSERT_FATAL(mada_cuda_alloc(d->o->cuda, &d->dg, n * sizeof(float)) == MADA_OK);
    CU_ASSERT_FATAL(mada_cuda_upload(d->o->cuda, d->dx, d->hx, n * sizeof(float)) == MADA_OK);
    CU_ASSERT_FATAL(mada_cuda_upload(d->o->cuda, d->dg, d->hg, n * sizeof(float)) == MADA_OK);
}

static void dev_close(dev_opt *d)
{
    mada_cuda_free(d->dx);
    mada_cuda_free(d->dg);
    free(d->hx);
    free(d->hg);
    mada_destroy(d->o);
}

static void test_info_and_cpu_step_refused(void)
{
    dev_opt d;
    dev_open(&d, "mada", 1000);
    mada_info info;
    CU_ASSERT(mada_get_info(d.o, &info) == MADA_OK);
    CU_ASSERT(info.backend == MADA_BACKEND_CUDA);
    CU_ASSERT(mada_step(d.o, d.hx, d.hg, 1e-3) == MADA_E_BACKEND);
    CU_ASSERT(strstr(mada_last_error(d.o), "mada_step_cuda") != NULL);
    CU_ASSERT(mada_set_backend(d.o, MADA_BACKEND_AVX2) == MADA_E_BACKEND);
    CU_ASSERT(mada_step_cuda(d.o, d.dx, d.dg, 1e-3, NULL) == MADA_OK);
    CU_ASSERT(mada_get_info(d.o, &info) == MADA_OK && info.t == 1);
    CU_ASSERT(mada_project(d.o, d.hx, -1.0, 1.0) == MADA_E_BACKEND);
    CU_ASSERT(strstr(mada_last_error(d.o), "mada_project_cuda") != NULL);
    CU_ASSERT(mada_project_cuda(d.o, d.hx, -1.0, 1.0, NULL) == MADA_E_BACKEND);
    CU_ASSERT(mada_project_cuda(d.o, d.dx, 0.0, 1.25, NULL) == MADA_OK);
    CU_ASSERT(mada_cuda_download(d.o->cuda, d.hx, d.dx, d.n * sizeof(float)) == MADA_OK);
    int in = 1;
    for (size_t i = 0; i < d.n; i++)
        in &= d.hx[i] >= 0.0f && d.hx[i] <= 1.25f;
    CU_ASSERT(in);
    dev_close(&d);
}

/* Host memory given for x or g: refused before anything runs; the device
 * stays usable. */
static void test_host_pointers_refused(void)
{
    dev_opt d;
    dev_open(&d, "adam", 4096);
    CU_ASSERT(mada_step_cuda(d.o, d.dx, d.dg, 1e-3, NULL) == MADA_OK);
    snapshot s = snap_take(d.o);
    CU_ASSERT(mada_step_cuda(d.o, d.hx, d.dg, 1e-3, NULL) == MADA_E_BACKEND);
    CU_ASSERT(strstr(mada_last_error(d.o), "host memory") != NULL);
    CU_ASSERT(mada_step_cuda(d.o, d.dx, d.hg, 1e-3, NULL) == MADA_E_BACKEND);
    CU_ASSERT(strstr(mada_last_error(d.o), "g (") != NULL);
    CU_ASSERT(snap_equal(&s, d.o));
    CU_ASSERT(mada_step_cuda(d.o, d.dx, d.dg, 1e-3, NULL) == MADA_OK);
    snap_free(&s);
    dev_close(&d);
}

/* A bad gradient element on the device: its index and value named, nothing
 * changed (parameters and state). */
static void test_bad_gradient_on_device(void)
{
    dev_opt d;
    dev_open(&d, "mada", 10000);
    CU_ASSERT(mada_step_cuda(d.o, d.dx, d.dg, 1e-3, NULL) == MADA_OK);
    snapshot s = snap_take(d.o);
    float *before = malloc(d.n * sizeof(float)), *after = malloc(d.n * sizeof(float));
    CU_ASSERT_FATAL(before && after);
    CU_ASSERT(mada_cuda_download(d.o->cuda, before, d.dx, d.n * sizeof(float)) == MADA_OK);
    const float bad = NAN;
    CU_ASSERT(mada_cuda_upload(d.o->cuda, (float *)d.dg + 7777, &bad, sizeof bad) == MADA_OK);
    CU_ASSERT(mada_cuda_upload(d.o->cuda, (float *)d.dg + 9999, &bad, sizeof bad) == MADA_OK);
    CU_ASSERT(mada_step_cuda(d.o, d.dx, d.dg, 1e-3, NULL) == MADA_E_GRAD);
    CU_ASSERT(mada_last_error_index(d.o) == 7777);
    CU_ASSERT(strstr(mada_last_error(d.o), "7777") != NULL);
    CU_ASSERT(strstr(mada_last_error(d.o), "NaN") != NULL);
    CU_ASSERT(mada_cuda_download(d.o->cuda, after, d.dx, d.n * sizeof(float)) == MADA_OK);
    CU_ASSERT(memcmp(before, after, d.n * sizeof(float)) == 0);
    CU_ASSERT(snap_equal(&s, d.o));
    /* A non-finite parameter in a projection: refused on the device, its
     * index named, nothing changed. */
    const float inf = INFINITY;
    CU_ASSERT(mada_cuda_upload(d.o->cuda, (float *)d.dx + 4321, &inf, sizeof inf) == MADA_OK);
    CU_ASSERT(mada_cuda_upload(d.o->cuda, (float *)d.dx + 8000, &bad, sizeof bad) == MADA_OK);
    CU_ASSERT(mada_cuda_download(d.o->cuda, before, d.dx, d.n * sizeof(float)) == MADA_OK);
    CU_ASSERT(mada_project_cuda(d.o, d.dx, -1.0, 1.0, NULL) == MADA_E_PARAM);
    CU_ASSERT(mada_last_error_index(d.o) == 4321);
    CU_ASSERT(strstr(mada_last_error(d.o), "infinite") != NULL);
    CU_ASSERT(mada_cuda_download(d.o->cuda, after, d.dx, d.n * sizeof(float)) == MADA_OK);
    CU_ASSERT(memcmp(before, after, d.n * sizeof(float)) == 0);
    CU_ASSERT(snap_equal(&s, d.o));
    free(before), free(after);
    snap_free(&s);
    dev_close(&d);
}

static int same_file(const char *a, const char *b)
{
    size_t la = 0, lb = 0;
    unsigned char *pa = slurp(a, &la), *pb = slurp(b, &lb);
    const int same = pa && pb && la == lb && memcmp(pa, pb, la) == 0;
    free(pa), free(pb);
    return same;
}

/* The same steps on the GPU and on the CPU reference give byte-identical
 * state files; a file loads into either and both go on identically. */
static void test_save_load_same_format(void)
{
    const size_t n = 9000;
    dev_opt d;
    dev_open(&d, "mada", n);
    mada_config cfg = d.o->cfg;
    mada_opt *c = NULL;
    CU_ASSERT_FATAL(mada_create(&c, n, MADA_F32, &cfg) == MADA_OK);
    CU_ASSERT_FATAL(mada_set_backend(c, MADA_BACKEND_REF) == MADA_OK);
    float *cx = malloc(n * sizeof(float));
    CU_ASSERT_FATAL(cx != NULL);
    memcpy(cx, d.hx, n * sizeof(float));
    for (int t = 0; t < 20; t++) {
        for (size_t i = 0; i < n; i++)
            d.hg[i] = (float)sin((double)(i * 7 + (size_t)t)) * 0.1f;
        CU_ASSERT(mada_cuda_upload(d.o->cuda, d.dg, d.hg, n * sizeof(float)) == MADA_OK);
        CU_ASSERT(mada_step_cuda(d.o, d.dx, d.dg, 1e-3, NULL) == MADA_OK);
        CU_ASSERT(mada_step(c, cx, d.hg, 1e-3) == MADA_OK);
    }
    char dir[] = "/tmp/mada-cuda-XXXXXX";
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    char pg[64], pc[64];
    snprintf(pg, sizeof pg, "%s/gpu.mada", dir);
    snprintf(pc, sizeof pc, "%s/cpu.mada", dir);
    CU_ASSERT(mada_save(d.o, pg) == MADA_OK);
    CU_ASSERT(mada_save(c, pc) == MADA_OK);
    CU_ASSERT(same_file(pg, pc));
    /* Cross-load: the CPU file into the GPU optimizer and back. */
    CU_ASSERT(mada_load(d.o, pc) == MADA_OK);
    CU_ASSERT(mada_load(c, pg) == MADA_OK);
    CU_ASSERT(mada_cuda_download(d.o->cuda, d.hx, d.dx, n * sizeof(float)) == MADA_OK);
    CU_ASSERT(memcmp(d.hx, cx, n * sizeof(float)) == 0);
    CU_ASSERT(mada_step_cuda(d.o, d.dx, d.dg, 1e-3, NULL) == MADA_OK);
    CU_ASSERT(mada_step(c, cx, d.hg, 1e-3) == MADA_OK);
    CU_ASSERT(mada_save(d.o, pg) == MADA_OK);
    CU_ASSERT(mada_save(c, pc) == MADA_OK);
    CU_ASSERT(same_file(pg, pc));
    unlink(pg), unlink(pc), rmdir(dir);
    free(cx);
    mada_destroy(c);
    dev_close(&d);
}

void register_cuda_suite(void)
{
    static const test_entry tests[] = {
        {"mada_cuda_status: the device or the reason, always a terminated text",
         test_status_text},
        {"mada_create_cuda: argument errors, MADA_E_BACKEND without a device",
         test_create_errors},
        {"a CPU optimizer: mada_step_cuda and a move to CUDA refused, nothing changed",
         test_cpu_optimizer_refuses},
        {NULL, NULL},
    };
    add_suite("CUDA API without a device", tests);
    static const test_entry gpu[] = {
        {"info says cuda; mada_step and a move refused", test_info_and_cpu_step_refused},
        {"host pointers refused before anything runs", test_host_pointers_refused},
        {"a bad gradient on the device: first index named, nothing changed",
         test_bad_gradient_on_device},
        {"save and load: byte-identical files to the CPU's, cross-loaded", test_save_load_same_format},
        {NULL, NULL},
    };
    char why[200];
    add_suite_gpu("CUDA device 0: API, errors, save and load", gpu, mada_cuda_status(0, why, sizeof why) == MADA_OK,
                  why);
}
