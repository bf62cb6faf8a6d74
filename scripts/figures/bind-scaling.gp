# Bind-mount scaling: median start latency against N extra binds, p10-p90 error bars,
# log-log; dashed: each tool's median at N = 0; open symbols: points only hyperfine
# measured. Data: fig-bind-scaling.dat, -base.dat, -extra.dat.
load styledir.'/style.gp'
load datbase.'.gpi'
set logscale xy 10
set format y LOGFMT
set format x LOGFMT
set xrange [5:2000]
set xlabel 'extra read-only bind mounts, N'
set ylabel 'start to reaped ('.US.')'
set grid xtics ytics mytics
set mytics 10
set key top left
plot for [t=0:NTOOLS-1] datbase.'.dat' using 3:(column(1)==t ? $4 : NaN):5:6 \
         with yerrorlines title word(TOOLS, t+1) lt t+1 dt t+1, \
     for [t=0:NTOOLS-1] datbase.'-base.dat' using (5):(column(1)==t ? $3 : NaN):(2000-5):(0) \
         with vectors nohead dt 2 lw 0.8 lt t+1 notitle, \
     for [t=0:NTOOLS-1] datbase.'-extra.dat' using 3:(column(1)==t && HAVE_EXTRA ? $4 : NaN):5:6 \
         with yerrorbars lt t+1 pt 6 ps 1.1 notitle
