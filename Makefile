# The two commands: `make run` (embedded, no services) and `make test` (every check, real services).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
TOOLS := .tools
# uv from PATH when present, else a private copy bootstrapped with the machine's python3.
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
export UV_PYTHON_DOWNLOADS := never
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist processes for `make test` and `make pytest`, each with its own test database, Redis database
# (the configured one plus its number), Celery worker, S3 server, clamd and browser; 0 runs the suite in one.
PYTEST_WORKERS ?= 2
# Python keeps each module's compiled bytecode (in __pycache__) and reuses it. With PYTHONDONTWRITEBYTECODE set,
# every process a check or a test starts (a Celery worker, a manage.py command, mypy's Django plugin) compiles
# Django and the app anew from source: seconds of CPU each, many times over in `make test`.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help install run test lint types checks pytest system-deps compose-check bench bench-verify bench-export bench-coverage bench-load clean

help:
	@echo "make run    install, migrate, load the demo and serve on http://$(HOST):$(PORT)/ (SQLite, local files)"
	@echo "make test   install and run every check against PostgreSQL, Redis, S3 (moto) and a Celery worker"
	@echo "make bench-verify   measure verification of a 1 GB object (memory, throughput); not part of make test"
	@echo "make bench-load     the read paths under load (10,000 apprentices, gunicorn, a worker); not part of make test"

$(TOOLS)/bin/uv:
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --extra dev --python python3.11
	@touch $@

install: $(VENV)/.installed

# System packages the tests use for real: ClamAV's daemon (the tests start their own clamd with a local
# EICAR-only signature, since freshclam cannot reach its mirrors from every machine) and Chromium with a font
# (the browser tests drive /usr/bin/chromium through Playwright), and Pango, which WeasyPrint uses to lay out
# the PDF summary of a portfolio export. Installed through apt only when missing,
# and only when we are root; otherwise the message names what to install.
system-deps:
	@missing=""; \
	{ command -v clamd >/dev/null 2>&1 || [ -x /usr/sbin/clamd ]; } || missing="$$missing clamav-daemon clamav"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	[ -d /usr/share/fonts/truetype/dejavu ] || missing="$$missing fonts-dejavu-core"; \
	ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" != 0 ]; then \
		echo "make test needs these Debian packages:$$missing. Install them" \
			"(sudo apt-get install --no-install-recommends$$missing), then run make test again." >&2; \
		exit 1; \
	fi; \
	echo "Installing with apt:$$missing"; \
	apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing

run: install
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} $(PY) manage.py import_standards
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_demo
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	# The import contracts in pyproject.toml: the domain never imports api or workers, and its packages import
	# only the ones below them.
	$(VENV)/bin/lint-imports --no-logo

types: install
	DEBUG=1 $(VENV)/bin/mypy .

compose-check:
	@if docker compose version >/dev/null 2>&1; then \
		docker compose config --quiet && echo "docker-compose.yml: valid"; \
	else echo "docker compose is not installed here: docker-compose.yml is checked by tests/test_compose_file.py only"; fi

checks: install
	DEBUG=1 $(PY) manage.py check --fail-level WARNING
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DEBUG=1 $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

pytest: install
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Lint first (it takes a second); then the type check and the Django checks run beside the test suite, on what
# the suite leaves of the machine's cores while it waits on its worker, browser and database. Each step's output
# is printed when it ends (-O), not interleaved; make fails when any of them fails.
test: system-deps install lint
	$(MAKE) --no-print-directory -j4 -O types compose-check checks pytest

# Not part of make test: uploads 1 GB to a local moto server (or S3_ENDPOINT_URL) and measures verification.
bench-verify: install
	$(PY) bench/verify_large_object.py $(BENCH_ARGS)

# Not part of make test: exports 0.5, 1 and 2 GB portfolios from a moto S3 server (database bench_export).
bench-export: install
	$(PY) bench/export_large.py $(BENCH_ARGS)

# Coverage benchmarks (not part of `make test`): PostgreSQL databases `bench` and `bench_e2e` (recreated) and
# Redis db 11. SIZES=1000,10000,100000 for the large run. Results: docs/benchmarks.md.
bench-coverage: install
	cd bench && ../$(PY) coverage_full.py --sizes $${SIZES:-1000,10000} && ../$(PY) coverage_e2e.py

# Read paths under load (not part of `make test`): gunicorn, PostgreSQL (database `bench_load`, recreated unless
# BENCH_ARGS has --reuse), Redis db 12 and a Celery worker, 10,000 apprentices. Results: docs/benchmarks.md.
bench-load: install
	cd bench && ../$(PY) load.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .ruff_cache .mypy_cache .import_linter_cache .grimp_cache
