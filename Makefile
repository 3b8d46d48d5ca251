# mlengineer: `make demo` runs the main job on a bundled dataset, `make test` runs the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test venv clean-venv

demo: venv
	$(BIN)/mle data data/hmda.csv --target deny
	$(BIN)/mle report data data/hmda.csv --target deny --out-dir reports/hmda

test: venv
	$(BIN)/python tools/run_tests.py

venv: $(VENV)/.installed

# Reused while up to date; rebuilt when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3
	touch $@

clean-venv:
	rm -rf $(VENV)
