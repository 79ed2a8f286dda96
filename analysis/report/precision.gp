# precision.gp -- spec 11.4: the max-norm distance of the binary32 (solid) and
# binary64 (dashed) trajectories x_t to the MPFR one, over t (log-log), one
# colour per problem.  Input: DATA/precision.csv.
#   gnuplot -e "data='docs/data'; out='docs/figures/precision.pdf'" analysis/report/precision.gp
figname = 'precision'
figh = 3.0
load ARG0[1:strlen(ARG0) - strlen('precision.gp')] . 'common.gp'

f = csv('precision.csv')
probs = uniq(f, 1, '1')
src(p) = sel(f, sprintf('$1 == "%s" && $2 > 0', p))
pcolor(i) = word('0x1f77b4 0xd62728 0x2ca02c 0x9467bd 0xff7f0e 0x8c564b 0xe377c2', (i - 1) % 7 + 1) + 0

set logscale xy
set format x '10^{%T}'
set format y '10^{%T}'
set xlabel 't'
set ylabel 'max_i |x_{t,i} - x^{MPFR}_{t,i}|'
set key outside right top Left reverse font ',7'
plot for [i = 1:words(probs)] src(word(probs, i)) using 2:(pos($3)) lc rgb pcolor(i) dt 1 title word(probs, i).' binary32' noenhanced, \
     for [i = 1:words(probs)] src(word(probs, i)) using 2:(pos($4)) lc rgb pcolor(i) dt 2 title word(probs, i).' binary64' noenhanced
