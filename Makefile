# Poplark developer commands. `make run` and `make test` work on a fresh Debian/Ubuntu machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck check bench clean system-run system-test

run: system-run $(STAMP)
	$(BIN)/poplark

test: system-test $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	mkdir -p build
	$(BIN)/python -m pytest --junitxml=build/test-results.xml $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

bench: system-test $(STAMP)
	$(BIN)/python bench/fetch_bench.py $(BENCH_ARGS)

system-run:
	./.ci/system-packages.sh run

system-test:
	./.ci/system-packages.sh test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

clean:
	rm -rf $(VENV) build dist *.egg-info
