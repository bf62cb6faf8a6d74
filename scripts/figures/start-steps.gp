# Where a start goes, end to end (e2e_steps): per user a bar of the floor, what each of
# the shim's steps adds to it and the rest of void-shim, stacked; the diamond is the
# shim's median, the red bar 1.15 times the floor's. Data: fig-start-steps.dat (columns:
# bar, the NPARTS parts, shim, target).
load styledir.'/style.gp'
load datbase.'.gpi'
set style histogram rowstacked gap 1
set boxwidth 0.55
set ylabel 'start to reaped ('.US.')'
set yrange [0:*]
set key outside right top vertical Left reverse samplen 1.5 maxrows 12 spacing 0.9
set xtics scale 0
# The floor in grey, the steps in Okabe-Ito colours, the shim's rest hatched.
COLS = OI_GREY.' '.OI_BLUE.' '.OI_ORANGE.' '.OI_GREEN.' '.OI_VERMIL.' '.OI_SKY.' '.OI_PURPLE.' '.OI_YELLOW.' '.OI_BLACK
col(i) = word(COLS, (i-1)%9+1)
plot for [i=1:NPARTS-1] datbase.'.dat' using (column(i+1)):xtic(1) \
         title word(PARTS, i) lc rgb col(i) fs solid 0.9 border lc rgb "#333333", \
     '' using (column(NPARTS+1)) title word(PARTS, NPARTS) lc rgb OI_BLACK fs pattern 4 \
         border lc rgb "#333333", \
     '' using 0:(column(NPARTS+2)) with points pt 12 ps 1.3 lc rgb OI_BLACK title 'void-shim', \
     '' using 0:(column(NPARTS+3)):(0.36) with xerrorbars pt 0 lw 2.5 lc rgb OI_VERMIL \
         title '1.15 x floor (target)'
