#!/usr/bin/env python3
"""Would a second layer help? Stacking against the greedy ensemble, on the same trials, held out both ways.

One search per seed (`selection.py`'s `searched`: `run_search`, `--trials` trials, no time budget, 5 folds, on a
seeded sample's training part, 25% test). On its best 20 finished trials' out-of-fold predictions:
  ensemble  13_ensemble's greedy selection (mean pooling; the best single model if it is not better out of fold)
  stack     a second layer on the members' out-of-fold predictions: multinomial/binary logistic regression on their
            log-probabilities (LogisticRegressionCV, C chosen by 5-fold CV inside the rows it is fitted on), or
            for regression a linear regression with non-negative weights and an intercept
Both are scored the way 13_selection's honest check scores: chosen/fitted on a random half of the out-of-fold rows,
scored on the other half, both ways round, three halvings. Then both are fitted on all out-of-fold rows and scored on
the test part (each trial's test prediction: the mean of its fold models).

Usage:  .venv/bin/python bench/stacking.py [--datasets penguins,wine,hmda,diamonds] [--rows 2000] [--trials 25]
                                           [--seeds 0,1,2]
Writes: bench/results/stacking.json
"""
from __future__ import annotations
import argparse, datetime, json, time, warnings
from pathlib import Path
import numpy as np
import _common
import automl as A
import selection as S

OUT = _common.ROOT/"bench"/"results"/"stacking.json"


def layer_inputs(preds, task) -> np.ndarray:
    "The second layer's features: each member's log-probabilities (classification) or predictions (regression)."
    if task == "regression": return np.column_stack(preds)
    cols = [np.log(np.clip(np.column_stack([1 - p, p]) if task == "binary" else p, 1e-6, 1.0)) for p in preds]
    return np.hstack(cols)


def fit_stack(preds, y, task):
    "A second layer fitted on the members' predictions of the rows `y` belongs to."
    from sklearn.linear_model import LinearRegression, LogisticRegressionCV
    Z = layer_inputs(preds, task)
    if task == "regression": return LinearRegression(positive=True).fit(Z, y)
    return LogisticRegressionCV(Cs=[0.01, 0.1, 1.0, 10.0], cv=5, max_iter=2000, scoring="neg_log_loss").fit(Z, y)


def stack_pred(layer, preds, task) -> np.ndarray:
    "The second layer's predictions in the search's format."
    Z = layer_inputs(preds, task)
    if task == "regression": return layer.predict(Z)
    p = layer.predict_proba(Z)
    return p[:, 1] if task == "binary" else p


def greedy(preds, y, metric):
    "13_ensemble's greedy weights, or the best single model where the blend is not better on these rows."
    from mlengineer.engine.ensemble import greedy_ensemble, combine
    w, _ = greedy_ensemble(preds, y, metric.score, max_size=25, seed=0)
    best = int(np.argmax([metric.score(y, p) for p in preds]))
    if metric.score(y, combine(preds, w)) < metric.score(y, preds[best]): w = np.eye(len(preds))[best]
    return w


def one(name, spec, df, seed, rows, trials) -> dict:
    from mlengineer.engine.ensemble import combine, oof_rows
    s = S.searched(spec, df, seed, rows, trials)
    m, task, y, yte = s["metric"], s["task"], s["y"], s["yte"]
    ok = sorted([t for t in s["ran"] if t.status == "ok"], key=lambda t: -t.score)[:20]
    covered = oof_rows(ok[0].oof)
    P, yc = [t.oof[covered] for t in ok], y[covered]
    rng = np.random.default_rng(0)
    held = {"ensemble": [], "stack": [], "best_single": []}
    for _ in range(3):
        order = rng.permutation(len(yc))
        half = len(yc) // 2
        for a, b in ((order[:half], order[half:]), (order[half:], order[:half])):
            w = greedy([p[a] for p in P], yc[a], m)
            held["ensemble"].append(m.score(yc[b], combine([p[b] for p in P], w)))
            layer = fit_stack([p[a] for p in P], yc[a], task)
            held["stack"].append(m.score(yc[b], stack_pred(layer, [p[b] for p in P], task)))
            best = int(np.argmax([m.score(yc[a], p[a]) for p in P]))
            held["best_single"].append(m.score(yc[b], P[best][b]))
    T = [s["test_pred"][t.name] for t in ok]
    w = greedy(P, yc, m)
    layer = fit_stack(P, yc, task)
    test = dict(ensemble=m.display(m.score(yte, combine(T, w))), stack=m.display(m.score(yte, stack_pred(layer, T, task))),
                best_single=m.display(m.score(yte, T[0])))
    out = dict(seed=seed, train_rows=s["train_rows"], test_rows=s["test_rows"], members=len(ok), search_s=s["search_s"],
               held={k: m.display(float(np.mean(v))) for k, v in held.items()}, test=test)
    print(f"[{name} seed {seed}] held-out {out['held']}  test {test}", flush=True)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", default="penguins,wine,hmda,diamonds")
    ap.add_argument("--rows", type=int, default=2000, help="rows sampled per seed (0: the whole table)")
    ap.add_argument("--trials", type=int, default=25)
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--out", default=str(OUT))
    a = ap.parse_args()
    warnings.filterwarnings("ignore")
    specs, t0, results = A._datasets(), time.time(), {}
    for name in a.datasets.split(","):
        df, _, _ = A.load(name, specs[name])
        results[name] = [one(name, specs[name], df, int(s), a.rows, a.trials) for s in a.seeds.split(",")]
    summary = {}
    for name, runs in results.items():
        lower = A.HIGHER_IS_BETTER[A.METRIC[specs[name][2]]] is False
        better = lambda x, y: x < y if lower else x > y
        summary[name] = dict(
            held={k: float(np.mean([r["held"][k] for r in runs])) for k in runs[0]["held"]},
            test={k: float(np.mean([r["test"][k] for r in runs])) for k in runs[0]["test"]},
            stack_better_held_on=sum(better(r["held"]["stack"], r["held"]["ensemble"]) for r in runs),
            stack_better_test_on=sum(better(r["test"]["stack"], r["test"]["ensemble"]) for r in runs), runs=len(runs))
        print(name, json.dumps(summary[name]), flush=True)
    out = dict(benchmark="stacking", date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               trials=a.trials, rows=a.rows, machine=_common.machine(), versions=_common.versions("lightgbm", "sklearn"),
               summary=summary, results=results, wall_seconds=time.time() - t0)
    Path(a.out).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
