# Developer and CI entry points of hwcloud.drs (see CONTRIBUTING.md).
#
#   make test                 every supported ansible-core release (tests/requirements/matrix.txt):
#                             sanity, unit and integration smoke tests; the full integration suite on the
#                             newest; then lint. What .ci/run runs.
#   make test CORE=2.16       one release (CORE="2.16 2.21": several); STAGES="unit smoke" narrows the stages
#   make sanity|unit|smoke|integration [CORE=2.16]   one stage, on the newest release unless CORE says
#   make lint                 yamllint, ansible-lint, module EXAMPLES, antsibull-docs, changelog (in .venv/dev)
#   make demo                 the emulator demo (tools/demo.sh), in its own small .venv/demo
#   make bench                benchmarks/run.py
#   make build                ansible-galaxy collection build into .venv/dist
#   make changelog            lint the fragments and regenerate CHANGELOG.rst
#
# Everything generated lives under .venv/: .venv/dev holds the development tools with the newest
# ansible-core the local Python allows (tools/dev-venv.sh); .venv/core-<release> holds one release and the
# test tools (tools/core-venv.sh). Both are reused between runs and rebuilt only when their pins change.
# Every target that runs ansible sees this collection through ANSIBLE_COLLECTIONS_PATH=.venv/collections,
# where .venv/collections/ansible_collections/hwcloud/drs is a symlink to the repository root.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test

VENV := $(CURDIR)/.venv
DEV_VENV := $(VENV)/dev
PY := $(DEV_VENV)/bin/python
COLLECTIONS := $(VENV)/collections
COLLECTION_LINK := $(COLLECTIONS)/ansible_collections/hwcloud/drs
DIST := $(VENV)/dist
# One stage without CORE runs on the newest final release (tools/venv-common.sh reads the matrix).
NEWEST_CORE := $(shell bash -c 'source tools/venv-common.sh && newest_final_release')
# Narrow a run: make smoke CORE=2.16 PYTEST_ARGS="-ra -x -k gate"
#               make sanity SANITY_ARGS="--test pylint"
export CORE STAGES PYTEST_ARGS SANITY_ARGS

export PATH := $(DEV_VENV)/bin:$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export PYTHONDONTWRITEBYTECODE := 1
ifdef CI
# CI logs are read as plain text.
export ANSIBLE_NOCOLOR := 1
export PY_COLORS := 0
endif

.PHONY: venv test sanity unit smoke integration lint yamllint ansible-lint examples-lint docs-lint changelog-lint \
	demo bench build changelog clean distclean

venv:
	@tools/dev-venv.sh

test: venv
	@tools/test-matrix.sh

# One stage, on the newest release unless CORE names others.
sanity unit smoke integration: venv
	@CORE="$(or $(CORE),$(NEWEST_CORE))" STAGES=$@ tools/test-matrix.sh

# ---------------------------------------------------------------------------------------- lint

lint: venv
	@status=0; \
	$(MAKE) --no-print-directory yamllint || status=1; \
	$(MAKE) --no-print-directory ansible-lint || status=1; \
	$(MAKE) --no-print-directory examples-lint || status=1; \
	$(MAKE) --no-print-directory docs-lint || status=1; \
	$(MAKE) --no-print-directory changelog-lint || status=1; \
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

# The fragments parse; a change to plugins/ or roles/ since the last release comes with a fragment, and
# galaxy.yml's version agrees with changelogs/changelog.yaml (tools/check-changelog.py says the rules).
changelog-lint: venv
	antsibull-changelog lint
	$(PY) tools/check-changelog.py

# ---------------------------------------------------------------------------------- other targets

# Only what the demo needs, in .venv/demo (tools/requirements-demo.txt), not the development tools. Without
# make's collections path (which `make venv` creates), the demo links this checkout in its own directory.
demo:
	env -u ANSIBLE_COLLECTIONS_PATH bash tools/demo.sh

bench: venv
	$(PY) benchmarks/run.py

build: venv
	@mkdir -p $(DIST)
	ansible-galaxy collection build --force --output-path $(DIST) .

changelog: venv
	antsibull-changelog lint
	antsibull-changelog generate

# Removes what the targets generated but keeps the installed virtualenvs (see distclean).
clean:
	rm -rf $(DIST) $(VENV)/core-*/sanity $(VENV)/lint-examples tests/output .pytest_cache
	find . -path ./.venv -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
