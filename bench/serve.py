#!/usr/bin/env python3
"""Benchmark of deployment: single-row latency, HTTP under a fixed request rate, batch scoring throughput.

One model, trained once at the start of the run (AutoML, LightGBM family, a fixed number of trials, seed 0, on
data/flights.parquet: 327,346 labelled rows, the largest bundled dataset; target arr_delay, the leaking arr_time,
dep_time, dep_delay, air_time dropped), saved as a bundle, then measured three ways in the same run:

1. In-process single-row latency, p50/p99 over N calls on rows drawn from the data: the raw LightGBM boosters of the
   model on an already-preprocessed numpy row (the floor), the fast path (mlengineer.deploy.fastpath: a dict straight to the
   boosters), and the normal path (AutoML.predict on a one-row DataFrame). Ratios to the raw booster. With the onnx
   extra, also the model exported as one ONNX file (mlengineer.deploy.onnx_export) in onnxruntime on one thread: the
   session's run on ready (1, 1) arrays, and the same from the record dict (arrays built per call, as a client does).
2. HTTP: `mle serve BUNDLE` in a subprocess on 127.0.0.1, without and with `--log` (the prediction log); an open-loop
   load generator (plain asyncio HTTP/1.1 over keep-alive connections, one request due every 1/RATE s whatever the
   answers do) sends single-record POST /predict bodies from the data for DURATION s at each rate in turn. Latency
   p50/p99/max of the answers, p99 of every answer (503s included), the shed share (503 with Retry-After), other 5xx,
   unanswered, achieved rates.
3. Batch: `score_file` of the whole parquet file (chunked, written to parquet) in rows/s, against the raw boosters
   predicting the same rows from an already-preprocessed numpy matrix (no reading, parsing or writing), and the peak
   RSS of the scoring process (memory bound).

Usage:  .venv/bin/python bench/serve.py [--rates 100,200,400,800] [--duration 20] [--calls 2000] [--quick]
Writes: bench/results/serve.json
"""
from __future__ import annotations
import argparse, asyncio, datetime, gc, json, signal, socket, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np, pandas as pd
import _common

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "results" / "serve.json"
LEAKS = ["arr_time", "dep_time", "dep_delay", "air_time"]


def pct(xs, q): return float(np.percentile(np.asarray(xs, float), q))


def train(quick: bool, work: Path):
    from mlengineer.automl import AutoML
    df = pd.read_parquet(ROOT / "data" / "flights.parquet").drop(columns=LEAKS)
    df = df[df.arr_delay.notna()].reset_index(drop=True)
    train = df.sample(20_000 if quick else 100_000, random_state=0)
    aml = AutoML(target="arr_delay", families=["lightgbm"], max_trials=2, time_budget=None, seed=0, n_jobs=2).fit(train)
    bundle = work / "flights-model"
    aml.save(bundle)
    data = work / "flights.parquet"
    df.drop(columns="arr_delay").to_parquet(data, index=False)
    return aml, bundle, data, df


def _boosters(aml):
    "[(weight, preprocessor, booster, num_iteration)] over every fold model of every member."
    out = []
    for member, w in zip(aml.model_.members, aml.model_.weights):
        for pipe in member.models:
            gbm = pipe[-1]
            out.append((w / len(member.models), pipe[:-1], gbm.model_.booster_, gbm.best_iteration_))
    return out


def _numpy(prep, X):
    "The preprocessed rows as the booster's float matrix (pandas categoricals as their codes, missing as NaN)."
    Xt = prep.transform(X)
    cols = [(Xt[c].cat.codes.to_numpy(float, copy=True) if isinstance(Xt[c].dtype, pd.CategoricalDtype)
             else Xt[c].to_numpy(float, na_value=np.nan)) for c in Xt.columns]
    M = np.column_stack(cols)
    for j, c in enumerate(Xt.columns):
        if isinstance(Xt[c].dtype, pd.CategoricalDtype): M[M[:, j] < 0, j] = np.nan
    return M


def single_row(aml, df, calls: int) -> dict:
    "fastpath.bench_single_row on rows drawn from the data (raw boosters, their C single-row call, fast, normal path)."
    from mlengineer.deploy.fastpath import compile_fast, bench_single_row
    feats = list(aml.schema_.features)
    rows = df[feats].sample(calls, random_state=1, replace=len(df) < calls).reset_index(drop=True)
    fast = compile_fast(aml)
    recs = json.loads(rows.to_json(orient="records", double_precision=15))     # as a client sends them
    out = bench_single_row(aml, recs, n=calls, n_normal=min(calls, 300), fast=fast)
    diff = max(abs(float(fast.predict_row(recs[i])) - float(aml.predict(rows.iloc[[i]])[0])) for i in range(200))
    return dict(out, max_abs_diff_fast_vs_normal=diff)


async def _load(url: str, bodies: list, rate: float, duration: float, connections: int = 256) -> dict:
    """Open loop: one POST /predict every 1/rate s, whatever the answers do, over `connections` keep-alive connections.

    A plain asyncio HTTP/1.1 client (httpx spent about a core at 400 requests/s, so the generator, not the server, set
    the figures there). Latency runs from the time a request was due, so a request that waited for a free connection
    counts its wait (no coordinated omission)."""
    from urllib.parse import urlsplit
    u = urlsplit(url)
    head = f"POST /predict HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nContent-Type: application/json\r\n"
    queue, lat, lat_ok, statuses = asyncio.Queue(), [], [], {}
    async def worker():
        reader, writer = await asyncio.open_connection(u.hostname, u.port)
        while True:
            item = await queue.get()
            if item is None: break
            due, body = item
            try:
                writer.write(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
                status_line = await asyncio.wait_for(reader.readline(), 30)
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    if line.lower().startswith(b"content-length:"): length = int(line.split(b":")[1])
                await reader.readexactly(length)
                code = int(status_line.split()[1])
                ms = (time.perf_counter() - due) * 1e3
                lat.append(ms)
                if code == 200: lat_ok.append(ms)
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, IndexError, ValueError) as e:
                code = type(e).__name__
                writer.close()
                reader, writer = await asyncio.open_connection(u.hostname, u.port)
            statuses[code] = statuses.get(code, 0) + 1
        writer.close()
    workers = [asyncio.create_task(worker()) for _ in range(connections)]
    n = int(rate * duration)
    start = time.perf_counter()
    for i in range(n):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0: await asyncio.sleep(delay)
        queue.put_nowait((due, bodies[i % len(bodies)]))
    sent = time.perf_counter() - start
    for _ in workers: queue.put_nowait(None)
    await asyncio.gather(*workers)
    wall = time.perf_counter() - start
    ok, shed = statuses.get(200, 0), statuses.get(503, 0)
    other_5xx = sum(v for k, v in statuses.items() if isinstance(k, int) and k >= 500 and k != 503)
    return dict(requests=n, ok=ok, shed=shed, shed_share=shed / n, other_5xx=other_5xx, unanswered=n - len(lat),
                statuses={str(k): v for k, v in statuses.items()}, seconds=wall, offered_rate=n / sent,
                answered_rate=ok / wall, p50_ms=pct(lat_ok, 50) if lat_ok else None,
                p99_ms=pct(lat_ok, 99) if lat_ok else None, max_ms=float(max(lat_ok)) if lat_ok else None,
                p99_all_ms=pct(lat, 99) if lat else None, max_all_ms=float(max(lat)) if lat else None)


def _cpu_seconds(pid: int) -> float:
    "User + system CPU seconds of process `pid` and its children (the uvicorn workers), so far."
    import psutil
    proc = psutil.Process(pid)
    procs = [proc] + proc.children(recursive=True)
    return sum(sum(p.cpu_times()[:2]) for p in procs if p.is_running())


def http(bundle: Path, df, rates: list, duration: float, log: Path|None = None, workers: int = 1) -> dict:
    "`mle serve BUNDLE` (with `--log LOG` if given) under open-loop load at each rate in turn: {rate: figures}."
    import httpx
    mle = str(Path(sys.executable).parent / "mle")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
    cmd = [mle, "serve", str(bundle), "--port", str(port), "--log-level", "warning",
           "--workers", str(workers)] + (["--log", str(log)] if log else [])
    srv = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{url}/ready", timeout=1).status_code == 200: break
            except httpx.TransportError: pass
            time.sleep(0.1)
        sample = df.sample(2000, random_state=2).drop(columns="arr_delay")
        recs = json.loads(sample.to_json(orient="records", date_format="iso"))           # dates as clients send them
        bodies = [json.dumps(r).encode() for r in recs]
        asyncio.run(_load(url, bodies[:50], 50, min(3.0, duration)))            # warm-up
        gc.collect()
        gc.freeze()              # this process holds the model and the data: its full collections stalled the generator
        out = {}
        for rate in rates:
            cpu0 = _cpu_seconds(srv.pid)
            out[str(int(rate))] = r = asyncio.run(_load(url, bodies, rate, duration))
            r["server_cpu_ms_per_request"] = (_cpu_seconds(srv.pid) - cpu0) * 1e3 / r["requests"]
            print(f"  {rate:>5.0f}/s{' --log' if log else ''}: {json.dumps(out[str(int(rate))])}", flush=True)
            time.sleep(2)                                                         # let a backlog drain
        return out
    finally:
        srv.send_signal(signal.SIGINT)
        try: srv.wait(timeout=30)
        except subprocess.TimeoutExpired: srv.kill()


def batch(aml, bundle: Path, data: Path, df, work: Path) -> dict:
    code = (f"import json, resource, sys; from mlengineer.deploy.batch import score_file; "
            f"r = score_file({str(bundle)!r}, {str(data)!r}, {str(work / 'scored.parquet')!r}, progress=False); "
            f"r['peak_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024; print(json.dumps(r, default=str))")
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t
    r = json.loads(out.stdout.strip().splitlines()[-1])
    X = df[list(aml.schema_.features)]
    parts = _boosters(aml)
    mats = [_numpy(prep, X) for _, prep, _, _ in parts]
    t = time.perf_counter()
    for (w, _, b, it), M in zip(parts, mats): b.predict(M, num_iteration=it, num_threads=2)
    raw_s = time.perf_counter() - t
    return dict(rows=r["rows"], score_file_seconds=r["seconds"], score_file_rows_per_s=r["rows_per_second"],
                subprocess_wall_s=wall, peak_rss_mb=r["peak_rss_mb"], rejected=r["rejected"],
                raw_booster_seconds=raw_s, raw_booster_rows_per_s=len(X) / raw_s,
                ratio_to_raw=r["rows_per_second"] / (len(X) / raw_s))

def _timed(f, args: list, n: int) -> np.ndarray:
    "Microseconds of n calls f(args[i % len(args)])."
    out = np.empty(n)
    for i in range(n):
        t = time.perf_counter_ns()
        f(args[i % len(args)])
        out[i] = (time.perf_counter_ns() - t) / 1e3
    return out


def onnx_single_row(aml, df, calls: int, work: Path) -> dict:
    "onnxruntime's single-row latency on the exported ONNX file, on the rows single_row times; None without the extra."
    try:
        import onnxruntime as ort
        from mlengineer.deploy.onnx_export import export_onnx
    except ImportError as e: return dict(skipped=f"the onnx extra is not installed ({e})")
    t = time.time()
    path = work / "model.onnx"
    card = export_onnx(aml, path)
    seconds = time.time() - t
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    feats = list(aml.schema_.features)
    rows = df[feats].sample(calls, random_state=1, replace=len(df) < calls).reset_index(drop=True)
    recs = json.loads(rows.to_json(orient="records", double_precision=15))
    types = {i["name"]: i["type"] for i in card["inputs"]}
    def feeds(rec):
        "The session's inputs for one record dict: (1, 1) float64 or string arrays."
        return {c: np.array([[np.nan if rec[c] is None else float(rec[c])]]) if types[c] == "float64"
                else np.array([["" if rec[c] is None else str(rec[c])]], dtype=object) for c in feats}
    ready = [feeds(r) for r in recs]
    for f in ready[:10]: sess.run(None, f)                      # warm up
    run = _timed(lambda f: sess.run(None, f), ready, calls)
    full = _timed(lambda r: sess.run(None, feeds(r)), recs, calls)
    got = np.array([sess.run(None, f)[0].ravel()[0] for f in ready[:200]])
    diff = float(np.max(np.abs(got - aml.predict(rows.iloc[:200]))))
    return dict(onnx_run_p50_us=pct(run, 50), onnx_run_p99_us=pct(run, 99), onnx_p50_us=pct(full, 50),
                onnx_p99_us=pct(full, 99), file_bytes=path.stat().st_size, export_seconds=round(seconds, 1),
                check_max_difference=card["check"]["max_difference"], max_abs_diff_onnx_vs_normal=diff,
                versions={k: card["versions"][k] for k in ("onnx", "onnxruntime", "skl2onnx")})


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rates", default="100,200,400,800", help="request rates to offer in turn, per second")
    ap.add_argument("--duration", type=float, default=20, help="seconds at each rate")
    ap.add_argument("--calls", type=int, default=2000); ap.add_argument("--quick", action="store_true")
    ap.add_argument("--parts", default="single,onnx,batch,http", help="what to measure, comma-separated")
    ap.add_argument("--workers", type=int, default=1, help="mle serve --workers")
    ap.add_argument("--out", default=str(OUT))
    a = ap.parse_args()
    if a.quick: a.duration, a.calls = min(a.duration, 10), min(a.calls, 300)
    t0 = time.time()
    res = dict(benchmark="serve", date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
               machine=_common.machine(), versions=_common.versions("mlengineer", "lightgbm", "pandas", "numpy", "fastapi", "uvicorn", "httpx"),
               params=vars(a))
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        aml, bundle, data, df = train(a.quick, work)
        res["model"] = dict(members=[m.name for m in aml.model_.members], fold_boosters=len(_boosters(aml)),
                            cv_rmse=aml.ensemble_score_, train_rows=aml.manifest_["n_rows"])
        parts = a.parts.split(",")
        if "single" in parts:
            print("single row ...", flush=True)
            res["single_row"] = single_row(aml, df, a.calls)
            print(json.dumps(res["single_row"], indent=1))
        if "onnx" in parts:
            print("onnx single row ...", flush=True)
            res["onnx_single_row"] = onnx_single_row(aml, df, a.calls, work)
            print(json.dumps(res["onnx_single_row"], indent=1))
        if "batch" in parts:
            print("batch ...", flush=True)
            res["batch"] = batch(aml, bundle, data, df, work)
            print(json.dumps(res["batch"], indent=1))
        rates = [float(r) for r in a.rates.split(",")]
        if "http" in parts:
            print(f"http at {a.rates}/s for {a.duration}s each ...", flush=True)
            res["http"] = http(bundle, df, rates, a.duration, workers=a.workers)
            print("http with --log ...", flush=True)
            res["http_log"] = http(bundle, df, rates, a.duration, log=work / "predictions.db", workers=a.workers)
    res["wall_seconds"] = time.time() - t0
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(res, indent=2, default=str) + "\n")
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
