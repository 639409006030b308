# Everything a fresh machine with Python 3.11+ and make needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv run test lint bench golden golden-check docs serve loadtest fuzz clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: venv
	$(BIN)/parcel-sandbox run baseline --out runs/baseline

serve: venv
	$(BIN)/parcel-sandbox serve baseline

test: venv
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: venv
	$(BIN)/python -m bench

golden: venv
	$(BIN)/python -m sim.golden

# re-run the shipped scenarios and compare with tests/golden.json, writing nothing
golden-check: venv
	$(BIN)/python -m sim.golden --check

docs: venv
	$(BIN)/python -m parcel_sandbox.scenario_docs > docs/scenarios.md
	$(BIN)/python -m mock_carriers.docgen > docs/carriers.md

# the fuzz-marked tests at full length (make test runs them short)
fuzz: venv
	PARCEL_SANDBOX_FUZZ=long $(BIN)/python -m pytest -q -m fuzz

loadtest: venv
	$(BIN)/python -m loadtests.smoke

clean:
	rm -rf $(VENV) runs .pytest_cache
