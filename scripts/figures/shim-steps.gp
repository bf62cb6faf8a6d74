# Per-step breakdown of a void-shim start: medians of each --timings step, stacked, one
# bar per user; the diamond is the median total. Data: fig-shim-steps.dat.
load styledir.'/style.gp'
load datbase.'.gpi'
set style histogram rowstacked gap 1
set boxwidth 0.55
set ylabel 'time ('.US.')'
set yrange [0:*]
set key outside below center horizontal Left reverse samplen 1.5 maxcols 5 width 1
set xtics scale 0
# Okabe-Ito colours, then the same colours with a hatch for the steps beyond eight.
COLS = OI_BLUE.' '.OI_ORANGE.' '.OI_GREEN.' '.OI_VERMIL.' '.OI_SKY.' '.OI_PURPLE.' '.OI_YELLOW.' '.OI_GREY
col(i) = word(COLS, (i-1)%8+1)
plot for [i=1:(NSTEPS < 8 ? NSTEPS : 8)] datbase.'.dat' using (column(i+1)):xtic(1) \
         title word(STEPS, i) lc rgb col(i) fs solid 0.9 border lc rgb "#333333", \
     for [i=9:NSTEPS] datbase.'.dat' using (column(i+1)) \
         title word(STEPS, i) lc rgb col(i) fs pattern 5 border lc rgb "#333333", \
     '' using 0:(column(NSTEPS+2)) with points pt 12 ps 1.3 lc rgb OI_BLACK title 'total'
