# The verbs a newcomer looks for. `make run` and `make test` are all you need.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Every process of `make run` writes its metrics here; /metrics sums them (emptied at start).
PROMETHEUS_MULTIPROC_DIR ?= $(CURDIR)/.metrics

.PHONY: run test lint format e2e bench install migrate clean messages translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install translations
	$(BIN)/python manage.py migrate --noinput

# The German catalogues: <app>/locale/de/LC_MESSAGES/django.po in git, the .mo built here
# (gettext's msgfmt). `make messages` adds newly marked strings to the .po for translating.
translations: install
	$(BIN)/python manage.py compilemessages --ignore=.venv --verbosity 0

messages: install
	$(BIN)/python manage.py makemessages -l de --no-obsolete --add-location=file \
		--ignore='.venv/*' --ignore='tests/*' --ignore='bench/*' --ignore='docs/*' \
		--ignore='staticfiles/*' --ignore='media/*'

# The site, a Celery worker and beat, with a broker in a folder (no Redis needed).
run: migrate
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py setup_schedules
	rm -rf $(PROMETHEUS_MULTIPROC_DIR) && mkdir -p $(PROMETHEUS_MULTIPROC_DIR)
	CELERY_BROKER_URL=filesystem:// HOST=$(HOST) PORT=$(PORT) \
		PROMETHEUS_MULTIPROC_DIR=$(PROMETHEUS_MULTIPROC_DIR) \
		$(BIN)/honcho -f config/Procfile.dev -d . start

test: install translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

e2e: install translations
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
