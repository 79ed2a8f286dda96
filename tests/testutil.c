/* testutil.c -- see testutil.h. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

double rng_logmag(rng_t *r, int lo_exp, int hi_exp)
{
    const double mag = exp2(rng_range(r, lo_exp, hi_exp));
    return (rng_u64(r) & 1) ? -mag : mag;
}

void fill_random(void *buf, size_t n, mada_dtype d, rng_t *r, int lo_exp, int hi_exp,
                 double zero_p)
{
    for (size_t i = 0; i < n; i++) {
        double v = rng_unif(r) < zero_p ? 0.0 : rng_logmag(r, lo_exp, hi_exp);
        if (d == MADA_F32)
            ((float *)buf)[i] = (float)v;
        else
            ((double *)buf)[i] = v;
    }
}

/* Append len bytes at p to the snapshot being built. */
static void put(snapshot *s, const void *p, size_t len, size_t *cap)
{
    if (s->len + len > *cap) {
        *cap = 2 * (s->len + len) + 64;
        s->bytes = realloc(s->bytes, *cap);
        if (!s->bytes) {
            fprintf(stderr, "snapshot: out of memory\n");
            abort();
        }
    }
    memcpy(s->bytes + s->len, p, len);
    s->len += len;
}

/* Append one of o's arrays (n elements), from the device for a CUDA optimizer. */
static void put_array(snapshot *s, const mada_opt *o, const void *a, size_t *cap)
{
    const size_t bytes = o->n * o->esz;
    if (!o->cuda) {
        put(s, a, bytes, cap);
        return;
    }
    void *h = malloc(bytes);
    if (!h || mada_cuda_download(o->cuda, h, a, bytes) != MADA_OK) {
        fprintf(stderr, "snapshot: cannot copy a device array to the host\n");
        abort();
    }
    put(s, h, bytes, cap);
    free(h);
}

snapshot snap_take(const mada_opt *o)
{
    snapshot s = {NULL, 0};
    size_t cap = 0;
    put(&s, &o->n, sizeof o->n, &cap);
    put(&s, &o->dtype, sizeof o->dtype, &cap);
    put(&s, &o->cfg, sizeof o->cfg, &cap);
    put(&s, &o->t, sizeof o->t, &cap);
    put(&s, &o->lr_prev, sizeof o->lr_prev, &cap);
    put(&s, o->hb, sizeof o->hb, &cap);
    put(&s, o->hypergrad, sizeof o->hypergrad, &cap);
    put(&s, &o->hyper_steps, sizeof o->hyper_steps, &cap);
    put(&s, &o->skipped, sizeof o->skipped, &cap);
    put(&s, o->skipped_coef, sizeof o->skipped_coef, &cap);
    put(&s, &o->part_valid, sizeof o->part_valid, &cap);
    put(&s, &o->lean, sizeof o->lean, &cap);
    for (int k = 0; k < MADA_NARR; k++) {
        const unsigned char present = o->arr[k] != NULL;
        put(&s, &present, 1, &cap);
        if (present)
            put_array(&s, o, o->arr[k], &cap);
    }
    for (int k = 0; k < MADA_NCOEF; k++) {
        const unsigned char present = o->part[k] != NULL;
        put(&s, &present, 1, &cap);
        if (present)
            put_array(&s, o, o->part[k], &cap);
    }
    return s;
}

int snap_equal(const snapshot *s, const mada_opt *opt)
{
    snapshot now = snap_take(opt);
    const int eq = now.len == s->len && memcmp(now.bytes, s->bytes, s->len) == 0;
    snap_free(&now);
    return eq;
}

void snap_free(snapshot *s)
{
    free(s->bytes);
    s->bytes = NULL;
    s->len = 0;
}

mada_opt *make_opt(const char *preset, size_t n, mada_dtype d)
{
    mada_config cfg;
    mada_opt *opt = NULL;
    CU_ASSERT_FATAL(mada_config_preset(&cfg, preset) == MADA_OK);
    CU_ASSERT_FATAL(mada_create(&opt, n, d, &cfg) == MADA_OK);
    return opt;
}

static CU_pSuite add_suite_of(const char *name, const test_entry *tests);

void add_suite(const char *name, const test_entry *tests)
{
    add_suite_of(name, tests);
}

/* The suites left inactive: name, test count and reason, for skipped_report(). */
#define MAX_SKIPPED 8
static struct {
    char name[160], why[200];
    unsigned tests;
} skipped[MAX_SKIPPED];
static unsigned nskipped;

void add_suite_gpu(const char *name, const test_entry *tests, int available, const char *why)
{
    CU_pSuite s = add_suite_of(name, tests);
    if (available)
        return;
    /* Inactive: CUnit neither runs nor counts its tests (the registry is
     * told not to count inactive tests as failures); reported as SKIPPED. */
    CU_set_suite_active(s, CU_FALSE);
    if (nskipped < MAX_SKIPPED) {
        snprintf(skipped[nskipped].name, sizeof skipped[nskipped].name, "%s", name);
        snprintf(skipped[nskipped].why, sizeof skipped[nskipped].why, "%s", why);
        for (const test_entry *t = tests; t->name; t++)
            skipped[nskipped].tests++;
        nskipped++;
    }
}

unsigned skipped_report(const char *filter)
{
    unsigned n = 0;
    for (unsigned k = 0; k < nskipped; k++) {
        if (filter && !strstr(skipped[k].name, filter))
            continue;
        printf("SKIPPED: suite \"%s\" (%u tests, not run, not counted as passed): %s\n",
               skipped[k].name, skipped[k].tests, skipped[k].why);
        n += skipped[k].tests;
    }
    return n;
}

static CU_pSuite add_suite_of(const char *name, const test_entry *tests)
{
    CU_pSuite s = CU_add_suite(name, NULL, NULL);
    if (!s) {
        fprintf(stderr, "CUnit: cannot add suite %s\n", name);
        exit(2);
    }
    for (const test_entry *t = tests; t->name; t++)
        if (!CU_add_test(s, t->name, t->fn)) {
            fprintf(stderr, "CUnit: cannot add test %s\n", t->name);
            exit(2);
        }
    return s;
}

/* ---- Files ---------------------------------------------------------------------- */
void make_dir(char dir[32])
{
    strcpy(dir, "/tmp/mada-test-XXXXXX");
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
}

void path_in(char *out, size_t cap, const char *dir, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

/* Remove dir and everything in it (files and directories, recursively). */
void rm_tree(const char *dir)
{
    DIR *dp = opendir(dir);
    if (dp) {
        struct dirent *e;
        while ((e = readdir(dp)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            const size_t cap = strlen(dir) + strlen(e->d_name) + 2;
            char *p = malloc(cap);
            CU_ASSERT_FATAL(p != NULL);
            path_in(p, cap, dir, e->d_name);
            if (unlink(p) != 0)
                rm_tree(p);
            free(p);
        }
        closedir(dp);
    }
    CU_ASSERT(rmdir(dir) == 0);
}

/* 1 if dir holds exactly the count entries names (besides . and ..). */
int dir_is(const char *dir, const char *const *names, int count)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return 0;
    int seen = 0, ok = 1;
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        int known = 0;
        for (int i = 0; i < count; i++)
            known |= strcmp(e->d_name, names[i]) == 0;
        if (!known || strstr(e->d_name, ".mada-save-") != NULL)
            ok = 0;
        seen++;
    }
    closedir(dp);
    return ok && seen == count;
}

/* The whole file, malloc'd; *len its length.  NULL if unreadable. */
unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    unsigned char *b = malloc(cap);
    size_t r;
    while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            unsigned char *nb = realloc(b, cap *= 2);
            if (!nb)
                free(b);
            b = nb;
        }
    }
    fclose(f);
    *len = n;
    return b;
}

void spit(const char *path, const void *p, size_t len)
{
    FILE *f = fopen(path, "wb");
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT(len == 0 || fwrite(p, 1, len, f) == len);
    CU_ASSERT(fclose(f) == 0);
}

void put_le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

void put_le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* Recompute the CRC-64 trailer of a whole file image. */
void fix_crc(unsigned char *b, size_t len)
{
    put_le64(b + len - 8, mada_crc64(0, b, len - 8));
}
