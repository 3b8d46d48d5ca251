#!/usr/bin/env python3
"""Benchmark of the data stage (`mlengineer.data`) against plain pandas, in the same run.

On the largest bundled dataset (data/flights.parquet, 336,776 rows x 19 columns, target arr_delay):

1. csv      `pandas.read_csv(path)` vs `load_table(path)` on a temporary .csv and .csv.gz of the table
            (the cost of delimiter/encoding sniffing and of load_table's read options).
2. parquet  `pandas.read_parquet(path)` vs `load_table(path)`.
3. stage    `load_table + infer_schema(df, target) + quality_report(df, schema)` vs `pandas.read_csv`
            of the same CSV, with the split of the stage into load / schema / quality, and
            `quality_report(..., leakage=False)` to show what the leakage check costs.
4. memory   peak RSS of each stage contender, each in a fresh subprocess (VmHWM on Linux, since
            ru_maxrss is inherited across exec from the parent; ru_maxrss elsewhere).

Every measurement is repeated N times; in each round the contenders run back to back (their
order rotated from round to round) so they share the machine's noise. Reported: median seconds
and the ratio of medians (ours / pandas). No absolute thresholds: the numbers are for comparison.

Usage:  .venv/bin/python bench/data.py [--repeats N] [--no-memory]
Writes: bench/results/data.json
Plain Python: argparse, time.perf_counter, statistics.median.
"""
from __future__ import annotations
import argparse, datetime, gc, gzip, json, resource, shutil, statistics, subprocess, sys, tempfile, time
import _common
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT/"bench"/"results"/"data.json"


# ---------------------------------------------------------------- helpers

def timed(f):
    "Seconds taken by `f()` and its result."
    gc.collect()
    t = time.perf_counter()
    r = f()
    return time.perf_counter() - t, r


def rounds(contenders: dict, repeats: int, warmup: int) -> dict:
    "Run each contender `repeats` times, interleaved per round with a rotating order; times per contender."
    names = list(contenders)
    times = {k: [] for k in names}
    for i in range(warmup + repeats):
        order = names[i % len(names):] + names[:i % len(names)]
        for k in order:
            dt, _ = timed(contenders[k])
            if i >= warmup: times[k].append(dt)
    return times


def summary(ts: list) -> dict:
    return dict(median=statistics.median(ts), min=min(ts), max=max(ts), runs=ts)


def compare(name: str, pandas_times: list, ours_times: list, pandas_label: str, ours_label: str) -> dict:
    p, o = summary(pandas_times), summary(ours_times)
    return dict(name=name, pandas=pandas_label, ours=ours_label, pandas_s=p, ours_s=o, ratio=o["median"] / p["median"],
                ratio_of_min=o["min"] / p["min"])


machine = _common.machine


def versions() -> dict: return _common.versions("numpy", "pandas", "pyarrow", "sklearn", "mlengineer")


# ---------------------------------------------------------------- memory (fresh subprocess per contender)

def peak_rss_kib() -> int:
    """Peak RSS of this process in KiB: VmHWM from /proc where there is one, else ru_maxrss.
    (On Linux ru_maxrss survives exec, so a child started by a big parent would report the parent's peak;
    VmHWM belongs to the new address space and starts afresh.)"""
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"): return int(line.split()[1])
    except OSError: pass
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r // 1024 if sys.platform == "darwin" else r   # bytes on macOS


def child(kind: str, path: str, target: str):
    "Run one contender once in this (fresh) process and print peak RSS in MiB, before and after the work."
    import pandas as pd
    if kind != "pandas_read_csv":
        from mlengineer.data import load_table, infer_schema
        from mlengineer.quality import quality_report
    base = peak_rss_kib()   # peak so far = the imports
    t = time.perf_counter()
    if kind == "pandas_read_csv": df = pd.read_csv(path)
    else:
        df = load_table(path)
        schema = infer_schema(df, target)
        quality_report(df, schema, leakage=(kind == "stage"))
    dt = time.perf_counter() - t
    peak = peak_rss_kib()
    print(json.dumps(dict(kind=kind, source="VmHWM" if Path("/proc/self/status").exists() else "ru_maxrss", after_imports_mib=base / 1024, peak_mib=peak / 1024, delta_mib=(peak - base) / 1024, seconds=dt)))


def memory(csv_path: Path, target: str) -> dict:
    out = {}
    for kind in ("pandas_read_csv", "stage", "stage_no_leakage"):
        r = subprocess.run([sys.executable, __file__, "--child", kind, str(csv_path), "--target", target],
                           capture_output=True, text=True, cwd=ROOT)
        if r.returncode: raise RuntimeError(f"memory child {kind} failed:\n{r.stderr[-2000:]}")
        out[kind] = json.loads(r.stdout.strip().splitlines()[-1])
    return out


# ---------------------------------------------------------------- the benchmark

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=5, help="measured rounds per benchmark (default 5)")
    ap.add_argument("--warmup", type=int, default=1, help="unmeasured rounds first (default 1)")
    ap.add_argument("--data", default="data/flights.parquet", help="Parquet table to benchmark on (default data/flights.parquet)")
    ap.add_argument("--target", default="arr_delay", help="target column (default arr_delay)")
    ap.add_argument("--no-memory", action="store_true", help="skip the peak-memory subprocesses")
    ap.add_argument("--out", default=str(OUT), help=f"JSON output (default {OUT.relative_to(ROOT)})")
    ap.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child: return child(*a.child, a.target)
    if a.repeats < 1: ap.error("--repeats must be at least 1")

    import pandas as pd
    from mlengineer.data import load_table, infer_schema
    from mlengineer.quality import quality_report

    src = Path(a.data) if Path(a.data).is_absolute() else ROOT/a.data
    t0 = time.perf_counter()
    base = pd.read_parquet(src)
    print(f"{src.relative_to(ROOT) if src.is_relative_to(ROOT) else src}: {len(base):,} rows x {base.shape[1]} columns, "
          f"target {a.target!r}; {a.repeats} repeats (+{a.warmup} warm-up), contenders interleaved per round", flush=True)

    with tempfile.TemporaryDirectory(prefix="mle-bench-") as tmp:
        csv_path, gz_path = Path(tmp)/"flights.csv", Path(tmp)/"flights.csv.gz"
        base.to_csv(csv_path, index=False)
        with open(csv_path, "rb") as fi, gzip.open(gz_path, "wb", compresslevel=6) as fo: shutil.copyfileobj(fi, fo, 1 << 20)
        files = dict(csv_mb=csv_path.stat().st_size / 1e6, csv_gz_mb=gz_path.stat().st_size / 1e6, parquet_mb=src.stat().st_size / 1e6)
        print(f"temporary CSV {files['csv_mb']:.1f} MB, .csv.gz {files['csv_gz_mb']:.1f} MB; parquet {files['parquet_mb']:.1f} MB", flush=True)

        # sanity: both readers give the same table (else the comparison is meaningless)
        a_df, b_df = pd.read_csv(csv_path), load_table(csv_path)
        assert a_df.shape == b_df.shape and list(a_df.columns) == list(b_df.columns), "read_csv and load_table disagree"
        assert (a_df.dtypes == b_df.dtypes).all(), f"dtypes differ: {a_df.dtypes[a_df.dtypes != b_df.dtypes]}"
        del a_df, b_df

        results = []
        # 1. CSV and CSV.gz
        for label, path in (("csv", csv_path), ("csv.gz", gz_path)):
            print(f"[{label}] read_csv vs load_table ...", flush=True)
            ts = rounds({"pandas": lambda p=path: pd.read_csv(p), "ours": lambda p=path: load_table(p)}, a.repeats, a.warmup)
            results.append(compare(label, ts["pandas"], ts["ours"], "pandas.read_csv", "load_table"))
        # 2. Parquet
        print("[parquet] read_parquet vs load_table ...", flush=True)
        ts = rounds({"pandas": lambda: pd.read_parquet(src), "ours": lambda: load_table(src)}, a.repeats, a.warmup)
        results.append(compare("parquet", ts["pandas"], ts["ours"], "pandas.read_parquet", "load_table"))

        # 3. The whole stage, with its parts timed inside each run
        print("[stage] load_table + infer_schema + quality_report vs read_csv ...", flush=True)
        parts = {k: [] for k in ("load", "schema", "quality")}
        df_stage = load_table(csv_path)
        schema_stage = infer_schema(df_stage, a.target)

        def stage():
            t = time.perf_counter(); df = load_table(csv_path)
            t1 = time.perf_counter(); schema = infer_schema(df, a.target)
            t2 = time.perf_counter(); rep = quality_report(df, schema)
            t3 = time.perf_counter()
            parts["load"].append(t1 - t); parts["schema"].append(t2 - t1); parts["quality"].append(t3 - t2)
            return rep

        ts = rounds({"pandas": lambda: pd.read_csv(csv_path), "ours": stage,
                     "quality_no_leakage": lambda: quality_report(df_stage, schema_stage, leakage=False)}, a.repeats, a.warmup)
        parts = {k: list(v[a.warmup:]) for k, v in parts.items()}   # drop the warm-up rounds (a copy: stage() keeps its own)
        results.append(compare("stage", ts["pandas"], ts["ours"], "pandas.read_csv", "load_table + infer_schema + quality_report"))
        total = statistics.median(ts["ours"])
        q_on, q_off = statistics.median(parts["quality"]), statistics.median(ts["quality_no_leakage"])
        breakdown = {k: dict(**summary(v), share=statistics.median(v) / total) for k, v in parts.items()}
        breakdown["quality_no_leakage"] = dict(**summary(ts["quality_no_leakage"]), share=q_off / total)
        breakdown["leakage_check"] = dict(median=q_on - q_off, share=(q_on - q_off) / total,
                                          note="median quality_report(leakage=True) minus median quality_report(leakage=False)")
        rep = quality_report(df_stage, schema_stage)
        findings = sorted({f.check for f in rep.findings})
        schema_facts = dict(task=schema_stage.task, roles=pd.Series(schema_stage.roles).value_counts().to_dict(), findings=findings)

        mem = None
        if not a.no_memory:
            print("[memory] peak RSS, one fresh subprocess per contender ...", flush=True)
            mem = memory(csv_path, a.target)

    # ---------------------------------------------------------------- report
    W = 62
    print()
    print(f"{'benchmark':<10} {'pandas':<20} {'median s':>9} {'ours median s':>14} {'ours/pandas':>12} {'(of mins)':>10}")
    print("-" * 80)
    for r in results:
        print(f"{r['name']:<10} {r['pandas']:<20} {r['pandas_s']['median']:>9.3f} {r['ours_s']['median']:>14.3f} "
              f"{r['ratio']:>11.2f}x {r['ratio_of_min']:>9.2f}x")
    print()
    print(f"stage breakdown (median of {a.repeats}; share of the median stage time {total:.3f} s)")
    print("-" * W)
    for k, label in (("load", "load_table"), ("schema", "infer_schema"), ("quality", "quality_report (leakage on)"),
                     ("quality_no_leakage", "  quality_report (leakage off)"), ("leakage_check", "  leakage check (on - off)")):
        b = breakdown[k]
        print(f"{label:<34} {b['median']:>9.3f} s {b['share']:>8.0%}")
    if mem:
        print()
        print("peak memory (peak RSS, fresh process each; delta = peak minus after imports)")
        print("-" * W)
        for k, m in mem.items():
            print(f"{k:<20} peak {m['peak_mib']:>7.0f} MiB   after imports {m['after_imports_mib']:>5.0f} MiB   delta {m['delta_mib']:>6.0f} MiB")

    out = dict(benchmark="data stage", dataset=dict(path=str(src.relative_to(ROOT)) if src.is_relative_to(ROOT) else str(src),
               rows=len(base), columns=base.shape[1], target=a.target, **files, **schema_facts),
               date=datetime.datetime.now().astimezone().isoformat(timespec="seconds"), repeats=a.repeats, warmup=a.warmup,
               machine=machine(), versions=versions(), results=results, stage_breakdown=breakdown, memory=mem,
               wall_seconds=time.perf_counter() - t0,
               notes=["ratio = median(ours) / median(pandas), from the same interleaved rounds; ratio_of_min = min(ours) / min(pandas)",
                      "stage parts are timed inside each stage run; shares are part median / stage median, so they need not sum to 1"])
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(out, indent=1) + "\n")
    print(f"\nwrote {Path(a.out).relative_to(ROOT) if Path(a.out).resolve().is_relative_to(ROOT) else a.out} "
          f"({out['wall_seconds']:.0f} s)")


if __name__ == "__main__":
    main()
