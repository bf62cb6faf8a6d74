# Startup latency of void-shim against the floor and the peers: medians with p10-p90
# error bars, one series per user, log scale. Data: fig-startup.dat.
load styledir.'/style.gp'
load datbase.'.gpi'
set style data yerrorbars
set logscale y 10
set format y LOGFMT
set ylabel 'start to reaped ('.US.')'
set xrange [-0.6:*]
set xtics rotate by -35 left scale 0
set grid ytics mytics
set mytics 10
set key top left
set offsets 0, 0.6, 0, 0
plot datbase.'.dat' using ($1-0.12):3:4:5:xtic(2) title U1 lt 1 pt 7, \
     ''             using ($1+0.12):6:7:8 title U2 lt 2 pt 5
