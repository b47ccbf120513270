# The two commands a newcomer needs: `make run` (the bot with its LINE simulator) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run lint test test-services bench lock

# Exactly the versions in requirements.lock (checked against their hashes), then the project itself.
$(BIN)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# Start the bot on http://127.0.0.1:$(PORT) with the local LINE simulator at /sim (no LINE account,
# no database or Redis server: SQLite and an in-process store under ./data). `PORT=8100 make run`
# serves on another port.
PORT ?= 8000
run: $(BIN)/.installed
	$(BIN)/schoolbot db upgrade
	$(BIN)/schoolbot demo
	$(BIN)/schoolbot serve --port $(PORT)

# ruff (style, bugs, complexity: [tool.ruff]), mypy on backend/ and flows/ ([tool.mypy]) and the
# import contract (which package may import which: [tool.importlinter]), all in pyproject.toml.
lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The checks above, then the test suite on SQLite and the in-process store. Set DATABASE_URL /
# REDIS_URL to run the suite against PostgreSQL and Redis (see test-services).
test: lint
	$(BIN)/python -m pytest -q

# The same suite against the PostgreSQL and Redis servers on this machine.
test-services: $(BIN)/.installed
	DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/15 \
		$(BIN)/python -m pytest -q

bench: $(BIN)/.installed
	$(BIN)/python -m bench.load

# Pin every dependency and test dependency, with hashes, after changing pyproject.toml: pins
# already in the lock stay where they can; `make lock LOCK_FLAGS=--upgrade` takes the newest
# releases (README, "Dependencies"). --universal: one lock for every OS and Python >= 3.11.
LOCK_FLAGS ?=
lock:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 \
		--generate-hashes --quiet $(LOCK_FLAGS) --output-file requirements.lock
