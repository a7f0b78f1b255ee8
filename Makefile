# c360 — every entry point a person or CI uses. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

PKG_VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -1)
GIT_SHA := $(shell git rev-parse --short HEAD 2>/dev/null || echo nogit)
VERSION ?= $(PKG_VERSION)+$(GIT_SHA)
DIST := dist/$(VERSION)

DEMO_CUSTOMERS ?= 10000
DEMO_SEED ?= 42
DEMO_DIR ?= demo

.PHONY: help setup demo test test-fast lint build clean

help: ## list targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (c360 needs Python 3.11)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[spark,identity,postgres,dev]'
	@rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP) ## create .venv and install c360 with all extras (idempotent)

demo: setup ## run the whole pipeline locally on the embedded default and print a sample profile
	$(VENV)/bin/c360 demo --customers $(DEMO_CUSTOMERS) --seed $(DEMO_SEED) --workdir $(DEMO_DIR)

test: setup ## run the test suite (unit, engine parity, end to end)
	$(VENV)/bin/pytest -q -n 2 --dist loadgroup tests

lint: setup ## ruff + mypy
	$(VENV)/bin/ruff check src tests jobs lambdas
	$(VENV)/bin/mypy src/c360

build: setup ## versioned artifacts under dist/<version>/
	$(PY) -m c360.build --version '$(VERSION)' --out $(DIST)

clean: ## remove build outputs, demo lake and caches
	rm -rf dist build $(DEMO_DIR) .pytest_cache .ruff_cache .mypy_cache spark-warehouse metastore_db derby.log
