"Helpers shared by the benchmarks: versions of what was measured and facts about the machine."
import importlib, os, platform, subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def versions(*modules) -> dict:
    "Python, each module's __version__ (None if not installed) and the git revision of the package (+dirty)."
    out = dict(python=platform.python_version())
    for mod in modules:
        try: out[mod] = getattr(importlib.import_module(mod), "__version__", "?")
        except Exception: out[mod] = None
    try:
        rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "mlengineer"],
                               capture_output=True, text=True).stdout.strip()
        out["git"] = rev + ("+dirty" if dirty else "")
    except OSError: pass
    return out


def machine() -> dict:
    "CPU count and affinity, platform, and the load average when the run started (other work skews timings)."
    aff = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return dict(cpu_count=os.cpu_count(), cpus_usable=aff, platform=platform.platform(), machine=platform.machine(),
                processor=platform.processor() or None, loadavg_start=os.getloadavg() if hasattr(os, "getloadavg") else None)
