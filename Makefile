# docsec: `make demo` runs the main job, `make test` runs lint, types and tests.
# Both work on a fresh machine: they create .venv, install the pinned dependencies
# (constraints.txt) and the system libraries the project needs.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.docsec-installed
PIP_VERSION := 26.3
DEMO_DIR ?= demo-out
PYTEST_ARGS ?= -m "not slow"

.PHONY: all demo test lint typecheck pytest setup system-deps bench clean

all: test

setup: $(STAMP)

# System packages: libdmtx (pylibdmtx's C library) and poppler-utils (pdfsig, an
# independent PDF signature validator used by the tests).
system-deps:
	@if ldconfig -p 2>/dev/null | grep -q 'libdmtx\.so' && command -v pdfsig >/dev/null; then \
		exit 0; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "installing system packages: libdmtx0b poppler-utils" >&2; \
		apt-get update -qq >/dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libdmtx0b poppler-utils >/dev/null; \
	else \
		echo "docsec needs the system packages libdmtx0b and poppler-utils." >&2; \
		echo "Install them (e.g. 'sudo apt-get install libdmtx0b poppler-utils') and run make again." >&2; \
		exit 1; \
	fi

$(STAMP): pyproject.toml constraints.txt
	@$(MAKE) --no-print-directory system-deps
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check "pip==$(PIP_VERSION)"
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -e . --group dev
	@touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/docsec demo --out $(DEMO_DIR)

lint: $(STAMP)
	$(VENV)/bin/ruff check src cli tests benchmarks samples
	$(VENV)/bin/ruff format --check src cli tests benchmarks samples

typecheck: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(STAMP)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

bench: $(STAMP)
	$(PY) benchmarks/bench_barcode.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
