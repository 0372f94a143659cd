# Two commands do all set-up: `make run` and `make test`. Both are idempotent.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
CHROMIUM := /usr/bin/chromium

export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false

.PHONY: run test lint test-under-load api worker bench chromium oidc-provider redis-stop clean

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

venv: $(STAMP)

# Debian's Chromium for the end-to-end browser test (Playwright never downloads a browser here).
chromium:
	@test -x $(CHROMIUM) || { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null) || { echo "Could not install Debian's chromium (needs root and apt)"; exit 1; }; }

# A real OpenID Provider (panva's oidc-provider, pinned by its package-lock) for the sign-in test.
OIDC_DIR := tests/fakes/oidc
OIDC_STAMP := $(OIDC_DIR)/node_modules/.package-lock.json
$(OIDC_STAMP): $(OIDC_DIR)/package-lock.json
	@command -v npm >/dev/null || { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null) || { echo "Could not install Debian's nodejs and npm (needs root and apt)"; exit 1; }; }
	cd $(OIDC_DIR) && npm ci --no-audit --no-fund --silent

oidc-provider: $(OIDC_STAMP)

run: $(STAMP)
	LLM_PROVIDER=$${LLM_PROVIDER:-local} $(VENV)/bin/streamlit run dashboard.py \
		--server.address 127.0.0.1 --server.port 8501 --server.headless true \
		--browser.gatherUsageStats false

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: $(STAMP) chromium $(OIDC_STAMP) lint
	$(PY) -m pytest $(PYTEST_ARGS)

# The suite with both cores kept busy by two CPU burners (as CI's machine may be).
test-under-load: $(STAMP) chromium $(OIDC_STAMP)
	@burners=""; for i in 1 2; do (while :; do :; done) & burners="$$burners $$!"; done; \
	$(PY) -m pytest $(PYTEST_ARGS); status=$$?; kill $$burners; exit $$status

api: $(STAMP)
	$(PY) -m batch_core.api

worker: $(STAMP)
	$(PY) -m batch_core worker $(WORKER_ARGS)

bench: $(STAMP)
	@for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

redis-stop: $(STAMP)
	$(PY) -m batch_core redis stop

clean:
	rm -rf $(VENV) tests/artifacts .pytest_cache $(OIDC_DIR)/node_modules
