# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_DB := .cache/demo-vulndb.sqlite3

.PHONY: demo serve-demo test lint install install-dev bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'

# Install, build a database from the bundled advisories, scan the bundled example app's SBOM.
# The scan exits 1 because the example has HIGH/CRITICAL findings: that is the point.
demo: install
	rm -f $(DEMO_DB)
	$(BIN)/garrison db import --db $(DEMO_DB) examples/advisories
	$(BIN)/garrison db stats --db $(DEMO_DB)
	$(BIN)/garrison scan examples/demo-app/sbom.cdx.json --db $(DEMO_DB); \
	  code=$$?; echo "garrison scan exited $$code (1 = findings block the build, as expected here)"; \
	  test $$code -eq 1

# The monitoring server on the same example, offline (examples/server/demo.sh): it keeps
# running for the web UI until Ctrl-C.
serve-demo: install
	PATH="$(CURDIR)/$(BIN):$$PATH" examples/server/demo.sh --keep

lint: install-dev
	$(BIN)/ruff check --no-cache src tests bench
	$(BIN)/ruff format --no-cache --check src tests bench
	$(BIN)/mypy

# Install everything the tests need, lint, type-check and run the whole suite.
test: lint
	$(BIN)/pytest -q

bench: install-dev
	$(BIN)/python bench/vulndb_bench.py
	$(BIN)/python bench/big_lockfile_bench.py
	$(BIN)/python bench/sbom_vs_syft.py

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache
