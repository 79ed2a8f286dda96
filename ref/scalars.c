/*
 * scalars.c -- the per-step scalars of spec 4: computed once per step in
 * binary64 and rounded once to the kernel's type.  Every backend receives
 * these values; none recomputes them.
 */
#include "mada_internal.h"

/* 1 - beta^t to a few ulps.  For beta >= 1/2 the plain 1 - pow(beta, t)
 * cancels (beta = 0.999: relative error about 5.0e-14 from t = 2 on); there
 * beta - 1 is exact (Sterbenz) and -expm1(t log1p(beta - 1)) is accurate.
 * docs/DECISIONS.md D4. */
static double one_minus_pow(double beta, double t)
{
    return beta >= 0.5 ? -expm1(t * log1p(beta - 1.0)) : 1.0 - pow(beta, t);
}

void mada_scalars_compute(const mada_scalar_inputs *in, mada_scalars_f64 *s)
{
    const double beta1 = in->q[MADA_BETA1], beta2 = in->q[MADA_BETA2];
    const double beta3 = in->q[MADA_BETA3], rho = in->q[MADA_RHO];
    const double c = in->q[MADA_C], gamma = in->q[MADA_GAMMA];
    const double t = (double)in->t;
    const double B1 = one_minus_pow(beta1, t), B2 = one_minus_pow(beta2, t);

    s->b1 = beta1;  s->omb1 = 1.0 - beta1;
    s->b2 = beta2;  s->omb2 = 1.0 - beta2;
    s->b3 = beta3;  s->omb3 = 1.0 - beta3;
    s->rh = rho;    s->omrh = 1.0 - rho;
    s->c = c;       s->omc = 1.0 - c;
    s->gm = gamma;  s->omgm = 1.0 - gamma;
    s->ib1 = 1.0 / B1;
    s->ib2 = 1.0 / B2;
    s->kb1 = t * pow(beta1, t - 1.0) / (B1 * B1);
    s->kb2 = t * pow(beta2, t - 1.0) / (B2 * B2);
    s->kc = rho * (1.0 - beta2) / B2;
    s->wo = (t - 1.0) / t;
    s->wn = 1.0 / t;
    s->lb1 = in->lb1; s->omlb1 = 1.0 - in->lb1;
    s->lb2 = in->lb2; s->omlb2 = 1.0 - in->lb2;
    s->eps = in->eps;
    s->lr = in->lr;
    s->wd = in->lr * in->lambda;
}

void mada_scalars_round_f32(const mada_scalars_f64 *d, mada_scalars_f32 *f)
{
    f->b1 = (float)d->b1;   f->omb1 = (float)d->omb1;
    f->b2 = (float)d->b2;   f->omb2 = (float)d->omb2;
    f->b3 = (float)d->b3;   f->omb3 = (float)d->omb3;
    f->rh = (float)d->rh;   f->omrh = (float)d->omrh;
    f->c = (float)d->c;     f->omc = (float)d->omc;
    f->gm = (float)d->gm;   f->omgm = (float)d->omgm;
    f->ib1 = (float)d->ib1; f->ib2 = (float)d->ib2;
    f->kb1 = (float)d->kb1; f->kb2 = (float)d->kb2;
    f->kc = (float)d->kc;
    f->wo = (float)d->wo;   f->wn = (float)d->wn;
    f->lb1 = (float)d->lb1; f->omlb1 = (float)d->omlb1;
    f->lb2 = (float)d->lb2; f->omlb2 = (float)d->omlb2;
    f->eps = (float)d->eps;
    f->lr = (float)d->lr;
    f->wd = (float)d->wd;
}
