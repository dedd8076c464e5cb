# Đôn đốc. `make run` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo runs in development mode unless told otherwise.
DEV := DEBUG=$${DEBUG:-1}

.PHONY: run test lint format migrate demo bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip

# What the app needs to run; the test tools (Playwright, pytest, ruff) come on top.
$(VENV)/.installed-run: requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

migrate: $(VENV)/.installed-run
	$(DEV) $(PY) manage.py migrate --no-input

demo: migrate
	$(DEV) $(PY) manage.py load_demo

run: demo
	@echo ""
	@echo "  Đôn đốc: http://$(HOST):$(PORT)/  (mật khẩu mọi tài khoản demo: dondoc-demo)"
	@echo "  lanhdao · bantuyengiao · ubnd · congan · mattran · phuocson"
	@echo ""
	$(DEV) $(PY) manage.py runserver $(HOST):$(PORT)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: lint
	$(PY) manage.py makemigrations --check --dry-run --settings=config.test_settings
	$(VENV)/bin/pytest

# Benchmarks in the configured database (DATABASE_URL; SQLite if unset), production-like:
# DEBUG off, static files collected. UNITS=50000 make bench for the large run.
BENCH_ENV := DEBUG=0 SECRET_KEY=bench-only-not-secret ALLOWED_HOSTS=testserver
bench: $(VENV)/.installed-dev
	$(BENCH_ENV) $(PY) manage.py migrate --no-input -v0
	$(BENCH_ENV) $(PY) manage.py collectstatic --no-input -v0
	$(BENCH_ENV) $(PY) bench/dashboards.py --units $${UNITS:-5000} --requests $${REQUESTS:-20}
	$(BENCH_ENV) $(PY) bench/exports.py --units $${UNITS:-5000} --runs $${RUNS:-3}

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
