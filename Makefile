# Satark Mitra — two commands: `make demo` and `make test`. Everything else is set up by them.
SHELL := /bin/bash
# onnxruntime (media classifiers) must not write its telemetry files; nothing may try the Hugging Face Hub.
export ORT_DISABLE_TELEMETRY := 1
export HF_HUB_OFFLINE := 1
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo run posters test lint unit-sqlite unit-postgres browser-deps bench clean messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,ml,ml-export]"
	$(PY) manage.py prepare_models
	touch $(STAMP)

# Runs the product on its embedded default: SQLite (WAL), SqliteHuey, local media folder,
# and the WhatsApp simulator in place of Meta's Graph API.
demo: $(STAMP) messages
	$(PY) manage.py demo

# The product alone (web server + task consumer, no simulator) against whatever Graph API, database,
# queue and secrets the environment names (SATARK_* variables, see README).
run: $(STAMP) messages
	$(PY) manage.py demo --no-simulator

# Debian's chromium and a Devanagari font for the browser tests (never `playwright install`).
browser-deps:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi lohit; then \
	  echo "installing chromium and fonts-lohit-deva from Debian"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-lohit-deva >/dev/null) \
	  || { echo "could not install chromium (need root and Debian's packages)"; exit 1; }; \
	fi

# The interface translations: .po -> .mo in pure Python (no system gettext needed).
messages: $(STAMP)
	$(PY) -m satark.dashboard.catalogues

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy satark

unit-sqlite: $(STAMP) messages browser-deps
	SATARK_TEST_DB=sqlite $(PY) -m pytest -q

unit-postgres: $(STAMP) messages browser-deps
	SATARK_TEST_DB=postgres $(PY) -m pytest -q

# The whole suite: lint, import contracts, types, then every test on SQLite and on PostgreSQL.
test: lint unit-sqlite unit-postgres

# QR codes and A4 posters (Hindi and English) for every district and police station, into var/posters.
posters: $(STAMP)
	$(PY) manage.py make_posters

bench: $(STAMP)
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
	$(PY) bench/run.py
	$(PY) bench/ingest.py
	$(PY) bench/dashboard.py
	$(PY) bench/media.py

clean:
	rm -rf $(VENV) var
