# Two commands for newcomers: `make run` and `make test`. Everything else is set up on demand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app app

.PHONY: run run-prod test lint bench bench-webhook bench-match bench-intent bench-status bench-push chromium postgres clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

## make run: migrate the SQLite database under instance/, then serve the bot, its worker threads and,
## without LINE credentials, the chat simulator at http://127.0.0.1:5000/simulator
run: $(VENV)/.runtime
	$(FLASK) db upgrade
	$(FLASK) knowledge load
	$(FLASK) serve

## make run-prod: production on PostgreSQL (DATABASE_URL): apply the migrations, then run the Procfile with honcho:
## gunicorn (WEB_CONCURRENCY, default 2 × cores + 1) and WORKERS `flask worker` processes (default 2), JSON logs,
## metrics of every process at /metrics (docs/deployment.md)
WORKERS ?= 2
METRICS_DIR ?= $(CURDIR)/instance/metrics
run-prod: $(VENV)/.runtime
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "make run-prod: set DATABASE_URL=postgresql://… (docs/deployment.md)"; exit 2;; esac
	$(FLASK) db upgrade
	rm -rf "$(METRICS_DIR)" && mkdir -p "$(METRICS_DIR)"
	PATH="$(CURDIR)/$(BIN):$$PATH" PROMETHEUS_MULTIPROC_DIR="$(METRICS_DIR)" LOG_FORMAT=$${LOG_FORMAT:-json} \
	  exec $(BIN)/honcho start -f Procfile --no-prefix -p $${PORT:-8000} -c web=1,worker=$(WORKERS)

## make test: lint, then the whole suite (SQLite + PostgreSQL + a real browser)
test: lint chromium
	$(BIN)/python -m pytest

## make lint: ruff (style, imports, pyupgrade, bugbear) over the tree and mypy over bot/ and app.py
lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/mypy

## Debian's chromium (for the browser tests) and a Thai font, installed with apt when missing and possible.
chromium:
	@command -v chromium >/dev/null 2>&1 && [ -f /usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf ] || { \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO="sudo -n"; \
	  if command -v apt-get >/dev/null 2>&1; then \
	    $$SUDO apt-get install -y -q chromium fonts-noto-core >/dev/null 2>&1 || \
	    { $$SUDO apt-get update -q >/dev/null 2>&1 && $$SUDO apt-get install -y -q chromium fonts-noto-core >/dev/null 2>&1; } || \
	    echo "note: could not install chromium with apt; browser tests need Debian's chromium"; \
	  fi; }

## Start the local PostgreSQL cluster if it is installed but stopped (CI machines have one).
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || { \
	  command -v pg_ctlcluster >/dev/null 2>&1 && pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -1) main start; \
	  for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }

## make bench: every benchmark below, then docs/benchmarks.md (machine, date, versions, each figure against its target)
bench: $(VENV)/.dev postgres
	$(BIN)/python bench/report.py

## make bench-match: product→standard matcher accuracy, not-covered F1, latency, build time, RSS (+ a baseline)
bench-match: $(VENV)/.dev
	$(BIN)/python bench/bench_match.py

## make bench-intent: intent routing accuracy and confusion table, FAQ top-1/top-3
bench-intent: $(VENV)/.dev
	$(BIN)/python bench/bench_intent.py

## make bench-webhook: events/s accepted by gunicorn, acknowledgement latency, replies/s end to end
## (uses Debian's wrk as the load generator when it can be installed; aiohttp otherwise)
bench-webhook: $(VENV)/.dev postgres
	@command -v wrk >/dev/null 2>&1 || { SUDO=; [ "$$(id -u)" = 0 ] || SUDO="sudo -n"; 	  $$SUDO apt-get install -y -q wrk >/dev/null 2>&1 || echo "note: wrk not installed; using aiohttp only"; }
	$(BIN)/python bench/bench_webhook.py

## make bench-status: status card build time and size (worst case) against LINE's Flex limits
bench-status: $(VENV)/.dev
	$(BIN)/python bench/bench_status.py

## make bench-push: outbox pushes/s delivered to a fake LINE API by 1 and 2 `flask worker` processes on
## PostgreSQL, with duplicates and losses counted (both must be 0)
bench-push: $(VENV)/.dev postgres
	$(BIN)/python bench/bench_push.py

clean:
	rm -rf $(VENV) instance .pytest_cache
