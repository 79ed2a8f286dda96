/* fpenv.c -- see fpenv.h. */
#include "fpenv.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define MADA_HAVE_MXCSR 1
/* MXCSR at power-up: every exception masked (bits 7-12), round to nearest
 * (bits 13-14 clear), no flush-to-zero (bit 15), no denormals-are-zero
 * (bit 6), flags (bits 0-5) clear. */
#define MADA_MXCSR_DEFAULT 0x1F80u
#else
#define MADA_HAVE_MXCSR 0
#endif

void mada_fpenv_enter(mada_fpenv *saved)
{
    fegetenv(&saved->env);
#if MADA_HAVE_MXCSR
    saved->mxcsr = _mm_getcsr();
#else
    saved->mxcsr = 0;
#endif
    /* FE_DFL_ENV resets the x87 unit and, on glibc, MXCSR; MXCSR is written
     * explicitly as well, so that FTZ and DAZ (which C's fenv.h does not
     * name) are cleared whatever the C library does. */
    fesetenv(FE_DFL_ENV);
#if MADA_HAVE_MXCSR
    _mm_setcsr(MADA_MXCSR_DEFAULT);
#endif
}

void mada_fpenv_leave(const mada_fpenv *saved)
{
    fesetenv(&saved->env);
#if MADA_HAVE_MXCSR
    _mm_setcsr(saved->mxcsr);
#endif
}
