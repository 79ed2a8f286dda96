/*
 * gen_legacy.c -- wrote tests/data/legacy/ with the library of commit
 * 3b68b45 (state file format version 1, every optimizer full), for
 * tests/test_lean.c: for each case of tests/legacy_run.h
 *   NAME.before.mada   state after steps_before steps (format version 1)
 *   NAME.before.x      the parameters then (raw, little-endian)
 *   NAME.after.mada    state after steps_before + steps_after steps
 *   NAME.after.x       the parameters then
 * Run once (it is kept to document how the files were made):
 *   gcc -std=c11 -Iinclude -Itests tests/data/gen_legacy.c build/libmada.a -lm \
 *       -o /tmp/gen && /tmp/gen tests/data/legacy
 */
#include <stdio.h>
#include <stdlib.h>

#include "legacy_run.h"

static int write_raw(const char *path, const void *p, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, len, f) != len) {
        perror(path);
        return 1;
    }
    return fclose(f) != 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    char path[4096];
    for (size_t k = 0; k < LEGACY_NCASES; k++) {
        const legacy_case *c = &legacy_cases[k];
        mada_config cfg;
        mada_opt *o;
        if (legacy_config(c, &cfg) || mada_create(&o, c->n, c->dtype, &cfg) != MADA_OK)
            return 1;
        const size_t bytes = c->n * (c->dtype == MADA_F32 ? 4 : 8);
        void *x = calloc(1, bytes), *g = calloc(1, bytes);
        if (legacy_steps(o, c, x, g, 0, c->steps_before))
            return 1;
        snprintf(path, sizeof path, "%s/%s.before.mada", argv[1], c->name);
        if (mada_save(o, path) != MADA_OK)
            return 1;
        snprintf(path, sizeof path, "%s/%s.before.x", argv[1], c->name);
        if (write_raw(path, x, bytes))
            return 1;
        if (legacy_steps(o, c, x, g, c->steps_before, c->steps_after))
            return 1;
        snprintf(path, sizeof path, "%s/%s.after.mada", argv[1], c->name);
        if (mada_save(o, path) != MADA_OK)
            return 1;
        snprintf(path, sizeof path, "%s/%s.after.x", argv[1], c->name);
        if (write_raw(path, x, bytes))
            return 1;
        mada_info info;
        mada_get_info(o, &info);
        printf("%-20s t=%llu hyper_steps=%llu\n", c->name, (unsigned long long)info.t,
               (unsigned long long)info.hyper_steps);
        free(x), free(g);
        mada_destroy(o);
    }
    return 0;
}
