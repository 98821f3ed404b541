# Two commands on a fresh machine with Python 3.11+:  make run  |  make test
# Each creates .venv at the repository root on first use and installs the locked versions of
# uv.lock: `make run` the runtime set only, `make test` the runtime and test sets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
UV := $(BIN)/uv
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed-test
# uv installs into .venv; --inexact leaves uv itself (and the other set) in place.
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
# uv writes no .pyc files unless asked (pip does); without them every process, each test's
# Streamlit server too, compiles its imports from source, which costs 10-40 s under
# PYTHONDONTWRITEBYTECODE=1 or on a read-only install.
export UV_COMPILE_BYTECODE := 1
SYNC := $(UV) sync --locked --inexact --quiet
PORT ?= 8501
# 127.0.0.1: this machine only. HOST=0.0.0.0 opens the app to the network.
HOST ?= 127.0.0.1
SERVER_NAME ?= $(if $(filter 127.0.0.1 localhost,$(HOST)),localhost,$(shell hostname))
# make serve: the production settings (dashboard/serve.py) under this URL path; deploy/README.md
BASE_PATH ?= atlas
LOWEST := .venv-lowest

.PHONY: run test lint bench fuzz serve lock bundle test-lowest clean

$(UV):
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)

$(RUN_STAMP): uv.lock pyproject.toml | $(UV)
	$(SYNC)
	$(BIN)/python -m geo fonts prepare
	touch $@

$(STAMP): uv.lock pyproject.toml | $(UV)
	$(SYNC) --extra test
	touch $@

# make run DATA=path/to/folder (or DATA=store:published) opens that dataset for every visitor.
run: $(RUN_STAMP)
	@echo "Open http://$(SERVER_NAME):$(PORT) in a browser (Ctrl+C stops the app)."
	$(if $(DATA),ATLAS_DATA="$(DATA)" )$(BIN)/streamlit run dashboard/app.py --server.port $(PORT) \
		--server.headless true --server.address $(HOST) --browser.serverAddress $(SERVER_NAME)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

serve: $(RUN_STAMP)
	$(if $(DATA),ATLAS_DATA="$(DATA)" )$(BIN)/python -m dashboard.serve --address $(HOST) \
		--port $(PORT) --base-path $(BASE_PATH)

# The mutation fuzzer of tests/fuzz/ for longer than the tests run it (CASES=, SEED=).
fuzz: $(STAMP)
	$(BIN)/python -m tests.fuzz.fuzz --cases $(or $(CASES),3000) --seed $(or $(SEED),1000)

bench: $(STAMP)
	$(BIN)/python bench/bench_scale.py

# After changing the dependencies in pyproject.toml (or merging a branch that did): re-resolve
# uv.lock and commit it.
lock: | $(UV)
	$(UV) lock

# dist/service-atlas-VERSION-PYTHON-PLATFORM.tar.gz: every runtime wheel, installs offline.
bundle: | $(UV)
	$(BIN)/python deploy/bundle.py --uv $(UV)

# The test suite (browser tests aside) at the lowest versions pyproject.toml allows.
test-lowest: | $(UV)
	rm -rf $(LOWEST)
	$(UV) venv --quiet --python $(BIN)/python $(LOWEST)
	$(UV) pip compile --quiet pyproject.toml --extra test --resolution lowest-direct \
		--python $(LOWEST)/bin/python -o $(LOWEST)/requirements.txt
	$(UV) pip install --quiet --python $(LOWEST)/bin/python -r $(LOWEST)/requirements.txt
	$(UV) pip install --quiet --python $(LOWEST)/bin/python --no-deps -e .
	$(LOWEST)/bin/python -m pytest -m "not browser" -p no:cacheprovider

clean:
	rm -rf $(VENV) $(LOWEST) .pytest_cache .ruff_cache dist
