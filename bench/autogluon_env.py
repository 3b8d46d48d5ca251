#!/usr/bin/env python3
"""Create or reuse AutoGluon's own virtual environment for bench/automl.py, outside the repository.

AutoGluon 1.6 pins what the project's environment has newer (pyarrow < 25, scikit-learn < 1.10, pandas < 2.4,
numpy < 2.6), so it gets a venv of its own and bench/automl.py runs it in a subprocess (bench/ag_runner.py).

Where:   $MLE_AG_VENV, else ~/.cache/mlengineer-bench/autogluon-venv
What:    autogluon.tabular[lightgbm,catboost,xgboost]==1.6.* and torch==2.13.0 (CPU only), with pip, from the
         package index. The xgboost extra is `xgboost-cpu` (no CUDA library); torch is asked for as 2.13.0, which
         this machine's pip takes from a local CPU wheel (torch-2.13.0+cpu): an unpinned torch would take a CUDA build
         of several GB. Left out on purpose: the `fastai` extra (it needs torchvision, whose index wheels do not
         import beside a CPU torch here, and spaCy), so AutoGluon's NeuralNetFastAI model is skipped by AutoGluon
         itself; the foundation-model extras (tabpfn, mitra, tabicl, ...), which medium/best quality do not use on CPU.
Records: the versions it got, in VENV/mle-bench-versions.json (read by bench/automl.py into its results).

Usage:  python bench/autogluon_env.py [--venv PATH] [--force] [--check]
        --check: only report whether the venv is usable (exit 1 if not); --force: reinstall into it.
Prints the venv's python path on its last line.
"""
from __future__ import annotations
import argparse, json, os, subprocess, sys, venv
from pathlib import Path

DEFAULT = Path.home()/".cache"/"mlengineer-bench"/"autogluon-venv"
REQUIREMENTS = ["torch==2.13.0", "autogluon.tabular[lightgbm,catboost,xgboost]==1.6.*"]
PROBE_MODULES = ["autogluon.tabular", "autogluon.core", "lightgbm", "catboost", "xgboost", "torch", "sklearn",
                 "pandas", "numpy", "pyarrow"]
PROBE = """
import importlib, json, platform, sys
out = dict(python=platform.python_version())
for m in sys.argv[1:]:
    try: out[m] = getattr(importlib.import_module(m), "__version__", "?")
    except Exception as e: out[m] = None
try:
    import torch
    out["torch_cuda"] = torch.version.cuda
except Exception: pass
print(json.dumps(out))
"""


def venv_dir(path=None) -> Path:
    "The AutoGluon venv: `path`, else $MLE_AG_VENV, else ~/.cache/mlengineer-bench/autogluon-venv."
    return Path(path or os.environ.get("MLE_AG_VENV") or DEFAULT).expanduser()


def venv_python(path=None) -> Path:
    "The venv's python executable."
    return venv_dir(path)/"bin"/"python"


def probe(py: Path) -> dict | None:
    "Versions the venv's python imports (None if it cannot run)."
    if not py.exists(): return None
    r = subprocess.run([str(py), "-c", PROBE, *PROBE_MODULES], capture_output=True, text=True, timeout=300)
    if r.returncode != 0: return None
    return json.loads(r.stdout.strip().splitlines()[-1])


def usable(vers: dict | None) -> bool:
    "AutoGluon 1.6 imports, and torch (if any) is a CPU build."
    return bool(vers) and str(vers.get("autogluon.tabular") or "").startswith("1.6") and not vers.get("torch_cuda")


def ensure(path=None, force=False) -> dict:
    "Create the venv and install AutoGluon if it is not usable yet; write and return the versions it has."
    d = venv_dir(path)
    py = venv_python(path)
    vers = None if force else probe(py)
    if not usable(vers):
        if not py.exists():
            print(f"creating {d}", flush=True)
            venv.EnvBuilder(with_pip=True, clear=False).create(d)
        cmd = [str(py), "-m", "pip", "install", "--upgrade", *REQUIREMENTS]
        print("running: " + " ".join(cmd), flush=True)
        subprocess.run(cmd, check=True)
        vers = probe(py)
        if not usable(vers): sys.exit(f"AutoGluon venv {d} is not usable after the install: {vers}")
    vers["venv"] = str(d)
    vers["requirements"] = REQUIREMENTS
    (d/"mle-bench-versions.json").write_text(json.dumps(vers, indent=1) + "\n")
    return vers


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--venv", help=f"where (default $MLE_AG_VENV or {DEFAULT})")
    ap.add_argument("--force", action="store_true", help="run the install even if the venv is usable")
    ap.add_argument("--check", action="store_true", help="only check; exit 1 if the venv is not usable")
    a = ap.parse_args()
    if a.check:
        vers = probe(venv_python(a.venv))
        print(json.dumps(vers, indent=1))
        if not usable(vers): sys.exit(1)
    else: print(json.dumps(ensure(a.venv, a.force), indent=1))
    print(venv_python(a.venv))


if __name__ == "__main__":
    main()
