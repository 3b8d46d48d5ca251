#!/usr/bin/env python3
"""Does more search make the deployed model worse? One search, its trials taken in the order they ran, and the
deployment rule applied to the first k of them: the test score of what each rule would deploy, for growing k.

A budget of k trials is the search's state after its k-th trial, so one search of `--trials` trials gives every
smaller budget at once, and the figures do not depend on the machine's load (no time budget). Rules compared on the
same trials: `selection` (greedy ensemble selection on all out-of-fold rows, as before item 18: the ensemble unless a
single model beats it there) and `checked` (the same, then 13_selection's `checked_weights`: the ensemble, the best
single model or LightGBM's defaults, whichever scores best on held-out halves). Test predictions of a trial: the mean
of its fold models (no refit). Tables: bench/automl.py's; `--rows` samples the table first (seed = `--seed`), 25% test.

Usage:  .venv/bin/python bench/selection.py [--dataset diamonds] [--rows 2000] [--trials 30] [--seeds 0,1]
Writes: bench/results/selection.json
"""
from __future__ import annotations
import argparse, datetime, json, pickle, shutil, time, warnings
from pathlib import Path
import numpy as np
import _common
import automl as A

OUT = _common.ROOT/"bench"/"results"/"selection.json"


def searched(spec, df, seed, rows, trials) -> dict:
    "One search on a seeded sample's training part: its trials in the order they ran, each ok trial's test predictions."
    from sklearn.model_selection import train_test_split
    from mlengineer.data import infer_schema, cv_folds
    from mlengineer.engine.search import run_search
    from mlengineer.engine.models import predict_pred
    target, task = spec[1], spec[2]
    sample = df.sample(n=min(rows, len(df)), random_state=seed) if rows else df
    strat = sample[target] if task != "regression" else None
    tr, te = train_test_split(sample, test_size=0.25, random_state=seed, stratify=strat)
    tr, te = tr.reset_index(drop=True), te.reset_index(drop=True)
    schema = infer_schema(tr, target, task)
    if task == "regression": y, yte = tr[target].to_numpy(float), te[target].to_numpy(float)
    else:
        y = np.asarray(__import__("pandas").Categorical(tr[target], categories=schema.classes).codes, int)
        yte = np.asarray(__import__("pandas").Categorical(te[target], categories=schema.classes).codes, int)
    folds = cv_folds(tr, target, n_splits=5, task=task, seed=0)
    k = len(schema.classes) if task == "multiclass" else None
    t0 = time.time()
    res = run_search(tr[schema.features], y, schema, folds=folds, max_trials=trials, seed=0, n_jobs=2)
    search_s = time.time() - t0
    ran = [t for t in res.trials]                      # in the order they ran
    test_pred = {}
    for t in ran:
        if t.status != "ok": continue
        with open(t.model_path, "rb") as f: models = pickle.load(f)
        test_pred[t.name] = np.mean([predict_pred(m, te[schema.features], task, k) for m in models], axis=0)
    shutil.rmtree(res.workdir, ignore_errors=True)
    return dict(ran=ran, test_pred=test_pred, y=y, yte=yte, metric=res.metric, task=task, search_s=search_s,
                train_rows=len(tr), test_rows=len(te))


def one(name, spec, df, seed, rows, trials, ks) -> dict:
    from mlengineer.engine.ensemble import greedy_ensemble, combine, oof_rows
    from mlengineer.engine.selection import checked_weights
    s = searched(spec, df, seed, rows, trials)
    ran, test_pred, y, yte = s["ran"], s["test_pred"], s["y"], s["yte"]
    m = s["metric"]
    out = dict(seed=seed, train_rows=s["train_rows"], test_rows=s["test_rows"], search_s=s["search_s"], budgets={})
    for n in ks:
        ok = sorted([t for t in ran[:n] if t.status == "ok"], key=lambda t: -t.score)[:20]
        if not ok: continue
        covered = oof_rows(ok[0].oof)
        w, _ = greedy_ensemble([t.oof[covered] for t in ok], y[covered], m.score, max_size=25, seed=0)
        if m.score(y[covered], combine([t.oof[covered] for t in ok], w)) < ok[0].oof_score: w = np.eye(len(ok))[0]
        cw, rec = checked_weights(ok, w, y, m, seed=0)
        row = {}
        for rule, ws in (("selection", w), ("checked", cw)):
            keep = np.flatnonzero(ws > 0)
            pred = combine([test_pred[ok[i].name] for i in keep], ws[keep])
            row[rule] = m.display(m.score(yte, pred))
        row["best_single_cv"] = m.display(ok[0].score)
        row["check"] = rec
        out["budgets"][n] = row
        print(f"[{name} seed {seed}] {n:3d} trials: test selection {row['selection']:.4f}  checked {row['checked']:.4f}"
              f"  ({(rec or {}).get('choice')})", flush=True)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default="diamonds")
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--trials", type=int, default=30)
    ap.add_argument("--seeds", default="0")
    ap.add_argument("--out", default=str(OUT))
    a = ap.parse_args()
    warnings.filterwarnings("ignore")
    spec = A._datasets()[a.dataset]
    df, _, _ = A.load(a.dataset, spec)
    ks = sorted({n for n in (3, 5, 8, 12, 16, 20, 25, 30, 40, 60) if n <= a.trials} | {a.trials})
    t0 = time.time()
    runs = [one(a.dataset, spec, df, int(s), a.rows, a.trials, ks) for s in a.seeds.split(",")]
    out = dict(benchmark="selection", date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               dataset=a.dataset, rows=a.rows, trials=a.trials, machine=_common.machine(),
               versions=_common.versions("numpy", "pandas", "sklearn", "lightgbm", "mlengineer"), runs=runs,
               wall_seconds=time.time() - t0)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(out, indent=1, default=str))
    print(f"wrote {a.out} ({out['wall_seconds']:.0f} s)")


if __name__ == "__main__":
    main()
