# qlvb — the two commands of the README, and the steps they are made of.
# `make run`  : install, build assets, upgrade the database, load the demo data, serve http://127.0.0.1:5000
# `make test` : install what tests need (Debian's Chromium included), lint, run the suite on PostgreSQL and SQLite
# `make bench`: the production run under load (bench/load.py: nginx if installed, 4 workers, 2 schedulers, 100 users)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
QLVB   := $(BIN)/qlvb
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test bench install assets chromium lint format serve clean bench-load bench-scale

run: install assets
	$(QLVB) db upgrade
	$(QLVB) processes sync
	$(QLVB) demo
	QLVB_SCHEDULER=$${QLVB_SCHEDULER:-1} $(QLVB) serve --host $(HOST) --port $(PORT)

test: install assets chromium lint
	@bash scripts/run-tests.sh

# `make bench` runs both; figures go in bench/RESULTS.md by hand. The other benchmarks of bench/ run the same way
# (`$(BIN)/python -m bench.NAME`).
bench: bench-load bench-scale

# The production run under load (bench/load.py): needs PostgreSQL (QLVB_BENCH_LOAD_DATABASE_URL), a few minutes.
bench-load: install assets
	$(BIN)/python -m bench.load

# Scale benchmark (bench/scale.py): a generated province, then inbox, search, reports, escalation scan and size per
# document. Long: the default 200 000 documents take ~45 minutes on 2 busy cores; BENCH_DOCS=1000000 is the full
# province (several GB in PostgreSQL `qlvb_scale`, dropped afterwards).
BENCH_DOCS ?= 200000
BENCH_DB   ?= postgresql
bench-scale: install
	$(BIN)/python -m bench.scale --db $(BENCH_DB) --docs $(BENCH_DOCS)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

# Front-end packages come from npm at build time and are served from app/web/static/vendor: never a CDN.
assets: app/web/static/vendor/.built

app/web/static/vendor/.built: package.json package-lock.json scripts/build-assets.mjs $(wildcard app/*/assets/*.js)
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	@touch $@

# Browser tests drive Debian's Chromium (/usr/bin/chromium), never a browser downloaded by a test tool.
# LibreOffice (headless) converts DOCX drafts of outgoing documents to PDF for signing.
# faketime runs the suite a second time with the wall clock years ahead (scripts/run-tests.sh).
# clamav-daemon: the malware-scanning tests start their own clamd with a signature database they write (no freshclam).
# pg_dump, pg_restore and psql: the backup tests back a PostgreSQL database up and restore it (app.backup).
SYSTEM_PACKAGES := chromium fonts-dejavu-core fonts-liberation2 libreoffice-writer-nogui faketime clamav-daemon \
                   postgresql-client
chromium:
	@if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/liberation2 ] || ! command -v soffice >/dev/null \
	     || ! command -v faketime >/dev/null || [ ! -x /usr/sbin/clamd ] || ! command -v pg_restore >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium, LibreOffice and Vietnamese-capable fonts for the tests…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	  else \
	    echo "Tests need: sudo apt-get install $(SYSTEM_PACKAGES)" >&2; exit 1; \
	  fi; \
	fi

lint: install
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench

format: install
	$(BIN)/ruff check --fix app tests bench
	$(BIN)/ruff format app tests bench

clean:
	rm -rf $(VENV) node_modules app/web/static/vendor .pytest_cache .ruff_cache
