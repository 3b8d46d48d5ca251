#!/usr/bin/env python3
"""The test command of mlengineer (run by `make test`), as nbdev's own CI does it.

1. `nbdev-clean` leaves no diff: every notebook under nbs/ is already clean.
2. `nbdev-export` leaves no diff: the package matches the notebooks.
   pyflakes finds no undefined name in the package (an import only a test cell made).
   tools/house_check.py: no module imports another's private name or one from a later notebook, no module over
   700 lines, under 1% of lines over 120 characters.
   tools/readme.py --check: README.md is what nbs/index.ipynb gives (the one home page).
3. Every notebook under nbs/ passes `nbdev-test --flags slow` (slow cells included),
   each in its own subprocess, a few at a time.

The hygiene checks compare content hashes before and after, so they work on a working tree
with uncommitted changes. A failing check leaves the tree cleaned/exported, so running the
command again after a failure shows what is left.

Usage:
    python tools/run_tests.py                  # everything
    python tools/run_tests.py nbs/01_data.ipynb 'nbs/reports/*.ipynb'   # only these notebooks

Notebooks start longest first, by the seconds each took in the run recorded in tools/test_durations.json (a notebook
not listed there starts first), so the long ones do not start last and leave a core idle at the end; with
MLE_RECORD_DURATIONS=1 a run rewrites that file with its own figures.

Environment: MLE_TEST_WORKERS (default 2) notebooks run at the same time. TMPDIR is set to a scratch
directory for the run (what the notebooks write to temporary directories), removed at the end.
Plain stdlib only.
"""
import glob, hashlib, os, shutil, subprocess, sys, tempfile, threading, time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBS = ROOT/"nbs"
LIB = ROOT/"mlengineer"
BIN = Path(os.path.dirname(os.path.abspath(sys.executable)))  # the venv's bin dir; do not resolve symlinks
TAIL = 60
HOUSE_CHECKS = "private,order,size,width"   # all of tools/house_check.py's checks
_print_lock = threading.Lock()


def say(*args):
    with _print_lock: print(*args, flush=True)


def rel(p): 
    p = Path(p).absolute()
    try: return p.relative_to(ROOT).as_posix()
    except ValueError: return str(p)


def tool(name):
    "Path of an nbdev console script next to the running interpreter (falls back to PATH)."
    p = BIN/name
    return str(p) if p.exists() else name


def skipped(p, base):
    "Like nbdev's nbglob: skip files and folders whose names start with `_` or `.`."
    parts = Path(p).absolute().relative_to(Path(base).absolute()).parts
    return any(s.startswith(("_", ".")) or s == ".ipynb_checkpoints" for s in parts)


def notebooks(base=NBS):
    if not base.exists(): return []
    return sorted(p for p in base.rglob("*.ipynb") if not skipped(p, base))


def hashes(files):
    return {rel(f): hashlib.sha256(Path(f).read_bytes()).hexdigest() for f in files if Path(f).is_file()}


def diff(before, after):
    "Files changed, created or deleted between two hash maps, with what happened to them."
    out = []
    for f in sorted(set(before) | set(after)):
        if f not in before: out.append(f"{f} (created)")
        elif f not in after: out.append(f"{f} (deleted)")
        elif before[f] != after[f]: out.append(f"{f} (changed)")
    return out


def run(cmd, **kw):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, errors="replace", **kw)


def tail(text, n=TAIL):
    lines = (text or "").rstrip("\n").splitlines()
    return "\n".join("    " + l for l in lines[-n:])


def hygiene(name, cmd, watched):
    "Run `cmd`; the check passes when it succeeds and no file in `watched()` changed."
    t0 = time.time()
    before = hashes(watched())
    r = run(cmd)
    changed = diff(before, hashes(watched()))
    ok = r.returncode == 0 and not changed
    say(f"{'PASS' if ok else 'FAIL'} {name} ({time.time()-t0:.1f}s)")
    if r.returncode != 0:
        say(f"  `{' '.join(cmd)}` exited with {r.returncode}:\n{tail(r.stdout)}")
    if changed:
        say("  files it changed (left as it wrote them; commit or review them):")
        for f in changed: say(f"    {f}")
    return ok


def undefined_names():
    "tools/undefined_names.py: pyflakes finds no name the package uses without defining or importing it."
    t0 = time.time()
    r = run([str(BIN/"python"), str(ROOT/"tools"/"undefined_names.py"), str(LIB)])
    ok = r.returncode == 0
    say(f"{'PASS' if ok else 'FAIL'} no undefined names in the package ({time.time()-t0:.1f}s)")
    if not ok: say(tail(r.stdout))
    return ok


def house_rules(checks):
    "tools/house_check.py: no private name crosses modules, no import from a later notebook (and the size rules given)."
    t0 = time.time()
    r = run([str(BIN/"python"), str(ROOT/"tools"/"house_check.py"), "--selftest", "--only", checks, str(LIB)])
    ok = r.returncode == 0
    say(f"{'PASS' if ok else 'FAIL'} house rules: {checks} ({time.time()-t0:.1f}s)")
    if not ok: say(tail(r.stdout))
    return ok


def readme_check():
    "tools/readme.py --check: README.md is what nbs/index.ipynb gives."
    t0 = time.time()
    r = run([str(BIN/"python"), str(ROOT/"tools"/"readme.py"), "--check"])
    ok = r.returncode == 0
    say(f"{'PASS' if ok else 'FAIL'} README.md is written from nbs/index.ipynb ({time.time()-t0:.1f}s)")
    if not ok: say(tail(r.stdout))
    return ok


DURATIONS = ROOT/"tools"/"test_durations.json"


def longest_first(nbs):
    "The notebooks in the order to start them: unknown ones first, then by their recorded seconds, longest first."
    import json
    known = json.loads(DURATIONS.read_text()) if DURATIONS.exists() else {}
    return sorted(nbs, key=lambda nb: -known.get(rel(nb), float("inf")))


def test_notebook(nb, took=None):
    t0 = time.time()
    cmd = [tool("nbdev-test"), str(nb),  # nbdev 3: the path is positional (`--path` is ambiguous)
           "--flags", "slow", "--n-workers", "0"]
    try: r = run(cmd); ok, out = r.returncode == 0, r.stdout
    except Exception as e: ok, out = False, f"could not run {cmd[0]}: {e!r}"
    seconds = time.time() - t0
    if took is not None: took[rel(nb)] = round(seconds, 1)
    say(f"{'PASS' if ok else 'FAIL'} {rel(nb)} ({seconds:.1f}s)")
    if not ok: say(tail(out))
    return ok


def select(args):
    "Notebooks named by command-line paths, directories or globs (relative to the cwd or the repo root)."
    found = []
    for a in args:
        hits = []
        for base in (Path.cwd(), ROOT):
            pat = a if os.path.isabs(a) else str(base/a)
            hits = [Path(h) for h in sorted(glob.glob(pat, recursive=True))]
            if hits: break
        if not hits: say(f"FAIL {a}: no such notebook"); found.append(None); continue
        for h in hits:
            if h.is_dir(): found += notebooks(h)
            elif h.suffix == ".ipynb": found.append(h)
    seen, out = set(), []
    for f in found:
        k = None if f is None else f.resolve()
        if f is None or k not in seen: seen.add(k); out.append(f)
    return out


def main(args):
    # the notebooks' temporary files (bundles, search work directories with their data) go to one directory, removed
    # at the end, so a run leaves nothing behind in the system's temporary directory
    scratch = tempfile.mkdtemp(prefix="mle-test-")
    os.environ["TMPDIR"] = scratch
    try: return _main(args)
    finally: shutil.rmtree(scratch, ignore_errors=True)


def _main(args):
    t0 = time.time()
    results = []
    if args:
        nbs = select(args)
        results += [False for f in nbs if f is None]
        nbs = [f for f in nbs if f is not None]
    else:
        results.append(hygiene("nbdev-clean leaves no diff", [tool("nbdev-clean")], notebooks))
        results.append(hygiene("nbdev-export leaves no diff", [tool("nbdev-export")],
                               lambda: sorted(LIB.rglob("*.py")) if LIB.exists() else []))
        results.append(undefined_names())
        results.append(house_rules(HOUSE_CHECKS))
        results.append(readme_check())
        nbs = notebooks()
    workers = max(1, int(os.environ.get("MLE_TEST_WORKERS", "2")))
    say(f"Testing {len(nbs)} notebook(s), {workers} at a time")
    took = {}
    with ThreadPoolExecutor(max_workers=workers) as ex:
        futs = [ex.submit(test_notebook, nb, took) for nb in longest_first(nbs)]
        results += [f.result() for f in as_completed(futs)]
    if os.environ.get("MLE_RECORD_DURATIONS") == "1":
        import json
        DURATIONS.write_text(json.dumps(dict(sorted(took.items())), indent=1) + "\n")
    passed = sum(results); failed = len(results) - passed
    say(f"Total wall time: {time.time()-t0:.1f}s")
    say(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
