# The escape matrix as a heat map: one cell per probe (x) and target/user (y), coloured by
# the final verdict; dots mark accepted leaks. Data: fig-escape-matrix.dat (+ -accepted.dat).
load styledir.'/style.gp'
load datbase.'.gpi'
unset grid
set border 0
set xtics rotate by 90 right font ',5' scale 0 offset 0,0.2
set ytics scale 0
set xrange [-0.5:NPROBES-0.5]
set yrange [-0.5:NCOLS-0.5] reverse
set cbrange [-0.5:6.5]
# One Okabe-Ito colour per verdict, in VERDICTS' order:
# CONTAINED green, SKIP grey, INFO sky blue, EXPOSED yellow, LEAK orange, ESCAPED vermilion,
# ERROR purple.
set palette maxcolors 7
set palette defined (0 OI_GREEN, 1 '#BBBBBB', 2 OI_SKY, 3 OI_YELLOW, 4 OI_ORANGE, \
                     5 OI_VERMIL, 6 OI_PURPLE)
set cbtics ('contained' 0, 'skip' 1, 'info' 2, 'exposed' 3, 'leak' 4, 'escaped' 5, 'error' 6) scale 0
set colorbox user origin graph 1.01, graph 0.0 size character 1.2, graph 1
set lmargin 17
set rmargin 11
plot datbase.'.dat' using 1:2:3 with image pixels notitle, \
     datbase.'-accepted.dat' using 1:2 with points pt 7 ps 0.25 lc rgb OI_BLACK notitle
