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

# Terraform's AWS provider is mirrored locally (no registry access): override to point elsewhere.
TF_PLUGIN_DIR ?= /opt/tf-plugins
export TF_PLUGIN_DIR

DEMO_CUSTOMERS ?= 10000
DEMO_SEED ?= 42
DEMO_DIR ?= demo

.PHONY: help setup demo test test-fast lint build clean emulator test-integration stepfunctions catalog-manifest bench-serving bench-identity

# asl-validator (npm) checks the generated Step Functions definitions in the tests.
ASL_TOOLS := tools/asl/node_modules/.package-lock.json

help: ## list targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (c360 needs Python 3.11)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[spark,identity,postgres,dev]'
	@rm -f $(VENV)/.installed-* && touch $@

$(ASL_TOOLS): tools/asl/package-lock.json
	@command -v npm >/dev/null || { echo "error: npm not found (the ASL validator needs Node.js)"; exit 1; }
	npm ci --prefix tools/asl --no-audit --no-fund --loglevel=error

setup: $(STAMP) $(ASL_TOOLS) browser jdbc-driver ## create .venv and install c360 with all extras (idempotent)

demo: setup ## run the whole pipeline locally on the embedded default and print a sample profile
	C360_LOG_LEVEL=$${C360_LOG_LEVEL:-WARNING} $(VENV)/bin/c360 demo --customers $(DEMO_CUSTOMERS) --seed $(DEMO_SEED) --workdir $(DEMO_DIR)

# Suites marked `slow` (whole-pipeline Spark parity, crash recovery, erasure end to end,
# terraform apply to the emulator) run in CI (CI=true) and with `make test-all`.
TEST_MARKS := $(if $(filter true 1,$(CI)),not own_jvm,not slow and not own_jvm)

# Tests marked own_jvm need a JVM started with their spark.jars: a second pytest process.
test: setup ## run the test suite (CI=true adds the slow suites)
	$(VENV)/bin/pytest -q -n 2 --dist loadgroup -m "$(TEST_MARKS)" tests
	$(VENV)/bin/pytest -q -n 0 -m own_jvm tests

test-all: setup ## every suite, slow ones included (what CI runs)
	$(VENV)/bin/pytest -q -n 2 --dist loadgroup -m "not own_jvm" tests
	$(VENV)/bin/pytest -q -n 0 -m own_jvm tests

lint: setup ## ruff + mypy
	$(VENV)/bin/ruff check src tests jobs lambdas
	$(VENV)/bin/mypy src/c360

build: setup ## versioned artifacts under dist/<version>/
	$(PY) -m c360.build --version '$(VERSION)' --out $(DIST)

clean: ## remove build outputs, demo lake and caches
	rm -rf dist build $(DEMO_DIR) .pytest_cache .ruff_cache .mypy_cache spark-warehouse metastore_db derby.log

emulator: setup ## AWS emulator (moto + harness) on 127.0.0.1:<free port> until Ctrl-C
	$(PY) -m tests.harness

test-integration: setup ## integration tests on the emulator (LocalStack: AWS_ENDPOINT_URL=http://localhost:4566)
	C360_EMULATOR_ENDPOINT='$(AWS_ENDPOINT_URL)' $(VENV)/bin/pytest -q -n 2 --dist loadgroup tests/integration

stepfunctions: setup ## regenerate stepfunctions/*.asl.json from the pipeline declaration
	$(PY) -m c360.orchestration.asl --out stepfunctions

catalog-manifest: setup ## regenerate catalog/model_tables.json (Glue model tables) from the steps and a small local run
	$(PY) -m c360.orchestration.catalog --out catalog/model_tables.json

bench-serving: setup ## profile API lookup p50/p99 on the emulator -> bench/results/profile_api.json
	$(PY) bench/profile_api_bench.py --out bench/results/profile_api.json

.PHONY: bench-load test-reliability
bench-load: setup ## bounded profile API load test on loopback: throughput, p99 -> bench/results/profile_api_load.json
	$(PY) bench/profile_api_load.py --out bench/results/profile_api_load.json

test-reliability: setup ## erasure, crash recovery (kills runs), locks, consent, log hygiene (~8 min)
	$(VENV)/bin/pytest -q tests/reliability

bench-identity: setup ## identity precision/recall/F1, id stability, time at 10k/100k records (FULL=1 adds 1M) -> bench/results/identity.json
	$(PY) bench/identity_bench.py $(if $(FULL),--full,)

.PHONY: bench bench-identity-reuse browser jdbc-driver
bench: setup ## daily (empty lake, then steady with stored models) + hourly (1% delta) on both engines at 10k/100k customers (FULL=1 adds 1M) vs hand-written floors -> bench/results/
	$(PY) bench/run_bench.py $(if $(FULL),--large,)

bench-identity-reuse: setup ## identity trained (weekly) vs with the stored model (daily), on a lake `make bench` built (ENGINE=spark, CUSTOMERS=100000 by default)
	$(PY) bench/identity_reuse_bench.py --engine $(or $(ENGINE),spark) --customers $(or $(CUSTOMERS),100000)

# $(call debian_package,<shell test passing when installed>,<package>): apt-get as root,
# else an error naming the command to run.
debian_package = @$(1) || { test "$$(id -u)" = 0 && apt-get install -y --no-install-recommends $(2); } || { echo "error: install $(2): sudo apt-get install -y $(2)"; exit 1; }

jdbc-driver: ## PostgreSQL JDBC driver for the Spark JDBC extract test (Debian package libpostgresql-jdbc-java)
	$(call debian_package,test -f /usr/share/java/postgresql.jar,libpostgresql-jdbc-java)

browser: ## headless Chromium for the report test (Debian package chromium)
	$(call debian_package,command -v chromium >/dev/null,chromium)

.PHONY: tf-fmt tf-check tf-validate tf-test tf-scan tf-lock
tf-fmt: ## rewrite terraform/ with terraform fmt
	terraform fmt -recursive terraform/

tf-check: ## offline: fmt -check, validate every env, terraform test every module
	terraform/scripts/check.sh all

tf-validate: ## validate one env: make tf-validate ENV=dev
	terraform/scripts/check.sh validate $(ENV)

tf-test: ## terraform test one module (or all): make tf-test MODULE=catalog
	terraform/scripts/check.sh test $(MODULE)

tf-scan: ## checkov policy scan (own venv .venv-checkov)
	terraform/scripts/policy_scan.sh

tf-lock: ## regenerate envs/*/.terraform.lock.hcl from $(TF_PLUGIN_DIR)
	terraform/scripts/check.sh lock

# The EMR Serverless SPARK application's image (jobs/emr/image/Dockerfile): EMR's runtime
# for EMR_RELEASE (processing `emr_release_label`) + Python 3.11 + this version's wheel.
# Tagged with the artifact version ('+' is not allowed in a Docker tag: '-'), which is
# the tag Terraform points the application at; push it to the processing module's
# `emr_image_repository_url` output before applying.
EMR_RELEASE ?= emr-7.8.0
EMR_IMAGE ?= c360-emr-spark:$(subst +,-,$(VERSION))
.PHONY: emr-image
emr-image: build ## the EMR Spark image (needs a Docker engine): make emr-image EMR_IMAGE=<repository url>:<tag>
	@docker info >/dev/null 2>&1 || { echo "error: make emr-image needs a running Docker engine (docker info failed); build it where one runs, from this version's dist/"; exit 2; }
	docker build --platform linux/arm64 --file jobs/emr/image/Dockerfile \
	  --build-arg EMR_RELEASE=$(EMR_RELEASE) --build-arg WHEEL=wheel/c360-$(PKG_VERSION)-py3-none-any.whl \
	  --tag $(EMR_IMAGE) $(DIST)

.PHONY: publish tf-apply-local
publish: ## upload dist/<version>/ to the artifacts bucket: make publish ARTIFACTS_BUCKET=<bucket>
	@test -n "$(ARTIFACTS_BUCKET)" || { echo "error: set ARTIFACTS_BUCKET (terraform -chdir=terraform/envs/<env> output -raw artifacts_bucket)"; exit 2; }
	$(PY) terraform/scripts/publish.py --dist $(DIST) --bucket $(ARTIFACTS_BUCKET)

TF_LOCAL_VARS ?=
tf-apply-local: build ## build, apply terraform/envs/local to the moto emulator (harness), destroy, stop it
	$(PY) terraform/scripts/apply_local.py --dist $(DIST) --plugin-dir $(TF_PLUGIN_DIR) $(foreach v,$(TF_LOCAL_VARS),--var $(v))
