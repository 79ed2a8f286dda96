#!/bin/sh
# synthetic-data.sh DIR -- write SYNTHETIC CSV files with the columns that
# build/mada-analysis writes (analysis/report/README.md), only to test the
# report pipeline (gnuplot scripts, tables.sh, docs/report.tex).
# The numbers are made up: never point the report at them for real results,
# and never write them into docs/data.
#   sh analysis/report/synthetic-data.sh /tmp/reportdata
#   make -f analysis/report/report.mk DATA=/tmp/reportdata \
#        FIGDIR=/tmp/reportfig PDF=/tmp/report.pdf report
set -eu
dir=${1:?usage: synthetic-data.sh DIR}
case "$dir" in
    docs/data|docs/data/|*/docs/data|*/docs/data/)
        echo "synthetic-data.sh: refusing to write synthetic data into $dir" >&2; exit 2;;
esac
mkdir -p "$dir"

awk -v dir="$dir" 'BEGIN {
    srand(7)
    f = dir "/toy.csv"
    print "optimizer,dtype,t,x,avg_regret,beta1,beta2,beta3,rho,c,gamma" > f
    split("adam amsgrad avgrad mada", O, " ")
    split("binary64 mpfr128", D, " ")
    for (o = 1; o <= 4; o++) for (d = 1; d <= 2; d++) for (k = 0; k < 200; k++) {
        t = int(exp(log(2000000) * k / 199) + 0.5)
        s = 1 - exp(-t / 3000)
        if (O[o] == "adam") { x = s; r = 10 * s }
        else { x = -s; r = 20 / sqrt(t) }
        rho = (O[o] == "mada") ? exp(-t / 20000) : (O[o] == "adam" ? 1 : 0)
        b3 = (O[o] == "mada") ? 0.05 * (1 - exp(-t / 5000)) : 0
        cc = (O[o] == "mada") ? 1 - 0.1 * (1 - exp(-t / 8000)) : 1
        if (d == 2) { x += 1e-9; rho += 1e-9 }
        printf "%s,%s,%d,%.17g,%.17g,0.9,0.99,%.17g,%.17g,%.17g,1\n", O[o], D[d], t, x, r, b3, rho, cc > f
    }
    close(f)

    f = dir "/claims.csv"
    print "study,id,dtype,holds,value,text" > f
    print "toy,toy-adam-x-binary64,binary64,holds,0.99987,Adam is driven to +1 (x_T >= 0.99)" > f
    print "toy,toy-amsgrad-x-binary64,binary64,holds,-0.9999,AMSGrad reaches -1 (x_T <= -0.99)" > f
    print "toy,toy-avgrad-x-binary64,binary64,holds,-0.9998,AVGrad reaches -1 (x_T <= -0.99)" > f
    print "toy,toy-mada-rho-binary64,binary64,holds,1.2e-05,MADA moves rho towards 0 (final rho < 0.1)" > f
    print "toy,toy-mada-regret-binary64,binary64,note,0.0141,MADA average regret R_T/T at T = 2000000" > f
    print "toy,toy-adam-regret-binary64,binary64,holds,9.99,Adam average regret R_T/T stays above 1" > f
    print "toy,toy-mada-x-binary64,binary64,FAILS,0.52,MADA reaches -1 (x_T <= -0.9); 100% of the 50_000 runs & more" > f
    print "terms,terms-toy-adam-S2exp,mpfr256,holds,0.998,S2 grows linearly for Adam on the toy (exponent >= 0.9)" > f
    print "terms,terms-toy-amsgrad-S2exp,mpfr256,holds,0.0012,S2 stays bounded for AMSGrad (exponent <= 0.1)" > f
    print "terms,terms-toy-avgrad-S2exp,mpfr256,holds,0.071,S2 grows like log T for AVGrad (exponent <= 0.2)" > f
    print "rates,rates-robust-avgrad-exp,binary64,note,-0.48,fitted exponent of mean squared gradient norm in T (robust)" > f
    print "rates,rates-logistic-avgrad-exp,binary64,note,-0.51,fitted exponent of mean squared gradient norm in T (logistic)" > f
    print "bounds,bounds-adamavg-counterexample,mpfr256,holds,0.0316,the Adam/AVGrad mix (rho 0.5) has an increasing effective step" > f
    print "bounds,bounds-all-monotone,mpfr256,holds,0,effective step non-increasing on every AMSGrad/AVGrad run" > f
    print "bounds,bounds-all-S1,mpfr256,holds,0.173,measured S1 below the bound on every run (largest ratio)" > f
    print "bounds,bounds-all-S2,mpfr256,holds,0.62,measured S2 below the bound on every run (largest ratio)" > f
    print "errors,errors-lion-binary32,binary32,note,inf,Lion sign flips (x_i = 0) make ulps meaningless" > f
    close(f)

    f = dir "/terms.csv"; g = dir "/terms_fit.csv"
    print "problem,optimizer,arith,t,S1,S2,S3,lhs" > f
    print "problem,optimizer,arith,exp_S1,exp_S2,exp_S3,exp_lhs" > g
    split("toy toy-sqrt robust logistic", P, " ")
    split("adam amsgrad avgrad rho0.25 rho0.5 rho0.75 amsavg0.25 amsavg0.5 amsavg0.75", Q, " ")
    for (p = 1; p <= 4; p++) for (q = 1; q <= 9; q++) {
        e2 = (Q[q] == "adam") ? 1 : (Q[q] == "amsgrad" ? 0 : 0.1 * q / 9)
        for (k = 0; k <= 24; k++) {
            t = int(10 ^ (k / 4) + 0.5)
            s2 = (Q[q] == "amsgrad") ? 1 - 1 / t : 0.01 * t ^ e2 * (1 + log(t))
            if (k == 0) s2 = 0
            printf "%s,%s,mpfr256,%d,%.17g,%.17g,%.17g,%.17g\n", P[p], Q[q], t, 1e-6 * log(1 + t), s2, s2 * 1e-3, 0.5 * t ^ 0.5 > f
        }
        printf "%s,%s,mpfr256,%.17g,%.17g,%.17g,%.17g\n", P[p], Q[q], 0.05, e2, e2 / 2, 0.5 > g
    }
    close(f); close(g)

    f = dir "/bounds.csv"
    print "problem,optimizer,T,S1,S1_bound,S2,S2_bound,monotone,max_rel_increase" > f
    split("toy-sqrt robust logistic", P, " ")
    for (p = 1; p <= 3; p++) for (q = 1; q <= 9; q++) {
        mono = (Q[q] ~ /^(adam|rho)/) ? 0 : 1
        printf "%s,%s,100000,%.17g,%.17g,%.17g,%.17g,%d,%.17g\n", P[p], Q[q], 0.01 * q, 0.2, (Q[q] == "adam") ? 0 : 0.1 * q, 1.5, mono, mono ? 0 : 0.03 * q > f
    }
    close(f)

    f = dir "/rates.csv"; g = dir "/rates_fit.csv"; h = dir "/rates_best.csv"
    print "problem,optimizer,T,mean_gn2,sd_gn2,min_gn2" > f
    print "problem,optimizer,exponent" > g
    print "problem,T,best_rho,mean_gn2" > h
    split("robust logistic", P, " ")
    split("adam amsgrad avgrad rho0.25 rho0.5 rho0.75", Q, " ")
    for (p = 1; p <= 2; p++) {
        for (q = 1; q <= 6; q++) {
            ex = -0.4 - 0.02 * q - 0.05 * p
            for (T = 100; T <= 100000; T *= 10)
                printf "%s,%s,%d,%.17g,%.17g,%.17g\n", P[p], Q[q], T, (1 + 0.1 * q) * T ^ ex, 0.2 * T ^ ex, 0.01 * T ^ ex > f
            printf "%s,%s,%.17g\n", P[p], Q[q], ex > g
        }
        for (T = 100; T <= 100000; T *= 10)
            printf "%s,%d,%.17g,%.17g\n", P[p], T, 0.25 * (1 + (T > 1000)), T ^ -0.5 > h
    }
    close(f); close(g); close(h)

    f = dir "/precision.csv"
    print "problem,t,d32,d64,rel32,rel64" > f
    split("toy robust logistic", P, " ")
    for (p = 1; p <= 3; p++) for (k = 0; k <= 40; k++) {
        t = int(10 ^ (k / 8) + 0.5)
        d32 = (k == 0) ? 0 : 1e-7 * sqrt(t) * p; d64 = (k == 0) ? 0 : 2e-16 * sqrt(t) * p
        printf "%s,%d,%.17g,%.17g,%.17g,%.17g\n", P[p], t, d32, d64, d32 / 2, d64 / 2 > f
    }
    close(f)

    f = dir "/errors.csv"; g = dir "/errors_summary.csv"
    print "optimizer,dtype,t,step_ulps,acc_ulps,acc_rel" > f
    print "optimizer,dtype,max_step_ulps,max_acc_ulps,max_acc_rel" > g
    split("adam amsgrad avgrad yogi adan lion hyperadam mada", O, " ")
    split("binary32 binary64", D, " ")
    for (o = 1; o <= 8; o++) for (d = 1; d <= 2; d++) {
        for (k = 0; k <= 30; k++) {
            t = int(10 ^ (k / 6) + 0.5)
            printf "%s,%s,%d,%.17g,%.17g,%.17g\n", O[o], D[d], t, 0.5 * o, (O[o] == "lion") ? 0 : o * sqrt(t), 1e-7 * o * sqrt(t) > f
        }
        printf "%s,%s,%.17g,%.17g,%.17g\n", O[o], D[d], 0.5 * o, (O[o] == "lion") ? 0 : 10 ^ (o / 2) * d, (d == 1 ? 1e-6 : 1e-15) * o > g
    }
    close(f); close(g)
}'
echo "synthetic CSVs written to $dir"
