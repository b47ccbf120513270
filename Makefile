# The two commands a newcomer needs: `make run` (the bot with its LINE simulator) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-services bench

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# Start the bot on http://127.0.0.1:8000 with the local LINE simulator at /sim (no LINE account,
# no database or Redis server: SQLite and an in-process store under ./data).
run: $(BIN)/.installed
	$(BIN)/schoolbot db upgrade
	$(BIN)/schoolbot demo
	$(BIN)/schoolbot serve

# The import contract (which package may import which: [tool.importlinter] in pyproject.toml),
# then the test suite on SQLite and the in-process store. Set DATABASE_URL / REDIS_URL to run
# the suite against PostgreSQL and Redis (see test-services).
test: $(BIN)/.installed
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

# The same suite against the PostgreSQL and Redis servers on this machine.
test-services: $(BIN)/.installed
	DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/15 \
		$(BIN)/python -m pytest -q

bench: $(BIN)/.installed
	$(BIN)/python -m bench.load
