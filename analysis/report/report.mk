# report.mk -- the figures and docs/report.pdf, from the CSV files of
# build/mada-analysis only (no number is typed by hand in the report).
# Included from the top Makefile, or standalone:
#   make -f analysis/report/report.mk report
#   make -f analysis/report/report.mk DATA=/tmp/reportdata FIGDIR=/tmp/fig PDF=/tmp/report.pdf report
# Targets:
#   report                 figures (PDF and PNG), tables, then $(PDF) (pdflatex
#                          at least twice, until no rerun is asked, at most 4)
#   figures                only the figures, for the CSV files that exist in $(DATA)
#   report-tables          only the LaTeX fragments in $(REPORT_BUILD)
#   $(FIGDIR)/NAME.pdf, $(FIGDIR)/NAME.png   one figure (NAME: see REPORT_FIGS)
#   report-selftest        the whole pipeline on synthetic data, all output in /tmp
#   report-clean           remove $(REPORT_BUILD) (not the figures nor $(PDF))
# Figures are remade when their CSV or script is newer; after pointing DATA at
# another directory use make -B (or delete the figures).
# Tools: gnuplot 5.4 (cairo terminals), pdflatex (texlive latex-extra), awk.

BUILD        ?= build
DATA         ?= docs/data
FIGDIR       ?= docs/figures
PDF          ?= docs/report.pdf
REPORT_BUILD ?= $(BUILD)/report
REPORT_TEX   ?= docs/report.tex
GNUPLOT      ?= gnuplot
PDFLATEX     ?= pdflatex
REPORT_SRC   := analysis/report

# figure name -> the CSV it is drawn from
REPORT_FIGS := toy toy_coef terms bounds rates precision errors
REPORT_CSV_toy := toy.csv
REPORT_CSV_toy_coef := toy.csv
REPORT_CSV_terms := terms.csv
REPORT_CSV_bounds := bounds.csv
REPORT_CSV_rates := rates.csv
REPORT_CSV_precision := precision.csv
REPORT_CSV_errors := errors_summary.csv

# the figures whose CSV exists
REPORT_FIGS_AVAIL := $(foreach f,$(REPORT_FIGS),$(if $(wildcard $(DATA)/$(REPORT_CSV_$(f))),$(f)))
REPORT_FIG_FILES  := $(foreach f,$(REPORT_FIGS_AVAIL),$(FIGDIR)/$(f).pdf $(FIGDIR)/$(f).png)

.PHONY: report figures report-tables report-selftest report-clean

report: figures report-tables
	@mkdir -p $(REPORT_BUILD) $(dir $(PDF))
	@echo "pdflatex $(REPORT_TEX) -> $(PDF) (log: $(REPORT_BUILD)/report.log)"
	@for pass in 1 2 3 4; do \
	  TEXINPUTS="$(REPORT_BUILD):$(FIGDIR):$(dir $(REPORT_TEX)):$$TEXINPUTS:" \
	    $(PDFLATEX) -interaction=nonstopmode -halt-on-error -file-line-error \
	      -output-directory $(REPORT_BUILD) $(REPORT_TEX) > $(REPORT_BUILD)/pdflatex-$$pass.out 2>&1 || \
	    { echo "pdflatex failed (pass $$pass):"; tail -n 30 $(REPORT_BUILD)/pdflatex-$$pass.out; exit 1; }; \
	  if [ $$pass -ge 2 ] && ! grep -v '^Package: rerunfilecheck' $(REPORT_BUILD)/report.log | grep -q 'Rerun'; then break; fi; \
	done
	@if grep -q 'undefined references\|Reference .* undefined\|Citation .* undefined' $(REPORT_BUILD)/report.log; then \
	  echo "report: undefined references after the second pass:"; \
	  grep 'undefined' $(REPORT_BUILD)/report.log; exit 1; fi
	@if grep -q 'is not in claims.csv' $(REPORT_BUILD)/report.log; then \
	  echo "report: WARNING: the text cites claims that $(DATA)/claims.csv lacks:"; \
	  grep -o 'claim [A-Za-z0-9-]* is not in claims.csv' $(REPORT_BUILD)/report.log | sort -u; fi
	cp $(REPORT_BUILD)/report.pdf $(PDF)

figures: $(REPORT_FIG_FILES)
	@for f in $(filter-out $(REPORT_FIGS_AVAIL),$(REPORT_FIGS)); do \
	  echo "figures: no $(DATA)/ CSV for $$f; figure skipped"; done

# One figure per script: make docs/figures/toy.png
$(FIGDIR)/%.pdf: $(REPORT_SRC)/%.gp $(REPORT_SRC)/common.gp
	@mkdir -p $(dir $@)
	$(GNUPLOT) -e "data='$(DATA)'; out='$@'; term='pdf'" $<

$(FIGDIR)/%.png: $(REPORT_SRC)/%.gp $(REPORT_SRC)/common.gp
	@mkdir -p $(dir $@)
	$(GNUPLOT) -e "data='$(DATA)'; out='$@'; term='png'" $<

# each figure also depends on its CSV
$(foreach f,$(REPORT_FIGS),$(eval $(FIGDIR)/$(f).pdf $(FIGDIR)/$(f).png: $(DATA)/$(REPORT_CSV_$(f))))

# The fragments are cheap: always regenerated, so that DATA may change.
report-tables:
	sh $(REPORT_SRC)/tables.sh $(DATA) $(REPORT_BUILD)

report-selftest:
	rm -rf /tmp/mada-report-selftest
	sh $(REPORT_SRC)/synthetic-data.sh /tmp/mada-report-selftest/data
	$(MAKE) -f $(REPORT_SRC)/report.mk report DATA=/tmp/mada-report-selftest/data \
	  FIGDIR=/tmp/mada-report-selftest/figures PDF=/tmp/mada-report-selftest/report.pdf \
	  REPORT_BUILD=/tmp/mada-report-selftest/build
	@echo "report-selftest: /tmp/mada-report-selftest/report.pdf (synthetic numbers)"

report-clean:
	rm -rf $(REPORT_BUILD)
