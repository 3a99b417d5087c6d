# Two commands: `make run` (set up everything and serve the demo) and
# `make test` (set up the same way and run every test). Every step is
# idempotent and skipped when its inputs have not changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := samlast
# Tests with a browser need Debian's chromium; Playwright never downloads one here.
export CHROMIUM_PATH ?= $(shell command -v chromium 2>/dev/null || echo /usr/bin/chromium)

PY_STAMP := $(VENV)/.installed
# The OASIS UBL 2.1 schemas Peppol documents are validated against (scripts/fetch_ubl_schemas.py).
UBL_SCHEMAS := $(VENV)/share/samlast/ubl-2.1/maindoc/UBL-Order-2.1.xsd
NPM_STAMP := pwa/node_modules/.installed
PWA_INDEX := pwa/dist/index.html
# The API's OpenAPI document, from which the PWA's API types are generated at build time
# (committed, so the Docker image builds the PWA without Python).
OPENAPI := pwa/openapi.json
API_SOURCES := $(shell find backend/samlast/api backend/samlast/schemas -name '*.py' 2>/dev/null)
PWA_SOURCES := $(shell find pwa/src pwa/public pwa/test -type f 2>/dev/null) $(wildcard backend/samlast/i18n/*.json) pwa/index.html pwa/vite.config.ts pwa/tsconfig.json pwa/package.json

.PHONY: run test drills test-postgres setup system-packages db demo lint bench screenshots clean

run: setup db demo
	@echo "Samlast is starting on http://$(HOST):$(PORT) (Ctrl-C stops it)."
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# Tests run in two processes, a file at a time each (module fixtures such as one server per
# e2e file stay whole); PYTEST_WORKERS=0 runs them in this process.
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL := $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadfile)

test: setup system-packages
	cd pwa && npm test --silent
	$(BIN)/pytest $(PYTEST_PARALLEL)

# The fault drills alone (tests/drills): Redis, the RQ worker, PostgreSQL, a full disk, clock skew.
drills: setup system-packages
	$(BIN)/pytest -q -m drill tests/drills -s

# The same suite against PostgreSQL; needs TEST_DATABASE_URL (see scripts/start-postgres.sh).
# tests/unit has no app and no database, so it runs once, in `make test`.
test-postgres: setup
	@test -n "$$TEST_DATABASE_URL" || (echo "Set TEST_DATABASE_URL=postgresql://..."; exit 2)
	$(BIN)/pytest $(PYTEST_PARALLEL) -m "not e2e" --ignore=tests/unit

setup: $(PY_STAMP) $(UBL_SCHEMAS) $(PWA_INDEX)

# chromium (with its translations, so it is a Swedish browser) for the browser tests, redis-server for the multi-process tests (tests/integration),
# poppler-utils (pdftoppm, pdftotext) for the test that reads the impact report's PDF.
system-packages:
	@bash scripts/install-system-packages.sh chromium chromium-l10n redis-server poppler-utils

$(PY_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

$(UBL_SCHEMAS): $(PY_STAMP) scripts/ubl-schemas.txt scripts/fetch_ubl_schemas.py
	$(BIN)/python scripts/fetch_ubl_schemas.py
	@touch $@

$(NPM_STAMP): pwa/package.json pwa/package-lock.json
	cd pwa && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(OPENAPI): $(PY_STAMP) $(API_SOURCES)
	@tmp=$$(mktemp -d) && SAMLAST_INSTANCE=$$tmp GEOCODING_ENABLED=0 $(BIN)/flask openapi write --format=json $@; \
	status=$$?; rm -rf $$tmp; exit $$status

$(PWA_INDEX): $(NPM_STAMP) $(PWA_SOURCES) $(OPENAPI)
	cd pwa && npm run build --silent
	@touch $@

db: $(PY_STAMP)
	$(BIN)/flask db upgrade

demo: db
	$(BIN)/flask samlast demo --plan-today

# Refresh the README's screenshots (docs/screenshots/) from the walk over every screen on the demo day.
screenshots: setup system-packages
	UPDATE_SCREENSHOTS=1 $(BIN)/pytest tests/e2e/test_swedish.py tests/e2e/test_region.py tests/e2e/test_rural.py tests/e2e/test_followup.py tests/e2e/test_impact_presets.py

# Ends with the dependency audit (pip-audit, npm audit): known vulnerabilities fail; a
# vulnerability service that cannot be reached is reported and skipped (AUDIT_STRICT=1 fails then too).
lint: $(PY_STAMP) $(NPM_STAMP) $(OPENAPI)
	$(BIN)/ruff check backend tests bench
	$(BIN)/mypy
	cd pwa && npm run typecheck --silent && npm run lint --silent
	$(BIN)/python scripts/audit_deps.py

bench: setup
	$(BIN)/python bench/solomon.py --time-limit 10

clean:
	rm -rf $(VENV) pwa/node_modules pwa/dist
