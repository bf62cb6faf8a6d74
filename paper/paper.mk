# The dissertation (paper/): figures and tables generated from results/, then LaTeX.
#
#   make figures      gnuplot: results/ -> paper/generated/fig-*.{pdf,tex,png} (+ floats)
#   make tables       paper/generated/{namespaces-table,escape-summary,escape-matrix,
#                     detach-table,numbers}.tex: Table 1 from the man pages, the rest and
#                     every number the text quotes from results/
#   make paper        both, then paper/void-processes.pdf (installs the paper group)
#   make paper-test   part of `make test`: regenerate everything into a temporary
#                     directory and check it, compile and run the paper's snippets, and
#                     (only if pdflatex is installed) build the paper there and check that
#                     no reference, citation or number is undefined
#
# PAPER_BENCH_RUN=results/bench/NAME, PAPER_PROBE_RUN=results/probes/NAME.csv and
# PAPER_APPS_RUN=results/apps/NAME pick a run other than the committed reference one; a
# run named so may be a local, uncommitted one (make paper PAPER_BENCH_RUN=results/bench/
# local-...): otherwise only committed results are read.
PAPER_GEN  := paper/generated
PAPER_PDF  := paper/void-processes.pdf
PAPER_WORK := $(BUILD)/paper
PAPER_GEN_ARGS = $(if $(PAPER_BENCH_RUN),--bench-run $(PAPER_BENCH_RUN)) \
                 $(if $(PAPER_PROBE_RUN),--probe-run $(PAPER_PROBE_RUN)) \
                 $(if $(PAPER_APPS_RUN),--apps-run $(PAPER_APPS_RUN))

.PHONY: figures tables paper paper-test paper-evaluate paper-snippets deps-paper deps-figures

deps-paper:
	@$(DEPS) paper

# gnuplot alone (the figures' part of `make test`; the TeX Live part is never installed by
# make test): as root, install gnuplot-nox when it is missing; otherwise say how.
deps-figures:
	@command -v gnuplot >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && [ "$${VOID_DEPS_SKIP:-0}" != 1 ]; then \
	    echo "paper: installing gnuplot-nox" >&2; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends gnuplot-nox >/dev/null 2>&1 || { \
	      apt-get update -q >/dev/null && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends gnuplot-nox; }; \
	  else echo "paper: gnuplot missing: sudo apt-get install -y gnuplot-nox" >&2; exit 1; fi; }

figures: deps-figures
	$(PYTHON) scripts/make_figures.py --out $(PAPER_GEN) $(PAPER_GEN_ARGS)

tables:
	$(PYTHON) scripts/make_tables.py --out $(PAPER_GEN) $(PAPER_GEN_ARGS)

paper: deps-paper figures tables
	@paper/build.sh $(PAPER_GEN) $(PAPER_WORK) $(PAPER_PDF)

# `make evaluate`: figures and tables always; the PDF when LaTeX is there (as root the
# paper group is installed first; otherwise deps.sh prints the apt-get line).
paper-evaluate:
	-@$(DEPS) paper
	@$(MAKE) --no-print-directory figures tables
	@if command -v pdflatex >/dev/null 2>&1; then \
	  paper/build.sh $(PAPER_GEN) $(PAPER_WORK) $(PAPER_PDF); \
	else echo "paper: pdflatex not installed: figures and tables only (scripts/deps.sh paper)"; fi

paper-snippets:
	@paper/snippets/run.sh $(CC)

paper-test: deps-figures
	@tmp=$$(mktemp -d "$${TMPDIR:-/tmp}/void-paper-test.XXXXXX"); \
	trap 'rm -rf "$$tmp"' EXIT INT TERM; \
	$(PYTHON) scripts/make_figures.py --out $$tmp/generated $(PAPER_GEN_ARGS) && \
	$(PYTHON) scripts/make_tables.py --out $$tmp/generated $(PAPER_GEN_ARGS) && \
	$(PYTHON) scripts/tables/check_generated.py $$tmp/generated && \
	paper/snippets/run.sh $(CC) && \
	if command -v pdflatex >/dev/null 2>&1; then \
	  paper/build.sh $$tmp/generated $$tmp/build $$tmp/void-processes.pdf && \
	  $(PYTHON) scripts/tables/check_generated.py $$tmp/generated \
	      --latex-log $$tmp/build/void-processes.log; \
	else echo "paper-test: pdflatex not installed: the LaTeX build is not checked (scripts/deps.sh paper)"; fi

EVALUATE_LAST += paper-evaluate
TEST_TARGETS += paper-test
