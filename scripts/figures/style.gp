# The one style every figure of the dissertation shares. Load it after setting:
#   fmt      'tex' (cairolatex: text set by LaTeX in the document's own font) or 'png'
#   outbase  output path without extension
#   W, H     size in inches (defaults 5.6 x 2.8: the paper's text width)
# scripts/make_figures.py sets fmt, outbase and datbase (the data files' common prefix).
if (!exists("W")) W = 5.6
if (!exists("H")) H = 2.8
if (!exists("fmt")) fmt = 'png'

if (fmt eq 'tex') {
    # The labels are typeset by LaTeX (the paper wraps each figure in \footnotesize), so the
    # figure uses the document's font; 8pt is the size gnuplot assumes when it lays out.
    set terminal cairolatex pdf input size W,H font ',8' fontscale 1 linewidth 1.4 \
        color dashlength 1.2
    set output outbase.'.tex'
    US = '$\mu$s'
    LOGFMT = '$10^{%L}$'
} else {
    # The quick-view PNG: the same layout at 150 dpi in a serif face close to the paper's.
    set terminal pngcairo size W*150,H*150 font 'Nimbus Roman,10' fontscale 1.1 \
        linewidth 1.6 enhanced
    set output outbase.'.png'
    US = 'µs'
    LOGFMT = '10^{%L}'
}

# Okabe & Ito's colour-blind-safe palette, in their order; each series also gets its own
# point type (pt) and dash type, so the figures read in greyscale too.
OI_BLACK  = '#000000'
OI_ORANGE = '#E69F00'
OI_SKY    = '#56B4E9'
OI_GREEN  = '#009E73'
OI_YELLOW = '#F0E442'
OI_BLUE   = '#0072B2'
OI_VERMIL = '#D55E00'
OI_PURPLE = '#CC79A7'
OI_GREY   = '#999999'

set linetype 1 lc rgb OI_BLUE   pt 7  ps 0.8 dt solid
set linetype 2 lc rgb OI_VERMIL pt 5  ps 0.8 dt solid
set linetype 3 lc rgb OI_GREEN  pt 9  ps 0.9 dt solid
set linetype 4 lc rgb OI_ORANGE pt 13 ps 0.9 dt solid
set linetype 5 lc rgb OI_SKY    pt 11 ps 0.9 dt solid
set linetype 6 lc rgb OI_PURPLE pt 15 ps 0.9 dt solid
set linetype 7 lc rgb OI_YELLOW pt 3  ps 0.9 dt solid
set linetype 8 lc rgb OI_BLACK  pt 1  ps 0.9 dt solid
set linetype 9 lc rgb OI_GREY   pt 2  ps 0.9 dt solid
set linetype cycle 9

set datafile separator tab
set datafile missing 'NaN'
set border 3 lw 0.8
set tics nomirror out scale 0.6
set grid ytics lw 0.5 lc rgb '#DDDDDD'
set key top left Left reverse noautotitle samplen 2 spacing 1.1 width -1
set style fill solid 0.85 border lc rgb '#333333'
set style data histograms
set bars 0.6
