# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/tsunagi serve

# The tests that stop PostgreSQL or measure time run alone first; the rest in two processes
# (pytest-xdist), each with a database of its own. pytest exits 5 when it collects nothing;
# say so loudly rather than fail on it.
test: $(STAMP) lint typecheck
	$(BIN)/python -m pytest -m serial; rc=$$?; \
	if [ $$rc -ne 0 ] && [ $$rc -ne 5 ]; then exit $$rc; fi; \
	$(BIN)/python -m pytest -m "not serial" -n 2; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests"; exit 0; fi; exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check domain projections audit api bench tests

typecheck: $(STAMP)
	$(BIN)/mypy

# Figures with baselines measured in the same run (PostgreSQL at 127.0.0.1:5432 and SQLite).
bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
