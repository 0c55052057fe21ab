# Two commands work on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test bench lint format clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/python examples/tour.py

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -p no:cacheprovider

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check jaxlite tests benchmarks examples
	$(BIN)/ruff format --check jaxlite tests benchmarks examples

format: $(VENV)/.installed-test
	$(BIN)/ruff format jaxlite tests benchmarks examples
	$(BIN)/ruff check --fix jaxlite tests benchmarks examples

clean:
	rm -rf $(VENV) build *.egg-info
