/*
 * test_main.c -- runs every CUnit suite.  Exit status 0 only if every test
 * ran and passed; prints CUnit's summary and a plain "N passed, N failed" line.
 * With an argument, runs only the suites whose name contains it.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

int main(int argc, char **argv)
{
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

    CU_basic_set_mode(CU_BRM_VERBOSE);
    if (argc > 1) {
        CU_pSuite s = CU_get_registry()->pSuite;
        for (; s; s = s->pNext)
            if (strstr(s->pName, argv[1]))
                CU_basic_run_suite(s);
    } else {
        CU_basic_run_tests();
    }
    const unsigned run = CU_get_number_of_tests_run();
    const unsigned failed = CU_get_number_of_tests_failed();
    const unsigned afailed = CU_get_number_of_failures();
    printf("\ncunit: %u passed, %u failed\n", run - failed, failed);
    CU_cleanup_registry();
    return (failed != 0 || afailed != 0 || run == 0) ? 1 : 0;
}
