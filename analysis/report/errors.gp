# errors.gp -- spec 11.4: the largest accumulated error of x (in ulps of the
# kernel's type, against the MPFR run) per optimizer, one bar per type (log y;
# a zero error has no bar: it is marked by a 0 at the foot of its column).
# Input: DATA/errors_summary.csv.
#   gnuplot -e "data='docs/data'; out='docs/figures/errors.pdf'" analysis/report/errors.gp
figname = 'errors'
figh = 3.0
load ARG0[1:strlen(ARG0) - strlen('errors.gp')] . 'common.gp'

f = csv('errors_summary.csv')
opts = uniq(f, 1, '1')
dts = uniq(f, 2, '1')
nd = words(dts)
src(d) = sel(f, sprintf('$2 == "%s"', d))
# x position of optimizer o: its index in opts
idx(o) = (_i = 0, _r = 0, sum [k = 1:words(opts)] (word(opts, k) eq o ? (_r = k, 0) : 0), _r)
bw = 0.8 / (nd > 0 ? nd : 1)
xoff(j) = -0.4 + bw * (j - 0.5)
dcolor(j) = word('0x1f77b4 0xff7f0e 0x2ca02c 0x9467bd', (j - 1) % 4 + 1) + 0

set logscale y
set yrange [*<0.5:*]
set format y '10^{%T}'
set ylabel 'max accumulated error of x (ulps)'
set xrange [0.4:words(opts) + 0.6]
set xtics () nomirror noenhanced
do for [k = 1:words(opts)] { set xtics add (word(opts, k) k) }
set grid noxtics
set style fill solid 0.8 noborder
set boxwidth bw
set key top left Left reverse font ',7'
plot for [j = 1:nd] src(word(dts, j)) using (idx(strcol(1)) + xoff(j)):(pos($4)) with boxes lc rgb dcolor(j) title word(dts, j) noenhanced, \
     for [j = 1:nd] src(word(dts, j)) using (idx(strcol(1)) + xoff(j)):($4 == 0 ? 0.7 : NaN):("0") with labels font ',7' notitle
