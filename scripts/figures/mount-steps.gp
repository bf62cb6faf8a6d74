# The kernel steps of voiding a mount namespace (bench/mount_steps.c): medians, stacked,
# one bar per way of running. Data: fig-mount-steps.dat.
load styledir.'/style.gp'
load datbase.'.gpi'
set style histogram rowstacked gap 1
set boxwidth 0.55
set ylabel 'time ('.US.')'
set yrange [0:*]
set key outside right top vertical Left reverse samplen 1.5
set xtics scale 0
COLS = OI_BLUE.' '.OI_ORANGE.' '.OI_GREEN.' '.OI_VERMIL.' '.OI_SKY.' '.OI_PURPLE.' '.OI_YELLOW.' '.OI_GREY
col(i) = word(COLS, (i-1)%8+1)
plot for [i=1:NSTEPS] datbase.'.dat' using (column(i+1)):xtic(1) \
         title word(STEPS, i) lc rgb col(i) fs solid 0.9 border lc rgb "#333333"
