# 智慧党建 — developer entry points. Needs only python3.11 (or python3 ≥ 3.11), node/npm and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app server
PORT   ?= 5000

.PHONY: run test install lint format schema bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

miniprogram/node_modules/.installed: miniprogram/package-lock.json
	cd miniprogram && npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed miniprogram/node_modules/.installed

## run: the platform on laptop defaults (SQLite, in-process jobs, WeChat sandbox) with demo data
run: install
	$(FLASK) demo
	$(PY) -m server.devserver --port $(PORT)

## test: the whole suite (Python on SQLite, jest + WXML/WXSS compile check)
test: install
	$(PY) -m pytest -q
	cd miniprogram && npx jest --ci

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

schema: install
	$(FLASK) dump-schema -o schema.sql

bench: install
	$(PY) bench/whoami.py
	$(PY) bench/fanout.py
	$(PY) bench/callback.py
	$(PY) bench/checkin.py
	$(PY) bench/development.py
	$(PY) bench/study_peak.py
	$(PY) bench/study_analytics.py

clean:
	rm -rf $(VENV) miniprogram/node_modules instance .pytest_cache
