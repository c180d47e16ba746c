# Short verbs for the whole project. Each target sets up what it needs on a fresh machine.
SHELL := /bin/bash
UV := .tools/bin/uv
PY := .venv/bin/python
# jsii (under aws-cdk-lib) warns on every import that Node 20 nears end of life; it works.
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export IMDB_DATA ?= $(abspath ../shared/data/aclImdb.tar.gz)

.PHONY: setup serve test test-slow lint loadtest explore train results bench synth deploy destroy clean

setup:  ## the locked Python environment in .venv
	@scripts/bootstrap

serve: setup  ## the API and the page on http://127.0.0.1:8000 with the shipped model
	$(PY) -m handler.local

loadtest: setup  ## 20,000 requests at 50 clients against the local server; reports/load.md
	$(PY) -m bench.load

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

results: setup  ## redraw reports/results.md from reports/results.json
	$(PY) -m convert results

# BENCH_ARGS passes options, e.g. stand-in models made by `$(PY) -m bench.standin build/bench-fixture`:
# make bench BENCH_ARGS="--model-dir build/bench-fixture/model --keras-model build/bench-fixture/sentiment.keras --float-model build/bench-fixture/sentiment_float.tflite"
BENCH_ARGS ?=
bench: setup  ## served LiteRT handler vs TensorFlow/Keras: cold start, latency, memory, size; reports/bench.md
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf .venv .tools cdk.out .pytest_cache .mypy_cache .ruff_cache

# Deployment. STAGE names the stack (SentimentService-$(STAGE)); CDK_ARGS passes more context,
# e.g. make deploy CDK_ARGS="-c architecture=arm64 -c extraAllowedOrigins=http://localhost:8000"
STAGE ?= dev
CDK_ARGS ?=
CDK := npx --no-install cdk
CDK_CONTEXT = -c stage=$(STAGE) $(CDK_ARGS)
.PHONY: bootstrap-aws publish-page smoke

# npm writes this file on every install, so it is newer than the lock file exactly when
# node_modules matches it.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

synth: setup node_modules/.package-lock.json  ## the CloudFormation template in cdk.out/ (no AWS, no Docker)
	$(CDK) synth --quiet $(CDK_CONTEXT)

bootstrap-aws: setup node_modules/.package-lock.json  ## once per account and region: CDK's asset bucket and ECR repo
	$(CDK) bootstrap $(CDK_CONTEXT)

deploy: setup node_modules/.package-lock.json  ## build the image with Docker, deploy, then smoke-test
	$(CDK) deploy $(CDK_CONTEXT)
	$(PY) -m infra smoke --stage $(STAGE)

destroy: setup node_modules/.package-lock.json  ## delete the stack, its bucket and its log groups
	$(CDK) destroy --force $(CDK_CONTEXT)

publish-page: setup  ## re-upload frontend/ and config.json to the deployed site, no full deploy
	$(PY) -m infra publish-page --stage $(STAGE)

smoke: setup  ## POST one review to the deployed API and check the answer
	$(PY) -m infra smoke --stage $(STAGE)
