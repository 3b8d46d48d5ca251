# mlengineer: `make demo` runs the main job on a bundled dataset, `make test` runs the whole test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test venv clean-venv

demo: venv
	$(BIN)/mle data data/hmda.csv --target deny
	$(BIN)/mle report data data/hmda.csv --target deny --out-dir reports/hmda
	mkdir -p build/demo
	$(BIN)/mle split data/hmda.csv --target deny --test-size 0.25 --out-dir build/demo
	$(BIN)/mle train build/demo/hmda_train.csv --target deny --time-budget 60 --out models/hmda --report --report-dir reports/hmda
	$(BIN)/mle predict models/hmda build/demo/hmda_test.csv --out build/demo/hmda_predictions.csv
	$(BIN)/python -c "import pandas as pd; t = pd.read_csv('build/demo/hmda_test.csv'); p = pd.read_csv('build/demo/hmda_predictions.csv'); from sklearn.metrics import roc_auc_score; print(f'held-out ROC-AUC: {roc_auc_score(t.deny == \"yes\", p.proba_yes):.4f} on {len(t)} rows')"
	$(BIN)/mle evaluate models/hmda build/demo/hmda_test.csv --cost fp=1,fn=5 --out-dir reports/hmda
	$(BIN)/mle report fairness models/hmda build/demo/hmda_test.csv --sensitive afam,single --out-dir reports/hmda
	rm -rf build/demo/registry
	$(BIN)/mle registry --root build/demo/registry register hmda models/hmda --promote --note "make demo"
	$(BIN)/mle registry --root build/demo/registry list
	$(BIN)/python tools/demo_serve.py hmda@champion build/demo/hmda_test.csv --registry build/demo/registry
	$(BIN)/mle monitor models/hmda build/demo/hmda_test.csv --labels deny --out-dir reports/hmda || test $$? -eq 4
	$(BIN)/mle retrain hmda build/demo/hmda_test.csv --registry build/demo/registry --max-trials 6 --sensitive afam
	$(BIN)/mle registry --root build/demo/registry history hmda
	@echo ""
	@echo "Where everything is:"
	@echo "  reports:      reports/index.html (every run's, newest first); this run's: reports/hmda/index.html"
	@echo "  model bundle: models/hmda (mle predict, mle serve, AutoML.load)"
	@echo "  registry:     build/demo/registry (hmda: champion and challenger versions, decisions)"
	@echo "  split, predictions: build/demo/hmda_train.csv, hmda_test.csv, hmda_predictions.csv"

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
