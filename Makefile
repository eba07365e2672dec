# The two commands of the README: `make run` and `make test`. Everything else is set up by them.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: run test install lint format messages clean bench loadtest throughput eval

$(BIN)/activate:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Minipilot on http://127.0.0.1:$(PORT)/ (web, Celery worker and beat; Ctrl-C stops all)"
	PATH="$(CURDIR)/$(BIN):$$PATH" SITE_URL=http://127.0.0.1:$(PORT) DJANGO_DEBUG=1 MINIPILOT_PORT=$(PORT) $(BIN)/honcho --procfile Procfile.dev start

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# Benchmarks on PostgreSQL: each size in its own database beside BENCH_DATABASE_URL's, seeded
# once by seed_scale and reused (docs/benchmarks.md).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/minipilot
BENCH_ARGS ?= --sizes 1000,100000 --districts 50 --repeat 60 --rounds 4
bench: install
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench $(BENCH_ARGS)

# A bounded load test on loopback: locust against gunicorn on the 100,000-pilot database.
LOADTEST_ARGS ?= --size 100000 --users 150 --seconds 60 --burst 1000
loadtest: install
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py loadtest $(LOADTEST_ARGS)

# Requests/s of every page of `make bench` beside its floor's: wrk against gunicorn, 100,000 pilots.
THROUGHPUT_ARGS ?= --size 100000 --districts 50 --seconds 10
throughput: install
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py throughput $(THROUGHPUT_ARGS)

# How well similar pilots and themes are found, on the evaluation set (docs/learning.md).
eval: install
	$(PY) manage.py migrate --noinput >/dev/null
	$(PY) manage.py evaluate

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Compile the translations (no GNU gettext needed).
messages: install
	$(PY) manage.py compile_translations

clean:
	rm -rf $(VENV) .celery staticfiles .pytest_cache
