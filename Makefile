# Baromètre — the two commands of the README are `make demo` and `make test`.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_COMPILE_BYTECODE := 1
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: demo test test-fast lint format venv venv-dev serve worker drill bench-engine bench-reports bench-load bench-pages bench-national bench-annuaire bench-audit-import bench-privacy bench-child-read clean

venv:
	@scripts/bootstrap.sh --no-dev --inexact

venv-dev:
	@scripts/bootstrap.sh

## make demo: environment, SQLite database under var/, demo data, then serve on :8000
demo: venv
	@mkdir -p var
	$(BIN)/barometre demo

## make test: development dependencies and the whole test suite
test: venv-dev
	@scripts/system-deps.sh
	$(BIN)/pytest $(PYTEST_ARGS)

## make test-fast: the developer's loop: parallel, test databases kept (--reuse-db), no
## browser and no slow tests (tests/conftest.py SLOW); its last line prints its time
## (add PYTEST_ARGS=--lf to rerun only what failed last time, --create-db after a branch switch)
test-fast: venv-dev
	@start=$$(date +%s); \
	$(BIN)/pytest -n auto --reuse-db -m "not browser and not slow" $(PYTEST_ARGS); status=$$?; \
	echo "make test-fast : $$(( $$(date +%s) - start )) s (cible : moins de 90 s sur 2 cœurs)"; \
	exit $$status

lint: venv-dev
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/djlint src --check
	$(BIN)/djlint src --lint
	BAROMETRE_DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

format: venv-dev
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/djlint src --reformat --quiet

serve: venv
	BAROMETRE_DEBUG=true $(BIN)/barometre serve

worker: venv
	BAROMETRE_DEBUG=true $(BIN)/barometre worker

clean:
	rm -rf var/barometre.sqlite3* var/media var/static

## make bench-engine: scoring benchmark on synthetic editions of 20k, 40k and 80k structures
bench-engine: venv-dev
	$(BIN)/python benchmarks/bench_engine.py

## make bench-reports: one PDF report, then the ZIP of 300 reports
bench-reports: venv-dev
	$(BIN)/python benchmarks/bench_reports.py

## make bench-child-read: a 5,000-row survey workbook read in the process, then in the child
bench-child-read: venv-dev
	$(BIN)/python benchmarks/bench_child_read.py

## make bench-privacy: name masking on the frozen corpus (tests/data/privacy): recall of person
## names, places and structures wrongly masked, per half; time per text, model memory
bench-privacy: venv-dev
	$(BIN)/python benchmarks/bench_privacy.py

## make bench-annuaire: import of 5,000 generated Annuaire records (dry run, write, re-import)
bench-annuaire: venv-dev
	$(BIN)/python benchmarks/bench_annuaire.py

## make bench-audit-import: an edition's own audit export imported back into it on a copy of
## the demo database, while an auditor saves a draft every 100 ms (longest wait, failures)
bench-audit-import: venv-dev
	$(BIN)/python benchmarks/bench_audit_import.py

## make drill: fault drills on a PostgreSQL cluster of its own (database restart and stop,
## web worker killed, task worker through a restart), one table (docs/operations.md)
drill: venv-dev
	$(BIN)/python benchmarks/drill.py

## make bench-load: gunicorn on PostgreSQL (127.0.0.1), 16 clients (wrk), surveys and dashboard
bench-load: venv-dev
	@scripts/system-deps.sh --bench
	@scripts/ensure-postgres.sh
	$(BIN)/python benchmarks/bench_load.py

## make bench-pages: every page of the access matrix, per persona, on the demo (PostgreSQL)
bench-pages: venv-dev
	@scripts/ensure-postgres.sh
	$(BIN)/python benchmarks/bench_pages.py

## make bench-national: a national network (60,000 structures, 5 M survey answers, 500,000
## register entries) generated in PostgreSQL, a structure's pages and the network indicator
## (database: BENCH_NATIONAL_URL, kept for the next run; --rebuild to generate it again)
bench-national: venv-dev
	@scripts/ensure-postgres.sh
	$(BIN)/python benchmarks/bench_national.py
