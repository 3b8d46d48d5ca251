#!/usr/bin/env python3
"""One AutoGluon fit for bench/automl.py, run by the AutoGluon venv's python (bench/autogluon_env.py), not the project's.

Reads the training and test parts that bench/automl.py wrote as Parquet (its split and its frame), fits

    TabularPredictor(label=LABEL, problem_type=TASK, eval_metric=roc_auc|log_loss|rmse, path=TMP, verbosity=V)
        .fit(train, time_limit=B, presets=PRESETS, num_cpus=2, num_gpus=0)

predicts the test part (class probabilities, columns in the order `classes` of the job, for classification;
values for regression), times the single-row predict (median of up to N `predict` calls on a one-row DataFrame, after
one warm-up call, stopped early after LATENCY_SECONDS in all) and writes a JSON: predictions, classes, fit wall time
(time.perf_counter around fit), latency, leaderboard summary, versions. It computes no test metric: bench/automl.py
scores the predictions with the same function as every other contender.

Usage:  AG_VENV/bin/python bench/ag_runner.py JOB.json      (JOB: train, test, label, task, metric, time_limit,
                                                             presets, num_cpus, classes, latency_calls, out, path)
"""
from __future__ import annotations
import json, platform, statistics, sys, time
from pathlib import Path

LATENCY_SECONDS = 30.0      # at most this long on the latency loop (a bagged best-quality ensemble is slow on one row)


def latency(predict, row, calls: int) -> tuple[float, int]:
    "Median seconds of up to `calls` predictions of one row after one warm-up call, and how many were timed."
    predict(row)
    ts = []
    start = time.perf_counter()
    while len(ts) < calls and time.perf_counter() - start < LATENCY_SECONDS:
        t = time.perf_counter()
        predict(row)
        ts.append(time.perf_counter() - t)
    return statistics.median(ts), len(ts)


def main():
    job = json.loads(Path(sys.argv[1]).read_text())
    import pandas as pd
    import autogluon.tabular
    from autogluon.tabular import TabularPredictor
    train = pd.read_parquet(job["train"])
    test = pd.read_parquet(job["test"])
    label = job["label"]
    task = job["task"]
    X_test = test.drop(columns=label)
    predictor = TabularPredictor(label=label, problem_type=task, eval_metric=job["metric"], path=job["path"],
                                 verbosity=job.get("verbosity", 1))
    t = time.perf_counter()
    predictor.fit(train, time_limit=job["time_limit"], presets=job["presets"], num_cpus=job["num_cpus"], num_gpus=0)
    fit_s = time.perf_counter() - t
    t = time.perf_counter()
    if task == "regression":
        pred = predictor.predict(X_test).astype(float).tolist()
        classes = None
    else:
        proba = predictor.predict_proba(X_test, as_multiclass=True)
        proba.columns = [str(c) for c in proba.columns]
        classes = [str(c) for c in job["classes"]]
        missing = sorted(set(classes) - set(proba.columns))
        if missing: raise SystemExit(f"AutoGluon's probabilities have no column for classes {missing}")
        pred = proba[classes].astype(float).to_numpy().tolist()
    predict_test_s = time.perf_counter() - t
    lat, n_lat = latency(predictor.predict, X_test.iloc[[0]], job["latency_calls"])
    lb = predictor.leaderboard(silent=True)
    keep = [c for c in ["model", "score_val", "fit_time", "pred_time_val", "stack_level"] if c in lb.columns]
    info = predictor.info()
    out = dict(predictions=pred, classes=classes, fit_s=fit_s, predict_test_s=predict_test_s, predict_1row_ms=lat * 1e3,
               predict_1row_calls=n_lat, best_model=predictor.model_best, n_models=int(len(lb)),
               best_score_val=float(lb.loc[lb.model == predictor.model_best, "score_val"].iloc[0]),
               leaderboard=json.loads(lb[keep].head(15).to_json(orient="records")),
               presets=job["presets"], time_limit=job["time_limit"], num_cpus=job["num_cpus"],
               num_bag_folds=info.get("num_bag_folds"), num_stack_levels=info.get("num_stack_levels"),
               versions=dict(python=platform.python_version(), autogluon=autogluon.tabular.__version__,
                             pandas=pd.__version__))
    Path(job["out"]).write_text(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
