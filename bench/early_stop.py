#!/usr/bin/env python3
"""LightGBM's first portfolio configuration under other early-stopping settings: rounds reached, seconds and fold score.

On automl.py's training part of each dataset (seed 0, 25% test held out and unused), the first `--folds` of mlengineer's
five cross-validation folds; one model per fold and setting (`make_pipeline("lightgbm", ...)`, n_jobs=2), the setting
being the early-stopping patience and the cap on boosting rounds. No budget: this measures one model, not a search.

Usage:  .venv/bin/python bench/early_stop.py [--datasets hotel_rates,diamonds] [--folds 2] [--out PATH]
Writes: bench/results/early_stop.json
"""
from __future__ import annotations
import argparse, datetime, json, time, warnings
from pathlib import Path
import pandas as pd
import _common
import automl as A

OUT = _common.ROOT/"bench"/"results"/"early_stop.json"
SETTINGS = [(50, 2000), (50, 10_000), (200, 10_000)]       # (patience, cap); the first is mlengineer's


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default="hotel_rates,diamonds")
    ap.add_argument("--folds", type=int, default=2)
    ap.add_argument("--out", default=str(OUT))
    a = ap.parse_args()
    warnings.filterwarnings("ignore")
    from mlengineer.data import infer_schema, cv_folds
    from mlengineer.engine.models import make_pipeline, predict_pred, _lgb_portfolio
    from sklearn.metrics import mean_squared_error, roc_auc_score, log_loss
    specs, t0, rows = A._datasets(), time.time(), []
    for name in a.datasets.split(","):
        _, tr, _ = A.load(name, specs[name])
        s = infer_schema(tr, specs[name][1])
        y = (tr[s.target].to_numpy(float) if s.task == "regression"
             else pd.Categorical(tr[s.target], categories=s.classes).codes.astype(int))
        X, first = tr[s.features], _lgb_portfolio(s.task, n_rows=len(tr))[0]
        for patience, cap in SETTINGS:
            for f, (trn, va) in enumerate(cv_folds(tr, s.target, n_splits=5, seed=0)[:a.folds]):
                t = time.perf_counter()
                m = make_pipeline("lightgbm", s, dict(first, n_estimators=cap, early_stopping_rounds=patience),
                                  seed=0, n_jobs=2).fit(X.iloc[trn], y[trn])
                sec = time.perf_counter() - t
                p = predict_pred(m, X.iloc[va], s.task, len(s.classes or []))
                score = (mean_squared_error(y[va], p) ** 0.5 if s.task == "regression" else
                         roc_auc_score(y[va], p) if s.task == "binary" else log_loss(y[va], p, labels=range(len(s.classes))))
                rows.append(dict(dataset=name, patience=patience, cap=cap, fold=f, rounds=int(m[-1].best_iteration_),
                                 seconds=round(sec, 2), score=float(score)))
                print(f"{name:12s} patience {patience:4d} cap {cap:6,d} fold {f}: {rows[-1]['rounds']:6,d} rounds "
                      f"{sec:5.1f} s  score {score:.4f}", flush=True)
    out = dict(benchmark="early_stop", date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               machine=_common.machine(), versions=_common.versions("numpy", "pandas", "sklearn", "lightgbm", "mlengineer"),
               first_configuration=first, results=rows, wall_seconds=time.time() - t0)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(out, indent=1, default=str))
    print(f"wrote {a.out} ({out['wall_seconds']:.0f} s)")


if __name__ == "__main__":
    main()
