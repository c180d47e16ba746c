# Short verbs for the whole project. Each target installs what it needs on a fresh machine, and
# no more: `make serve` gets the image's packages only (scripts/bootstrap says which target gets what).
SHELL := /bin/bash
UV := .tools/bin/uv
PY := .venv/bin/python
SERVE_PY := .venv-serve/bin/python
# The jsii runtime inside aws-cdk-lib prints a boxed "Node 20 is end-of-life" banner on every
# import (pytest shows it as Python bytes). Node 20 is the newest this project's machines get from
# their package sources (Debian 12's own nodejs is 18), and synth and the tests pass on it. The
# value names the one major version whose banner is silenced, so any other unsupported Node still
# warns; Node 22 or 24 (docs/deploy.md) needs nothing. tests/conftest.py sets it for a bare pytest.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION ?= 20
export IMDB_DATA ?= $(abspath ../shared/data/aclImdb.tar.gz)

.PHONY: setup setup-serve setup-train setup-infra serve test test-full test-slow lint loadtest explore train results behaviour seeds compare bench synth deploy destroy clean scan

setup:  ## the locked Python environment in .venv (every default dependency group)
	@scripts/bootstrap

setup-serve:  ## only what serving needs, in .venv-serve: the image's packages and uvicorn
	@scripts/bootstrap serve

setup-train:  ## the pipeline's packages (TensorFlow among them), added to .venv
	@scripts/bootstrap train

setup-infra:  ## the CDK's packages, added to .venv
	@scripts/bootstrap infra

# PORT=8001 make serve, or $(SERVE_PY) -m scripts.serve --port 8001 --host 0.0.0.0
serve: setup-serve  ## the API and the page on http://127.0.0.1:8000 (or $$PORT) with the shipped model
	$(SERVE_PY) -m scripts.serve

loadtest: setup  ## 20,000 requests at 50 clients against the local server; reports/load.md
	$(PY) -m bench.load

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

# node_modules first (the CDK CLI test needs it), so npm's progress shows here, not inside pytest.
# The tests run in one pytest-xdist worker per core (at most 4: each worker loads TensorFlow);
# TEST_WORKERS=0 runs them in this one process, as --pdb needs.
TEST_WORKERS ?= auto
test: setup node_modules/.package-lock.json  ## lint, type-check and the default test tiers (browser included; not full, not slow)
	@scripts/install-browser
	$(MAKE) --no-print-directory lint
	$(PY) -m pytest -m "not slow and not full" -n $(TEST_WORKERS) --maxprocesses 4

# The default tier checks the shipped model on seeded samples; this runs the same checks on
# everything (the 25,000 test reviews, every case of the behavioural suite).
test-full: setup  ## the full tier: parity on the whole test set, the whole behavioural suite
	$(PY) -m pytest -m full

# The test syncs checkov's own environment (build/scan-venv, the lock's scan group) itself.
scan: setup  ## checkov on the synthesized templates, against the acknowledgements in infra/policy_scan.py
	$(PY) -m pytest tests/infra/test_scan.py

test-slow: setup  ## the slow tiers: full training of every model
	$(PY) -m pytest -m slow

explore: setup-train  ## reports/exploration.md and its figures
	$(PY) -m convert explore --data "$(IMDB_DATA)"

train: setup-train  ## train RNN, CNN, RCNN, baselines and the served model; write reports/results.md
	$(PY) -m convert train --data "$(IMDB_DATA)"

results: setup-train  ## redraw reports/results.md from reports/results.json
	$(PY) -m convert results

# BEHAVIOUR_ARGS passes options, e.g. --previous build/previous/handler/model (see `compare`).
BEHAVIOUR_ARGS ?=
behaviour: setup-train  ## the behavioural suite on the shipped model: reports/behaviour.md and .json
	$(PY) -m convert.behaviour --data "$(IMDB_DATA)" $(BEHAVIOUR_ARGS)

# The served recipe again with the CNN's seeds shifted (on 2 cores, 3-4 minutes to prepare
# once, then 8-20 a shift with AVX-512, 40 on a plain AVX2 AMD EPYC: the CPU decides),
# beside the shipped model on the development signals: how much a figure owes to the draw.
# A candidate recipe: make seeds SHIFTS="0 1" SEEDS_ARGS="--set antonyms=true".
SHIFTS ?= 1 2
SEEDS_ARGS ?=
seeds: setup-train  ## the served model retrained at other seeds beside the shipped one: reports/seeds.md
	$(PY) -m convert seeds --data "$(IMDB_DATA)" --shifts $(SHIFTS) $(SEEDS_ARGS)

# The model the shipped one replaced, measured beside it in one run (accuracy, sentences, cost).
PREVIOUS_MODEL ?= c09230e
compare: setup-train  ## the previous model beside the shipped one; adds it to reports/results.md
	rm -rf build/previous && mkdir -p build/previous
	git archive $(PREVIOUS_MODEL) handler/model | tar -x -C build/previous
	$(PY) -m convert compare --data "$(IMDB_DATA)" --previous build/previous/handler/model

# BENCH_ARGS passes options, e.g. stand-in models made by `$(PY) -m bench.standin build/bench-fixture`:
# make bench BENCH_ARGS="--model-dir build/bench-fixture/model --keras-model build/bench-fixture/sentiment.keras --float-model build/bench-fixture/sentiment_float.tflite"
BENCH_ARGS ?=
bench: setup  ## served LiteRT handler vs TensorFlow/Keras: cold start, latency, memory, size; reports/bench.md
	$(PY) -m bench $(BENCH_ARGS)

clean:  ## everything the targets install or write that git does not track
	rm -rf .venv .venv-serve .tools node_modules cdk.out test-artifacts build \
		.pytest_cache .mypy_cache .ruff_cache .hypothesis .schemathesis

# Deployment. STAGE names the stack (SentimentService-$(STAGE)); CDK_ARGS passes more context,
# e.g. make deploy CDK_ARGS="-c architecture=arm64 -c extraAllowedOrigins=http://localhost:8000"
STAGE ?= dev
CDK_ARGS ?=
CDK := npx --no-install cdk
CDK_CONTEXT = -c stage=$(STAGE) $(CDK_ARGS)
.PHONY: bootstrap-aws diff smoke requirements sbom pin-base-image

# npm writes this file on every install, so it is newer than the lock file exactly when
# node_modules matches it.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

synth: setup-infra node_modules/.package-lock.json  ## the CloudFormation template in cdk.out/ (no AWS, no Docker)
	$(CDK) synth --quiet $(CDK_CONTEXT)

bootstrap-aws: setup-infra node_modules/.package-lock.json  ## once per account and region: CDK's asset bucket and ECR repo
	$(CDK) bootstrap $(CDK_CONTEXT)

diff: setup-infra node_modules/.package-lock.json  ## what a deploy would change in the deployed stacks (needs AWS credentials)
	$(CDK) diff --all $(CDK_CONTEXT)

deploy: setup-infra node_modules/.package-lock.json  ## build the image with Docker, deploy (CodeDeploy shifts traffic), then smoke-test
	$(CDK) deploy --all $(CDK_CONTEXT)
	$(PY) -m infra smoke --stage $(STAGE)

destroy: setup-infra node_modules/.package-lock.json  ## delete the stacks, the bucket and every log group
	$(CDK) destroy --all --force $(CDK_CONTEXT)

smoke: setup-infra  ## POST one review to the deployed API and check the answer
	$(PY) -m infra smoke --stage $(STAGE)

# Supply chain. requirements.txt is the lock's serve group with hashes; the SBOM lists exactly it.
requirements: setup  ## handler/requirements.txt from uv.lock, then handler/sbom.cdx.json from it
	$(UV) export --only-group serve --no-header --no-annotate --frozen -o handler/requirements.txt
	$(MAKE) --no-print-directory sbom

sbom: setup  ## handler/sbom.cdx.json (CycloneDX) from handler/requirements.txt
	$(PY) -m scripts.sbom

pin-base-image:  ## where Docker runs: record the digest the base image tag points at in cdk.json
	scripts/pin-base-image
