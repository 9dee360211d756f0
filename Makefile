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

# Clock shifts for test-clock, as faketime takes them ('_' for the space).
CLOCK_SHIFTS ?= +400_days +5_years

.PHONY: all demo test test-clock lint typecheck pytest setup system-deps bench bench-deps clean

all: test

setup: system-deps $(STAMP)

# System packages: libdmtx (pylibdmtx's C library), poppler-utils (pdfsig, an
# independent PDF signature validator used by the tests), libnss3-tools (certutil,
# to give pdfsig the demo root) and fonts-nanum (the PDF template's Korean + Latin
# font, SIL OFL 1.1; its subset is embedded in every issued PDF), faketime (the
# test suite is also run a year and five years ahead: `make test-clock`), postgresql
# (the registry tests start their own server with initdb/pg_ctl), chromium and
# chromium-driver (the verification page's browser tests, headless), mupdf-tools
# and ghostscript (the copy-detection tests render issued PDFs with every common
# renderer), tesseract-ocr and tesseract-ocr-kor (the OCR engine and its Korean
# data: the printed-text check reads the fields a seal declares).
SYSTEM_PACKAGES := libdmtx0b poppler-utils mupdf-tools ghostscript libnss3-tools fonts-nanum faketime postgresql chromium chromium-driver tesseract-ocr tesseract-ocr-kor libtesseract5
system-deps:
	@if ldconfig -p 2>/dev/null | grep -q 'libdmtx\.so' && command -v pdfsig >/dev/null \
		&& command -v certutil >/dev/null && [ -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf ] \
		&& command -v faketime >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
		&& command -v chromium >/dev/null && command -v chromedriver >/dev/null \
		&& command -v mutool >/dev/null && command -v gs >/dev/null \
		&& command -v tesseract >/dev/null && ldconfig -p 2>/dev/null | grep -q 'libtesseract\.so\.5' && tesseract --list-langs 2>/dev/null | grep -qx kor; then \
		exit 0; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "installing system packages: $(SYSTEM_PACKAGES)" >&2; \
		apt-get update -qq >/dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	else \
		echo "docsec needs the system packages $(SYSTEM_PACKAGES)." >&2; \
		echo "Install them (e.g. 'sudo apt-get install $(SYSTEM_PACKAGES)') and run make again." >&2; \
		exit 1; \
	fi

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check "pip==$(PIP_VERSION)"
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[service]' --group dev
	@touch $(STAMP)

demo: setup
	$(VENV)/bin/docsec demo --out $(DEMO_DIR)

lint: setup
	$(VENV)/bin/ruff check src cli tests benchmarks samples
	$(VENV)/bin/ruff format --check src cli tests benchmarks samples

typecheck: setup
	$(VENV)/bin/mypy

pytest: setup
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

# The suite again under a shifted clock (libfaketime): no test, sample or demo may
# depend on today's date. CI runs it after `make test`.
test-clock: setup
	@for shift in $(CLOCK_SHIFTS); do \
		echo "== pytest with the clock at $$shift" >&2; \
		faketime "$$(echo $$shift | tr _ ' ')" $(VENV)/bin/pytest $(PYTEST_ARGS) -q -p no:cacheprovider || exit 1; \
	done
	@echo "== docsec demo with the clock at +5 years" >&2
	faketime '+5 years' $(VENV)/bin/docsec demo --out $(DEMO_DIR)-clock

# Quick versions of every benchmark (tables on stdout); run a script without
# --quick for the full, many-seed measurement.
# imwatermark (the watermark benchmark's baseline) without torch: --no-deps, then
# its two real needs; a benchmark-only dependency, never a runtime one.
bench-deps: setup
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt --no-deps invisible-watermark PyWavelets

bench: bench-deps
	$(PY) benchmarks/bench_barcode.py --quick
	$(PY) benchmarks/bench_simulate.py --quick
	$(PY) benchmarks/bench_copydetect.py --quick
	$(PY) benchmarks/bench_copydetect.py --render-only --renderers all --seeds 1
	$(PY) benchmarks/bench_copydetect_shift.py --seeds 1
	$(PY) benchmarks/bench_watermark.py --quick
	$(PY) benchmarks/bench_pdf.py --quick
	$(PY) benchmarks/bench_verify.py --quick --batch 20
	$(PY) benchmarks/bench_hostile.py --quick
	$(PY) benchmarks/bench_printed_text.py --quick

clean:
	rm -rf $(VENV) $(DEMO_DIR) $(DEMO_DIR)-clock .pytest_cache .mypy_cache .ruff_cache
