# The README's two commands: `make run` and `make test`. Both set themselves up.
SHELL := /bin/bash
PYTHON ?= $(shell devstack/find_python.sh)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test venv web clean package bench

# The web app (web/): `npm ci` when the lockfile changes, a build when its sources or the API
# (whose OpenAPI document the build turns into the client's types) change.
WEB_DEPS := web/node_modules/.installed
WEB_BUILD := web/dist/index.html
WEB_SOURCES := $(shell find web/src web/scripts -type f -not -name openapi.json -not -name schema.d.ts 2>/dev/null) \
	web/index.html web/vite.config.ts web/tsconfig.json app.py \
	$(shell find chalicelib -name '*.py' -o -name '*.json' 2>/dev/null)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

$(WEB_DEPS): web/package.json web/package-lock.json
	devstack/ensure_debian_packages.sh nodejs
	node -e 'const [major, minor] = process.versions.node.split(".").map(Number); if (major < 20 || (major === 20 && minor < 19)) { console.error("web/ needs Node.js >= 20.19 (Vite 8); found " + process.version); process.exit(1); }'
	cd web && npm ci --no-audit --no-fund
	touch $@

$(WEB_BUILD): $(WEB_DEPS) $(STAMP) $(WEB_SOURCES)
	cd web && RUKHSA_PYTHON=$(abspath $(PY)) npm run build

web: $(WEB_BUILD)

run: $(STAMP) $(WEB_BUILD)
	exec $(PY) -m devstack.run

test: $(STAMP) $(WEB_BUILD)
	$(PY) -m pytest $(PYTEST_ARGS)

package: $(STAMP)
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-eu-central-1} $(VENV)/bin/chalice package --stage prod build/package
	$(PY) -m infra.bytecode build/package/deployment.zip

clean:
	rm -rf $(VENV) build .devstack web/node_modules web/dist

# Every benchmark; prints the table and writes docs/benchmarks.md (BENCH_ARGS=--quick for a short
# run; BENCH_ARGS="--only lighthouse" for one benchmark, merged into the existing table). The
# portal's Lighthouse budgets measure the built app, so the app is built first.
bench: $(STAMP) $(WEB_BUILD)
	$(PY) benchmarks/run_all.py $(BENCH_ARGS)
