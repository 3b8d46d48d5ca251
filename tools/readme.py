#!/usr/bin/env python3
"""README.md is written from nbs/index.ipynb, the one home page (nbdev-readme does this with Quarto, which these
machines cannot install).

Markdown cells are copied as they are, but for image links relative to nbs/ (`](images/x.png)` becomes
`](nbs/images/x.png)`, since README.md sits one folder up); code cells become ```python blocks (without nbdev's `#|` directives),
except cells marked `#| hide`. `--check` exits 1 if README.md differs from what index.ipynb gives (the test
command runs it); without it README.md is rewritten.

Usage: python tools/readme.py [--check]
"""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INDEX = ROOT/"nbs"/"index.ipynb"
README = ROOT/"README.md"
NOTE = "<!-- Written from nbs/index.ipynb by tools/readme.py: edit the notebook, then run the tool. -->"


def render(nb: dict) -> str:
    "The README text of the index notebook `nb`."
    parts = [NOTE]
    for cell in nb["cells"]:
        src = "".join(cell["source"]).strip("\n")
        if cell["cell_type"] == "markdown":
            parts.append(re.sub(r"!\[([^\]]*)\]\((images/[^)]+)\)", r"![\1](nbs/\2)", src))
            continue
        lines = src.splitlines()
        if any(line.strip() in ("#| hide", "#|hide") for line in lines):
            continue
        code = "\n".join(line for line in lines if not line.startswith("#|")).strip("\n")
        if code:
            parts.append(f"```python\n{code}\n```")
    return "\n\n".join(parts) + "\n"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    text = render(json.loads(INDEX.read_text()))
    if "--check" in argv:
        same = README.exists() and README.read_text() == text
        if not same:
            print("README.md is not what nbs/index.ipynb gives: edit the notebook, then run `python tools/readme.py`")
        return 0 if same else 1
    README.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
