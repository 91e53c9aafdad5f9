# Two entry points: `make run` and `make test`. Each installs what it needs first.
# Only python3 (3.11+) is required: uv is bootstrapped into .tools/ from PyPI.
PYTHON ?= python3
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test install install-run browser rscript lint docs clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==0.13.9

install: $(UV)
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)

# What running needs and no test tool; --inexact leaves a developer's test tools in place.
install-run: $(UV)
	$(UV) sync --frozen --compile-bytecode --no-dev --inexact --python $(PYTHON)

run: install-run
	.venv/bin/dermevidence run

# The report's browser test drives the system's Chromium (no browser download): installed from
# Debian's packages when it is missing, as root or through sudo.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the report's browser test"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q chromium >/dev/null; }

# The CSV test reads the release with R's read.csv: R from Debian's packages when it is missing
# (without R, the test checks the rules R states on the text instead).
rscript:
	@command -v Rscript >/dev/null 2>&1 || { \
	  echo "installing Debian's r-base-core for the CSV test"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q >/dev/null && \
	  $$SUDO apt-get install -y -q --no-install-recommends r-base-core >/dev/null; } || \
	  echo "R did not install; the CSV test checks R's rules on the text"

test: install browser rscript
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/pytest -n 2 --dist loadfile

docs: install
	.venv/bin/dermevidence docs

clean:
	rm -rf warehouse/evidence.duckdb warehouse/releases warehouse/exports warehouse/reports warehouse/cache
