#!/usr/bin/env python3
"""`make demo`'s service step: start `mle serve` on 127.0.0.1, send real held-out rows, print the answers, stop it.

Usage: demo_serve.py MODEL_REF HELD_OUT_CSV [--registry DIR] [--n 5]
MODEL_REF is a bundle directory or NAME[@ALIAS] of a registry model.
"""
import argparse, json, signal, socket, subprocess, sys, time
from pathlib import Path
import httpx, pandas as pd

a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
a.add_argument("model"); a.add_argument("data"); a.add_argument("--registry"); a.add_argument("--n", type=int, default=5)
a = a.parse_args()
mle = str(Path(sys.executable).parent / "mle")
with socket.socket() as s:
    s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
cmd = [mle, "serve", a.model, "--port", str(port)] + (["--registry", a.registry] if a.registry else [])
print("$", " ".join(cmd))
srv = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
url = f"http://127.0.0.1:{port}"
try:
    for _ in range(600):
        if srv.poll() is not None: sys.exit(f"mle serve exited with status {srv.returncode}: {srv.stderr.read()[-2000:]}")
        try:
            if httpx.get(f"{url}/ready", timeout=1).status_code == 200: break
        except httpx.TransportError: pass
        time.sleep(0.1)
    meta = httpx.get(f"{url}/metadata", timeout=10).json()
    target = meta.get("target")
    df = pd.read_csv(a.data).head(a.n)
    records = json.loads(df.drop(columns=[target], errors="ignore").to_json(orient="records", double_precision=15))
    r = httpx.post(f"{url}/predict", json=records, timeout=30)
    r.raise_for_status()
    body = r.json()
    print(f"POST /predict with {len(records)} held-out rows -> {r.status_code}, model {body['model']}")
    for i, pred in enumerate(body["predictions"]):
        probs = body["probabilities"][i] if body.get("probabilities") else None
        truth = df[target].iloc[i] if target in df else "?"
        print(f"  row {i}: predicted {pred!r}" + (f" (P={json.dumps({k: round(v, 3) for k, v in probs.items()})})" if probs else "")
              + f", actual {truth!r}")
    bad = httpx.post(f"{url}/predict", json={"no_such_field": 1}, timeout=10)
    print(f"a malformed request -> {bad.status_code}: {json.dumps(bad.json())[:160]}")
    metrics = httpx.get(f"{url}/metrics", timeout=10).text
    print("GET /metrics ->", sum(1 for l in metrics.splitlines() if l and not l.startswith("#")), "samples")
finally:
    srv.send_signal(signal.SIGINT)
    try: srv.wait(timeout=30)
    except subprocess.TimeoutExpired: srv.kill()
print("service stopped")
