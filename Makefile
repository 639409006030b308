# Everything a fresh machine with Python 3.11+ and make needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv browser redis run test lint bench soak golden golden-check docs serve loadtest fuzz clean

venv: $(STAMP)

# verify's HTML report is opened by a real headless Chromium in the tests (make test only; make run
# needs no browser): Debian's package
# (playwright drives /usr/bin/chromium; never `playwright install`)
browser:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

# The Redis store's tests start a real redis-server of their own (tests/redis_server.py): Debian's
# package, installed when missing and we are root (CI is); otherwise those tests fail saying how.
redis:
	@command -v redis-server >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update && apt-get install -y redis-server; } || \
		echo "redis-server is missing: apt-get install -y redis-server (as root) for the Redis store's tests"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# the report is written in Python (no browser needed); open runs/baseline/report.html in any browser
run: venv
	$(BIN)/parcel-sandbox run baseline --out runs/baseline --report

serve: venv
	$(BIN)/parcel-sandbox serve baseline

# One pytest worker more than there are cores: about two fifths of the suite's time is waiting
# (servers starting, clocks moving, locust runs), which the extra worker fills.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))

test: venv browser redis
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: venv redis
	@# wrk and nginx (Debian) for the HTTP benchmark, installed when missing and we are root
	@command -v wrk >/dev/null && { command -v nginx || test -x /usr/sbin/nginx; } >/dev/null || \
		{ [ "$$(id -u)" = 0 ] && apt-get update -q && apt-get install -y -q wrk nginx-light; } || \
		echo "bench: install wrk and nginx (apt-get install wrk nginx-light) for python -m bench wrk"
	$(BIN)/python -m bench
	$(BIN)/python -m bench.engine_bench qa
	$(BIN)/python -m bench.engine_bench jump
	$(BIN)/python -m bench workers
	@echo "bench: the 30-minute realtime soak is its own target: make soak"

# 30 minutes at realtime x3600 and ~50 req/s, RSS sampled every 30 s (docs/benchmarks.md)
soak: venv
	$(BIN)/python -m bench.engine_bench soak 30

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
