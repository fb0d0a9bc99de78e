# `make` builds every table; `make test` runs the tests. Targets are real
# files, so a second `make` with nothing changed does no work.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
RAW := $(wildcard data/raw/*)
CODE := $(shell find pipeline schemas -type f \( -name '*.py' -o -name '*.toml' -o -name '*.csv' -o -name '*.txt' \) -not -path '*/__pycache__/*')
TABLES := data/processed/claims.parquet
BENCH_N ?= 100000

.DEFAULT_GOAL := all

all: $(TABLES) ## Install (if needed) and build every table in data/processed/

$(INSTALLED): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(TABLES): $(INSTALLED) $(RAW) $(CODE)
	$(PY) -m pipeline build data/raw --out data/processed

test: $(INSTALLED) $(TABLES) ## Run the test suite (dev-gold floor, golden cases, end to end)
	$(PY) -m pytest

eval: $(INSTALLED) $(TABLES) ## Score data/processed against the dev gold; errors to reports/eval_errors.tsv
	$(PY) -m pipeline eval

report: reports/claims.html ## A self-contained HTML report: plots and a searchable table of claims

reports/claims.html: $(TABLES) pipeline/report.py pipeline/resources/report.html
	$(PY) -m pipeline.report --tables data/processed --out $@

bench: $(INSTALLED) ## Throughput (abstracts/s), stage shares and peak memory on a resampled corpus
	$(PY) -m pip install --quiet -r requirements-bench.txt
	$(PY) -m bench.run --n $(BENCH_N)

clean: ## Remove the built tables and reports (keeps .venv)
	rm -rf data/processed/*.parquet data/processed/.building-* reports

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

.PHONY: all test eval report bench clean help
