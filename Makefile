# Two commands on a fresh machine with Python >= 3.11 and pip:  make run  and  make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench install messages messages-check lock audit citus-up citus-test citus-down

# Every package at the version and hash requirements/dev.lock pins (see `make lock`), then
# the project itself, editable, with nothing more.
$(STAMP): pyproject.toml requirements/dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python -m config.devstack run

test: $(STAMP)
	@# axe-core for the browser tests, where npm exists (they skip without it, outside CI).
	@if command -v npm >/dev/null && [ ! -d tests/browser/node_modules ]; then \
		npm ci --prefix tests/browser --no-audit --no-fund --silent || true; fi
	$(BIN)/python -m config.devstack test $(ARGS)

# mypy's Django plugin imports the settings, which need these set (nothing connects).
LINT_ENV := SECRET_KEY=lint DATABASE_URL=postgres://lint@localhost/lint REDIS_URL=redis://localhost

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(LINT_ENV) $(BIN)/mypy .
	$(BIN)/lint-imports  # the layers in README.md, from .importlinter

# Benchmarks print figures; compare within one run (these machines are noisy).
bench: $(STAMP)
	$(BIN)/python -m config.devstack bench bench/provision.py $(ARGS)
	$(BIN)/python -m config.devstack bench bench/marketplace.py
	$(BIN)/python -m config.devstack bench bench/members.py
	$(BIN)/python -m config.devstack bench bench/mail.py
	$(BIN)/python -m config.devstack bench bench/reports.py
	$(BIN)/python -m config.devstack bench bench/billing_fleet.py
	$(BIN)/python -m config.devstack bench bench/citizen_matching.py
	$(BIN)/python -m config.devstack bench bench/beat.py
	$(BIN)/python -m config.devstack bench bench/deploy.py 100,1000 --apply-up-to 100
	$(BIN)/python -m config.devstack bench bench/api.py
	$(BIN)/python -m config.devstack bench bench/event_page.py
	$(BIN)/python -m config.devstack bench bench/signup_limit.py
	$(BIN)/python -m config.devstack bench bench/funder_report.py
	$(BIN)/python -m config.devstack bench bench/webhooks.py
	$(BIN)/python -m config.devstack bench bench/embed.py
	$(BIN)/python -m config.devstack bench bench/crisis.py

# The Danish catalogue: collect every message (file-level locations, so moving code around
# changes nothing), drop the ones no code uses any more, then compile. Needs GNU gettext.
MESSAGES := $(LINT_ENV) $(BIN)/python manage.py makemessages -l da --add-location=file \
	--no-obsolete $(foreach d,.venv node_modules tests bench .devdata deploy helm,--ignore='$(d)/*')

messages: $(STAMP)
	$(MESSAGES)
	msgfmt --check -o locale/da/LC_MESSAGES/django.mo locale/da/LC_MESSAGES/django.po

# CI: fails when `make messages` would change the catalogue (a message added, changed or
# dropped in the code but not in locale/).
messages-check: $(STAMP)
	$(MESSAGES)
	git diff --exit-code -I '^"POT-Creation-Date' -- locale/

# The lock files, after a change to the dependencies in pyproject.toml: base.lock for the
# image (deploy/Dockerfile), dev.lock for `make install`. Pinned with hashes for every
# platform (--universal), so the same file serves amd64 and arm64 images.
UV_COMPILE := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --quiet --no-header

lock: $(STAMP)
	$(BIN)/pip install --quiet uv
	$(UV_COMPILE) -o requirements/base.lock
	$(UV_COMPILE) --extra dev -o requirements/dev.lock

# Known vulnerabilities in what the image installs (needs the network: the vendor's pipeline,
# not this sandbox). Exits non-zero when pip-audit finds one.
audit: $(STAMP)
	$(BIN)/pip install --quiet pip-audit
	$(BIN)/pip-audit --requirement requirements/base.lock --require-hashes --disable-pip --strict

# Past one database (docs/scaling.md): a local Citus coordinator and two workers on
# 127.0.0.1:5440-5442, Citus built from vendor/citus/ when no citus.so is installed (needs
# root for apt-get and make install; the servers run as user postgres). citus-test runs
# tests/citus on a fresh database there (ARGS go to pytest; CITUS_KEEP=1 reuses the last).
citus-up:
	bash deploy/citus/cluster.sh up

citus-test: $(STAMP)
	bash deploy/citus/cluster.sh test $(ARGS)

citus-down:
	bash deploy/citus/cluster.sh down
