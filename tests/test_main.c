/*
 * test_main.c -- runs every CUnit suite.  Exit status 0 only if every test
 * ran and passed; prints CUnit's summary, a SKIPPED line per suite that
 * could not run here (the GPU suites without a device), and plain
 * "N skipped" and "N passed, N failed" lines.
 * With an argument, runs only the suites whose name contains it (none
 * matching: exit 2).
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

int main(int argc, char **argv)
{
    if (argc > 2 || (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))) {
        printf("usage: %s [SUITE-SUBSTRING]\n"
               "Runs every CUnit suite of the library, or only those whose name contains\n"
               "SUITE-SUBSTRING.  Suites that need what this machine lacks (CUDA device 0)\n"
               "print SKIPPED and are not counted as passed.  Environment: MADA_BACKEND\n"
               "(the default backend), MADA_NUM_THREADS, MADA_TEST_DEBUG=1 (details of a\n"
               "differential mismatch).  Exit status 0 only if every test that ran passed.\n",
               argv[0]);
        return argc == 2 ? 0 : 2;
    }
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    register_scalars_suite();
    register_transcription_suite();
    register_special_suite();
    register_partials_suite();
    register_reduce_suite();
    register_iteration_suite();
    register_badinput_suite();
    register_state_suite();
    register_robust_suite();
    register_lean_suite();
    register_project_suite();
    register_toy_suite();
    register_mpfr_opt_suite();
    register_errors_suite();
    register_bounds_suite();
    register_fast_suite();
    register_cuda_suite();

    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_set_fail_on_inactive(CU_FALSE); /* inactive (GPU) suites: SKIPPED below */
    if (argc > 1) { /* only the suites whose name contains argv[1]: one run, one count */
        int any = 0;
        for (CU_pSuite s = CU_get_registry()->pSuite; s; s = s->pNext) {
            if (!strstr(s->pName, argv[1]))
                CU_set_suite_active(s, CU_FALSE);
            else
                any = 1;
        }
        if (!any) {
            fprintf(stderr, "%s: no suite name contains \"%s\" (--help)\n", argv[0], argv[1]);
            CU_cleanup_registry();
            return 2;
        }
    }
    CU_basic_run_tests();
    const unsigned run = CU_get_number_of_tests_run();
    const unsigned failed = CU_get_number_of_tests_failed();
    const unsigned afailed = CU_get_number_of_failures();
    printf("\n");
    const unsigned nskip = skipped_report(argc > 1 ? argv[1] : NULL);
    printf("cunit: %u skipped\n", nskip);
    printf("cunit: %u passed, %u failed\n", run - failed, failed);
    CU_cleanup_registry();
    return (failed != 0 || afailed != 0 || run == 0) ? 1 : 0;
}
