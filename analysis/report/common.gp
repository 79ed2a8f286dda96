# common.gp -- loaded by every figure script of the report (analysis/report/*.gp).
# Variables set by the caller (gnuplot -e "..."):
#   data  the directory of the CSV files written by build/mada-analysis (default docs/data)
#   out   the output file (default: NAME.pdf in the current directory)
#   term  'pdf' (pdfcairo, for docs/report.pdf) or 'png' (pngcairo, for the README);
#         default: from the extension of out
# Also defines:
#   csv(name)           the path of a CSV file in data
#   sel(file, filter)   a gnuplot data source: the CSV rows (header skipped) that
#                       satisfy the awk condition filter, e.g. '$1=="adam"'
#   uniq(file, col, filter)  the distinct values of a column, in order of appearance
#   pos(expr)           expr if > 0, else NaN (zeros and negatives off a log axis)
if (!exists("data")) data = 'docs/data'
if (!exists("figname")) figname = 'figure'
if (!exists("out")) out = figname . '.pdf'
if (!exists("term")) term = (strstrt(out, '.png') > 0) ? 'png' : 'pdf'
if (!exists("figw")) figw = 6.0
if (!exists("figh")) figh = 3.4

csv(name) = data . '/' . name
# awk prints the selected rows unchanged; separator stays the comma.
sel(file, filter) = sprintf("< awk -F, 'NR > 1 && (%s)' '%s'", filter, file)
uniq(file, col, filter) = system(sprintf("awk -F, 'NR > 1 && (%s) && !s[$%d]++ { printf \"%%s \", $%d }' '%s'", filter, col, col, file))
pos(x) = (x > 0) ? x : NaN
ratio(a, b) = (b > 0 && a > 0) ? a / b : NaN

if (term eq 'png') {
    set terminal pngcairo size int(figw * 150), int(figh * 150) font 'DejaVu Sans,10' linewidth 1.5
} else {
    set terminal pdfcairo size figw, figh font 'Helvetica,8' linewidth 1
}
set output out
set encoding utf8
set datafile separator comma
set datafile missing 'NaN'
set key box opaque samplen 3 spacing 1.1
set grid lc rgb '#dddddd'
set border lc rgb '#444444'
set style data lines

# One colour per optimizer name, the same in every figure.
optcolor(o) = \
    o eq 'adam'       ? 0xd62728 : o eq 'amsgrad'    ? 0x1f77b4 : \
    o eq 'avgrad'     ? 0x2ca02c : o eq 'mada'       ? 0x9467bd : \
    o eq 'yogi'       ? 0x8c564b : o eq 'adan'       ? 0xe377c2 : \
    o eq 'lion'       ? 0x7f7f7f : o eq 'hyperadam'  ? 0xbcbd22 : \
    o eq 'rho0.25'    ? 0xff9896 : o eq 'rho0.5'     ? 0xff7f0e : \
    o eq 'rho0.75'    ? 0x8c2d04 : o eq 'amsavg0.25' ? 0x9edae5 : \
    o eq 'amsavg0.5'  ? 0x17becf : o eq 'amsavg0.75' ? 0x08519c : 0x000000
