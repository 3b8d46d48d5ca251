#!/usr/bin/env python3
"""The house rules of the package, checked (run by `make test`); exits 1 naming every breach.

- private: no module imports another module's private `_name` (`from .data import _magic`, `B._write` after
  `import mlengineer.bundle as B`): what two modules share is a public, documented helper of the module that owns it;
- order: no module imports one exported from a later notebook (notebooks sort in import order: `00_errors` before
  `01_data` ... `90_cli`), so a reader meets every name before its use and there is no cycle;
- size: no module over 700 lines (`_modidx.py` aside);
- width: under 1% of the package's lines over 120 characters.

Usage: python tools/house_check.py [--selftest] [--only private,order,size,width] [PACKAGE_DIR]
"""
import argparse, ast, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 700
WIDTH = 120
MAX_WIDE_SHARE = 0.01
CHECKS = ("private", "order", "size", "width")


def modules(lib: Path) -> dict:
    "Dotted module name -> path for every exported module of the package (`_modidx.py` aside)."
    out = {}
    for p in sorted(lib.rglob("*.py")):
        if p.name == "_modidx.py":
            continue
        parts = p.relative_to(lib.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = p
    return out


def notebook_of(path: Path) -> str|None:
    "The notebook a module is exported from (its nbdev header), or None for a hand-written file."
    head = path.read_text().split("\n", 12)[:12]
    for line in head:
        if m := re.search(r"File to edit: \S*?nbs/(\S+?\.ipynb)", line):
            return m.group(1)
    return None


def resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    "The absolute module name an ImportFrom refers to."
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    if not is_package:
        base = base[:-1]
    base = base[:len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def imports(name: str, path: Path, known: dict):
    "Yield (line, imported module, imported name or None) for every import of the package's own modules."
    tree = ast.parse(path.read_text())
    top = name.split(".")[0]
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            mod = resolve(name, path.name == "__init__.py", node)
            if mod.split(".")[0] != top:
                continue
            for a in node.names:
                sub = f"{mod}.{a.name}"
                if sub in known:
                    aliases[a.asname or a.name] = sub
                    yield node.lineno, sub, None
                else:
                    yield node.lineno, mod, a.name
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == top:
                    if a.asname:
                        aliases[a.asname] = a.name
                    yield node.lineno, a.name, None
    for node in ast.walk(tree):
        is_module_attr = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
        if is_module_attr and node.value.id in aliases:
            yield node.lineno, aliases[node.value.id], node.attr
    for node in ast.walk(tree):   # `python -c "from mlengineer.x import _y"` in a string
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            for m in re.finditer(rf"from ({top}(?:\.\w+)*) import (\w+)", node.value):
                yield node.lineno, m.group(1), m.group(2)


def check(lib: Path, only=CHECKS) -> list:
    "Every breach of the house rules in the package at `lib`, as lines of text."
    known = modules(lib)
    order = {name: notebook_of(p) for name, p in known.items()}
    problems = []
    total = 0
    wide = []
    for name, path in known.items():
        rel = path.relative_to(lib.parent)
        lines = path.read_text().splitlines()
        total += len(lines)
        wide += [f"{rel}:{i}" for i, line in enumerate(lines, 1) if len(line) > WIDTH]
        if "size" in only and len(lines) > MAX_LINES:
            problems.append(f"size: {rel} has {len(lines)} lines (at most {MAX_LINES}): split it by concern")
        if path.name == "__init__.py":
            continue   # the package's front doors re-export; they are not notebook modules
        for line, mod, attr in imports(name, path, known):
            private = attr is not None and attr.startswith("_") and not attr.startswith("__")
            if "private" in only and private and mod != name:
                problems.append(f"private: {rel}:{line} uses {mod}.{attr}; make it a public, documented helper "
                                f"of {mod}")
            mine = order.get(name)
            theirs = order.get(mod)
            if "order" in only and mine and theirs and theirs > mine:
                problems.append(f"order: {rel}:{line} imports {mod} (nbs/{theirs}), exported from a later notebook "
                                f"than nbs/{mine}")
    share = len(wide) / max(total, 1)
    if "width" in only and share >= MAX_WIDE_SHARE:
        problems.append(f"width: {len(wide)} of {total} lines ({share:.1%}) are over {WIDTH} characters "
                        f"(under {MAX_WIDE_SHARE:.0%} allowed), e.g. {', '.join(wide[:5])}")
    return problems


def selftest() -> list:
    "Build a small package that breaks every rule and return the rules `check` failed to catch (none, if it works)."
    import tempfile
    header = "# AUTOGENERATED! DO NOT EDIT! File to edit: ../nbs/{}.\n"
    files = {
        "__init__.py": "",
        "early.py": header.format("01_early.ipynb") + "from .late import helper\n" + "x = 1\n" * (MAX_LINES + 1),
        "late.py": header.format("02_late.ipynb") + "from .early import _secret\ndef helper(): return 1\n"
                   + ("y = '" + "z" * WIDTH + "'\n") * 20,
    }
    with tempfile.TemporaryDirectory() as d:
        lib = Path(d)/"pkg"
        lib.mkdir()
        for name, text in files.items():
            (lib/name).write_text(text)
        found = {line.split(":", 1)[0] for line in check(lib)}
    return [rule for rule in CHECKS if rule not in found]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("lib", nargs="?", default=str(ROOT/"mlengineer"))
    p.add_argument("--only", default=",".join(CHECKS), help="comma-separated checks to run")
    p.add_argument("--selftest", action="store_true", help="first check that every rule catches a breach")
    a = p.parse_args(argv)
    if a.selftest and (missed := selftest()):
        print(f"house_check itself is broken: it missed a breach of {', '.join(missed)}")
        return 1
    only = a.only.split(",")
    problems = check(Path(a.lib), only)
    for line in problems:
        print(line)
    print(f"{len(problems)} breach(es) of: {', '.join(only)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
