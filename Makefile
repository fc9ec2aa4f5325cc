# The verbs a newcomer looks for. `make run` and `make test` are all you need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format e2e bench install migrate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

# The site, a Celery worker and beat, with a broker in a folder (no Redis needed).
run: migrate
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py setup_schedules
	CELERY_BROKER_URL=filesystem:// HOST=$(HOST) PORT=$(PORT) \
		$(BIN)/honcho -f config/Procfile.dev -d . start

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

e2e: install
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	bash bench/run.sh

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
