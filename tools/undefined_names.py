#!/usr/bin/env python3
"""pyflakes on the exported package, for names a module uses but never defines or imports (typically an import that
only a notebook's test cell made). `from .errors import *` is spelled out first, so pyflakes can see through it.

Usage: python tools/undefined_names.py [PACKAGE_DIR]    (default: mlengineer/ next to tools/); exit 1 if any is found.
"""
import glob, os, subprocess, sys, tempfile
from pathlib import Path

pkg = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "mlengineer"
from mlengineer import errors
names = ", ".join(n for n in dir(errors) if not n.startswith("__"))
with tempfile.TemporaryDirectory() as d:
    for f in glob.glob(str(pkg / "*.py")):
        text = Path(f).read_text().replace("from .errors import *", f"from .errors import {names}")
        Path(d, os.path.basename(f)).write_text(text)
    r = subprocess.run([sys.executable, "-m", "pyflakes", d], capture_output=True, text=True)
    bad = [l.replace(d + os.sep, f"{pkg.name}/") for l in r.stdout.splitlines() if "undefined name" in l]
print("\n".join(bad))
sys.exit(1 if bad else 0)
