# Grouped bars with min-max whiskers, two bars per group (B1, B2): shared by the example
# applications' figures. Data: datbase.'.dat' (i, group, med1, min1, max1, med2, ...).
load styledir.'/style.gp'
load datbase.'.gpi'
set style histogram errorbars gap 1.5 lw 1
set boxwidth 0.9
set ylabel YLABEL
if (exists("LOGY")) {
    # The two loads differ by orders of magnitude: a log axis keeps both readable.
    set logscale y 10
    set format y LOGFMT
    set yrange [LOGY:*]
    set grid ytics mytics
    set mytics 10
} else {
    set yrange [0:*]
}
set xtics scale 0
set key outside top center horizontal samplen 1.5
plot datbase.'.dat' using 3:4:5:xtic(2) title B1 lt 1 fs solid 0.85, \
     ''             using 6:7:8 title B2 lt 2 fs pattern 4
