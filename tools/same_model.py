#!/usr/bin/env python3
"""Fingerprint deterministic `mle train` runs, to show that a change of layout changes no model.

For each bundled dataset named, runs `mle train --deterministic --max-trials N --seed 0` on the first 75% of its rows,
`mle predict` on the rest, and records the leaderboard (family, parameters, CV score) and the predictions.
Compare two such files with `--compare`:

    python tools/same_model.py --out before.json            # on the old commit
    python tools/same_model.py --out after.json             # on the new one
    python tools/same_model.py --compare before.json after.json
"""
import argparse, hashlib, json, subprocess, sys, tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DATASETS = {"penguins": ("data/penguins.csv", "species"), "hmda": ("data/hmda.csv", "deny"),
            "hotel_rates": ("data/hotel_rates.csv", "avg_price_per_room")}


def fingerprint(name, trials, work):
    "Train and predict deterministically on one dataset; the leaderboard and predictions as plain values."
    path, target = DATASETS[name]
    table = pd.read_csv(ROOT/path)
    cut = int(len(table)*0.75)
    train_csv = work/f"{name}_train.csv"
    test_csv = work/f"{name}_test.csv"
    table.iloc[:cut].to_csv(train_csv, index=False)
    table.iloc[cut:].drop(columns=[target]).to_csv(test_csv, index=False)
    model_dir = work/f"{name}_model"
    mle = str(Path(sys.executable).parent/"mle")
    train = [mle, "train", str(train_csv), "--target", target, "--deterministic", "--max-trials", str(trials),
             "--seed", "0", "--out", str(model_dir)]
    subprocess.run(train, check=True, capture_output=True, text=True)
    preds_csv = work/f"{name}_preds.csv"
    subprocess.run([mle, "predict", str(model_dir), str(test_csv), "--out", str(preds_csv)], check=True,
                   capture_output=True, text=True)
    manifest = json.loads((model_dir/"manifest.json").read_text())
    board = [{k: row.get(k) for k in ("family", "params", "score")} for row in manifest.get("leaderboard", [])]
    preds = pd.read_csv(preds_csv)
    numbers = preds.select_dtypes("number").round(12).to_csv(index=False)
    return {"leaderboard": board, "predictions_sha256": hashlib.sha256(numbers.encode()).hexdigest(),
            "labels": preds["prediction"].astype(str).tolist()[:20], "rows": len(preds)}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", help="write the fingerprints here (JSON)")
    p.add_argument("--datasets", default="penguins,hmda,hotel_rates")
    p.add_argument("--trials", type=int, default=8)
    p.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"))
    a = p.parse_args(argv)
    if a.compare:
        before, after = (json.loads(Path(f).read_text()) for f in a.compare)
        same = before == after
        for name in sorted(set(before) | set(after)):
            print(f"{name}: {'same' if before.get(name) == after.get(name) else 'DIFFERENT'}")
        return 0 if same else 1
    with tempfile.TemporaryDirectory() as d:
        out = {name: fingerprint(name, a.trials, Path(d)) for name in a.datasets.split(",")}
    Path(a.out).write_text(json.dumps(out, indent=1, default=str))
    print(json.dumps({k: v["predictions_sha256"][:16] for k, v in out.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
