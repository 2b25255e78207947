# The README's two commands: `make run` and `make test`. Both set themselves up.
SHELL := /bin/bash
PYTHON ?= $(shell devstack/find_python.sh)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test venv clean package bench

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	exec $(PY) -m devstack.run

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

package: $(STAMP)
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-eu-central-1} $(VENV)/bin/chalice package --stage prod build/package

clean:
	rm -rf $(VENV) build .devstack

# Every benchmark; prints the table and writes docs/benchmarks.md (BENCH_ARGS=--quick for a short run).
bench: $(STAMP)
	$(PY) benchmarks/run_all.py $(BENCH_ARGS)
