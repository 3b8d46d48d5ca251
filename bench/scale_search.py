#!/usr/bin/env python3
"""Trials spread over Dask workers: how many trials a search completes with 1 and 2 local workers in one budget, and
whether `mle train --cluster local:2 --time-budget B` stays within its budget.

Search: `run_search` on data/hmda.csv (2,380 rows, binary `deny`, 5 stratified folds, all default families, seed 0,
n_jobs=1 per trial) with `DaskRunner("local:N")` for N = 1 and 2, `--budget` seconds each, in alternating order over
`--repeats` rounds so both share the machine's noise; the trials that finished (status ok) are counted, and
`concurrency` is the trials' summed seconds over the span from the first start to the last end (how many ran at once
on average). The cluster's
start is inside the budget. CLI: `mle train data/hmda.csv --target deny --cluster local:2 --time-budget B`, the
command's wall-clock seconds against B. The load average is recorded before and after every run (the machine's two
cores are shared with other work).

Usage:  .venv/bin/python bench/scale_search.py [--budget 30] [--repeats 3] [--families lightgbm] [--cli-budget 30]
        [--cli-repeats 2] [--out PATH]
Writes: bench/results/scale_search.json
"""
from __future__ import annotations
import argparse, datetime, json, os, subprocess, sys, tempfile, time, warnings
from pathlib import Path
import _common

OUT = _common.ROOT/"bench"/"results"/"scale_search.json"


def search_run(n_workers: int, budget: float, families=None) -> dict:
    "One search on hmda with a local cluster of `n_workers`: trials by status, workers used, seconds."
    from mlengineer.data import load_table, infer_schema, cv_folds
    from mlengineer.engine.search import run_search
    from mlengineer.scale.search import DaskRunner
    df = load_table(_common.ROOT/"data"/"hmda.csv")
    s = infer_schema(df, "deny")
    y = (df.deny == "yes").astype(int).to_numpy()
    load = os.getloadavg()
    t0 = time.time()
    res = run_search(df[s.features], y, s, folds=cv_folds(df, "deny", n_splits=5, seed=0), time_budget=budget, seed=0,
                     n_jobs=1, families=families,
                     trial_runner=DaskRunner(f"local:{n_workers}", memory_limit="1GiB", timeout=60))
    seconds = time.time() - t0
    status = [t.status for t in res.trials]
    return dict(workers=n_workers, budget=budget, seconds=round(seconds, 2), trials=len(status),
                ok=status.count("ok"), by_status={k: status.count(k) for k in sorted(set(status))},
                workers_used=len({t.worker for t in res.trials if t.worker}), best=res.metric.display(res.best.score),
                first_trial_start=round(min(t.start for t in res.trials), 2),
                concurrency=round(sum(t.end - t.start for t in res.trials)
                                  / max(max(t.end for t in res.trials) - min(t.start for t in res.trials), 1e-9), 2),
                stopped=[f"{t.name} at {t.start:.1f}s: {t.error}" for t in res.trials if t.status != "ok"],
                loadavg_before=load, loadavg_after=os.getloadavg())


def cli_run(budget: float) -> dict:
    "`mle train data/hmda.csv --cluster local:2 --time-budget budget`: exit status, wall seconds, their ratio."
    mle = str(Path(sys.executable).parent / "mle")
    with tempfile.TemporaryDirectory() as d:
        load = os.getloadavg()
        t0 = time.time()
        r = subprocess.run([mle, "train", str(_common.ROOT/"data"/"hmda.csv"), "--target", "deny", "--cluster", "local:2",
                            "--time-budget", str(budget), "--out", f"{d}/model", "--quiet"], capture_output=True, text=True)
        seconds = time.time() - t0
    return dict(budget=budget, seconds=round(seconds, 2), ratio=round(seconds / budget, 3), exit=r.returncode,
                stderr_tail=r.stderr[-300:], loadavg_before=load, loadavg_after=os.getloadavg())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=float, default=30)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--families", help="comma-separated families of the searches (default: all); one family of "
                    "similar trials (lightgbm) shows the throughput with less noise from what the tuner picks")
    ap.add_argument("--cli-budget", type=float, default=30)
    ap.add_argument("--cli-repeats", type=int, default=2)
    ap.add_argument("--out", default=str(OUT))
    a = ap.parse_args()
    warnings.filterwarnings("ignore")
    started, searches, clis = time.time(), [], []
    for r in range(a.repeats):
        for n in ((1, 2) if r % 2 == 0 else (2, 1)):
            searches.append(search_run(n, a.budget, a.families.split(",") if a.families else None))
            print(json.dumps(searches[-1]), flush=True)
    for _ in range(a.cli_repeats):
        clis.append(cli_run(a.cli_budget))
        print(json.dumps(clis[-1]), flush=True)
    ok = {n: [x["ok"] for x in searches if x["workers"] == n] for n in (1, 2)}
    summary = dict(ok_trials_1_worker=ok[1], ok_trials_2_workers=ok[2],
                   speedup=round(sum(ok[2]) / max(sum(ok[1]), 1), 2),
                   cli_ratio_max=max(x["ratio"] for x in clis) if clis else None)
    print(json.dumps(summary))
    out = dict(bench="scale_search", date=datetime.datetime.now().isoformat(timespec="seconds"),
               seconds=round(time.time() - started, 1), machine=_common.machine(),
               versions=_common.versions("mlengineer", "distributed", "lightgbm", "sklearn", "optuna"),
               settings=vars(a), summary=summary, searches=searches, cli=clis)
    Path(a.out).write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
