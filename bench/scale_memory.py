#!/usr/bin/env python3
"""Training and scoring on a Dask cluster a Parquet dataset at least 3x larger than the workers' total memory limit.

A synthetic binary table of --features float64 columns (a few informative through thresholds and an interaction,
the rest noise) and a yes/no target is written as uncompressed Parquet files of --part-rows rows to a temporary
directory (removed at the end, never kept in the repo) until both its size on disk and its size as pandas frames
are at least --ratio times the two workers' total --memory-limit. No bundled table is wide enough for that: LightGBM
holds about one byte per feature per row plus about 30 bytes per row of training buffers, so only a table whose raw
rows are many times that (wide float64 rows) can be larger than memory in pandas while its binned form fits.

Then, on a LocalCluster of 2 workers (1 thread each, 127.0.0.1): `train_dataset` (the search on a --sample-rows
sample, one LightGBM trial; LightGBM on every partition, each worker binning its partitions in batches) and
`score_dataset` of every file (61_dask_score). Recorded: the sizes, the workers' baseline RSS, wall times, each
worker's peak RSS (ru_maxrss) against its limit, whether the workers are the same processes at the end (none killed
or restarted), the driver's peak RSS, and the test ROC-AUC (50,000 fresh rows) of the cluster's model against the
same configuration trained in one process on the sample.

Usage:  .venv/bin/python bench/scale_memory.py [--memory-limit 700MiB] [--features 100] [--ratio 3.05]
Writes: bench/results/scale_memory.json
"""
from __future__ import annotations
import argparse, datetime, json, os, resource, shutil, tempfile, time
from pathlib import Path
import _common

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results" / "scale_memory.json"


def make_part(n: int, features: int, seed: int):
    "Rows of the synthetic table: float64 features, a yes/no target from thresholds and one interaction."
    import numpy as np
    import pandas as pd
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, features))
    logit = 1.5 * (X[:, 0] > 0) - 1.2 * (X[:, 1] > 0.5) + 0.8 * (X[:, 2] > -0.5) * (X[:, 3] > 0) - 0.6
    y = rng.random(n) < 1 / (1 + np.exp(-logit))
    df = pd.DataFrame(X, columns=[f"x{i}" for i in range(features)])
    df["y"] = np.where(y, "yes", "no")
    return df


def worker_rss() -> int:
    "This worker process's resident memory in bytes."
    import psutil
    return psutil.Process().memory_info().rss


def worker_peak() -> int:
    "This worker process's peak resident memory in bytes (ru_maxrss is KiB on Linux)."
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def warm() -> int:
    "Import what training imports on a worker; its resident memory after."
    import mlengineer.scale.train, mlengineer.scale.score
    return worker_rss()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--memory-limit", default="700MiB", help="each of the 2 local workers' memory limit")
    p.add_argument("--features", type=int, default=100)
    p.add_argument("--part-rows", type=int, default=50_000)
    p.add_argument("--ratio", type=float, default=3.05, help="dataset size over the workers' total limit, at least")
    p.add_argument("--sample-rows", type=int, default=20_000)
    p.add_argument("--batch-rows", type=int, default=10_000)
    p.add_argument("--out", default=str(OUT))
    args = p.parse_args()
    import numpy as np
    import pandas as pd
    from dask.utils import parse_bytes
    from sklearn.metrics import roc_auc_score
    from mlengineer.automl import check_input
    from mlengineer.engine.models import make_pipeline
    from mlengineer.scale.cluster import connect
    from mlengineer.scale.train import train_dataset, encode_target
    from mlengineer.scale.score import score_dataset
    limit = parse_bytes(args.memory_limit)
    total = 2 * limit
    tmp = Path(tempfile.mkdtemp(prefix="mle-scale-memory-"))
    res = dict(started=datetime.datetime.now().isoformat(timespec="seconds"), machine=_common.machine(),
               versions=_common.versions("mlengineer", "lightgbm", "dask", "distributed", "pandas"),
               settings=vars(args))
    try:
        folder = tmp / "data"
        folder.mkdir()
        t = time.perf_counter()
        disk = pandas_bytes = rows = i = 0
        while min(disk, pandas_bytes) < args.ratio * total:
            part = make_part(args.part_rows, args.features, 1000 + i)
            pandas_bytes += int(part.memory_usage(deep=True).sum())
            path = folder / f"part-{i:05d}.parquet"
            part.to_parquet(path, index=False, compression=None)
            disk += path.stat().st_size
            rows += len(part)
            i += 1
        res["data"] = dict(rows=rows, files=i, disk_mb=round(disk / 2**20, 1), pandas_mb=round(pandas_bytes / 2**20, 1),
                           workers_total_limit_mb=round(total / 2**20, 1), disk_over_limit=round(disk / total, 2),
                           pandas_over_limit=round(pandas_bytes / total, 2),
                           write_seconds=round(time.perf_counter() - t, 1))
        print(json.dumps(res["data"]), flush=True)
        test = make_part(50_000, args.features, 7)
        yt = (test.pop("y") == "yes").to_numpy()
        with connect("local:2", memory_limit=args.memory_limit, timeout=120) as client:
            res["worker_baseline_rss_mb"] = sorted(round(v / 2**20, 1) for v in client.run(warm).values())
            before = client.run(os.getpid)
            t = time.perf_counter()
            aml = train_dataset(folder, "y", client, None, families=["lightgbm"], max_trials=1,
                                sample_rows=args.sample_rows, isolate=False, leakage=False, batch_rows=args.batch_rows)
            res["train_seconds"] = round(time.perf_counter() - t, 1)
            rec = aml.manifest_["dataset"]
            res["dataset"] = {k: rec[k] for k in ("rows", "sample_rows", "partitions", "rounds", "fit_seconds",
                                                  "worker_rows", "sample_cv")}
            res["worker_rss_trained_mb"] = [round(v / 2**20, 1) for v in rec["worker_rss_trained"]]
            res["worker_rss_reading_mb"] = [round(v / 2**20, 1) for v in rec["worker_rss_reading"]]
            res["worker_peak_rss_after_train_mb"] = [round(v / 2**20, 1) for v in rec["worker_peak_rss"]]
            bundle = aml.save(tmp / "model")
            t = time.perf_counter()
            r = score_dataset(bundle, folder, tmp / "scores", cluster=client, chunk_rows=args.batch_rows)
            res["score_seconds"] = round(time.perf_counter() - t, 1)
            res["scored_rows"] = r["rows"]
            res["worker_peak_rss_mb"] = sorted(round(v / 2**20, 1) for v in client.run(worker_peak).values())
            res["same_workers"] = client.run(os.getpid) == before
        res["driver_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        res["dask_test_auc"] = round(roc_auc_score(yt, aml.predict_proba(test)[:, 1]), 5)
        sample = aml.dataset_.sample
        params = dict(json.loads(json.dumps(rec["params"])), n_estimators=rec["rounds"], early_stopping_rounds=None)
        alone = make_pipeline("lightgbm", aml.schema_, params, seed=0, n_jobs=1)
        alone.fit(check_input(sample, aml.schema_), encode_target(sample.y, aml.schema_))
        res["process_rows"] = len(sample)
        res["process_test_auc"] = round(roc_auc_score(yt, alone.predict_proba(check_input(test, aml.schema_))[:, 1]), 5)
        res["auc_dask_minus_process"] = round(res["dask_test_auc"] - res["process_test_auc"], 5)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    res["loadavg_end"] = os.getloadavg()
    Path(args.out).write_text(json.dumps(res, indent=1))
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
