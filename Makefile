# Everything a user or CI needs: `make demo` and `make test` set themselves up.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?= -n 2

.PHONY: venv system-deps real-zaqar peer-client test-deps demo test lint typecheck unit bench docs clean

venv: $(STAMP)

$(STAMP): setup.py zaqarclient/osc/entry_points.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[test,docs]'
	touch $(STAMP)

# Debian packages the tests need: a real Zaqar runs on redis-server, the notification
# bridge listens to rabbitmq-server, the dashboard test drives chromium (headless).
# Each package installs a command of its own name (rabbitmq-server's is in /usr/sbin).
SYSTEM_PACKAGES := redis-server rabbitmq-server chromium
system-deps:
	@missing=""; for name in $(SYSTEM_PACKAGES); do \
	  PATH="$$PATH:/usr/sbin" command -v $$name >/dev/null 2>&1 || missing="$$missing $$name"; \
	done; \
	if [ -n "$$missing" ]; then \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    $$missing >/dev/null; fi

# Real Zaqar servers (own venvs under .cache/) for contract and differential tests,
# and Zaqar's zaqar-bench (layered on the 23.0.1 venv) for its smoke test.
real-zaqar: venv system-deps
	$(PY) -m tests.support.real_zaqar install
	$(PY) -m tests.support.zaqar_bench install

lint: venv
	$(VENV)/bin/ruff check zaqarclient tests benchmarks examples

typecheck: venv
	$(VENV)/bin/mypy

# python-zaqarclient 4.7.0 in its own venv, and its sdist, under .cache/ (consumer tests
# and the peer's own functional suite run the same code with both clients).
peer-client: venv
	$(PY) -m tests.support.peer_client install

# The set-up steps mostly wait on the network (apt, PyPI), so they run side by side
# with the checks; the venv is built first because all of them use it.
test-deps: venv
	$(MAKE) --no-print-directory -j 4 --output-sync=target lint typecheck real-zaqar peer-client

test: test-deps
	$(VENV)/bin/pytest -q -p no:cacheprovider $(PYTEST_ARGS)

demo: venv
	$(PY) examples/demo.py

bench: venv real-zaqar
	$(PY) benchmarks/run.py
	$(PY) benchmarks/server_bench.py --real
	$(PY) benchmarks/ws_bench.py --reference
	$(PY) benchmarks/load_compare.py
	$(PY) benchmarks/bridge_bench.py
	$(PY) benchmarks/async_bench.py

docs: venv
	$(VENV)/bin/sphinx-build -W -b html doc/source doc/build/html

clean:
	rm -rf $(VENV) .cache build *.egg-info
