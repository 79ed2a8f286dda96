# rates.gp -- spec 11.3: the mean over seeds of the average squared gradient
# norm over T steps against T (log-log), one line per optimizer, one panel per
# problem; error bars: one standard deviation over seeds (clipped at 1/10 of the
# mean below, for the log axis).  Input: DATA/rates.csv.
#   gnuplot -e "data='docs/data'; out='docs/figures/rates.pdf'" analysis/report/rates.gp
figname = 'rates'
figh = 3.0
load ARG0[1:strlen(ARG0) - strlen('rates.gp')] . 'common.gp'

f = csv('rates.csv')
probs = uniq(f, 1, '1')
np = words(probs)
src(p, o) = sel(f, sprintf('$1 == "%s" && $2 == "%s" && $3 > 0 && $4 > 0', p, o))
lo(m, s) = (m - s > 0.1 * m) ? m - s : 0.1 * m

set multiplot layout 1, (np > 0 ? np : 1)
set logscale xy
set format x '10^{%T}'
set format y '10^{%T}'
set xlabel 'T'
set ylabel 'mean over seeds of (1/T) Σ_t ||∇f(x_t)||^2' font ',7'
set key bottom left Left reverse font ',6' spacing 0.9
do for [p in probs] {
    set title p font ',8'
    opts = uniq(f, 2, sprintf('$1 == "%s"', p))
    plot for [o in opts] src(p, o) using 3:4:(lo($4, $5)):($4 + $5) with yerrorlines pt 7 ps 0.4 lc rgb optcolor(o) title o noenhanced
    set ylabel ''
}
unset multiplot
