#!/usr/bin/env python3
"""The small tables across many splits: how much of a one-split benchmark figure is the split.

On a table of a few hundred rows the test part holds a few dozen (wine: 45), and one row that a model gets
confidently wrong moves the log-loss more than any difference between good models. `bench/automl.py` splits every
table once (seed 0); this benchmark splits the two small multiclass tables many times and fits, on each split, the
same two contenders in the same run:

  mlengineer  AutoML(time_budget=B, seed=0, n_jobs=2).fit(X_train, y_train) on the raw frame
  lightgbm    LGBMClassifier(n_jobs=2, verbose=-1, random_state=0), otherwise defaults, on bench/automl.py's frame

Datasets and splits: wine (178 rows; seeds 0-9) and penguins (344 rows; seeds 0-4), each split 25% test, stratified,
with `train_test_split(random_state=seed)`; seed 0 is bench/automl.py's split. Recorded per split: the test log-loss
of both, the worst single test row of each (its log-loss, that is -log P(true class)), mlengineer's temperature, its
test log-loss with the same models at temperature 1, its pooling rule (and both rules' out-of-fold scores), and its fit seconds. Per dataset: the mean and median test log-loss, and on how many splits each contender is better.

A skewed regression table the same way (`--regression diamonds --rows 3000 --rsplits 5`): on each split a seeded
sample of `--rows` rows of the table (seed = the split's), 25% test; contenders mlengineer, LightGBM's defaults and
HistGradientBoosting's defaults (bench/automl.py's `run_contender`, so the same frames and calls). Recorded per
split: test RMSE of each, mlengineer's cross-validated scores, the target transforms of its deployed members and
what its honest selection check decided.

Usage:  .venv/bin/python bench/splits.py [--budget 30] [--wine 10] [--penguins 5] [--refit auto|yes|no]
                                         [--n-splits auto|N] [--pool auto|mean|log] [--out PATH]
                                         [--regression NAME --rows 3000 --rsplits 5 [--max-trials N]]
        (about 6 minutes)
Writes: bench/results/splits.json
"""
from __future__ import annotations
import argparse, datetime, json, statistics, time, warnings
from pathlib import Path
import _common
import automl as A

OUT = _common.ROOT/"bench"/"results"/"splits.json"


def worst_row(y_true, proba, classes) -> float:
    "The largest single-row log-loss, -log P(true class), clipped as sklearn's log_loss clips."
    import numpy as np
    p = np.asarray(proba, float)
    idx = np.array([list(map(str, classes)).index(str(v)) for v in y_true])
    eps = np.finfo(p.dtype).eps
    return float((-np.log(np.clip(p[np.arange(len(idx)), idx], eps, 1 - eps))).max())


def one_split(name, spec, df, seed, budget, refit="auto", n_splits="auto", pool="auto", max_trials=None) -> dict:
    import lightgbm as lgb
    from sklearn.model_selection import train_test_split
    from mlengineer.automl import AutoML
    target, dates = spec[1], spec[4]
    tr, te = train_test_split(df, test_size=0.25, random_state=seed, stratify=df[target])
    tr, te = tr.reset_index(drop=True), te.reset_index(drop=True)
    out = dict(dataset=name, seed=seed, train_rows=len(tr), test_rows=len(te))
    m = AutoML(time_budget=None if max_trials else budget, max_trials=max_trials, seed=0, n_jobs=2, refit=refit,
               n_splits=n_splits, pool=pool)
    t = time.perf_counter(); m.fit(tr.drop(columns=target), tr[target]); fit_s = time.perf_counter() - t
    p = m.predict_proba(te.drop(columns=target))
    T = float(m.model_.temperature)
    m.model_.temperature = 1.0                # the same models without the fitted temperature: what the temperature did
    p1 = m.predict_proba(te.drop(columns=target))
    m.model_.temperature = T
    out["mlengineer"] = dict(test=A.score("multiclass", te[target], p, list(m.classes_)), worst_row=worst_row(te[target], p, m.classes_),
                             temperature=T, test_at_T1=A.score("multiclass", te[target], p1, list(m.classes_)),
                             fit_s=fit_s, cv_ensemble=float(m.ensemble_score_), pool=m.pool_, pool_scores=m.pool_scores_,
                             honest=getattr(m, "honest_", None))
    Xtr, Xte = A.preprocess(tr, te, target, dates)
    g = lgb.LGBMClassifier(n_jobs=2, verbose=-1, random_state=0).fit(Xtr, tr[target])
    q = g.predict_proba(Xte)
    out["lightgbm"] = dict(test=A.score("multiclass", te[target], q, list(g.classes_)), worst_row=worst_row(te[target], q, g.classes_))
    return out


def one_regression_split(name, spec, df, seed, budget, rows, max_trials=None) -> dict:
    "One seeded sample of `rows` rows of a regression table, split 25% test: mlengineer, LightGBM, HGB defaults."
    from sklearn.model_selection import train_test_split
    target, task, dates = spec[1], spec[2], spec[4]
    sample = df.sample(n=min(rows, len(df)), random_state=seed) if rows else df
    tr, te = train_test_split(sample, test_size=0.25, random_state=seed)
    tr, te = tr.reset_index(drop=True), te.reset_index(drop=True)
    base, hgbf = A.preprocess(tr, te, target, dates), A.preprocess(tr, te, target, dates, max_levels=255)
    out = dict(dataset=name, seed=seed, train_rows=len(tr), test_rows=len(te))
    for kind in ("mlengineer", "lightgbm", "hgb"):
        if kind == "mlengineer" and max_trials:     # a budget of trials, not seconds: the same on a loaded machine
            from mlengineer.automl import AutoML
            m = AutoML(time_budget=None, max_trials=max_trials, seed=0, n_jobs=2).fit(tr.drop(columns=target), tr[target])
            lb = m.leaderboard_
            r = dict(test=A.score(task, te[target], m.predict(te.drop(columns=target)), None),
                     cv_ensemble=float(m.ensemble_score_), cv_best_single=float(m.best_single_),
                     n_ok=int((lb.status == "ok").sum()), honest=getattr(m, "honest_", None),
                     members=[dict(model=r.model, weight=float(r.weight), score=float(r.score), params=r.params)
                              for r in lb[lb.weight > 0].itertuples()])
        else: r = A.run_contender(kind, task, target, tr, te, base, hgbf, budget)
        out[kind] = {k: r[k] for k in ("test", "fit_s", "cv_ensemble", "cv_best_single", "members", "n_ok", "honest") if k in r}
    return out


def regression_summary(rows: list) -> dict:
    kinds = ("mlengineer", "lightgbm", "hgb")
    return dict(splits=len(rows), mean={k: statistics.fmean(r[k]["test"] for r in rows) for k in kinds},
                mean_cv=statistics.fmean(r["mlengineer"]["cv_ensemble"] for r in rows),
                better_than_lightgbm_on=sum(r["mlengineer"]["test"] < r["lightgbm"]["test"] for r in rows))


def summary(rows: list) -> dict:
    ml, lg = [r["mlengineer"]["test"] for r in rows], [r["lightgbm"]["test"] for r in rows]
    t1 = [r["mlengineer"]["test_at_T1"] for r in rows]
    return dict(splits=len(rows), mean=dict(mlengineer=statistics.fmean(ml), lightgbm=statistics.fmean(lg), mlengineer_at_T1=statistics.fmean(t1)),
                temperature_helped_on=sum(a < b for a, b in zip(ml, t1)), temperature_hurt_on=sum(a > b for a, b in zip(ml, t1)),
                median=dict(mlengineer=statistics.median(ml), lightgbm=statistics.median(lg)),
                better_on=dict(mlengineer=sum(a < b for a, b in zip(ml, lg)), lightgbm=sum(b < a for a, b in zip(ml, lg))),
                worst_row_max=dict(mlengineer=max(r["mlengineer"]["worst_row"] for r in rows),
                                   lightgbm=max(r["lightgbm"]["worst_row"] for r in rows)),
                log_pool_on=sum(r["mlengineer"].get("pool") == "log" for r in rows))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=float, default=30.0)
    ap.add_argument("--wine", type=int, default=10, help="splits of wine (seeds 0..N-1)")
    ap.add_argument("--penguins", type=int, default=5, help="splits of penguins (seeds 0..N-1)")
    ap.add_argument("--refit", default="auto", choices=["auto", "yes", "no"], help="AutoML's refit (as `mle train --refit`)")
    ap.add_argument("--n-splits", default="auto", help="AutoML's n_splits: 'auto' or a number of folds")
    ap.add_argument("--pool", default="auto", choices=["auto", "mean", "log"], help="AutoML's pool (the ensemble's pooling rule)")
    ap.add_argument("--regression", help="a regression table of bench/automl.py (diamonds, hotel_rates, cps1988)")
    ap.add_argument("--rows", type=int, default=3000, help="rows sampled from the regression table per split")
    ap.add_argument("--rsplits", type=int, default=5, help="splits of the regression table (seeds 0..N-1)")
    ap.add_argument("--max-trials", type=int, default=None, help="mlengineer with this many trials and no time budget (the same on a loaded machine)")
    ap.add_argument("--out", default=str(OUT))
    a = ap.parse_args()
    warnings.filterwarnings("ignore")
    specs, t0, results = A._datasets(), time.time(), {}
    for name, n in (("wine", a.wine), ("penguins", a.penguins)):
        if n < 1: continue
        df, _, _ = A.load(name, specs[name])
        rows = []
        for seed in range(n):
            r = one_split(name, specs[name], df, seed, a.budget, {"auto": "auto", "yes": True, "no": False}[a.refit],
                          a.n_splits if a.n_splits == "auto" else int(a.n_splits), a.pool, a.max_trials)
            rows.append(r)
            print(f"[{name} seed {seed}] mlengineer {r['mlengineer']['test']:.4f} ({r['mlengineer']['pool']} pool; "
                  f"T {r['mlengineer']['temperature']:.2f}; "
                  f"at T 1 {r['mlengineer']['test_at_T1']:.4f}; "
                  f"worst row {r['mlengineer']['worst_row']:.2f})  lightgbm {r['lightgbm']['test']:.4f} "
                  f"(worst row {r['lightgbm']['worst_row']:.2f})", flush=True)
        results[name] = dict(summary=summary(rows), splits=rows)
        s = results[name]["summary"]
        print(f"[{name}] mean test log-loss: mlengineer {s['mean']['mlengineer']:.4f}, lightgbm {s['mean']['lightgbm']:.4f}; "
              f"better on {s['better_on']['mlengineer']} / {s['better_on']['lightgbm']} of {s['splits']} splits", flush=True)
    if a.regression:
        df, _, _ = A.load(a.regression, specs[a.regression])
        rows = []
        for seed in range(a.rsplits):
            r = one_regression_split(a.regression, specs[a.regression], df, seed, a.budget, a.rows, a.max_trials)
            rows.append(r)
            print(f"[{a.regression} seed {seed}] RMSE mlengineer {r['mlengineer']['test']:.2f} "
                  f"(cv {r['mlengineer']['cv_ensemble']:.2f})  lightgbm {r['lightgbm']['test']:.2f}  "
                  f"hgb {r['hgb']['test']:.2f}", flush=True)
        results[a.regression] = dict(summary=regression_summary(rows), splits=rows)
        print(f"[{a.regression}] {json.dumps(results[a.regression]['summary'])}", flush=True)
    out = dict(benchmark="splits", date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"), budget_s=a.budget, refit=a.refit, n_splits=a.n_splits, pool=a.pool,
               machine=_common.machine(), versions=_common.versions("numpy", "pandas", "sklearn", "lightgbm", "mlengineer"),
               rows=a.rows if a.regression else None, max_trials=a.max_trials, results=results, wall_seconds=time.time() - t0)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(out, indent=1))
    print(f"wrote {a.out} ({out['wall_seconds']:.0f} s)")


if __name__ == "__main__":
    main()
