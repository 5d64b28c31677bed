# Two commands on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check-all setup system-deps lint typecheck pytest pytest-hours pytest-all bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# The web app on the local SQLite database; `runback serve` prints its address.
run: setup
	$(BIN)/runback serve

# Debian packages the tests need (skipped when already present or not root-capable).
system-deps:
	@bash .ci/system-deps.sh

lint: setup
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/ruff format --check src tests $(wildcard bench)

typecheck: setup
	$(BIN)/mypy

# `make test` runs a bounded version of every test; the full-size slow ones (8 × 500 writes,
# many kill points, long fuzzing) run in `make check-all`.
# Tests run on up to four cores side by side (pytest-xdist); the few that time real waits or run
# at a real-time speed (marked `realtime`) run afterwards on their own, so a neighbour cannot
# slow them.
JOBS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)

pytest: setup
	$(BIN)/pytest -q -n $(JOBS) -m "not slow and not realtime"
	$(BIN)/pytest -q -m "realtime and not slow"

# No test may read the real clock: the clock-sensitive parts again at 09:30 on a weekday and at
# 23:30 on a Saturday, Berlin time, under faketime (.ci/hours.sh).
pytest-hours: setup
	BIN=$(BIN) JOBS=$(JOBS) bash .ci/hours.sh

# -m "not realtime" undoes the addopts -m (which leaves out slow and reliability): every test
# runs, the real-time ones alone afterwards.
pytest-all: setup
	$(BIN)/pytest -q -n $(JOBS) -m "not realtime"
	$(BIN)/pytest -q -m "realtime"

test: system-deps setup lint typecheck pytest pytest-hours

check-all: system-deps setup lint typecheck pytest-all

bench: setup
	$(BIN)/python bench/startup.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
