# `make` installs and builds every table; `make test` runs the tests. Targets
# are real files, so a second `make` with nothing changed does no work.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CLI := $(VENV)/bin/paper-claims
INSTALLED := $(VENV)/.installed
# The project itself is installed editable, so that `paper-claims` runs this
# checkout's code. Its stamp names the checkout: a .venv shared by several
# checkouts is pointed at the last one that ran make.
PROJECT := $(VENV)/.installed-$(shell printf '%s' '$(CURDIR)' | cksum | cut -d' ' -f1)
RAW := $(wildcard data/raw/*)
CODE := $(shell find pipeline schemas -type f \( -name '*.py' -o -name '*.toml' -o -name '*.csv' -o -name '*.txt' \) -not -path '*/__pycache__/*' -not -name 'report*')
TABLES := data/processed/claims.parquet
DEV2_INPUT := tests/golden/dev2-abstracts.jsonl
DEV2 := build/dev2/claims.parquet
EXTERNAL ?=
# `make bench`: the large corpus (memory at scale; --workers 2 vs 1 build
# 60,000 of it); BENCH_ARGS adds options of bench/run.py, e.g.
# BENCH_ARGS="--huge 1000000" for the memory and time of a million abstracts.
BENCH_N ?= 100000
BENCH_ARGS ?=
# Slow tests not yet marked @pytest.mark.slow in their own files: test-fast
# leaves them out by name until they are.
SLOW_UNMARKED := \
  tests/test_dask.py::test_dask_engine_matches_local_build \
  tests/test_bad_inputs.py::test_unknown_format_exits_1_and_names_the_file \
  tests/test_report_browser.py

.DEFAULT_GOAL := all

all: $(TABLES) ## Install (if needed) and build every table in data/processed/

$(INSTALLED): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(PROJECT): $(INSTALLED) pyproject.toml
	$(PY) -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

$(TABLES): $(PROJECT) $(RAW) $(CODE)
	$(CLI) build data/raw --out data/processed

$(DEV2): $(PROJECT) $(DEV2_INPUT) $(CODE)
	$(CLI) build $(DEV2_INPUT) --out build/dev2 --no-data-docs --no-progress

test: $(PROJECT) ## Run the whole test suite (dev-set floors, golden cases, end to end, a newcomer's first run)
	$(PY) -m pytest

test-fast: $(PROJECT) ## The tests without the slow end-to-end cases (a few minutes)
	$(PY) -m pytest -m "not slow" $(addprefix --deselect ,$(SLOW_UNMARKED))

eval: $(TABLES) $(DEV2) ## Score dev (data/processed) and dev2 (build/dev2); errors to reports/eval_errors_*.tsv
	$(CLI) eval$(if $(EXTERNAL), --external $(EXTERNAL))

report: reports/claims.html ## A self-contained HTML page: claims table (filters, search, CSV), each paper's view, plots

reports/claims.html: $(TABLES) pipeline/report.py $(wildcard pipeline/resources/report*)
	$(CLI) report --tables data/processed --out $@

bench: $(PROJECT) ## The CLI against quantulum3 (CPU), stage shares, peak memory, 2 workers vs 1; reports/bench.json
	$(PY) -m pip install --quiet -r requirements-bench.txt
	$(PY) -m bench.run --n $(BENCH_N) $(BENCH_ARGS)

clean: ## Remove every built artefact: tables, claims.duckdb, data docs, reports/, build/ (keeps .venv)
	rm -rf data/processed/* data/processed/.generations data/processed/.lock data/processed/.link-* \
	  data/processed/.building-* data/processed/.data_docs-* data/processed/.claims.duckdb.tmp \
	  data/processed/.duckdb.tmp reports build

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

.PHONY: all test test-fast eval report bench clean help
