# En lieu sûr: `make run` serves the app, `make test` runs every test.
# Both install what is missing first (scripts/setup.sh). With DATABASE_URL unset they use a
# project-local PostgreSQL + PostGIS under var/ (enlieusur/localdb.py).
SHELL := /bin/bash
PY := .venv/bin/python
PORT ?= 8000
WITH_DB := $(PY) -m enlieusur.localdb run --
# Two test processes on a 2-core machine (pytest-xdist); PYTEST_ARGS replaces them.
PYTEST_ARGS ?= -n 2

.PHONY: run serve test setup setup-test lint format check clean-db backup restore bench

# The task worker (emails) runs beside the server and stops with it (scripts/with_worker.sh).
run: setup
	$(WITH_DB) bash -c '$(PY) manage.py migrate --no-input -v0 \
	  && $(PY) manage.py seed_demo \
	  && $(PY) manage.py export_open_data \
	  && exec scripts/with_worker.sh $(PY) manage.py runserver 127.0.0.1:$(PORT)'

test: setup-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(WITH_DB) bash -c '$(PY) manage.py makemigrations --check --dry-run -v1 \
	  && { $(PY) -m pytest $(PYTEST_ARGS); status=$$?; \
	       if [ $$status -eq 5 ]; then echo "pytest collected no test: that is a failure here."; fi; \
	       exit $$status; }'

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh --test

lint: setup-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: setup-test
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean-db:
	$(PY) -m enlieusur.localdb stop
	rm -rf var/postgres var/run

# Production: DEBUG off (a real SECRET_KEY and ALLOWED_HOSTS are then required), static files
# collected for WhiteNoise, gunicorn with gunicorn.conf.py and the task worker beside it
# (README, "Deployment").
serve: setup
	export DEBUG=0; $(WITH_DB) bash -c '$(PY) manage.py migrate --no-input -v0 \
	  && $(PY) manage.py collectstatic --no-input -v0 \
	  && exec scripts/with_worker.sh $(PY) -m gunicorn -c gunicorn.conf.py'

# A pg_dump (custom format) in var/backups/ (BACKUP_DIR), and its restoration over the
# database's current content (README, "Backups").
backup:
	$(WITH_DB) $(PY) -m enlieusur.backup dump

restore:
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/enlieusur-….dump" >&2; exit 2; }
	$(WITH_DB) $(PY) -m enlieusur.backup restore "$(FILE)"

# Supply chain and static analysis (what CI runs after the tests; pip-audit asks PyPI's
# advisory service): known vulnerabilities in the installed packages, bandit's medium and
# high findings, ruff.
check: setup-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m bandit -q -r enlieusur partners gazetteer sms -ll
	$(PY) -m pip_audit --local --progress-spinner off

# Speed at 100,000 partners against the targets (BENCHMARKS.md): its own database, gunicorn
# as in production on loopback. BENCH_ARGS=--strict exits non-zero on a miss;
# COUNTS=10000,100000,1000000 adds the growth table at those sizes.
bench: setup-test
	$(PY) -m bench $(if $(COUNTS),--counts $(COUNTS)) $(BENCH_ARGS)
