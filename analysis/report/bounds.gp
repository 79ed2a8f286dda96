# bounds.gp -- spec 11.5: measured S1 and S2 over the bounds derived in
# docs/report.tex (section "A bound with explicit constants"), one column per
# run (problem/optimizer, alpha_t = alpha/sqrt(t)); a ratio above 1 (the dashed
# line) is a bound violated.  Runs whose effective step is not monotone (where
# the theorem does not apply) are drawn with open symbols.
# Input: DATA/bounds.csv.
#   gnuplot -e "data='docs/data'; out='docs/figures/bounds.pdf'" analysis/report/bounds.gp
figname = 'bounds'
figh = 3.4
load ARG0[1:strlen(ARG0) - strlen('bounds.gp')] . 'common.gp'

f = csv('bounds.csv')
# label (problem/optimizer[/T if a pair has several T]), S1 ratio, S2 ratio, monotone
lab = sprintf("< awk -F, 'NR > 1 { n[$1 \",\" $2]++; r[NR] = $0 } END { for (i = 2; i <= NR; i++) { split(r[i], a, \",\"); l = a[1] \"/\" a[2]; if (n[a[1] \",\" a[2]] > 1) l = l \"/\" a[3]; printf \"%%s,%%s,%%s,%%s,%%s,%%s\\n\", l, a[4], a[5], a[6], a[7], a[8] } }' '%s'", f)

set logscale y
set format y '10^{%T}'
set ylabel 'measured / bound'
set xtics rotate by 60 right font ',6' nomirror noenhanced
set grid noxtics
set key above Left reverse font ',7' horizontal
set offsets 0.5, 0.5, 0, 0
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb 'black'
set yrange [*:2<*]
plot lab using 0:($6 > 0.5 ? ratio($2, $3) : NaN):xtic(1) with points pt 7 ps 0.6 lc rgb '#1f77b4' title 'S_1 / bound', \
     lab using 0:($6 > 0.5 ? ratio($4, $5) : NaN) with points pt 5 ps 0.6 lc rgb '#d62728' title 'S_2 / bound', \
     lab using 0:($6 > 0.5 ? NaN : ratio($2, $3)) with points pt 6 ps 0.6 lc rgb '#1f77b4' title 'S_1 (not monotone)', \
     lab using 0:($6 > 0.5 ? NaN : ratio($4, $5)) with points pt 4 ps 0.6 lc rgb '#d62728' title 'S_2 (not monotone)'
