# toy.gp -- spec 11.1, the online toy: x_t and the average regret R_t/t over t
# (log t; R_t/t on a log scale, non-positive values left out), one colour per optimizer; binary64 solid, the MPFR run (if the CSV has
# one) dashed.  Input: DATA/toy.csv.
#   gnuplot -e "data='docs/data'; out='docs/figures/toy.pdf'" analysis/report/toy.gp
figname = 'toy'
figh = 3.0
load ARG0[1:strlen(ARG0) - strlen('toy.gp')] . 'common.gp'

f = csv('toy.csv')
opts = uniq(f, 1, '1')
mp = word(uniq(f, 2, '$2 ~ /^mpfr/'), 1)
src(o, d) = sel(f, sprintf('$1 == "%s" && $2 == "%s" && $3 > 0', o, d))

set multiplot layout 1, 2
set logscale x
set autoscale xfix
set format x '10^{%T}'
set xlabel 't'
set ylabel 'x_t'
set yrange [-1.1:1.1]
set key bottom left Left reverse font ',7'
if (mp ne '') {
    plot for [o in opts] src(o, 'binary64') using 3:4 lc rgb optcolor(o) dt 1 title o noenhanced, \
         for [o in opts] src(o, mp) using 3:4 lc rgb optcolor(o) dt 2 notitle, \
         keyentry with lines lc rgb 'black' dt 2 title 'dashed: '.mp noenhanced
} else {
    plot for [o in opts] src(o, 'binary64') using 3:4 lc rgb optcolor(o) dt 1 title o noenhanced
}
set yrange [*:*]
set logscale y
set format y '10^{%T}'
set ylabel 'R_t / t (log scale)'
set key top right Left reverse
if (mp ne '') {
    plot for [o in opts] src(o, 'binary64') using 3:(pos($5)) lc rgb optcolor(o) dt 1 title o noenhanced, \
         for [o in opts] src(o, mp) using 3:(pos($5)) lc rgb optcolor(o) dt 2 notitle
} else {
    plot for [o in opts] src(o, 'binary64') using 3:(pos($5)) lc rgb optcolor(o) dt 1 title o noenhanced
}
unset multiplot
