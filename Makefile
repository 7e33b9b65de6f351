# Newsroom: two commands for a newcomer.
#   make run    the whole site with demo content and search, at http://127.0.0.1:8000
#   make test   every check and test, on real PostgreSQL and OpenSearch
.DEFAULT_GOAL := help
.PHONY: help run serve test fuzz bench opensearch lint clean

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

help:
	@echo "make run         start Newsroom with demo content and search at http://127.0.0.1:8000"
	@echo "make serve       the same site the production way: gunicorn, DEBUG off, page cache, worker, scheduler"
	@echo "make test        run ruff, Django's checks and the whole test suite (ARGS=... for pytest)"
	@echo "make fuzz        look for new failures: the hostile-input tests with fresh random examples (FUZZ_EXAMPLES=3000)"
	@echo "make bench       search latency and throughput, demo corpus and 100,000 articles (~5 min cached)"
	@echo "make opensearch  run only the local OpenSearch node (foreground)"
	@echo "make lint        ruff only"
	@echo "make clean       remove var/ (database, media, search data) and the built node"

# The virtualenv is rebuilt only when a requirements file changes.
$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else "Newsroom needs Python 3.11 or newer: install python3.11 (or set PYTHON=/path/to/python3.11)")'
	@echo "==> Creating $(VENV) and installing Python packages (first time: about a minute) ..."
	@test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	@$(VPY) -m pip install --quiet --upgrade pip
	@$(VPY) -m pip install --quiet --progress-bar off -r requirements-dev.txt
	@touch $(STAMP)
	@echo "    done"

run: $(STAMP)
	@$(VPY) -m devenv.run

serve: $(STAMP)
	@$(VPY) -m devenv.serve

# axe-core for the browser tests' accessibility checks (npm; test-only).
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the browser tests' axe-core: sudo apt-get install -y nodejs npm"; exit 1; }
	@echo "==> Installing axe-core from npm ..."
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

test: $(STAMP) node_modules/.installed
	@$(VPY) -m devenv.testenv $(ARGS)

# Not part of `make test` (whose examples are the same every run): fresh random hostile input, more of it.
fuzz: $(STAMP) node_modules/.installed
	@FUZZ=discover FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-3000} $(VPY) -m devenv.testenv \
		tests/searching/test_fuzz.py tests/searching/test_search_hostile_input.py $(ARGS)

# Not part of `make test`: starts its own services and prints a table (see docs/benchmarks.md).
bench: $(STAMP)
	@$(VPY) -m devenv.bench

opensearch: $(STAMP)
	@$(VPY) -m devenv.opensearch start

lint: $(STAMP)
	@$(VPY) -m ruff check .
	@$(VENV)/bin/lint-imports --no-logo --no-cache
	@$(VENV)/bin/djlint --lint --quiet templates */templates

clean:
	rm -rf var devenv/opensearch-node/target
