# Two commands do all the set-up: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
APP    := $(VENV)/.installed-app
DEV    := $(VENV)/.installed-dev
BENCH  := $(VENV)/.installed-bench

.PHONY: run test lint typecheck unit bench demo clean

run: $(APP)
	$(BIN)/python -m mesodesk $(ARGS)

test: $(DEV)
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

# The benchmark suite of issue #8 (about half an hour; the 20 000-patient practice is
# built once, in ~/.cache/mesodesk-bench): writes BENCHMARKS.md. BENCH_ARGS go to
# `python -m benchmarks` (--rounds, --only FIGURE, --profile FOLDER, --patients…).
bench: $(BENCH)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks $(BENCH_ARGS)

$(BENCH): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	@touch $@ $(APP)

demo: $(APP)
	$(BIN)/python -m mesodesk --demo

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "mesodesk needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the project's metadata changes.
$(APP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(APP)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
