#!/usr/bin/env python3
"""LightGBM's first configuration on multiclass tables: `long` (11_models' first entry below 100,000 rows) against
LightGBM's defaults, each alone, on many splits.

On each split (25% test, stratified, `train_test_split(random_state=seed)`): `AutoML(families=["lightgbm"],
max_trials=1, time_budget=None, seed=0, n_jobs=1)` with the family's portfolio replaced by the one configuration, so
the same folds and fold models as in a search; recorded: its CV log-loss, test log-loss (the fold models on the test
part), CPU seconds of the fit and the trial's fit seconds. No time budget and one thread: the figures do not depend
on the machine's load (CPU seconds do a little).

Tables: digits (scikit-learn's copy of UCI optdigits: 1,797 rows, 64 pixels, ten classes; seeds 0..D-1), penguins
and wine (bench/automl.py's loaders; seeds 0..N-1).

Usage:  .venv/bin/python bench/first_config.py [--digits 5] [--penguins 10] [--wine 10] [--out PATH]
        (about 3 minutes)
Writes: bench/results/first_config.json
"""
from __future__ import annotations
import argparse, dataclasses, datetime, json, time, warnings
from pathlib import Path
import numpy as np
import _common
import automl as A

OUT = _common.ROOT/"bench"/"results"/"first_config.json"


def digits():
    "scikit-learn's digits as a frame: px0..px63 and a text target."
    from sklearn.datasets import load_digits
    X, y = load_digits(return_X_y=True, as_frame=True)
    X.columns = [f"px{i}" for i in range(X.shape[1])]
    return X.assign(target=[f"d{v}" for v in y])


def one_config(tr, te, target, first) -> dict:
    "One configuration alone, as the search would cross-validate it: CV and test log-loss, CPU seconds."
    from sklearn.metrics import log_loss
    from mlengineer.automl import AutoML
    from mlengineer.engine import models as M
    family = M.FAMILIES["lightgbm"]
    M.FAMILIES["lightgbm"] = dataclasses.replace(family, portfolio=lambda task, n_rows=None: [first])
    try:
        cpu = time.process_time()
        m = AutoML(target=target, families=["lightgbm"], max_trials=1, time_budget=None, seed=0, n_jobs=1,
                   isolate=False).fit(tr)
        cpu = time.process_time() - cpu
    finally:
        M.FAMILIES["lightgbm"] = family
    proba = np.asarray(m.predict_proba(te.drop(columns=target)))
    labels = [str(c) for c in m.classes_]
    return dict(cv=float(m.best_single_), test=float(log_loss(te[target].astype(str), proba, labels=labels)),
                cpu_s=cpu, fit_s=float(m.leaderboard_.fit_seconds.iloc[0]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--digits", type=int, default=5)
    ap.add_argument("--penguins", type=int, default=10)
    ap.add_argument("--wine", type=int, default=10)
    ap.add_argument("--out", default=str(OUT))
    a = ap.parse_args()
    warnings.filterwarnings("ignore")
    from sklearn.model_selection import train_test_split
    from mlengineer.engine import models as M
    specs, t0 = A._datasets(), time.time()
    tables = {"digits": (digits, "target", a.digits),
              "penguins": (lambda: A.load("penguins", specs["penguins"])[0], "species", a.penguins),
              "wine": (lambda: A.load("wine", specs["wine"])[0], "target", a.wine)}
    configs = {"long": M.FAMILIES["lightgbm"].portfolio("multiclass")[0], "defaults": M.LGB_DEFAULTS}
    results, summary = {}, {}
    for name, (loader, target, n) in tables.items():
        if n < 1: continue
        df = loader()
        rows = []
        for seed in range(n):
            tr, te = train_test_split(df, test_size=0.25, random_state=seed, stratify=df[target])
            r = dict(seed=seed, train_rows=len(tr), **{c: one_config(tr, te, target, p) for c, p in configs.items()})
            print(name, seed, {c: round(r[c]["test"], 4) for c in configs}, flush=True)
            rows.append(r)
        results[name] = rows
        mean = {c: {k: float(np.mean([r[c][k] for r in rows])) for k in rows[0][c]} for c in configs}
        better = sum(r["defaults"]["test"] < r["long"]["test"] for r in rows)
        summary[name] = dict(splits=len(rows), mean=mean, defaults_better_on=better)
        print(name, json.dumps(summary[name]), flush=True)
    out = dict(benchmark="first_config", date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               machine=_common.machine(), versions=_common.versions("lightgbm", "sklearn"), configs=configs,
               summary=summary, results=results, wall_seconds=time.time() - t0)
    Path(a.out).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
