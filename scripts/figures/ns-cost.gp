# Cost of each namespace flag: clustered bars (create, round trip) with the bootstrap 95%
# confidence interval of the median. Data: fig-ns-cost.dat (scripts/make_figures.py).
load styledir.'/style.gp'
load datbase.'.gpi'
set style histogram errorbars gap 1.5 lw 1
set boxwidth 0.9
set ylabel 'time ('.US.')'
set yrange [0:*]
set xtics rotate by -35 left scale 0
set key top left
if (BASE == BASE) {
    set arrow 1 from graph 0, first BASE to graph 1, first BASE nohead dt 2 lw 1 lc rgb OI_GREY
}
plot datbase.'.dat' using 3:4:5:xtic(2) title 'create' lt 1 fs solid 0.85, \
     ''             using 6:7:8 title 'round trip' lt 2 fs pattern 4
