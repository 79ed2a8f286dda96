/* hyper.c -- the coefficient update of spec 6.2 for one coefficient. */
#include "mada_internal.h"

int mada_hyper_apply(double *q, mada_hyper_buf *b, double h, double eta, double mu,
                     double lo, double hi, double hclip)
{
    if (!isfinite(h))
        return 0;
    const double hc = (h > hclip) ? hclip : ((h < -hclip) ? -hclip : h);
    const double buf = b->started ? mu * b->buf + hc : hc;
    double nq = *q - eta * buf;
    nq = (nq < lo) ? lo : nq;
    nq = (nq > hi) ? hi : nq;
    b->buf = buf;
    b->started = 1;
    *q = nq;
    return 1;
}
