# toy_coef.gp -- spec 11.1: the coefficients MADA learns on the toy (rho, beta3, c)
# over t (log t); binary64 solid, the MPFR run (if present) dashed.
# Input: DATA/toy.csv (rows with optimizer mada).
#   gnuplot -e "data='docs/data'; out='docs/figures/toy_coef.pdf'" analysis/report/toy_coef.gp
figname = 'toy_coef'
figh = 2.8
load ARG0[1:strlen(ARG0) - strlen('toy_coef.gp')] . 'common.gp'

f = csv('toy.csv')
mp = word(uniq(f, 2, '$1 == "mada" && $2 ~ /^mpfr/'), 1)
src(d) = sel(f, sprintf('$1 == "mada" && $2 == "%s" && $3 > 0', d))

set logscale x
set autoscale xfix
set format x '10^{%T}'
set xlabel 't'
set ylabel 'coefficient'
set yrange [-0.05:1.05]
set key center right Left reverse
# columns: 8 beta3, 9 rho, 10 c
solid = "src('binary64') using 3:9 lc rgb '#9467bd' dt 1 title 'rho', src('binary64') using 3:8 lc rgb '#ff7f0e' dt 1 title 'beta3', src('binary64') using 3:10 lc rgb '#2ca02c' dt 1 title 'c'"
if (mp ne '') {
    plot @solid, \
         src(mp) using 3:9  lc rgb '#9467bd' dt 2 notitle, \
         src(mp) using 3:8  lc rgb '#ff7f0e' dt 2 notitle, \
         src(mp) using 3:10 lc rgb '#2ca02c' dt 2 notitle, \
         keyentry with lines lc rgb 'black' dt 2 title 'dashed: '.mp noenhanced
} else {
    plot @solid
}
