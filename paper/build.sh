#!/bin/sh
# Builds the dissertation from paper/ and a directory of generated figures and tables.
#
#   paper/build.sh GENERATED_DIR WORK_DIR OUT.pdf
#
# Copies the LaTeX sources, the snippets and GENERATED_DIR into WORK_DIR (so the source
# tree gets no auxiliary files), runs pdflatex, bibtex, pdflatex twice, and copies the PDF
# to OUT.pdf. On failure it prints the end of the LaTeX log. Needs the paper group of
# scripts/deps.sh.
set -eu
gen=$1 work=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work/generated" "$work/snippets"
cp "$here"/*.tex "$here"/refs.bib "$work/"
cp "$here"/snippets/* "$work/snippets/"
cp -R "$gen"/. "$work/generated/"
cd "$work"
latex() {
    if ! pdflatex -interaction=nonstopmode -halt-on-error -file-line-error void-processes.tex \
            >pdflatex.out 2>&1; then
        grep -E -A4 '^[^ ]+:[0-9]+:|^! ' void-processes.log | head -40 >&2 || tail -30 pdflatex.out >&2
        echo "paper/build.sh: pdflatex failed; log: $work/void-processes.log" >&2
        exit 1
    fi
}
latex
bibtex void-processes >bibtex.out 2>&1 || { cat bibtex.out >&2; echo "paper/build.sh: bibtex failed" >&2; exit 1; }
latex
latex
pages=$(sed -n 's/^Output written on .* (\([0-9]*\) pages.*/\1/p' void-processes.log)
mkdir -p "$(dirname "$out")"
case "$out" in /*) ;; *) out="$OLDPWD/$out" ;; esac
cp void-processes.pdf "$out"
echo "paper: $out (${pages:-?} pages)"
