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

.PHONY: help install run test lint types checks pytest system-deps compose-check bench bench-coverage clean

help:
	@echo "make run    install, migrate, load the demo and serve on http://$(HOST):$(PORT)/ (SQLite, local files)"
	@echo "make test   install and run every check against PostgreSQL, Redis, S3 (moto) and a Celery worker"

$(TOOLS)/bin/uv:
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --extra dev --python python3.11
	@touch $@

install: $(VENV)/.installed

run: install
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --no-input
	DEBUG=$${DEBUG:-1} $(PY) manage.py import_standards
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_demo
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

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
	$(VENV)/bin/pytest

test: install lint types compose-check checks pytest

# Coverage benchmarks (not part of `make test`): PostgreSQL databases `bench` and `bench_e2e` (recreated) and
# Redis db 11. SIZES=1000,10000,100000 for the large run. Results: docs/benchmarks.md.
bench-coverage: install
	cd bench && ../$(PY) coverage_full.py --sizes $${SIZES:-1000,10000} && ../$(PY) coverage_e2e.py

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .ruff_cache .mypy_cache
