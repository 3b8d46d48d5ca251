#!/usr/bin/env python3
"""Target transforms on skewed regression tables: cross-validated and test RMSE of the same LightGBM configurations
fitted on the original target and on a transformed one (10_targets), no time budget, one thread.

Datasets: bench/automl.py's regression tables and split (seed 0, 25% test); `--sample N` fits on a seeded sample of
N rows of the training part instead (seeds 0..S-1 with `--seeds S`). Configurations: LightGBM's first portfolio
configuration (`long`) and LightGBM's defaults, each with target none / log1p / log1p with smearing / yeo-johnson.
CV: 5 folds (01_data's cv_folds, seed 0), RMSE of the pooled out-of-fold predictions on the original scale; test: the
mean of the five fold models' predictions (what a deployed trial without refit predicts).

Usage:  .venv/bin/python bench/targets.py [--datasets hotel_rates,diamonds] [--sample 3000] [--seeds 3] [--out PATH]
Writes: bench/results/targets.json
"""
from __future__ import annotations
import argparse, datetime, json, time, warnings
from pathlib import Path
import numpy as np
import _common
import automl as A

OUT = _common.ROOT/"bench"/"results"/"targets.json"
TARGETS = [dict(), dict(target="log1p"), dict(target="log1p", smear=True), dict(target="yeo-johnson")]


def evaluate(tr, te, target, params) -> dict:
    from mlengineer.data import infer_schema, cv_folds
    from mlengineer.engine.models import make_pipeline, predict_pred
    schema = infer_schema(tr, target, "regression")
    X, y = tr[schema.features], tr[target].to_numpy(float)
    oof, test = np.full(len(y), np.nan), []
    t = time.perf_counter()
    for a, b in cv_folds(tr, target, n_splits=5, task="regression", seed=0):
        pipe = make_pipeline("lightgbm", schema, params, seed=0, n_jobs=1).fit(X.iloc[a], y[a])
        oof[b] = predict_pred(pipe, X.iloc[b], "regression")
        test.append(predict_pred(pipe, te[schema.features], "regression"))
    rmse = lambda u, v: float(np.sqrt(np.mean((np.asarray(u, float) - v) ** 2)))
    return dict(cv=rmse(y, oof), test=rmse(te[target], np.mean(test, axis=0)), seconds=time.perf_counter() - t)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default="hotel_rates,diamonds")
    ap.add_argument("--sample", type=int, default=None, help="fit on a seeded sample of this many training rows")
    ap.add_argument("--seeds", type=int, default=1, help="samples (seeds 0..S-1) with --sample")
    ap.add_argument("--out", default=str(OUT))
    a = ap.parse_args()
    warnings.filterwarnings("ignore")
    from mlengineer.engine.models import FAMILIES, LGB_DEFAULTS
    long = FAMILIES["lightgbm"].portfolio("binary")[0]            # the first configuration, without a transform
    specs, t0, results = A._datasets(), time.time(), {}
    for name in a.datasets.split(","):
        spec = specs[name]
        _, tr_all, te = A.load(name, spec)
        for seed in range(a.seeds if a.sample else 1):
            tr = tr_all.sample(a.sample, random_state=seed).reset_index(drop=True) if a.sample else tr_all
            key = f"{name}" + (f"/sample{a.sample}/seed{seed}" if a.sample else "")
            results[key] = {}
            for base_name, base in (("long", long), ("defaults", LGB_DEFAULTS)):
                for extra in TARGETS:
                    label = f"{base_name} " + (extra.get("target", "none") + (" smear" if extra.get("smear") else ""))
                    r = results[key][label] = evaluate(tr, te, spec[1], dict(base, **extra))
                    print(f"{key:32s} {label:24s} cv {r['cv']:9.3f}  test {r['test']:9.3f}  ({r['seconds']:.0f} s)",
                          flush=True)
    out = dict(benchmark="targets", date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               sample=a.sample, machine=_common.machine(),
               versions=_common.versions("numpy", "pandas", "sklearn", "lightgbm", "mlengineer"),
               results=results, wall_seconds=time.time() - t0)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(out, indent=1))
    print(f"wrote {a.out} ({out['wall_seconds']:.0f} s)")


if __name__ == "__main__":
    main()
