# The two commands of the README's quick start: `make run` and `make test`.
# Both set up everything they need on a fresh machine with Python 3.11+.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install migrate seed lint format check messages docs clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -qq --upgrade pip
	$(PY) -m pip install -qq -r requirements.lock
	$(PY) -m pip install -qq --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput -v 0

seed: migrate
	$(PY) manage.py playbooks_load
	$(PY) manage.py seed_demo

# Serves the app on the embedded default (SQLite, file-system Celery broker) with a Celery
# worker and beat beside it, so clocks escalate on their own. Ctrl-C stops all three.
# fraudops.run seeds the demo data itself and prints the logins under the address.
run: migrate
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) -m fraudops.run --host $(HOST) --port $(PORT)

test: install
	$(PY) -m pytest -q $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

messages: install
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

# The drawing of the incident state machine (needs Graphviz's `dot` for the SVG).
docs: install
	$(PY) manage.py graph_transitions incidents.Incident > docs/incident-state-machine.dot
	$(PY) manage.py graph_transitions incidents.Incident -o docs/incident-state-machine.svg

clean:
	rm -rf var/celery var/test-media
