# Developer and CI entry points of hwcloud.drs (see CONTRIBUTING.md).
#
#   make test         sanity, lint, unit and integration tests (what .ci/run runs)
#   make demo         the emulator demo (tools/demo.sh)
#   make bench        benchmarks/run.py
#   make build        ansible-galaxy collection build into .venv/dist
#   make changelog    lint the fragments and regenerate CHANGELOG.rst
#
# Everything generated lives under .venv/. Every target that runs ansible sees this collection
# through ANSIBLE_COLLECTIONS_PATH=.venv/collections, where
# .venv/collections/ansible_collections/hwcloud/drs is a symlink to the repository root.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test

# The interpreter .venv is created from (CI: pyenv's 3.11.7).
PYTHON ?= python3
VENV := $(CURDIR)/.venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.requirements-dev.txt
COLLECTIONS := $(VENV)/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/hwcloud/drs
DIST := $(VENV)/dist
# Narrow a run: make integration INTEGRATION_TESTS=tests/integration/test_release.py PYTEST_ARGS="-ra -x"
#               make sanity SANITY_ARGS="--test pylint"
PYTEST_ARGS ?= -ra
UNIT_TESTS ?= tests/unit
INTEGRATION_TESTS ?= tests/integration
SANITY_ARGS ?=

export PATH := $(VENV)/bin:$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PYTHONDONTWRITEBYTECODE := 1
ifdef CI
# CI logs are read as plain text.
export ANSIBLE_NOCOLOR := 1
export PY_COLORS := 0
endif

.PHONY: venv test unit integration sanity lint yamllint ansible-lint examples-lint docs-lint demo bench build \
	changelog clean distclean

# -------------------------------------------------------------------------------------------- venv

venv: $(VENV_STAMP)
	@mkdir -p $(dir $(COLLECTION_LINK))
	@ln -sfn $(CURDIR) $(COLLECTION_LINK)

# The stamp is a copy of the requirements it installed: a newer requirements-dev.txt with the same
# content (a fresh checkout) only refreshes the stamp instead of running pip again.
$(VENV_STAMP): requirements-dev.txt
	@if [ ! -x $(PY) ]; then \
		echo "== creating .venv with $$($(PYTHON) --version)"; \
		$(PYTHON) -m venv $(VENV); \
	fi
	@if cmp -s requirements-dev.txt $@; then \
		touch $@; \
	else \
		echo "== installing requirements-dev.txt into .venv"; \
		$(PY) -m pip install --disable-pip-version-check --quiet --requirement requirements-dev.txt; \
		cp requirements-dev.txt $@; \
	fi

# -------------------------------------------------------------------------------------------- test

TEST_STAGES := sanity lint unit integration

# Every stage runs even when an earlier one failed, so one CI run reports every problem; the
# summary at the end names the failed stages and the exit status is non-zero if any failed.
test: venv
	@failed=""; summary=""; \
	for stage in $(TEST_STAGES); do \
		echo "======== make $$stage"; \
		started=$$(date +%s); \
		if $(MAKE) --no-print-directory $$stage; then result=passed; else result=FAILED; failed="$$failed $$stage"; fi; \
		summary="$$summary$$(printf '%-12s %-7s %4ss' $$stage $$result $$(( $$(date +%s) - started )))\n"; \
	done; \
	echo "======== make test summary"; printf "$$summary"; \
	if [ -n "$$failed" ]; then echo "make test: FAILED:$$failed"; exit 1; fi; \
	echo "make test: all stages passed"

# pytest exits 5 when it collected no test: that is a failure here, said in words.
define run_pytest
	@status=0; $(PY) -m pytest -o cache_dir=$(VENV)/pytest-cache $(PYTEST_ARGS) $(1) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "ERROR: pytest collected no tests in $(1)" >&2; fi; \
	exit $$status
endef

unit: venv
	$(call run_pytest,$(UNIT_TESTS))

integration: venv
	$(call run_pytest,$(INTEGRATION_TESTS))

sanity: venv
	tools/run-ansible-sanity.sh $(SANITY_ARGS)

# ---------------------------------------------------------------------------------------- lint

lint: venv
	@status=0; \
	$(MAKE) --no-print-directory yamllint || status=1; \
	$(MAKE) --no-print-directory ansible-lint || status=1; \
	$(MAKE) --no-print-directory examples-lint || status=1; \
	$(MAKE) --no-print-directory docs-lint || status=1; \
	exit $$status

yamllint: venv
	yamllint --strict .

ansible-lint: venv
	ansible-lint --offline

# ansible-lint does not read module documentation: the EXAMPLES are linted as playbooks.
examples-lint: venv
	$(PY) tools/lint-examples.py $(VENV)/lint-examples

# antsibull-docs needs the collection under ansible_collections/hwcloud/drs: the link provides it.
docs-lint: venv
	antsibull-docs lint-collection-docs --plugin-docs $(COLLECTION_LINK)

# ---------------------------------------------------------------------------------- other targets

demo: venv
	bash tools/demo.sh

bench: venv
	$(PY) benchmarks/run.py

build: venv
	@mkdir -p $(DIST)
	ansible-galaxy collection build --force --output-path $(DIST) .

changelog: venv
	antsibull-changelog lint
	antsibull-changelog generate

# Removes what the targets generated but keeps the installed .venv (see distclean).
clean:
	rm -rf $(DIST) $(VENV)/sanity $(VENV)/lint-examples tests/output .pytest_cache
	find . -path ./.venv -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
