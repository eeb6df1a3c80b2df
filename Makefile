# Two commands for a newcomer: `make run` and `make test`. Each installs what is missing first.
SHELL := /bin/bash
# The newest supported Python on the machine (3.13, 3.12 or 3.11).
PYTHON ?= $(firstword $(foreach v,3.13 3.12 3.11,$(shell python$(v) -c 'print("python$(v)")' 2>/dev/null)) python3)
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: lint lock wheel run test test-pythons test-sqlite test-postgres test-dates security-lint bench bench-quick loadtest setup browser office redis pango clean

setup: $(VENV)/.installed node_modules/.installed auditapp/static/build/app.css auditapp/static/build/govuk/.copied

$(VENV)/.installed: requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	touch $@

# Pins and hashes every package (and every package they need) for Python 3.11 to 3.13 on any
# platform; run after changing a version in pyproject.toml. Dependabot proposes the same.
lock:
	test -x $(VENV)-tools/bin/uv || { $(PYTHON) -m venv $(VENV)-tools && $(VENV)-tools/bin/pip install --quiet uv==0.13.8; }
	$(VENV)-tools/bin/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	  pyproject.toml -o requirements.txt
	$(VENV)-tools/bin/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	  pyproject.toml --extra dev --constraint requirements.txt -o requirements-dev.txt

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# GOV.UK Frontend's assets and script, copied into the package: served from there, no Node.js at run time.
auditapp/static/build/govuk/.copied: node_modules/.installed
	rm -rf $(@D) && mkdir -p $(@D)
	cp -r node_modules/govuk-frontend/dist/govuk/assets node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(@D)/
	touch $@

# The wheel a council installs: templates, migrations, descriptors and the built assets inside.
wheel: setup
	rm -rf dist build
	$(BIN)/pip wheel --quiet --no-deps --no-build-isolation . -w dist

auditapp/static/build/app.css: auditapp/assets/app.scss node_modules/.installed
	mkdir -p $(@D)
	npx sass --pkg-importer=node --style=compressed --no-source-map --quiet-deps $< $@

# Playwright drives Debian's Chromium; nothing is downloaded from elsewhere.
browser:
	@test -x /usr/bin/chromium || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

# Plain http on this machine: the session cookie may not be Secure here (it is everywhere else).
# LibreOffice (headless) renders the workbook in a test, to count its printed pages; poppler's
# pdftotext and pdftoppm read the rendered charts' labels back with their boxes, and draw them as PNG.
office:
	@test -x /usr/bin/soffice || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libreoffice-calc-nogui; }
	@test -x /usr/bin/pdftotext || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq poppler-utils; }

# Pango: WeasyPrint lays out the board's PDF pack with it (Debian's libpango; the package is pip's).
pango:
	@ldconfig -p | grep -q libpangoft2-1.0 || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0; }

# Redis: the queue when several machines serve the service (HUEY_REDIS_URL); a test starts one.
redis:
	@test -x /usr/bin/redis-server || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq redis-server; }

run: export SESSION_COOKIE_SECURE := 0
run: setup pango
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	# The background worker (case-list imports) runs beside the web server and stops with it.
	$(BIN)/huey_consumer worker.huey --workers 1 --quiet & trap "kill $$!" EXIT; \
	  $(BIN)/flask run --host 127.0.0.1 --port 5000

test: setup browser office redis pango
	$(MAKE) security-lint
	$(MAKE) lint
	$(MAKE) test-sqlite
	$(MAKE) test-postgres
	$(MAKE) test-dates

# The house's checks: imports only point down (the layers in pyproject.toml), ruff's lint, mypy's types.
lint:
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check .
	$(BIN)/mypy

# Bandit's medium and high findings fail the build (low ones are reviewed, not enforced).
# Migrations are left out: their SQL is DDL built from their own constants, reviewed by hand
# (bandit reads any f-string of SQL as a possible injection).
security-lint:
	$(BIN)/bandit --quiet --recursive auditapp --severity-level medium --exclude auditapp/migrations

test-sqlite:
	$(BIN)/pytest

# The same suite on a throwaway PostgreSQL cluster, started and removed by the script.
test-postgres:
	scripts/with-postgres.sh $(BIN)/pytest -m "not slow"

# The whole suite runs with the clock frozen at one moment (tests/conftest.py); the tests that
# reason about "today" run again at the moments (UTC) a calendar gets wrong: a January after the
# year's turn, the days British Summer Time starts and ends, 29 February, Christmas week, a month's
# first and last day, and 23:30 UTC on 30 June, which is already 1 July in the UK.
# Two moments at a time, one per core: each is its own pytest with its own temporary databases,
# and its output is shown whole when it ends (a failure stops the rest).
DATES := 2027-01-04T09:00:00 2027-03-28T01:30:00 2027-10-31T00:30:00 2028-02-29T12:00:00 \
	2026-12-24T15:00:00 2027-02-01T00:05:00 2027-04-30T22:30:00 2027-06-30T23:30:00
test-dates:
	@printf '%s\n' $(DATES) | xargs -P 2 -I MOMENT sh -c \
	  'out=$$(AUDITAPP_TEST_NOW=MOMENT $(BIN)/pytest -m dates 2>&1); status=$$?; \
	   printf "== frozen at %s UTC\n%s\n" MOMENT "$$out"; [ $$status = 0 ] || exit 255'

# The suite (without the browser) on every other supported Python the machine has, each in a venv
# of its own from the same hashed lock: python3.12 and python3.13 on PATH or under pyenv.
test-pythons: setup
	@for v in 3.12 3.13; do \
	  py=$$(command -v python$$v 2>/dev/null || ls -d $$HOME/.pyenv/versions/$$v*/bin/python 2>/dev/null | tail -n 1); \
	  $$py -c 'import sys' 2>/dev/null || { echo "== Python $$v: not on this machine"; continue; }; \
	  echo "== Python $$v: $$py"; test -x .venv-$$v/bin/python || $$py -m venv .venv-$$v; \
	  .venv-$$v/bin/pip install --quiet --require-hashes -r requirements-dev.txt || exit 1; \
	  .venv-$$v/bin/python -m pytest -m "not slow" --ignore=tests/browser || exit 1; done

bench: setup pango
	scripts/with-postgres.sh $(BIN)/python -m benchmarks

# The same bench, short: SQLite, the small demo, a second a page (about 90 s); BENCHMARKS.md untouched.
bench-quick: setup
	BENCH_QUICK=1 $(BIN)/python -m benchmarks

loadtest: setup
	scripts/with-postgres.sh $(BIN)/python -m benchmarks.loadtest

clean:
	rm -rf $(VENV) $(VENV)-tools $(VENV)-3.12 $(VENV)-3.13 node_modules dist build auditapp/static/build test-output
