# The two commands of a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
PYTEST_ARGS ?=
# Parallel test processes (pytest-xdist, in requirements-dev.txt); empty runs
# in one process. On PostgreSQL each process gets its own test database
# (pytest-django adds _gw0, _gw1 to its name).
PYTEST_WORKERS ?=
# `make backup` writes into $(BACKUP_DIR)/<UTC time>/; `make restore BACKUP=that
# folder` loads it into the database named by RESTORE_DATABASE (FORCE=1 replaces
# a non-empty one; REPLACE_LIVE=1 as well for DATABASE_URL's own database).
# Both need DATABASE_URL on PostgreSQL.
BACKUP_DIR ?= backups
BACKUP ?=
FORCE ?=
REPLACE_LIVE ?=

.PHONY: run test lint lint-migrations fmt migrate demo worker beat venv clean-venv messages backup restore

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

## Serve the portal on SQLite with demo data at http://$(HOST):$(PORT)
run: venv migrate demo
	$(PY) manage.py runserver $(HOST):$(PORT)

## The whole test suite (SQLite by default; DATABASE_URL for PostgreSQL;
## PYTEST_WORKERS=2 for two processes)
test: venv
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(if $(PYTEST_WORKERS),-n $(PYTEST_WORKERS)) $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## Migrations added after ops/migrations_baseline.txt must not lock a large
## table or break the running release (django-migration-linter on
## PostgreSQL's SQL: LINT_DATABASE_URL, a database that may be empty)
LINT_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/postgres)
lint-migrations: venv
	DATABASE_URL=$(LINT_DATABASE_URL) $(PY) manage.py lintnewmigrations

fmt: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrate: venv
	$(PY) manage.py migrate --noinput

## Idempotent: loads the demo tenant and prints its logins
demo: venv
	$(PY) manage.py demo

worker: venv
	$(VENV)/bin/celery -A liaison worker --loglevel=info

beat: venv
	$(VENV)/bin/celery -A liaison beat --loglevel=info --schedule /tmp/liaison-celerybeat-schedule

## Recompile the translations after editing locale/*/LC_MESSAGES/django.po
messages: venv
	$(PY) manage.py compilemessages --ignore=.venv

## Back up the database (pg_dump, custom format) and the media folder into
## $(BACKUP_DIR)/<UTC time>/ (prints the folder)
backup: venv
	$(PY) manage.py backup --dir "$(BACKUP_DIR)"

## Restore BACKUP=<folder> into the database $$RESTORE_DATABASE (created when
## missing; a non-empty one only with FORCE=1) and the media folder
## ($$RESTORE_MEDIA_ROOT, else MEDIA_ROOT)
restore: venv
	@test -n "$(BACKUP)" || { echo "make restore: name the folder, e.g. BACKUP=backups/20261201T030000Z" >&2; exit 2; }
	$(PY) manage.py restore "$(BACKUP)" $(if $(FORCE),--force) $(if $(REPLACE_LIVE),--replace-live)
