# dondoc — the two commands: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DONDOC_CONFIG ?=
# pytest-xdist workers for `make test`: one per core; a test file stays on one worker (its
# module fixtures are built once). PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto

.PHONY: demo test install assets lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) assets

# Browser assets (bpmn-js, dmn-js, charts) come from npm at set-up, never from a CDN at run time.
assets:
	@if [ -f webui/package.json ]; then $(MAKE) --no-print-directory -C webui assets; fi

demo: install
	$(BIN)/dondoc demo --reset --serve

test: install
	$(BIN)/ruff check engine webui tests bench
	$(BIN)/mypy engine
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check engine webui tests bench
	$(BIN)/mypy engine

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var test-output
