/* mada_mpfr.c -- spec 2 and 6 in MPFR (see mada_mpfr.h). */
#include "mada_mpfr.h"

#define R MPFR_RNDN

void mada_mp_step_init(mada_mp_step *s, mpfr_prec_t prec, const double q[MADA_NCOEF],
                       uint64_t t, double eps, double lb1, double lb2, int vbar_max,
                       int lion_compat)
{
    s->prec = prec;
    for (int k = 0; k < MADA_NCOEF; k++)
        mpfr_init2(s->q[k], prec), mpfr_set_d(s->q[k], q[k], R);
    mpfr_inits2(prec, s->eps, s->lb1, s->lb2, (mpfr_ptr)0);
    mpfr_set_d(s->eps, eps, R);
    mpfr_set_d(s->lb1, lb1, R);
    mpfr_set_d(s->lb2, lb2, R);
    s->t = t;
    s->vbar_max = vbar_max;
    s->lion_compat = lion_compat;
}

void mada_mp_step_clear(mada_mp_step *s)
{
    for (int k = 0; k < MADA_NCOEF; k++)
        mpfr_clear(s->q[k]);
    mpfr_clears(s->eps, s->lb1, s->lb2, (mpfr_ptr)0);
}

/* All intermediates of spec 2 for one element. */
typedef struct {
    mpfr_t g, gp, m, v, vb, n, l;          /* inputs */
    mpfr_t D_, gh, gh2, gt2, m1, v1, n1, vb1, P, B1, B2, vh, r, Dn, mh, N, u, l1, d;
    mpfr_t tmp, tmp2, tmp3;
    int s, su;                              /* sgn(gh^2 - v), sgn(u) */
} mp_elem;

static void mp_elem_init(mp_elem *w, mpfr_prec_t p, const mada_mp_elem *e)
{
    mpfr_inits2(p, w->g, w->gp, w->m, w->v, w->vb, w->n, w->l, w->D_, w->gh, w->gh2, w->gt2,
                w->m1, w->v1, w->n1, w->vb1, w->P, w->B1, w->B2, w->vh, w->r, w->Dn, w->mh,
                w->N, w->u, w->l1, w->d, w->tmp, w->tmp2, w->tmp3, (mpfr_ptr)0);
    mpfr_set_d(w->g, e->g, R);
    mpfr_set_d(w->gp, e->gp, R);
    mpfr_set_d(w->m, e->m, R);
    mpfr_set_d(w->v, e->v, R);
    mpfr_set_d(w->vb, e->vb, R);
    mpfr_set_d(w->n, e->n, R);
    mpfr_set_d(w->l, e->l, R);
}

static void mp_elem_clear(mp_elem *w)
{
    mpfr_clears(w->g, w->gp, w->m, w->v, w->vb, w->n, w->l, w->D_, w->gh, w->gh2, w->gt2,
                w->m1, w->v1, w->n1, w->vb1, w->P, w->B1, w->B2, w->vh, w->r, w->Dn, w->mh,
                w->N, w->u, w->l1, w->d, w->tmp, w->tmp2, w->tmp3, (mpfr_ptr)0);
}

/* out = a*x + (1-a)*y */
static void interp(mpfr_ptr out, mpfr_srcptr a, mpfr_srcptr x, mpfr_srcptr y, mpfr_ptr tmp)
{
    mpfr_sub(tmp, x, y, R);     /* a*x + (1-a)*y = y + a*(x - y) */
    mpfr_mul(tmp, tmp, a, R);
    mpfr_add(out, y, tmp, R);
}

/* Spec 2 for one element, filling w. */
static void mp_forward(const mada_mp_step *s, mp_elem *w, mpfr_srcptr vb1_fixed)
{
    mpfr_srcptr b1 = s->q[MADA_BETA1], b2 = s->q[MADA_BETA2], b3 = s->q[MADA_BETA3];
    mpfr_srcptr rho = s->q[MADA_RHO], c = s->q[MADA_C], gamma = s->q[MADA_GAMMA];

    mpfr_sub(w->D_, w->g, w->gp, R);                      /* Delta */
    mpfr_mul(w->gh, b3, w->D_, R);
    mpfr_add(w->gh, w->g, w->gh, R);                      /* gh */
    mpfr_sqr(w->gh2, w->gh, R);
    mpfr_sub(w->tmp, w->gh2, w->v, R);
    w->s = mpfr_sgn(w->tmp);
    mpfr_mul_si(w->tmp, w->gh2, w->s, R);
    mpfr_add(w->tmp, w->v, w->tmp, R);                    /* v + gh^2 s */
    interp(w->gt2, c, w->gh2, w->tmp, w->tmp2);
    interp(w->m1, b1, w->m, w->g, w->tmp2);
    interp(w->v1, b2, w->v, w->gt2, w->tmp2);
    interp(w->n1, b3, w->n, w->D_, w->tmp2);
    if (vb1_fixed) {
        mpfr_set(w->vb1, vb1_fixed, R);
    } else if (s->vbar_max) {
        mpfr_max(w->vb1, w->vb, w->v1, R);
    } else {
        mpfr_mul_ui(w->tmp, w->vb, s->t - 1, R);
        mpfr_add(w->tmp, w->tmp, w->v1, R);
        mpfr_div_ui(w->vb1, w->tmp, s->t, R);
    }
    interp(w->P, rho, w->v1, w->vb1, w->tmp2);
    mpfr_pow_ui(w->B1, b1, s->t, R);
    mpfr_ui_sub(w->B1, 1, w->B1, R);
    mpfr_pow_ui(w->B2, b2, s->t, R);
    mpfr_ui_sub(w->B2, 1, w->B2, R);
    mpfr_div(w->vh, w->P, w->B2, R);
    mpfr_sqrt(w->r, w->vh, R);
    mpfr_add(w->Dn, w->r, s->eps, R);
    mpfr_div(w->mh, w->m1, w->B1, R);
    mpfr_mul(w->tmp, b3, w->n1, R);
    mpfr_add(w->N, w->mh, w->tmp, R);
    interp(w->l1, s->lb2, w->l, w->g, w->tmp2);
    interp(w->u, s->lb1, s->lion_compat ? w->l1 : w->l, w->g, w->tmp2);
    w->su = mpfr_sgn(w->u);
    mpfr_div(w->tmp, w->N, w->Dn, R);                    /* N/D */
    mpfr_set_si(w->tmp2, w->su, R);
    interp(w->d, gamma, w->tmp, w->tmp2, w->tmp3);
}

void mada_mp_direction(const mada_mp_step *s, const mada_mp_elem *e, mpfr_srcptr vb1_fixed,
                       mpfr_ptr d_out, mpfr_ptr vb1_out)
{
    mp_elem w;
    mp_elem_init(&w, s->prec, e);
    mp_forward(s, &w, vb1_fixed);
    mpfr_set(d_out, w.d, R);
    if (vb1_out)
        mpfr_set(vb1_out, w.vb1, R);
    mp_elem_clear(&w);
}

void mada_mp_partials(const mada_mp_step *s, const mada_mp_elem *e, mpfr_t p[MADA_NCOEF])
{
    mp_elem w;
    mp_elem_init(&w, s->prec, e);
    mp_forward(s, &w, NULL);
    mpfr_srcptr b1 = s->q[MADA_BETA1], b2 = s->q[MADA_BETA2], b3 = s->q[MADA_BETA3];
    mpfr_srcptr rho = s->q[MADA_RHO], c = s->q[MADA_C], gamma = s->q[MADA_GAMMA];
    mpfr_t A, gD, kc, a, b;
    mpfr_inits2(s->prec, A, gD, kc, a, b, (mpfr_ptr)0);

    /* A = gamma N / (2 r D^2), 0 when r == 0 */
    if (mpfr_zero_p(w.r)) {
        mpfr_set_zero(A, 1);
    } else {
        mpfr_sqr(a, w.Dn, R);
        mpfr_mul(a, a, w.r, R);
        mpfr_mul_2ui(a, a, 1, R);
        mpfr_mul(A, gamma, w.N, R);
        mpfr_div(A, A, a, R);
    }
    mpfr_div(gD, gamma, w.Dn, R);
    /* kc = rho (1 - beta2) / B2 */
    mpfr_ui_sub(kc, 1, b2, R);
    mpfr_mul(kc, kc, rho, R);
    mpfr_div(kc, kc, w.B2, R);

    /* dd/dbeta1 = (gamma/D) [ (m - g)/B1 + t beta1^(t-1) m'/B1^2 ] */
    mpfr_sub(a, w.m, w.g, R);
    mpfr_div(a, a, w.B1, R);
    mpfr_pow_ui(b, b1, s->t - 1, R);
    mpfr_mul_ui(b, b, s->t, R);
    mpfr_mul(b, b, w.m1, R);
    mpfr_div(b, b, w.B1, R);
    mpfr_div(b, b, w.B1, R);
    mpfr_add(a, a, b, R);
    mpfr_mul(p[0], gD, a, R);

    /* dd/dbeta2 = -A [ rho (v - gt2)/B2 + t beta2^(t-1) P/B2^2 ] */
    mpfr_sub(a, w.v, w.gt2, R);
    mpfr_mul(a, a, rho, R);
    mpfr_div(a, a, w.B2, R);
    mpfr_pow_ui(b, b2, s->t - 1, R);
    mpfr_mul_ui(b, b, s->t, R);
    mpfr_mul(b, b, w.P, R);
    mpfr_div(b, b, w.B2, R);
    mpfr_div(b, b, w.B2, R);
    mpfr_add(a, a, b, R);
    mpfr_mul(a, a, A, R);
    mpfr_neg(p[1], a, R);

    /* dd/dbeta3 = (gamma/D) [ n' + beta3 (n - Delta) ]
     *            - A rho (1-beta2)/B2 (c + (1-c) s) 2 gh Delta */
    mpfr_sub(a, w.n, w.D_, R);
    mpfr_mul(a, a, b3, R);
    mpfr_add(a, a, w.n1, R);
    mpfr_mul(a, a, gD, R);
    mpfr_ui_sub(b, 1, c, R);
    mpfr_mul_si(b, b, w.s, R);
    mpfr_add(b, b, c, R);
    mpfr_mul(b, b, w.gh, R);
    mpfr_mul_2ui(b, b, 1, R);
    mpfr_mul(b, b, w.D_, R);
    mpfr_mul(b, b, kc, R);
    mpfr_mul(b, b, A, R);
    mpfr_sub(p[2], a, b, R);

    /* dd/drho = -A (v' - vbar')/B2 */
    mpfr_sub(a, w.v1, w.vb1, R);
    mpfr_div(a, a, w.B2, R);
    mpfr_mul(a, a, A, R);
    mpfr_neg(p[3], a, R);

    /* dd/dc = -A rho (1-beta2)/B2 (gh^2 - v - s gh^2) */
    mpfr_sub(a, w.gh2, w.v, R);
    mpfr_mul_si(b, w.gh2, w.s, R);
    mpfr_sub(a, a, b, R);
    mpfr_mul(a, a, kc, R);
    mpfr_mul(a, a, A, R);
    mpfr_neg(p[4], a, R);

    /* dd/dgamma = N/D - sgn(u) */
    mpfr_div(a, w.N, w.Dn, R);
    mpfr_sub_si(p[5], a, w.su, R);

    mpfr_clears(A, gD, kc, a, b, (mpfr_ptr)0);
    mp_elem_clear(&w);
}

void mada_mp_dot(mpfr_ptr out, const double *g, const double *p, size_t n)
{
    mpfr_t prod;
    mpfr_init2(prod, 2 * 53 + 2); /* exact product of two binary64 values */
    mpfr_set_zero(out, 1);
    for (size_t i = 0; i < n; i++) {
        mpfr_set_d(prod, g[i], R);
        mpfr_mul_d(prod, prod, p[i], R);
        mpfr_add(out, out, prod, R);
    }
    mpfr_clear(prod);
}
