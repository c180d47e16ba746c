# Short verbs for the whole project. Each target sets up what it needs on a fresh machine.
SHELL := /bin/bash
UV := .tools/bin/uv
PY := .venv/bin/python
export IMDB_DATA ?= $(abspath ../shared/data/aclImdb.tar.gz)

.PHONY: setup serve test test-slow lint loadtest explore train export bench synth deploy destroy clean

setup:  ## the locked Python environment in .venv
	@scripts/bootstrap

serve: setup  ## the API and the page on http://127.0.0.1:8000 with the shipped model
	$(PY) -m handler.local

loadtest: setup  ## 20,000 requests at 50 clients against the local server; reports/load.md
	$(PY) -m tests.load.loadtest

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

test: setup  ## lint, type-check and the default test tiers (browser included)
	@scripts/install-browser
	$(MAKE) --no-print-directory lint
	$(PY) -m pytest -m "not slow"

test-slow: setup  ## the slow tiers: full training of every model
	$(PY) -m pytest -m slow

explore: setup  ## reports/exploration.md and its figures
	$(PY) -m convert explore --data "$(IMDB_DATA)"

train: setup  ## train RNN, CNN, RCNN, baselines and the served model; write reports/results.md
	$(PY) -m convert train --data "$(IMDB_DATA)"

export: setup  ## re-export the served model to handler/model/ from the committed Keras model
	$(PY) -m convert export --data "$(IMDB_DATA)"

clean:
	rm -rf .venv .tools cdk.out .pytest_cache .mypy_cache .ruff_cache
