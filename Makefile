# Two commands on a fresh machine with Python 3.11+:  make run  |  make test
# Each creates .venv at the repository root on first use and reinstalls when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501
# 127.0.0.1: this machine only. HOST=0.0.0.0 opens the app to the network.
HOST ?= 127.0.0.1
SERVER_NAME ?= $(if $(filter 127.0.0.1 localhost,$(HOST)),localhost,$(shell hostname))

.PHONY: run test lint bench fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# make run DATA=path/to/folder (or DATA=store:published) opens that dataset for every visitor.
run: $(STAMP)
	@echo "Open http://$(SERVER_NAME):$(PORT) in a browser (Ctrl+C stops the app)."
	$(if $(DATA),ATLAS_DATA="$(DATA)" )$(BIN)/streamlit run dashboard/app.py --server.port $(PORT) \
		--server.headless true --server.address $(HOST) --browser.serverAddress $(SERVER_NAME)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

# The mutation fuzzer of tests/fuzz/ for longer than the tests run it (CASES=, SEED=).
fuzz: $(STAMP)
	$(BIN)/python -m tests.fuzz.fuzz --cases $(or $(CASES),3000) --seed $(or $(SEED),1000)

bench: $(STAMP)
	$(BIN)/python bench/bench_scale.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
