# The example applications: median per case with p10-p90 error bars. Data: fig-apps.dat.
load styledir.'/style.gp'
load datbase.'.gpi'
if (UNIT eq 'µs') UNIT = US
set style data yerrorbars
set ylabel 'time ('.UNIT.')'
set yrange [0:*]
set xtics rotate by -35 left scale 0
set xrange [-0.6:*]
set offsets 0, 0.6, 0, 0
plot datbase.'.dat' using 1:3:4:5:xtic(2) notitle lt 1 pt 7
