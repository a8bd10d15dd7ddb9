# bench/plot.gp: plot.svg from the data bench/report.awk writes into
# O/bench/out/plot/. bench/run runs it there, the picture on stdout:
#   cd O/bench/out/plot && gnuplot PATH/bench/plot.gp >../plot.svg
# Two panels, one row a figure or a case, on log axes (the ratios span from
# ~0.5 to ~20, the wall times from a few ms to hundreds): kvmrun's paired
# ratios against the floor and QEMU, each with its bar and the side of it
# that meets the bar shaded, then the wall time of every run of every case.
# Each row shows the median (diamond), the min-max range and every sample.

load 'vars.gp'
set encoding utf8

# The canvas grows with the rows, so that a row keeps its height (px).
row_px = 26
top_px = 80; head_px = 30; foot_px = 130
H = top_px + 2 * (head_px + foot_px) + (nratios + ncases) * row_px
set terminal svg size 1100, H noenhanced font 'sans,14' background rgb 'white'

# Panel edges in screen coordinates, from pixels down from the top. The
# labels take the left third; the medians are written in the right margin.
sy(px) = 1.0 - px / real(H)
p1_top = top_px + head_px
p1_bot = p1_top + nratios * row_px
p2_top = p1_bot + foot_px + head_px
p2_bot = p2_top + ncases * row_px
left = 0.32; right = 0.82

green = '#1a9850'; red = '#d73027'; grey = '#404040'
# Colours as numbers, for "lc rgb variable" (the high byte: transparency).
met_rgb(s) = s eq 'met' ? 0x1a9850 : (s eq 'MISSED' ? 0xd73027 : 0x404040)
fam_rgb(s) = s eq 'floor' ? 0x707070 : (s eq 'qemu' ? 0xd95f02 : 0x2166ac)
faint = 0x99000000
# The samples just under their row's min-max line, not hidden by it.
dots = 0.2

# Log tics at 1, 2 and 5 a decade: a reader reads 0.5 or 20 off the axis.
set logscale x
set xtics scale 0.5, 0 nomirror
do for [e = -3:6] {
	do for [m in "1 2 5"] {
		v = m * 10.0 ** e
		set xtics add (sprintf('%g', v) v)
	}
}
set mxtics 10
set grid xtics back lc rgb '#e4e4e4' lw 1 dt solid
set ytics scale 0 nomirror
set border 3 lc rgb grey
set lmargin at screen left; set rmargin at screen right
set datafile missing 'NaN'
set style fill transparent solid 0.18 noborder
set errorbars small

set multiplot title title . "\n" . where font ',15'

# ---- the ratios
set tmargin at screen sy(p1_top); set bmargin at screen sy(p1_bot)
set title 'kvmrun against the floor and QEMU: paired ratios per round, with their bars' font ',15' offset 0, -0.3
set xrange [rlo:rhi]
set yrange [nratios + 0.5:0.5]
set xlabel sprintf('ratio, one a round (%d rounds), log scale; the grey line: 1 (parity)', rounds) offset 0, 0.3
set arrow 1 from 1, graph 0 to 1, graph 1 nohead lc rgb '#808080' lw 1.2 back
set key at screen left, screen sy(p1_bot + 62) left top horizontal maxcols 3 reverse Left samplen 1 width 2 font ',12' noautotitle
# The shaded box runs from the bar to the end of the axis on the side that
# meets it (the left one for a "le" bar, the right one for "ge"); rows
# without a bar have NaN there and get none.
plot \
	'ratios.dat' using (strcol(7) eq 'le' ? sqrt(rlo * $6) : sqrt($6 * rhi)):1:(strcol(7) eq 'le' ? rlo : $6):(strcol(7) eq 'le' ? $6 : rhi):($1 - 0.4):($1 + 0.4) \
		with boxxyerror lc rgb green, \
	'' using 6:($1 - 0.4):(0):(0.8) with vectors nohead lw 2.5 lc rgb green, \
	'ratio-samples.dat' using 2:($1 + dots):(faint + 0x2166ac) with points pt 7 ps 0.45 lc rgb variable, \
	'ratios.dat' using 4:1:($3 > rlo ? $3 : rlo):5:ytic(2) with xerrorbars pt -1 lw 1.5 lc rgb grey, \
	'' using 4:1:(met_rgb(strcol(8))) with points pt 13 ps 1.1 lc rgb variable, \
	'' using (rhi):1:9 with labels left offset 1.5, 0 font ',12', \
	NaN with points pt 13 ps 1 lc rgb green title 'median: bar met', \
	NaN with points pt 13 ps 1 lc rgb red title 'median: bar missed', \
	NaN with points pt 13 ps 1 lc rgb grey title 'median: no bar', \
	NaN with lines lw 1.5 lc rgb grey title 'min-max', \
	NaN with points pt 7 ps 0.6 lc rgb '#2166ac' title 'each round', \
	NaN with boxes lc rgb green title 'where the bar is met'
unset arrow 1

# ---- the wall times
set tmargin at screen sy(p2_top); set bmargin at screen sy(p2_bot)
set title sprintf('exec→exit wall time of every run, by case (*_n, *_exits: %d exits a run)', exits) font ',15' offset 0, -0.3
set xrange [wlo:whi]
set yrange [ncases + 0.5:0.5]
set xlabel 'ms, posix_spawn to wait4, log scale' offset 0, 0.3
set key at screen left, screen sy(p2_bot + 62) left top horizontal maxcols 3 reverse Left samplen 1 width 2 font ',12' noautotitle
plot \
	'wall-samples.dat' using 2:($1 + dots):(faint + fam_rgb(strcol(3))) with points pt 7 ps 0.45 lc rgb variable, \
	'wall.dat' using 4:1:3:5:(fam_rgb(strcol(6))):ytic(2) with xerrorbars pt -1 lw 1.5 lc rgb variable, \
	'' using 4:1:(fam_rgb(strcol(6))) with points pt 13 ps 1.1 lc rgb variable, \
	'' using (whi):1:7 with labels left offset 1.5, 0 font ',12', \
	NaN with points pt 13 ps 1 lc rgb '#707070' title 'floor', \
	NaN with points pt 13 ps 1 lc rgb '#2166ac' title 'kvmrun', \
	NaN with points pt 13 ps 1 lc rgb '#d95f02' title (have_qemu ? 'QEMU' : ''), \
	NaN with points pt 13 ps 1 lc rgb grey title 'median', \
	NaN with lines lw 1.5 lc rgb grey title 'min-max', \
	NaN with points pt 7 ps 0.6 lc rgb grey title 'each run'

unset multiplot
