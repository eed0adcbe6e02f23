# Two commands for a newcomer: `make run` and `make test`. Both build .venv from the pinned
# requirements files; nothing depends on what a developer installed by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# Localhost only by default; `make run ADDRESS=0.0.0.0` shares the app on the network.
ADDRESS ?= 127.0.0.1

.PHONY: run test lint format bench browser frontend postgres nginx serve-shared screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt canvas/pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(BIN)/streamlit run serve.py --server.port $(PORT) --server.address $(ADDRESS) \
		--server.headless true \
		--browser.gatherUsageStats false

# Headless Chromium for the browser tests comes from the system's packages, because
# Playwright's own browser download needs hosts this project cannot count on.
browser:
	@bash scripts/ensure-chromium.sh

# The canvas's bundle (canvas/whiteboard_canvas/static/) is committed, so `make run` needs
# no Node; this rebuilds it from canvas/frontend/ after a change there (Node 18+ and npm).
frontend:
	cd canvas/frontend && npm ci --no-audit --no-fund && npm run build

# Debian's PostgreSQL server: the store tests run on it as well as on SQLite, and the
# shared-deployment browser test runs two replicas on it. The tests start their own server.
postgres:
	@bash scripts/ensure-postgresql.sh

# Debian's nginx: `make serve-shared` and the shared-deployment tests put it in front of the
# replicas (deploy/nginx.conf). They run nginx processes of their own, as you; the package's
# service is neither started nor enabled.
nginx:
	@bash scripts/ensure-nginx.sh

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(VENV)/.dev browser postgres nginx lint
	$(BIN)/python -m pytest

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(VENV)/.dev browser postgres
	$(BIN)/python bench/rubric.py
	$(BIN)/python bench/layout_labels.py
	$(BIN)/python bench/notes_corpus.py
	$(BIN)/python bench/ui_rerun.py
	$(BIN)/python bench/browser_canvas.py
	$(BIN)/python bench/live_rooms.py
	$(BIN)/python bench/page_loads.py
	$(BIN)/python bench/flood.py
	$(BIN)/python bench/load.py

# N app replicas on one PostgreSQL database behind nginx on $(PORT) (deploy/nginx.conf):
# WHITEBOARD_DATABASE_URL if set, else a local cluster kept in ./data/postgres.
REPLICAS ?= 2
serve-shared: $(VENV)/.runtime postgres nginx
	$(BIN)/python -m scripts.serve_shared --replicas $(REPLICAS) --port $(PORT)

# The README's pictures, from the running app (docs/images/): after a change people see.
screenshots: $(VENV)/.dev browser
	$(BIN)/python -m scripts.screenshots

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
