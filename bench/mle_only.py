#!/usr/bin/env python3
"""mlengineer alone on bench/automl.py's splits: its contender call, nothing else, for a quick before/after of an engine change.

The datasets, the split (seed 0, 25% test) and the call (`AutoML(time_budget=B, seed=0, n_jobs=2).fit(X, y)`) are
bench/automl.py's own (`run_contender("mlengineer", ...)`); the other contenders and `mle train` are not run, so there are
no ranks. Compare the test figures with the mlengineer column of a full run (`bench/results/automl.json`), knowing that
a timed search moves them a little from run to run.

Usage:  .venv/bin/python bench/mle_only.py [--budget 60] [--datasets hotel_rates,diamonds,...] [--out PATH]
Writes: bench/results/mle_only.json (per dataset: what automl.py records for mlengineer; machine, versions, date)
"""
from __future__ import annotations
import argparse, datetime, json, time, warnings
from pathlib import Path
import _common
import automl as A

OUT = _common.ROOT/"bench"/"results"/"mle_only.json"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=float, default=60.0)
    ap.add_argument("--datasets", help="comma-separated dataset names (default: all): " + ",".join(A._datasets()))
    ap.add_argument("--out", default=str(OUT))
    a = ap.parse_args()
    warnings.filterwarnings("ignore")
    specs, t0, results = A._datasets(), time.time(), {}
    for name in (a.datasets.split(",") if a.datasets else list(specs)):
        spec = specs[name]
        df, tr, te = A.load(name, spec)
        r = A.run_contender("mlengineer", spec[2], spec[1], tr, te, None, None, a.budget)
        results[name] = r
        print(f"{name:14s} test {r['test']:.5f}  cv {r['cv_ensemble']:.5f}  fit {r['fit_s']:.1f} s  trials {r['n_trials']} "
              f"(ok {r['n_ok']})  pool {r.get('pool')}", flush=True)
    out = dict(benchmark="mle_only", date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               budget_s=a.budget, machine=_common.machine(),
               versions=_common.versions("numpy", "pandas", "sklearn", "lightgbm", "mlengineer", "optuna"),
               results=results, wall_seconds=time.time() - t0)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(out, indent=1, default=str))
    print(f"wrote {a.out} ({out['wall_seconds']:.0f} s)")


if __name__ == "__main__":
    main()
