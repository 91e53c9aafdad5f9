# Two entry points: `make run` and `make test`. Each installs what it needs first.
# Only python3 (3.11+) is required: uv is bootstrapped into .tools/ from PyPI.
PYTHON ?= python3
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test install lint docs clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==0.13.9

install: $(UV)
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)

run: install
	.venv/bin/dermevidence run

test: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/pytest

docs: install
	.venv/bin/dermevidence docs

clean:
	rm -rf warehouse/evidence.duckdb warehouse/releases warehouse/exports warehouse/reports warehouse/cache
