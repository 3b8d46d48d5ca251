#!/usr/bin/env python3
"""Benchmark of training and scoring on a Dask cluster (`mlengineer.scale`) against training in one process.

For each size (100k, 1M, 10M rows by default) a synthetic binary table (8 numeric columns, 2 categorical columns of
12 levels, a logistic target) is written as Parquet partitions of 100,000 rows to a temporary directory (removed at
the end, never kept in the repo), with a separate held-out test file of 50,000 rows. Then, each size in a fresh
subprocess (so its peak RSS is its own):

1. dask      `train_dataset(data, cluster=client)` on a LocalCluster of 2 workers (1 thread each, --memory-limit
             each): the data stage over all partitions, the search on a --sample-rows sample, LightGBM on all rows.
             Measured: wall time, the driver's peak RSS (ru_maxrss of the subprocess), each worker's peak RSS
             (ru_maxrss in the worker processes), the test ROC-AUC.
2. score     `score_dataset(bundle, data, out, cluster=client)` (61_dask_score): rows per second.
3. process   `AutoML.fit` in one process on what fits: the same --sample-rows sample (the same search budget):
             wall time, test ROC-AUC.

Reported: the figures per size, the AUC difference dask - process, the ratio of driver peak RSS between sizes, and
the prepared training data's size against the workers' total memory limit. No thresholds: the numbers are for
comparison; the machine's load is recorded.

Usage:  .venv/bin/python bench/scale.py [--sizes 100000,1000000] [--memory-limit 1.5GiB] [--time-budget 20]
Writes: bench/results/scale.json
"""
from __future__ import annotations
import argparse, datetime, json, os, resource, shutil, subprocess, sys, tempfile, time
from pathlib import Path
import _common

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results" / "scale.json"
PART_ROWS = 100_000
LEVELS = [f"l{i:02d}" for i in range(12)]


def make_part(n: int, seed: int):
    "A partition of the synthetic table: 8 numeric columns, 2 categoricals, a logistic binary target."
    import numpy as np
    import pandas as pd
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 8))
    c1 = rng.integers(0, 12, n)
    c2 = rng.integers(0, 12, n)
    logit = X[:, 0] - 0.8 * X[:, 1] + 0.5 * X[:, 2] * X[:, 3] + np.sin(2 * X[:, 4]) + 0.3 * (c1 % 3) - 0.4 * (c2 == 5)
    y = rng.random(n) < 1 / (1 + np.exp(-logit))
    df = pd.DataFrame(X, columns=[f"x{i}" for i in range(8)])
    df["c1"] = pd.Categorical(np.array(LEVELS)[c1])
    df["c2"] = pd.Categorical(np.array(LEVELS)[c2])
    df["y"] = np.where(y, "yes", "no")
    return df


def write_dataset(folder: Path, rows: int):
    "Write `rows` rows as Parquet partitions of PART_ROWS rows into `folder`; the bytes written."
    folder.mkdir(parents=True)
    for i in range(0, rows, PART_ROWS):
        make_part(min(PART_ROWS, rows - i), 1000 + i // PART_ROWS).to_parquet(folder / f"part-{i // PART_ROWS:05d}.parquet",
                                                                             index=False)
    return sum(p.stat().st_size for p in folder.iterdir())


def _bytes(text: str) -> int:
    "Bytes in a memory size such as '1.5GiB' (dask's parser)."
    from dask.utils import parse_bytes
    return parse_bytes(text)


def peak_rss_mb() -> float:
    "This process's peak resident memory in MB (ru_maxrss is KiB on Linux)."
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_size(data: str, test: str, args) -> dict:
    "One size, in this (fresh) process: dask training, dask scoring, in-process training on the sample."
    import numpy as np
    import pandas as pd
    from sklearn.metrics import roc_auc_score
    from mlengineer.automl import AutoML
    from mlengineer.scale.cluster import connect
    from mlengineer.scale.train import train_dataset
    from mlengineer.scale.score import score_dataset
    te = pd.read_parquet(test)
    yt = (te.pop("y") == "yes").to_numpy()
    out = dict()
    work = Path(tempfile.mkdtemp(dir=Path(data).parent))
    with connect("local:2", memory_limit=args.memory_limit, timeout=120) as client:
        t = time.perf_counter()
        aml = train_dataset(data, "y", client, args.time_budget, sample_rows=args.sample_rows, seed=0, leakage=False)
        out["dask_train_seconds"] = round(time.perf_counter() - t, 1)
        out["dask_driver_peak_rss_mb_after_train"] = round(peak_rss_mb(), 1)
        bundle = aml.save(work / "model")
        out["dask_test_auc"] = round(roc_auc_score(yt, aml.predict_proba(te)[:, 1]), 5)
        out["dataset"] = {k: aml.manifest_["dataset"][k] for k in ("rows", "sample_rows", "partitions", "rounds",
                                                                   "config", "sample_cv", "fit_seconds")}
        t = time.perf_counter()
        r = score_dataset(bundle, data, work / "scores", cluster=client)
        out["dask_score_rows_per_second"] = round(r["rows"] / (time.perf_counter() - t), 1)
        rss = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        out["worker_peak_rss_mb"] = sorted(round(v, 1) for v in rss.values())
    out["driver_peak_rss_mb"] = round(peak_rss_mb(), 1)
    sample = aml.dataset_.sample
    t = time.perf_counter()
    local = AutoML(target="y", time_budget=args.time_budget, seed=0, n_jobs=1).fit(sample)
    out["process_train_seconds"] = round(time.perf_counter() - t, 1)
    out["process_rows"] = len(sample)
    out["process_test_auc"] = round(roc_auc_score(yt, local.predict_proba(te)[:, 1]), 5)
    out["auc_dask_minus_process"] = round(out["dask_test_auc"] - out["process_test_auc"], 5)
    shutil.rmtree(work, ignore_errors=True)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="100000,1000000,10000000", help="comma-separated row counts")
    p.add_argument("--memory-limit", default="1.5GiB", help="each of the 2 local workers' memory limit")
    p.add_argument("--time-budget", type=float, default=20, help="seconds of the search on the sample (both sides)")
    p.add_argument("--sample-rows", type=int, default=100_000, help="rows of the driver's sample")
    p.add_argument("--out", default=str(OUT))
    p.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(run_size(*args.child, args)))
        return
    tmp = Path(tempfile.mkdtemp(prefix="mle-scale-"))
    results = dict(started=datetime.datetime.now().isoformat(timespec="seconds"), machine=_common.machine(),
                   versions=_common.versions("mlengineer", "lightgbm", "dask", "distributed", "pandas"),
                   settings=dict(memory_limit=args.memory_limit, workers=2, threads_per_worker=1,
                                 time_budget=args.time_budget, sample_rows=args.sample_rows, part_rows=PART_ROWS),
                   sizes={})
    try:
        test = tmp / "test.parquet"
        make_part(50_000, 7).to_parquet(test, index=False)
        for n in [int(s) for s in args.sizes.split(",")]:
            data = tmp / f"rows{n}"
            parquet_bytes = write_dataset(data, n)
            cmd = [sys.executable, __file__, "--child", str(data), str(test), "--memory-limit", args.memory_limit,
                   "--time-budget", str(args.time_budget), "--sample-rows", str(args.sample_rows)]
            r = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
            if r.returncode != 0:
                results["sizes"][str(n)] = dict(error=r.stderr.strip().splitlines()[-1:])
                print(n, "failed:", r.stderr[-1500:], file=sys.stderr)
                continue
            row = json.loads(r.stdout.strip().splitlines()[-1])
            row["parquet_mb"] = round(parquet_bytes / 2**20, 1)
            row["prepared_mb"] = round(n * (8 * 4 + 2) / 2**20, 1)    # 8 float32 columns, 2 one-byte category codes
            row["workers_total_limit_mb"] = round(2 * _bytes(args.memory_limit) / 2**20, 1)
            print(n, json.dumps(row), flush=True)
            results["sizes"][str(n)] = row
            shutil.rmtree(data, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    rss = {n: r["driver_peak_rss_mb"] for n, r in results["sizes"].items() if "driver_peak_rss_mb" in r}
    if "1000000" in rss and "10000000" in rss:
        results["driver_rss_ratio_10m_over_1m"] = round(rss["10000000"] / rss["1000000"], 3)
    if "100000" in rss and "1000000" in rss:
        results["driver_rss_ratio_1m_over_100k"] = round(rss["1000000"] / rss["100000"], 3)
    results["loadavg_end"] = os.getloadavg()
    Path(args.out).write_text(json.dumps(results, indent=1))
    print("wrote", args.out)


if __name__ == "__main__":
    main()
