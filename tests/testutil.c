/* testutil.c -- see testutil.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

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
    for (int k = 0; k < MADA_NARR; k++)
        put(&s, o->arr[k], o->n * o->esz, &cap);
    for (int k = 0; k < MADA_NCOEF; k++) {
        const unsigned char present = o->part[k] != NULL;
        put(&s, &present, 1, &cap);
        if (present)
            put(&s, o->part[k], o->n * o->esz, &cap);
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

void add_suite(const char *name, const test_entry *tests)
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
}
