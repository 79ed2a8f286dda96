/*
 * hyper.h -- the coefficient update of spec 6.2 (ref/hyper.c).
 */
#ifndef MADA_HYPER_H
#define MADA_HYPER_H

/* ---- Hyper-optimizer (spec 6.2): ref/hyper.c -------------------------------- */
/* Momentum state of one coefficient. */
typedef struct {
    double buf;
    int started;        /* buf holds a value (first finite h seen) */
} mada_hyper_buf;

/* Apply one hyper-gradient h to coefficient *q.  Returns 1 if applied, 0 if
 * h was not finite (then *q and *b are unchanged). */
int mada_hyper_apply(double *q, mada_hyper_buf *b, double h, double eta, double mu,
                     double lo, double hi, double hclip);

#endif /* MADA_HYPER_H */
