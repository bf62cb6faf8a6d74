# Throughput under concurrency: voids started and reaped per second against the number of
# concurrent creators, one line per kind of start. Data: fig-throughput.dat.
load styledir.'/style.gp'
load datbase.'.gpi'
set xlabel 'concurrent creator processes'
set ylabel 'voids per second (s^{-1})'
if (fmt eq 'tex') set ylabel 'voids per second (s$^{-1}$)'
set autoscale xfix
set offsets 0.2, 0.2, 0, 0
# Bare clone3 without namespaces is an order of magnitude above any void: log scale.
set logscale y 10
set format y LOGFMT
set grid ytics mytics
set mytics 10
set key outside right top vertical Left reverse
plot for [l=0:NLABELS-1] datbase.'.dat' using 3:(column(1)==l ? $4 : NaN) \
         with linespoints title word(LABELS, l+1) lt l+1 dt l+1
