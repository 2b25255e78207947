# The README's two commands: `make run` and `make test`. Both set themselves up.
SHELL := /bin/bash
PYTHON ?= $(shell devstack/find_python.sh)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test venv clean package

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
