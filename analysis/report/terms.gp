# terms.gp -- spec 11.2: the terms of the Adam-type analysis along real
# trajectories.  Left: S2(T) on the online toy, one line per optimizer (log-log).
# Right: S1(T) (solid) and S2(T) (dashed) on the robust-regression problem.
# Arithmetic: the first MPFR one found in the CSV, else the first one.
# Input: DATA/terms.csv.
#   gnuplot -e "data='docs/data'; out='docs/figures/terms.pdf'" analysis/report/terms.gp
figname = 'terms'
figh = 3.2
load ARG0[1:strlen(ARG0) - strlen('terms.gp')] . 'common.gp'

f = csv('terms.csv')
ar = word(uniq(f, 3, '$3 ~ /^mpfr/') . ' ' . uniq(f, 3, '1'), 1)
src(p, o) = sel(f, sprintf('$1 == "%s" && $2 == "%s" && $3 == "%s" && $4 > 0', p, o, ar))
optsT = uniq(f, 2, sprintf('$1 == "toy" && $3 == "%s"', ar))
optsR = uniq(f, 2, sprintf('$1 == "robust" && $3 == "%s"', ar))

set multiplot layout 1, 2 title sprintf('arithmetic: %s', ar) font ',8'
set logscale xy
set format x '10^{%T}'
set format y '10^{%T}'
set xlabel 'T'
set key top left Left reverse font ',6' spacing 0.9
set ylabel 'S_2(T)'
set title 'toy: S_2' font ',8'
if (words(optsT) > 0) {
    plot for [o in optsT] src('toy', o) using 4:(pos($6)) lc rgb optcolor(o) title o noenhanced
} else {
    set label 1 'no toy rows in terms.csv' at graph 0.5, 0.5 center
    unset logscale; unset tics; unset key; set xrange [0:1]; set yrange [0:1]; plot NaN notitle
    unset label 1; set xrange [*:*]; set yrange [*:*]; set logscale xy; set tics; set key
}
set title 'robust: S_1 (solid), S_2 (dashed)' font ',8'
set ylabel 'S_1(T), S_2(T)'
if (words(optsR) > 0) {
    plot for [o in optsR] src('robust', o) using 4:(pos($5)) lc rgb optcolor(o) dt 1 title o noenhanced, \
         for [o in optsR] src('robust', o) using 4:(pos($6)) lc rgb optcolor(o) dt 2 notitle
} else {
    set label 1 'no robust rows in terms.csv' at graph 0.5, 0.5 center
    unset logscale; unset tics; unset key; set xrange [0:1]; set yrange [0:1]; plot NaN notitle
}
unset multiplot
