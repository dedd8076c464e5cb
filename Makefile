# Đôn đốc. `make run` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo runs in development mode unless told otherwise.
DEV := DEBUG=$${DEBUG:-1}

.PHONY: run serve test schemathesis lint format migrate demo bench load faults scaleout clean ldap-headers ocr-tools messages

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip

# python-ldap (directory sign-in) builds against OpenLDAP's and SASL's headers: Debian's
# packages, installed here when missing and apt-get can (as root).
ldap-headers:
	@if [ ! -f /usr/include/ldap.h ] || [ ! -f /usr/include/sasl/sasl.h ]; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -q libldap2-dev libsasl2-dev | grep -E "^Setting up " || true; \
	  else \
	    echo "python-ldap cần libldap2-dev và libsasl2-dev: sudo apt-get install libldap2-dev libsasl2-dev"; \
	    exit 1; \
	  fi; \
	fi

# Scans and photos of a letter are read by Tesseract with its Vietnamese model: Debian's
# packages, installed here when missing and apt-get can (as root). Without them the app
# runs, and says on the import page that it cannot read a scan.
ocr-tools:
	@if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -qx vie; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -q tesseract-ocr tesseract-ocr-vie | grep -E "^Setting up " || true; \
	  else \
	    echo "Đọc bản quét, ảnh cần Tesseract: sudo apt-get install tesseract-ocr tesseract-ocr-vie"; \
	  fi; \
	fi

# What the app needs to run; the test tools (Playwright, pytest, ruff) come on top.
$(VENV)/.installed-run: requirements.txt | $(VENV)/bin/python ldap-headers ocr-tools
	$(VENV)/bin/pip install --progress-bar off -r requirements.txt | grep -v "^Requirement already"
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python ldap-headers ocr-tools
	$(VENV)/bin/pip install --progress-bar off -r requirements-dev.txt | grep -v "^Requirement already"
	touch $@ $(VENV)/.installed-run

migrate: $(VENV)/.installed-run
	$(DEV) $(PY) manage.py migrate --no-input

demo: migrate
	$(DEV) $(PY) manage.py load_demo

run: demo
	@echo ""
	@echo "  Đôn đốc: http://$(HOST):$(PORT)/  (mật khẩu mọi tài khoản demo: dondoc-demo)"
	@echo "  lanhdao · bantuyengiao · vanphonghu · quantri · ubnd · congan · mattran · phuocson"
	@echo "  vanphong · sonnmt · giamdoc_sonnmt · vpdkdd · soxaydung · phuongsaigon"
	@echo ""
	$(DEV) $(PY) manage.py runserver $(HOST):$(PORT)

# Production: gunicorn, a Celery worker and Celery beat (Procfile) under honcho, against
# DATABASE_URL and REDIS_URL, with DEBUG off unless set; docs/deploy.md says the rest.
serve: $(VENV)/.installed-run
	@$(PY) manage.py shell -v0 -c "from django.conf import settings as s; \
	pg = s.DATABASES['default']['ENGINE'].endswith('postgresql'); \
	raise SystemExit(None if pg and s.REDIS_URL else \
	'make serve cần DATABASE_URL (PostgreSQL) và REDIS_URL; chạy thử: make run')"
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input -v0
	$(PY) manage.py check --deploy
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/honcho start

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Every test, on every core (pytest-xdist); Schemathesis sends 5 examples of each kind per
# API operation here, and 20 under `make schemathesis`.
test: lint node_modules/.installed
	$(PY) manage.py makemigrations --check --dry-run --settings=config.test_settings
	$(VENV)/bin/pytest -n auto

# axe-core, from the npm registry (package-lock.json), for the browser tests' accessibility
# check; never served to users.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

schemathesis: $(VENV)/.installed-dev
	SCHEMATHESIS_EXAMPLES=20 $(VENV)/bin/pytest -n auto tests/api/test_schema.py

# Benchmarks in the configured database (DATABASE_URL; SQLite if unset), production-like:
# DEBUG off, static files collected (HTTPS=0: the test client speaks plain http).
# UNITS=50000 make bench for the large run; DIRECTIVES sets the portfolio's size.
BENCH_ENV := DEBUG=0 HTTPS=0 SECRET_KEY=bench-only-not-secret ALLOWED_HOSTS=testserver TWO_FACTOR_ROLES=
bench: $(VENV)/.installed-dev
	$(BENCH_ENV) $(PY) manage.py migrate --no-input -v0
	$(BENCH_ENV) $(PY) manage.py collectstatic --no-input -v0
	$(BENCH_ENV) $(PY) bench/dashboards.py --units $${UNITS:-5000} --requests $${REQUESTS:-20}
	$(BENCH_ENV) $(PY) bench/bulk.py --units $${UNITS:-5000} --runs $${RUNS:-3}
	$(BENCH_ENV) $(PY) bench/exports.py --units $${UNITS:-5000} --runs $${RUNS:-3}
	$(BENCH_ENV) $(PY) bench/reorganisation.py --units $${UNITS:-5000} --runs $${RUNS:-3}
	$(BENCH_ENV) $(PY) bench/portfolio.py --directives $${DIRECTIVES:-200} \
		--units $${UNITS:-5000} --requests $${REQUESTS:-20}

# The production stack, as make serve runs it, under 50 clients for 60 s: staff filing,
# leadership reading dashboards (bench/loadtest.py; figures in docs/reliability.md).
load: $(VENV)/.installed-dev
	$(PY) bench/loadtest.py --clients $${CLIENTS:-50} --seconds $${LOAD_SECONDS:-60} \
		--units $${UNITS:-5000}

# Two web processes behind nginx and a streaming read replica, under load: one web
# process stopped, then the replica (bench/scaleout.py; docs/reliability.md).
scaleout: $(VENV)/.installed-dev
	$(PY) bench/scaleout.py --clients $${CLIENTS:-30} --seconds $${LOAD_SECONDS:-60}

# The production stack under load and faults (bench/faults.py; figures in
# docs/reliability.md). It starts its own PostgreSQL, Redis, gunicorn, worker and beat on
# spare loopback ports and stops only those; the machine's services are not touched.
faults: $(VENV)/.installed-dev
	DEBUG=0 HTTPS=0 SECRET_KEY=faults-only-not-secret $(PY) manage.py collectstatic --no-input -v0
	$(PY) bench/faults.py --clients $${CLIENTS:-50} --seconds $${LOAD_SECONDS:-60}

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache

# Vietnamese for what Django's own catalogue leaves in English (locale/vi): after editing a
# .po, compile it (needs GNU gettext: apt-get install gettext); the .mo files are committed.
messages: $(VENV)/.installed-dev
	$(PY) manage.py compilemessages -l vi
